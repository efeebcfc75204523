"""Steps that adjust a design or its results: group-sequential boundaries for interim looks, multiple-testing
corrections (one step per method named), and CUPED's variance reduction turned into a new sample size and duration.
"""

from __future__ import annotations

import math
import re
from typing import Any

from understanding.quantities import Quantity
from understanding.reading import Grounded, Step, _corrections
from understanding.step_builder import StepBuilder, StepFn, add_rates


def group_sequential_steps(b: StepBuilder, t: str, method: str | None, step: StepFn) -> str:
    """Efficacy boundaries for the number of looks (O'Brien-Fleming or Pocock spending when named)."""
    params: dict[str, Any]
    looks = b.get("looks")
    if looks is None:
        m = re.search(
            r"(\d+)\s*(?:interim\s+|equally spaced\s+)?(?:looks|analyses|peeks|checkpoints|stages)", t
        )
        looks = int(m.group(1)) if m else None
    params = {"looks": int(looks)} if looks else {}
    if not looks:
        b.need("looks")
    if method in ("obrien_fleming", "pocock"):
        params["spending_function"] = method
    if re.search(r"\bclassic\b|original", t):
        params["design"] = "classic"
    step("group_sequential", params, "efficacy boundaries")
    return "group_sequential"


# "we have 12 metrics", "across 20 segments", "40 comparisons in total": the family the listed p-values come from
_FAMILY_AFTER = re.compile(
    r"^\s*(?:[a-z-]+\s+)?(?:metrics|tests|comparisons|hypotheses|segments|kpis|outcomes|variants|p-?values|endpoints)\b"
)


# "one metric out of 14", "1 of 20 tests": the family named before its size
_FAMILY_BEFORE = re.compile(
    r"\b(?:metrics?|tests?|comparisons?|hypothes[ie]s|segments?|kpis?|outcomes?|variants?|p-?values?|endpoints?)"
    r"\s+(?:out\s+)?of\s+(?:the\s+|our\s+)?$"
)


def _family_size(t: str, quantities: list[Quantity], listed: int) -> tuple[int, Quantity] | None:
    """The number of hypotheses the question says it tested, when more than the p-values it lists."""
    for q in quantities:
        if (
            q.unit == "count"
            and q.value > listed
            and q.value == int(q.value)
            and (_FAMILY_AFTER.match(t[q.end :]) or _FAMILY_BEFORE.search(t[max(0, q.start - 30) : q.start]))
        ):
            return int(q.value), q
    return None


# "p-value of 0.04", "p = 0.011", "came in at p=0.03": one p-value said alone
_P_BEFORE = re.compile(r"\bp(?:-?\s?values?)?\s*(?:of|=|is|was|:|<|≈|~)?\s*(?:of\s*)?$")
_ASKS_CORRECTED = re.compile(
    r"\bcorrect(?:ion|ed|ing)\b|\badjust\w*|bonferroni|\bholm\b|benjamini|hochberg|\bfdr\b|multiple (?:testing|comparisons)"
    r"|\bsurviv\w*|still significant"
)


def one_p_value_of_a_family(t: str, quantities: list[Quantity]) -> tuple[Quantity, int, Quantity] | None:
    """(the p-value, the family's size, the words saying it) when a question gives one p-value from a larger family
    and asks whether it survives a correction ("p-value of 0.04 with 20 metrics tested, still significant after
    correction?"), else None."""
    if not _ASKS_CORRECTED.search(t):
        return None
    ps = [
        q
        for q in quantities
        if q.unit in ("number", "fraction")
        and 0 < q.value < 1
        and _P_BEFORE.search(t[max(0, q.start - 14) : q.start])
    ]
    family = _family_size(t, quantities, 1)
    if len(ps) != 1 or family is None:
        return None
    return ps[0], family[0], family[1]


def multiple_testing_steps(b: StepBuilder, t: str, quantities: list[Quantity], step: StepFn) -> str:
    """Adjusted p-values, one step per correction named (both when two are asked for)."""
    params: dict[str, Any]
    plist = next((q for q in quantities if q.unit == "list"), None)
    methods = _corrections(t) or [None]  # type: ignore[list-item]
    single = one_p_value_of_a_family(t, quantities) if plist is None else None
    if single is not None:
        plist = single[0]
    if plist is None:
        b.need("p_values")
    else:
        b.used["p_values"] = Grounded(list(plist.values) or [plist.value], "question", plist.span())
    listed = (len(plist.values) or 1) if plist is not None else 0
    family = _family_size(t, quantities, listed) if plist is not None else None
    if family is not None:
        size, said = family
        b.used["n_tests"] = Grounded(size, "question", said.span(), "hypotheses in the family")
        b.notes.append(
            f"'{said.text}' read as a family of {size} hypotheses, the unlisted ones with larger p-values"
        )
    for correction in methods:
        params = {"p_values": list(plist.values) or [plist.value]} if plist is not None else {}
        if family is not None:
            params["n_tests"] = family[0]
        if correction:
            params["method"] = correction
        step("multiple_testing", params, f"adjusted p-values ({correction or 'default method'})")
    return "multiple_testing"


def cuped_steps(b: StepBuilder, t: str, quantities: list[Quantity], step: StepFn) -> str:
    """CUPED: ρ (or the variance reduction) → new n per group and days; a sample size step first when only rates are given."""
    params: dict[str, Any]
    rho = b.get("correlation")
    if rho is None and "variance_reduction" in b.roles:
        red = b.get("variance_reduction")
        rho = b.derive(
            "correlation",
            math.sqrt(red),
            f"a {red:.0%} variance reduction is ρ² = {red:g}, so ρ = {math.sqrt(red):.4g}",
        )
    params = {}
    if rho is None:
        b.need("correlation")
    else:
        params["correlation"] = rho
    n = b.get("n_per_group")
    if n is None and b.get("n_total") is not None:
        n = b.derive("n_per_group", b.roles["n_total"].value / 2, "total read as two equal groups")
    if n is None and "baseline" not in b.roles:
        taken = {g.span["start"] for g in b.roles.values() if g.span}
        loose = [
            q
            for q in quantities
            if q.unit == "count" and q.value >= 100 and q.per is None and q.start not in taken
        ]
        if len(loose) == 1:  # "what's the new n per arm if it was 60k before": the one sample size written
            n = loose[0].value
            b.used["n_per_group"] = Grounded(
                n, "question", loose[0].span(), "the only sample size in the question"
            )
    traffic = b.get("daily_traffic")
    if traffic is not None:
        params["daily_traffic"] = traffic
        share = b.get("exposed_share")
        if share is not None:
            params["exposed_share"] = share
    carry = {}
    if n is not None:
        params["n_per_group"] = n
    elif "baseline" in b.roles:
        size: dict[str, Any] = {}
        add_rates(b, size, t)
        step("proportions_sample_size", size, "sample size without CUPED")
        carry = {"n_per_group": (0, "n_control")}
    b.steps.append(Step("cuped", params, carry, "variance reduction → new sample size and duration"))
    return b.steps[0].tool
