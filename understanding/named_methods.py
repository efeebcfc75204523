"""Calculators a question reaches by naming its method, and the steps of the simpler ones.

A question that names a method ("Fisher's exact test", "an unconditional exact test", "Bayesian", "mSPRT /
always-valid", "non-inferiority", "Poisson", "ICC / design effect", "conditional power") gets that calculator, with
its inputs read from the question: two groups of counts for the tests, a margin, an ICC and cluster size, an interim
z and information fraction (those readers live in ``understanding.named_method_steps``; which group is the control
in ``understanding.group_order``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from understanding.arm_statistics import arm_summaries
from understanding.group_order import strict_or_arm_means, two_groups
from understanding.named_method_steps import (
    cluster_steps,
    conditional_power_steps,
    equivalence_steps,
    heavy_tails_steps,
    poisson_steps,
)
from understanding.quantities import Quantity
from understanding.reading import Grounded

NAMED_FAMILIES = (
    "dunnett",
    "heavy_tails",
    "ratio_metric",
    "exact_2x2",
    "conditional_power",
    "msprt",
    "bayesian",
    "equivalence",
    "poisson",
    "cluster",
)

_EXACT = re.compile(r"fisher|barnard|boschloo|\bunconditional\b|\bconditional\b(?!\s+power)")
_CONDITIONAL_POWER = re.compile(r"conditional power")
_MSPRT = re.compile(
    r"msprt|always[- ]valid|anytime[- ]valid|confidence sequence|peek(?:ing)? (?:every|each|daily|at any)|"
    r"check(?:ing)? (?:the results |it |results )?continuously|continuous(?:ly)? monitor"
)
_BAYES = re.compile(
    r"bayes|chance to beat|prob(?:ability)? to beat|expected loss|credible interval|"
    r"\bprob(?:ability)? (?:that )?b\s*>\s*a\b|\bp\(\s*b\s*>\s*a\s*\)|"
    r"probability (?:that )?(?:b|the variant|the treatment|variant|treatment) (?:is better|beats|wins|is best)|"
    # "how confident can we be that B is better?", "what's the chance B is better?": asked, how likely it is (a
    # posterior probability, not a p-value); "p=0.03 means a 97% chance the new version is better" asks nothing
    r"(?:how (?:confident|sure|certain) (?:can|could|should) (?:we|i) be|how (?:likely|probable) is it"
    r"|(?:what(?:'s| is)|whats) the (?:chance|odds|likelihood|probability)) (?:that )?"
    r"(?:b|the variant|the treatment|variant|treatment) (?:is better|beats|wins|is the winner)"
)
# "prove the new flow is no worse than 1.5 points below the baseline": a non-inferiority margin
_EQUIVALENCE = re.compile(r"non[- ]?inferior|equivalen|\btost\b|\b(?:no|not|isn'?t) worse than\b")
_POISSON = re.compile(
    r"poisson|user[- ]?days?\b|person[- ]?(?:days|years)|rate ratio|incidence rate|events? per (?:user|day|session)"
)
_CLUSTER = re.compile(
    r"\bicc\b|intra-?cluster|intra-?class|design effect|cluster[- ]randomi|switchback|"
    r"randomi[sz]e (?:by|at the level of|whole) (?:store|city|cities|cluster|school|market|region|clinic|team)"
)

_DUNNETT = re.compile(r"dunnett|many[- ]to[- ]one")
_HEAVY_TAILS = re.compile(r"\byuen|trimmed[- ]means?|trimmed[- ]mean t|winsori[sz]|\bbootstrap")
_RATIO_METRIC = re.compile(r"delta[- ]method|ratio metric")


def named_family(t: str, pairs: list[Quantity]) -> str | None:
    """The calculator family a named method asks for, or None (the general reading decides)."""
    if _CONDITIONAL_POWER.search(t):
        return "conditional_power"
    if _DUNNETT.search(t):
        return "dunnett"
    if _HEAVY_TAILS.search(t):
        return "heavy_tails"
    if _RATIO_METRIC.search(t) and not re.search(r"relative lift|\blift\b", t):
        return "ratio_metric"
    if _EXACT.search(t) or (re.search(r"\bexact test\b", t) and len(pairs) >= 2):
        return "exact_2x2"
    if _MSPRT.search(t):
        return "msprt"
    if _BAYES.search(t):
        return "bayesian"
    if _EQUIVALENCE.search(t):
        return "equivalence"
    if _CLUSTER.search(t):
        return "cluster"
    if _POISSON.search(t):
        return "poisson"
    return None


def _exact_methods(t: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for pattern, name in (
        (r"fisher|(?<!un)\bconditional\b(?!\s+power)", "fisher"),
        (r"barnard", "barnard"),
        (r"boschloo", "boschloo"),
    ):
        m = re.search(pattern, t)
        if m:
            found.append((m.start(), name))
    if re.search(r"\bunconditional\b", t) and not any(n in ("barnard", "boschloo") for _, n in found):
        found.append((re.search(r"\bunconditional\b", t).start(), "barnard"))  # type: ignore[union-attr]
    return [n for _, n in sorted(found)] or ["fisher"]


def build_named(
    b: Any,
    t: str,
    quantities: list[Quantity],
    pairs: list[Quantity],
    family: str,
    step: Callable[..., None],
    two_group_means: Callable[[str, list[Quantity]], dict[str, Grounded] | None],
) -> str:
    """Add the steps of a named-method family to the builder ``b``; returns the (first) tool."""
    params: dict[str, Any] = {}
    if family == "dunnett":
        arms = arm_summaries(t)
        if arms is None or len(arms) < 3:
            b.need("means")
        else:
            params = {"means": [a.mean for a in arms], "sds": [a.sd for a in arms], "ns": [a.n for a in arms]}
            b.used["arms"] = Grounded([vars(a) for a in arms], "question", None, "mean, SD and n of each arm")
            b.notes.append("the first arm written is the control; the others are compared with it")
        step("dunnett", params, "each variant against the control, Dunnett-adjusted")
        return "dunnett"
    if family == "heavy_tails":
        return heavy_tails_steps(b, t, step)
    if family == "ratio_metric":
        b.need("ratio_sums")
        step("ratio_metric", {}, "delta-method test of the ratio metric")
        return "ratio_metric"
    if family == "exact_2x2":
        counts = two_groups(b, t, quantities, pairs) or {}
        methods = _exact_methods(t)
        for method in methods:
            step("exact_2x2_test", {**counts, "method": method}, f"{method} exact test of the 2×2 table")
        return "exact_2x2_test"
    if family in ("bayesian", "msprt"):
        means = strict_or_arm_means(t, quantities, two_group_means) if len(pairs) < 2 else None
        if means is not None:
            b.used.update(means)
            params = {k: g.value for k, g in means.items()}
        else:
            params = two_groups(b, t, quantities, pairs) or {}
        if family == "bayesian":
            tool = "bayesian_ab_means" if means is not None else "bayesian_ab"
            step(tool, params, "posterior probability that B beats A, expected loss, credible interval")
            return tool
        step("msprt", params, "always-valid p-value and confidence sequence")
        return "msprt"
    if family == "equivalence":
        return equivalence_steps(b, t, quantities, pairs, step, two_group_means)
    if family == "poisson":
        return poisson_steps(b, t, quantities, step)
    if family == "cluster":
        return cluster_steps(b, t, quantities, step)
    return conditional_power_steps(b, t, quantities, step)
