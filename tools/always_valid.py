"""Always-valid inference: the mSPRT p-value and the matching confidence sequence for B − A.

Formulas (Johari, Koomen, Pekelis & Walsh 2017, "Peeking at A/B tests", KDD; Howard, Ramdas, McAuliffe & Sekhon 2021,
Annals of Statistics, normal-mixture boundary): with θ̂ the observed difference, V its variance and a N(0, τ²) mixture
over alternatives, the mixture likelihood ratio is Λ = √(V/(V+τ²))·exp(τ²θ̂²/(2V(V+τ²))). The always-valid p-value is
min(1, 1/Λ) (its running minimum over looks stays valid), and the (1 − α) confidence sequence is
θ̂ ± √(V(V+τ²)/τ² · (2·ln(1/α) + ln((V+τ²)/V))): you may look after every user and stop whenever you like.

Library choice: the closed forms on scipy. Young packages exist (``confseq`` 0.0.11, last release 2023; ``savvi``
0.3.1); neither was installed, since the two formulas above are short, published, and checked in our tests (the
boundary/p-value duality and the false-positive rate under continuous peeking).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.special import ndtri

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version


def optimal_mixing_variance(variance_at_n: float, alpha: float) -> float:
    """τ² that makes the confidence sequence (nearly) narrowest when the estimate's variance is V (Howard et al. 2021)."""
    k = -2 * math.log(alpha)
    return variance_at_n * (k + math.log(k + 1))


def msprt_p_value(estimate: float, variance: float, tau2: float) -> float:
    """min(1, 1/Λ) for one look."""
    log_lr = 0.5 * math.log(variance / (variance + tau2)) + tau2 * estimate**2 / (
        2 * variance * (variance + tau2)
    )
    return min(1.0, math.exp(-log_lr)) if log_lr < 700 else 0.0


def cs_half_width(variance: float, tau2: float, alpha: float) -> float:
    """Half-width of the normal-mixture confidence sequence at variance V."""
    spread = 2 * math.log(1 / alpha) + math.log((variance + tau2) / variance)
    return math.sqrt(variance * (variance + tau2) / tau2 * spread)


def _estimate(
    conversions_a: float | None,
    n_a: float,
    conversions_b: float | None,
    n_b: float,
    mean_a: float | None,
    sd_a: float | None,
    mean_b: float | None,
    sd_b: float | None,
) -> tuple[float, float, float, dict[str, object]]:
    """(difference, its variance, the per-unit variance scale, inputs) for rates or means."""
    na, nb = checks.count("n_a", n_a, minimum=2), checks.count("n_b", n_b, minimum=2)
    if conversions_a is not None and conversions_b is not None:
        xa, xb = checks.count("conversions_a", conversions_a), checks.count("conversions_b", conversions_b)
        if xa > na:
            raise CalculationInputError("conversions_a", f"{xa} exceeds the group size n_a={na}")
        if xb > nb:
            raise CalculationInputError("conversions_b", f"{xb} exceeds the group size n_b={nb}")
        pa, pb = xa / na, xb / nb
        va, vb = pa * (1 - pa), pb * (1 - pb)
        inputs: dict[str, object] = {"conversions_a": xa, "n_a": na, "conversions_b": xb, "n_b": nb}
        diff = pb - pa
    elif None not in (mean_a, sd_a, mean_b, sd_b):
        ma, mb = checks.finite("mean_a", mean_a), checks.finite("mean_b", mean_b)  # type: ignore[arg-type]
        sa, sb = checks.positive("sd_a", sd_a), checks.positive("sd_b", sd_b)  # type: ignore[arg-type]
        va, vb = sa**2, sb**2
        inputs = {"mean_a": ma, "sd_a": sa, "n_a": na, "mean_b": mb, "sd_b": sb, "n_b": nb}
        diff = mb - ma
    else:
        raise CalculationInputError(
            "conversions_a", "give conversions_a/conversions_b (rates) or mean_a, sd_a, mean_b, sd_b (means)"
        )
    variance = va / na + vb / nb
    if variance <= 0:
        raise CalculationInputError("conversions_a", "no variation in either group; nothing to test yet")
    return diff, variance, (va + vb) / 2, inputs


def msprt_result(
    n_a: float,
    n_b: float,
    conversions_a: float | None = None,
    conversions_b: float | None = None,
    mean_a: float | None = None,
    sd_a: float | None = None,
    mean_b: float | None = None,
    sd_b: float | None = None,
    alpha: float = 0.05,
    mixing_sd: float | None = None,
    planned_n: float | None = None,
    previous_p_values: Sequence[float] = (),
) -> CalculationResult:
    """Always-valid p-value and confidence sequence for B − A at the current look.

    mixing_sd is τ in the effect's units; by default τ is tuned to planned_n per group (or the current size).
    previous_p_values are the always-valid p-values of earlier looks: the reported p is their running minimum.
    """
    a = checks.alpha(alpha)
    diff, variance, unit_var, inputs = _estimate(
        conversions_a, n_a, conversions_b, n_b, mean_a, sd_a, mean_b, sd_b
    )
    assumptions = []
    if mixing_sd is not None:
        tau2 = checks.positive("mixing_sd", mixing_sd) ** 2
    else:
        n_plan = checks.sample_size("planned_n", planned_n) if planned_n is not None else None
        v_plan = 2 * unit_var / n_plan if n_plan else variance
        tau2 = optimal_mixing_variance(v_plan, a)
        assumptions.append(
            f"mixing SD τ = {math.sqrt(tau2):.4g} tuned to "
            + (f"{n_plan:g} users per group" if n_plan else "the current sample size")
            + " (Howard et al. 2021)"
        )
    earlier = [checks.proportion("previous_p_values", p, open_interval=False) for p in previous_p_values]
    p_now = msprt_p_value(diff, variance, tau2)
    p = min([p_now, *earlier])
    half = cs_half_width(variance, tau2, a)
    fixed_half = float(ndtri(1 - a / 2)) * math.sqrt(variance)
    outputs: dict[str, object] = {
        "difference": diff,
        "always_valid_p_value": p,
        "cs_low": diff - half,
        "cs_high": diff + half,
        "significant": p < a,
    }
    rounded: dict[str, object] = {
        "difference": round(diff, 6),
        "always_valid_p_value": float(f"{p:.4g}"),
        "cs_low": round(diff - half, 6),
        "cs_high": round(diff + half, 6),
        "significant": p < a,
    }
    notes = []
    notes.append(
        f"The fixed-horizon {1 - a:.0%} CI would be ±{fixed_half:.4g}; the confidence sequence is ±{half:.4g}: "
        "the price of being allowed to look at any time."
    )
    return CalculationResult(
        tool="msprt",
        method="mixture sequential probability ratio test (normal mixture) and confidence sequence",
        inputs={**inputs, "alpha": a, "mixing_sd": math.sqrt(tau2)},
        outputs=outputs,
        outputs_rounded=rounded,
        formula=(
            "Λ = √(V/(V+τ²))·exp(τ²θ̂²/(2V(V+τ²))); p = min(1, 1/Λ); "
            "CS: θ̂ ± √(V(V+τ²)/τ²·(2 ln(1/α) + ln((V+τ²)/V)))"
        ),
        library=library_version("scipy"),
        assumptions=tuple(assumptions),
        notes=tuple(notes),
    )
