"""A confidence interval the question reports ("95% CI of the lift: [-0.2%, +1.8%]", "our CI is -0.5% to 2.1%"),
read so the interval-reading calculator can say what it implies (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from understanding.reading_types import Grounded, Step
from understanding.step_builder import StepBuilder

_NUMBER = r"[-+−]?\s?\d+(?:\.\d+)?"


def _bound(name: str) -> str:
    return rf"(?P<{name}>{_NUMBER})\s?(?P<{name}_unit>%|pp|percentage points?)?"


# the interval words, then within a few words the two bounds: bracketed "[a, b]", "(a; b)", or "(from) a to b"
_GIVEN = re.compile(
    r"(?:(?P<level>\d{2}(?:\.\d+)?)\s?%\s*)?(?:\bci\b|confidence interval|credible interval|\binterval\b)"
    r"[^\d\[(\-+−]{0,40}?"
    rf"(?:[\[(]\s*{_bound('a1')}\s*[,;]\s*{_bound('b1')}\s*[\])]"
    rf"|(?:from\s+)?{_bound('a2')}\s*(?:to|and|–|—|\.\.)\s*{_bound('b2')})",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class GivenInterval:
    lower: float
    upper: float
    confidence: float
    unit: str
    span: tuple[int, int]


def given_interval(text: str) -> GivenInterval | None:
    """The interval ``text`` reports, or None; a level before "CI" ("90% CI") is its confidence, else 95%."""
    m = _GIVEN.search(text)
    if m is None:
        return None
    names = ("a1", "b1") if m["a1"] is not None else ("a2", "b2")
    lower, upper = (float(m[n].replace("−", "-").replace(" ", "")) for n in names)
    if lower >= upper:
        return None
    units = {m[f"{n}_unit"].lower() for n in names if m[f"{n}_unit"]}
    unit = "%" if "%" in units else "pp" if units else ""
    level = float(m["level"]) / 100 if m["level"] else 0.95
    if not 0.5 <= level < 1:
        return None
    return GivenInterval(lower, upper, level, unit, m.span())


def interval_steps(b: StepBuilder, t: str) -> str:
    """The interval-reading step for the interval ``t`` reports; its level is assumed 95% when not stated."""
    given = given_interval(t)
    if given is None:
        b.need("interval")
        return "interval_reading"
    start, end = given.span
    where = {"text": t[start:end], "start": start, "end": end}
    b.used["lower"] = Grounded(given.lower, "question", where, "the interval's lower bound")
    b.used["upper"] = Grounded(given.upper, "question", where, "the interval's upper bound")
    if _STATED_LEVEL.search(t[start:end]):
        b.used["confidence"] = Grounded(given.confidence, "question", where)
    else:
        b.derive("confidence", 0.95, "a 95% interval (not stated in the question)")
    params = {"lower": given.lower, "upper": given.upper, "confidence": given.confidence, "unit": given.unit}
    b.steps.append(Step("interval_reading", params, {}, "what the reported interval implies"))
    return "interval_reading"


_STATED_LEVEL = re.compile(r"\d{2}(?:\.\d+)?\s?%\s*(?:ci|confidence|credible|interval)", re.IGNORECASE)
