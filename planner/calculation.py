"""Calculations: the calculator parser decides what can be computed; missing inputs become ``needs``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.types import CalculationOutcome

# How ``needs`` are phrased to the user, by calculator input name; unknown names are humanised.
_NEED_PHRASES: dict[str, str] = {
    "baseline": "the baseline conversion rate (e.g. 10%)",
    "baseline_rate": "the baseline conversion rate (e.g. 10%)",
    "p1": "the baseline conversion rate (e.g. 10%)",
    "mde": "the minimum detectable effect (e.g. a 5% relative lift)",
    "effect_size": "the effect size you want to detect",
    "std": "the standard deviation of the metric",
    "sd": "the standard deviation of the metric",
    "sigma": "the standard deviation of the metric",
    "alpha": "the significance level (e.g. 0.05)",
    "power": "the statistical power (e.g. 80%)",
    "daily_traffic": "the number of eligible users per day",
    "n": "the sample size per group",
    "nobs": "the sample size per group",
}


def describe_need(field: str) -> str:
    """A short, human phrase for a missing calculator input."""
    return _NEED_PHRASES.get(field, field.replace("_", " "))


def parse(question: str) -> Any | None:
    """The calculator parser's reading of the question, or None when the tools package cannot parse."""
    from tools.question_parser import parse_calculation

    return parse_calculation(question)


def parsed_tool(parsed: Any) -> str | None:
    """The tool the parser chose (None: nothing calculable)."""
    if parsed is None:
        return None
    tool = getattr(parsed, "tool", None)
    return str(tool) if tool else None


def parsed_summary(parsed: Any) -> dict[str, Any]:
    """The parser's result as plain data for the trace."""
    if parsed is None:
        return {"tool": None}
    if hasattr(parsed, "to_dict"):
        data: dict[str, Any] = parsed.to_dict()
        return data
    return {
        "tool": parsed_tool(parsed),
        "params": dict(getattr(parsed, "params", {}) or {}),
        "missing": list(getattr(parsed, "missing", ()) or ()),
        "assumptions": list(getattr(parsed, "assumptions", ()) or ()),
        "method_requested": getattr(parsed, "method_requested", None),
    }


def run_calculation(parsed: Any) -> CalculationOutcome:
    """Run the parsed calculation, or report which inputs are missing (never raises for bad input)."""
    from tools.errors import CalculationInputError
    from tools.registry import run_tool

    tool = parsed_tool(parsed)
    if tool is None:
        return CalculationOutcome(tool=None)
    missing: Sequence[str] = list(getattr(parsed, "missing", ()) or ())
    assumptions = [str(a) for a in (getattr(parsed, "assumptions", ()) or ())]
    if missing:
        return CalculationOutcome(tool=tool, needs=[str(m) for m in missing], assumptions=assumptions)
    params = dict(getattr(parsed, "params", {}) or {})
    try:
        result = run_tool(tool, params)
    except CalculationInputError as exc:
        return CalculationOutcome(tool=tool, needs=[str(exc.field)], error=str(exc), assumptions=assumptions)
    return CalculationOutcome(tool=tool, result=result.to_dict(), assumptions=assumptions)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def humanise(key: str) -> str:
    return key.replace("_", " ")


def calculation_text(result: dict[str, Any]) -> str:
    """The calculation as a source text: outputs (rounded where the calculator rounds), inputs, assumptions."""
    outputs = result.get("outputs_rounded") or result.get("outputs") or {}
    inputs = result.get("inputs") or {}
    parts = [", ".join(f"{humanise(k)} = {_fmt(v)}" for k, v in outputs.items())]
    if inputs:
        parts.append("inputs: " + ", ".join(f"{humanise(k)} = {_fmt(v)}" for k, v in inputs.items()))
    if result.get("assumptions"):
        parts.append("assumptions: " + "; ".join(str(a) for a in result["assumptions"]))
    return ". ".join(p for p in parts if p) + "."


def calculation_sentence(result: dict[str, Any], marker: int) -> str:
    """The templated answer sentence with the exact calculator numbers, cited."""
    outputs = result.get("outputs_rounded") or result.get("outputs") or {}
    listed = ", ".join(f"{humanise(k)} = {_fmt(v)}" for k, v in outputs.items())
    method = result.get("method") or result.get("tool") or "calculation"
    return f"Using {method}: {listed} [{marker}]."


def needs_sentence(needs: Sequence[str], tool: str | None) -> str:
    """The answer when inputs are missing: ask exactly for them."""
    phrases = list(dict.fromkeys(describe_need(n) for n in needs))
    if len(phrases) == 1:
        asked = phrases[0]
    else:
        asked = ", ".join(phrases[:-1]) + " and " + phrases[-1]
    what = f" the {humanise(tool)}" if tool else " this"
    return f"To calculate{what} I need {asked}. Please add {'it' if len(phrases) == 1 else 'them'} to the question."
