"""Export the event log to JSON Lines and import it back, validating every line before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import msgspec

from engine.errors import EventValidationError
from engine.events import decode_payload, decode_provenance, payload_to_dict
from engine.store import EventStore

_REQUIRED = ("position", "stream_id", "stream_version", "event_type", "schema_version", "idempotency_key",
             "recorded_at", "payload", "provenance")  # fmt: skip


def export_events(
    store: EventStore, out: IO[str], *, after: int = 0, progress: Callable[[int], None] | None = None
) -> int:
    """Write every event after ``after`` as one JSON object per line (current schema); return how many."""
    count = 0
    for event in store.read(after=after):
        out.write(msgspec.json.encode(event.to_dict()).decode() + "\n")
        count += 1
        if progress and count % 500 == 0:
            progress(count)
    return count


def parse_line(number: int, line: str) -> dict[str, Any]:
    """Validate one export line into a storable event row; raise ``EventValidationError`` naming the line."""
    try:
        data = msgspec.json.decode(line)
    except msgspec.DecodeError as exc:
        raise EventValidationError("import", f"line {number}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise EventValidationError("import", f"line {number}: expected a JSON object")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise EventValidationError("import", f"line {number}: missing {', '.join(missing)}")
    try:
        payload = decode_payload(data["event_type"], int(data["schema_version"]), data["payload"])
        provenance = decode_provenance(data["provenance"])
    except EventValidationError as exc:
        raise EventValidationError("import", f"line {number}: {exc}") from None
    return {
        "position": int(data["position"]),
        "stream_id": str(data["stream_id"]),
        "stream_version": int(data["stream_version"]),
        "event_type": payload.event_type,
        "schema_version": payload.schema_version,
        "idempotency_key": str(data["idempotency_key"]),
        "recorded_at": str(data["recorded_at"]),
        "payload": payload_to_dict(payload),
        "provenance": msgspec.to_builtins(provenance),
    }


def read_export(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse export lines (blank lines skipped), validating each."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield parse_line(number, line)


def import_events(store: EventStore, path: Path) -> int:
    """Import an export file into an EMPTY log atomically: any bad line raises and nothing is appended."""
    with path.open(encoding="utf-8") as lines:
        rows = list(read_export(lines))
    versions: dict[str, int] = {}
    for position, row in enumerate(rows, start=1):
        if row["position"] != position:
            raise EventValidationError(
                "import", f"positions must run 1, 2, 3... without gaps; got {row['position']}"
            )
        expected = versions.get(row["stream_id"], 0) + 1
        if row["stream_version"] != expected:
            raise EventValidationError(
                "import",
                f"event {row['position']}: stream {row['stream_id']} version {row['stream_version']}, expected {expected}",
            )
        versions[row["stream_id"]] = expected
    return store.append_recorded(rows)
