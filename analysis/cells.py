"""One cell of an uploaded table read as a number, with errors that name its row (file line) and column."""

from __future__ import annotations

import math
from collections.abc import Iterable

from analysis.data import AnalysisInputError

Row = tuple[int, dict[str, str]]


def number(row: Row, column: str) -> float:
    """The cell as a finite float (``1_000`` allowed); an error naming row and column otherwise."""
    line, values = row
    text = values[column].replace("_", "")
    try:
        value = float(text)
    except ValueError:
        raise AnalysisInputError(f"{values[column]!r} is not a number", row=line, column=column) from None
    if not math.isfinite(value):
        raise AnalysisInputError(f"{values[column]!r} is not a finite number", row=line, column=column)
    return value


def sum_of_squares(values: Iterable[float]) -> float:
    return float(sum(v * v for v in values))
