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

from tools.registry import TOOLS, default_assumptions

NUMBER = r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)(\s?[kKmM](?![a-zA-Z]))?"
PERCENT = NUMBER + r"\s?(%|percent\b|per cent\b)"

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


def to_number(digits: str, suffix: str | None = None) -> float:
    """'1,000' → 1000, '2.5k' → 2500, '1M' → 1e6."""
    value = float(digits.replace(",", ""))
    if suffix:
        value *= {"k": 1e3, "m": 1e6}[suffix.strip().lower()]
    return value


def _pct(match: re.Match[str], group: int = 1) -> float:
    return to_number(match.group(group), match.group(group + 1)) / 100


def _clean(question: str) -> str:
    text = question.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _first(patterns: list[str], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return match
    return None


# --- which tool ---------------------------------------------------------------------------------------------

_MEANS_WORDS = r"\b(standard deviation|std\.? ?dev|sd\b|σ|sigma|mean|average|revenue per|cohen'?s d|t-test|t test)"


def _detect_tool(text: str) -> str | None:
    t = text.lower()
    if re.search(r"\b(srm|sample ratio|ratio mismatch)\b", t):
        return "srm_check"
    if re.search(r"\b(sequential|interim|o'?brien|pocock|alpha spending|lan-demets|peek(ing)?)\b", t):
        return "group_sequential"
    if re.search(r"\b(cuped|variance reduction|pre-experiment|pre-period|covariate)\b", t):
        return "cuped"
    if re.search(r"\b(bonferroni|holm|benjamini|hochberg|yekutieli|fdr|false discovery|multiple (testing|comparisons))\b", t) and len(
        _p_value_list(text)
    ) >= 2:
        return "multiple_testing"
    if re.search(r"\b(adjust(ed)?|correct(ed|ion)?)\b.*p-?\s?values?", t) and len(_p_value_list(text)) >= 2:
        return "multiple_testing"
    if re.search(r"\banova\b|cohen'?s f\b", t):
        return "anova_power"
    if re.search(r"cohen'?s w\b", t):
        return "chi_square_power"
    if re.search(r"\b(how long|how many (days|weeks)|duration|run (the|my|this) test for|days? (will|would|do))", t):
        return "test_duration"
    if re.search(r"\b(confidence interval|\bci\b|interval|margin of error)", t):
        if re.search(r"\b(lift|relative)\b", t) and len(_count_pairs(text)) >= 2:
            return "ci_relative_lift"
        if len(_count_pairs(text)) >= 2:
            return "ci_proportion_difference"
        if re.search(_MEANS_WORDS, t) and re.search(r"\b(difference|vs|versus)\b", t):
            return "ci_mean_difference"
        return "ci_proportion"
    if re.search(r"\b(p-?\s?value|significan(t|ce) (is|was|of the)|is (it|this|the (difference|result)) significant|z-?test|statistically significant)", t) and not re.search(r"significance level", t):
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


# --- extraction helpers ---------------------------------------------------------------------------------------


def _p_value_list(text: str) -> list[float]:
    match = re.search(r"p-?\s?values?\s*(?:of|are|were|:|=)?\s*(.*)", text, re.IGNORECASE)
    if not match:
        return []
    tail = match.group(1)
    tail = re.split(r"\b(alpha|α|q\s?=|fdr (?:of|at)|level)\b", tail, flags=re.IGNORECASE)[0]
    return [float(v) for v in re.findall(r"(?<![\d.])(0?\.\d+|1\.0+|1(?![\d.,])|0(?![\d.,]))", tail)]


def _count_pairs(text: str) -> list[tuple[float, float]]:
    pairs = re.findall(NUMBER + r"\s*(?:conversions?|successes|sign-?ups|purchases|clicks)?\s*(?:out of|of|/)\s*" + NUMBER, text)
    return [(to_number(a, sa), to_number(b, sb)) for a, sa, b, sb in pairs if to_number(a, sa) <= to_number(b, sb)]


def _alpha(text: str) -> float | None:
    m = _first([r"\b(?:alpha|α)\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?(%)?",
                r"significance(?: level)?\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?(%)?",
                r"" + NUMBER + r"\s?(%)?\s*significance"], text)
    if m:
        value = to_number(m.group(1), m.group(2))
        return value / 100 if (m.group(3) or value >= 1) else value
    m = _first([NUMBER + r"\s?%\s*confidence", r"confidence(?: level)?\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?%"], text)
    if m:
        return round(1 - to_number(m.group(1), m.group(2)) / 100, 10)
    return None


def _power(text: str) -> float | None:
    m = _first([PERCENT + r"\s*(?:statistical )?power", r"power\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?(%)?"], text)
    if not m:
        return None
    value = to_number(m.group(1), m.group(2))
    return value / 100 if (m.group(3) or value > 1) else value


def _alternative(text: str) -> str | None:
    t = text.lower()
    if re.search(r"\b(one|1)[- ]?(tailed|sided)\b", t):
        return "smaller" if re.search(r"\b(decrease|drop|reduc|lower)", t) else "larger"
    if re.search(r"\b(two|2)[- ]?(tailed|sided)\b", t):
        return "two-sided"
    return None


def _method(text: str) -> tuple[str | None, str | None]:
    t = text.lower()
    table = [
        (r"cohen'?s h|arcsine|pwr\.2p", "cohens_h"),
        (r"evan ?miller", "evan_miller"),
        (r"power\.prop\.test|\bpooled\b", "pooled"),
        (r"\bunpooled\b", "unpooled"),
        (r"rule of thumb|16\s?σ|16 ?sigma|lehr", "rule_of_thumb"),
        (r"power\.t\.test|noncentral t|t-?test", "t"),
        (r"\bz-?test\b|normal approximation", "z"),
        (r"wilson", "wilson"),
        (r"clopper|exact (binomial )?interval", "clopper_pearson"),
        (r"agresti[- ]coull", "agresti_coull"),
        (r"newcombe", "newcombe"),
        (r"agresti[- ]caffo", "agresti_caffo"),
        (r"\bwald\b", "wald"),
        (r"benjamini[- ]yekutieli", "benjamini_yekutieli"),
        (r"benjamini[- ]hochberg|\bbh\b|false discovery", "benjamini_hochberg"),
        (r"\bholm\b", "holm"),
        (r"bonferroni", "bonferroni"),
        (r"o'?brien", "obrien_fleming"),
        (r"pocock", "pocock"),
    ]
    for pattern, name in table:
        if re.search(pattern, t):
            return name, re.search(pattern, t).group(0)  # type: ignore[union-attr]
    return None, None


_NOT_OTHER = r"(?!\s*(?:power|confidence|significance|mde|lift|relative|uplift|increase|of (?:the )?traffic))"


def _baseline_and_target(text: str) -> tuple[float | None, float | None, list[str]]:
    notes: list[str] = []
    m = re.search(r"from\s+" + PERCENT + r"\s+to\s+" + PERCENT, text, re.IGNORECASE)
    if m:
        return _pct(m, 1), to_number(m.group(4), m.group(5)) / 100, notes
    m = _first([
        PERCENT + r"\s*(?:baseline|base rate|control (?:conversion )?rate)",
        r"baseline(?: conversion)?(?: rate)?\s*(?:of|is|=|:|around|about)?\s*" + PERCENT + _NOT_OTHER,
        r"(?:conversion rate|converts?|converting|\bcr)\s*(?:of|is|=|:|at|around|about)?\s*" + PERCENT + _NOT_OTHER,
        PERCENT + r"\s*conversion(?: rate)?",
        r"(?:control|current rate)\s*(?:group )?(?:rate |converts )?(?:of|is|=|:|at)?\s*" + PERCENT,
    ], text)
    if m:
        return _pct(m, 1), None, notes
    m = re.search(r"baseline(?: conversion)?(?: rate)?\s*(?:of|is|=|:|at)?\s*(0?\.\d+)", text, re.IGNORECASE)
    if m:
        return float(m.group(1)), None, notes
    return None, None, notes


def _mde(text: str) -> tuple[float | None, str | None, list[str]]:
    notes: list[str] = []
    absolute = _first([
        NUMBER + r"\s?(?:pp|p\.p\.|percentage[- ]points?|points?)\b",
    ], text)
    if absolute:
        return to_number(absolute.group(1), absolute.group(2)) / 100, "absolute", notes
    rel = _first([
        PERCENT + r"\s*(?:relative\s+)?(?:mde|minimum detectable effect|lift|uplift|increase|improvement|change|difference|effect|drop|decrease)",
        r"(?:mde|minimum detectable effect|lift|uplift|improvement)\s*(?:of|is|=|:|at)?\s*" + PERCENT,
        r"(?:detect|see)\s+(?:a|an)?\s*" + PERCENT,
    ], text)
    if rel:
        value = _pct(rel, 1)
        span = text[max(0, rel.start() - 20) : rel.end() + 12].lower()
        if "absolute" in span:
            return value, "absolute", notes
        if "relative" not in span:
            notes.append(
                f"'{rel.group(0).strip()}' read as a relative change ({value:.0%} of the baseline), not percentage points"
            )
        return value, "relative", notes
    return None, None, notes


def _daily_traffic(text: str) -> float | None:
    m = _first([
        NUMBER + r"\s*(?:unique\s+)?(?:visitors|users|sessions|visits|people|customers|players)?\s*(?:a|per|each|/)\s*day",
        NUMBER + r"\s*(?:daily|a day)\b",
        r"daily (?:traffic|visitors|users|sessions)\s*(?:of|is|=|:)?\s*" + NUMBER,
        NUMBER + r"\s*daily\s*(?:visitors|users|sessions|traffic)",
    ], text)
    return to_number(m.group(1), m.group(2)) if m else None


def _weekly_traffic(text: str) -> float | None:
    m = re.search(NUMBER + r"\s*(?:visitors|users|sessions|visits)?\s*(?:a|per|each|/)\s*week", text, re.IGNORECASE)
    return to_number(m.group(1), m.group(2)) if m else None


def _split(text: str) -> list[float] | None:
    m = re.search(r"\b(\d{1,2}(?:\.\d+)?)\s?%?\s?/\s?(\d{1,2}(?:\.\d+)?)\s?%?(?:\s?/\s?(\d{1,2}(?:\.\d+)?)\s?%?)*\s*(?:split|allocation|traffic)?", text)
    if m and re.search(r"split|allocation|traffic|/\s?\d{1,2}\s?%?\s*(split)?", m.group(0)):
        parts = [float(p) for p in re.findall(r"\d{1,2}(?:\.\d+)?", m.group(0))]
        if abs(sum(parts) - 100) < 1e-6 or abs(sum(parts) - 1) < 1e-6:
            return parts
    return None


def _variants(text: str) -> tuple[int | None, list[str]]:
    words = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
    m = re.search(r"\b(\d+|two|three|four|five|six)\s+(variants|variations|treatments|challengers)\b", text, re.IGNORECASE)
    if m:
        k = int(words.get(m.group(1).lower(), m.group(1)) if not m.group(1).isdigit() else m.group(1))
        return k, [f"'{m.group(0)}' read as {k} treatment variants each compared with one control ({k + 1} groups)"]
    m = re.search(r"\b(\d+|two|three|four|five|six)\s+(arms|groups|versions)\b", text, re.IGNORECASE)
    if m:
        k = int(words.get(m.group(1).lower(), m.group(1)) if not m.group(1).isdigit() else m.group(1))
        if k >= 2:
            return k - 1, [f"'{m.group(0)}' read as one control and {k - 1} variant(s)"]
    m = re.search(r"\bA/B(/[C-Z])+\b", text)
    if m:
        return m.group(0).count("/"), []
    return None, []


def _n_per_group(text: str, per_group_only: bool = False) -> float | None:
    m = _first([
        NUMBER + r"\s*(?:users|visitors|people|participants|subjects|observations|sessions|customers)?\s*(?:per|in each|each|a)\s*(?:group|variant|arm|variation|side)",
        r"(?:n|sample size)\s*(?:of|=|is|:)\s*" + NUMBER,
        r"(?:with|have|has|get)\s+" + NUMBER
        + r"\s*(?:users|visitors|people|participants|subjects|observations|sessions|customers)\b"
        + r"(?!\s*(?:a|per|each|every|/)\s*(?:day|week|month))(?! daily)",
    ][: 2 if per_group_only else 3], text)
    return to_number(m.group(1), m.group(2)) if m else None


def _srm_counts(text: str) -> list[float]:
    m = re.search(
        NUMBER + r"\s*(?:users|visitors|sessions|people)?\s*(?:vs\.?|versus|and|/|:)\s*" + NUMBER
        + r"(?:\s*(?:users|visitors|sessions|people)?\s*(?:vs\.?|versus|and|/|:)\s*" + NUMBER + r")?",
        text, re.IGNORECASE)
    if not m:
        return []
    groups = m.groups()
    counts = [to_number(groups[i], groups[i + 1]) for i in range(0, len(groups), 2) if groups[i]]
    return counts if all(c >= 10 for c in counts) else []


def _correlation(text: str) -> float | None:
    m = _first([r"(?:correlation|correlated|ρ|rho|r)\s*(?:of|=|:|is|at|around|about)?\s*(-?\d*\.\d+)"], text)
    return float(m.group(1)) if m else None


def _means_delta(text: str) -> float | None:
    """Difference in means: 'a difference of 2', 'delta = 2', 'a $2 difference', '2 units increase'."""
    after = _number_after(
        r"difference(?: in (?:the )?means?)?|delta|δ|detect(?: a change of| an? (?:increase|difference|lift) of)?"
        r"|increase of|lift of",
        text,
    )
    if after is not None:
        return after
    m = re.search(r"\$?" + NUMBER + r"\s*(?:units?|dollars?|usd|eur|€|\$)?\s*(?:difference|increase|change|lift)", text,
                  re.IGNORECASE)
    return to_number(m.group(1), m.group(2)) if m else None


def _number_after(words: str, text: str) -> float | None:
    m = re.search(r"(?:" + words + r")\s*(?:of|=|:|is|at|around|about)?\s*\$?" + NUMBER, text, re.IGNORECASE)
    return to_number(m.group(1), m.group(2)) if m else None


# --- assembling -------------------------------------------------------------------------------------------------


def parse_calculation(question: str) -> ParsedCalculation:
    """Identify the calculator and its inputs; never guess a required input (it goes to ``missing``)."""
    text = _clean(question)
    tool = _detect_tool(text)
    if tool is None:
        return ParsedCalculation(None, reason="no calculation recognised in the question")
    params: dict[str, Any] = {}
    notes: list[str] = []
    missing: list[MissingInput] = []
    method, method_text = _method(text)

    def need(name: str, key: str | None = None) -> None:
        missing.append(MissingInput(name, QUESTIONS[key or name]))

    alpha = _alpha(text)
    power = _power(text)
    alternative = _alternative(text)
    spec = TOOLS[tool]
    if alpha is not None and spec.param("alpha"):
        params["alpha"] = alpha
    if power is not None and spec.param("power"):
        params["power"] = power
    if alternative is not None and spec.param("alternative"):
        params["alternative"] = alternative

    if tool.startswith("proportions_") or tool == "test_duration":
        baseline, target, more = _baseline_and_target(text)
        notes += more
        if baseline is not None:
            params["baseline"] = baseline
        if target is not None:
            params["p2"] = target
        elif tool != "proportions_mde":
            mde, mde_type, more = _mde(text)
            notes += more
            if mde is not None:
                params["mde"], params["mde_type"] = mde, mde_type
        variants, more = _variants(text)
        if variants is not None:
            params["variants"] = variants
            notes += more
            if variants > 1 and (method == "bonferroni" or re.search(r"šidák|sidak", text, re.IGNORECASE)):
                params["correction"] = "sidak" if re.search(r"šidák|sidak", text, re.IGNORECASE) else "bonferroni"
        if method in ("pooled", "unpooled", "cohens_h", "evan_miller"):
            params["method"] = method
        split = _split(text)
        if tool == "test_duration":
            traffic = _daily_traffic(text)
            weekly = _weekly_traffic(text)
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
            share = re.search(PERCENT + r"\s*of (?:the |our |my )?(?:traffic|users|visitors|sessions)", text, re.IGNORECASE)
            if share:
                params["exposed_share"] = _pct(share, 1)
            n = _n_per_group(text, per_group_only=True)
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
                notes.append(f"{split[0]:g}/{split[1]:g} split read as control/variant, ratio {params['ratio']:g}")
            if "baseline" not in params:
                need("baseline")
            if tool != "proportions_mde" and "mde" not in params and "p2" not in params:
                need("mde")
            if tool in ("proportions_power", "proportions_mde"):
                n = _n_per_group(text)
                if n is not None:
                    params["n_per_group"] = n
                else:
                    need("n_per_group")
    elif tool.startswith("means_"):
        d = _number_after(r"cohen'?s d|effect size d|\bd\s?=", text)
        sd = _number_after(r"standard deviation|std\.? ?dev|\bsd\b|σ|sigma", text)
        delta = _means_delta(text)
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
            n = _n_per_group(text)
            if n is not None:
                params["n_per_group"] = n
            else:
                need("n_per_group")
    elif tool == "srm_check":
        counts = _srm_counts(text)
        if counts:
            params["counts"] = counts
            split = _split(text)
            if split is not None and len(split) == len(counts):
                params["split"] = split
        else:
            need("counts")
        thr = _number_after(r"threshold|p\s?<", text)
        if thr is not None and thr < 1:
            params["threshold"] = thr
    elif tool == "multiple_testing":
        params["p_values"] = _p_value_list(text)
        if method in ("bonferroni", "holm", "benjamini_hochberg", "benjamini_yekutieli"):
            params["method"] = method
        q = _number_after(r"\bq\s?=|fdr of|fdr at|false discovery rate of", text)
        if q is not None and "alpha" not in params:
            params["alpha"] = q / 100 if q >= 1 else q
    elif tool == "cuped":
        rho = _correlation(text)
        if rho is not None:
            params["correlation"] = rho
        else:
            need("correlation")
        n = _n_per_group(text)
        if n is not None:
            params["n_per_group"] = n
        traffic = _daily_traffic(text)
        if traffic is not None:
            params["daily_traffic"] = traffic
    elif tool in ("ci_proportion_difference", "two_proportion_z_test", "ci_relative_lift"):
        pairs = _count_pairs(text)
        if len(pairs) >= 2:
            (xa, na), (xb, nb) = pairs[0], pairs[1]
            params.update({"conversions_a": xa, "n_a": na, "conversions_b": xb, "n_b": nb})
            notes.append("the first group mentioned is read as the control (A), the second as the treatment (B)")
        else:
            need("conversions")
        if method in ("newcombe", "agresti_caffo", "wald") and tool == "ci_proportion_difference":
            params["method"] = method
    elif tool == "ci_proportion":
        pairs = _count_pairs(text)
        if pairs:
            params["successes"], params["n"] = pairs[0]
        else:
            need("successes")
        if method in ("wilson", "clopper_pearson", "agresti_coull", "wald"):
            params["method"] = method
    elif tool in ("ci_mean_difference", "welch_t_test"):
        need("means")
    elif tool == "group_sequential":
        looks = re.search(
            r"(\d+)\s*(?:interim\s+|equally spaced\s+)?(?:looks|analyses|peeks|checkpoints|stages)", text, re.IGNORECASE
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
        f = _number_after(r"cohen'?s f|\bf\s?=|effect size", text)
        k = re.search(r"(\d+)\s*groups", text, re.IGNORECASE)
        if f is not None:
            params["effect_size_f"] = f
        else:
            need("effect_size_f")
        if k:
            params["k_groups"] = int(k.group(1))
        else:
            need("k_groups")
        n = _n_per_group(text)
        if n is not None:
            params["n_per_group"] = n
        elif "power" not in params:
            params["power"] = 0.8
    elif tool == "chi_square_power":
        w = _number_after(r"cohen'?s w|\bw\s?=|effect size", text)
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
    if tool in ("anova_power", "chi_square_power") and power is None and "power" in params:
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
