"""The event store against every embedded backend: positions, streams, idempotency, atomicity, immutability."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings
from engine.db import Database, open_database
from engine.errors import ConcurrencyError, EventValidationError, IntegrityError, ProgrammingError
from engine.events import ChunkAdded, DocumentIngested, NewEvent, RelationAsserted
from engine.migrations import migrate
from engine.store import EventStore, StreamAppend
from tests.engine.sample_events import concept, document, vector


@pytest.fixture(params=["mem", "surrealkv"])
def backend_store(request: pytest.FixtureRequest, tmp_path: Path, settings: Settings) -> Iterator[EventStore]:
    """The same store cases run on ``mem://`` and on a ``surrealkv://`` file."""
    url = "mem://" if request.param == "mem" else f"surrealkv://{tmp_path / 'log.db'}"
    with open_database(settings.model_copy(update={"db_url": url})) as database:
        migrate(database)
        yield EventStore(database)


def _doc(doc_id: str) -> DocumentIngested:
    return DocumentIngested(doc_id=doc_id, title="T", kind="guide", source="x.md", content_hash="h")


def test_positions_are_global_gapless_and_streams_versioned(backend_store: EventStore) -> None:
    first = document("d1", chunks=2)
    second = document("d2", chunks=1)
    assert backend_store.append(first.stream_id, first.events) == [1, 2, 3]
    assert backend_store.append(second.stream_id, second.events) == [4, 5]
    events = list(backend_store.read())
    assert [e.position for e in events] == [1, 2, 3, 4, 5]
    assert [(e.stream_id, e.stream_version) for e in events][2:4] == [("document:d1", 3), ("document:d2", 1)]
    assert backend_store.head() == 5
    assert backend_store.stream_version("document:d1") == 3
    assert backend_store.stream_version("document:none") == 0
    assert [e.position for e in backend_store.read(after=2, limit=2)] == [3, 4]
    assert [e.position for e in backend_store.read(until=2)] == [1, 2]
    assert events[0].provenance.document_id == "d1"
    assert events[0].recorded_at.endswith("+00:00")


def test_wrong_expected_version_raises_and_writes_nothing(backend_store: EventStore) -> None:
    backend_store.append("document:d1", [_doc("d1")], expected_version=0)
    with pytest.raises(ConcurrencyError) as err:
        backend_store.append("document:d1", [_doc("d1")], expected_version=0)
    assert (err.value.expected, err.value.actual) == (0, 1)
    assert isinstance(err.value, IntegrityError)
    assert backend_store.head() == 1
    assert backend_store.append("document:d1", [_doc("d1")], expected_version=1) == [2]


def test_reappending_an_idempotency_key_returns_the_original_position(backend_store: EventStore) -> None:
    event = NewEvent(payload=_doc("d1"), idempotency_key="ingest:d1:v1")
    assert backend_store.append("document:d1", [event]) == [1]
    backend_store.append("document:d2", [_doc("d2")])
    # A retry after an unknown outcome, even with a now-stale expected version, is a no-op.
    assert backend_store.append("document:d1", [event], expected_version=0) == [1]
    assert backend_store.head() == 2
    assert backend_store.stream_version("document:d1") == 1


def test_a_bad_payload_raises_a_typed_error_and_nothing_is_written(backend_store: EventStore) -> None:
    good = _doc("d1")
    short = ChunkAdded(
        chunk_id="c",
        doc_id="d1",
        position=0,
        text="t",
        embedding=[0.1] * 3,
        embedding_model="m",
        content_hash="h",
    )
    with pytest.raises(EventValidationError, match="embedding"):
        backend_store.append("document:d1", [good, short])
    bad_type = RelationAsserted(
        relation_id="a:b:c", source_id="a", target_id="c", rel_type="befriends", weight=0.5
    )
    with pytest.raises(EventValidationError, match="unknown relation type 'befriends'"):
        backend_store.append("relation:a:b:c", [bad_type])
    assert backend_store.head() == 0


def test_append_many_is_all_or_nothing_across_streams(backend_store: EventStore) -> None:
    backend_store.append("concept:x", concept("x", None).events)
    parts = [document("d1"), StreamAppend("concept:x", concept("x", "d1").events, expected_version=0)]
    with pytest.raises(ConcurrencyError):
        backend_store.append_many(parts)
    assert backend_store.head() == 1
    assert backend_store.stream_version("document:d1") == 0
    parts[1] = StreamAppend("concept:x", concept("x", "d1").events, expected_version=1)
    assert backend_store.append_many(parts) == [[2, 3, 4], [5]]


def test_concurrent_writers_never_leave_gaps_or_duplicates(backend_store: EventStore) -> None:
    def writer(n: int) -> None:
        for _ in range(10):
            backend_store.append(f"document:w{n}", [_doc(f"w{n}"), _doc(f"w{n}")])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    positions = [e.position for e in backend_store.read()]
    assert positions == list(range(1, 121))
    for n in range(6):
        versions = [e.stream_version for e in backend_store.read() if e.stream_id == f"document:w{n}"]
        assert versions == list(range(1, 21))


def test_the_database_itself_refuses_to_update_or_delete_events(backend_store: EventStore) -> None:
    backend_store.append("document:d1", [_doc("d1")])
    db = backend_store.db
    with pytest.raises(IntegrityError, match="append-only"):
        db.query("UPDATE event:[1] SET event_type = 'Forged'")
    with pytest.raises(IntegrityError, match="append-only"):
        db.query("DELETE event:[1]")
    with pytest.raises(IntegrityError, match="append-only"):
        db.query("DELETE event")
    with pytest.raises(IntegrityError, match="already exists"):
        db.query("CREATE event:[1] CONTENT $e", {"e": {**db.query("SELECT * FROM event:[1]")[0], "id": None}})
    assert [e.event_type for e in backend_store.read()] == ["DocumentIngested"]


def test_every_mem_database_is_private(settings: Settings) -> None:
    with open_database(settings) as a, open_database(settings) as b:
        migrate(a)
        migrate(b)
        EventStore(a).append("document:d1", [_doc("d1")])
        assert EventStore(b).head() == 0


def test_surrealkv_log_survives_reopening(tmp_path: Path, settings: Settings) -> None:
    file_settings = settings.model_copy(update={"db_url": f"surrealkv://{tmp_path / 'kv.db'}"})
    with open_database(file_settings) as db:
        migrate(db)
        EventStore(db).append("concept:x", concept("x", "d1").events)
    with open_database(file_settings) as db:
        events = list(EventStore(db).read())
    assert [(e.event_type, e.payload.embedding) for e in events] == [("ConceptDefined", vector("x"))]  # type: ignore[attr-defined]


def test_a_second_process_cannot_open_a_surrealkv_file_in_use(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "locked.db"
    file_settings = settings.model_copy(update={"db_url": f"surrealkv://{path}"})
    script = (
        "import sys\nfrom config import Settings\nfrom engine.db import open_database\n"
        "from engine.errors import DatabaseLockedError\n"
        f"try:\n    open_database(Settings(db_url='surrealkv://{path}'))\n"
        "except DatabaseLockedError as e:\n    print('locked:', e); sys.exit(3)\n"
    )
    with open_database(file_settings) as db:
        migrate(db)
        # Within one process, a second open shares the connection instead of forking the datastore.
        with open_database(file_settings) as again:
            EventStore(db).append("document:d1", [_doc("d1")])
            assert EventStore(again).head() == 1
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "another process" in done.stdout
    # Once released, another process may open it.
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_database_query_returns_last_statement_rows(db: Database) -> None:
    assert db.query("RETURN 1; SELECT * FROM [{a: 1}, {a: 2}]") == [{"a": 1}, {"a": 2}]
    assert db.query_all("RETURN 1; RETURN [2]") == [1, [2]]
    assert db.scalar("RETURN $x + 1", {"x": 41}) == 42
    with pytest.raises(ProgrammingError, match="Parse error"):
        db.query("SELECT VALUE name FROM event ORDER BY nothing_selected")
