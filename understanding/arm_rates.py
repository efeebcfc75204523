"""Each arm's observed rate and size, when a question about results gives rates with the users behind them instead
of counts: "6.2% vs 6.9% on 8,000 per group", "we split 24,000 users 50/50 ... control 11.5%, variant 12.4%",
"the variant converted 6.9% of its 8,000 users and control 6.2% of its 8,000".

Pure: text and tagged quantities in, the two arms (control first) out, or None when the question does not give
exactly two rates and the users of each arm. The conversions a test needs are then each rate times its arm's users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from understanding.group_order import CONTROL_WORDS
from understanding.practical import practical_threshold
from understanding.quantities import Quantity

# a percentage that is a level, not an arm's rate: "80% power", "significant at 5%", "does it pass at 95%"
_NOT_A_RATE_BEFORE = re.compile(
    r"(?:power|alpha|α|confidence|significan\w*|level|pass(?:es)?|at the)\s*(?:of|=|:|is|at)?\s*~?\s*$"
)
# ... or a share of the users ("24k users, half of them got the new tutorial": "half of" reads "50% of")
_NOT_A_RATE_AFTER = re.compile(
    r"^\s*(?:power|confidence|significance|level|ci\b|interval|of them\b|of (?:the |our )?(?:users|traffic|visitors)\b)"
)
_CONTROL = re.compile(r"\b(?:" + "|".join(sorted(CONTROL_WORDS | {"original", "hold-out"})) + r")\b")
_TREATED = re.compile(r"\b(?:variant|treatment|treated|new|test|challenger|b)\b")
# how one count of users relates to the arms
_PER_ARM = re.compile(
    r"\b(?:each|per (?:arm|group|variant|bucket|side)|in both|apiece|both (?:arms|groups|had|got|have))\b|\bits\b"
)
_EVEN_TOTAL = re.compile(
    r"\b50% of them\b|\b(?:50/50|even(?:ly)?(?: split)?|split (?:\w+ )?(?:evenly|equally|in half)|half of them|halves|equal(?:ly)? split"
    r"|half (?:to|in|for) each)\b"
)


@dataclass(frozen=True, slots=True)
class ArmRate:
    """One arm's observed rate (a proportion) and users, with the quantities that say them."""

    rate: float
    users: int
    rate_from: Quantity
    users_from: Quantity


def _side(text: str, quantities: list[Quantity], i: int) -> str | None:
    """Which arm the rate at ``i`` belongs to, from the words right after it, else right before it."""
    q = quantities[i]
    nxt = quantities[i + 1] if i + 1 < len(quantities) else None
    after_end = nxt.start if nxt is not None else len(text)
    after = text[q.end : min(after_end, q.end + 20)]
    if nxt is not None and nxt.unit == "count" and re.fullmatch(r"\s*of\s*", after):
        # "2.2% of 31k saw old": the arm is named after the users the rate is of
        further = quantities[i + 2].start if i + 2 < len(quantities) else len(text)
        after = re.sub(
            r"^\s*(?:[a-z]+\s+)?(?:saw|got|had|were in|in|on|for|with)\b",
            "",
            text[nxt.end : min(further, nxt.end + 30)],
        )
    before_start = quantities[i - 1].end if i > 0 else 0
    before = text[max(before_start, q.start - 30) : q.start]
    for window in (re.match(r"^\s*(?:\(|in |for |on |with )?(?:the )?\w+\)?", after), None):
        words = window.group(0) if window is not None else before
        control, treated = _CONTROL.search(words), _TREATED.search(words)
        if control and not treated:
            return "control"
        if treated and not control:
            return "treatment"
    return None


# "the test ran 3 weeks", "after 14 days", "for two weeks": how long a test that has ended ran
_RAN_FOR = re.compile(
    r"\b(?:ran|run|running|lasted|after|over|for)\s+(?:(?:the|our|this|it)\s+(?:(?:test|experiment)\s+)?)?"
    r"(?:for\s+)?(?:a\s+)?(\d+(?:\.\d+)?)\s*(days?|weeks?)\b"
)


def users_over_the_run(t: str, quantities: list[Quantity]) -> list[Quantity]:
    """The users a finished test saw, from its traffic and how long it ran ("ran 3 weeks with 4200 users/day"),
    as one count (a derived quantity spanning the traffic); none when either is missing."""
    ran = _RAN_FOR.search(t)
    traffic = [q for q in quantities if q.unit == "count" and q.per in ("day", "week")]
    if ran is None or len(traffic) != 1:
        return []
    (q,) = traffic
    days = float(ran.group(1)) * (7 if ran.group(2).startswith("week") else 1)
    per_day = q.value / 7 if q.per == "week" else q.value
    total = round(per_day * days)
    return [
        Quantity(
            q.start, q.end, f"{q.value:,.0f} a {q.per} over {days:g} days = {total:,} users", total, "count"
        )
    ]


def _arm_sizes(t: str, count: Quantity, split: Quantity | None) -> list[int] | None:
    """(control, treatment) users from one count of users: the count per arm ("8,000 each"), its split's shares
    (control's first), or half each when the question says it was split evenly; None when it says none of these."""
    if re.search(r"\bhalf (?:to|in|for) each\b", t):
        return [round(count.value / 2)] * 2
    if _PER_ARM.search(t[max(0, count.start - 40) : count.end + 40]):
        return [int(count.value)] * 2
    if split is not None:
        return [round(count.value * share) for share in split.values]
    if _EVEN_TOTAL.search(t):
        return [round(count.value / 2)] * 2
    return None


def is_rate(t: str, q: Quantity) -> bool:
    """Whether a percentage can be an arm's rate: not a level ("80% power", "95% ci", "significant at 95")."""
    return (
        q.unit == "percent"
        and 0 < q.value < 100
        and not _NOT_A_RATE_BEFORE.search(t[max(0, q.start - 25) : q.start])
        and not _NOT_A_RATE_AFTER.match(t[q.end : q.end + 20])
    )


def arm_rates(text: str, quantities: list[Quantity]) -> tuple[ArmRate, ArmRate] | None:
    """(control, treatment) when the question gives two arms' rates and their users, else None."""
    t = text.lower()
    threshold = practical_threshold(t, quantities)  # "only ship if the lift is at least 5%" is no arm's rate
    rates = [
        i for i, q in enumerate(quantities) if is_rate(t, q) and (threshold is None or i != threshold.index)
    ]
    counts = [
        q
        for q in quantities
        if q.unit == "count" and q.per is None and q.value >= 20 and q.value == int(q.value)
    ]
    if not counts:
        counts = users_over_the_run(t, quantities)
    if len(rates) != 2 or not counts or len(counts) > 2:
        return None
    split = next((q for q in quantities if q.unit == "split" and len(q.values) == 2), None)
    sides = [_side(t, quantities, i) for i in rates]
    swapped = sides == ["treatment", "control"] or sides in (
        [None, "control"],
        ["treatment", None],
    )
    order = [1, 0] if swapped else [0, 1]
    if len(counts) == 2:  # each rate's users in the order written
        users, sizes = [counts[k] for k in order], [int(counts[k].value) for k in order]
    else:
        (count,) = counts
        users = [count, count]
        shared = _arm_sizes(t, count, split)
        if shared is None:
            return None
        sizes = shared
    control, treated = (
        ArmRate(quantities[rates[k]].value / 100, sizes[j], quantities[rates[k]], users[j])
        for j, k in enumerate(order)
    )
    return control, treated


# a count that is an arm's size, or its successes, by the word after it
_SIZE_AFTER = re.compile(
    r"^\s*(?:(?:control|variant|treatment|test|holdout|new|old)\s+)?"
    r"(?:ppl|people|users|visitors|sessions|visits|recipients|customers|players|accounts|shoppers|trials"
    r"|in (?:the )?(?:control|variant|treatment|test|holdout))\b"
)
_SUCCESS_AFTER = re.compile(
    r"^\s*(?:\([a-z ]+\)\s*)?(?:(?:of them|of those)\s+)?(?:converted|bought|purchased|completed|signed up|clicked|orders|signups|sign-ups"
    r"|buyers|purchases|conversions|completions|clicks|upgrades|upgraded|successes)\b"
)
# "538 and 611 of them converted respectively", "52 vs 71 conversions": two successes named together
_BOTH_SUCCESSES = re.compile(r"^\s*(?:\([a-z ]+\)\s*)?(?:and|vs\.?|versus)\s*$")
# "control 52 conversions, treatment 71", "a had 610 conversions and b had 690": the arm named right before a count
_ARM_BEFORE_COUNT = re.compile(
    r"\b(?:control|treatment|variant|test|a|b)(?:\s+(?:had|got|saw|converted))?\s*[:=]?\s*$"
)
# "control converted 610 and variant 690": an arm and its verb before the first of two successes
_ARM_CONVERTED = re.compile(r"\b(?:control|treatment|variant|test|a|b)\s+(?:converted|had|got)\s*$")


def arm_counts_in_words(
    text: str, quantities: list[Quantity]
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """((successes, size) of control, of treatment) when each arm's size and successes are separate counts ("7,420
    users saw the old onboarding (1,905 completed) and 7,388 saw the new one (2,031 completed)"), else None."""
    t = text.lower()
    counts = [q for q in quantities if q.unit == "count" and q.per is None and q.value == int(q.value)]
    sizes: list[Quantity] = []
    successes: list[Quantity] = []
    for i, q in enumerate(counts):
        after = t[q.end : q.end + 30]
        if _SIZE_AFTER.match(after) or re.match(r"^\s*saw\b", after):
            sizes.append(q)
        elif (
            _SUCCESS_AFTER.match(after)
            or (
                # "38 variant accounts with 13" after "35 control accounts with 4 conversions"
                sizes
                and successes
                and counts[i - 1] is sizes[-1]
                and re.fullmatch(r"\s*(?:[a-z]+\s+){1,2}with\s*", t[counts[i - 1].end : q.start])
            )
            or (
                i + 1 < len(counts)
                and _BOTH_SUCCESSES.match(t[q.end : counts[i + 1].start])
                and _SUCCESS_AFTER.match(t[counts[i + 1].end : counts[i + 1].end + 30])
            )
            or (not successes and not sizes and _ARM_CONVERTED.search(t[max(0, q.start - 25) : q.start]))
            or (
                len(successes) == 1
                and not sizes
                and _ARM_BEFORE_COUNT.search(t[max(0, q.start - 25) : q.start])
                and _ARM_BEFORE_COUNT.search(t[max(0, successes[0].start - 25) : successes[0].start])
            )
        ):
            successes.append(q)
    if not sizes and len(successes) == 2:
        # "we ran 10 days with about 1,000 users/day split 50/50 and got 52 vs 71 conversions": each arm's users
        # from the run's traffic
        run = users_over_the_run(t, quantities)
        split = next((q for q in quantities if q.unit == "split" and len(q.values) == 2), None)
        shared = _arm_sizes(t, run[0], split) if run else None
        if shared is None:
            return None
        sides = [_side(t, quantities, quantities.index(x)) for x in successes]
        arms = [(int(x.value), n) for x, n in zip(successes, shared, strict=True)]
        if sides == ["treatment", "control"] or sides in ([None, "control"], ["treatment", None]):
            arms.reverse()
        return arms[0], arms[1]
    if len(sizes) != 2 or len(successes) != 2:
        return None
    arms = [(int(x.value), int(n.value)) for x, n in zip(successes, sizes, strict=True)]
    if any(x > n for x, n in arms):
        return None
    sides = [_side(t, quantities, quantities.index(n)) for n in sizes]
    if sides == ["treatment", "control"] or sides in ([None, "control"], ["treatment", None]):
        arms.reverse()
    return arms[0], arms[1]
