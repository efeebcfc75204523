"""The event store's contract, as pyeventsourcing tests its recorders: one abstract case, run on every backend.

``StoreContract`` holds the cases; ``TestMemStore`` and ``TestSurrealKVStore`` run them on ``mem://`` and on a
``surrealkv://`` file. The cases follow eventsourcing's ``tests/persistence.py`` (AggregateRecorderTestCase,
ApplicationRecorderTestCase, ProcessRecorderTestCase): conflicting versions are an ``IntegrityError``, a batch is
all or nothing, notifications are read by position with start/limit and in either direction, positions stay
contiguous under concurrent writers while readers poll, a re-append is idempotent, the tracking record (our
projection checkpoint) cannot skip a position, and a throughput figure is printed.

Why threads in one process are safe, and what is tested across processes: the embedded engine is one datastore per
open, so ``engine.db`` gives every open of a path in a process ONE shared connection guarded by ONE lock, and the
store's read-then-write append runs inside that lock (``Database.exclusive``) while the database itself re-checks
the log head in the append's transaction. Concurrency inside a process therefore cannot corrupt the log; the
concurrent-writer case below still checks it, with readers polling at the same time. Across processes the embedded
engine cannot be shared at all (two datastores over one set of files lose each other's writes), so the case that
CAN fail is separate processes on one file: ``test_separate_processes_...`` starts real processes that race for the
same ``surrealkv://`` file and checks that each one is either refused cleanly (``DatabaseLockedError``) or writes
while holding the file alone, and that no write is lost.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from surrealdb import RecordID

from config import Settings
from engine.db import open_database
from engine.errors import ConcurrencyError, EventValidationError, IntegrityError
from engine.events import DocumentIngested, LogEntry, NewEvent
from engine.migrations import migrate
from engine.projection import Projector
from engine.store import EventStore, StreamAppend
from tests.engine.sample_events import document


def _doc(doc_id: str, n: int = 0) -> DocumentIngested:
    return DocumentIngested(
        doc_id=doc_id, title="T", kind="guide", source=f"{doc_id}.md", content_hash=f"h{n}"
    )


class StoreContract:
    """The abstract cases; subclasses say which database URL they run against."""

    def url(self, tmp_path: Path) -> str:
        raise NotImplementedError

    @pytest.fixture
    def store(self, tmp_path: Path, settings: Settings) -> Iterator[EventStore]:
        with open_database(settings.model_copy(update={"db_url": self.url(tmp_path)})) as database:
            migrate(database)
            yield EventStore(database)

    def test_a_duplicate_stream_version_is_an_integrity_error(self, store: EventStore) -> None:
        store.append("document:a", [_doc("a")], expected_version=0)
        with pytest.raises(ConcurrencyError) as err:
            store.append("document:a", [_doc("a", 1)], expected_version=0)
        assert isinstance(err.value, IntegrityError)
        # Below the store's own check, the database refuses a second (stream, version) pair by its unique index.
        row = store.db.query("SELECT * FROM event:[1]")[0]
        forged = {**row, "id": RecordID("event", [2]), "position": 2, "idempotency_key": "other"}
        with pytest.raises(IntegrityError):
            store.db.query("CREATE event:[2] CONTENT $e", {"e": forged})
        assert store.head() == 1
        assert [e.stream_version for e in store.read()] == [1]

    def test_a_batch_is_all_or_nothing(self, store: EventStore) -> None:
        store.append("document:b", [_doc("b")])
        good = document("a", chunks=3)
        stale = StreamAppend("document:b", [_doc("b", 2)], expected_version=0)  # b is at version 1
        with pytest.raises(ConcurrencyError):
            store.append_many([good, stale])
        assert store.head() == 1
        assert store.stream_version("document:a") == 0
        with pytest.raises(EventValidationError):
            store.append_many([good, StreamAppend("document:c", ["not an event"])])  # type: ignore[list-item]
        assert store.head() == 1
        assert store.append_many([good, StreamAppend("document:b", [_doc("b", 2)], expected_version=1)]) == [
            [2, 3, 4, 5],
            [6],
        ]

    def test_reads_by_position_after_limit_and_descending(self, store: EventStore) -> None:
        for n in range(10):
            store.append(f"document:r{n}", [_doc(f"r{n}")])
        assert [e.position for e in store.read()] == list(range(1, 11))
        assert [e.position for e in store.read(after=3, limit=4)] == [4, 5, 6, 7]
        assert [e.position for e in store.read(after=8, limit=5)] == [9, 10]
        assert [e.position for e in store.read(after=10)] == []
        assert [e.position for e in store.read(descending=True, limit=3)] == [10, 9, 8]
        assert [e.position for e in store.read(after=5, descending=True)] == [10, 9, 8, 7, 6]
        assert [e.position for e in store.read(until=6, descending=True, limit=2)] == [6, 5]
        assert [e.position for e in store.read(after=2, until=4)] == [3, 4]
        assert store.read(after=4, limit=1).__next__().stream_id == "document:r4"

    def test_positions_stay_contiguous_under_ten_writers_while_two_readers_poll(
        self, store: EventStore
    ) -> None:
        writers, per_writer = 10, 8
        stop = threading.Event()
        seen: list[list[int]] = []
        heads: list[int] = []
        errors: list[BaseException] = []

        def write(n: int) -> None:
            try:
                for i in range(per_writer):
                    store.append(f"document:w{n}", [_doc(f"w{n}", i)])
            except BaseException as exc:  # surfaced by the assertion below
                errors.append(exc)

        def poll() -> None:
            while not stop.is_set():
                heads.append(store.head())
                seen.append([e.position for e in store.read()])

        readers = [threading.Thread(target=poll) for _ in range(2)]
        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        for t in readers + threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        for t in readers:
            t.join()
        assert not errors, errors
        total = writers * per_writer
        assert [e.position for e in store.read()] == list(range(1, total + 1))
        for n in range(writers):
            versions = [e.stream_version for e in store.read() if e.stream_id == f"document:w{n}"]
            assert versions == list(range(1, per_writer + 1))
        # Every poll saw a gapless prefix of the log, and the head never went backwards for a reader.
        assert seen and all(s == list(range(1, len(s) + 1)) for s in seen)
        assert max(heads) <= total

    def test_reappending_the_same_events_is_idempotent(self, store: EventStore) -> None:
        events = [NewEvent(payload=_doc("i", n), idempotency_key=f"ingest:i:{n}") for n in range(3)]
        assert store.append("document:i", events) == [1, 2, 3]
        assert store.append("document:i", events) == [1, 2, 3]
        assert store.append("document:i", events, expected_version=0) == [
            1,
            2,
            3,
        ]  # a retry after a lost reply
        assert store.head() == 3
        assert store.stream_version("document:i") == 3

    def test_the_tracking_checkpoint_cannot_skip_a_gap(self, store: EventStore) -> None:
        store.append_many([document("a", chunks=2), document("b", chunks=2)])
        entries = list(store.read_entries())
        projector = Projector(store.db)
        with pytest.raises(IntegrityError, match="skips a position"):
            projector.apply([entries[0], entries[2]])
        assert projector.checkpoint() == 0
        with pytest.raises(IntegrityError):
            projector.apply(entries[1:3])  # starts after position 1, which was never folded
        assert projector.checkpoint() == 0
        assert projector.apply(entries[:3]) == 3
        assert projector.checkpoint() == 3
        with pytest.raises(IntegrityError):
            projector.apply(entries[:3])  # folding the same positions again is refused too
        assert projector.apply(entries[3:]) == 3
        assert projector.checkpoint() == 6

    def test_throughput_figure(self, store: EventStore) -> None:
        batches, size = 20, 50
        started = time.perf_counter()
        for b in range(batches):
            store.append(f"document:t{b}", [_doc(f"t{b}", n) for n in range(size)])
        seconds = time.perf_counter() - started
        read_started = time.perf_counter()
        read = sum(1 for _ in store.read())
        read_seconds = time.perf_counter() - read_started
        print(
            f"\n{type(self).__name__}: appended {batches * size} events in {batches} transactions: "
            f"{batches * size / seconds:,.0f} events/s; read back {read / read_seconds:,.0f} events/s"
        )
        assert read == batches * size


class TestMemStore(StoreContract):
    def url(self, tmp_path: Path) -> str:
        return "mem://"


class TestSurrealKVStore(StoreContract):
    def url(self, tmp_path: Path) -> str:
        return f"surrealkv://{tmp_path / 'contract.db'}"


_RACER = """
import sys, time
from config import Settings
from engine.db import open_database
from engine.errors import DatabaseLockedError
from engine.events import DocumentIngested
from engine.migrations import migrate
from engine.store import EventStore
path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
refused = 0
deadline = time.monotonic() + 90
while True:
    try:
        db = open_database(Settings(db_url=f"surrealkv://{path}"))
    except DatabaseLockedError:
        refused += 1
        if time.monotonic() > deadline:
            sys.exit(4)
        time.sleep(0.05)
        continue
    with db:
        migrate(db)
        store = EventStore(db)
        for i in range(count):
            store.append(f"document:{name}", [DocumentIngested(
                doc_id=name, title="T", kind="guide", source="x.md", content_hash=f"h{i}")])
    print(f"refused {refused}")
    sys.exit(0)
"""


def test_separate_processes_on_one_surrealkv_file_are_refused_cleanly_and_lose_nothing(
    tmp_path: Path,
) -> None:
    """Four processes race for one file: each is refused with DatabaseLockedError until it holds the file alone.

    Without the file lock, two processes would open two independent datastores over the same files and one's
    appends would be lost; this is the concurrency case that can fail, so it runs with real processes.
    """
    path = tmp_path / "shared.db"
    count = 10
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(path), f"p{n}", str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    outputs = [r.communicate(timeout=180) for r in racers]
    assert [r.returncode for r in racers] == [0, 0, 0, 0], [o[1][-400:] for o in outputs]
    refusals = sum(int(o[0].split()[-1]) for o in outputs)
    assert refusals > 0, "the processes overlapped, so at least one must have been refused"
    with open_database(Settings(db_url=f"surrealkv://{path}")) as db:
        store = EventStore(db)
        events = list(store.read())
    assert [e.position for e in events] == list(range(1, 4 * count + 1))
    for n in range(4):
        assert [e.stream_version for e in events if e.stream_id == f"document:p{n}"] == list(
            range(1, count + 1)
        )


def test_log_entries_carry_their_document_for_batch_boundaries(store: EventStore) -> None:
    store.append_many([document("a", chunks=2), document("b", chunks=1)])
    assert [e.document_id for e in store.read_entries()] == ["a", "a", "a", "b", "b"]
    assert all(isinstance(e, LogEntry) for e in store.read_entries())
