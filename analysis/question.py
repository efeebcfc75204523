"""Results typed in a question ("control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we
ship?") turned into ``ExperimentData``, so the question can be answered by the analysis rather than by prose.

Two kinds of results are read:
- per-arm means ("control mean 10.2 sd 4 n 500, treatment mean 10.9 sd 4.1 n 510", "avg $42, std dev $18, 1,200
  users", "σ = 1.8"): a continuous metric, analysed by Welch's t test. The mean/SD/n rule is
  ``understanding.arm_statistics`` (the one the calculation questions use), not a copy;
- users and conversions (or a conversion rate) per arm: a binary metric.
Numbers after a mean or SD cue are never read as users or conversions ("avg order $42" beside the counts is
skipped; means without an n are no results at all).

``parse_results_from_question`` returns None when the text does not carry at least two arms of either kind; callers
then treat it as an ordinary question.
"""

from __future__ import annotations

import re

from analysis.data import ExperimentData, MetricArm
from understanding.arm_statistics import ArmSummary, arm_summaries, mean_or_sd_positions
from understanding.group_order import CONTROL_WORDS
from understanding.quantities import traffic_splits

_ARM = re.compile(
    r"\b(control|baseline|treatment|test|variant\s*[a-z0-9]?|arm\s*[a-z0-9]|group\s*[a-z0-9]|version\s*[a-z0-9]|"
    r"challenger|[ab])\b\s*(?:group|arm)?\s*[:=(-]?",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(\d[\d,_]*(?:\.\d+)?)\s*(k|m|thousand|million)?\s*(%|percent)?", re.IGNORECASE)
_MULTIPLIER = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}
MEANS_METRIC = "mean"  # the metric's name in the scorecard when the question gives per-arm means
_DECISION = re.compile(
    r"\b(ship|launch|roll\s*out|rollout|winner|won|win|significant|keep|go live|decide|decision|better|worse)\b",
    re.IGNORECASE,
)


def _numbers(question: str, start: int, end: int, skip: set[int]) -> list[tuple[float, bool]]:
    """(value, is_percentage) for each number in ``question[start:end]`` not starting at ``skip``; "10k" and "1,000"
    are read as counts."""
    found = []
    splits = [(m.start(), m.end()) for m in traffic_splits(question, start, end)]
    for match in _NUMBER.finditer(question, start, end):
        if match.start() in skip:  # "avg order $42": a mean, not users or conversions
            continue
        if any(s <= match.start() < e for s, e in splits):
            continue  # "came out 52/48", "a 50/50 test": shares of the traffic, not counts
        text, unit, percent = match.groups()
        digits = text.replace(",", "").replace("_", "")
        if "," in text and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            continue
        value = float(digits) * _MULTIPLIER.get((unit or "").lower(), 1.0)
        found.append((value, bool(percent)))
    return found


def _names_arm(text: str, mark: re.Match[str]) -> bool:
    """Whether an arm word names an arm: a lone letter does only before a colon, a number or an amount ("A: 500
    users", "b 1,200"); "had a mean of", "a test result" use it as an article."""
    label = mark.group(1).strip()
    return len(label) != 1 or bool(
        re.search(r"[:=(-]\s*$", mark.group(0)) or re.match(r"\s*[\d$€£]", text[mark.end() :])
    )


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
    """Two or more arms with mean/SD/n or with users and conversions (or a rate), else None.

    The arm named control (baseline, A) is the control, else the first arm written.
    """
    means = arm_summaries(text)
    if means is not None:
        return _means_results(text, means)
    skip = mean_or_sd_positions(text)
    marks = [m for m in _ARM.finditer(text) if _names_arm(text, m)]
    if len(marks) < 2:
        return None
    arms: dict[str, MetricArm] = {}
    labels: list[str] = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        parsed = _arm_counts(_numbers(text, mark.end(), end, skip))
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
    ordered = _control_first(labels)
    return ExperimentData(
        "question",
        ordered,
        {lab: arms[lab].n for lab in ordered},
        {"conversion": "binary"},
        {"conversion": {lab: arms[lab] for lab in ordered}},
    )


def _control_first(labels: list[str]) -> tuple[str, ...]:
    control = next((lab for lab in labels if lab in CONTROL_WORDS), labels[0])
    return (control, *[lab for lab in labels if lab != control])


def _arm_labels(text: str, count: int) -> list[str]:
    """The arms' names in the order written; generic names (first = control) when they do not number ``count``."""
    last_number = max((m.end() for m in re.finditer(r"\d", text)), default=0)
    labels: list[str] = []
    for mark in _ARM.finditer(text):
        if mark.start() >= last_number:  # "… is the t-test significant?": no arm after the last number
            break
        label = re.sub(r"\s+", " ", mark.group(1).strip().lower())
        if _names_arm(text, mark) and label not in labels:
            labels.append(label)
    if len(labels) == count:
        return labels
    return ["control", "treatment"] if count == 2 else ["control", *(f"variant {i}" for i in range(1, count))]


def _means_results(text: str, arms: list[ArmSummary]) -> ExperimentData:
    """A continuous metric from each arm's mean, SD and n (stored as the sums the Welch test reads back)."""
    labels = _arm_labels(text, len(arms))
    metric = {
        label: MetricArm(
            int(arm.n),
            total=arm.mean * arm.n,
            total_sq=(arm.n - 1) * arm.sd**2 + arm.n * arm.mean**2,
        )
        for label, arm in zip(labels, arms, strict=True)
    }
    ordered = _control_first(labels)
    return ExperimentData(
        "question",
        ordered,
        {lab: metric[lab].n for lab in ordered},
        {MEANS_METRIC: "continuous"},
        {MEANS_METRIC: {lab: metric[lab] for lab in ordered}},
    )


def asks_for_a_decision(text: str) -> bool:
    """Whether the question asks what to do with results (ship? significant? winner?)."""
    return bool(_DECISION.search(text))
