"""Calculator calls made through the registry, each recorded for the scorecard's trace."""

from __future__ import annotations

from typing import Any

from analysis.data import AnalysisInputError
from analysis.findings import TraceEntry
from tools.errors import CalculationInputError
from tools.registry import run_tool


class Calls:
    """Runs calculators through the registry and keeps the trace of each call."""

    def __init__(self) -> None:
        self.entries: list[TraceEntry] = []

    def run(self, tool: str, params: dict[str, Any], purpose: str) -> dict[str, Any]:
        try:
            result = run_tool(tool, params)
        except CalculationInputError as exc:
            raise AnalysisInputError(f"{purpose}: {exc.reason}", column=exc.field) from exc
        data = result.to_dict()
        inputs = {k: v for k, v in data["inputs"].items() if not isinstance(v, list) or len(v) <= 20}
        self.entries.append(
            TraceEntry(len(self.entries) + 1, tool, purpose, result.method, inputs, data["outputs_rounded"])
        )
        return result.outputs
