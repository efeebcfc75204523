"""Citation markers: ``[1]``, ``[1, 3]``, ``[2; 4]`` (1 to 3 digits; markers start at 1)."""

from __future__ import annotations

import re

# Markers start at 1, so a bracket holding a 0 is an interval such as "[0, 1]", never a citation.
CITATION = re.compile(r"\[((?!0+\b)\d{1,3}(?:\s*[,;]\s*(?!0+\b)\d{1,3})*)\]")
# One or more marker groups at the start of a text (a citation written after the full stop).
LEADING_CITATIONS = re.compile(r"^((?:\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\]\s*)+)")
_SEPARATOR = re.compile(r"\s*[,;]\s*")


def group_markers(group: str) -> list[int]:
    """The markers of one bracket's contents (``"1, 3"`` → ``[1, 3]``)."""
    return [int(x) for x in _SEPARATOR.split(group) if x]


def citation_markers(text: str) -> list[int]:
    """Every marker cited in ``text`` in order, repeats kept (``[2]``, ``[1, 3]`` → ``[2, 1, 3]``)."""
    out: list[int] = []
    for m in CITATION.finditer(text):
        out.extend(group_markers(m.group(1)))
    return out


def strip_citations(text: str) -> str:
    """``text`` with every marker group replaced by a space (so numbers and words can be read without them)."""
    return CITATION.sub(" ", text)


def cite(sentence: str, marker: int) -> str:
    """``sentence`` with `` [marker]`` before its final punctuation (a full stop is added when it has none)."""
    s = sentence.rstrip()
    if s and s[-1] in ".!?":
        return f"{s[:-1]} [{marker}]{s[-1]}"
    return f"{s} [{marker}]."
