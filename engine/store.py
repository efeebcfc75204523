"""The append-only event store: the log lives in the ``event`` table, one record ``event:[position]`` per event.

Guarantees, enforced by the database and not only by this class:
- gapless unique positions: ``event:[p]`` can be created once and each append checks ``log_head:main`` in its
  transaction, so a racing writer fails and retries instead of leaving a gap or a duplicate;
- per-stream versions: unique index on (stream_id, stream_version) plus optimistic ``expected_version`` checks;
- idempotency: a unique index on ``idempotency_key``; re-appending a known key is a no-op returning its position;
- immutability: ``DEFINE EVENT event_append_only`` refuses UPDATE and DELETE of events.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from surrealdb import RecordID

from engine.db import Database, TransactionConflictError
from engine.errors import ConcurrencyError, EventValidationError, IntegrityError
from engine.events import (
    LogEntry,
    NewEvent,
    Payload,
    RecordedEvent,
    decode_payload,
    decode_provenance,
    pack_entry,
    payload_to_dict,
    unpack_entry,
    validate_payload,
)

_READ_PAGE = 1000
_ENTRY_PAGE = 5000
# Replay reads the packed copy: returning one bytes value costs the engine half of rebuilding the payload object.
_READ_PACKED = "SELECT VALUE [position, event_type, schema_version, packed] FROM event:[$start]..=[$stop]"
# Events written before migrations/0003 have no packed copy.
_READ_UNPACKED = "SELECT VALUE [position, payload, provenance.document_id] FROM $ids"
_MAX_ATTEMPTS = 8

_APPEND = """
BEGIN TRANSACTION;
IF (SELECT VALUE position FROM ONLY log_head:main) ?? 0 != $head {
    THROW 'log head moved during append; retry';
};
FOR $s IN $streams {
    IF (SELECT VALUE version FROM ONLY type::thing('stream', $s.stream_id)) ?? 0 != $s.from_version {
        THROW 'stream version moved during append; retry';
    };
    UPSERT type::thing('stream', $s.stream_id) SET stream_id = $s.stream_id, version = $s.to_version;
};
INSERT INTO event $rows;
UPSERT log_head:main SET position = $new_head;
COMMIT TRANSACTION;
"""


@dataclass(frozen=True, slots=True)
class StreamAppend:
    """One stream's part of an atomic multi-stream append."""

    stream_id: str
    events: Sequence[NewEvent | Payload]
    expected_version: int | None = None


def _as_new_event(event: NewEvent | Payload) -> NewEvent:
    if isinstance(event, NewEvent):
        return event
    if isinstance(event, Payload):
        return NewEvent(payload=event)
    raise EventValidationError(type(event).__name__, "append takes NewEvent or Payload instances")


class EventStore:
    """Append-only event log on a ``Database``. Safe to share between threads of one process."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------------ writes
    def append(
        self, stream_id: str, events: Sequence[NewEvent | Payload], expected_version: int | None = None
    ) -> list[int]:
        """Append events to one stream in one transaction; return their positions.

        ``expected_version`` (0 for a new stream) enables optimistic concurrency: ``ConcurrencyError`` if the
        stream has moved. Events whose idempotency key is already in the log are not written again; their
        original positions are returned. A bad payload raises ``EventValidationError`` and nothing is written.
        """
        return self.append_many([StreamAppend(stream_id, events, expected_version)])[0]

    def append_many(self, appends: Sequence[StreamAppend]) -> list[list[int]]:
        """Append to several streams atomically (all or nothing), e.g. everything one document produced."""
        prepared = [(a, [self._prepare(e) for e in map(_as_new_event, a.events)]) for a in appends]
        keys = [row["idempotency_key"] for _, rows in prepared for row in rows]
        if len(set(keys)) != len(keys):
            raise EventValidationError("batch", "two events in one append share an idempotency key")
        if len({a.stream_id for a in appends}) != len(appends):
            raise EventValidationError("batch", "a stream appears twice in one append_many; merge its events")
        for attempt in range(_MAX_ATTEMPTS):
            with self.db.exclusive():
                existing = self._positions_of_keys(keys)
                if len(existing) == len(keys):
                    return [[existing[row["idempotency_key"]] for row in rows] for _, rows in prepared]
                try:
                    self.db.crash_point("before_append")
                    written = self._write(prepared, existing)
                    self.db.crash_point("after_append")
                    return written
                except ConcurrencyError:
                    raise
                except IntegrityError as exc:
                    if "during append; retry" not in str(exc):
                        raise
                except TransactionConflictError:
                    pass
            time.sleep(0.005 * 2**attempt)
        raise TransactionConflictError(
            f"append gave up after {_MAX_ATTEMPTS} conflicting attempts; retry later"
        )

    def _prepare(self, event: NewEvent) -> dict[str, Any]:
        payload = validate_payload(event.payload)
        stored = payload_to_dict(payload)
        return {
            "event_type": payload.event_type,
            "schema_version": payload.schema_version,
            "idempotency_key": event.idempotency_key or str(uuid.uuid4()),
            "payload": stored,
            "provenance": payload_to_dict(event.provenance),  # type: ignore[arg-type]
            "packed": pack_entry(stored, event.provenance.document_id),
        }

    def _write(
        self, prepared: list[tuple[StreamAppend, list[dict[str, Any]]]], existing: dict[str, int]
    ) -> list[list[int]]:
        head = self.head()
        versions = self._stream_versions([a.stream_id for a, _ in prepared])
        now = datetime.now(UTC).isoformat()
        position = head
        rows: list[dict[str, Any]] = []
        streams: list[dict[str, Any]] = []
        result: list[list[int]] = []
        for append, events in prepared:
            current = versions.get(append.stream_id, 0)
            if append.expected_version is not None and append.expected_version != current:
                raise ConcurrencyError(append.stream_id, append.expected_version, current)
            version = current
            positions: list[int] = []
            for event in events:
                if event["idempotency_key"] in existing:
                    positions.append(existing[event["idempotency_key"]])
                    continue
                position += 1
                version += 1
                rows.append(
                    {
                        **event,
                        "id": RecordID("event", [position]),
                        "position": position,
                        "stream_id": append.stream_id,
                        "stream_version": version,
                        "recorded_at": now,
                    }
                )
                positions.append(position)
            if version != current:
                streams.append(
                    {"stream_id": append.stream_id, "from_version": current, "to_version": version}
                )
            result.append(positions)
        self.db.query_all(_APPEND, {"head": head, "streams": streams, "rows": rows, "new_head": position})
        return result

    def _positions_of_keys(self, keys: list[str]) -> dict[str, int]:
        if not keys:
            return {}
        rows = self.db.query(
            "SELECT idempotency_key, position FROM event WHERE idempotency_key IN $keys", {"keys": keys}
        )
        return {row["idempotency_key"]: row["position"] for row in rows}

    def _stream_versions(self, stream_ids: list[str]) -> dict[str, int]:
        ids = [RecordID("stream", s) for s in stream_ids]
        rows = self.db.query("SELECT stream_id, version FROM $ids", {"ids": ids})
        return {row["stream_id"]: row["version"] for row in rows}

    # ------------------------------------------------------------------ reads
    def head(self) -> int:
        """The position of the last event (0 for an empty log)."""
        value = self.db.scalar("SELECT VALUE position FROM ONLY log_head:main")
        return int(value or 0)

    def stream_version(self, stream_id: str) -> int:
        """The version of a stream: how many events it holds (0 if it does not exist)."""
        return self._stream_versions([stream_id]).get(stream_id, 0)

    def read(
        self,
        after: int = 0,
        limit: int | None = None,
        *,
        until: int | None = None,
        descending: bool = False,
    ) -> Iterator[RecordedEvent]:
        """Events with ``after < position <= until``, oldest first (newest first with ``descending``), at most
        ``limit`` of them; upcast to current schemas. ``descending`` pages back from ``until`` (or the head)."""
        end = self.head() if until is None else min(until, self.head())
        if descending:
            yield from self._read_descending(after, end, limit)
            return
        if limit is not None:
            end = min(end, after + limit)
        start = after + 1
        while start <= end:
            stop = min(end, start + _READ_PAGE - 1)
            rows = self.db.query(
                "SELECT * OMIT packed FROM event:[$start]..=[$stop]", {"start": start, "stop": stop}
            )
            for row in rows:
                yield record_from_row(row)
            start = stop + 1

    def _read_descending(self, after: int, end: int, limit: int | None) -> Iterator[RecordedEvent]:
        low = after + 1 if limit is None else max(after + 1, end - limit + 1)
        stop = end
        while stop >= low:
            start = max(low, stop - _READ_PAGE + 1)
            rows = self.db.query(
                "SELECT * OMIT packed FROM event:[$start]..=[$stop]", {"start": start, "stop": stop}
            )
            for row in reversed(rows):
                yield record_from_row(row)
            stop = start - 1

    def read_entries(self, after: int = 0, *, until: int | None = None) -> Iterator[LogEntry]:
        """What folding needs of the events with ``after < position <= until``, in order, upcast."""
        end = self.head() if until is None else min(until, self.head())
        start = after + 1
        while start <= end:
            stop = min(end, start + _ENTRY_PAGE - 1)
            rows = self.db.query(_READ_PACKED, {"start": start, "stop": stop})
            older = [RecordID("event", [row[0]]) for row in rows if row[3] is None]
            unpacked = (
                {p: (d, doc) for p, d, doc in self.db.query(_READ_UNPACKED, {"ids": older})} if older else {}
            )
            for position, event_type, schema_version, packed in rows:
                if packed is not None:
                    payload, document_id = unpack_entry(packed)
                else:
                    payload, document_id = unpacked[position]
                yield LogEntry(
                    position=position,
                    payload=decode_payload(event_type, schema_version, payload),
                    document_id=document_id,
                )
            start = stop + 1

    def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        """All events of one stream, in stream order."""
        rows = self.db.query(
            "SELECT * OMIT packed FROM event WHERE stream_id = $s ORDER BY stream_version", {"s": stream_id}
        )
        return [record_from_row(row) for row in rows]

    def append_recorded(self, events: Iterable[dict[str, Any]]) -> int:
        """Append exported events verbatim (positions, streams, keys, timestamps) to an EMPTY log atomically."""
        rows = list(events)
        with self.db.exclusive():
            if self.head() != 0:
                raise IntegrityError("import needs an empty event log; this database already has events")
            versions: dict[str, int] = {}
            for expected, row in enumerate(rows, start=1):
                if row["position"] != expected:
                    raise EventValidationError(
                        "import", f"positions must run 1, 2, 3...; got {row['position']}"
                    )
                versions[row["stream_id"]] = row["stream_version"]
            stored = [
                {
                    **row,
                    "id": RecordID("event", [row["position"]]),
                    "packed": pack_entry(row["payload"], (row.get("provenance") or {}).get("document_id")),
                }
                for row in rows
            ]
            streams = [{"stream_id": s, "from_version": 0, "to_version": v} for s, v in versions.items()]
            self.db.query_all(_APPEND, {"head": 0, "streams": streams, "rows": stored, "new_head": len(rows)})
        return len(rows)


def record_from_row(row: dict[str, Any]) -> RecordedEvent:
    """Decode a stored event row (any schema version) into a ``RecordedEvent`` of the current schema."""
    payload = decode_payload(row["event_type"], row["schema_version"], row["payload"])
    return RecordedEvent(
        position=row["position"],
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        event_type=row["event_type"],
        schema_version=payload.schema_version,
        idempotency_key=row["idempotency_key"],
        recorded_at=row["recorded_at"],
        payload=payload,
        provenance=decode_provenance(row.get("provenance")),
    )
