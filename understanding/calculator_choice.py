"""Choosing the calculator family and its unknown from the roles present and the asking words; a question about
ideas ("why does peeking inflate errors?") chooses none.
"""

from __future__ import annotations

import re

from understanding.aa_checks import aa_significant_count
from understanding.adjustment_steps import one_p_value_of_a_family
from understanding.arm_rates import arm_counts_in_words, arm_rates
from understanding.arm_statistics import arm_summaries
from understanding.interval_steps import given_interval
from understanding.k_groups import ASKS_ANY_DIFFERENCE, ASKS_WHICH_ARM, several_counts, several_means
from understanding.named_methods import named_family
from understanding.paired_results import paired_result
from understanding.quantities import Quantity, shares_of_total
from understanding.reading import (
    ASKS_CI,
    ASKS_DAYS,
    ASKS_MDE,
    ASKS_N,
    ASKS_POWER,
    ASKS_SIG,
    ASKS_SIZE,
    MEANS_WORDS,
    PLANNING,
    plans_a_test,
    says_mean,
)
from understanding.reading_types import Grounded
from understanding.roles import BENCHMARK


def _has(roles: dict[str, Grounded], *names: str) -> bool:
    return any(n in roles for n in names)


_EXPLICIT_REQUEST = re.compile(r"\b(?:calculate|compute|work out|solve for|plug (?:in|into))\b")
_CONCEPTUAL_START = re.compile(
    r"^(?:why\b|how (?:does|do|is|are|can|could|would|should|come)\b|should\b|when\b)"
)
_SIZING_ASK = re.compile(r"\bneed\b|per (?:group|variant|arm|variation)|\?\s*$|:\s*$")


def choose(t: str, roles: dict[str, Grounded], quantities: list[Quantity]) -> tuple[str | None, str | None]:
    """(calculator family, unknown) from the roles present and the asking words; None for a question about ideas."""
    family, unknown = _choose(t, roles, quantities)
    conceptual = _CONCEPTUAL_START.search(t) and not _EXPLICIT_REQUEST.search(t) and not re.search(r"\d", t)
    if conceptual and family in ("means", "proportions", "significance", "ci"):
        return None, None
    if family in ("means", "proportions") and not (_EXPLICIT_REQUEST.search(t) or _asked_any(t, roles)):
        # "my test shows a +40% lift, should I trust it?": one number and no request is not a sizing question.
        sizing = {
            "baseline",
            "p2",
            "mde",
            "mde_abs",
            "sd",
            "delta",
            "n_per_group",
            "daily_traffic",
            "effect_d",
        }
        if len(sizing & set(roles)) < 2:
            return None, None
    return family, unknown


def _asked_any(t: str, roles: dict[str, Grounded]) -> bool:
    return bool(
        ASKS_N.search(t)
        or ASKS_DAYS.search(t)
        or ASKS_MDE.search(t)
        or (ASKS_POWER.search(t) and "power" not in roles)
    )


_SPLIT_CHECK = re.compile(
    r"\bsplit\b[^?.]{0,40}\b(?:came out|come out|ended up|is off|looks off|uneven|imbalanc\w*|lopsided|skewed)"
    # "is a 33/33/34 split ok? counts 33,900 33,100 34,600"
    r"|\bsplit (?:ok|okay|fine|alright|right|normal|expected)\b|\bsplit look (?:ok|okay|fine|right|normal)\b"
    r"|\b(?:uneven|imbalanced|lopsided|skewed) split\b",
    re.IGNORECASE,
)


def _choose(t: str, roles: dict[str, Grounded], quantities: list[Quantity]) -> tuple[str | None, str | None]:
    pairs = [q for q in quantities if q.unit in ("pair",)]
    named = named_family(t, pairs)
    if named is not None:
        return named, named
    if aa_significant_count(t, quantities) is not None:
        # "a/a test with 100 metrics, 7 came out significant at 0.05: normal?" is a count against binomial(n, α)
        return "aa_false_positives", "p_value"
    lists = [q for q in quantities if q.unit == "list"]
    if not pairs and given_interval(t) is not None and not ASKS_N.search(t):
        # "95% CI of the lift: [-0.2%, +1.8%], what does it mean?": the interval is the data
        return "interval_reading", "p_value"
    if re.search(r"compromise", t) or "q_ratio" in roles:
        return "compromise_power", "alpha"
    counts = [q for q in quantities if q.unit == "count" and q.value >= 10]
    mismatch, split_check = re.search(r"\bmismatch\b", t), _SPLIT_CHECK.search(t)
    # the arms' sizes, or their shares of a total, are in the question
    observed = bool(mismatch or split_check) and (
        len(counts) >= 2 or shares_of_total(quantities, counts, t) is not None
    )
    if (
        re.search(r"\bsrm\b|sample ratio|ratio mismatch", t)
        # "our control arm has 50.7% of users in a 50/50 experiment, mismatch?": the split is asked about
        or (
            mismatch
            and (
                observed
                or any(q.unit == "split" for q in quantities)
                or re.search(r"\b(?:split|arms?|traffic|allocation)\b", t)
            )
        )
        # "did my 50/50 split come out 50/50? we got 50.4 vs 49.6 with 2M users": the observed split is the data
        or (split_check and observed)
    ):
        return "srm_check", "p_value"
    if re.search(r"o'?brien|pocock|sequential|interim|boundar|alpha spending|lan-demets", t):
        return "group_sequential", "boundaries"
    mt_words = re.search(
        r"bonferroni|\bholm\b|benjamini|hochberg|\bfdr\b|multiple (?:testing|comparisons)|adjust\w* (?:these |my |the )?p",
        t,
    )
    if (
        lists
        or (mt_words and re.search(r"p-?values?|p values?", t))
        or one_p_value_of_a_family(t, quantities)
    ):
        return "multiple_testing", "adjusted"
    # "same 40 users before and after: mean change 1.2, sd of the changes 3.1. significant?": a paired t test
    if ASKS_SIG.search(t) and not ASKS_SIZE.search(t) and paired_result(t) is not None:
        return "paired_t", "p_value"
    # "A 120/2000, B 150/2000, C 135/2000: any difference?" or "... which group beats control?": all the arms at
    # once, not the first two
    if (
        (ASKS_ANY_DIFFERENCE.search(t) or ASKS_WHICH_ARM.search(t))
        and not ASKS_SIZE.search(t)
        and not PLANNING.search(t)
        and (several_counts(t, quantities) is not None or several_means(t) is not None)
    ):
        return "k_groups", "p_value"
    if (
        re.search(r"cuped|variance reduction|pre-?period|pre-experiment|covariate", t)
        or "variance_reduction" in roles
    ):
        return "cuped", "n"
    if re.search(r"\banova\b|cohen'?s f\b", t) or "effect_f" in roles:
        return "anova_power", "power" if ("n_per_group" in roles and "power" not in roles) else "n"
    if re.search(r"chi[- ]?squared?|cohen'?s w\b|goodness of fit", t) or "effect_w" in roles:
        return "chi_square_power", "power" if (
            "n_total" in roles or "n_per_group" in roles or "n_one" in roles
        ) and "power" not in roles else "n"
    # "15,000 users in each group, 3.2% vs 3.7%: the interval?" gives the groups (ASKS_N also reads that as an ask)
    observed_rates = (
        not pairs
        and not ASKS_SIZE.search(t)
        and not PLANNING.search(t)
        and (arm_rates(t, quantities) is not None or arm_counts_in_words(t, quantities) is not None)
    )
    if ASKS_CI.search(t) and (pairs or says_mean(t) or observed_rates):
        return "ci", "interval"
    if re.search(
        r"\bcoin\b|\bdie\b|\bdice\b|fair\b|loaded|different from \d|industry|against (?:a |the )?(?:known|fair|\d)"
        # a rate known before the test: "historically converts at 4.2%", "vs benchmark 0.32", "our usual 4.2 percent"
        r"|" + BENCHMARK,
        t,
    ) and (
        len(pairs) == 1
        # "conversion is typically 4%; what mde can we detect with 10k per arm?" plans a test on that rate
        or ("p0" in roles and not pairs and not plans_a_test(t))
    ):
        return "binomial_test", "p_value"
    if ASKS_SIG.search(t) and (len(pairs) >= 2 or says_mean(t) or _two_arms(t) or observed_rates):
        return "significance", "p_value"
    if re.search(
        r"what(?:'s| is) the p-?\s?value|is (?:it|this|that|the difference) (?:statistically )?significant", t
    ):
        return "significance", "p_value"
    if len(pairs) >= 2 and re.search(r"\bvs\.?\b|versus|better|\?", t) and not ASKS_N.search(t):
        return "significance", "p_value"
    if (
        (re.search(r"correlation|\br\s*(?:=|of|is)\s*[-.\d]", t) or "correlation" in roles)
        and not re.search(r"cuped|pre-?period|covariate", t)
        and ("correlation" in roles or ASKS_N.search(t) or ASKS_POWER.search(t))
    ):
        return "correlation_power", "power" if _has(
            roles, "n_one", "n_per_group", "n_pairs"
        ) and not ASKS_N.search(t) else "n"
    design = "means" if _means_design(t, roles) else "proportions"
    if "effect_d" in roles or re.search(
        r"cohen'?s d|standardi[sz]ed effect|effect size d|in sd units|in standard deviations"
        r"|(?:smallest|minimum|minimal|detectable|what|which)\s+d\b",
        t,
    ):
        design = "means"
    if ASKS_MDE.search(t) and not _has(roles, "mde", "mde_abs", "p2", "delta", "effect_d"):
        if "days" in roles:
            return design, "mde_in_days"
        return design, "mde"
    if ASKS_DAYS.search(t) and not (ASKS_MDE.search(t) and "days" in roles):
        return design, "days"
    power_given = "power" in roles
    if not power_given and ASKS_POWER.search(t):
        return design, "power"
    if power_given and _ASKS_POWER_NOW.search(t) and _has(roles, "n_per_group", "n_control", "n_total"):
        # "is 80% power realistic? what power would we actually have?": the groups are fixed, the power is asked
        return design, "power"
    if (
        not power_given
        and _CAN_DETECT.search(t)
        and _has(roles, "n_per_group", "n_control", "n_total")
        and _has(roles, "mde", "mde_abs", "p2", "delta", "effect_d")
    ):
        # "can we detect a 5% lift with 20k users per arm?": the chance of detecting it
        return design, "power"
    if ASKS_N.search(t) or _has(roles, "baseline", "p2", "mde", "mde_abs", "sd", "delta", "effect_d"):
        # a question that gives its daily traffic ("at ~20k visitors/day") wants to know how long the sample takes
        return design, "days" if "daily_traffic" in roles else "n"
    if re.search(r"\bpower\b", t) and not power_given:
        return design, "power"
    return None, None


_CAN_DETECT = re.compile(
    r"\bcan (?:we|i|it|you) (?:even |reliably |actually |realistically )?(?:detect|see|pick up|catch)\b"
    r"|\b(?:enough|sufficient) to (?:detect|see|pick up)\b|\bable to (?:detect|see|pick up)\b"
)


def _two_arms(t: str) -> bool:
    arms = arm_summaries(t)
    return arms is not None and len(arms) == 2


_ASKS_POWER_NOW = re.compile(
    r"what power|how much power|what(?:'s| is| would be) (?:the |our |my )?(?:actual |real |statistical )?power"
    r"|power (?:would|do|does|will) (?:we|i|it)"
)


def _means_design(t: str, roles: dict[str, Grounded]) -> bool:
    if _has(roles, "sd", "delta", "effect_d", "n_pairs") and (
        not _has(roles, "baseline", "p2") or "sd" in roles
    ):
        return True
    if _has(roles, "baseline", "p2", "mde", "mde_abs"):
        return False
    return bool(MEANS_WORDS.search(t))
