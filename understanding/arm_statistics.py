"""Per-arm statistics typed in a question: mean, SD and size of each arm, or each arm's raw values.

Two ways people write arms, both read here:
- grouped: "control mean 10.2 (sd 3.1, n 40), variant A mean 11.5 (sd 3.0, n 40)", "Control: mean 10.2, SD 3.1, 40 users";
- listed: "means 10.2 / 11.5 / 10.9, sds 3.1 / 3.0 / 3.3, sizes 40 / 40 / 38" (a plural cue covers the numbers after it).
Numbers are scanned afresh (not through the quantity tagger, whose "40 / 40" is a count pair): each takes the kind of
the nearest cue on its left, a bare number inherits the kind of a listed run, and a bare number followed by "(" is a
mean. Raw values are runs of three or more numbers after an arm's name ("control: 12, 15, 9, …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = re.compile(r"(?<![\w.])[$€£]?(-?\d[\d,]*(?:\.\d+)?|-?\.\d+)(k\b)?(?![\d%])", re.IGNORECASE)
_CUE = re.compile(
    r"(?P<mean>\b(?:means?|averages?|averaged|avg|aov|arpu)\b)|(?P<sd>\b(?:sds?|std(?:\.|s)?|stdev|standard deviations?|σ)\b)"
    r"|(?P<n>\b(?:n|ns|(?<!basket )(?<!cart )(?<!order )(?<!effect )sizes?|sample sizes?|n\s*=)\b|\bn\s*=|\b(?:users|visitors|orders|sessions|customers)(?=\s*[:=]?\s*$))",
    re.IGNORECASE,
)
_PLURAL = {
    "means", "averages", "sds", "stds", "standard deviations", "ns", "sizes", "sample sizes",
    "users", "visitors", "orders", "sessions", "customers",
}  # fmt: skip
# the second number of a pair said once: "mean 74.2 vs 77.9", "from 74.2s on the old layout to 77.9s on the new one"
_PAIRED = re.compile(
    r"^[^\d]{0,40}?\b(?:to|and|vs\.?|versus|compared (?:to|with)|against)\s+(?:(?:the|a|an)\s+)?[$€£]?$",
    re.IGNORECASE,
)
_FROM_TO = re.compile(
    r"\bfrom\s+[$€£]?(\d[\d,]*(?:\.\d+)?)\b[^\d]{0,40}?\bto\s+[$€£]?(\d[\d,]*(?:\.\d+)?)(?![\d%])"
)
_OVER = re.compile(r"\b(?:over|across|among)\s+$", re.IGNORECASE)  # "averaged $4.02 (sd $13.10) over 15,150"
_LIST_SEP = re.compile(r"\s*(?:/|,|and|vs\.?|versus|;)\s*", re.IGNORECASE)
# "1,800 orders", "15.2k control users"
_UNITS_AFTER = re.compile(
    r"^\s*(?:[a-z]+\s+)?(?:users|people|visitors|customers|participants|observations|obs|orders|sessions)\b"
)
_ARM = re.compile(
    r"\b(control|baseline|treatment|variant(?:\s+[a-z0-9])?|arm\s+[a-z0-9]|group\s+[a-z0-9]|[ab])\b",
    re.IGNORECASE,
)


# a bare number that is an arm's mean: "3.40 avg", "$4.02 for the treatment (sd $13.10 ...)", "74.2 s (sd 51)",
# "$3.50 sd $12 in control", "12.1 ± 4.0"
_MEAN_AFTER = re.compile(
    r"^\s*(?:(?:avg|average|mean)\b|(?:s|secs?|seconds?|mins?|minutes?|ms|dollars?|items?|for (?:the )?\w+)\s*\(\s*"
    r"(?:sd|std|σ|standard deviation)\b|,?\s*(?:sd|std|stdev|σ)\s*[:=]?\s*[$€£]?\d|(?:±|\+/-|\+-)\s*[$€£]?\d)",
    re.IGNORECASE,
)
_HOW_MANY_ARMS = re.compile(
    r"^\s*(?:arms?|groups?|variants?|variations?|buckets?|cells?)\b"
    r"(?!\s+(?:users|people|visitors|customers|sessions|orders|accounts|players))",
    re.IGNORECASE,
)
_PER_ARM_AFTER = re.compile(
    r"^\s*(?:users?\s+|people\s+)?(?:per|in each|each)\s+(?:arm|group|variant|bucket)\b", re.IGNORECASE
)
_EACH = re.compile(
    r"\b(?:each|per (?:arm|group|variant)|in both|(?:arms?|groups?|variants?) of)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class ArmSummary:
    """Mean, SD and size of one arm, in the order written."""

    mean: float
    sd: float
    n: float


def _value(m: re.Match[str]) -> float:
    v = float(m.group(1).replace(",", ""))
    return v * 1000 if m.group(2) else v


def arm_summaries(text: str) -> list[ArmSummary] | None:
    """Each arm's (mean, SD, n) when the question gives all three for two or more arms, else None."""
    kinds: dict[str, list[float]] = {"mean": [], "sd": [], "n": []}
    listed: str | None = None
    last: str | None = None  # the kind of the number before, when it had one
    prev_end = 0
    for m in _NUM.finditer(text):
        left = text[prev_end : m.start()]
        right = text[m.end() : m.end() + 16]
        prev_end = m.end()
        cues = list(_CUE.finditer(left))
        kind: str | None = None
        if _HOW_MANY_ARMS.match(right) and _value(m) <= 20:
            last = None  # "across 4 variants", "the 3 arms": how many arms, no arm's statistic
            continue
        if _PER_ARM_AFTER.match(right):
            kind = "n"  # "(300 per arm)"
        elif re.match(r"\s*(?:avg|average|mean)\b", right, re.IGNORECASE):
            kind = (
                "mean"  # "2.80 avg" (whatever cue the label before it has: "basket size: control 2.80 avg")
            )
        elif re.search(r"(?:±|\+/-|\+-)\s*$", left):
            kind = "sd"  # "74.2 ± 51 s"
        elif cues:
            kind = cues[-1].lastgroup
            plural = cues[-1].group(0).strip().lower() in _PLURAL
            listed = kind if plural else None
        elif listed is not None and _LIST_SEP.fullmatch(left):
            kind = listed
        elif _UNITS_AFTER.match(right) or _OVER.search(left):
            kind = "n"
        elif re.match(r"\s*\(", right) or _MEAN_AFTER.match(text[m.end() : m.end() + 30]):
            kind = "mean"
        elif last in ("mean", "sd") and _PAIRED.match(left):
            kind = last
        last = kind
        if kind is not None:
            kinds[kind].append(_value(m))
    if not kinds["mean"] and len(kinds["sd"]) == 2:
        # "session length went from 11.2 min in control to 12.0 min", then the SDs
        moved = _FROM_TO.search(text)
        if moved:
            kinds["mean"] = [float(moved.group(1).replace(",", "")), float(moved.group(2).replace(",", ""))]
    if len(kinds["n"]) == 1 and len(kinds["mean"]) == len(kinds["sd"]) >= 2 and _EACH.search(text):
        kinds["n"] *= len(kinds["mean"])  # "2,300 visitors each", "n = 2300 per arm"
    counts = {len(v) for v in kinds.values()}
    if len(counts) != 1 or next(iter(counts)) < 2:
        return None
    if any(n != int(n) or n < 2 for n in kinds["n"]) or any(s <= 0 for s in kinds["sd"]):
        return None
    return [ArmSummary(m, s, n) for m, s, n in zip(kinds["mean"], kinds["sd"], kinds["n"], strict=True)]


_STATED = re.compile(r"\s*(?:of|=|:|is|was|at|around|about)?\s*[$€£]?\d", re.IGNORECASE)


def mean_or_sd_positions(text: str) -> set[int]:
    """Where each number stated right after a mean or SD cue starts (its first digit): "mean 10.2", "σ = 1.8"."""
    found = set()
    for m in _CUE.finditer(text):
        stated = _STATED.match(text, m.end()) if m.lastgroup in ("mean", "sd") else None
        if stated:
            found.add(stated.end() - 1)
    return found


def arm_values(text: str) -> list[tuple[str, list[float]]]:
    """(arm name, values) for each run of three or more numbers written after an arm's name."""
    out: list[tuple[str, list[float]]] = []
    marks = list(_ARM.finditer(text))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        segment = text[mark.end() : end]
        run = re.search(r"[\[(:]?\s*((?:-?[$€£]?\d[\d.]*\s*(?:,|;|\s)\s*){2,}-?[$€£]?\d[\d.]*)", segment)
        if run is None:
            continue
        values = [
            float(v.replace("$", "").replace("€", "").replace("£", ""))
            for v in re.findall(r"-?[$€£]?\d+(?:\.\d+)?", run.group(1))
        ]
        if len(values) >= 3:
            out.append((mark.group(1).lower(), values))
    return out
