"""Input checks shared by the calculators; each raises CalculationInputError naming the field."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from scipy.special import ndtri

from tools.errors import CalculationInputError

Alternative = Literal["two-sided", "larger", "smaller"]
ALTERNATIVES: tuple[str, ...] = ("two-sided", "larger", "smaller")


def finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CalculationInputError(name, f"must be a number; got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise CalculationInputError(name, f"must be a finite number; got {value}")
    return value


def alpha(value: float, name: str = "alpha") -> float:
    value = finite(name, value)
    if not 0 < value < 1:
        raise CalculationInputError(name, f"must be strictly between 0 and 1 (e.g. 0.05); got {value:g}")
    return value


def power(value: float, alpha_value: float, name: str = "power") -> float:
    value = finite(name, value)
    if not 0 < value < 1:
        raise CalculationInputError(name, f"must be strictly between 0 and 1 (e.g. 0.8); got {value:g}")
    if value <= alpha_value:
        raise CalculationInputError(
            name,
            f"must exceed the significance level alpha={alpha_value:g}; got {value:g} (usually 0.8 or 0.9)",
        )
    return value


def proportion(name: str, value: float, *, open_interval: bool = True) -> float:
    value = finite(name, value)
    if open_interval and not 0 < value < 1:
        raise CalculationInputError(
            name, f"must be a proportion strictly between 0 and 1 (write 10% as 0.1); got {value:g}"
        )
    if not open_interval and not 0 <= value <= 1:
        raise CalculationInputError(
            name, f"must be a proportion between 0 and 1 (write 10% as 0.1); got {value:g}"
        )
    return value


def positive(name: str, value: float) -> float:
    value = finite(name, value)
    if value <= 0:
        raise CalculationInputError(name, f"must be greater than 0; got {value:g}")
    return value


def non_negative(name: str, value: float) -> float:
    value = finite(name, value)
    if value < 0:
        raise CalculationInputError(name, f"must not be negative; got {value:g}")
    return value


def count(name: str, value: float, *, minimum: int = 0) -> int:
    value = finite(name, value)
    if value != int(value):
        raise CalculationInputError(name, f"must be a whole number; got {value:g}")
    if value < minimum:
        raise CalculationInputError(name, f"must be at least {minimum}; got {int(value)}")
    return int(value)


def sample_size(name: str, value: float, minimum: float = 2) -> float:
    value = finite(name, value)
    if value < minimum:
        raise CalculationInputError(name, f"must be at least {minimum:g} observations; got {value:g}")
    return value


def alternative(value: str) -> Alternative:
    normalised = str(value).strip().lower().replace("_", "-")
    aliases = {
        "two-sided": "two-sided",
        "two-tailed": "two-sided",
        "2-sided": "two-sided",
        "larger": "larger",
        "greater": "larger",
        "one-sided": "larger",
        "one-tailed": "larger",
        "smaller": "smaller",
        "less": "smaller",
    }
    if normalised not in aliases:
        raise CalculationInputError(
            "alternative", f"must be one of 'two-sided', 'larger' or 'smaller'; got {value!r}"
        )
    return aliases[normalised]  # type: ignore[return-value]


def choice(name: str, value: str, options: Sequence[str]) -> str:
    normalised = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if normalised not in options:
        raise CalculationInputError(name, f"must be one of {', '.join(options)}; got {value!r}")
    return normalised


def tail_alpha(alpha_value: float, alt: str) -> float:
    """Per-tail significance level: alpha/2 for a two-sided test, alpha for a one-sided one."""
    return alpha_value / 2 if alt == "two-sided" else alpha_value


def z_quantile(probability: float) -> float:
    return float(ndtri(probability))


def weights(name: str, values: Sequence[float], arms: int | None = None) -> list[float]:
    """Normalise an allocation such as [50, 50] or [0.9, 0.1] to shares summing to 1."""
    if arms is not None and len(values) != arms:
        raise CalculationInputError(name, f"needs one share per group ({arms}); got {len(values)}")
    if len(values) < 2:
        raise CalculationInputError(name, "needs at least two groups, e.g. [50, 50]")
    shares = [positive(name, v) for v in values]
    total = sum(shares)
    return [s / total for s in shares]


def side_text(alt: str) -> str:
    return "two-sided" if alt == "two-sided" else f"one-sided ({alt})"
