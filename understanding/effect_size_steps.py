"""Power analyses given a standardized effect size (G*Power's families): compromise power (β/α = q), one-way ANOVA
with Cohen's f, chi-square with w and df, and a correlation r. Without a stated power they assume 80% and say so.
"""

from __future__ import annotations

import re
from typing import Any

from understanding.quantities import Quantity
from understanding.reading import Grounded
from understanding.step_builder import StepBuilder, StepFn, n_from


def compromise_power_steps(b: StepBuilder, t: str, quantities: list[Quantity], step: StepFn) -> str:
    """Alpha and power that keep β/α at the stated ratio q for effect d and n per group."""
    d, n, qr = b.get("effect_d") or b.get("effect_f"), n_from(b), b.get("q_ratio")
    if d is None:  # "effect 0.4": a bare effect in a compromise analysis is Cohen's d
        eff = next(
            (
                q
                for q in quantities
                if q.unit == "number"
                and re.search(r"\beffect(?: size)?\s*(?:of|=|is|:)?\s*$", t[max(0, q.start - 20) : q.start])
            ),
            None,
        )
        if eff is not None:
            d = eff.value
            b.used["effect_d"] = Grounded(d, "question", eff.span(), "'effect' read as Cohen's d")
    for name, v in (("effect_size_d", d), ("n_per_group", n)):
        if v is None:
            b.need(name)
    given = {"effect_size_d": d, "n_per_group": n, "beta_alpha_ratio": qr if qr is not None else 1.0}
    step(
        "compromise_power",
        {k: v for k, v in given.items() if v is not None},
        "alpha and power with β/α = q",
    )
    return "compromise_power"


_PLUS_CONTROL = re.compile(
    r"\bcontrol (?:plus|and|\+|with|alongside)\s+\d+ (?:variants|treatments|challengers)\b"
    r"|\b\d+ (?:variants|treatments|challengers) (?:plus|and|\+|vs\.?|versus|against|on top of) (?:a |the )?control\b"
)


def anova_power_steps(b: StepBuilder, t: str, unknown: str, step: StepFn) -> str:
    """One-way ANOVA power or n per group from Cohen's f and the number of groups."""
    params: dict[str, Any]
    f = b.get("effect_f")
    km = re.search(
        r"(\d+)[- ]?(?:groups?\b|arms?\b|versions|conditions|variants|treatments)|\bk\s*=\s*(\d+)", t
    )
    k = b.get("k_groups") or (int(km.group(1) or km.group(2)) if km else None)
    if k is not None and "k_groups" not in b.roles and _PLUS_CONTROL.search(t):
        k += 1  # "control plus 3 variants": four groups
        b.notes.append(f"the control and {k - 1} variants read as {k} groups")
    params = {}
    for name, v in (("effect_size_f", f), ("k_groups", k)):
        if v is None:
            b.need(name)
        else:
            params[name] = int(v) if name == "k_groups" else v
    n = n_from(b)
    if unknown == "power" and n is not None:
        params["n_per_group"] = n
    else:
        b.default_power(params)
    step("anova_power", params, "one-way ANOVA power / sample size")
    return "anova_power"


def chi_square_power_steps(b: StepBuilder, unknown: str, step: StepFn) -> str:
    """Chi-square power or total n from Cohen's w and the degrees of freedom."""
    params: dict[str, Any]
    w = b.get("effect_w")
    df = b.get("df")
    params = {}
    for name, v in (("effect_size_w", w), ("df", df)):
        if v is None:
            b.need(name)
        else:
            params[name] = int(v) if name == "df" else v
    n = b.get("n_total") or b.get("n_one") or b.get("n_per_group")
    if unknown == "power" and n is not None:
        params["n_total"] = n
    else:
        b.default_power(params)
    step("chi_square_power", params, "chi-square power / total sample size")
    return "chi_square_power"


def correlation_power_steps(b: StepBuilder, unknown: str, step: StepFn) -> str:
    """Power or sample size to detect a correlation r."""
    params: dict[str, Any]
    r = b.get("correlation")
    params = {"r": r} if r is not None else {}
    if r is None:
        b.need("r")
    n = b.get("n_one") or b.get("n_pairs") or b.get("n_per_group")
    if unknown == "power" and n is not None:
        params["n"] = n
    else:
        b.default_power(params)
    step("correlation_power", params, "power / sample size for a correlation")
    return "correlation_power"
