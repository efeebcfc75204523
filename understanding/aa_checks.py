"""How many significant results an A/A test should show: "ran an a/a test with 100 metrics, 7 came out significant
at 0.05. is that normal?" Each metric of an A/A test comes out significant with probability α, so the count is
tested against a binomial(n, α) with an exact one-sided test.

Pure: text and tagged quantities in, (significant, tested, α) out, or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from understanding.quantities import Quantity

_AA = re.compile(r"\ba/a\b|\baa[- ]tests?\b|\ba-a\b|\bnull tests?\b")
_TESTED_AFTER = re.compile(
    r"^\s*(?:[a-z-]+\s+)?(?:metrics|tests|comparisons|segments|kpis|experiments|hypotheses|outcomes)\b"
)
_SIGNIFICANT_AFTER = re.compile(
    r"^\s*(?:of (?:them|those|these)\s+|metrics\s+|tests\s+)?(?:came out|come out|were|are|showed up|turned out|show|"
    r"showed|flagged|lit up|went)?\s*(?:as\s+)?(?:stat\w*\s+)?(?:significant|sig\b|green|red)"
)
_SIGNIFICANT_LATER = re.compile(
    r"^\s*of\s+(?:our|the|them|those|these|all)?\s*[\d,]+\s+(?:[a-z-]+\s+){0,2}?(?:were|are|came out|came back|showed|"
    r"turned out|went)\s+(?:as\s+)?(?:stat\w*\s+)?(?:significant|sig)\b"
)
_ALPHA = re.compile(r"(?:at|alpha|α)\s*(?:=|of)?\s*(0?\.\d+|\d+(?:\.\d+)?\s*%)")


@dataclass(frozen=True, slots=True)
class AACount:
    """``significant`` of the ``tested`` metrics of an A/A test came out significant at level ``alpha``."""

    significant: Quantity
    tested: Quantity
    alpha: float
    alpha_said: bool


def aa_significant_count(t: str, quantities: list[Quantity]) -> AACount | None:
    """The A/A test's count of significant results and of metrics tested, when the question gives both."""
    if not _AA.search(t):
        return None
    counts = [q for q in quantities if q.unit == "count" and q.value == int(q.value)]
    # "7 came out significant", "9 of our 120 metrics were stat sig", "9 significant metrics out of 120"
    significant = next(
        (
            q
            for q in counts
            if _SIGNIFICANT_AFTER.match(t[q.end : q.end + 40])
            or _SIGNIFICANT_LATER.match(t[q.end : q.end + 50])
        ),
        None,
    )
    tested = next(
        (
            q
            for q in counts
            if q is not significant
            and (
                _TESTED_AFTER.match(t[q.end :]) or re.search(r"\bout of\s+(?:the\s+|our\s+)?$", t[: q.start])
            )
        ),
        None,
    )
    pair = next((q for q in quantities if q.unit == "pair" and re.search(r"\bsig", q.text)), None)
    if (tested is None or significant is None) and pair is not None and len(pair.values) == 2:
        # "9 significant metrics out of 120" is tagged as one pair
        k, n = pair.values
        significant = Quantity(pair.start, pair.end, pair.text, k, "count")
        tested = Quantity(pair.start, pair.end, pair.text, n, "count")
    if tested is None or significant is None or significant.value > tested.value:
        return None
    said = _ALPHA.search(t)
    if said is None:
        return AACount(significant, tested, 0.05, False)
    raw = said.group(1).replace(" ", "")
    alpha = float(raw.rstrip("%")) / 100 if raw.endswith("%") else float(raw)
    return AACount(significant, tested, alpha, True) if 0 < alpha < 0.5 else None
