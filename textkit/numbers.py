"""Numbers as written in text (``57,756``, ``0.05``, ``5%``, ``1e-3``, ``−2``) and matching them to values."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textkit.citations import strip_citations

_NUMBER = re.compile(r"(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?%?(?![\w])")


@dataclass(frozen=True, slots=True)
class NumberToken:
    text: str
    value: float
    percent: bool
    decimals: int


def parse_numbers(text: str) -> list[NumberToken]:
    """Numbers written in ``text`` (citation markers excluded): ``57,756``, ``0.05``, ``5%``, ``1e-3``."""
    out: list[NumberToken] = []
    for m in _NUMBER.finditer(strip_citations(text)):
        raw = m.group(0)
        if not any(ch.isdigit() for ch in raw):
            continue
        core = raw.rstrip("%").replace(",", "").replace("−", "-")
        try:
            value = float(core)
        except ValueError:
            continue
        mant = core.split("e")[0].split("E")[0]
        decimals = len(mant.split(".")[1]) if "." in mant else 0
        out.append(NumberToken(raw, value, raw.endswith("%"), decimals))
    return out


def number_strings(text: str) -> list[str]:
    """The numbers of ``text`` as written, in order, repeats kept (for exact-copy checks)."""
    return [t.text for t in parse_numbers(text)]


def numeric_values(obj: Any) -> list[float]:
    """Every number inside a (nested) calculator result or input dict; a percentage in a string counts as a share."""
    out: list[float] = []
    if isinstance(obj, bool):
        return out
    if isinstance(obj, int | float):
        if math.isfinite(float(obj)):
            out.append(float(obj))
    elif isinstance(obj, Mapping):
        for v in obj.values():
            out.extend(numeric_values(v))
    elif isinstance(obj, list | tuple):
        for v in obj:
            out.extend(numeric_values(v))
    elif isinstance(obj, str):
        out.extend(t.value / 100 if t.percent else t.value for t in parse_numbers(obj))
    return out


def token_values(tok: NumberToken) -> list[float]:
    """The values ``tok`` may stand for: a percentage is both a share and its number as written."""
    return [tok.value / 100, tok.value] if tok.percent else [tok.value]


def number_supported(tok: NumberToken, allowed: Iterable[float]) -> bool:
    """True if ``tok`` equals an allowed value, as written or rounded to the token's precision (5% == 0.05)."""
    for v in token_values(tok):
        decimals = tok.decimals + (2 if tok.percent and v == tok.value / 100 else 0)
        for a in allowed:
            if math.isclose(v, a, rel_tol=1e-9, abs_tol=1e-12):
                return True
            if round(a, decimals) == round(v, decimals) and abs(a - v) < max(1.0, abs(a)) * 0.01:
                return True
    return False
