"""The calculators as the API sees them: which exist, what each takes, and a run (``tools.registry`` underneath)."""

from __future__ import annotations

from typing import Any

from tools.registry import TOOLS, CalculationResult, run_tool


class Calculators:
    """The registry of pure calculators; a run raises ``CalculationInputError`` naming the bad parameter."""

    def names(self) -> list[str]:
        return sorted(TOOLS)

    def __contains__(self, name: object) -> bool:
        return name in TOOLS

    def describe(self, name: str) -> dict[str, Any]:
        spec = TOOLS[name]
        describe = getattr(spec, "describe", None)
        if callable(describe):
            return describe()  # type: ignore[no-any-return]
        return {"name": name, "description": getattr(spec, "description", "")}

    def run(self, name: str, params: dict[str, Any]) -> CalculationResult:
        return run_tool(name, params)
