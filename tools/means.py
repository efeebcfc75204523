"""Power, sample size and minimum detectable difference for means (t and z tests).

The t versions use the noncentral t distribution exactly as R ``power.t.test`` (default ``strict = FALSE``: only the
rejection tail in the direction of the effect counts). ``design`` is ``two_sample`` (independent groups, optional
allocation ratio n2/n1), ``one_sample`` or ``paired`` (sd is the SD of the within-pair differences).
The ``z`` method replaces t by the normal distribution; ``rule_of_thumb`` is Lehr's n = 16·σ²/δ² per group
(two-sample, α = 0.05 two-sided, 80% power only).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from scipy import optimize
from scipy.special import nctdtr, ndtr, ndtri, stdtrit

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, ceil_n, library_version

DESIGNS: tuple[str, ...] = ("two_sample", "one_sample", "paired")
METHODS: tuple[str, ...] = ("t", "z", "rule_of_thumb")
METHOD_NAMES = {
    "t": "noncentral t (R power.t.test)",
    "z": "normal approximation (z test)",
    "rule_of_thumb": "Lehr's rule of thumb n = 16σ²/δ²",
}


def _df_and_scale(n1: float, ratio: float, design: str) -> tuple[float, float]:
    """Degrees of freedom and the factor turning d into the noncentrality parameter."""
    if design == "two_sample":
        n2 = ratio * n1
        return n1 + n2 - 2, 1 / math.sqrt(1 / n1 + 1 / n2)
    return n1 - 1, math.sqrt(n1)


def power(
    d: float, n1: float, alpha: float, alternative: str, design: str, ratio: float, method: str
) -> float:
    """Power for standardised effect d = δ/σ with n1 (control / only group) observations."""
    df, scale = _df_and_scale(n1, ratio, design)
    ncp = d * scale
    if alternative == "two-sided":
        ncp = abs(ncp)
    elif alternative == "smaller":
        ncp = -ncp
    tail = checks.tail_alpha(alpha, alternative)
    if method == "z":
        return float(ndtr(ncp - ndtri(1 - tail)))
    crit = stdtrit(df, 1 - tail)
    return float(1 - nctdtr(df, ncp, crit))


def sample_size(
    d: float, target: float, alpha: float, alternative: str, design: str, ratio: float, method: str
) -> float:
    """n1 (unrounded) reaching the target power; for two samples n2 = ratio·n1."""
    effect = d if alternative != "smaller" else -d
    if alternative == "two-sided":
        effect = abs(d)
    if effect <= 0:
        raise CalculationInputError(
            "alternative",
            f"a '{alternative}' test cannot detect an effect of {d:g}; flip the direction or test two-sided",
        )
    if method == "rule_of_thumb":
        return 16 / d**2
    k = (1 + 1 / ratio) if design == "two_sample" else 1.0
    z_guess = k * ((ndtri(1 - checks.tail_alpha(alpha, alternative)) + ndtri(target)) / effect) ** 2
    if method == "z":
        return float(z_guess)
    # R power.t.test searches n in [2, 1e7]; below two observations per group a t test is meaningless.
    lower = 2.0
    upper = max(z_guess * 2 + 10, lower * 2)
    while power(d, upper, alpha, alternative, design, ratio, method) < target:
        upper *= 2
    gap_low = power(d, lower, alpha, alternative, design, ratio, method) - target
    if gap_low >= 0:
        return lower
    return float(
        optimize.brentq(
            lambda n: power(d, n, alpha, alternative, design, ratio, method) - target,
            lower,
            upper,
            xtol=1e-10,
        )
    )


def minimum_detectable_d(
    n1: float, target: float, alpha: float, alternative: str, design: str, ratio: float, method: str
) -> float:
    """Smallest standardised effect (positive, or negative for 'smaller') detectable with the target power."""
    sign = -1.0 if alternative == "smaller" else 1.0
    if method == "rule_of_thumb":
        return sign * 4 / math.sqrt(n1)

    def gap(d: float) -> float:
        return power(sign * d, n1, alpha, alternative, design, ratio, method) - target

    upper = 1.0
    while gap(upper) < 0:
        upper *= 2
        if upper > 1e6:
            raise CalculationInputError("n_per_group", "too small to reach the target power for any effect")
    return sign * float(optimize.brentq(gap, 1e-12, upper, xtol=1e-12))


def _delta_from_means(delta: float | None, mean_a: float | None, mean_b: float | None) -> float | None:
    """delta as given, or mean_b − mean_a when both means are given (not both ways at once)."""
    if mean_a is None and mean_b is None:
        return delta
    if mean_a is None or mean_b is None:
        raise CalculationInputError(
            "mean_b" if mean_b is None else "mean_a", "give both group means, or delta"
        )
    if delta is not None:
        raise CalculationInputError("delta", "give either delta or the two means, not both")
    return checks.finite("mean_b", mean_b) - checks.finite("mean_a", mean_a)


def _effect(
    delta: float | None, sd: float | None, cohens_d: float | None
) -> tuple[float, float | None, float | None]:
    """Standardised effect d and the (delta, sd) it came from, when given."""
    if cohens_d is not None:
        d = checks.finite("cohens_d", cohens_d)
        if d == 0:
            raise CalculationInputError("cohens_d", "must not be 0; there is no difference to detect")
        return d, delta, sd
    if delta is None or sd is None:
        raise CalculationInputError(
            "delta" if delta is None else "sd",
            "give the difference in means (delta) and the standard deviation (sd), or Cohen's d (cohens_d)",
        )
    delta = checks.finite("delta", delta)
    if delta == 0:
        raise CalculationInputError("delta", "must not be 0; there is no difference to detect")
    sd = checks.positive("sd", sd)
    return delta / sd, delta, sd


def _normalise(
    alpha: float, alternative: str, design: str, ratio: float, method: str
) -> tuple[float, str, str, float, str]:
    a = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    des = checks.choice("design", design, DESIGNS)
    r = checks.positive("ratio", ratio)
    m = checks.choice("method", method, METHODS)
    if m == "rule_of_thumb" and (
        des != "two_sample" or alt != "two-sided" or abs(a - 0.05) > 1e-12 or r != 1
    ):
        raise CalculationInputError(
            "method",
            "the 16σ²/δ² rule of thumb only holds for two equal groups, alpha=0.05 two-sided and 80% power; "
            "use method 't' for other designs",
        )
    return a, alt, des, r, m


def _formula(design: str, method: str, alt: str) -> str:
    if method == "rule_of_thumb":
        return "n per group = 16·σ²/δ² (Lehr 1992; ≈ 2·(1.96 + 0.84)²·σ²/δ², α = 0.05 two-sided, 80% power)"
    scale = "√(n1·n2/(n1+n2))" if design == "two_sample" else "√n"
    df = "n1 + n2 − 2" if design == "two_sample" else "n − 1"
    crit = "t(1 − α/2, df)" if alt == "two-sided" else "t(1 − α, df)"
    if method == "z":
        return f"power = 1 − Φ(z_crit − d·{scale}), d = δ/σ"
    return f"power = P(T' > {crit}), T' ~ noncentral t(df = {df}, ncp = d·{scale}), d = δ/σ"


def _rounded_n(n1: float, ratio: float, design: str) -> tuple[dict[str, object], dict[str, object]]:
    if design == "two_sample":
        n2 = n1 * ratio
        r1, r2 = ceil_n(n1), ceil_n(n2)
        return {"n_group1": n1, "n_group2": n2, "n_total": n1 + n2}, {
            "n_group1": r1,
            "n_group2": r2,
            "n_total": r1 + r2,
        }
    label = "n_pairs" if design == "paired" else "n"
    return {label: n1}, {label: ceil_n(n1)}


def sample_size_result(
    delta: float | None = None,
    sd: float | None = None,
    cohens_d: float | None = None,
    mean_a: float | None = None,
    mean_b: float | None = None,
    power_target: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    design: str = "two_sample",
    ratio: float = 1.0,
    method: str = "t",
) -> CalculationResult:
    """Sample size to detect a difference in means delta (with SD sd) or a standardised effect d."""
    a, alt, des, r, m = _normalise(alpha, alternative, design, ratio, method)
    target = checks.power(power_target, a)
    if m == "rule_of_thumb" and abs(target - 0.8) > 1e-12:
        raise CalculationInputError("power", "the 16σ²/δ² rule of thumb assumes 80% power; use method 't'")
    d, dlt, s = _effect(_delta_from_means(delta, mean_a, mean_b), sd, cohens_d)

    def outputs_for(method_name: str) -> tuple[dict[str, object], dict[str, object]]:
        return _rounded_n(sample_size(d, target, a, alt, des, r, method_name), r, des)

    raw, rounded = outputs_for(m)
    key = "n_total" if des == "two_sample" else next(iter(rounded))
    others = [x for x in ("t", "z") if x != m]
    if (
        des == "two_sample"
        and alt == "two-sided"
        and r == 1
        and abs(a - 0.05) < 1e-12
        and abs(target - 0.8) < 1e-12
    ):
        others += [x for x in ("rule_of_thumb",) if x != m]
    alternatives = _alternatives(m, rounded, outputs_for, others, key, des, alt)
    inputs = {
        "delta": dlt,
        "sd": s,
        "cohens_d": d,
        "power": target,
    }
    return _result(
        "means_sample_size",
        m,
        des,
        alt,
        a,
        r,
        inputs,
        raw,
        rounded,
        alternatives,
        "; solved for n by root finding; sample sizes rounded up",
    )


def power_result(
    n_per_group: float,
    delta: float | None = None,
    sd: float | None = None,
    cohens_d: float | None = None,
    mean_a: float | None = None,
    mean_b: float | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    design: str = "two_sample",
    ratio: float = 1.0,
    method: str = "t",
) -> CalculationResult:
    """Power with n_per_group observations (group 1; group 2 gets ratio·n) for a difference in means."""
    a, alt, des, r, m = _normalise(alpha, alternative, design, ratio, method)
    if m == "rule_of_thumb":
        raise CalculationInputError(
            "method", "the rule of thumb only gives a sample size; use method 't' for power"
        )
    n1 = checks.sample_size("n_per_group", n_per_group, 2)
    d, dlt, s = _effect(_delta_from_means(delta, mean_a, mean_b), sd, cohens_d)

    def outputs_for(method_name: str) -> tuple[dict[str, object], dict[str, object]]:
        value = power(d, n1, a, alt, des, r, method_name)
        return {"power": value}, {"power": round(value, 4)}

    raw, rounded = outputs_for(m)
    alternatives = _alternatives(
        m, rounded, outputs_for, [x for x in ("t", "z") if x != m], "power", des, alt
    )
    inputs = {
        "n_per_group": n1,
        "delta": dlt,
        "sd": s,
        "cohens_d": d,
    }
    return _result("means_power", m, des, alt, a, r, inputs, raw, rounded, alternatives, "")


def mde_result(
    n_per_group: float,
    sd: float | None = None,
    power_target: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    design: str = "two_sample",
    ratio: float = 1.0,
    method: str = "t",
) -> CalculationResult:
    """Minimum detectable difference in means (in SD units, and in raw units when sd is given)."""
    a, alt, des, r, m = _normalise(alpha, alternative, design, ratio, method)
    n1 = checks.sample_size("n_per_group", n_per_group, 2)
    target = checks.power(power_target, a)
    s = checks.positive("sd", sd) if sd is not None else None

    def outputs_for(method_name: str) -> tuple[dict[str, object], dict[str, object]]:
        d = minimum_detectable_d(n1, target, a, alt, des, r, method_name)
        raw: dict[str, object] = {"mde_cohens_d": d}
        if s is not None:
            raw["mde_delta"] = d * s
        return raw, {k: round(float(v), 6) for k, v in raw.items()}  # type: ignore[arg-type]

    raw, rounded = outputs_for(m)
    alternatives = _alternatives(
        m, rounded, outputs_for, [x for x in ("t", "z") if x != m], "mde_cohens_d", des, alt
    )
    inputs = {
        "n_per_group": n1,
        "sd": s,
        "power": target,
    }
    return _result(
        "means_mde",
        m,
        des,
        alt,
        a,
        r,
        inputs,
        raw,
        rounded,
        alternatives,
        "; solved for d by root finding; δ = d·σ",
    )


def _result(
    tool: str,
    m: str,
    des: str,
    alt: str,
    a: float,
    r: float,
    inputs: Mapping[str, object],
    raw: dict[str, object],
    rounded: dict[str, object],
    alternatives: tuple[Alternative, ...],
    solved: str,
) -> CalculationResult:
    """A means calculator's result: its own inputs, then α, alternative, design and ratio."""
    return CalculationResult(
        tool=tool,
        method=f"{METHOD_NAMES[m]}, {des.replace('_', '-')}",
        inputs={**inputs, "alpha": a, "alternative": alt, "design": des, "ratio": r},
        outputs=raw,
        outputs_rounded=rounded,
        formula=_formula(des, m, alt) + solved,
        library=library_version("scipy"),
        alternatives=alternatives,
    )


def _alternatives(
    chosen: str,
    chosen_rounded: dict[str, object],
    outputs_for: object,
    others: list[str],
    key: str,
    design: str,
    alt: str,
) -> tuple[Alternative, ...]:
    found: list[Alternative] = []
    for m in others:
        raw, rounded = outputs_for(m)  # type: ignore[operator]
        if rounded[key] != chosen_rounded[key]:
            found.append(Alternative(METHOD_NAMES[m], raw, rounded, _formula(design, m, alt)))
    if not found:
        return ()
    raw, _ = outputs_for(chosen)  # type: ignore[operator]
    return (Alternative(METHOD_NAMES[chosen], raw, chosen_rounded, _formula(design, chosen, alt)), *found)
