"""Rebuild the graph from the log, live or as of a past position, and hash it to prove two builds agree."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from surrealdb import RecordID

from config import Settings
from engine.db import Database, open_database
from engine.migrations import migrate
from engine.projection import ProgressHook, Projector
from engine.row_sources import MirroredRows
from engine.store import EventStore

# A rebuild reads no rows back (they are mirrored in memory), so its batches can be far larger than a live
# projector's: each row is then written once per batch, and a row that a later event deletes may never be written.
# 100,000-event synthetic log: 5,000-event batches rebuilt in 33 s, one batch in 19 s. Vectors bound the memory.
REBUILD_BATCH = 100_000
REBUILD_MAX_VECTORS = 5_000

# The projection: what replay drops and rebuilds and what the hash covers (not the log, traces or bookkeeping).
PROJECTED_TABLES = ("document", "chunk", "concept", "relation", "mentions", "concept_redirect")
_IDENTIFIER = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """What a replay did: where it built, up to which position, how many events and how long it took."""

    ns: str
    name: str
    position: int
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else math.inf


def clear_projection(db: Database) -> None:
    """Drop every projected row and the checkpoint in one transaction, keeping the schema.

    Rows are deleted, edges first, rather than tables removed and redefined: once the ``mentions`` edge table held
    ~20,000 rows (the bundled corpus after its judgement-call guides), SurrealDB 2.0 embedded (surrealkv) killed the
    process with a segmentation fault on ``REMOVE TABLE mentions`` plus its redefinition in one transaction, and on
    deleting the chunks (whose edges go with them) before the edges. Deleting the edges first works
    (tests/engine/test_replay.py reproduces it with 24,000 edges in a subprocess).
    """
    tables = db.scalar("INFO FOR DB")["tables"]
    edges_first = sorted(PROJECTED_TABLES, key=lambda t: "TYPE RELATION" not in tables.get(t, ""))
    statements = [f"DELETE {table};" for table in edges_first]
    statements.append("DELETE projection_checkpoint;")
    # Table names are this module's constants, never user input.
    db.query_all("BEGIN TRANSACTION;\n" + "\n".join(statements) + "\nCOMMIT TRANSACTION;")


def rebuild(
    target: Database,
    store: EventStore,
    *,
    as_of: int | None = None,
    progress: ProgressHook | None = None,
    batch_size: int = REBUILD_BATCH,
) -> ReplayReport:
    """Clear ``target``'s projection and fold ``store``'s log into it (up to ``as_of``).

    The projection starts empty and this is its only writer, so the projector finds the rows it wrote in a memory
    mirror instead of reading them back; the checkpoint guard in each batch's transaction refuses the batch if
    another projector moved the checkpoint meanwhile.
    """
    started = time.perf_counter()
    migrate(target)
    clear_projection(target)
    projector = Projector(target, rows=MirroredRows(), batch_size=batch_size, max_vectors=REBUILD_MAX_VECTORS)
    events = projector.catch_up(store, until=as_of, progress=progress)
    return ReplayReport(
        ns=target.ns,
        name=target.name,
        position=projector.checkpoint(),
        events=events,
        seconds=time.perf_counter() - started,
    )


class ReplayRangeError(ValueError):
    """An ``as_of`` outside the log (below 1 or past the head); the message says which positions exist."""


def check_as_of(as_of: int, head: int) -> None:
    """Refuse a position that is not in the log: a past graph exists only for ``1 <= as_of <= head``."""
    if head == 0:
        raise ReplayRangeError("the event log is empty; ingest documents before asking for a past graph")
    if not 1 <= as_of <= head:
        raise ReplayRangeError(f"as_of must be a log position between 1 and the head {head}; got {as_of}")


def as_of_namespace(db: Database, as_of: int) -> str:
    """Where the graph as of ``as_of`` is built beside the live one."""
    return f"{db.ns}_asof_{as_of}"


def as_of_projection(db: Database, as_of: int, *, progress: ProgressHook | None = None) -> Database:
    """A handle on the graph as it stood at log position ``as_of``, built by the engine beside the live graph.

    Built once by a rebuild into ``<ns>_asof_<N>`` and reused afterwards (the past does not change); a build
    that was interrupted has a checkpoint short of ``as_of`` and is rebuilt. The caller closes the handle.
    Raises ``ReplayRangeError`` for a position outside the log.
    """
    store = EventStore(db)
    check_as_of(as_of, store.head())
    target = db.sibling(as_of_namespace(db, as_of), db.name)
    try:
        migrate(target)
        if Projector(target).checkpoint() != as_of:
            report = rebuild(target, store, as_of=as_of, progress=progress)
            if report.position != as_of:
                raise ReplayRangeError(f"the rebuild reached position {report.position}, not {as_of}")
    except BaseException:
        target.close()
        raise
    return target


def drop_as_of_projection(db: Database, as_of: int) -> None:
    """Remove the as-of build at ``as_of`` (its whole namespace); a later ``as_of_projection`` builds it again.

    The live namespace is never dropped. SurrealQL takes no parameter for a namespace name, so the name (the
    configured namespace plus an integer) is checked to be a plain identifier before it is written into the
    statement. Nothing happens when that build does not exist.
    """
    ns = as_of_namespace(db, int(as_of))
    if ns == db.ns or not _IDENTIFIER.fullmatch(ns):
        raise ValueError(f"{ns!r} is not an as-of namespace that can be dropped")
    db.query(f"REMOVE NAMESPACE IF EXISTS `{ns}`;")


def replay(
    settings: Settings,
    as_of: int | None = None,
    target_ns: str | None = None,
    *,
    db: Database | None = None,
    progress: ProgressHook | None = None,
) -> ReplayReport:
    """Rebuild the graph from the log of ``settings``' database (or of ``db`` when given).

    Without ``as_of``/``target_ns`` the live projection is dropped and rebuilt in place. With either, the graph is
    built in namespace ``target_ns`` (default ``<ns>_asof_<N>``) so the live graph keeps serving. An ``as_of``
    outside ``1..head`` raises ``ReplayRangeError`` (no silent clamping, no empty namespace).
    """
    own = db is None
    source = db or open_database(settings)
    try:
        store = EventStore(source)
        if as_of is not None:
            check_as_of(as_of, store.head())
        if as_of is None and target_ns is None:
            return rebuild(source, store, progress=progress)
        ns = target_ns or as_of_namespace(source, as_of if as_of is not None else store.head())
        if ns == source.ns:
            raise ValueError(
                f"target namespace {ns!r} is the live one; pick another or omit it to rebuild in place"
            )
        with source.sibling(ns, source.name) as target:
            return rebuild(target, store, as_of=as_of, progress=progress)
    finally:
        if own:
            source.close()


def _canonical(value: Any) -> Any:
    if isinstance(value, RecordID):
        return f"{value.table_name}:{json.dumps(_canonical(value.id), sort_keys=True)}"
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    return value


def graph_hash(db: Database) -> str:
    """SHA-256 of the projected tables as sorted canonical JSON; equal graphs give equal hashes."""
    digest = hashlib.sha256()
    for table in PROJECTED_TABLES:
        rows = [_canonical(row) for row in db.query(f"SELECT * FROM {table}")]
        rows.sort(key=lambda row: str(row["id"]))
        digest.update(table.encode())
        for row in rows:
            digest.update(json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
            digest.update(b"\n")
    return digest.hexdigest()
