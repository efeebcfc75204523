"""Questions that carry results ("control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we
ship?") are answered by the experiment analysis, not by a single calculator: trust checks first, then the effect."""

from __future__ import annotations

from typing import Any

from analysis.question import parse_results_from_question
from analysis.scorecard import analyse
from planner.types import CalculationOutcome

TOOL = "experiment_analysis"


def carries_results(question: str) -> bool:
    """Two or more arms with users and conversions, or with mean, SD and n, in the text."""
    return parse_results_from_question(question) is not None


def analysis_outcome(question: str) -> CalculationOutcome | None:
    """The scorecard as a calculation outcome (verdict first; every calculator call as a step), or None."""
    data = parse_results_from_question(question)
    if data is None:
        return None
    card = analyse(data)
    findings = [f.to_dict() for f in card.findings]
    steps = [t.to_dict() for t in card.trace]
    result: dict[str, Any] = {
        "tool": TOOL,
        "method": "experiment scorecard: " + ", then ".join(dict.fromkeys(t.tool for t in card.trace)),
        "inputs": {"variants": list(data.variants), "units": data.units},
        "outputs": {"decision": card.decision, "verdict": card.verdict, "findings": findings},
        "outputs_rounded": {"verdict": card.verdict},
        "assumptions": ["α = 0.05 two-sided", "Holm correction when several comparisons are tested"],
        "formula": "SRM χ² goodness of fit; "
        + (
            "pooled two-proportion z test; Newcombe CI"
            if "binary" in data.kinds.values()
            else "Welch t test and CI of the difference in means"
        )
        + "; delta-method CI of the lift",
        "library": "scipy, statsmodels",
        "alternatives": [],
        "notes": ["the full scorecard: expgraph analyze --question '…' or POST /analyze"],
    }
    return CalculationOutcome(tool=TOOL, result=result, results=[result], steps=steps)
