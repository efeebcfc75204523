"""Ratio metrics (revenue per order, clicks per session) compared between two arms by the delta method.

The randomisation unit is the user, but the metric's denominator (orders, sessions) is random too, so the per-order
values are not independent. The delta method (Deng, Knoblich & Lu 2018, KDD, §2) linearises R = X̄/Ȳ:
Var(R̂) ≈ (σ²_X − 2R·σ_XY + R²·σ²_Y)/(n·μ_Y²). Inputs are sufficient statistics per arm (n users, ΣX, ΣY, ΣX², ΣY²,
ΣXY), so per-user data is never needed.

Library choice: plain arithmetic on the five sums. ``tea-tasting`` has the same delta-method ratio (and a CUPED
variant) but was not installed: ``pip install --dry-run`` resolves it to 1.14.0 with ibis-framework, sqlglot, parsy and
atpublic, a query-engine stack for what is one variance formula. statsmodels' ``NonlinearDeltaCov`` is the general
engine and serves as the reference in our tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.special import ndtr, ndtri

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version


@dataclass(frozen=True)
class RatioArm:
    """Sufficient statistics of one arm: n units, ΣX, ΣY, ΣX², ΣY², ΣXY (X numerator, Y denominator)."""

    n: float
    sum_x: float
    sum_y: float
    sum_x2: float
    sum_y2: float
    sum_xy: float

    @classmethod
    def from_units(cls, x: Sequence[float], y: Sequence[float]) -> RatioArm:
        return cls(
            float(len(x)),
            float(sum(x)),
            float(sum(y)),
            float(sum(v * v for v in x)),
            float(sum(v * v for v in y)),
            float(sum(a * b for a, b in zip(x, y, strict=True))),
        )

    def ratio_and_variance(self) -> tuple[float, float]:
        """R̂ = ΣX/ΣY and its delta-method variance."""
        n = self.n
        mx, my = self.sum_x / n, self.sum_y / n
        vx = (self.sum_x2 - n * mx * mx) / (n - 1)
        vy = (self.sum_y2 - n * my * my) / (n - 1)
        cxy = (self.sum_xy - n * mx * my) / (n - 1)
        r = mx / my
        var = (vx - 2 * r * cxy + r * r * vy) / (n * my * my)
        return r, max(var, 0.0)


def _arm(label: str, n: float, sx: float, sy: float, sx2: float, sy2: float, sxy: float) -> RatioArm:
    count = checks.count(f"n_{label}", n, minimum=2)
    arm = RatioArm(
        count,
        checks.finite(f"num_sum_{label}", sx),
        checks.positive(f"den_sum_{label}", sy),
        checks.non_negative(f"num_sq_sum_{label}", sx2),
        checks.positive(f"den_sq_sum_{label}", sy2),
        checks.finite(f"num_den_sum_{label}", sxy),
    )
    if arm.sum_x2 * count < arm.sum_x**2 * (1 - 1e-12):
        raise CalculationInputError(
            f"num_sq_sum_{label}", "ΣX² is smaller than (ΣX)²/n, which no data can produce; check the sums"
        )
    return arm


def compare_ratios(arm_a: RatioArm, arm_b: RatioArm, confidence: float = 0.95) -> dict[str, float]:
    """Difference and relative lift of R_B vs R_A with delta-method CIs and a two-sided z p-value."""
    ra, va = arm_a.ratio_and_variance()
    rb, vb = arm_b.ratio_and_variance()
    se = math.sqrt(va + vb)
    if se == 0:
        raise CalculationInputError(
            "num_sq_sum_a", "the ratio has no variance in either arm; nothing to test"
        )
    z_crit = float(ndtri(0.5 + confidence / 2))
    diff = rb - ra
    z = diff / se
    lift = rb / ra - 1
    # Var(R_B/R_A) ≈ (R_B/R_A)²·(vb/R_B² + va/R_A²), arms independent.
    se_lift = abs(rb / ra) * math.sqrt(vb / rb**2 + va / ra**2)
    return {
        "ratio_a": ra,
        "ratio_b": rb,
        "difference": diff,
        "se": se,
        "ci_low": diff - z_crit * se,
        "ci_high": diff + z_crit * se,
        "z": z,
        "p_value": 2 * float(ndtr(-abs(z))),
        "relative_lift": lift,
        "lift_ci_low": lift - z_crit * se_lift,
        "lift_ci_high": lift + z_crit * se_lift,
    }


def ratio_metric_result(
    n_a: float,
    num_sum_a: float,
    den_sum_a: float,
    num_sq_sum_a: float,
    den_sq_sum_a: float,
    num_den_sum_a: float,
    n_b: float,
    num_sum_b: float,
    den_sum_b: float,
    num_sq_sum_b: float,
    den_sq_sum_b: float,
    num_den_sum_b: float,
    confidence: float = 0.95,
) -> CalculationResult:
    """Delta-method comparison of a ratio metric ΣX/ΣY between arms, from per-arm sums over users."""
    conf = checks.proportion("confidence", confidence)
    a = _arm("a", n_a, num_sum_a, den_sum_a, num_sq_sum_a, den_sq_sum_a, num_den_sum_a)
    b = _arm("b", n_b, num_sum_b, den_sum_b, num_sq_sum_b, den_sq_sum_b, num_den_sum_b)
    out = compare_ratios(a, b, conf)
    return CalculationResult(
        tool="ratio_metric",
        method="delta method for a ratio of means (Deng, Knoblich & Lu 2018)",
        inputs={"arm_a": vars(a), "arm_b": vars(b), "confidence": conf},
        outputs=out,
        outputs_rounded={k: (float(f"{v:.4g}") if k == "p_value" else round(v, 6)) for k, v in out.items()},
        formula="R = ΣX/ΣY; Var(R) ≈ (s²_X − 2R·s_XY + R²·s²_Y)/(n·Ȳ²); z = (R_B − R_A)/√(Var_A + Var_B)",
        library=library_version("scipy"),
        assumptions=("users (not orders or sessions) are the randomisation unit and independent",),
    )
