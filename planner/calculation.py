"""Calculations: the calculator parser decides what can be computed; missing inputs become ``needs``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.types import CalculationOutcome

# How ``needs`` are phrased to the user, by calculator input name; unknown names are humanised.
_NEED_PHRASES: dict[str, str] = {
    "baseline": "the baseline conversion rate",
    "baseline_rate": "the baseline conversion rate",
    "p1": "the baseline conversion rate",
    "mde": "the minimum detectable effect",
    "effect_size": "the effect size you want to detect",
    "std": "the standard deviation of the metric",
    "sd": "the standard deviation of the metric",
    "sigma": "the standard deviation of the metric",
    "alpha": "the significance level",
    "power": "the statistical power",
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
    missing = list(getattr(parsed, "missing", ()) or ())
    assumptions = [str(a) for a in (getattr(parsed, "assumptions", ()) or ())]
    if missing:
        return CalculationOutcome(
            tool=tool,
            needs=[need_name(m) for m in missing],
            assumptions=assumptions,
            questions=[need_question(m) for m in missing],
        )
    params = dict(getattr(parsed, "params", {}) or {})
    try:
        result = run_tool(tool, params)
    except CalculationInputError as exc:
        return CalculationOutcome(tool=tool, needs=[str(exc.field)], error=str(exc), assumptions=assumptions)
    return CalculationOutcome(tool=tool, result=result.to_dict(), assumptions=assumptions)


def need_name(missing: Any) -> str:
    """The calculator input name of a missing input (``MissingInput.name`` or a plain string)."""
    return str(getattr(missing, "name", missing))


def need_question(missing: Any) -> str:
    """The question to ask for a missing input: the parser's own wording when it has one."""
    question = getattr(missing, "question", None)
    if question:
        return str(question)
    return f"What is {describe_need(need_name(missing))}?"


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
    """The templated answer sentence with the exact calculator numbers (and its assumptions), cited."""
    outputs = result.get("outputs_rounded") or result.get("outputs") or {}
    method = result.get("method") or result.get("tool") or "calculation"
    if "n_per_variant" in outputs:
        total = f" ({_fmt(outputs['n_total'])} in total)" if "n_total" in outputs else ""
        text = f"You need {_fmt(outputs['n_per_variant'])} users per variant{total}, using the {method} [{marker}]."
    else:
        listed = ", ".join(f"{humanise(k)} = {_fmt(v)}" for k, v in outputs.items())
        text = f"Using the {method}: {listed} [{marker}]."
    assumptions = [str(a) for a in result.get("assumptions") or []]
    if assumptions:
        text += f" This assumes {'; '.join(a.rstrip('.') for a in assumptions)} [{marker}]."
    return text


def tool_summary(tool: str) -> str:
    """What a calculator computes, lower-cased for use mid-sentence ("sample size per group to ...")."""
    from tools.registry import TOOLS

    spec = TOOLS.get(tool)
    if spec is None:
        return f"the {humanise(tool)}"
    summary = spec.summary.rstrip(".")
    return "the " + summary[0].lower() + summary[1:]


def needs_sentence(needs: Sequence[str], questions: Sequence[str], tool: str | None) -> str:
    """The answer when inputs are missing: say exactly which, then ask the parser's question for each."""
    phrases = list(dict.fromkeys(describe_need(n) for n in needs))
    asked = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    what = f" {tool_summary(tool)}" if tool else " this"
    lines = [f"To calculate{what} I also need {asked}."]
    lines.extend(q for q in dict.fromkeys(questions) if q)
    return " ".join(lines)
