"""The typed vocabulary of the graph: concept categories and relation types.

Every relation reads as a sentence ``<source> <type> <target>``, e.g. ``cuped reduces_variance_of conversion-metric``.
``weight`` is the default traversal weight of a relation type (how strongly it carries meaning along a path);
corpus relations may override it per edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ConceptCategory(StrEnum):
    STATISTICAL_CONCEPT = "statistical_concept"
    TEST = "test"
    METRIC_TYPE = "metric_type"
    DESIGN_CHOICE = "design_choice"
    ANALYSIS_METHOD = "analysis_method"
    PITFALL = "pitfall"
    PRACTICE = "practice"


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    reads_as: str
    inverse_reads_as: str
    weight: float
    meaning: str


RELATION_TYPES: dict[str, RelationType] = {
    r.name: r
    for r in (
        RelationType(
            "requires",
            "requires",
            "is required by",
            0.9,
            "The source cannot be computed or applied without the target (power analysis requires effect size).",
        ),
        RelationType(
            "prerequisite_of",
            "is a prerequisite of",
            "has prerequisite",
            0.7,
            "Understand the source before the target (p-value is a prerequisite of false discovery rate).",
        ),
        RelationType(
            "part_of",
            "is part of",
            "has part",
            0.7,
            "The source is a component or step of the target (guardrail metric is part of an experiment scorecard).",
        ),
        RelationType(
            "special_case_of",
            "is a special case of",
            "generalises",
            0.8,
            "The source is the target under extra assumptions (z-test is a special case of Wald test).",
        ),
        RelationType(
            "alternative_to",
            "is an alternative to",
            "is an alternative to",
            0.6,
            "Either can be used for the same job, with different trade-offs (symmetric).",
        ),
        RelationType(
            "similar_to",
            "is similar to",
            "is similar to",
            0.4,
            "Related or easily confused ideas (symmetric).",
        ),
        RelationType(
            "increases",
            "increases",
            "is increased by",
            0.9,
            "Raising the source raises the target, other things equal (variance increases sample size).",
        ),
        RelationType(
            "decreases",
            "decreases",
            "is decreased by",
            0.9,
            "Raising the source lowers the target, other things equal (effect size decreases sample size).",
        ),
        RelationType(
            "reduces_variance_of",
            "reduces the variance of",
            "has its variance reduced by",
            0.9,
            "The source is a technique that shrinks the variance of the target estimate or metric (CUPED).",
        ),
        RelationType(
            "corrects_for",
            "corrects for",
            "is corrected by",
            0.8,
            "The source is a remedy for the target problem (Bonferroni correction corrects for multiple testing).",
        ),
        RelationType(
            "measured_by",
            "is measured by",
            "measures",
            0.7,
            "The target quantifies or tests the source (sample ratio mismatch is measured by a chi-square test).",
        ),
        RelationType(
            "invalidates",
            "invalidates",
            "is invalidated by",
            0.8,
            "The source breaks the validity or an assumption of the target (interference invalidates SUTVA).",
        ),
        RelationType(
            "detected_by",
            "is detected by",
            "detects",
            0.8,
            "The target is how the source problem is found (sample ratio mismatch is detected by an SRM check).",
        ),
        RelationType(
            "causes",
            "causes",
            "is caused by",
            0.8,
            "The source produces the target (peeking causes inflated type I error).",
        ),
        RelationType(
            "estimates",
            "estimates",
            "is estimated by",
            0.7,
            "The source is an estimator or procedure for the target quantity (delta method estimates the variance of a ratio).",
        ),
        RelationType(
            "used_in",
            "is used in",
            "uses",
            0.6,
            "The source is an input or tool used by the target method or practice.",
        ),
        RelationType(
            "mitigated_by",
            "is mitigated by",
            "mitigates",
            0.8,
            "The target reduces the harm of the source problem without removing its cause.",
        ),
        RelationType(
            "assumes",
            "assumes",
            "is assumed by",
            0.7,
            "The source is valid only if the target holds (t-test assumes independence of observations).",
        ),
        RelationType(
            "controls",
            "controls",
            "is controlled by",
            0.8,
            "The source bounds or sets the target error rate (alpha spending controls the type I error rate).",
        ),
    )
}

SYMMETRIC_RELATIONS: frozenset[str] = frozenset({"alternative_to", "similar_to"})


def relation_type(name: str) -> RelationType:
    """Look up a relation type by name; raises ``ValueError`` naming the known types."""
    try:
        return RELATION_TYPES[name]
    except KeyError:
        known = ", ".join(sorted(RELATION_TYPES))
        raise ValueError(f"unknown relation type {name!r}; use one of: {known}") from None
