"""Power, sample size and minimum detectable effect for comparing two proportions.

Four methods, each solving for whichever of n, power or effect is missing (statsmodels ``stats/power.py`` style):

- ``pooled``: normal approximation with the pooled proportion under the null, as R ``power.prop.test``
  (only the tail in the direction of the effect counts, R's default ``strict = FALSE``).
- ``unpooled``: normal approximation with the unpooled variance under both hypotheses.
- ``cohens_h``: arcsine transform h = 2·asin(√p2) − 2·asin(√p1), as R ``pwr.2p.test`` / ``pwr.2p2n.test`` and
  statsmodels ``NormalIndPower`` (a two-sided test counts both tails).
- ``evan_miller``: the formula of Evan Miller's online A/B sample-size calculator: the null standard deviation uses
  the baseline variance p1(1−p1) for both groups, the alternative one p1(1−p1) + p2(1−p2):
  n = (z₁₋α/₂·√(2·p1(1−p1)) + z₁₋β·√(p1(1−p1) + p2(1−p2)))² / δ².
  The page shows this value rounded to the nearest integer (1,030 for its defaults: baseline 20%, 5 points absolute,
  80% power, α = 5%, where the formula gives 1030.2); we round sample sizes up (1,031). Ports of the page's
  script also mirror baselines above 50% (p1 → 1 − p1); we keep p1 as given. With allocation ratio r ≠ 1 we
  generalise the two terms to p1(1−p1)(1 + 1/r) and p1(1−p1) + p2(1−p2)/r; the page itself only has equal groups.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scipy import optimize
from scipy.special import ndtr

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, ceil_n, library_version

METHODS: tuple[str, ...] = ("pooled", "unpooled", "cohens_h", "evan_miller")
METHOD_NAMES = {
    "pooled": "pooled-variance normal approximation (R power.prop.test)",
    "unpooled": "unpooled-variance normal approximation",
    "cohens_h": "Cohen's h arcsine transform (R pwr.2p.test / pwr.2p2n.test)",
    "evan_miller": "Evan Miller's online calculator formula",
}
FORMULAS = {
    "pooled": (
        "n1 = (z_a·√(p̄(1−p̄)(1+1/r)) + z_b·√(p1(1−p1) + p2(1−p2)/r))² / (p2−p1)², "
        "p̄ = (p1 + r·p2)/(1+r), n2 = r·n1"
    ),
    "unpooled": "n1 = (z_a + z_b)²·(p1(1−p1) + p2(1−p2)/r) / (p2−p1)², n2 = r·n1",
    "cohens_h": (
        "h = 2·asin(√p2) − 2·asin(√p1); power = Φ(|h|·√(n1·n2/(n1+n2)) − z_a) "
        "[+ Φ(−|h|·√(n1·n2/(n1+n2)) − z_a) when two-sided]"
    ),
    "evan_miller": "n1 = (z_a·√(p1(1−p1)(1+1/r)) + z_b·√(p1(1−p1) + p2(1−p2)/r))² / (p2−p1)², n2 = r·n1",
}
CORRECTIONS: tuple[str, ...] = ("none", "bonferroni", "sidak")


@dataclass(frozen=True)
class ProportionDesign:
    """Baseline p1, treatment p2, per-comparison alpha, sidedness and allocation ratio n2/n1."""

    p1: float
    p2: float
    alpha: float
    alternative: str
    ratio: float = 1.0


def _sds(design: ProportionDesign, method: str) -> tuple[float, float]:
    """Standard deviations of the estimated difference for n1 = 1, under the null and the alternative."""
    p1, p2, r = design.p1, design.p2, design.ratio
    q1, q2 = 1 - p1, 1 - p2
    alt_sd = math.sqrt(p1 * q1 + p2 * q2 / r)
    if method == "pooled":
        pbar = (p1 + r * p2) / (1 + r)
        return math.sqrt(pbar * (1 - pbar) * (1 + 1 / r)), alt_sd
    if method == "unpooled":
        return alt_sd, alt_sd
    if method == "evan_miller":
        return math.sqrt(p1 * q1 * (1 + 1 / r)), alt_sd
    raise CalculationInputError("method", f"must be one of {', '.join(METHODS)}; got {method!r}")


def _signed_effect(design: ProportionDesign, method: str) -> float:
    """Effect in the direction the test looks for (positive = detectable)."""
    if method == "cohens_h":
        effect = 2 * math.asin(math.sqrt(design.p2)) - 2 * math.asin(math.sqrt(design.p1))
    else:
        effect = design.p2 - design.p1
    if design.alternative == "two-sided":
        return abs(effect)
    return effect if design.alternative == "larger" else -effect


def power(design: ProportionDesign, n1: float, method: str = "pooled") -> float:
    """Power to detect p2 vs p1 with n1 in the control group and ratio·n1 in the treatment group."""
    z_a = checks.z_quantile(1 - checks.tail_alpha(design.alpha, design.alternative))
    effect = _signed_effect(design, method)
    if method == "cohens_h":
        se = math.sqrt(1 / n1 + 1 / (design.ratio * n1))
        result = ndtr(effect / se - z_a)
        if design.alternative == "two-sided":
            result += ndtr(-effect / se - z_a)
        return float(result)
    sd0, sd1 = _sds(design, method)
    return float(ndtr((effect * math.sqrt(n1) - z_a * sd0) / sd1))


def sample_size(design: ProportionDesign, target_power: float, method: str = "pooled") -> float:
    """Control-group sample size n1 (unrounded) reaching the target power; n2 = ratio·n1."""
    effect = _signed_effect(design, method)
    if effect <= 0:
        raise CalculationInputError(
            "alternative",
            f"a '{design.alternative}' test cannot detect a change from {design.p1:g} to {design.p2:g}; "
            "use the other direction or a two-sided test",
        )
    z_a = checks.z_quantile(1 - checks.tail_alpha(design.alpha, design.alternative))
    z_b = checks.z_quantile(target_power)
    if method == "cohens_h":
        k = 1 + 1 / design.ratio
        guess = k * ((z_a + z_b) / effect) ** 2
        if design.alternative != "two-sided":
            return guess
        # Both tails count: the power at the one-tail solution is slightly above target, so solve below it.
        return float(
            optimize.brentq(lambda n: power(design, n, method) - target_power, guess * 0.5, guess * 1.01)
        )
    sd0, sd1 = _sds(design, method)
    return ((z_a * sd0 + z_b * sd1) / effect) ** 2


def minimum_detectable_effect(
    p1: float, n1: float, target_power: float, alpha: float, alternative: str, ratio: float, method: str
) -> float:
    """Smallest absolute change p2 − p1 (signed; negative for a decrease) detectable with the target power."""
    direction = -1.0 if alternative == "smaller" else 1.0
    limit = (1 - p1) if direction > 0 else p1
    upper = limit * (1 - 1e-9)
    test_alt = alternative

    def gap(delta: float) -> float:
        design = ProportionDesign(p1, p1 + direction * delta, alpha, test_alt, ratio)
        return power(design, n1, method) - target_power

    if gap(upper) < 0:
        raise CalculationInputError(
            "n_per_group",
            f"{n1:g} per group cannot reach {target_power:g} power for any "
            f"{'decrease' if direction < 0 else 'increase'} from {p1:g}; increase the sample size",
        )
    lower = 1e-12
    if gap(lower) >= 0:
        return direction * lower
    return direction * float(optimize.brentq(gap, lower, upper, xtol=1e-12))


def adjusted_alpha(alpha: float, comparisons: int, correction: str) -> float:
    """Per-comparison alpha after Bonferroni (α/k) or Šidák (1 − (1 − α)^(1/k)) adjustment."""
    if comparisons <= 1 or correction == "none":
        return alpha
    if correction == "bonferroni":
        return alpha / comparisons
    return 1 - (1 - alpha) ** (1 / comparisons)


def treatment_rate(baseline: float, mde: float, mde_type: str, alternative: str) -> float:
    """Treatment proportion implied by a relative or absolute minimum detectable effect."""
    mde = checks.finite("mde", mde)
    if mde == 0:
        raise CalculationInputError("mde", "must not be 0; the two proportions would be equal")
    magnitude = abs(mde)
    if mde_type == "relative" and magnitude > 1:
        raise CalculationInputError(
            "mde",
            f"a relative MDE of {mde:g} means a {magnitude:.0%} change; write 5% as 0.05, "
            "or give the treatment rate p2 for changes above 100%",
        )
    sign = -1.0 if (mde < 0 or alternative == "smaller") else 1.0
    change = baseline * magnitude if mde_type == "relative" else magnitude
    p2 = baseline + sign * change
    if not 0 < p2 < 1:
        raise CalculationInputError(
            "mde", f"a {mde_type} change of {mde:g} from {baseline:g} gives {p2:g}, outside (0, 1)"
        )
    return p2


@dataclass(frozen=True)
class _Inputs:
    baseline: float
    p2: float | None
    alpha: float
    per_test_alpha: float
    alternative: str
    ratio: float
    variants: int
    correction: str
    method: str


def _normalise(
    baseline: float,
    alpha: float,
    alternative: str,
    ratio: float,
    variants: int,
    correction: str,
    method: str,
) -> _Inputs:
    baseline = checks.proportion("baseline", baseline)
    alpha = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    ratio = checks.positive("ratio", ratio)
    variants = checks.count("variants", variants, minimum=1)
    correction = checks.choice("correction", correction, CORRECTIONS)
    method = checks.choice("method", method, METHODS)
    return _Inputs(
        baseline,
        None,
        alpha,
        adjusted_alpha(alpha, variants, correction),
        alt,
        ratio,
        variants,
        correction,
        method,
    )


def _resolve_p2(inp: _Inputs, mde: float | None, mde_type: str, p2: float | None) -> float:
    if p2 is not None:
        p2 = checks.proportion("p2", p2)
        if p2 == inp.baseline:
            raise CalculationInputError("p2", "equals the baseline; there is no difference to detect")
        return p2
    if mde is None:
        raise CalculationInputError(
            "mde", "give the minimum detectable effect (mde) or the treatment rate (p2)"
        )
    mde_type = checks.choice("mde_type", mde_type, ("relative", "absolute"))
    return treatment_rate(inp.baseline, mde, mde_type, inp.alternative)


def _common_inputs(inp: _Inputs) -> dict[str, object]:
    return {
        "baseline": inp.baseline,
        "alpha": inp.alpha,
        "alternative": inp.alternative,
        "ratio": inp.ratio,
        "variants": inp.variants,
        "correction": inp.correction,
        "per_comparison_alpha": inp.per_test_alpha,
    }


def _notes(inp: _Inputs) -> tuple[str, ...]:
    notes = []
    if inp.variants > 1:
        if inp.correction == "none":
            notes.append(
                f"{inp.variants} variants each compared with the control at alpha={inp.alpha:g} (no correction)."
            )
        else:
            notes.append(
                f"{inp.variants} variants vs control: {inp.correction} correction gives per-comparison "
                f"alpha={inp.per_test_alpha:.6g}."
            )
    return tuple(notes)


def _z_text(inp: _Inputs) -> str:
    tail = "z_a = z(1 − α/2)" if inp.alternative == "two-sided" else "z_a = z(1 − α)"
    return f"{tail}, z_b = z(power), r = n2/n1"


def sample_size_result(
    baseline: float,
    mde: float | None = None,
    mde_type: str = "relative",
    p2: float | None = None,
    power_target: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    ratio: float = 1.0,
    variants: int = 1,
    correction: str = "none",
    method: str = "pooled",
) -> CalculationResult:
    """Sample size per group to detect baseline → p2 with the target power."""
    inp = _normalise(baseline, alpha, alternative, ratio, variants, correction, method)
    target = checks.power(power_target, inp.per_test_alpha)
    treat = _resolve_p2(inp, mde, mde_type, p2)

    def outputs_for(m: str) -> tuple[dict[str, object], dict[str, object]]:
        design = ProportionDesign(inp.baseline, treat, inp.per_test_alpha, inp.alternative, inp.ratio)
        n1 = sample_size(design, target, m)
        n2 = n1 * inp.ratio
        raw: dict[str, object] = {"n_control": n1, "n_per_variant": n2, "n_total": n1 + inp.variants * n2}
        r1, r2 = ceil_n(n1), ceil_n(n2)
        return raw, {"n_control": r1, "n_per_variant": r2, "n_total": r1 + inp.variants * r2}

    inputs = {
        "p2": treat,
        "mde_absolute": treat - inp.baseline,
        "mde_relative": (treat - inp.baseline) / inp.baseline,
        "power": target,
    }
    return _result("proportions_sample_size", inp, inputs, outputs_for, "n_total", "sample sizes rounded up")


def power_result(
    baseline: float,
    n_per_group: float,
    mde: float | None = None,
    mde_type: str = "relative",
    p2: float | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    ratio: float = 1.0,
    variants: int = 1,
    correction: str = "none",
    method: str = "pooled",
) -> CalculationResult:
    """Power of the comparison with n_per_group in the control group (ratio·n in each variant)."""
    inp = _normalise(baseline, alpha, alternative, ratio, variants, correction, method)
    n1 = checks.sample_size("n_per_group", n_per_group)
    treat = _resolve_p2(inp, mde, mde_type, p2)

    def outputs_for(m: str) -> tuple[dict[str, object], dict[str, object]]:
        design = ProportionDesign(inp.baseline, treat, inp.per_test_alpha, inp.alternative, inp.ratio)
        value = power(design, n1, m)
        return {"power": value}, {"power": round(value, 4)}

    inputs = {"p2": treat, "n_per_group": n1}
    return _result("proportions_power", inp, inputs, outputs_for, "power", "solved for power", z_first=False)


def mde_result(
    baseline: float,
    n_per_group: float,
    power_target: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    ratio: float = 1.0,
    variants: int = 1,
    correction: str = "none",
    method: str = "pooled",
) -> CalculationResult:
    """Minimum detectable effect (absolute and relative) for a given control-group sample size."""
    inp = _normalise(baseline, alpha, alternative, ratio, variants, correction, method)
    n1 = checks.sample_size("n_per_group", n_per_group)
    target = checks.power(power_target, inp.per_test_alpha)

    def outputs_for(m: str) -> tuple[dict[str, object], dict[str, object]]:
        delta = minimum_detectable_effect(
            inp.baseline, n1, target, inp.per_test_alpha, inp.alternative, inp.ratio, m
        )
        raw: dict[str, object] = {
            "mde_absolute": delta,
            "mde_relative": delta / inp.baseline,
            "p2": inp.baseline + delta,
        }
        return raw, {k: round(float(v), 6) for k, v in raw.items()}  # type: ignore[arg-type]

    inputs = {"n_per_group": n1, "power": target}
    return _result(
        "proportions_mde",
        inp,
        inputs,
        outputs_for,
        "mde_absolute",
        "solved for p2 by root finding",
        z_first=False,
    )


def _result(
    tool: str,
    inp: _Inputs,
    inputs: Mapping[str, object],
    outputs_for: Callable[[str], tuple[dict[str, object], dict[str, object]]],
    key: str,
    solved: str,
    *,
    z_first: bool = True,
) -> CalculationResult:
    """The result of a proportions calculator: the chosen method's outputs, other methods' beside them."""
    raw, rounded = outputs_for(inp.method)
    formula = (
        f"{FORMULAS[inp.method]}; {_z_text(inp)}; {solved}"
        if z_first
        else f"{FORMULAS[inp.method]}; {solved}; {_z_text(inp)}"
    )
    return CalculationResult(
        tool=tool,
        method=METHOD_NAMES[inp.method],
        inputs={**_common_inputs(inp), **inputs, "method": inp.method},
        outputs=raw,
        outputs_rounded=rounded,
        formula=formula,
        library=library_version("scipy"),
        alternatives=_alternatives(inp.method, rounded, outputs_for, key=key),
        notes=_notes(inp),
    )


def _alternatives(
    chosen: str,
    chosen_rounded: dict[str, object],
    outputs_for: object,
    key: str,
) -> tuple[Alternative, ...]:
    """Other methods' answers when they differ after rounding; the chosen method first."""
    others: list[Alternative] = []
    for m in METHODS:
        if m == chosen:
            continue
        raw, rounded = outputs_for(m)  # type: ignore[operator]
        if rounded[key] != chosen_rounded[key]:
            others.append(Alternative(METHOD_NAMES[m], raw, rounded, FORMULAS[m]))
    if not others:
        return ()
    chosen_raw, _ = outputs_for(chosen)  # type: ignore[operator]
    return (Alternative(METHOD_NAMES[chosen], chosen_raw, chosen_rounded, FORMULAS[chosen]), *others)
