"""Results typed in a question ("control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we
ship?") turned into ``ExperimentData``, so the question can be answered by the analysis rather than by prose.

``parse_results_from_question`` returns None when the text does not carry at least two arms with users and
conversions (or a conversion rate); callers then treat it as an ordinary question.
"""

from __future__ import annotations

import re

from analysis.data import ExperimentData, MetricArm

_ARM = re.compile(
    r"\b(control|baseline|treatment|test|variant\s*[a-z0-9]?|arm\s*[a-z0-9]|group\s*[a-z0-9]|version\s*[a-z0-9]|"
    r"challenger|[ab])\b\s*(?:group|arm)?\s*[:=(-]?",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(\d[\d,_]*(?:\.\d+)?)\s*(k|m|thousand|million)?\s*(%|percent)?", re.IGNORECASE)
_MULTIPLIER = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}
_DECISION = re.compile(
    r"\b(ship|launch|roll\s*out|rollout|winner|won|win|significant|keep|go live|decide|decision|better|worse)\b",
    re.IGNORECASE,
)


def _numbers(segment: str) -> list[tuple[float, bool]]:
    """(value, is_percentage) for each number in a segment; "10k" and "1,000" are read as counts."""
    found = []
    for match in _NUMBER.finditer(segment):
        text, unit, percent = match.groups()
        digits = text.replace(",", "").replace("_", "")
        if "," in text and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            continue
        value = float(digits) * _MULTIPLIER.get((unit or "").lower(), 1.0)
        found.append((value, bool(percent)))
    return found


def _arm_counts(numbers: list[tuple[float, bool]]) -> tuple[int, int] | None:
    counts = [v for v, pct in numbers if not pct]
    rates = [v for v, pct in numbers if pct]
    if len(counts) >= 2:
        users, conversions = int(counts[0]), int(counts[1])
        if conversions > users:  # "1,000 conversions out of 10,000 users"
            users, conversions = conversions, users
        return users, conversions
    if len(counts) == 1 and rates:
        users = int(counts[0])
        return users, round(users * rates[0] / 100)
    return None


def parse_results_from_question(text: str) -> ExperimentData | None:
    """Two or more arms with users and conversions (or a rate), else None. The first arm named is the control."""
    marks = [m for m in _ARM.finditer(text)]
    if len(marks) < 2:
        return None
    arms: dict[str, MetricArm] = {}
    labels: list[str] = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        parsed = _arm_counts(_numbers(text[mark.end() : end]))
        if parsed is None:
            continue
        users, conversions = parsed
        label = re.sub(r"\s+", " ", mark.group(1).strip().lower())
        if users < 2 or conversions < 0 or label in arms:
            continue
        arms[label] = MetricArm(users, conversions=conversions)
        labels.append(label)
    if len(arms) < 2:
        return None
    control = next((lab for lab in labels if lab in ("control", "baseline", "a")), labels[0])
    ordered = (control, *[lab for lab in labels if lab != control])
    return ExperimentData(
        "question",
        ordered,
        {lab: arms[lab].n for lab in ordered},
        {"conversion": "binary"},
        {"conversion": {lab: arms[lab] for lab in ordered}},
    )


def asks_for_a_decision(text: str) -> bool:
    """Whether the question asks what to do with results (ship? significant? winner?)."""
    return bool(_DECISION.search(text))
