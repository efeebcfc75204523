"""Proposal events (issue 19): validation, the pure fold rules, and live projection against a rebuild."""

from __future__ import annotations

import pytest

from engine.db import Database
from engine.errors import EventValidationError
from engine.events import (
    ConceptMatched,
    ConceptProposed,
    Evidence,
    NewEvent,
    ProposalAccepted,
    ProposalRejected,
    Provenance,
    RelationProposed,
    stream_for,
    validate_payload,
)
from engine.projection import Projector
from engine.replay import graph_hash, rebuild
from engine.store import EventStore, StreamAppend
from tests.engine.sample_events import append_all, concept, document, retract_document, vector


def _evidence(doc_id: str, start: int = 0, end: int = 40) -> Evidence:
    return Evidence(
        doc_id=doc_id,
        chunk_id=f"{doc_id}#0",
        start=start,
        end=end,
        sentence="Bucket drift causes sample ratio mismatch.",
        extractor="pattern-extractor",
        extractor_version="1",
        confidence=0.8,
    )


def _proposed(slug: str, doc_id: str) -> StreamAppend:
    payload = ConceptProposed(
        concept_id=slug,
        name=slug.replace("-", " ").capitalize(),
        category="pitfall",  # type: ignore[arg-type]
        definition=f"{slug} is when units move between buckets.",
        aliases=["BD"],
        evidence=_evidence(doc_id),
        embedding=vector(slug),
        embedding_model="test-model",
    )
    return StreamAppend(stream_for(payload), [NewEvent(payload=payload, provenance=_prov(doc_id))])


def _prov(doc_id: str) -> Provenance:
    return Provenance(
        document_id=doc_id, chunk_id=f"{doc_id}#0", extractor="pattern-extractor", extractor_version="1"
    )


def _rel(source: str, rel_type: str, target: str, doc_id: str) -> StreamAppend:
    payload = RelationProposed(
        relation_id=f"{source}:{rel_type}:{target}",
        source_id=source,
        target_id=target,
        rel_type=rel_type,
        weight=0.8,
        evidence=_evidence(doc_id),
    )
    return StreamAppend(stream_for(payload), [NewEvent(payload=payload, provenance=_prov(doc_id))])


def _matched(slug: str, doc_id: str) -> StreamAppend:
    payload = ConceptMatched(
        concept_id=slug, surface="SRM", reason="alias", score=1.0, evidence=_evidence(doc_id, 5, 30)
    )
    return StreamAppend(stream_for(payload), [NewEvent(payload=payload, provenance=_prov(doc_id))])


def _review(kind: str, target: str, accept: bool) -> StreamAppend:
    payload = (ProposalAccepted if accept else ProposalRejected)(kind=kind, target_id=target, reviewer="ana")
    return StreamAppend(stream_for(payload), [NewEvent(payload=payload)])


def test_an_empty_evidence_span_is_refused_with_the_reason() -> None:
    bad = RelationProposed(
        relation_id="a:causes:b",
        source_id="a",
        target_id="b",
        rel_type="causes",
        weight=0.8,
        evidence=_evidence("u", 10, 10),
    )
    with pytest.raises(EventValidationError, match="span"):
        validate_payload(bad)


def test_a_match_reason_outside_the_three_is_refused() -> None:
    with pytest.raises(EventValidationError, match="reason"):
        validate_payload(
            ConceptMatched(concept_id="srm", surface="x", reason="vibes", score=0.9, evidence=_evidence("u"))
        )


def test_review_decisions_live_on_the_proposal_stream() -> None:
    assert stream_for(ProposalAccepted(kind="relation", target_id="a:causes:b")) == "relation:a:causes:b"
    with pytest.raises(EventValidationError, match="kind"):
        validate_payload(ProposalRejected(kind="chunk", target_id="x"))


def _graph(store: EventStore) -> None:
    append_all(
        store,
        document("corpus-srm"),
        concept("sample-ratio-mismatch", "corpus-srm"),
        document("user"),
        _proposed("bucket-drift", "user"),
        _rel("bucket-drift", "causes", "sample-ratio-mismatch", "user"),
        _matched("sample-ratio-mismatch", "user"),
    )


def test_proposals_project_with_status_evidence_and_support(db: Database, store: EventStore) -> None:
    _graph(store)
    Projector(db).catch_up(store)
    row = db.query("SELECT status, evidence, supported_by, aliases FROM concept:⟨bucket-drift⟩")[0]
    assert row["status"] == "proposed" and row["supported_by"] == ["user"] and row["aliases"] == ["BD"]
    assert row["evidence"][0]["chunk_id"] == "user#0" and row["evidence"][0]["end"] == 40
    rel = db.query("SELECT status, justification FROM relation")[0]
    assert rel == {"status": "proposed", "justification": "Bucket drift causes sample ratio mismatch."}
    srm = db.query("SELECT status, supported_by, matches FROM concept:⟨sample-ratio-mismatch⟩")[0]
    assert srm.get("status") is None, "a curated concept never becomes a proposal"
    assert srm["supported_by"] == ["corpus-srm", "user"] and srm["matches"][0]["reason"] == "alias"


def test_retracting_the_document_removes_what_it_alone_supported(db: Database, store: EventStore) -> None:
    _graph(store)
    append_all(store, _review("concept", "bucket-drift", accept=True), retract_document("user"))
    Projector(db).catch_up(store)
    assert db.query("SELECT VALUE concept_id FROM concept") == ["sample-ratio-mismatch"]
    assert db.query("SELECT * FROM relation") == []
    srm = db.query("SELECT supported_by, matches FROM concept:⟨sample-ratio-mismatch⟩")[0]
    assert srm == {"supported_by": ["corpus-srm"], "matches": []}


def test_accepting_sets_the_status_and_rejecting_removes_the_concept_and_its_relations(
    db: Database, store: EventStore
) -> None:
    _graph(store)
    append_all(store, _review("relation", "bucket-drift:causes:sample-ratio-mismatch", accept=True))
    Projector(db).catch_up(store)
    assert db.query("SELECT VALUE status FROM relation") == ["accepted"]
    append_all(
        store,
        _review("concept", "bucket-drift", accept=False),
        _review("concept", "sample-ratio-mismatch", accept=False),
    )
    Projector(db).catch_up(store)
    assert db.query("SELECT VALUE concept_id FROM concept") == ["sample-ratio-mismatch"], (
        "curated rows are never rejected"
    )
    assert db.query("SELECT * FROM relation") == []


def test_live_projection_and_rebuild_hash_alike(db: Database, store: EventStore) -> None:
    _graph(store)
    append_all(store, _review("concept", "bucket-drift", accept=True))
    Projector(db, batch_size=2).catch_up(store)
    live = graph_hash(db)
    with db.sibling("rebuilt", db.name) as other:
        rebuild(other, store)
        assert graph_hash(other) == live
