"""Planner traces in the SurrealDB ``trace`` table (operational data, not part of the event log)."""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from engine.graph_reads import QueryRunner

_TRACE_ID = re.compile(r"^[0-9a-f]{32}$")


class TraceNotFoundError(LookupError):
    """No trace with this id; the message says how to find one."""


def new_trace_id() -> str:
    return uuid.uuid4().hex


def valid_trace_id(trace_id: str) -> bool:
    """Trace ids are 32 lower-case hex characters (uuid4)."""
    return bool(_TRACE_ID.match(trace_id))


def jsonable(value: Any) -> Any:
    """Plain JSON/CBOR-safe data: dicts with str keys, lists, str, bool, int, finite floats (others as str)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "item") and callable(value.item):
        return jsonable(value.item())
    return str(value)


def save_trace(db: QueryRunner, trace: dict[str, Any]) -> str:
    """Store a trace document (its ``trace_id`` becomes the record id) and return the id."""
    trace_id = str(trace.get("trace_id") or new_trace_id())
    doc = jsonable({**trace, "trace_id": trace_id, "saved_at": datetime.now(UTC).isoformat()})
    db.query("UPSERT type::thing('trace', $id) CONTENT $doc", {"id": trace_id, "doc": doc})
    return trace_id


def get_trace(db: QueryRunner, trace_id: str) -> dict[str, Any]:
    """The stored trace ``trace_id``; raises ``TraceNotFoundError`` for an unknown or malformed id."""
    if not valid_trace_id(trace_id):
        raise TraceNotFoundError(
            f"{trace_id!r} is not a trace id; trace ids are 32 hex characters, printed by `expgraph ask` "
            "and returned as trace_id in every answer"
        )
    rows = db.query("SELECT * OMIT id FROM type::thing('trace', $id)", {"id": trace_id})
    if not rows:
        raise TraceNotFoundError(
            f"no trace {trace_id}; traces are kept in the database the question was asked on"
        )
    row = rows[0] if isinstance(rows, list) else rows
    return dict(row)
