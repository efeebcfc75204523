"""Sample size, power, MDE and duration for two groups of rates or means: the general planning calculators, with
the duration chained after the sample size when the question asks for days, and Kohavi's 16σ²/δ² on a rate.
"""

from __future__ import annotations

import math
import re
from typing import Any

from understanding.quantities import Quantity
from understanding.reading import Step, _variants, variants_note
from understanding.step_builder import StepBuilder, add_rates, allocation_ratio, design_of, n_from


def kohavi_rate_steps(b: StepBuilder, t: str, step: Any) -> str:
    """Kohavi's 16σ²/δ² on a conversion rate: σ² = p(1 − p), δ from the target or the MDE (Kohavi et al. 2009)."""
    p = b.get("baseline")
    params: dict[str, Any] = {"method": "rule_of_thumb"}
    if p is None:
        b.need("baseline")
    else:
        p2, mde, mde_abs = b.get("p2"), b.get("mde"), b.get("mde_abs")
        delta = (
            abs(p2 - p)
            if p2 is not None
            else mde_abs
            if mde_abs is not None
            else p * mde
            if mde is not None
            else None
        )
        if delta is None:
            b.need("mde")
        else:
            params["sd"] = b.derive(
                "sd",
                math.sqrt(p * (1 - p)),
                f"conversion rate {p:g} as a 0/1 metric: σ² = p(1 − p) = {p * (1 - p):.4g}",
            )
            params["delta"] = b.derive(
                "delta", delta, f"δ = {delta:.4g} (the change to detect, as a proportion)"
            )
    step("means_sample_size", params, "Kohavi's rule of thumb n = 16σ²/δ²")
    return "means_sample_size"


def means_steps(
    b: StepBuilder, t: str, quantities: list[Quantity], method: str | None, unknown: str, step: Any
) -> str:
    params: dict[str, Any] = {}
    design = design_of(t)
    if design:
        params["design"] = design
    if method in ("rule_of_thumb",):
        params["method"] = method
    elif re.search(r"\bz[- ]?test\b|normal approximation", t):
        params["method"] = "z"
    ratio = allocation_ratio(b, quantities, t) if design is None else None
    if ratio is not None:
        params["ratio"] = ratio
    d, sd, delta = b.get("effect_d"), b.get("sd"), b.get("delta")
    if unknown in ("mde", "mde_in_days"):
        n = n_from(b)
        if n is None:
            b.need("n_per_group")
        else:
            params["n_per_group"] = n
        if sd is not None:
            params["sd"] = sd
        params.pop("ratio", None) if design else None
        step("means_mde", params, "smallest detectable difference")
        return "means_mde"
    if d is None and delta is None and "mean" in b.roles and ("mde" in b.roles or "mde_abs" in b.roles):
        # "ARPU is $12 … detect a 5% change": a relative change of a mean is mean × change
        mean = b.get("mean")
        rel = b.get("mde")
        delta = b.derive(
            "delta",
            mean * rel if rel is not None else b.get("mde_abs"),
            f"{rel:.4g} of the mean {mean:g} = {mean * rel:.4g} in the metric's units"
            if rel is not None
            else "",
        )
    if d is not None:
        params["cohens_d"] = d
    else:
        if delta is None:
            b.need("delta")
        else:
            params["delta"] = delta
        if sd is None:
            b.need("sd")
        else:
            params["sd"] = sd
    if unknown == "power":
        n = n_from(b)
        if n is None and design is None:
            n = _n_from_days(b, 2)
        if n is None:
            b.need("n_per_group")
        else:
            params["n_per_group"] = n
        step("means_power", params, "power of the t test")
        return "means_power"
    step("means_sample_size", params, "sample size for a difference in means")
    if unknown == "days":
        _days_after(b, t, "n_group1" if design is None else ("n_pairs" if design == "paired" else "n"))
    return "means_sample_size"


def _n_from_days(b: StepBuilder, arms: int, role: str = "n_per_group") -> float | None:
    """The users per group the days the test runs bring ("we ran 2 weeks at 5k users/day", "what can 3 weeks
    detect"), derived as ``role``; None without both the days and the daily traffic."""
    if "days" not in b.roles or "daily_traffic" not in b.roles:
        return None
    days, traffic = b.get("days"), b.get("daily_traffic")
    share = b.get("exposed_share") or 1.0
    n = days * traffic * share / arms
    exposed = f" × {share:.0%} exposed" if share != 1 else ""
    return float(
        b.derive(
            role, n, f"{days:g} days × {traffic:,.0f} a day{exposed} / {arms} groups = {n:,.0f} per group"
        )
    )


_DAILY_ACTIVE = re.compile(r"\b(?:dau|daily active)\b")
_PERIOD_ACTIVE = re.compile(r"\b(?:wau|mau|(?:weekly|monthly) active)\b")


def _days_after(b: StepBuilder, t: str, output: str) -> None:
    traffic = b.get("daily_traffic")
    params: dict[str, Any] = {}
    if traffic is None:
        b.need("daily_traffic")
    else:
        params["daily_traffic"] = traffic
        if _DAILY_ACTIVE.search(t):
            b.notes.append(
                "daily active users counted as new users every day: a test randomised by user gets fewer distinct "
                "users, because returning users count once, so it takes longer than this"
            )
        elif _PERIOD_ACTIVE.search(t):
            b.notes.append(
                "active users spread evenly over the days of their week or month: past that period returning users "
                "count once, so a longer test gets fewer distinct users than this"
            )
    share = b.get("exposed_share")
    if share is not None:
        params["exposed_share"] = share
    variants = b.get("variants") or _variants(t)
    if variants:
        params["variants"] = int(variants)
    previous = b.steps[-1]
    if abs(float(previous.params.get("ratio", 1.0)) - 1) > 1e-12:
        arms = 2
        b.notes.append("unequal allocation: days = the total sample (control + variant) / daily traffic")
        b.steps.append(
            Step(
                "test_duration",
                params,
                {"n_per_group": (len(b.steps) - 1, "n_total")},
                "days to collect that sample",
                {"n_per_group": 1 / arms},
            )
        )
        return
    b.steps.append(
        Step(
            "test_duration",
            params,
            {"n_per_group": (len(b.steps) - 1, output)},
            "days to collect that sample",
        )
    )
    _within_days(b, previous, params)


def _within_days(b: StepBuilder, sized: Step, duration: dict[str, Any]) -> None:
    """ "…a 2% lift within a month at 20k a day": besides the days the asked effect needs, the smallest effect the
    days the test can run would detect, so the answer says whether the plan fits and what fits instead."""
    if "days" not in b.roles or "daily_traffic" not in duration or duration.get("variants", 1) != 1:
        return
    kept = {k: v for k, v in sized.params.items() if k in ("alpha", "power", "alternative")}
    if sized.tool == "proportions_sample_size" and "baseline" in sized.params:
        tool, params = "proportions_mde", {"baseline": sized.params["baseline"], **kept}
    elif sized.tool == "means_sample_size" and "design" not in sized.params:
        tool, params = "means_mde", {**({"sd": sized.params["sd"]} if "sd" in sized.params else {}), **kept}
    else:
        return
    params["n_per_group"] = _n_from_days(b, 2, "n_per_group_within_days")
    days = b.get("days")
    b.steps.append(Step(tool, params, {}, f"smallest effect {days:g} days can detect", within_days=days))


def proportions_steps(
    b: StepBuilder, t: str, quantities: list[Quantity], method: str | None, unknown: str, step: Any
) -> str:
    params: dict[str, Any] = {}
    if method in ("pooled", "unpooled", "cohens_h", "evan_miller"):
        params["method"] = method
    variants = b.get("variants") or _variants(t)
    if unknown == "days" and (n_from(b) is not None or "n_total" in b.roles):
        n = n_from(b)
        traffic = b.get("daily_traffic")
        arms = (int(variants) + 1) if variants else 2
        if n is None:
            total = b.get("n_total")
            n = b.derive(
                "n_per_group",
                total / arms,
                f"{total:,.0f} in total over {arms} groups = {total / arms:,.0f} per group",
            )
        dparams: dict[str, Any] = {"n_per_group": n}
        if traffic is None:
            b.need("daily_traffic")
        else:
            dparams["daily_traffic"] = traffic
        share = b.get("exposed_share")
        if share is not None:
            dparams["exposed_share"] = share
        if variants:
            dparams["variants"] = int(variants)
        b.steps.append(Step("test_duration", dparams, {}, "days to collect the sample"))
        return "test_duration"
    if variants and variants > 1:
        params["variants"] = int(variants)
        note = variants_note(t)
        if note:
            b.notes.append(note)
        if re.search(r"bonferroni", t):
            params["correction"] = "bonferroni"
        elif re.search(r"šidák|sidak", t):
            params["correction"] = "sidak"
    ratio = allocation_ratio(b, quantities, t)
    if unknown in ("mde_in_days", "mde") and n_from(b) is None and "n_total" in b.roles:
        # "60k users in total over 4 weeks: what mde?": the total is the sample, whatever the days
        add_rates(b, params, t, require_effect=False)
        n, split_ratio = _n_from_total(b, quantities)
        _group_sizes(b, params, n, split_ratio if ratio is None else ratio)
        step("proportions_mde", params, "smallest detectable effect with that sample")
        return "proportions_mde"
    if unknown == "mde_in_days":
        days, traffic = b.get("days"), b.get("daily_traffic")
        add_rates(b, params, t, require_effect=False)
        arms = (int(variants) + 1) if variants else 2
        if days is None:
            b.need("days")
        if traffic is None:
            b.need("daily_traffic")
        if days is not None and traffic is not None:
            params["n_per_group"] = _n_from_days(b, arms)
        step("proportions_mde", params, "smallest detectable effect with that sample")
        return "proportions_mde"
    if unknown == "mde":
        add_rates(b, params, t, require_effect=False)
        n = n_from(b)
        _group_sizes(b, params, n, ratio)
        step("proportions_mde", params, "smallest detectable effect")
        return "proportions_mde"
    add_rates(b, params, t)
    if unknown == "power":
        n = b.get("n_per_group")
        nc, nt = b.get("n_control"), b.get("n_treatment")
        if n is None and nc is not None:
            n = nc
            if nt is not None:
                ratio = nt / nc
                b.notes.append(
                    f"{nc:,.0f} in control and {nt:,.0f} in treatment: allocation ratio {ratio:.4g}"
                )
        if n is None and "n_one" in b.roles:
            n = b.get("n_one")
        if n is None and "n_total" not in b.roles:
            n = _n_from_days(b, (int(variants) + 1) if variants else 2)
        if n is None and "n_total" in b.roles:
            n, split_ratio = _n_from_total(b, quantities)
            ratio = split_ratio if ratio is None else ratio
        _group_sizes(b, params, n, ratio)
        step("proportions_power", params, "power with the given group sizes")
        return "proportions_power"
    if ratio is not None:
        params["ratio"] = ratio
    step("proportions_sample_size", params, "sample size per group")
    if unknown == "days":
        _days_after(b, t, "n_control")
    return "proportions_sample_size"


def _n_from_total(b: StepBuilder, quantities: list[Quantity]) -> tuple[float, float | None]:
    """The control's n from the total ("60k users in total", "1.5M users split 70/30") and the split's ratio."""
    total = b.get("n_total")
    split = next((q for q in quantities if q.unit == "split" and len(q.values) == 2), None)
    share = split.values[0] if split is not None else 0.5
    n = b.derive(
        "n_per_group", total * share, f"{total:,.0f} in total × {share:.0%} in control = {total * share:,.0f}"
    )
    return n, (split.values[1] / split.values[0] if split is not None else None)


def _group_sizes(b: StepBuilder, params: dict[str, Any], n: Any, ratio: float | None) -> None:
    """The per-group n (asked for when the question gives none) and the allocation ratio when one was read."""
    if n is None:
        b.need("n_per_group")
    else:
        params["n_per_group"] = n
    if ratio is not None:
        params["ratio"] = ratio
