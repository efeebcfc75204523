"""The projection: what the graph holds after folding, cascade retraction, merges, mentions and crash-resume."""

from __future__ import annotations

import pytest

from engine.db import Database
from engine.events import ChunkRemoved, ConceptAliased, ConceptRetracted, NewEvent, RelationRetracted
from engine.graph_reads import count_rows, get_chunk, get_concept
from engine.projection import Projector, batch_may_end
from engine.replay import graph_hash, rebuild
from engine.store import EventStore
from tests.engine.sample_events import (
    append_all,
    concept,
    document,
    merge,
    relation,
    retract_document,
    small_graph,
    vector,
)


def _relations(db: Database) -> dict[str, list[str]]:
    rows = db.query("SELECT relation_id, supported_by FROM relation")
    return {r["relation_id"]: r["supported_by"] for r in rows}


def _mentions(db: Database) -> set[tuple[str, str]]:
    return {(r["chunk_id"], r["concept_id"]) for r in db.query("SELECT chunk_id, concept_id FROM mentions")}


def test_projection_builds_documents_chunks_concepts_relations_and_mentions(
    db: Database, store: EventStore
) -> None:
    small_graph(store)
    assert Projector(db).catch_up(store) == store.head()
    power = get_concept(db, "statistical-power")
    assert power is not None
    assert (power["name"], power["aliases"], power["supported_by"]) == (
        "Statistical Power",
        ["power"],
        ["d1", "d2"],
    )
    assert power["search_text"].startswith("Statistical Power power statistical-power is")
    chunk = get_chunk(db, "d1#0")
    assert chunk is not None and chunk["embedding"] == pytest.approx(vector("d1#0"))
    assert str(chunk["document"]) == "document:d1"
    assert _relations(db)["statistical-power:requires:sample-size"] == ["d1", "d2"]
    assert ("d1#1", "cuped") in _mentions(db) and ("d2#0", "srm") in _mentions(db)
    # Edges are real graph edges: traverse from a concept.
    targets = db.query("SELECT VALUE ->relation->concept.concept_id FROM ONLY concept:⟨statistical-power⟩")
    assert targets == ["sample-size"]
    counts = count_rows(db)
    assert {k: counts[k] for k in ("document", "chunk", "concept", "relation", "mentions")} == {
        "document": 2, "chunk": 4, "concept": 4, "relation": 4, "mentions": 10,
    }  # fmt: skip


def test_retracting_a_document_removes_what_only_it_supported(db: Database, store: EventStore) -> None:
    small_graph(store)
    projector = Projector(db)
    projector.catch_up(store)
    append_all(store, retract_document("d1"))
    projector.catch_up(store)
    concepts = {
        r["concept_id"]: r["supported_by"] for r in db.query("SELECT concept_id, supported_by FROM concept")
    }
    assert concepts == {"statistical-power": ["d2"], "sample-size": ["d2"], "srm": ["d2"]}
    # cuped (only d1) is gone, and with it its relations; the shared relation keeps its other support.
    assert _relations(db) == {
        "statistical-power:requires:sample-size": ["d2"],
        "srm:invalidates:statistical-power": ["d2"],
    }
    assert db.query("SELECT VALUE doc_id FROM document") == ["d2"]
    assert db.query("SELECT VALUE chunk_id FROM chunk ORDER BY chunk_id") == ["d2#0", "d2#1"]
    assert all(chunk.startswith("d2") for chunk, _ in _mentions(db))


def test_facts_asserted_without_a_document_survive_retraction(db: Database, store: EventStore) -> None:
    append_all(
        store,
        document("d1", ["x"]),
        concept("x", None),
        concept("y", "d1"),
        relation("x", "causes", "y", None),
    )
    append_all(store, retract_document("d1"))
    Projector(db).catch_up(store)
    assert db.query("SELECT VALUE concept_id FROM concept") == ["x"]
    assert _relations(db) == {}  # its target y went with d1


def test_merging_moves_aliases_relations_and_mentions_to_the_survivor(
    db: Database, store: EventStore
) -> None:
    small_graph(store)
    append_all(store, merge("statistical-power", "cuped"))
    Projector(db).catch_up(store)
    assert get_concept(db, "cuped") == get_concept(db, "statistical-power")  # the old id redirects
    power = get_concept(db, "statistical-power")
    assert power is not None
    assert power["aliases"] == ["power", "Cuped", "CUPED"]
    assert power["supported_by"] == ["d1", "d2"]
    rels = _relations(db)
    assert "cuped:increases:statistical-power" not in rels  # became a self-loop
    moved = db.query("SELECT VALUE [in.concept_id, out.concept_id] FROM ONLY relation:⟨cuped:similar_to:srm⟩")
    assert moved == ["statistical-power", "srm"]
    assert ("d1#0", "statistical-power") in _mentions(db)
    assert not any(c == "cuped" for _, c in _mentions(db))
    # Later events that name the merged concept land on the survivor.
    store.append("concept:cuped", [NewEvent(payload=ConceptAliased(concept_id="cuped", alias="CUPAC-ish"))])
    Projector(db).catch_up(store)
    assert "CUPAC-ish" in get_concept(db, "statistical-power")["aliases"]  # type: ignore[index]


def test_explicit_retractions_and_chunk_removal(db: Database, store: EventStore) -> None:
    small_graph(store)
    store.append("concept:srm", [ConceptRetracted(concept_id="srm", reason="duplicate")])
    store.append(
        "relation:statistical-power:requires:sample-size",
        [RelationRetracted(relation_id="statistical-power:requires:sample-size")],
    )
    store.append("document:d1", [ChunkRemoved(chunk_id="d1#1", doc_id="d1")])
    Projector(db).catch_up(store)
    assert get_concept(db, "srm") is None
    assert _relations(db) == {"cuped:increases:statistical-power": ["d1"]}
    assert get_chunk(db, "d1#1") is None
    assert not any(chunk == "d1#1" or c == "srm" for chunk, c in _mentions(db))


def test_a_redefined_concept_regains_its_mentions(db: Database, store: EventStore) -> None:
    append_all(store, document("d1", ["x"]), concept("x", "d1"))
    store.append("concept:x", [ConceptRetracted(concept_id="x")])
    projector = Projector(db, batch_size=1)
    projector.catch_up(store)
    assert _mentions(db) == set()
    append_all(store, concept("x", "d1"))
    projector.catch_up(store)
    assert _mentions(db) == {("d1#0", "x"), ("d1#1", "x")}


def _scenario(store: EventStore) -> None:
    small_graph(store)
    append_all(
        store,
        merge("sample-size", "srm"),
        document("d3", ["srm", "cuped"], chunks=3),
        concept("cuped", "d3"),
        retract_document("d1"),
        relation("cuped", "reduces_variance_of", "sample-size", "d3"),
        retract_document("d2"),
        document("d1", ["statistical-power"]),
    )


@pytest.mark.parametrize("batch_size", [1, 2, 5, 7, 1000])
def test_the_graph_does_not_depend_on_batch_boundaries(
    db: Database, store: EventStore, batch_size: int
) -> None:
    _scenario(store)
    Projector(db, batch_size=1000).catch_up(store)
    reference = graph_hash(db)
    with db.sibling("other", "graph") as other:
        from engine.migrations import migrate

        migrate(other)
        Projector(other, batch_size=batch_size).catch_up(store)
        assert graph_hash(other) == reference


class Crash(RuntimeError):
    pass


@pytest.mark.parametrize("stage", ["folded", "committed"])
def test_a_projector_crash_between_batches_resumes_without_double_applying(
    db: Database, store: EventStore, stage: str
) -> None:
    _scenario(store)
    calls = 0
    committed: list[int] = []

    def crash_on_third_batch(at: str, position: int) -> None:
        nonlocal calls
        if at == "committed":
            committed.append(position)
        if at == stage:
            calls += 1
            if calls == 3:
                raise Crash(f"simulated crash after {at} at {position}")

    with pytest.raises(Crash):
        Projector(db, batch_size=4, hook=crash_on_third_batch).catch_up(store)
    checkpoint = Projector(db).checkpoint()
    # A folded-but-uncommitted batch left no trace: the checkpoint is the last committed batch's end.
    assert len(committed) == (3 if stage == "committed" else 2)
    assert checkpoint == committed[-1]
    # Batches end only between documents, never inside one document's events.
    entries = {e.position: e for e in store.read_entries()}
    for end in committed:
        if end < store.head():
            assert batch_may_end(entries[end], entries[end + 1]), f"batch ended inside a document at {end}"
    assert Projector(db, batch_size=4).catch_up(store) == store.head() - checkpoint
    resumed = graph_hash(db)
    report = rebuild(db, store)
    assert report.events == store.head()
    assert graph_hash(db) == resumed


def test_a_second_projector_racing_the_first_cannot_apply_a_batch_twice(
    db: Database, store: EventStore
) -> None:
    from engine.errors import IntegrityError

    small_graph(store)
    rival = Projector(db)

    def rival_runs_meanwhile(stage: str, position: int) -> None:
        if stage == "folded" and rival.checkpoint() == 0:
            rival.catch_up(store)

    with pytest.raises(IntegrityError, match="another projector moved the checkpoint"):
        Projector(db, batch_size=5, hook=rival_runs_meanwhile).catch_up(store)
    assert Projector(db).checkpoint() == store.head()
    live = graph_hash(db)
    rebuild(db, store)
    assert graph_hash(db) == live


def test_a_batch_never_ends_inside_a_document(db: Database, store: EventStore) -> None:
    """Defect 1 of issue 13: a crash between batches served a document with 2 of its 22 chunks."""
    store.append_many([document("long", chunks=10), document("short", chunks=2)])
    committed: list[int] = []
    Projector(
        db, batch_size=4, hook=lambda at, p: committed.append(p) if at == "committed" else None
    ).catch_up(store)
    documents = [e.document_id for e in store.read_entries()]
    first_of_short = documents.index("short") + 1
    assert committed == [first_of_short - 1, store.head()]
