"""Typed results shared by every calculator."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from tools.errors import CalculationInputError

Number = float | int


@lru_cache(maxsize=8)
def library_version(name: str) -> str:
    """Return "name version" for an installed distribution (e.g. "statsmodels 0.15.0")."""
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} (version unknown)"


@dataclass(frozen=True)
class Alternative:
    """The same question answered by another method."""

    method: str
    outputs: dict[str, Any]
    outputs_rounded: dict[str, Any]
    formula: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "outputs": _jsonable(self.outputs),
            "outputs_rounded": _jsonable(self.outputs_rounded),
            "formula": self.formula,
        }


@dataclass(frozen=True)
class CalculationResult:
    """One calculation: normalised inputs, raw and rounded outputs and how they were obtained."""

    tool: str
    method: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    outputs_rounded: dict[str, Any]
    formula: str
    library: str
    assumptions: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for key, value in self.outputs.items():
            _check_finite(key, value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: tool, method, inputs, outputs, outputs_rounded, assumptions, formula, library, alternatives."""
        return {
            "tool": self.tool,
            "method": self.method,
            "inputs": _jsonable(self.inputs),
            "outputs": _jsonable(self.outputs),
            "outputs_rounded": _jsonable(self.outputs_rounded),
            "assumptions": list(self.assumptions),
            "formula": self.formula,
            "library": self.library,
            "alternatives": [alt.to_dict() for alt in self.alternatives],
            "notes": list(self.notes),
        }


def _check_finite(key: str, value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculationInputError(
            key, "the inputs lead to an undefined or infinite result; check that the effect is not zero"
        )
    if isinstance(value, list | tuple):
        for item in value:
            _check_finite(key, item)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


def ceil_n(value: float) -> int:
    """Round a sample size up, ignoring floating-point noise just above an integer (76.0000000001 -> 76)."""
    nearest = round(value)
    if abs(value - nearest) < 1e-9:
        return int(nearest)
    return math.ceil(value)


def round_sig(value: float, digits: int = 4) -> float:
    """Round to a number of decimals suited to reporting (4 by default)."""
    return round(float(value), digits)
