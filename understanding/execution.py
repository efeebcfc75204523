"""Run a reading's calculator steps in order, feeding each step the outputs it carries from an earlier one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tools.registry import run_tool
from tools.result import CalculationResult
from understanding.reading import Reading, Step


def carried(step: Step, done: Sequence[CalculationResult]) -> dict[str, Any]:
    """The inputs ``step`` takes from earlier steps (their rounded outputs: whole users, not fractions)."""
    values: dict[str, Any] = {}
    for param, (index, output) in step.carry.items():
        source = done[index]
        value = source.outputs_rounded.get(output, source.outputs.get(output))
        values[param] = (
            value * step.carry_scale[param] if param in step.carry_scale and value is not None else value
        )
    return values


def run_steps(reading: Reading, assumptions: Sequence[str] = ()) -> list[CalculationResult]:
    """Every step's result; raises ``CalculationInputError`` (naming the field) when a calculator rejects an input."""
    done: list[CalculationResult] = []
    for step in reading.steps:
        done.append(
            run_tool(step.tool, {**step.params, **carried(step, done)}, assumptions if not done else ())
        )
    return done
