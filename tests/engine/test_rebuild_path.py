"""The fast rebuild path: the in-memory row mirror answers as the database would, events are read from their
packed copy (or their payload when they predate it), and large batches stay bounded by the vectors they hold."""

from __future__ import annotations

from surrealdb import RecordID

from engine.db import Database
from engine.events import unpack_entry
from engine.projection import Projector
from engine.replay import graph_hash, rebuild
from engine.row_sources import MirroredRows, StoredRows
from engine.store import EventStore
from tests.engine.sample_events import (
    append_all,
    concept,
    document,
    merge,
    relation,
    retract_document,
    small_graph,
)


def _busy_log(store: EventStore) -> None:
    small_graph(store)
    append_all(
        store,
        document("d3", ["cuped", "variance"], chunks=3),
        concept("variance", "d3", ["spread"]),
        relation("variance", "increases", "sample-size", "d3"),
        relation("cuped", "reduces_variance_of", "variance", "d3"),
        merge("statistical-power", "sample-size"),
        retract_document("d1"),
    )


def _sorted(rows: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return sorted(
        rows,
        key=lambda r: str(r.get("relation_id") or r.get("chunk_id") or r.get("concept_id") or r["doc_id"]),
    )


def test_the_mirror_answers_every_lookup_as_the_database_does(db: Database, store: EventStore) -> None:
    _busy_log(store)
    mirror = MirroredRows()
    Projector(db, rows=mirror, batch_size=4).catch_up(store)
    stored = StoredRows(db)
    docs = ["d1", "d2", "d3", "nope"]
    concepts = ["statistical-power", "sample-size", "cuped", "srm", "variance", "nope"]
    chunks = [f"{d}#{i}" for d in docs for i in range(3)]
    relations = [*db.query("SELECT VALUE relation_id FROM relation"), "nope"]
    assert len(relations) > 2 and db.query("SELECT VALUE chunk_id FROM chunk")
    for source in (mirror, stored):
        # every chunk row is compared without its embedding, as both give them
        assert all("embedding" not in row for row in source.chunks(chunks))
    pairs = [
        (lambda s: s.documents(docs)),
        (lambda s: s.chunks(chunks)),
        (lambda s: s.chunks_of(docs)),
        (lambda s: s.concepts(concepts, embedding=False)),
        (lambda s: s.concepts(concepts, embedding=True)),
        (lambda s: s.concepts_supported_by(["d2", "d3"], excluding=["srm"])),
        (lambda s: s.relations(relations)),
        (lambda s: s.relations_touching(concepts)),
        (lambda s: s.relations_supported_by(["d2", "d3"])),
    ]
    for lookup in pairs:
        assert _sorted(lookup(mirror)) == _sorted(lookup(stored))
    assert sorted(mirror.chunks_mentioning(concepts)) == sorted(stored.chunks_mentioning(concepts))
    assert mirror.relations_touching(["variance"])  # not vacuous: there are edges to find


def test_a_rebuild_and_the_live_projection_hash_alike(db: Database, store: EventStore) -> None:
    _busy_log(store)
    Projector(db).catch_up(store)
    live = graph_hash(db)
    with db.sibling("rebuilt", "graph") as target:
        report = rebuild(target, store)
        assert report.events == store.head()
        assert graph_hash(target) == live


def test_replay_reads_the_packed_copy_and_the_payload_of_older_events(
    db: Database, store: EventStore
) -> None:
    _busy_log(store)
    head = store.head()
    # Events written before migrations/0003 carry no packed copy; two such rows (copies of events 1 and 3) are
    # appended here, the way such a log holds them.
    for n, source in enumerate((1, 3), start=1):
        old = {**db.query("SELECT * OMIT id, packed FROM event:[$p]", {"p": source})[0], "position": head + n}
        old.update(stream_id=f"document:old{n}", stream_version=1, idempotency_key=f"old-event-{n}")
        db.query_all(
            "BEGIN TRANSACTION; CREATE $id CONTENT $row; UPSERT log_head:main SET position = $head; "
            "COMMIT TRANSACTION;",
            {"id": RecordID("event", [head + n]), "row": old, "head": head + n},
        )
    assert db.query("SELECT VALUE packed FROM event WHERE position > $p", {"p": head}) == [None, None]
    entries = list(store.read_entries())
    events = list(store.read())
    assert [e.position for e in entries] == [e.position for e in events] == list(range(1, head + 3))
    assert [(e.payload, e.document_id) for e in entries] == [(e.payload, e.document_id) for e in events]
    packed = db.query("SELECT VALUE packed FROM event:[1]")[0]
    assert unpack_entry(packed) == (db.query("SELECT VALUE payload FROM event:[1]")[0], events[0].document_id)


def test_imported_events_get_their_packed_copy(db: Database, store: EventStore) -> None:
    small_graph(store)
    rows = [e.to_dict() for e in store.read()]
    with db.sibling("imported", "log") as other:
        from engine.migrations import migrate

        migrate(other)
        target = EventStore(other)
        target.append_recorded(rows)
        assert other.query("SELECT VALUE packed FROM event WHERE packed = NONE") == []
        assert [(e.payload, e.document_id) for e in target.read_entries()] == [
            (e.payload, e.document_id) for e in store.read_entries()
        ]


def test_a_batch_ends_once_it_holds_enough_vectors(db: Database, store: EventStore) -> None:
    _busy_log(store)
    commits: list[int] = []
    projector = Projector(
        db,
        rows=MirroredRows(),
        batch_size=10_000,
        max_vectors=3,
        hook=lambda stage, position: commits.append(position) if stage == "committed" else None,
    )
    projector.catch_up(store)
    vectors = sum(1 for e in store.read_entries() if getattr(e.payload, "embedding", None) is not None)
    assert vectors >= 9
    assert len(commits) >= vectors // 3 and commits[-1] == store.head()
    Projector(db).catch_up(store)
    with db.sibling("one-batch", "graph") as target:
        rebuild(target, store)
        assert graph_hash(target) == graph_hash(db)
