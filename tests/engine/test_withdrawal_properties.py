"""Property: logs with proposals, restatements, matches and withdrawals project to the same graph however the
projector cuts them into batches, live or rebuilt; a withdrawal never leaves the withdrawing document's support or
evidence, and a document has at most one evidence entry per fact (a restatement replaces it)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import Settings
from engine.db import open_database
from engine.events import (
    ConceptMatched,
    ConceptProposed,
    Evidence,
    NewEvent,
    Provenance,
    RelationProposed,
    SupportWithdrawn,
    stream_for,
)
from engine.migrations import migrate
from engine.projection import Projector
from engine.replay import graph_hash, rebuild
from engine.store import EventStore, StreamAppend
from tests.engine.sample_events import concept, document, merge, retract_document, vector

DOCS = ["d1", "d2", "d3"]
CONCEPTS = ["a", "b", "c"]
SPANS = st.integers(min_value=0, max_value=2)  # where a document states a fact; a new one restates it

operations = st.one_of(
    st.tuples(st.just("doc"), st.sampled_from(DOCS)),
    st.tuples(st.just("curated"), st.sampled_from(CONCEPTS), st.sampled_from(DOCS)),
    st.tuples(st.just("propose"), st.sampled_from(CONCEPTS), SPANS, st.sampled_from(DOCS)),
    st.tuples(st.just("match"), st.sampled_from(CONCEPTS), SPANS, st.sampled_from(DOCS)),
    st.tuples(
        st.just("relate"), st.sampled_from(CONCEPTS), st.sampled_from(CONCEPTS), SPANS, st.sampled_from(DOCS)
    ),
    st.tuples(
        st.just("withdraw"),
        st.sampled_from(["concept", "match", "relation"]),
        st.sampled_from(CONCEPTS),
        st.sampled_from(CONCEPTS),
        st.sampled_from(DOCS),
    ),
    st.tuples(st.just("retract_doc"), st.sampled_from(DOCS)),
    st.tuples(st.just("merge"), st.sampled_from(CONCEPTS), st.sampled_from(CONCEPTS)),
)


def _evidence(doc: str, start: int = 0) -> Evidence:
    return Evidence(
        doc_id=doc,
        chunk_id=f"{doc}#0",
        start=start,
        end=start + 10,
        sentence="A requires B.",
        extractor="pattern-extractor",
        extractor_version="1",
        confidence=0.8,
    )


def _from(doc: str) -> Provenance:
    return Provenance(
        document_id=doc, chunk_id=f"{doc}#0", extractor="pattern-extractor", extractor_version="1"
    )


def _part(op: tuple) -> StreamAppend | None:  # type: ignore[type-arg]
    kind = op[0]
    payload: object
    if kind == "doc":
        return document(op[1])
    if kind == "curated":
        return concept(op[1], op[2])
    if kind == "retract_doc":
        return retract_document(op[1])
    if kind == "merge":
        return merge(op[1], op[2]) if op[1] != op[2] else None
    if kind == "propose":
        payload = ConceptProposed(
            concept_id=op[1],
            name=op[1].upper(),
            category="pitfall",  # type: ignore[arg-type]
            definition=f"{op[1]} is a thing, said at {op[2]}.",
            evidence=_evidence(op[3], op[2]),
            embedding=vector(op[1]),
            embedding_model="test-model",
        )
    elif kind == "match":
        payload = ConceptMatched(
            concept_id=op[1], surface=op[1], reason="alias", score=1.0, evidence=_evidence(op[3], op[2])
        )
    elif kind == "relate":
        if op[1] == op[2]:
            return None
        payload = RelationProposed(
            relation_id=f"{op[1]}:requires:{op[2]}",
            source_id=op[1],
            target_id=op[2],
            rel_type="requires",
            weight=0.8,
            evidence=_evidence(op[4], op[3]),
        )
    else:
        target = f"{op[2]}:requires:{op[3]}" if op[1] == "relation" else op[2]
        payload = SupportWithdrawn(kind=op[1], target_id=target, doc_id=op[4])
    doc = op[-1]
    return StreamAppend(stream_for(payload), [NewEvent(payload=payload, provenance=_from(doc))])  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, min_size=1, max_size=25), batch_size=st.integers(min_value=1, max_value=6))
def test_withdrawals_project_alike_in_any_batching_and_take_the_documents_support(
    ops: list[tuple],  # type: ignore[type-arg]
    batch_size: int,
) -> None:
    with open_database(Settings(db_url="mem://")) as db:
        migrate(db)
        store = EventStore(db)
        for op in ops:
            part = _part(op)
            if part is not None:
                store.append(part.stream_id, part.events)
        Projector(db, batch_size=10_000).catch_up(store)
        whole = graph_hash(db)
        with db.sibling("batched", "graph") as other:
            migrate(other)
            Projector(other, batch_size=batch_size).catch_up(store)
            assert graph_hash(other) == whole
        with db.sibling("rebuilt", "graph") as rebuilt:
            rebuild(rebuilt, store, batch_size=batch_size)
            assert graph_hash(rebuilt) == whole
        for row in db.query("SELECT evidence FROM concept") + db.query("SELECT evidence FROM relation"):
            docs = [e["doc_id"] for e in row.get("evidence") or []]
            assert len(docs) == len(set(docs))
        last = ops[-1]
        if last[0] == "withdraw" and last[1] == "relation":
            rows = db.query(
                "SELECT supported_by, evidence FROM relation WHERE relation_id = $r",
                {"r": f"{last[2]}:requires:{last[3]}"},
            )
            for row in rows:
                assert last[4] not in row["supported_by"]
                assert all(e["doc_id"] != last[4] for e in row.get("evidence") or [])
