"""A changed document withdraws what it no longer states (issue 19): events only, and replay agrees.

Real parts: the embedded database (``mem://``), the bundled embedder, the fixture corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import EventValidationError
from engine.events import ConceptRetracted, RelationRetracted, SupportWithdrawn, stream_for, validate_payload
from engine.replay import graph_hash, rebuild
from engine.review import review_proposal
from ingest.log_state import LogState, ProposalState
from ingest.pipeline import ingest_batches, load_sources
from ingest.proposals import DocumentProposals, plan_proposals
from model.embedder import Embedder
from tests.ingest.conftest import Graph

MCK = "marrowby-canvas-keepers"
REQUIRES = f"{MCK}:requires:statistical-power"
DECREASES = f"autosave-flicker:decreases:{MCK}"

METRICS_V1 = """# Canvas metrics

Marrowby Canvas Keepers (MCK) is defined as the number of painters who saved at least two canvases in a rolling
7-day window. MCK requires statistical power, so size every editor test for it.

Autosave flicker is when the editor reloads a canvas mid-stroke. Autosave flicker decreases MCK.
"""
# v2 drops MCK, both sentences about it, and the relation to it; it still defines autosave flicker.
METRICS_V2 = """# Canvas metrics

Autosave flicker is when the editor reloads a canvas mid-stroke, losing the painter's last brush stroke.
"""
FLICKER_V2 = (
    "Autosave flicker is when the editor reloads a canvas mid-stroke, losing the painter's last brush stroke."
)
GLOSSARY = """# Editor glossary

Marrowby Canvas Keepers (MCK) is defined as the number of painters saving two canvases in one week.
MCK requires statistical power.
"""


def _ingest(graph: Graph, embedder: Embedder, corpus: Path, path: Path) -> dict[str, int]:
    batches, _ = load_sources(corpus, [path], corpus_scope="fixture")
    return ingest_batches(graph.db, graph.store, embedder, batches).events_by_type


def _doc_id(graph: Graph, path: Path) -> str:
    rows = graph.db.query(
        "SELECT VALUE doc_id FROM document WHERE string::ends_with(source, $name)", {"name": path.name}
    )
    assert len(rows) == 1, rows
    return str(rows[0])


def _row(graph: Graph, table: str, key: str, field: str) -> dict | None:
    rows = graph.db.query(
        f"SELECT supported_by, evidence, matches FROM {table} WHERE {field} = $key", {"key": key}
    )  # table and field are literals of this test, the value a parameter
    return rows[0] if rows else None


def _definition(graph: Graph, concept_id: str) -> str:
    return str(
        graph.db.query("SELECT VALUE definition FROM concept WHERE concept_id = $c", {"c": concept_id})[0]
    )


def _fresh_hash(graph: Graph) -> str:
    with graph.db.sibling("fresh_replay", graph.db.name) as other:
        rebuild(other, graph.store)
        return graph_hash(other)


def test_a_changed_document_withdraws_the_concept_and_relation_it_no_longer_states(
    graph: Graph, embedder: Embedder, corpus_copy: Path, tmp_path: Path
) -> None:
    metrics, glossary = tmp_path / "metrics.md", tmp_path / "glossary.md"
    metrics.write_text(METRICS_V1)
    glossary.write_text(GLOSSARY)
    first = _ingest(graph, embedder, corpus_copy, metrics)
    assert first["ConceptProposed"] == 2 and first["RelationProposed"] == 2
    second = _ingest(graph, embedder, corpus_copy, glossary)
    assert second["ConceptMatched"] == 1 and second["RelationProposed"] == 1, "the glossary restates MCK"
    a, b = _doc_id(graph, metrics), _doc_id(graph, glossary)
    assert _row(graph, "concept", MCK, "concept_id")["supported_by"] == sorted([a, b])  # type: ignore[index]
    assert _row(graph, "relation", REQUIRES, "relation_id")["supported_by"] == sorted([a, b])  # type: ignore[index]

    metrics.write_text(METRICS_V2)
    changed = _ingest(graph, embedder, corpus_copy, metrics)
    withdrawn = {
        (e.payload.kind, e.payload.target_id, e.payload.doc_id)
        for e in graph.store.read()
        if isinstance(e.payload, SupportWithdrawn)
    }
    assert withdrawn == {("concept", MCK, a), ("relation", REQUIRES, a)}
    retracted = [
        e.payload for e in graph.store.read() if isinstance(e.payload, RelationRetracted | ConceptRetracted)
    ]
    assert [(type(p).__name__, getattr(p, "relation_id", None)) for p in retracted] == [
        ("RelationRetracted", DECREASES)
    ], "a relation only v1 stated goes; autosave flicker, still defined by v2, stays"
    assert changed.get("ConceptProposed") == 1 and changed.get("ConceptMatched", 0) == 0, (
        "v2 restates autosave flicker in a new sentence: proposed anew, not matched to itself"
    )

    mck = _row(graph, "concept", MCK, "concept_id")
    assert mck is not None and mck["supported_by"] == [b]
    assert all(e["doc_id"] == b for e in mck.get("evidence", []) + mck.get("matches", []))
    requires = _row(graph, "relation", REQUIRES, "relation_id")
    assert requires is not None and requires["supported_by"] == [b]
    assert {e["doc_id"] for e in requires["evidence"]} == {b}
    assert _row(graph, "relation", DECREASES, "relation_id") is None
    flicker = _row(graph, "concept", "autosave-flicker", "concept_id")
    assert flicker is not None and flicker["supported_by"] == [a]
    assert [e["sentence"] for e in flicker["evidence"]] == [FLICKER_V2], (
        "the old sentence is no longer evidence"
    )
    assert _definition(graph, "autosave-flicker") == FLICKER_V2

    assert _ingest(graph, embedder, corpus_copy, metrics) == {}, "re-ingesting v2 withdraws nothing twice"
    assert graph_hash(graph.db) == _fresh_hash(graph)


def test_a_fact_the_document_alone_stated_is_retracted_and_a_dropped_match_is_withdrawn() -> None:
    state = LogState(
        proposals={
            f"concept:{MCK}": ProposalState({"doc-a"}),
            f"relation:{REQUIRES}": ProposalState({"doc-a"}),
            "match:statistical-power": ProposalState({"doc-a", "doc-b"}),
            f"relation:{DECREASES}": ProposalState({"doc-a", "doc-b"}),
            "concept:rejected-thing": ProposalState(set(), rejected=True),
        }
    )
    events = plan_proposals(DocumentProposals("doc-a"), state)
    payloads = {(type(e.payload).__name__, e.stream_id) for e in events}
    assert payloads == {
        ("ConceptRetracted", f"concept:{MCK}"),
        ("RelationRetracted", f"relation:{REQUIRES}"),
        ("SupportWithdrawn", "concept:statistical-power"),
        ("SupportWithdrawn", f"relation:{DECREASES}"),
    }
    assert all(e.provenance.document_id == "doc-a" for e in events)
    assert plan_proposals(DocumentProposals("doc-c"), state) == [], (
        "a document that stated nothing withdraws nothing"
    )


def test_a_withdrawal_names_a_known_kind_and_lives_on_its_facts_stream() -> None:
    with pytest.raises(EventValidationError, match="kind 'chunk' is not one of concept, match, relation"):
        validate_payload(SupportWithdrawn(kind="chunk", target_id="x", doc_id="doc-a"))
    assert stream_for(SupportWithdrawn(kind="match", target_id="cuped", doc_id="doc-a")) == "concept:cuped"
    assert (
        stream_for(SupportWithdrawn(kind="relation", target_id=REQUIRES, doc_id="d"))
        == f"relation:{REQUIRES}"
    )


def test_a_restated_fact_replaces_its_evidence_and_a_reviewed_definition_stays(
    graph: Graph, embedder: Embedder, corpus_copy: Path, tmp_path: Path
) -> None:
    metrics = tmp_path / "metrics.md"
    metrics.write_text(METRICS_V1)
    _ingest(graph, embedder, corpus_copy, metrics)
    metrics.write_text(METRICS_V2)
    _ingest(graph, embedder, corpus_copy, metrics)
    review_proposal(graph.db, graph.store, "concept", "autosave-flicker", accept=True, reviewer="ana")
    v3 = "Autosave flicker is when a canvas reloads itself during a stroke."
    metrics.write_text(f"# Canvas metrics\n\n{v3}\n")
    assert _ingest(graph, embedder, corpus_copy, metrics).get("ConceptProposed") == 1
    row = graph.db.query(
        "SELECT status, definition, evidence FROM concept WHERE concept_id = 'autosave-flicker'"
    )[0]
    assert row["status"] == "accepted" and row["definition"] == FLICKER_V2, "the reviewed wording stays"
    assert [e["sentence"] for e in row["evidence"]] == [v3]
    assert graph_hash(graph.db) == _fresh_hash(graph)
