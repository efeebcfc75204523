"""Confidence intervals: one proportion, difference of two proportions, difference of means, relative lift."""

from __future__ import annotations

import math

from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, library_version

PROPORTION_METHODS = {
    "wilson": (
        "wilson",
        "Wilson score interval",
        "p̃ ± z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/(4n²)), p̃ = (p̂ + z²/(2n))/(1 + z²/n)",
    ),
    "clopper_pearson": (
        "beta",
        "Clopper-Pearson exact interval",
        "[Beta(α/2; x, n−x+1), Beta(1−α/2; x+1, n−x)]",
    ),
    "agresti_coull": (
        "agresti_coull",
        "Agresti-Coull interval",
        "ñ = n + z², p̃ = (x + z²/2)/ñ, p̃ ± z·√(p̃(1−p̃)/ñ)",
    ),
    "wald": ("normal", "Wald (normal approximation) interval", "p̂ ± z·√(p̂(1−p̂)/n)"),
}
DIFFERENCE_METHODS = {
    "newcombe": (
        "newcomb",
        "Newcombe hybrid score interval (method 10)",
        "Wilson limits per group combined: (d − √((p̂b−lb)² + (ua−p̂a)²), d + √((ub−p̂b)² + (p̂a−la)²))",
    ),
    "agresti_caffo": (
        "agresti-caffo",
        "Agresti-Caffo interval",
        "add one success and one failure per group, then Wald",
    ),
    "wald": ("wald", "Wald interval", "d ± z·√(p̂a(1−p̂a)/na + p̂b(1−p̂b)/nb)"),
}


def _confidence(value: float) -> float:
    value = checks.finite("confidence", value)
    if 50 <= value < 100:
        value /= 100  # "95" means 95%; smaller numbers above 1 are ambiguous and rejected below
    if not 0 < value < 1:
        raise CalculationInputError("confidence", f"must be between 0 and 1 (e.g. 0.95); got {value:g}")
    return value


def _counts(successes: float, n: float, suffix: str = "") -> tuple[int, int]:
    total = checks.count(f"n{suffix}", n, minimum=1)
    x = checks.count(f"successes{suffix}" if not suffix else f"conversions{suffix}", successes, minimum=0)
    if x > total:
        raise CalculationInputError(
            f"conversions{suffix}" if suffix else "successes", f"{x} exceeds the number of trials {total}"
        )
    return x, total


def proportion_ci_result(
    successes: float, n: float, confidence: float = 0.95, method: str = "wilson"
) -> CalculationResult:
    """Confidence interval for one proportion x/n."""
    conf = _confidence(confidence)
    x, total = _counts(successes, n)
    chosen = checks.choice("method", method, tuple(PROPORTION_METHODS))

    def compute(m: str) -> tuple[dict[str, object], dict[str, object]]:
        lo, hi = proportion_confint(x, total, alpha=1 - conf, method=PROPORTION_METHODS[m][0])
        lo, hi = max(0.0, float(lo)), min(1.0, float(hi))
        return {"lower": lo, "upper": hi}, {"lower": round(lo, 4), "upper": round(hi, 4)}

    computed = {m: compute(m) for m in PROPORTION_METHODS}
    raw, rounded = computed[chosen]
    alts = [
        Alternative(PROPORTION_METHODS[m][1], *computed[m], PROPORTION_METHODS[m][2])
        for m in PROPORTION_METHODS
        if m != chosen and computed[m][1] != rounded
    ]
    notes = []
    if chosen == "wald" and (x < 5 or total - x < 5):
        notes.append(
            "Fewer than 5 successes or failures: the Wald interval is unreliable here; prefer Wilson."
        )
    elif x < 5 or total - x < 5:
        # unclipped: statsmodels clips the Wald bounds to [0, 1], which hides how it fails
        rate = x / total
        half = checks.z_quantile(1 - (1 - conf) / 2) * math.sqrt(rate * (1 - rate) / total)
        wald_lo, wald_hi = rate - half, rate + half
        outside = ", below 0" if wald_lo < 0 else ", above 1" if wald_hi > 1 else ""
        exact_lo, exact_hi = (float(v) for v in proportion_confint(x, total, alpha=1 - conf, method="beta"))
        notes.append(
            f"With {x} of {total}, fewer than 5 successes or failures, the normal-approximation (Wald) interval "
            f"breaks down: it gives {wald_lo:.4f} to {wald_hi:.4f}{outside}, and it covers the true rate less often "
            f"than it claims; the exact Clopper-Pearson interval is {exact_lo:.4f} to {exact_hi:.4f}."
        )
    return CalculationResult(
        tool="ci_proportion",
        method=PROPORTION_METHODS[chosen][1],
        inputs={"successes": x, "n": total, "confidence": conf},
        outputs={"estimate": x / total, **raw},
        outputs_rounded={"estimate": round(x / total, 4), **rounded},
        formula=PROPORTION_METHODS[chosen][2] + f", z = z(1 − α/2), α = {1 - conf:.4g}",
        library=library_version("statsmodels"),
        alternatives=(
            Alternative(PROPORTION_METHODS[chosen][1], raw, rounded, PROPORTION_METHODS[chosen][2]),
            *alts,
        )
        if alts
        else (),
        notes=tuple(notes),
    )


def difference_ci_result(
    conversions_a: float,
    n_a: float,
    conversions_b: float,
    n_b: float,
    confidence: float = 0.95,
    method: str = "newcombe",
    threshold: float | None = None,
) -> CalculationResult:
    """Confidence interval for p_b − p_a (treatment B minus control A); with ``threshold`` (the smallest difference
    worth acting on, as a proportion: 0.002 = 0.2 points), what the interval says against it."""
    conf = _confidence(confidence)
    limit = _threshold(threshold)
    xa, na = _counts(conversions_a, n_a, "_a")
    xb, nb = _counts(conversions_b, n_b, "_b")
    chosen = checks.choice("method", method, tuple(DIFFERENCE_METHODS))

    def compute(m: str) -> tuple[dict[str, float], dict[str, float]]:
        lo, hi = confint_proportions_2indep(
            xb, nb, xa, na, method=DIFFERENCE_METHODS[m][0], compare="diff", alpha=1 - conf
        )
        return {"lower": float(lo), "upper": float(hi)}, {
            "lower": round(float(lo), 4),
            "upper": round(float(hi), 4),
        }

    computed = {m: compute(m) for m in DIFFERENCE_METHODS}
    raw, rounded = computed[chosen]
    diff = xb / nb - xa / na
    alts = [
        Alternative(DIFFERENCE_METHODS[m][1], *computed[m], DIFFERENCE_METHODS[m][2])
        for m in DIFFERENCE_METHODS
        if m != chosen and computed[m][1] != rounded
    ]
    inputs: dict[str, object] = {
        "conversions_a": xa,
        "n_a": na,
        "conversions_b": xb,
        "n_b": nb,
        "confidence": conf,
    }
    notes: tuple[str, ...] = ()
    if limit is not None:
        inputs["threshold"] = limit
        said = f"{100 * limit:.4g}-point"
        notes = (threshold_reading(raw["lower"], raw["upper"], limit, said, conf),)
    return CalculationResult(
        tool="ci_proportion_difference",
        method=DIFFERENCE_METHODS[chosen][1],
        inputs=inputs,
        outputs={"p_a": xa / na, "p_b": xb / nb, "difference": diff, **raw},
        outputs_rounded={
            "p_a": round(xa / na, 4),
            "p_b": round(xb / nb, 4),
            "difference": round(diff, 4),
            **rounded,
        },
        formula=DIFFERENCE_METHODS[chosen][2] + "; d = p̂b − p̂a",
        library=library_version("statsmodels"),
        alternatives=(
            Alternative(DIFFERENCE_METHODS[chosen][1], raw, rounded, DIFFERENCE_METHODS[chosen][2]),
            *alts,
        )
        if alts
        else (),
        notes=notes,
    )


def threshold_reading(lower: float, upper: float, threshold: float, said: str, confidence: float) -> str:
    """What an interval says against the smallest effect worth acting on (a practical-significance threshold
    ``said`` as the question wrote it): clears it, rules it out, or cannot tell (Kohavi, Tang & Xu 2020, ch. 2)."""
    level = f"{confidence:.0%} interval"
    if lower >= threshold:
        return (
            f"The whole {level} lies at or above the {said} threshold: the effect is practically significant, "
            "not only statistically."
        )
    if upper < threshold:
        real = " The effect is real but" if lower > 0 else " Even its upper end is"
        return (
            f"The whole {level} lies below the {said} threshold:{real} smaller than the effect worth acting on, "
            "so the data rule out a change that large."
        )
    return (
        f"The {level} contains the {said} threshold: the data cannot tell whether the effect clears it; more "
        "users (a longer test) would narrow the interval."
    )


def _threshold(threshold: float | None) -> float | None:
    return None if threshold is None else checks.finite("threshold", threshold)


def _summary(mean: float, sd: float, n: float, suffix: str) -> tuple[float, float, int]:
    return (
        checks.finite(f"mean{suffix}", mean),
        checks.non_negative(f"sd{suffix}", sd),
        checks.count(f"n{suffix}", n, minimum=2),
    )


def welch_df(va: float, na: int, vb: float, nb: int) -> float:
    """Welch-Satterthwaite degrees of freedom from the variances of the two means."""
    sa, sb = va / na, vb / nb
    return (sa + sb) ** 2 / (sa**2 / (na - 1) + sb**2 / (nb - 1))


def mean_difference_ci_result(
    mean_a: float, sd_a: float, n_a: float, mean_b: float, sd_b: float, n_b: float, confidence: float = 0.95
) -> CalculationResult:
    """Welch confidence interval for mean_b − mean_a from summary statistics."""
    conf = _confidence(confidence)
    ma, sa, na = _summary(mean_a, sd_a, n_a, "_a")
    mb, sb, nb = _summary(mean_b, sd_b, n_b, "_b")
    if sa == 0 and sb == 0:
        raise CalculationInputError(
            "sd_a", "both standard deviations are 0; an interval needs some variation"
        )
    se = math.sqrt(sa**2 / na + sb**2 / nb)
    df = welch_df(sa**2, na, sb**2, nb)
    t = float(stats.t.ppf(1 - (1 - conf) / 2, df))
    diff = mb - ma
    raw = {"difference": diff, "lower": diff - t * se, "upper": diff + t * se, "standard_error": se, "df": df}
    return CalculationResult(
        tool="ci_mean_difference",
        method="Welch t interval (unequal variances)",
        inputs={"mean_a": ma, "sd_a": sa, "n_a": na, "mean_b": mb, "sd_b": sb, "n_b": nb, "confidence": conf},
        outputs=raw,
        outputs_rounded={k: round(v, 4) for k, v in raw.items()},
        formula="(x̄b − x̄a) ± t(1 − α/2, ν)·√(sa²/na + sb²/nb), ν = Welch-Satterthwaite",
        library=library_version("scipy"),
    )


def relative_lift_ci_result(
    n_a: float,
    n_b: float,
    conversions_a: float | None = None,
    conversions_b: float | None = None,
    mean_a: float | None = None,
    sd_a: float | None = None,
    mean_b: float | None = None,
    sd_b: float | None = None,
    confidence: float = 0.95,
    threshold: float | None = None,
) -> CalculationResult:
    """Delta-method interval for the relative lift (B − A)/A of a conversion rate or a mean; with ``threshold`` (the
    smallest lift worth acting on: 0.05 = 5%), what the interval says against it."""
    conf = _confidence(confidence)
    limit = _threshold(threshold)
    if conversions_a is not None and conversions_b is not None:
        xa, na = _counts(conversions_a, n_a, "_a")
        xb, nb = _counts(conversions_b, n_b, "_b")
        ma, mb = xa / na, xb / nb
        va, vb = ma * (1 - ma) / na, mb * (1 - mb) / nb
        inputs: dict[str, object] = {"conversions_a": xa, "n_a": na, "conversions_b": xb, "n_b": nb}
        field = "conversions_a"
    elif mean_a is not None and mean_b is not None and sd_a is not None and sd_b is not None:
        ma, s_a, na = _summary(mean_a, sd_a, n_a, "_a")
        mb, s_b, nb = _summary(mean_b, sd_b, n_b, "_b")
        va, vb = s_a**2 / na, s_b**2 / nb
        inputs = {"mean_a": ma, "sd_a": s_a, "n_a": na, "mean_b": mb, "sd_b": s_b, "n_b": nb}
        field = "mean_a"
    else:
        raise CalculationInputError(
            "conversions_a",
            "give conversions_a and conversions_b (rates) or mean_a, sd_a, mean_b, sd_b (means)",
        )
    if ma == 0:
        raise CalculationInputError(field, "the control value is 0, so a relative lift is undefined")
    z = float(stats.norm.ppf(1 - (1 - conf) / 2))
    lift = mb / ma - 1
    se = math.sqrt(vb / ma**2 + mb**2 * va / ma**4)
    raw = {"lift": lift, "lower": lift - z * se, "upper": lift + z * se, "standard_error": se}
    alts: tuple[Alternative, ...] = ()
    if mb > 0:
        se_log = math.sqrt(vb / mb**2 + va / ma**2)
        log_raw = {
            "lift": lift,
            "lower": math.exp(math.log(mb / ma) - z * se_log) - 1,
            "upper": math.exp(math.log(mb / ma) + z * se_log) - 1,
            "standard_error": se_log,
        }
        log_rounded = {k: round(v, 4) for k, v in log_raw.items()}
        rounded = {k: round(v, 4) for k, v in raw.items()}
        if (log_rounded["lower"], log_rounded["upper"]) != (rounded["lower"], rounded["upper"]):
            alts = (
                Alternative("delta method on the ratio", raw, rounded, "lift ± z·SE"),
                Alternative(
                    "delta method on the log ratio",
                    log_raw,
                    log_rounded,
                    "exp(log(b/a) ± z·√(Vb/b² + Va/a²)) − 1",
                ),
            )
    inputs["confidence"] = conf
    notes: tuple[str, ...] = ()
    if limit is not None:
        inputs["threshold"] = limit
        notes = (threshold_reading(raw["lower"], raw["upper"], limit, f"{100 * limit:.4g}% lift", conf),)
    return CalculationResult(
        tool="ci_relative_lift",
        method="delta method for the relative lift (ratio of independent means)",
        inputs=inputs,
        outputs=raw,
        outputs_rounded={k: round(v, 4) for k, v in raw.items()},
        formula="lift = b/a − 1; SE = √(Var(b)/a² + b²·Var(a)/a⁴); lift ± z(1 − α/2)·SE",
        library=library_version("scipy"),
        alternatives=alts,
        notes=notes,
    )
