"""Turn a natural-language A/B-testing question into a calculator call, without guessing.

``parse_calculation(question)`` finds which calculator is asked for, extracts the numbers it needs (percentages vs
proportions, relative vs absolute MDE, thousands separators, k/M suffixes, splits, method names), lists every
required input it could not find with a precise question for the user, and states each conventional default
(α = 0.05, 80% power, two-sided, equal split) as an assumption. Pure: no I/O, no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tools.question_extraction import (
    PERCENT,
    clean,
    find_alpha,
    find_alternative,
    find_baseline_and_target,
    find_correlation,
    find_correlation_to_detect,
    find_count_pairs,
    find_daily_traffic,
    find_mde,
    find_means_delta,
    find_method,
    find_n_per_group,
    find_number_after,
    find_p_value_list,
    find_power,
    find_split,
    find_srm_counts,
    find_srm_threshold,
    find_two_group_means,
    find_variants,
    find_weekly_traffic,
    pct,
)
from tools.registry import TOOLS, default_assumptions

QUESTIONS = {
    "baseline": "What is the baseline conversion rate of the control group?",
    "mde": (
        "What is the smallest effect you want to detect (the minimum detectable effect)? Say whether it is relative "
        "(e.g. a 5% lift on the baseline) or absolute (e.g. 0.5 percentage points)."
    ),
    "n_per_group": "How many users will each group (control and each variant) have?",
    "daily_traffic": "How many users enter the experiment per day?",
    "delta": "What difference in the mean do you want to detect (in the metric's units)?",
    "sd": "What is the standard deviation of the metric?",
    "counts": "How many users were actually assigned to each arm?",
    "p_values": "Which p-values should be adjusted?",
    "correlation": "What is the correlation between the pre-experiment covariate and the metric?",
    "conversions": "How many conversions and users does each group have (e.g. 120 out of 1,000 vs 150 out of 1,000)?",
    "means": "What are the mean, standard deviation and size of each group?",
    "successes": "How many successes out of how many trials?",
    "looks": "How many analyses (interim looks plus the final one) are planned?",
    "effect_size_f": "What effect size (Cohen's f) do you expect?",
    "k_groups": "How many groups does the ANOVA compare?",
    "effect_size_w": "What effect size (Cohen's w) do you expect?",
    "df": "How many degrees of freedom does the chi-square test have?",
    "r": "What correlation do you want to detect?",
}

# A question that explains, compares or asks for advice ("why does...", "how is a p-value related to...",
# "should I trust it?") is not a calculation unless it asks for one or gives data to compute on.
_EXPLICIT_REQUEST = r"\b(calculate|compute|work out|solve for|plug (in|into))\b"
_CONCEPTUAL_START = r"^(why\b|how (does|do|is|are|can|could|would|should|come)\b|should\b|when\b)"
_CALC_REQUEST = (
    r"\b(sample size|how many|how long|how much|what power|how (small|big|large)|need\b|per (group|variant|arm|variation)"
    r"|what('s| is| would be| will be)? (the |my |our )?(mde|minimum detectable|smallest detectable|power|p-?\s?value"
    r"|confidence interval|ci|interval|margin of error|lift|difference)"
    r"|(confidence interval|\bci|interval|margin of error|p-?\s?value) (for|of|on|from)"
    r"|significant\s*\?|is (it|this|that|the (difference|result|lift|change|test|uplift)) (statistically )?significant"
    r"|(smallest|minimum) (effect|lift|difference|change|uplift) (can|could|would|will|that|i|we))"
)


def asks_to_calculate(text: str) -> bool:
    """Whether the question requests a number (or gives counts to compute on), rather than an explanation."""
    t = text.lower()
    if re.search(_EXPLICIT_REQUEST, t) or find_count_pairs(text):
        return True
    # "how do I ..." with numbers is a procedure to apply ("how do I size a test for a 10% baseline?").
    if re.search(_CONCEPTUAL_START, t) and not (re.match(r"how do (i|we)\b", t) and re.search(r"\d", t)):
        return False
    if re.search(_CALC_REQUEST, t):
        return True
    # Terse inputs with no question words ("baseline 10%, MDE 5%, 90% power") still describe a sizing.
    baseline, target, _ = find_baseline_and_target(text)
    return baseline is not None and (target is not None or find_mde(text)[0] is not None)


@dataclass(frozen=True)
class MissingInput:
    """A required input the question did not give, with the question to ask the user."""

    name: str
    question: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "question": self.question}


@dataclass(frozen=True)
class ParsedCalculation:
    """What the question asks: the tool (None if nothing calculable), its params, assumptions and gaps."""

    tool: str | None
    params: dict[str, Any] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    missing: tuple[MissingInput, ...] = ()
    method_requested: str | None = None
    reason: str = ""

    @property
    def calculable(self) -> bool:
        """True when a tool was identified and nothing required is missing."""
        return self.tool is not None and not self.missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "params": dict(self.params),
            "assumptions": list(self.assumptions),
            "missing": [m.to_dict() for m in self.missing],
            "method_requested": self.method_requested,
            "calculable": self.calculable,
            "reason": self.reason,
        }


# --- which tool ---------------------------------------------------------------------------------------------

_MEANS_WORDS = (
    r"\b(standard deviation|std\.? ?dev|sd\b|σ|sigma|mean|average|revenue per|cohen'?s d|t-test|t test)"
)


def _detect_tool(text: str) -> str | None:
    t = text.lower()
    if re.search(r"\b(srm|sample ratio|ratio mismatch)\b", t):
        return "srm_check"
    if re.search(r"\b(sequential|interim|o'?brien|pocock|alpha spending|lan-demets|peek(ing)?)\b", t):
        return "group_sequential"
    if re.search(r"\b(cuped|variance reduction|pre-experiment|pre-period|covariate)\b", t):
        return "cuped"
    if re.search(
        r"\b(detect|test(ing)?|find)\b[^.?]*\bcorrelation\b|\bcorrelation (coefficient )?(of )?(r|ρ|rho)\s?=|pwr\.r\.test",
        t,
    ):
        return "correlation_power"
    if (
        re.search(
            r"\b(bonferroni|holm|benjamini|hochberg|yekutieli|fdr|false discovery|multiple (testing|comparisons))\b",
            t,
        )
        and len(find_p_value_list(text)) >= 2
    ):
        return "multiple_testing"
    if (
        re.search(r"\b(adjust(ed)?|correct(ed|ion)?)\b.*p-?\s?values?", t)
        and len(find_p_value_list(text)) >= 2
    ):
        return "multiple_testing"
    if re.search(r"\banova\b|cohen'?s f\b", t):
        return "anova_power"
    if re.search(r"cohen'?s w\b", t):
        return "chi_square_power"
    if not asks_to_calculate(text):
        return None
    if re.search(
        r"\b(how long|how many (days|weeks)|duration|run (the|my|this) test for|days? (will|would|do))", t
    ):
        return "test_duration"
    if re.search(r"\b(confidence interval|\bci\b|interval|margin of error)", t):
        if re.search(r"\b(lift|relative)\b", t) and len(find_count_pairs(text)) >= 2:
            return "ci_relative_lift"
        if len(find_count_pairs(text)) >= 2:
            return "ci_proportion_difference"
        if re.search(_MEANS_WORDS, t) and re.search(r"\b(difference|vs|versus)\b", t):
            return "ci_mean_difference"
        return "ci_proportion"
    significance = re.search(
        r"\b(p-?\s?value|significan(t|ce) (is|was|of the)|is (it|this|that|the \w+) (statistically )?significant|significant\s*\?|z-?test|statistically significant)",
        t,
    ) or (re.search(r"\bsignificant\b", t) and len(find_count_pairs(text)) >= 2)
    if significance and not re.search(r"significance level", t):
        if re.search(_MEANS_WORDS, t):
            return "welch_t_test"
        return "two_proportion_z_test"
    means = bool(re.search(_MEANS_WORDS, t))
    wants_n = re.search(
        r"\b(sample size|how many (users|visitors|people|participants|subjects|samples|observations|sessions|customers)"
        r"|(users|visitors|people|participants|subjects) (do|would|will) (i|we) need)",
        t,
    )
    if wants_n:
        return "means_sample_size" if means else "proportions_sample_size"
    if re.search(
        r"\b(what|which)('s| is| would be| will be)? (the |my |our )?(mde|minimum detectable|smallest detectable)"
        r"|\b(smallest|minimum) (effect|lift|difference|change|uplift) (can|could|would|will|that|i|we)"
        r"|\bhow (small|big|large) (an? )?(effect|lift|difference|change)",
        t,
    ):
        return "means_mde" if means else "proportions_mde"
    if re.search(
        r"\b(what|how much) (is the |would the |will the |)power\b|\bpower (do|would|will) (i|we) have\b"
        r"|\bwhat('s| is) (my|our|the) power|\bhow (much )?power",
        t,
    ):
        return "means_power" if means else "proportions_power"
    if re.search(r"\b(per (group|variant|arm|variation)|need\b|mde|lift|baseline|conversion)", t):
        return "means_sample_size" if means else "proportions_sample_size"
    return None


# --- assembling -------------------------------------------------------------------------------------------------


def parse_calculation(question: str) -> ParsedCalculation:
    """Identify the calculator and its inputs; never guess a required input (it goes to ``missing``)."""
    text = clean(question)
    tool = _detect_tool(text)
    if tool is None:
        return ParsedCalculation(None, reason="no calculation recognised in the question")
    params: dict[str, Any] = {}
    notes: list[str] = []
    missing: list[MissingInput] = []
    method, method_text = find_method(text)

    def need(name: str, key: str | None = None) -> None:
        missing.append(MissingInput(name, QUESTIONS[key or name]))

    alpha = find_alpha(text)
    power = find_power(text)
    alternative = find_alternative(text)
    spec = TOOLS[tool]
    if alpha is not None and spec.param("alpha"):
        params["alpha"] = alpha
    if power is not None and spec.param("power"):
        params["power"] = power
    if alternative is not None and spec.param("alternative"):
        params["alternative"] = alternative

    if tool.startswith("proportions_") or tool == "test_duration":
        baseline, target, more = find_baseline_and_target(text)
        notes += more
        if baseline is not None:
            params["baseline"] = baseline
        if target is not None:
            params["p2"] = target
        elif tool != "proportions_mde":
            mde, mde_type, more = find_mde(text)
            notes += more
            if mde is not None:
                params["mde"], params["mde_type"] = mde, mde_type
        variants, more = find_variants(text)
        if variants is not None:
            params["variants"] = variants
            notes += more
            if variants > 1 and (method == "bonferroni" or re.search(r"šidák|sidak", text, re.IGNORECASE)):
                params["correction"] = (
                    "sidak" if re.search(r"šidák|sidak", text, re.IGNORECASE) else "bonferroni"
                )
        if method in ("pooled", "unpooled", "cohens_h", "evan_miller"):
            params["method"] = method
        split = find_split(text)
        if tool == "test_duration":
            traffic = find_daily_traffic(text)
            weekly = find_weekly_traffic(text)
            if traffic is None and weekly is not None:
                traffic = weekly / 7
                notes.append(f"{weekly:,.0f} a week read as {traffic:,.1f} a day")
            if traffic is not None:
                params["daily_traffic"] = traffic
            else:
                need("daily_traffic")
            if split is not None:
                arms = len(split)
                params["split"] = split
                params.setdefault("variants", arms - 1)
            share = re.search(
                PERCENT + r"\s*of (?:the |our |my )?(?:traffic|users|visitors|sessions)", text, re.IGNORECASE
            )
            if share:
                params["exposed_share"] = pct(share, 1)
            n = find_n_per_group(text, per_group_only=True)
            if n is not None:
                params["n_per_group"] = n
                params.pop("baseline", None), params.pop("mde", None), params.pop("mde_type", None)
            else:
                if "baseline" not in params:
                    need("baseline")
                if "mde" not in params and "p2" not in params:
                    need("mde")
        else:
            if split is not None and len(split) == 2:
                params["ratio"] = split[1] / split[0]
                notes.append(
                    f"{split[0]:g}/{split[1]:g} split read as control/variant, ratio {params['ratio']:g}"
                )
            if "baseline" not in params:
                need("baseline")
            if tool != "proportions_mde" and "mde" not in params and "p2" not in params:
                need("mde")
            if tool in ("proportions_power", "proportions_mde"):
                n = find_n_per_group(text)
                if n is not None:
                    params["n_per_group"] = n
                else:
                    need("n_per_group")
    elif tool.startswith("means_"):
        d = find_number_after(r"cohen'?s d|effect size d|\bd\s?=", text)
        sd = find_number_after(r"standard deviation|std\.? ?dev|\bsd\b|σ|sigma", text)
        delta = find_means_delta(text)
        rate_sd, rate_delta = _rate_as_mean(text, method, tool, notes)
        if rate_sd is not None and sd is None and delta is None and d is None:
            sd, delta = rate_sd, rate_delta
        if d is not None:
            params["cohens_d"] = d
        else:
            if sd is not None:
                params["sd"] = sd
            if delta is not None and tool != "means_mde":
                params["delta"] = delta
            if tool != "means_mde":
                if delta is None:
                    need("delta")
                if sd is None:
                    need("sd")
        if re.search(r"\bpaired|before and after|pre-post\b", text, re.IGNORECASE):
            params["design"] = "paired"
        elif re.search(r"one[- ]sample", text, re.IGNORECASE):
            params["design"] = "one_sample"
        if method in ("t", "z", "rule_of_thumb"):
            params["method"] = method
        if tool in ("means_power", "means_mde"):
            n = find_n_per_group(text)
            if n is not None:
                params["n_per_group"] = n
            else:
                need("n_per_group")
    elif tool == "srm_check":
        counts = find_srm_counts(text)
        if counts:
            params["counts"] = counts
            split = find_split(text)
            if split is not None and len(split) == len(counts):
                params["split"] = split
        else:
            need("counts")
        thr = find_srm_threshold(text)
        if thr is not None:
            params["threshold"] = thr
    elif tool == "multiple_testing":
        params["p_values"] = find_p_value_list(text)
        if method in ("bonferroni", "holm", "benjamini_hochberg", "benjamini_yekutieli"):
            params["method"] = method
        q = find_number_after(r"\bq\s?=|fdr of|fdr at|false discovery rate of", text)
        if q is not None and "alpha" not in params:
            params["alpha"] = q / 100 if q >= 1 else q
    elif tool == "cuped":
        rho = find_correlation(text)
        if rho is not None:
            params["correlation"] = rho
        else:
            need("correlation")
        n = find_n_per_group(text)
        if n is not None:
            params["n_per_group"] = n
        traffic = find_daily_traffic(text)
        if traffic is not None:
            params["daily_traffic"] = traffic
    elif tool in ("ci_proportion_difference", "two_proportion_z_test", "ci_relative_lift"):
        pairs = find_count_pairs(text)
        if len(pairs) >= 2:
            (xa, na), (xb, nb) = pairs[0], pairs[1]
            params.update({"conversions_a": xa, "n_a": na, "conversions_b": xb, "n_b": nb})
            notes.append(
                "the first group mentioned is read as the control (A), the second as the treatment (B)"
            )
        else:
            need("conversions")
        if method in ("newcombe", "agresti_caffo", "wald") and tool == "ci_proportion_difference":
            params["method"] = method
    elif tool == "ci_proportion":
        pairs = find_count_pairs(text)
        if pairs:
            params["successes"], params["n"] = pairs[0]
        else:
            need("successes")
        if method in ("wilson", "clopper_pearson", "agresti_coull", "wald"):
            params["method"] = method
    elif tool in ("ci_mean_difference", "welch_t_test"):
        groups = find_two_group_means(text)
        if groups is not None:
            params.update(groups)
            notes.append(
                "the first group mentioned is read as the control (A), the second as the treatment (B)"
            )
        else:
            need("means")
    elif tool == "correlation_power":
        r = find_correlation_to_detect(text)
        if r is not None:
            params["r"] = r
        else:
            need("r")
        n = find_n_per_group(text)
        if n is not None:
            params["n"] = n
            params.pop("power", None)
        elif "power" not in params:
            params["power"] = 0.8
    elif tool == "group_sequential":
        looks = re.search(
            r"(\d+)\s*(?:interim\s+|equally spaced\s+)?(?:looks|analyses|peeks|checkpoints|stages)",
            text,
            re.IGNORECASE,
        )
        if looks:
            params["looks"] = int(looks.group(1))
        else:
            need("looks")
        if method in ("obrien_fleming", "pocock"):
            params["spending_function"] = method
        if re.search(r"\bclassic\b|original", text, re.IGNORECASE):
            params["design"] = "classic"
    elif tool == "anova_power":
        f = find_number_after(r"cohen'?s f|\bf\s?=|effect size", text)
        k = re.search(r"(\d+)\s*groups", text, re.IGNORECASE)
        if f is not None:
            params["effect_size_f"] = f
        else:
            need("effect_size_f")
        if k:
            params["k_groups"] = int(k.group(1))
        else:
            need("k_groups")
        n = find_n_per_group(text)
        if n is not None:
            params["n_per_group"] = n
        elif "power" not in params:
            params["power"] = 0.8
    elif tool == "chi_square_power":
        w = find_number_after(r"cohen'?s w|\bw\s?=|effect size", text)
        dof = re.search(r"(\d+)\s*(?:degrees of freedom|df)|df\s*(?:of|=)\s*(\d+)", text, re.IGNORECASE)
        if w is not None:
            params["effect_size_w"] = w
        else:
            need("effect_size_w")
        if dof:
            params["df"] = int(dof.group(1) or dof.group(2))
        else:
            need("df")
        if "power" not in params:
            params["power"] = 0.8

    assumptions = [*notes]
    if (
        tool in ("anova_power", "chi_square_power", "correlation_power")
        and power is None
        and "power" in params
    ):
        assumptions.append("80% power (not stated in the question)")
    assumptions += default_assumptions(spec, params)
    return ParsedCalculation(
        tool=tool,
        params=params,
        assumptions=tuple(dict.fromkeys(assumptions)),
        missing=tuple(missing),
        method_requested=method if method_text else None,
        reason="" if not missing else "required inputs missing",
    )


def _rate_as_mean(
    text: str, method: str | None, tool: str, notes: list[str]
) -> tuple[float | None, float | None]:
    """σ and δ for the 16σ²/δ² rule of thumb on a conversion rate: σ² = p(1 − p), δ from the MDE.

    The proportion calculators have no rule-of-thumb method, so a rate question asking for it is answered by the
    means calculator with the Bernoulli standard deviation (Kohavi et al. 2009, section 3.2).
    """
    if method != "rule_of_thumb" or tool != "means_sample_size":
        return None, None
    baseline, target, _ = find_baseline_and_target(text)
    if baseline is None or not 0 < baseline < 1:
        return None, None
    if target is not None:
        delta = abs(target - baseline)
        how = f"target {target:g}"
    else:
        mde, mde_type, _ = find_mde(text)
        if mde is None:
            return None, None
        delta = mde if mde_type == "absolute" else baseline * mde
        how = f"{mde:g} {mde_type} MDE"
    notes.append(
        f"conversion rate {baseline:g} treated as a 0/1 metric: σ² = p(1 − p) = {baseline * (1 - baseline):g}, "
        f"δ = {delta:g} ({how})"
    )
    return (baseline * (1 - baseline)) ** 0.5, delta
