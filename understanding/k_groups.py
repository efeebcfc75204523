"""Three or more arms' results compared at once: "A 120/2000, B 150/2000, C 135/2000, any difference?" is a
chi-square test of the k × 2 table of conversions; "means 12.1, 12.6, 13.0 with sds 4.0, 4.2, 4.1 and 500 users each:
do the groups differ?" is a one-way ANOVA. Comparing two of them with a z or t test would ignore the third arm.

Pure: text and tagged quantities in, each arm's (conversions, users) or (mean, SD, size) out, or None.
"""

from __future__ import annotations

import itertools
import re

from understanding.arm_rates import is_rate
from understanding.arm_statistics import ArmSummary, arm_summaries
from understanding.group_order import CONTROL_WORDS
from understanding.practical import practical_threshold
from understanding.quantities import Quantity

MIN_ARMS = 3
# "any difference?", "do the three groups differ?", "is any of them significant?", "anova", "chi-square test"
ASKS_ANY_DIFFERENCE = re.compile(
    r"\b(?:differ\w*|difference|significan\w*|anova|chi[- ]?squared?|any (?:real )?(?:effect|winner|lift)|"
    r"(?:is|are) (?:it|they|any|this) real|which (?:one|variant|arm|group) (?:is|won|wins)|"
    r"not all (?:the )?(?:same|equal)|all (?:the )?(?:same|equal))"
)
# "which one won?", "which variant is best?", "which groups differ?", "is any better than control?": each variant against
# the control, after the test across all arms
ASKS_WHICH_ARM = re.compile(
    r"\bwhich (?:one|ones|variants?|arms?|groups?|versions?|treatments?|is|are|of them)\b"
    r"|\b(?:vs\.?|versus|against|compared (?:to|with)|better than|beats?) (?:the )?control\b"
)
# "6k users each", "six thousand users in every arm", "each arm got 6,000 users"
_EACH_ARM = re.compile(r"\b(?:each|per (?:arm|group|variant)|in every (?:arm|group)|every arm|apiece)\b")
_IN_TOTAL = re.compile(r"\b(?:in all|in total|total|overall|altogether|across (?:all|the) arms)\b")
_NUMBER = r"-?\d+(?:,\d{3})*(?:\.\d+)?"
_VALUE = rf"[$€£]?{_NUMBER}"
_LIST = rf"({_VALUE}(?:\s*(?:,|and|/|;)\s*(?:and\s+)?{_VALUE}){{2,}})"
# "means 12.1, 12.6, 13.0", "avg order value $52.1, $53.0, $51.8"
_MEANS = re.compile(rf"\b(?:means?|averages?|avgs?)(?:\s+[a-z]+){{0,3}}?\s*(?:are|were|of|=|:)?\s*{_LIST}")
_SDS = re.compile(rf"\b(?:sds?|standard deviations?|std\.? ?devs?)\s*(?:are|were|of|=|:)?\s*{_LIST}")
_NS = re.compile(rf"\b(?:ns|n|sizes?|users)\s*(?:are|were|of|=|:)?\s*{_LIST}")
_N_EACH = re.compile(
    rf"({_NUMBER})\s*(?:users?|people|visitors|customers|per (?:arm|group|variant)|each)\b[^.?!]*?\beach\b|\bn\s*=\s*({_NUMBER})\s*(?:each|per (?:arm|group))"
)


def _numbers(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(_NUMBER, text)]


def several_counts(t: str, quantities: list[Quantity]) -> list[tuple[int, int]] | None:
    """(conversions, users) of each of three or more arms: "120/2000" pairs, or rates of users ("4.0% of 10k")."""
    arms = _counted_arms(t, quantities)
    return None if arms is None else [counts for counts, _ in arms]


def named_counts(t: str, quantities: list[Quantity]) -> tuple[list[tuple[int, int]], list[str] | None] | None:
    """``several_counts`` with each arm's name right before its numbers ("A 120/2000", "control: 6.2%", "variant 2
    had 135 of 2000"), the arm named control first wherever it is written; names None unless every arm has its own."""
    arms = _counted_arms(t, quantities)
    if arms is None:
        return None
    counts = [c for c, _ in arms]
    names: list[str] = []
    low = 0
    for _, q in arms:
        m = _ARM_NAME.search(t[max(low, q.start - 25) : q.start])
        if m is None:
            return counts, None
        names.append(_shown(m.group(1)))
        low = q.end
    if len(set(names)) != len(names):
        return counts, None
    order = _control_first(names)
    return [counts[i] for i in order], [names[i] for i in order]


# the names that are the control's role itself ("control 120/2000" is told as "the control", "A 120/2000" as "A (the
# control)"); which names make an arm the control is ``group_order.CONTROL_WORDS``, shared with the two-group readings
CONTROL_NAMES = frozenset({"control", "baseline", "holdout"})
_NAME = r"(control|baseline|holdout|(?:variant|arm|group|version|treatment)\s*[a-z0-9]{1,2}|v\d|[a-z])"
# a name right before an arm's numbers: "control 120/2000", "b: 150/2000", "variant 2 = 135/2000", "arm c had 40 of"
_ARM_NAME = re.compile(rf"(?:^|[\s,;(]){_NAME}\s*(?:[:=(]|-|got|had|has|with|saw|converted)?\s*$")
# a name right before an arm's mean: "control mean 12.1 (sd 4.0, n 500), b: avg 12.6 ..."
_MEAN_NAME = re.compile(rf"(?:^|[\s,;(]){_NAME}\s*[:=(-]?\s*(?:mean|avg|average)\b")


def _shown(name: str) -> str:
    """An arm's name as written in an answer: "B", "variant B", "control"."""
    name = " ".join(name.split())
    return name.upper() if len(name) == 1 else re.sub(r"\b([a-z])$", lambda c: c.group(1).upper(), name)


def named_means(t: str) -> tuple[list[ArmSummary], list[str] | None] | None:
    """``several_means`` with the name before each arm's mean ("control mean 12.1 ..., b mean 12.6 ..."), the arm
    named control first wherever it is written; names None unless there is exactly one distinct name per arm."""
    arms = several_means(t)
    if arms is None:
        return None
    names = [_shown(m.group(1)) for m in _MEAN_NAME.finditer(t)]
    if len(names) != len(arms) or len(set(names)) != len(arms):
        return arms, None
    order = _control_first(names)
    return [arms[i] for i in order], [names[i] for i in order]


def _control_first(names: list[str]) -> list[int]:
    """The order that puts the arm named as the control first ("B 150/2000, control 120/2000, C 135/2000", "B …, A
    …"); the order written when no arm is so named."""
    first = next((i for i, name in enumerate(names) if name.lower() in CONTROL_WORDS), 0)
    return [first, *(i for i in range(len(names)) if i != first)]


def _counted_arms(t: str, quantities: list[Quantity]) -> list[tuple[tuple[int, int], Quantity]] | None:
    """Each arm's (conversions, users) with the quantity its numbers start at (see ``several_counts``)."""
    pairs = [q for q in quantities if q.unit == "pair" and len(q.values) == 2]
    if len(pairs) >= MIN_ARMS:
        arms = [((int(q.values[0]), int(q.values[1])), q) for q in pairs]
        return arms if all(0 <= x <= n and n > 0 for (x, n), _ in arms) else None
    rated: list[tuple[tuple[int, int], Quantity]] = []
    for q, nxt in itertools.pairwise(quantities):
        if (
            q.unit == "percent"
            and 0 < q.value < 100
            and nxt.unit == "count"
            and re.fullmatch(r"\s*of\s*", t[q.end : nxt.start])
        ):
            rated.append(((round(q.value / 100 * nxt.value), int(nxt.value)), q))
    if len(rated) >= MIN_ARMS:
        return rated
    # "control 6.2%, B 5.8%, C 6.7%, D 7.1% converted" with "6k users each": one size for every arm
    threshold = practical_threshold(t, quantities)
    rates = [
        q for i, q in enumerate(quantities) if is_rate(t, q) and (threshold is None or i != threshold.index)
    ]
    last = rates[-1] if rates else None
    if last is not None and len(rates) == 1:
        # "rates were 6.2 / 5.8 / 6.7 / 7.1 percent": the unit said once, after the last
        run = [q for q in quantities if q.end <= last.start and q.unit == "number" and 0 < q.value < 100]
        joined = [q for q in run if re.fullmatch(r"[\d.\s/,;and]*", t[q.start : last.start])]
        rates = [*joined, last]
    sizes = [
        q
        for q in quantities
        if q.unit == "count" and q.value >= 20 and _EACH_ARM.search(t[max(0, q.start - 25) : q.end + 25])
    ]
    if len(rates) >= MIN_ARMS and len(sizes) == 1:
        n = int(sizes[0].value)
        return [((round(q.value / 100 * n), n), q) for q in rates]
    totals = [
        q
        for q in quantities
        if q.unit == "count" and q.value >= 20 and _IN_TOTAL.search(t[max(0, q.start - 25) : q.end + 25])
    ]
    if len(rates) >= MIN_ARMS and len(totals) == 1 and not sizes:
        # "40k users in all": split evenly over the arms (the answer says how many each)
        n = round(totals[0].value / len(rates))
        return [((round(q.value / 100 * n), n), q) for q in rates]
    return None


def several_means(t: str) -> list[ArmSummary] | None:
    """Mean, SD and size of each of three or more arms, written per arm or as lists ("means 12.1, 12.6, 13.0")."""
    arms = arm_summaries(t)
    if arms is not None and len(arms) >= MIN_ARMS:
        return arms
    means, sds = _MEANS.search(t), _SDS.search(t)
    if means is None or sds is None:
        return None
    # "sds 4.0, 4.2, 4.1 and 500 users each": a list ends where the arms do
    m = _numbers(means.group(1))
    s = _numbers(sds.group(1))[: len(m)]
    listed = _NS.search(t[: means.start()] + " " + t[sds.end() :])
    each = _N_EACH.search(t)
    if listed is not None and len(_numbers(listed.group(1))) == len(m):
        n = _numbers(listed.group(1))
    elif each is not None:
        n = [float((each.group(1) or each.group(2)).replace(",", ""))] * len(m)
    else:
        return None
    if not len(m) == len(s) == len(n) or len(m) < MIN_ARMS:
        return None
    return [ArmSummary(a, b, c) for a, b, c in zip(m, s, n, strict=True)]
