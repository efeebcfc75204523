"""The concept endpoints' reads against the bundled corpus graph."""

from __future__ import annotations

from engine.db import Database
from engine.graph_reads import concept_neighbours_by_relation, list_edges


def test_neighbours_are_every_edge_touching_the_concept_in_both_directions(corpus_db: Database) -> None:
    edges = list_edges(corpus_db)
    for concept_id in ("cuped", "sample-size", "peeking"):
        expected = sorted(
            (
                "out" if e.source_id == concept_id else "in",
                e.rel_type,
                e.target_id if e.source_id == concept_id else e.source_id,
            )
            for e in edges
            if concept_id in (e.source_id, e.target_id)
        )
        found = sorted(
            (n["direction"], n["rel_type"], n["concept_id"])
            for n in concept_neighbours_by_relation(corpus_db, concept_id)
        )
        assert found == expected and len(found) >= 3
        assert {d for d, _, _ in found} == {"in", "out"}
    assert concept_neighbours_by_relation(corpus_db, "no-such-concept") == []
