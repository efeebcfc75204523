"""Question understanding for calculations: quantities → roles → calculator, unknown and steps (see ``reading``)."""

from understanding.execution import run_steps
from understanding.reading import Grounded, MissingInput, Reading, Step, read

parse_calculation = read  # the name callers of the former tools.question_parser used

__all__ = ["Grounded", "MissingInput", "Reading", "Step", "parse_calculation", "read", "run_steps"]
