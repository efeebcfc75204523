"""From roles to calculator steps: parameters grounded in the question, chains, defaults, gaps and range checks."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tools.registry import TOOLS, default_assumptions
from understanding.adjustment_steps import cuped_steps, group_sequential_steps, multiple_testing_steps
from understanding.calculator_choice import choose
from understanding.effect_size_steps import (
    anova_power_steps,
    chi_square_power_steps,
    compromise_power_steps,
    correlation_power_steps,
)
from understanding.input_ranges import out_of_range
from understanding.interval_steps import interval_steps
from understanding.named_methods import NAMED_FAMILIES, build_named
from understanding.observed_steps import (
    aa_steps,
    binomial_steps,
    comparison_steps,
    k_groups_steps,
    paired_t_steps,
    srm_steps,
)
from understanding.quantities import Quantity
from understanding.reading import (
    ASKS_DAYS,
    ASKS_MDE,
    ASKS_N,
    ASKS_POWER,
    Grounded,
    Reading,
    Step,
    _two_group_means,
)
from understanding.sample_size_steps import kohavi_rate_steps, means_steps, proportions_steps
from understanding.step_builder import StepBuilder, n_from

_FOLLOW_UP = re.compile(
    r"^\s*(?:and|what if|how about|what about|same|now|ok|okay|then|at|with|if|but|instead)\b"
)


def _merge(earlier: dict[str, Any], roles: dict[str, Grounded]) -> dict[str, Grounded]:
    """Earlier turn's roles, overridden by what this turn says; replaced effects drop the ones they contradict."""
    merged = {
        name: Grounded(r["value"], "earlier_turn", r.get("span"), "from an earlier turn")
        for name, r in (earlier.get("roles") or {}).items()
    }
    exclusive = ({"mde", "mde_abs", "p2"}, {"n_per_group", "n_control", "n_total"})
    for name in roles:
        for group in exclusive:
            if name in group:
                for other in group - {name}:
                    merged.pop(other, None)
    merged.update(roles)
    return merged


def plan(
    question: str,
    text: str,
    t: str,
    quantities: list[Quantity],
    roles: dict[str, Grounded],
    method: str | None,
    method_text: str | None,
    earlier: dict[str, Any] | None,
) -> Reading:
    """Choose the calculator and unknown, then build the steps (a follow-up reuses the earlier turn's roles)."""
    family, unknown = choose(t, roles, quantities)
    follow_up = False
    if earlier and earlier.get("family"):
        alone = (
            _build(question, text, t, quantities, roles, method, method_text, family, unknown)
            if family
            else None
        )
        if alone is None or alone.missing or _FOLLOW_UP.search(t):
            follow_up = True
            roles = _merge(earlier, roles)
            family = earlier["family"] if family is None or _FOLLOW_UP.search(t) else family
            unknown = asked_unknown(t, roles) or earlier.get("unknown")
            if family in ("means", "proportions") and earlier.get("family") in ("means", "proportions"):
                family = earlier["family"]
            method = method or earlier.get("method")
    if family is None:
        return Reading(question, text, None, reason="no calculation recognised in the question")
    reading = _build(question, text, t, quantities, roles, method, method_text, family, unknown)
    if follow_up:
        carried = [n for n, g in reading.roles.items() if g.source == "earlier_turn"]
        reading = replace(
            reading,
            assumptions=(
                *reading.assumptions,
                f"follow-up: {', '.join(carried) or 'nothing'} taken from the earlier turn",
            ),
        )
    return reading


# "… 3 weeks max - can we do it?", "doable in a week?": whether the asked effect fits in the days the test can run
_ASKS_FITS = re.compile(
    r"\b(?:doable|feasible|possible|realistic|enough|fits?|make it|pull (?:it )?off)\b"
    r"|\b(?:can|could) (?:we|i|you)\b(?: (?:do|manage|get|swing) (?:it|that|this)\b)?\s*[?.!]"
)


def asked_unknown(t: str, roles: dict[str, Grounded]) -> str | None:
    """The unknown the wording of ``t`` (lower case) asks for, if any: days, MDE, power or sample size."""
    if ASKS_DAYS.search(t) or ("days" in roles and "daily_traffic" in roles and _ASKS_FITS.search(t)):
        return "days"
    if ASKS_MDE.search(t) and not ({"mde", "mde_abs", "p2"} & set(roles)):
        return "mde"
    if ASKS_POWER.search(t) and "power" not in roles:
        return "power"
    if ASKS_N.search(t):
        return "n"
    return None


def _build(
    question: str,
    text: str,
    t: str,
    quantities: list[Quantity],
    roles: dict[str, Grounded],
    method: str | None,
    method_text: str | None,
    family: str | None,
    unknown: str | None,
) -> Reading:
    b = StepBuilder(roles)
    pairs = [q for q in quantities if q.unit == "pair"]
    tool = _steps(b, t, quantities, pairs, method, family or "", unknown or "n")
    # a named method reads only the inputs it needs: a stray number elsewhere is not a bad power or rate
    invalid = out_of_range(b.used if family in NAMED_FAMILIES or family == "interval_reading" else roles)
    assumptions: list[str] = list(dict.fromkeys(b.notes))
    for step in b.steps:
        given = {**step.params, **dict.fromkeys(step.carry, 0)}
        assumptions += default_assumptions(TOOLS[step.tool], given)
    return Reading(
        question=question,
        text=text,
        tool=tool,
        unknown=unknown,
        roles=b.used,
        steps=tuple(b.steps),
        assumptions=tuple(dict.fromkeys(assumptions)),
        missing=tuple(b.missing) if not invalid else (),
        invalid=tuple(invalid),
        method_requested=method if method_text else None,
        reason="input out of range" if invalid else ("required inputs missing" if b.missing else ""),
        family=family,
    )


def _steps(
    b: StepBuilder,
    t: str,
    quantities: list[Quantity],
    pairs: list[Quantity],
    method: str | None,
    family: str,
    unknown: str,
) -> str | None:

    def step(
        tool: str, params: dict[str, Any], purpose: str, carry: dict[str, tuple[int, str]] | None = None
    ) -> None:
        b.steps.append(Step(tool, b.common(tool, params, t), carry or {}, purpose))

    if family in NAMED_FAMILIES:
        return build_named(b, t, quantities, pairs, family, step, _two_group_means)
    if family == "compromise_power":
        return compromise_power_steps(b, t, quantities, step)
    if family == "srm_check":
        return srm_steps(b, t, quantities)
    if family == "interval_reading":
        return interval_steps(b, t)
    if family == "group_sequential":
        return group_sequential_steps(b, t, method, step)
    if family == "multiple_testing":
        return multiple_testing_steps(b, t, quantities, step)
    if family == "cuped":
        return cuped_steps(b, t, quantities, step)
    if family == "anova_power":
        return anova_power_steps(b, t, unknown, step)
    if family == "chi_square_power":
        return chi_square_power_steps(b, unknown, step)
    if family == "correlation_power":
        return correlation_power_steps(b, unknown, step)
    if family == "binomial_test":
        return binomial_steps(b, t, quantities, step, pairs)
    if family == "paired_t":
        return paired_t_steps(b, t, step)
    if family == "aa_false_positives":
        return aa_steps(b, t, quantities, step)
    if family == "k_groups":
        return k_groups_steps(b, t, quantities, step)
    if family in ("ci", "significance"):
        return comparison_steps(b, t, quantities, step, pairs, method, family)
    if (
        family in ("means", "proportions")
        and unknown == "days"
        and (n_from(b) is not None or "n_total" in b.roles)
    ):
        return proportions_steps(b, t, quantities, method, unknown, step)
    if family == "proportions" and method == "rule_of_thumb":
        return kohavi_rate_steps(b, t, step)
    if family == "means":
        return means_steps(b, t, quantities, method, unknown, step)
    if family == "proportions":
        return proportions_steps(b, t, quantities, method, unknown, step)
    return None
