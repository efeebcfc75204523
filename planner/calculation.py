"""Calculations: the question understanding decides what can be computed; the steps run; the answer states the numbers.

``parse`` reads the question (``understanding.read``; a follow-up passes the earlier turn's memory), ``run_calculation``
runs every step of the plan, feeding each step the outputs it carries from an earlier one, and ``answer_text`` writes
the result as prose: the rounded value first, then the exact value with the method ("77 per group (76.71, R
power.prop.test)").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from planner.types import CalculationOutcome
from understanding.k_groups import CONTROL_NAMES

# How ``needs`` are phrased to the user, by calculator input name; unknown names are humanised.
_NEED_PHRASES: dict[str, str] = {
    "baseline": "the baseline conversion rate",
    "mde": "the minimum detectable effect",
    "sd": "the standard deviation of the metric",
    "delta": "the difference in the mean you want to detect",
    "alpha": "a valid significance level",
    "power": "a valid statistical power",
    "daily_traffic": "the number of eligible users per day",
    "n_per_group": "the sample size per group",
    "n": "the sample size per group",
    "counts": "the number of users in each arm",
    "p_values": "the p-values to adjust",
    "correlation": "the covariate's correlation with the metric",
    "conversions": "the conversions and users of each group",
    "means": "the mean, standard deviation and size of each group",
    "successes": "the successes and trials",
    "effect_size_f": "the effect size (Cohen's f)",
    "k_groups": "the number of groups",
    "effect_size_w": "the effect size (Cohen's w)",
    "df": "the degrees of freedom",
    "r": "the correlation to detect",
    "effect_size_d": "the effect size (Cohen's d)",
    "looks": "the number of analyses",
    "days": "the number of days the test can run",
    "margin": "the non-inferiority or equivalence margin",
    "icc": "the intracluster correlation (ICC)",
    "cluster_size": "the number of units per cluster",
    "z_interim": "the z statistic at the interim look",
    "information_fraction": "the share of the planned sample seen so far",
    "count_a": "the events and exposure of each group",
    "rate_a": "the control's event rate",
    "rate_b": "the event rate to detect",
    "values_a": "the per-user values of each group",
    "ratio_sums": "the per-user sums of each group",
}


def describe_need(field: str) -> str:
    """A short, human phrase for a missing calculator input."""
    return _NEED_PHRASES.get(field, field.replace("_", " "))


def parse(question: str, earlier: dict[str, Any] | None = None) -> Any:
    """The understanding's reading of the question (``earlier``: the previous turn's ``Reading.memory()``)."""
    from understanding import read

    return read(question, earlier)


def parsed_tool(parsed: Any) -> str | None:
    """The tool the reading chose (None: nothing calculable)."""
    if parsed is None:
        return None
    tool = getattr(parsed, "tool", None)
    return str(tool) if tool else None


def names_method(parsed: Any) -> bool:
    """Whether the question named the test or interval to run ("Fisher's exact", "Bayesian", "Agresti-Caffo"):
    then that calculator answers, even when the question also carries results the scorecard could analyse."""
    from understanding.named_methods import NAMED_FAMILIES

    if parsed is None or getattr(parsed, "tool", None) is None:
        return False
    return parsed.family in NAMED_FAMILIES or bool(parsed.method_requested)


# The scorecard reads conversion results only; these readings are tests it would misread (two means with SDs).
_MEANS_TESTS = {"welch_t_test", "ci_mean_difference", "bayesian_ab_means", "dunnett", "heavy_tails"}
_DECISION = re.compile(
    r"\b(?:ship|launch|roll\s*out|rollout|winner|won|win|go live|decide|decision|keep|pick|choose|call it)\b",
    re.IGNORECASE,
)


def answers_itself(parsed: Any, question: str) -> bool:
    """Whether the question's own calculation answers it rather than the experiment scorecard.

    True when the question names its test, compares means (the scorecard reads conversions), or asks for a test
    result ("is the difference significant?", "p-value?") without asking for a decision ("should we ship?").
    """
    if parsed is None or getattr(parsed, "tool", None) is None:
        return False
    if names_method(parsed) or parsed.tool in _MEANS_TESTS:
        return True
    return parsed.tool == "two_proportion_z_test" and not _DECISION.search(question)


def parsed_summary(parsed: Any) -> dict[str, Any]:
    """The reading as plain data for the trace: roles with their spans, steps, assumptions, gaps."""
    if parsed is None:
        return {"tool": None}
    data: dict[str, Any] = parsed.to_dict()
    return data


def run_calculation(parsed: Any) -> CalculationOutcome:
    """Run every step of the reading, or report which inputs are missing or invalid (never raises for bad input)."""
    from tools.errors import CalculationInputError
    from tools.registry import run_tool
    from understanding import execution

    tool = parsed_tool(parsed)
    if tool is None:
        return CalculationOutcome(tool=None)
    assumptions = [str(a) for a in parsed.assumptions]
    gaps = list(parsed.invalid) or list(parsed.missing)
    if gaps:
        return CalculationOutcome(
            tool=tool,
            needs=[m.name for m in gaps],
            assumptions=assumptions,
            questions=[m.question for m in gaps],
            error="; ".join(m.question for m in parsed.invalid) or None,
        )
    results: list[dict[str, Any]] = []
    traced: list[dict[str, Any]] = []
    done: list[Any] = []
    for step in parsed.steps:
        carried = execution.carried(step, done)
        params = {**step.params, **carried}
        try:
            result = run_tool(step.tool, params, assumptions if not results else ())
        except CalculationInputError as exc:
            field = str(exc.field).replace("power_target", "power")
            return CalculationOutcome(
                tool=tool,
                needs=[field],
                error=str(exc),
                assumptions=assumptions,
                questions=[
                    f"{exc.reason[:1].upper()}{exc.reason[1:]}. What {describe_need(field)} should I use?"
                ],
                results=results,
                steps=traced,
            )
        done.append(result)
        results.append(_with_budget(result.to_dict(), step, results))
        traced.append(
            {
                "tool": step.tool,
                "purpose": step.purpose,
                "params": params,
                "carried_from_earlier_step": list(carried),
            }
        )
    return CalculationOutcome(
        tool=tool, result=results[-1], assumptions=assumptions, results=results, steps=traced
    )


def _with_budget(result: dict[str, Any], step: Any, earlier: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A step asking what the days the test can run would detect carries those days, and the days the asked effect
    needs (the duration step before it), for its sentence."""
    within = getattr(step, "within_days", None)
    if within is None:
        return result
    needed = next(
        (r["outputs_rounded"].get("days") for r in reversed(earlier) if r.get("tool") == "test_duration"),
        None,
    )
    return {**result, "within_days": within, **({"needed_days": needed} if needed is not None else {})}


def need_name(missing: Any) -> str:
    return str(getattr(missing, "name", missing))


def need_question(missing: Any) -> str:
    question = getattr(missing, "question", None)
    return str(question) if question else f"What is {describe_need(need_name(missing))}?"


# --- prose -------------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def _n(value: Any) -> str:
    return f"{int(value):,}" if isinstance(value, int | float) else str(value)


def _x(value: Any, digits: int = 2) -> str:
    """An exact value for the parenthesis: 76.71, 0.8003, 1.2e-05."""
    v = float(value)
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.{digits}f}"
    return f"{v:.4g}"


def _pct(value: Any, digits: int = 1) -> str:
    return f"{100 * float(value):.{digits}f}%"


def _share(value: Any) -> str:
    """A share as people say it: "30%", "12.5%" (no trailing ".0")."""
    return f"{round(100 * float(value), 1):g}%"


def _p(value: Any) -> str:
    v = float(value)
    return f"{v:.2g}" if v < 0.001 else f"{v:.3f}" if v < 0.1 else f"{v:.2f}"


def _p_exact(value: Any) -> str:
    """A p-value told two ways, "p = 0.012 (0.01234)"; one that underflows a double (χ² in the thousands) is below
    1e-300, not 0."""
    v = float(value)
    return "p < 1e-300" if v == 0 else f"p = {_p(v)} ({v:.4g})"


def humanise(key: str) -> str:
    return key.replace("_", " ")


def _significance(p: float, alpha: float, alternative: str) -> str:
    side = "two-sided" if alternative == "two-sided" else "one-sided"
    verdict = "significant" if p < alpha else "not significant"
    return f"{verdict} at α = {alpha:g}, {side}"


# the inputs ``_detecting`` states
_READ_INPUTS = frozenset({"baseline", "p2", "power", "mde_relative", "mde_absolute"})


def _detecting(inp: dict[str, Any]) -> str:
    """What a conversion sample size is for, as the question was read: the rates, the relative lift and the power,
    so that a misread number shows in the answer itself."""
    if not {"baseline", "p2", "power"} <= inp.keys():
        return ""
    lift = float(inp["p2"]) / float(inp["baseline"]) - 1 if float(inp["baseline"]) else None
    relative = (
        f" (a {_share(abs(lift))} relative {'lift' if lift >= 0 else 'drop'})" if lift is not None else ""
    )
    return (
        f", to detect a change from the {_pct(inp['baseline'], 2)} baseline to {_pct(inp['p2'], 2)}{relative} "
        f"with {_share(inp['power'])} power{_corrected(inp)}"
    )


def _corrected(inp: dict[str, Any]) -> str:
    """How a multiple-comparison correction changed each comparison's α ("with bonferroni" sized at 0.0125)."""
    correction = str(inp.get("correction") or "none")
    if correction == "none" or "per_comparison_alpha" not in inp:
        return ""
    name = {"bonferroni": "Bonferroni", "sidak": "Šidák"}.get(correction, correction)
    return (
        f", each of the {inp.get('variants')} comparisons with the control at α = "
        f"{float(inp['per_comparison_alpha']):.4g} ({name} over α = {float(inp.get('alpha', 0.05)):g})"
    )


def result_sentence(result: dict[str, Any], *, compared_after: bool = False) -> str:
    """One readable sentence stating every output of one calculator call, rounded value first, then exact + method
    (for a conversion sample size, what it detects as the question was read). ``compared_after``: a later step
    compares each variant with the control, so a test across the arms does not say that is still to be done."""
    tool = str(result.get("tool"))
    out = result.get("outputs") or {}
    rnd = result.get("outputs_rounded") or {}
    inp = result.get("inputs") or {}
    method = str(result.get("method") or tool)
    if tool == "proportions_sample_size":
        if abs(float(inp.get("ratio", 1)) - 1) > 1e-12:
            return (
                f"You need {_n(rnd['n_control'])} in control and {_n(rnd['n_per_variant'])} per variant "
                f"({_x(out['n_control'])} and {_x(out['n_per_variant'])}, {method}), {_n(rnd['n_total'])} in total"
                f"{_detecting(inp)}."
            )
        return (
            f"You need {_n(rnd['n_per_variant'])} per group ({_x(out['n_per_variant'])}, {method}), "
            f"{_n(rnd['n_total'])} in total{_detecting(inp)}."
        )
    if tool in ("proportions_power", "means_power"):
        return f"Power is {_pct(out['power'])} ({float(out['power']):.4f}, {method})."
    if tool in ("proportions_mde", "means_mde") and result.get("within_days") is not None:
        return _within_days_sentence(result, tool, out, inp, method)
    if tool == "proportions_mde":
        return (
            f"The smallest detectable change is {_pct(out['mde_absolute'], 2)} points, from {_pct(inp['baseline'], 2)} to "
            f"{_pct(out['p2'], 2)} (p2 = {float(out['p2']):.5f}; relative MDE {_pct(out['mde_relative'], 2)}; {method})."
        )
    if tool == "means_sample_size":
        key = next(k for k in ("n_group1", "n_pairs", "n") if k in out)
        unit = {"n_group1": "per group", "n_pairs": "pairs", "n": "observations"}[key]
        two = (
            f" ({_n(rnd['n_group1'])} and {_n(rnd['n_group2'])} in the two groups)"
            if key == "n_group1" and rnd.get("n_group2") != rnd.get("n_group1")
            else ""
        )
        return f"You need {_n(rnd[key])} {unit}{two} ({_x(out[key])}, {method})."
    if tool == "means_mde":
        extra = f"; δ = {float(out['mde_delta']):.4g} in the metric's units" if "mde_delta" in out else ""
        return f"The smallest detectable effect is d = {float(out['mde_cohens_d']):.2f} standard deviations ({float(out['mde_cohens_d']):.4f}, {method}){extra}."
    if tool == "test_duration":
        share = float(inp.get("exposed_share", 1))
        exposed = "" if share == 1 else f" with {_pct(share, 0)} exposed"
        return (
            f"That takes {_n(rnd['days'])} days ({float(out['days']):.2f} exactly; {_n(rnd['weeks'])} whole weeks = "
            f"{_n(rnd['days_in_whole_weeks'])} days) for {_n(rnd['n_per_group'])} per group at {_n(inp['daily_traffic'])} users a day"
            f"{exposed}."
        )
    if tool == "srm_check":
        shares = " / ".join(_pct(s, 2) for s in out["observed_shares"])
        counts = inp.get("counts") or []
        ratio = (
            f" (ratio {float(counts[0]) / float(counts[1]):.4f})" if len(counts) == 2 and counts[1] else ""
        )
        return (
            f"Observed split {shares}{ratio} against the intended {' / '.join(_pct(s, 1) for s in inp['split'])}: "
            f"χ² = {float(out['chi2']):.2f} (df {out['df']}, {method}), {_p_exact(out['p_value'])}. {out['verdict']}"
        )
    if tool == "multiple_testing":
        adjusted = ", ".join(f"{float(v):.4g}" for v in out["adjusted_p_values"])
        return (
            f"{method}: adjusted p-values {adjusted} (for {', '.join(f'{float(v):g}' for v in inp['p_values'])}); "
            f"{out['n_rejected']} of {inp['m']} rejected at {inp['alpha']:g}."
        )
    if tool == "two_proportion_z_test":
        return (
            f"z = {float(out['z']):.2f}, p = {_p(out['p_value'])}: {_significance(float(out['p_value']), float(inp.get('alpha', 0.05)), str(inp.get('alternative', 'two-sided')))} "
            f"(B − A = {_pct(out['difference'], 2)} points; z = {float(out['z']):.4f}, p = {float(out['p_value']):.4g}, {method})."
        )
    if tool == "welch_t_test":
        return (
            f"t = {float(out['t']):.2f} (df {float(out['df']):.1f}), p = {_p(out['p_value'])}: "
            f"{_significance(float(out['p_value']), float(inp.get('alpha', 0.05)), str(inp.get('alternative', 'two-sided')))} "
            f"(difference B − A = {float(out['difference']):.4g}; t = {float(out['t']):.4f}, p = {float(out['p_value']):.4g}, {method})."
        )
    if tool == "paired_t_test":
        p, level = float(out["p_value"]), float(inp.get("alpha", 0.05))
        conf = float(inp.get("confidence", 0.95))
        return (
            f"t = {float(out['t']):.2f} (df {float(out['df']):g}), p = {_p(p)}: "
            f"{_significance(p, level, str(inp.get('alternative', 'two-sided')))} (mean change "
            f"{float(inp['mean_difference']):.4g}, {conf:.0%} interval {float(out['lower']):.4g} to "
            f"{float(out['upper']):.4g}; t = {float(out['t']):.4f}, p = {p:.4g}, {method})."
        )
    if tool == "oneway_anova":
        p, level = float(out["p_value"]), float(inp.get("alpha", 0.05))
        df = f"{float(out['df_between']):g}, {float(out['df_within']):.4g}"
        told = (
            f"F = {float(out['f']):.3f} (df {df}), {_p_exact(p)}: "
            f"{'the arms differ' if p < level else 'no difference shown'} at α = {level:g} "
            f"({len(inp['means'])} arms; {method}); "
            + (
                "each variant against the control follows."
                if compared_after
                else "which arms differ needs pairwise tests with a correction (Tukey, or Dunnett against a control)."
            )
        )
        return " ".join([told, *(str(n) for n in result.get("notes") or [])])
    if tool == "chi_square_independence":
        p, level = float(out["p_value"]), float(inp.get("alpha", 0.05))
        rows = len(inp["table"])
        told = (
            f"χ² = {float(out['chi2']):.3f} (df {out['df']}), {_p_exact(p)}: "
            f"{'the rates differ' if p < level else 'no difference shown'} at α = {level:g} across the {rows} "
            f"groups ({method}); "
            + (
                "each variant against the control follows."
                if compared_after
                else "which groups differ needs pairwise tests with a correction."
            )
        )
        return " ".join([told, *(str(n) for n in result.get("notes") or [])])
    if tool == "ci_relative_lift":
        level = float(inp.get("confidence", 0.95))
        lift, lo, hi = (float(out[k]) for k in ("lift", "lower", "upper"))
        told = (
            f"The relative lift is {100 * lift:+.2f}%, {level:.0%} interval {100 * lo:+.2f}% to {100 * hi:+.2f}% "
            f"({lift:.4f}, {lo:.4f} to {hi:.4f}; {method})."
        )
        return " ".join([told, *(str(n) for n in result.get("notes") or [])])
    if tool in ("ci_proportion", "ci_proportion_difference", "ci_mean_difference"):
        point = next((out[k] for k in ("difference", "lift", "proportion", "estimate") if k in out), None)
        level = float(inp.get("confidence", 0.95))
        est = f" around {float(point):.4f}" if point is not None else ""
        told = f"The {level:.0%} interval is {float(out['lower']):.4f} to {float(out['upper']):.4f}{est} ({method})."
        # what the calculator noted about the method at these counts (small counts break the normal approximation)
        return " ".join([told, *(str(n) for n in result.get("notes") or [])])
    if tool == "cuped":
        parts = [
            f"CUPED removes {_pct(out['variance_reduction'])} of the variance (factor {float(out['variance_factor']):.4f})"
        ]
        if "n_per_group_cuped" in out:
            parts.append(
                f"{_n(rnd['n_per_group_cuped'])} per group instead of {_n(inp['n_per_group'])} ({_x(out['n_per_group_cuped'])})"
            )
        if "days_with_cuped" in out:
            parts.append(f"{_n(rnd['days_with_cuped'])} days instead of {_n(rnd['days_without_cuped'])}")
        told = "; ".join(parts) + f" ({method})."
        # what the factor means for the test, in the two ways teams spend it: fewer users, or a finer resolution
        factor, mde_factor = float(out["variance_factor"]), float(out["mde_factor"])
        spent = (
            f"Since the required sample size is proportional to the variance, the same power needs {_share(factor)} "
            f"of the users ({_share(1 - factor)} fewer users), so the test is {_share(1 - factor)} shorter at the "
            f"same traffic; at the same sample size the standard error, the interval width and the minimum "
            f"detectable effect shrink by the square root, a factor of {mde_factor:.3f} ({_share(1 - mde_factor)} "
            f"smaller)"
        )
        if "mde_cuped" in out:
            spent += f": an MDE of {float(inp['mde']):.4g} becomes {float(rnd['mde_cuped']):.4g}"
        return f"{told} {spent}."
    if tool == "anova_power" or tool == "chi_square_power" or tool == "correlation_power":
        if "power" in out:
            return f"Power is {_pct(out['power'])} ({float(out['power']):.4f}, {method})."
        key = next(k for k in ("n_per_group", "n_total", "n") if k in out)
        label = {"n_per_group": "per group", "n_total": "in total", "n": "observations"}[key]
        return f"You need {_n(rnd[key])} {label} ({_x(out[key])}, {method})."
    if tool == "binomial_test":
        return (
            f"p = {_p(out['p_value'])} ({float(out['p_value']):.4g}, {method}): observed rate {_pct(out['observed_rate'])} against "
            f"{float(out['p0']):.4g}, {_significance(float(out['p_value']), float(inp.get('alpha', 0.05)), str(inp.get('alternative', 'two-sided')))}."
        )
    if tool == "compromise_power":
        return (
            f"α = {float(out['alpha']):.3f} and power = {_pct(out['power'])} (α = {float(out['alpha']):.4f}, β = {float(out['beta']):.4f}, "
            f"power {float(out['power']):.4f}; {method})."
        )
    named = _named_method_sentence(tool, out, rnd, inp, method)
    if named:
        return named
    if tool == "interval_reading":
        return _interval_sentence(out, inp, method)
    if tool == "group_sequential" and "z_boundaries" in out:
        return _boundaries_sentence(out, inp, method)
    listed = ", ".join(f"{humanise(k)} {_fmt(v)}" for k, v in rnd.items()) or ", ".join(
        f"{humanise(k)} {_fmt(v)}" for k, v in out.items()
    )
    return f"{listed} ({method})."


def _interval_sentence(out: dict[str, Any], inp: dict[str, Any], method: str) -> str:
    """What a reported interval says: whether it excludes no effect, the range of effects it allows, and the
    estimate, standard error, z and p-value it implies."""
    unit = str(inp.get("unit") or "")

    def bound(value: float, signed: bool = True) -> str:
        number = f"{value:+.3g}" if signed else f"{abs(value):.3g}"
        return f"{number}%" if unit == "%" else f"{number} pp" if unit == "pp" else number

    lower, upper, null = float(inp["lower"]), float(inp["upper"]), float(inp.get("null_value", 0.0))
    level = float(inp.get("confidence", 0.95))
    alpha = f"{100 * (1 - level):.3g}%"
    told = f"The {100 * level:g}% interval from {bound(lower)} to {bound(upper)} "
    if out["excludes_null"]:
        side = "an increase" if lower > null else "a decrease"
        told += (
            f"excludes {null:g}, so the effect is statistically significant at the {alpha} level (two-sided) and is "
            f"{side}: the data rule out no effect, though the true effect could be as small as "
            f"{bound(lower if lower > null else upper, signed=False)}"
        )
    else:
        told += (
            f"includes {null:g}, so the effect is not statistically significant at the {alpha} level (two-sided): "
            f"the data are consistent with no effect, with a loss of up to {bound(lower, signed=False)} and with a "
            f"gain of up to {bound(upper, signed=False)}"
        )
    return (
        f"{told}. Read back, it implies an estimate of {bound(float(out['estimate']))} with a standard error of "
        f"{bound(float(out['standard_error']), signed=False)}, z = {float(out['z']):.2f} and p = {_p(out['p_value'])} "
        f"({method})."
    )


def _boundaries_sentence(out: dict[str, Any], inp: dict[str, Any], method: str) -> str:
    """A group-sequential design's boundaries, what each means as a p-value, and what they buy together."""
    bounds = ", ".join(f"{float(z):.3f}" for z in out["z_boundaries"])
    looks = len(out["z_boundaries"])
    sided = "two-sided" if str(inp.get("alternative", "two-sided")) == "two-sided" else "one-sided"
    told = f"The z boundaries at the {looks} looks are {bounds} ({method})"
    nominal = out.get("nominal_p_values") or []
    if nominal:
        told += f", that is, {sided} p below {', '.join(_p(p) for p in nominal)} at looks 1 to {looks}"
    told += (
        f". Together they keep the overall false positive rate at α = {float(inp.get('alpha', 0.05)):g} across all "
        f"{looks} looks"
    )
    if inp.get("spending_function") == "obrien_fleming" and looks > 1:
        told += (
            "; the early looks are strict so that the final look's threshold stays close to the fixed-design one, "
            "and only a very large effect stops the test early"
        )
    return told + "."


def _named_method_sentence(
    tool: str, out: dict[str, Any], rnd: dict[str, Any], inp: dict[str, Any], method: str
) -> str | None:
    """Sentences for the calculators a question reaches by naming the method (exact, Bayesian, mSPRT …)."""
    alpha = float(inp.get("alpha", 0.05))
    if tool == "exact_2x2_test":
        p = float(out["p_value"])
        return (
            f"p = {_p(p)} ({p:.4g}, {method}): {_significance(p, alpha, str(inp.get('alternative', 'two-sided')))}; "
            f"A converts at {_pct(out['p_a'], 2)}, B at {_pct(out['p_b'], 2)}."
        )
    if tool in ("bayesian_ab", "bayesian_ab_means"):
        prob = float(out["prob_b_beats_a"])
        level = float(inp.get("credibility", 0.95))
        return (
            f"The probability that B beats A is {_pct(prob)} ({prob:.4f}); expected loss if you ship B "
            f"{float(out['expected_loss_b']):.3g}, if you keep A {float(out['expected_loss_a']):.3g}; {level:.0%} credible "
            f"interval for B − A {float(out['ci_low']):.4f} to {float(out['ci_high']):.4f} ({method})."
        )
    if tool == "msprt":
        p = float(out["always_valid_p_value"])
        verdict = "significant" if p < alpha else "not significant"
        return (
            f"Always-valid p = {_p(p)} ({p:.4g}): {verdict} at α = {alpha:g}, at this or any look; the {1 - alpha:.0%} "
            f"confidence sequence for B − A is {float(out['cs_low']):.4f} to {float(out['cs_high']):.4f} ({method})."
        )
    if tool == "equivalence_test":
        p = float(out["p_value"])
        return (
            f"{out.get('verdict') or rnd.get('verdict') or ''} p = {_p(p)} ({p:.4g}), statistic {float(out['statistic']):.4f}, "
            f"B − A = {float(out['difference']):.4f} ({method})."
        ).strip()
    if tool == "equivalence_sample_size":
        return f"You need {_n(rnd['n_per_group'])} per group ({_x(out['n_per_group'])}, {method}), {_n(rnd['total'])} in total."
    if tool == "poisson_test":
        p = float(out["p_value"])
        return (
            f"Rate ratio B/A = {float(out['rate_ratio']):.4f} ({float(out['rate_b']):.4g} vs {float(out['rate_a']):.4g} per unit of "
            f"exposure; CI {float(out['ci_low']):.4f} to {float(out['ci_high']):.4f}), p = {_p(p)} ({p:.4g}): "
            f"{_significance(p, alpha, str(inp.get('alternative', 'two-sided')))} ({method})."
        )
    if tool == "cluster_design" and "clusters_per_group" in out:
        return (
            f"Design effect {float(out['design_effect']):.4g}: {_n(rnd['clusters_per_group'])} clusters per arm "
            f"({_x(out['clusters_per_group'])}), {_n(rnd['n_per_group_clustered'])} units per arm instead of "
            f"{_n(inp['n_per_group'])} ({method})."
        )
    if tool == "dunnett":
        labels = [str(v) for v in inp.get("labels") or []]
        names = labels[1:] or [f"variant {i + 1}" for i in range(len(out["differences"]))]
        rows = zip(
            names, inp["means"][1:], out["differences"], out["t"], out["adjusted_p_values"], strict=True
        )
        control = "the control" if not labels or labels[0] in CONTROL_NAMES else f"{labels[0]} (the control)"
        if inp.get("proportions"):  # conversion rates: each arm's rate, its difference in percentage points
            per = "; ".join(
                f"{name} {_pct(m, 2)} ({100 * float(d):+.2f} points, t = {float(tv):.3f}, adjusted p = {float(pv):.4g})"
                for name, m, d, tv, pv in rows
            )
            return f"Against {control} at {_pct(inp['means'][0], 2)}, {per} (df {out['df']}; {method})."
        per = "; ".join(
            f"{name}: difference {float(d):.4g}, t = {float(tv):.3f}, adjusted p = {float(pv):.4g}"
            for name, _, d, tv, pv in rows
        )
        return f"Against {control}, {per} (df {out['df']}; {method})."
    if tool == "heavy_tails" and "p_value" in out:
        p = float(out["p_value"])
        return (
            f"Trimmed-mean difference B − A = {float(out['trimmed_difference']):.4g}, t = {float(out['t']):.3f}, p = {_p(p)} "
            f"({p:.4g}): {_significance(p, alpha, str(inp.get('alternative', 'two-sided')))}; the plain mean difference is "
            f"{float(out['mean_difference']):.4g} ({method})."
        )
    if tool == "poisson_power":
        if "n_per_group" in rnd:
            return (
                f"You need {_n(rnd['n_per_group'])} per group ({_x(out['n_per_group'])}, {method}) to detect "
                f"{float(inp['rate_a']):g} vs {float(inp['rate_b']):g} events per unit with {_pct(out['power'])} power."
            )
        return f"Power is {_pct(out['power'])} ({float(out['power']):.4f}, {method})."
    if tool == "conditional_power":
        return (
            f"Conditional power under the current trend is {_pct(out['cp_current_trend'])} ({float(out['cp_current_trend']):.4f}); "
            f"under the planned effect {_pct(out['cp_design'])}, under no effect {_pct(out['cp_null'])} ({method}). {out['verdict']}"
        )
    return None


def _within_days_sentence(
    result: dict[str, Any], tool: str, out: dict[str, Any], inp: dict[str, Any], method: str
) -> str:
    """Whether the asked effect fits in the days the test can run, and the smallest effect those days detect."""
    within = float(result["within_days"])
    needed = result.get("needed_days")
    days = f"{within:g} days"
    if needed is None:
        lead = f"In the {days} the test can run"
    elif float(needed) > within:
        lead = (
            f"That is more than the {days} the test can run ({_n(needed)} days needed, "
            f"{float(needed) / within:.1f} times as long); in {days}"
        )
    else:
        lead = f"That fits in the {days} the test can run; using all {days}"
    if tool == "proportions_mde":
        effect = (
            f"a change of {100 * float(out['mde_absolute']):.2f} percentage points, from {_pct(inp['baseline'], 2)} to "
            f"{_pct(out['p2'], 2)} "
            f"(relative lift {_pct(out['mde_relative'], 1)}; p2 = {float(out['p2']):.5f}; {method})"
        )
    else:
        raw = f", δ = {float(out['mde_delta']):.4g} in the metric's units" if "mde_delta" in out else ""
        effect = f"d = {float(out['mde_cohens_d']):.2f} standard deviations ({float(out['mde_cohens_d']):.4f}{raw}; {method})"
    only = " only" if needed is not None and float(needed) > within else ""
    return f"{lead} each group gets {_n(inp['n_per_group'])} users, enough to detect{only} {effect}."


def answer_text(outcome: CalculationOutcome) -> str:
    """The calculation part of an answer: each step's sentence, then the assumptions; or what is missing."""
    if outcome.needs:
        return needs_sentence(outcome.needs, outcome.questions, outcome.tool)
    results = outcome.results or ([outcome.result] if outcome.result else [])
    text = " ".join(step_sentences(results))
    if outcome.assumptions:
        text += f" This assumes {'; '.join(a.rstrip('.') for a in outcome.assumptions)}."
    return text


def step_sentences(results: Sequence[dict[str, Any]]) -> list[str]:
    """Each step's sentence, in order (``result_sentence``), each knowing whether a later step compares each variant
    with the control."""
    return [
        result_sentence(r, compared_after=any(later.get("tool") == "dunnett" for later in results[i + 1 :]))
        for i, r in enumerate(results)
    ]


def calculation_text(result: dict[str, Any], stated: set[str] | None = None, *, sentence: str = "") -> str:
    """The calculation as a source text: the prose sentence, the inputs, the assumptions (each step of a chain, an
    assumption once: the source shares the context's token budget with the passages)."""
    stated = set() if stated is None else stated
    if result.get("steps"):
        steps = result["steps"]
        told = step_sentences(steps)
        return " ".join(
            calculation_text(step, stated, sentence=t) for step, t in zip(steps, told, strict=True)
        )
    inputs = result.get("inputs") or {}
    parts = [(sentence or result_sentence(result)).rstrip(".")]
    # what the sentence's reading clause says is not listed again (the source's words must support the answer's)
    said = (
        _READ_INPUTS
        if result.get("tool") == "proportions_sample_size" and _detecting(inputs)
        else frozenset()
    )
    listed = [f"{humanise(k)} = {_fmt(v)}" for k, v in inputs.items() if k not in said]
    if listed:
        parts.append("Inputs: " + ", ".join(listed))
    new = [str(a) for a in result.get("assumptions") or [] if str(a) not in stated]
    stated.update(new)
    if new:
        parts.append("Assumptions: " + "; ".join(new))
    return ". ".join(p for p in parts if p) + "."


def calculation_sentence(result: dict[str, Any], marker: int) -> str:
    """The templated answer sentence with the exact calculator numbers (and its assumptions), cited."""
    text = result_sentence(result).rstrip(".") + f" [{marker}]."
    assumptions = [str(a) for a in result.get("assumptions") or []]
    if assumptions:
        text += f" This assumes {'; '.join(a.rstrip('.') for a in assumptions)} [{marker}]."
    return text


def tool_summary(tool: str) -> str:
    """What a calculator computes, lower-cased for use mid-sentence ("sample size per group to ...")."""
    from tools.registry import TOOLS

    spec = TOOLS.get(tool)
    if spec is None:
        return f"the {humanise(tool)}"
    summary = spec.summary.rstrip(".")
    return "the " + summary[0].lower() + summary[1:]


def needs_sentence(needs: Sequence[str], questions: Sequence[str], tool: str | None) -> str:
    """The answer when inputs are missing: say exactly which, then ask the parser's question for each."""
    phrases = list(dict.fromkeys(describe_need(n) for n in needs))
    asked = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    what = f" {tool_summary(tool)}" if tool else " this"
    lines = [f"To calculate{what} I also need {asked}."]
    lines.extend(q for q in dict.fromkeys(questions) if q)
    return " ".join(lines)


def outcome_results(outcome: CalculationOutcome | None) -> list[dict[str, Any]]:
    """Every result of the outcome, in step order (one for a single calculator call)."""
    if outcome is None:
        return []
    return list(outcome.results or ([outcome.result] if outcome.result else []))


def combined_result(outcome: CalculationOutcome | None) -> dict[str, Any] | None:
    """The calculation as one source: the last step, with every step kept for the source text."""
    results = outcome_results(outcome)
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    return {**results[-1], "steps": results, "method": "; ".join(str(r.get("method")) for r in results)}


def outcome_sentence(outcome: CalculationOutcome, marker: int) -> str:
    """Every step's sentence, cited, then the assumptions once: the lead of a calculation answer."""
    results = outcome_results(outcome)
    text = " ".join(t.rstrip(".") + f" [{marker}]." for t in step_sentences(results))
    assumptions = list(dict.fromkeys(str(a) for r in results for a in r.get("assumptions") or []))
    if assumptions:
        text += f" This assumes {'; '.join(a.rstrip('.') for a in assumptions)} [{marker}]."
    return text


def calculation_requested(question: str, parsed: Any) -> bool:
    """Whether ``question`` asks for the calculation its reading found: a calculator is recognised, and the question
    asks to calculate (``planner.intent.wants_calculation``, told whether the reading is incomplete and whether the
    wording asked for its unknown) or changes an earlier turn's calculation ("and at 90% power?")."""
    from planner.intent import wants_calculation

    if parsed_tool(parsed) is None:
        return False
    incomplete = bool(getattr(parsed, "missing", ()) or getattr(parsed, "invalid", ()))
    read_any = any(
        getattr(g, "source", "") == "question" for g in (getattr(parsed, "roles", None) or {}).values()
    )
    requested = wants_calculation(
        question, incomplete=incomplete, unknown_asked=unknown_asked(parsed), read_any=read_any
    )
    return requested or is_follow_up(parsed)


# the sizing calculators answer for the sample size when the wording asks for nothing ("baseline 5%, target 20%");
# every other calculator is chosen by its own cue (a named test, counts to compare, "srm", "p-values")
_DEFAULTED_FAMILIES = frozenset({"means", "proportions"})


def unknown_asked(parsed: Any) -> bool:
    """Whether the question's wording asks for what the reading would compute, rather than the reading falling back
    on the sample size because nothing was asked."""
    from understanding.planning import asked_unknown

    if getattr(parsed, "family", None) not in _DEFAULTED_FAMILIES:
        return True
    return asked_unknown(str(parsed.text).lower(), parsed.roles) is not None


def is_follow_up(parsed: Any) -> bool:
    """Whether the reading reused inputs from an earlier turn of the conversation."""
    roles = getattr(parsed, "roles", None) or {}
    return any(getattr(g, "source", "") == "earlier_turn" for g in roles.values())


def memory(parsed: Any) -> dict[str, Any] | None:
    """What the next turn of the conversation may reuse from this reading (None: nothing to reuse)."""
    if parsed is None or parsed.tool is None:
        return None
    data: dict[str, Any] = parsed.memory()
    return data
