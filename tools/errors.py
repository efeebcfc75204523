"""Typed errors raised by the calculators; the API maps them to 422 with the offending field."""

from __future__ import annotations


class CalculationInputError(ValueError):
    """An input a calculator cannot accept: names the field and says what to do instead."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class UnknownToolError(CalculationInputError):
    """The requested calculator does not exist."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__("tool", f"unknown calculator {name!r}; choose one of: {', '.join(known)}")
