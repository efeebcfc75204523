"""Event types: validation at the edge, canonical round trips, and upcasting of old schema versions on read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import EventValidationError, UnknownEventTypeError
from engine.events import (
    PAYLOAD_TYPES,
    ChunkAdded,
    ConceptDefined,
    ConceptsMerged,
    DocumentIngested,
    RelationAsserted,
    decode_payload,
    payload_to_dict,
    stream_for,
    validate_payload,
)
from engine.ontology import RELATION_TYPES, ConceptCategory
from engine.store import EventStore
from tests.engine.sample_events import vector


def _stored_v1(store: EventStore, position: int, event_type: str, stream_id: str, payload: dict) -> None:
    """Write an event the way an older release did (schema version 1), straight into the log."""
    store.db.query(
        "CREATE type::thing('event', [$p]) CONTENT $e; UPSERT log_head:main SET position = $p;",
        {
            "p": position,
            "e": {
                "position": position,
                "stream_id": stream_id,
                "stream_version": 1,
                "event_type": event_type,
                "schema_version": 1,
                "idempotency_key": f"legacy-{position}",
                "recorded_at": "2024-01-01T00:00:00+00:00",
                "payload": payload,
                "provenance": {"document_id": "legacy"},
            },
        },
    )


def test_v1_events_are_upcast_on_read(store: EventStore) -> None:
    chunk_v1 = {
        "chunk_id": "d#0", "doc_id": "d", "position": 0, "heading": "", "text": "old text",
        "embedding": vector("old"), "content_hash": "h",
    }  # fmt: skip
    relation_v1 = {"relation_id": "a:causes:b", "source_id": "a", "target_id": "b", "rel_type": "causes"}
    _stored_v1(store, 1, "ChunkAdded", "document:d", chunk_v1)
    _stored_v1(store, 2, "RelationAsserted", "relation:a:causes:b", relation_v1)
    chunk, rel = list(store.read())
    assert isinstance(chunk.payload, ChunkAdded) and chunk.schema_version == 2
    assert chunk.payload.embedding_model == "unknown"
    assert isinstance(rel.payload, RelationAsserted) and rel.schema_version == 2
    assert rel.payload.weight == RELATION_TYPES["causes"].weight == 0.8
    # The log itself is untouched: upcasting happens on read only.
    assert store.db.query("SELECT VALUE schema_version FROM event") == [1, 1]


def test_upcaster_keeps_an_explicit_value() -> None:
    data = {"relation_id": "a:x:b", "source_id": "a", "target_id": "b", "rel_type": "requires", "weight": 0.3}
    assert RelationAsserted.upcast_v1_v2(data)["weight"] == 0.3


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (DocumentIngested(doc_id="d", title="t", kind="novel", source="s", content_hash="h"), "kind 'novel'"),
        (DocumentIngested(doc_id="d", title="", kind="guide", source="s", content_hash="h"), "title"),
        (
            RelationAsserted(relation_id="r", source_id="a", target_id="a", rel_type="causes", weight=0.5),
            "itself",
        ),
        (
            RelationAsserted(relation_id="r", source_id="a", target_id="b", rel_type="causes", weight=1.5),
            "weight",
        ),
        (ConceptsMerged(into_id="a", merged_id="a"), "merged into itself"),
        (
            ConceptDefined(
                concept_id="Bad Slug",
                name="n",
                category=ConceptCategory.TEST,
                definition="d",
                embedding=vector("x"),
                embedding_model="m",
            ),
            "not a slug",
        ),
        (
            ConceptDefined(
                concept_id="x",
                name="n",
                category="vibes",  # type: ignore[arg-type]
                definition="d",
                embedding=vector("x"),
                embedding_model="m",
            ),
            "category",
        ),
    ],
)
def test_invalid_payloads_are_refused_with_the_reason(payload: object, reason: str) -> None:
    with pytest.raises(EventValidationError, match=reason):
        validate_payload(payload)  # type: ignore[arg-type]


def test_unknown_event_types_and_versions_are_refused() -> None:
    with pytest.raises(UnknownEventTypeError, match="use one of"):
        decode_payload("DocumentShredded", 1, {})
    with pytest.raises(EventValidationError, match="schema version 7"):
        decode_payload("ChunkRemoved", 7, {"chunk_id": "c", "doc_id": "d"})


def test_every_event_type_is_in_the_registry_and_has_a_stream() -> None:
    assert set(PAYLOAD_TYPES) == {
        "DocumentIngested", "ChunkAdded", "ChunkRemoved", "ConceptDefined", "ConceptAliased", "ConceptsMerged",
        "RelationAsserted", "DocumentRetracted", "ConceptRetracted", "RelationRetracted",
        "ConceptProposed", "RelationProposed", "ConceptMatched", "ProposalAccepted", "ProposalRejected",
        "SupportWithdrawn",
    }  # fmt: skip
    assert stream_for(ConceptsMerged(into_id="a", merged_id="b")) == "concept:a"


@given(
    name=st.text(min_size=1, max_size=40),
    aliases=st.lists(st.text(min_size=1, max_size=20), max_size=4),
    weight=st.floats(min_value=0.0, max_value=1.0),
)
def test_payloads_round_trip_through_their_stored_form(name: str, aliases: list[str], weight: float) -> None:
    concept = ConceptDefined(
        concept_id="c", name=name, category="test", definition="d", aliases=aliases,  # type: ignore[arg-type]
        embedding=vector("c"), embedding_model="m",
    )  # fmt: skip
    assert decode_payload("ConceptDefined", 1, payload_to_dict(concept)) == validate_payload(concept)
    rel = RelationAsserted(
        relation_id="a:causes:b", source_id="a", target_id="b", rel_type="causes", weight=weight
    )
    assert decode_payload("RelationAsserted", 2, payload_to_dict(rel)) == rel
