"""Property: for any event sequence, the graph is the same however the projector cuts it into batches, and the
same whether the projector reads stored rows back (live) or keeps its own mirror of them (a rebuild)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import Settings
from engine.db import open_database
from engine.events import ChunkRemoved, ConceptAliased, ConceptRetracted, NewEvent, RelationRetracted
from engine.migrations import migrate
from engine.projection import Projector
from engine.replay import graph_hash, rebuild
from engine.store import EventStore, StreamAppend
from tests.engine.sample_events import concept, document, merge, relation, retract_document

DOCS = ["d1", "d2", "d3"]
CONCEPTS = ["a", "b", "c", "d"]
RELATIONS = ["requires", "causes", "similar_to"]

doc_or_none = st.sampled_from([*DOCS, None])
operations = st.one_of(
    st.tuples(
        st.just("doc"), st.sampled_from(DOCS), st.lists(st.sampled_from(CONCEPTS), max_size=3, unique=True)
    ),
    st.tuples(st.just("concept"), st.sampled_from(CONCEPTS), doc_or_none),
    st.tuples(st.just("alias"), st.sampled_from(CONCEPTS), st.sampled_from(["x", "y"])),
    st.tuples(
        st.just("relation"),
        st.sampled_from(CONCEPTS),
        st.sampled_from(RELATIONS),
        st.sampled_from(CONCEPTS),
        doc_or_none,
    ),
    st.tuples(st.just("retract_doc"), st.sampled_from(DOCS)),
    st.tuples(st.just("retract_concept"), st.sampled_from(CONCEPTS)),
    st.tuples(
        st.just("retract_relation"),
        st.sampled_from(CONCEPTS),
        st.sampled_from(RELATIONS),
        st.sampled_from(CONCEPTS),
    ),
    st.tuples(st.just("merge"), st.sampled_from(CONCEPTS), st.sampled_from(CONCEPTS)),
    st.tuples(st.just("remove_chunk"), st.sampled_from(DOCS)),
)


def _append(store: EventStore, op: tuple) -> None:  # type: ignore[type-arg]
    kind = op[0]
    part: StreamAppend | None = None
    if kind == "doc":
        part = document(op[1], op[2], chunks=2)
    elif kind == "concept":
        part = concept(op[1], op[2])
    elif kind == "alias":
        part = StreamAppend(
            f"concept:{op[1]}", [NewEvent(payload=ConceptAliased(concept_id=op[1], alias=op[2]))]
        )
    elif kind == "relation" and op[1] != op[3]:
        part = relation(op[1], op[2], op[3], op[4])
    elif kind == "retract_doc":
        part = retract_document(op[1])
    elif kind == "retract_concept":
        part = StreamAppend(f"concept:{op[1]}", [NewEvent(payload=ConceptRetracted(concept_id=op[1]))])
    elif kind == "retract_relation":
        rid = f"{op[1]}:{op[2]}:{op[3]}"
        part = StreamAppend(f"relation:{rid}", [NewEvent(payload=RelationRetracted(relation_id=rid))])
    elif kind == "merge" and op[1] != op[2]:
        part = merge(op[1], op[2])
    elif kind == "remove_chunk":
        part = StreamAppend(f"document:{op[1]}", [ChunkRemoved(chunk_id=f"{op[1]}#1", doc_id=op[1])])
    if part is not None:
        store.append(part.stream_id, part.events)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operations, min_size=1, max_size=25), batch_size=st.integers(min_value=1, max_value=6))
def test_any_log_projects_to_the_same_graph_in_any_batching(ops: list[tuple], batch_size: int) -> None:  # type: ignore[type-arg]
    with open_database(Settings(db_url="mem://")) as db:
        migrate(db)
        store = EventStore(db)
        for op in ops:
            _append(store, op)
        Projector(db, batch_size=10_000).catch_up(store)
        whole = graph_hash(db)
        with db.sibling("batched", "graph") as other:
            migrate(other)
            Projector(other, batch_size=batch_size).catch_up(store)
            assert graph_hash(other) == whole
        with db.sibling("rebuilt", "graph") as rebuilt:
            rebuild(rebuilt, store, batch_size=batch_size)
            assert graph_hash(rebuilt) == whole
