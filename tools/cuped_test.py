"""CUPED-adjusted comparison of a metric between two arms, from per-arm sums of the metric Y and its pre-period X.

Deng, Xu, Kohavi & Walker (2013): Y_cuped = Y − θ(X − X̄) with θ = Cov(Y, X)/Var(X). We take θ as the pooled
within-arm slope, so the adjusted difference equals the treatment coefficient of the regression Y ~ T + X (ANCOVA;
our tests check it against statsmodels OLS); its variance is Var(Y) − 2θ·Cov(Y, X) + θ²·Var(X) per arm, compared by
a Welch-type z test. ``tools.cuped`` plans with CUPED (how much sample it saves); this module analyses with it.
Library choice: scipy for the normal tail; the sums are plain arithmetic (statsmodels OLS would need the raw rows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import ndtr, ndtri

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version


@dataclass(frozen=True)
class CovariateArm:
    """n units; ΣY, ΣY², ΣX, ΣX², ΣXY of one arm."""

    n: int
    sum_y: float
    sum_y2: float
    sum_x: float
    sum_x2: float
    sum_xy: float

    def moments(self) -> tuple[float, float, float, float, float]:
        """(mean Y, mean X, Var Y, Var X, Cov XY), sample (n − 1) versions."""
        n = self.n
        my, mx = self.sum_y / n, self.sum_x / n
        vy = (self.sum_y2 - n * my * my) / (n - 1)
        vx = (self.sum_x2 - n * mx * mx) / (n - 1)
        cxy = (self.sum_xy - n * mx * my) / (n - 1)
        return my, mx, vy, vx, cxy


def _arm(label: str, n: float, sy: float, sy2: float, sx: float, sx2: float, sxy: float) -> CovariateArm:
    return CovariateArm(
        checks.count(f"n_{label}", n, minimum=3),
        checks.finite(f"sum_{label}", sy),
        checks.non_negative(f"sum_sq_{label}", sy2),
        checks.finite(f"pre_sum_{label}", sx),
        checks.non_negative(f"pre_sum_sq_{label}", sx2),
        checks.finite(f"pre_cross_{label}", sxy),
    )


def cuped_compare(a: CovariateArm, b: CovariateArm, confidence: float = 0.95) -> dict[str, float]:
    """Adjusted and unadjusted difference B − A with SEs, CI, p-value, θ and the variance reduction."""
    ya, xa, vya, vxa, ca = a.moments()
    yb, xb, vyb, vxb, cb = b.moments()
    pooled_vx = ((a.n - 1) * vxa + (b.n - 1) * vxb) / (a.n + b.n - 2)
    if pooled_vx <= 0:
        raise CalculationInputError(
            "pre_sum_sq_a", "the pre-period covariate does not vary; CUPED cannot use it"
        )
    theta = ((a.n - 1) * ca + (b.n - 1) * cb) / (a.n + b.n - 2) / pooled_vx
    adj_va = max(vya - 2 * theta * ca + theta**2 * vxa, 0.0)
    adj_vb = max(vyb - 2 * theta * cb + theta**2 * vxb, 0.0)
    diff = (yb - ya) - theta * (xb - xa)
    se = math.sqrt(adj_va / a.n + adj_vb / b.n)
    raw_se = math.sqrt(vya / a.n + vyb / b.n)
    if se == 0 or raw_se == 0:
        raise CalculationInputError("sum_sq_a", "the metric does not vary; there is nothing to test")
    z = diff / se
    crit = float(ndtri(0.5 + confidence / 2))
    result = {
        "difference": diff,
        "se": se,
        "ci_low": diff - crit * se,
        "ci_high": diff + crit * se,
        "z": z,
        "p_value": 2 * float(ndtr(-abs(z))),
        "theta": theta,
        "variance_reduction": 1 - (se / raw_se) ** 2,
        "unadjusted_difference": yb - ya,
        "unadjusted_se": raw_se,
        "mean_a": ya,
        "mean_b": yb,
    }
    return {k: float(v) for k, v in result.items()}


def cuped_test_result(
    n_a: float,
    sum_a: float,
    sum_sq_a: float,
    pre_sum_a: float,
    pre_sum_sq_a: float,
    pre_cross_a: float,
    n_b: float,
    sum_b: float,
    sum_sq_b: float,
    pre_sum_b: float,
    pre_sum_sq_b: float,
    pre_cross_b: float,
    confidence: float = 0.95,
) -> CalculationResult:
    """CUPED-adjusted difference of means B − A with its CI and p-value, from per-arm sums."""
    conf = checks.proportion("confidence", confidence)
    a = _arm("a", n_a, sum_a, sum_sq_a, pre_sum_a, pre_sum_sq_a, pre_cross_a)
    b = _arm("b", n_b, sum_b, sum_sq_b, pre_sum_b, pre_sum_sq_b, pre_cross_b)
    out = cuped_compare(a, b, conf)
    return CalculationResult(
        tool="cuped_test",
        method="CUPED-adjusted difference in means (Deng et al. 2013), pooled θ, z test",
        inputs={"arm_a": vars(a), "arm_b": vars(b), "confidence": conf},
        outputs=out,
        outputs_rounded={k: (float(f"{v:.4g}") if k == "p_value" else round(v, 6)) for k, v in out.items()},
        formula=(
            "θ = Cov_pooled(Y, X)/Var_pooled(X); Δ = (Ȳ_B − Ȳ_A) − θ(X̄_B − X̄_A); "
            "Var = Σ_arms (s²_Y − 2θ·s_XY + θ²·s²_X)/n"
        ),
        library=library_version("scipy"),
        assumptions=("the covariate is measured before assignment, so the treatment cannot move it",),
    )
