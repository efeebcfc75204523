"""The smallest effect a question says is worth acting on, its practical-significance threshold: "we only ship if
the lift is at least 5%", "practical significance threshold is 0.2 points", "anything under a 2% relative lift
isn't worth it".

Pure: text and tagged quantities in, the threshold out (or None). Such a percentage is neither an arm's rate nor the
effect to plan for; the interval of the observed effect is read against it (``tools.intervals.threshold_reading``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from understanding.quantities import Quantity

# words before the quantity that make it a threshold whatever follows it
_NAMED = re.compile(
    r"(?:practical(?:ly)?[- ]significan\w*(?: threshold| bar| level| cut-?off)?"
    r"|(?:minimum|smallest|min) (?:worthwhile|meaningful|important|relevant|interesting|business[- ]relevant|practical)"
    r" (?:lift|effect|difference|change|improvement)"
    r"|(?:only (?:ship|launch)|ship only|launch only|worth (?:shipping|launching)|(?:ship|launch) it only)"
    r" if (?:the |our )?(?:lift|effect|improvement|uplift|difference|gain) (?:is |was )?"
    r"(?:at least|above|over|more than|>=?|≥)"
    r"|(?:need|needs|want|require[sd]?) (?:a |an )?(?:lift|improvement|uplift|gain|effect) of(?: at least)?"
    # "min lift to ship is 5 percent", "is it practically significant? bar is +5% relative"
    r"|\bmin(?:imum)? (?:lift|effect|improvement|uplift)(?: to ship| worth (?:shipping|it)| we care about| that matters)?"
    r"|\b(?:the |our )?(?:shipping |launch |practical )?bar)"
    r"\s*(?:is|of|=|:|at)?\s*(?:at least\s*)?(?:a |an )?[~+]?\s*$"
)
# words before it that need the effect named after it ("need at least 3% relative lift", not "at least 80% power")
_WEAK = re.compile(
    r"(?:only (?:ship|launch)|ship only|(?:ship|launch) it only|worth it only|(?:need|needs|want|require[sd]?))"
    r"(?: it)?(?: if)?[^.?!;]{0,20}?(?:at least|a minimum of|above|over|more than)\s*(?:a |an )?~?\s*$"
    r"|\b(?:anything|lifts?|effects?) (?:under|below|less than|smaller than)\s*(?:a |an )?~?\s*$"
)
_EFFECT_AFTER = re.compile(
    r"^\s*(?:\(?relative\)?\s+|absolute\s+)?(?:lift|improvement|uplift|gain|increase|effect)\b|^\s*(?:pp|points?|pts)\b"
)


@dataclass(frozen=True, slots=True)
class Threshold:
    """The quantity at ``index`` is the smallest effect worth acting on: a relative lift (0.05 = 5%) or a difference
    of rates in proportion units (0.002 = 0.2 points)."""

    index: int
    value: float
    relative: bool


def practical_threshold(text: str, quantities: list[Quantity]) -> Threshold | None:
    """The practical-significance threshold the question states, if any (the first one)."""
    t = text.lower()
    for i, q in enumerate(quantities):
        if q.unit not in ("percent", "pp") or q.value <= 0:
            continue
        before = t[max(0, q.start - 80) : q.start]
        after = t[q.end : q.end + 25]
        if not (_NAMED.search(before) or (_WEAK.search(before) and _EFFECT_AFTER.match(after))):
            continue
        if q.unit == "pp" or re.match(r"^\s*(?:absolute|(?:percentage )?points?|pp|pts)\b", after):
            return Threshold(i, q.value / 100, relative=False)
        # "a 5% lift" is relative, as everywhere in these readings; "5% absolute" is points
        return Threshold(i, q.value / 100, relative=True)
    return None
