"""Reading a reported confidence interval: the estimate, standard error, z and p-value it implies, and whether it
excludes the null value.

Practitioners paste an interval from their platform ("95% CI of the lift: [-0.2%, +1.8%]") and ask what it means.
For a symmetric interval from a normal approximation, the interval alone gives the rest: the estimate is its
midpoint, its standard error is its half-width over the critical value, and z and the two-sided p-value follow
(Altman & Bland 2011, "How to obtain the P value from a confidence interval", BMJ 343:d2304). scipy's normal
distribution gives the quantiles; nothing here needs more.
"""

from __future__ import annotations

from scipy import stats

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version

UNITS = ("", "%", "pp")  # how the bounds were written, so the answer writes them back the same way


def interval_reading_result(
    lower: float, upper: float, confidence: float = 0.95, null_value: float = 0.0, unit: str = ""
) -> CalculationResult:
    """What a reported ``confidence`` interval [lower, upper] says about the effect against ``null_value``.

    ``unit``: how the bounds were written ("%", "pp" or ""), so the answer writes them back the same way.
    """
    lo = checks.finite("lower", lower)
    hi = checks.finite("upper", upper)
    if not lo < hi:
        raise CalculationInputError(
            "upper", f"the upper bound must be above the lower bound; got [{lo:g}, {hi:g}]"
        )
    level = checks.finite("confidence", confidence)
    if not 0 < level < 1:
        raise CalculationInputError(
            "confidence", f"must be a level strictly between 0 and 1 (e.g. 0.95); got {level:g}"
        )
    null = checks.finite("null_value", null_value)
    unit = checks.choice("unit", unit, UNITS)
    critical = float(stats.norm.ppf(1 - (1 - level) / 2))
    estimate = (lo + hi) / 2
    se = (hi - lo) / (2 * critical)
    z = (estimate - null) / se
    p = float(2 * stats.norm.sf(abs(z)))
    excludes = not lo <= null <= hi
    outputs = {
        "estimate": estimate,
        "standard_error": se,
        "z": z,
        "p_value": p,
        "excludes_null": excludes,
        "critical_value": critical,
    }
    return CalculationResult(
        tool="interval_reading",
        method="p-value from a confidence interval (Altman & Bland 2011), normal approximation",
        inputs={"lower": lo, "upper": hi, "confidence": level, "null_value": null, "unit": unit},
        outputs=outputs,
        outputs_rounded={
            "estimate": round(estimate, 6),
            "standard_error": round(se, 6),
            "z": round(z, 4),
            "p_value": float(f"{p:.4g}"),
            "excludes_null": excludes,
        },
        formula="estimate = (L + U)/2, SE = (U − L)/(2·z₁₋α/₂), z = (estimate − null)/SE, p = 2·(1 − Φ(|z|))",
        library=library_version("scipy"),
        assumptions=("the interval is symmetric, from a normal approximation",),
    )
