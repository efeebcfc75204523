"""What the planner may use of facts extracted from user documents (issue 19), and how an answer names them.

By default (``settings.planner_use_proposed`` false) a proposed, unreviewed concept or relation is invisible to
entity linking, traversal, concept kNN and concept sources; accepted ones are used like curated ones. With the
setting on, proposed facts are used too, and the source text built from one says that it is unreviewed and quotes
the sentence it was extracted from, so the answer that cites it says so. These wrap ``engine.graph_reads``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from engine import graph_reads as reads
from engine.graph_reads import QueryRunner
from planner.types import ConceptName, Edge


def proposed_concepts(db: QueryRunner) -> dict[str, dict[str, Any]]:
    """Proposed concepts by id, with their evidence."""
    return reads.proposed_concept_evidence(db)


def proposed_relations(db: QueryRunner) -> dict[str, dict[str, Any]]:
    """Proposed relations by id, with their evidence."""
    return reads.proposed_relation_evidence(db)


def proposed_note(row: Mapping[str, Any]) -> str:
    """How an answer names a proposed fact: unreviewed, with the sentence that states it and where."""
    evidence = (row.get("evidence") or [{}])[0]
    sentence = str(evidence.get("sentence") or "").strip()
    where = str(evidence.get("doc_id") or "a user document")
    return f"(proposed from {where}, not yet reviewed; evidence: \u201c{sentence}\u201d)"


def concept_names(db: QueryRunner, *, include_proposed: bool) -> list[ConceptName]:
    names = reads.list_concept_names(db)
    if include_proposed:
        return names
    hidden = proposed_concepts(db)
    return [c for c in names if c.concept_id not in hidden]


def edges(db: QueryRunner, *, include_proposed: bool) -> list[Edge]:
    """Typed edges; proposed ones (and edges touching a proposed concept) only with ``include_proposed``."""
    all_edges = reads.list_edges(db)
    relations = proposed_relations(db)
    if include_proposed:
        return [
            replace(e, justification=proposed_note(relations[e.relation_id]))
            if e.relation_id in relations
            else e
            for e in all_edges
        ]
    hidden = proposed_concepts(db)
    return [
        e
        for e in all_edges
        if e.relation_id not in relations and e.source_id not in hidden and e.target_id not in hidden
    ]


def concept_neighbours(
    db: QueryRunner, vector: Sequence[float], k: int, *, index: Any, include_proposed: bool
) -> list[tuple[str, str, float]]:
    found = reads.similar_concepts_knn(db, vector, k=k, index=index)
    if include_proposed:
        return found
    hidden = proposed_concepts(db)
    return [n for n in found if n[0] not in hidden]


def concept_details(
    db: QueryRunner, concept_ids: Sequence[str], *, include_proposed: bool
) -> dict[str, dict[str, Any]]:
    """``reads.concept_details``; a proposed concept's definition ends with ``proposed_note`` (or it is left out)."""
    details = reads.concept_details(db, concept_ids)
    proposed = {c: row for c, row in proposed_concepts(db).items() if c in details}
    for concept_id, row in proposed.items():
        if not include_proposed:
            del details[concept_id]
            continue
        detail = details[concept_id]
        details[concept_id] = {
            **detail,
            "definition": f"{detail.get('definition') or ''} {proposed_note(row)}".strip(),
        }
    return details
