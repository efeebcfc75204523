"""A candidate's ontology category from its wording (the name's last word, the definition's opening); None when
nothing fires, and entity resolution then votes by embedding neighbours."""

from __future__ import annotations

import re

# Category cues in the name's last word or the definition's first words; None when nothing fires.
_CATEGORY_HEADS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "metric_type",
        frozenset(
            [
                "rate",
                "ratio",
                "score",
                "index",
                "days",
                "buyers",
                "listeners",
                "users",
                "sellers",
                "metric",
                "share",
                "count",
            ]
        ),
    ),
    ("test", frozenset({"test", "check"})),
    (
        "pitfall",
        frozenset(
            ["bias", "churn", "imbalance", "lag", "leakage", "contamination", "paradox", "drift", "mismatch"]
        ),
    ),
    (
        "analysis_method",
        frozenset(
            ["estimator", "method", "shrinkage", "regression", "adjustment", "correction", "methodology"]
        ),
    ),
    (
        "design_choice",
        frozenset(
            ["design", "interleaving", "ramp", "rollout", "pool", "period", "schedule", "split", "allocation"]
        ),
    ),
    (
        "practice",
        frozenset(
            ["logging", "log", "launch", "switch", "contract", "stitching", "event", "registration", "review"]
        ),
    ),
)
_CATEGORY_DEFINITIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "metric_type",
        re.compile(
            r"^(?:the )?(?:number|count|share|fraction|percentage|proportion|sum|ratio|average) (?:of\b)|"
            r"\bdivided by\b|\bcomposite of\b|\bpercentage of\b",
            re.I,
        ),
    ),
    ("pitfall", re.compile(r"^when\b|\b(?:overstates?|exaggerat\w*|wrong|mistake)\b", re.I)),
    ("analysis_method", re.compile(r"\b(?:method|methodology|estimator|technique|procedure)\b", re.I)),
)


def category_hint(name: str, definition: str) -> str | None:
    last = name.lower().split()[-1].strip(",.;:") if name.split() else ""
    last = re.split(r"-", last)[-1]
    for category, heads in _CATEGORY_HEADS:
        if last in heads or last.rstrip("s") in heads:
            return category
    for category, pattern in _CATEGORY_DEFINITIONS:
        if pattern.search(definition):
            return category
    return None
