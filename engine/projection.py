"""The projector: folds the event log into the graph tables, one transaction per batch.

Each batch: load the rows its events can touch, fold them with ``engine.folding`` (pure), then write the final
rows AND the new checkpoint in one transaction. A crash between batches loses nothing and applies nothing twice:
the checkpoint only moves together with the rows it covers. Writes are whole-row and so idempotent as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from surrealdb import RecordID

from engine.db import Database
from engine.errors import IntegrityError
from engine.events import (
    ChunkAdded,
    ChunkRemoved,
    ConceptAliased,
    ConceptDefined,
    ConceptMatched,
    ConceptProposed,
    ConceptRetracted,
    ConceptsMerged,
    DocumentIngested,
    DocumentRetracted,
    LogEntry,
    ProposalAccepted,
    ProposalRejected,
    RelationAsserted,
    RelationProposed,
    RelationRetracted,
    SupportWithdrawn,
)
from engine.folding import GraphState, Row, apply, mention_ids
from engine.row_sources import RowSource, StoredRows, Written
from engine.store import EventStore
from engine.wire import record_id

CHECKPOINT = RecordID("projection_checkpoint", "graph")
DEFAULT_BATCH = 500
ProgressHook = Callable[[int, int], None]  # (position reached, head)
BatchHook = Callable[[str, int], None]  # (stage: "folded" | "committed", last position of the batch)

# Rows loaded without their embedding are written back with MERGE (arrays replace, the vector stays), so an
# alias or a support change never moves 384 floats through the SDK.
_FLUSH = """
BEGIN TRANSACTION;
IF (SELECT VALUE position FROM ONLY $checkpoint) ?? 0 != $from_position {
    THROW 'another projector moved the checkpoint; this batch was not applied';
};
DELETE $delete_ids RETURN NONE;
INSERT INTO document $new_documents RETURN NONE;
FOR $r IN $documents { UPSERT $r.id CONTENT $r RETURN NONE; };
INSERT INTO chunk $new_chunks RETURN NONE;
FOR $r IN $chunks { UPSERT $r.id CONTENT $r RETURN NONE; };
FOR $r IN $chunk_merges { UPDATE $r.id MERGE $r RETURN NONE; };
FOR $u IN $mention_updates { UPDATE $u.id SET mention_ids = $u.mention_ids RETURN NONE; };
INSERT INTO concept $new_concepts RETURN NONE;
FOR $r IN $concepts { UPSERT $r.id CONTENT $r RETURN NONE; };
FOR $r IN $concept_merges { UPDATE $r.id MERGE $r RETURN NONE; };
DELETE $relation_ids RETURN NONE;
INSERT RELATION INTO relation $relations RETURN NONE;
DELETE $mention_ids RETURN NONE;
INSERT RELATION INTO mentions $mentions RETURN NONE;
FOR $r IN $redirects { UPSERT $r.id CONTENT $r RETURN NONE; };
UPSERT $checkpoint SET position = $position RETURN NONE;
COMMIT TRANSACTION;
"""


class Projector:
    """Folds events after the checkpoint into the graph of ``db``.

    ``rows`` is where a batch finds the stored rows it can touch: the database by default, or a
    ``MirroredRows`` for a projector that starts on an empty projection and is its only writer (a rebuild).
    A batch ends at the first document boundary after ``batch_size`` events, or after ``max_vectors`` events carrying
    an embedding (384 floats as Python objects are about 12 KB each, so vectors, not events, bound a large batch's
    memory); it never ends inside one document's events (``batch_may_end``).
    ``hook(stage, position)`` is called after a batch is folded and after it is committed (tests use it to
    simulate a crash); ``progress(position, head)`` after each committed batch.
    """

    def __init__(
        self,
        db: Database,
        *,
        batch_size: int = DEFAULT_BATCH,
        hook: BatchHook | None = None,
        rows: RowSource | None = None,
        max_vectors: int | None = None,
    ) -> None:
        self.db = db
        self.batch_size = batch_size
        self.max_vectors = max_vectors
        self.hook = hook
        self.rows: RowSource = rows if rows is not None else StoredRows(db)
        self._stored_mentions: dict[str, list[str]] = {}

    def checkpoint(self) -> int:
        """The position of the last event folded into the graph."""
        return int(self.db.scalar("SELECT VALUE position FROM ONLY $c", {"c": CHECKPOINT}) or 0)

    def catch_up(
        self, store: EventStore, *, until: int | None = None, progress: ProgressHook | None = None
    ) -> int:
        """Fold every event after the checkpoint (up to ``until``); return how many were folded."""
        start = self.checkpoint()
        head = store.head() if until is None else min(until, store.head())
        redirects = {
            r["merged_id"]: r["into_id"]
            for r in self.db.query("SELECT merged_id, into_id FROM concept_redirect")
        }
        existing = set(self.db.query("SELECT VALUE concept_id FROM concept"))
        folded = 0
        batch: list[LogEntry] = []
        vectors = 0
        full = False
        for event in store.read_entries(after=start, until=head):
            # A full batch is cut only where a document's events end, so that a crash between batches never
            # leaves a document half projected (2 of its 22 chunks served as the whole document).
            if full and batch_may_end(batch[-1], event):
                folded += self._project(batch, redirects, existing)
                batch, vectors = [], 0
                if progress:
                    progress(start + folded, head)
            batch.append(event)
            if getattr(event.payload, "embedding", None) is not None:
                vectors += 1
            full = len(batch) >= self.batch_size or (
                self.max_vectors is not None and vectors >= self.max_vectors
            )
        if batch:
            folded += self._project(batch, redirects, existing)
            if progress:
                progress(start + folded, head)
        return folded

    def apply(self, events: list[LogEntry]) -> int:
        """Fold one batch that must start right after the checkpoint and hold contiguous positions.

        ``IntegrityError`` (and nothing written) if it would skip a position: the checkpoint means "every event up
        to here is in the graph", so it may never move past an event that was not folded.
        """
        redirects = {
            r["merged_id"]: r["into_id"]
            for r in self.db.query("SELECT merged_id, into_id FROM concept_redirect")
        }
        existing = set(self.db.query("SELECT VALUE concept_id FROM concept"))
        return self._project(events, redirects, existing) if events else 0

    # ------------------------------------------------------------------------------------------ one batch
    def _project(self, events: list[LogEntry], redirects: dict[str, str], existing: set[str]) -> int:
        first = events[0].position
        if [e.position for e in events] != list(range(first, first + len(events))):
            raise IntegrityError(f"projection batch skips a position: {[e.position for e in events][:20]}")
        state = GraphState(redirects=dict(redirects), existing_concepts=set(existing))
        self._stored_mentions = {}
        loaded = self._load(state, events)
        for event in events:
            apply(state, event)
        if self.hook:
            self.hook("folded", state.position)
        self.db.crash_point("projection_folded")
        # The transaction refuses to commit if another projector moved the checkpoint meanwhile.
        written = self._flush(state, loaded, from_position=events[0].position - 1)
        self.rows.committed(written)
        redirects.update(state.redirects)
        existing.clear()
        existing.update(state.existing_concepts)
        if self.hook:
            self.hook("committed", state.position)
        return len(events)

    def _load(self, state: GraphState, events: list[LogEntry]) -> dict[str, set[str]]:
        """Load every row the batch can touch; return the ids that already existed, per table."""
        doc_ids: set[str] = set()
        chunk_ids: set[str] = set()
        concept_ids: set[str] = set()
        relation_ids: set[str] = set()
        merged_ids: set[str] = set()
        # Concepts this batch could delete. By name: retracted or merged. By support: a concept loses its last
        # support only to a document the batch retracts; support it had before the batch is found by the support
        # lookup below, support given here is named by the event that gave it.
        doomed_by_name: set[str] = set()
        supported_here: list[tuple[str, str | None]] = []
        retracted_docs: set[str] = set()
        deletes_concepts = False
        for event in events:
            p = event.payload
            match p:
                case DocumentIngested() | DocumentRetracted():
                    doc_ids.add(p.doc_id)
                    if isinstance(p, DocumentRetracted):
                        retracted_docs.add(p.doc_id)
                case ChunkAdded() | ChunkRemoved():
                    doc_ids.add(p.doc_id)
                    chunk_ids.add(p.chunk_id)
                case ConceptDefined() | ConceptAliased() | ConceptProposed() | ConceptMatched():
                    concept_ids.add(state.resolve(p.concept_id))
                    supported_here.append((state.resolve(p.concept_id), event.document_id))
                case ConceptRetracted():
                    concept_ids.add(state.resolve(p.concept_id))
                    doomed_by_name.add(state.resolve(p.concept_id))
                    deletes_concepts = True
                case ConceptsMerged():
                    merged_ids.update({state.resolve(p.into_id), state.resolve(p.merged_id)})
                    concept_ids.update(merged_ids)
                    doomed_by_name.update(merged_ids)
                    deletes_concepts = True
                case RelationAsserted() | RelationRetracted() | RelationProposed():
                    relation_ids.add(p.relation_id)
                    if isinstance(p, RelationAsserted | RelationProposed):
                        concept_ids.update({state.resolve(p.source_id), state.resolve(p.target_id)})
                case SupportWithdrawn(kind="relation"):
                    relation_ids.add(p.target_id)
                case SupportWithdrawn():  # the concept goes if this was its last support
                    concept_ids.add(state.resolve(p.target_id))
                    doomed_by_name.add(state.resolve(p.target_id))
                    deletes_concepts = True
                case ProposalAccepted() | ProposalRejected():
                    _review_targets(p, state, concept_ids, relation_ids, doomed_by_name)
                    deletes_concepts = deletes_concepts or (
                        isinstance(p, ProposalRejected) and p.kind == "concept"
                    )
        named_doomed = doomed_by_name | {c for c, doc in supported_here if doc in retracted_docs}
        rows = self.rows
        loaded: dict[str, set[str]] = {}
        documents = rows.documents(sorted(doc_ids))
        for row in documents:
            state.documents[row["doc_id"]] = row
        loaded["document"] = {row["doc_id"] for row in documents}
        chunks = rows.chunks(sorted(chunk_ids))
        # Chunks of documents that existed: a new version may change their mentions, a retraction removes them.
        chunks += rows.chunks_of(sorted(loaded["document"]))
        for row in chunks:
            state.chunks[row["chunk_id"]] = row
            # Edges to drop if the chunk is replaced within the batch (its row no longer says what it had).
            self._stored_mentions[row["chunk_id"]] = list(row["mention_ids"])
        loaded["chunk"] = set(state.chunks)
        # Embeddings are loaded only where a merge may copy one into a survivor that does not exist yet.
        concepts = rows.concepts(sorted(concept_ids - merged_ids), embedding=False)
        concepts += rows.concepts(sorted(merged_ids), embedding=True)
        if retracted_docs:
            concepts += rows.concepts_supported_by(sorted(retracted_docs), excluding=sorted(concept_ids))
            deletes_concepts = True
        for row in concepts:
            state.concepts[row["concept_id"]] = row
        loaded["concept"] = set(state.concepts)
        relations = rows.relations(sorted(relation_ids))
        if deletes_concepts:
            # Only concepts this batch could delete: named by a concept event, or supported by a retracted document.
            doomed = named_doomed | {
                c for c, row in state.concepts.items() if row and retracted_docs & set(row["supported_by"])
            }
            relations += rows.relations_touching(sorted(doomed))
            relations += rows.relations_supported_by(sorted(retracted_docs))
        for row in relations:
            state.relations[row["relation_id"]] = row
        loaded["relation"] = set(state.relations)
        return loaded

    def _flush(self, state: GraphState, loaded: dict[str, set[str]], from_position: int) -> Written:
        delete_ids: list[RecordID] = []
        vars_: dict[str, Any] = {}
        for table, rows, dirty in (
            ("document", state.documents, state.dirty_documents),
            ("chunk", state.chunks, state.dirty_chunks),
            ("concept", state.concepts, state.dirty_concepts),
        ):
            new, updated, merges = [], [], []
            for key in sorted(dirty):
                row = rows.get(key)
                if row is None:
                    if key in loaded[table]:
                        delete_ids.append(record_id(table, key))
                    continue
                stored = _stored(table, key, row)
                if key not in loaded[table]:
                    new.append(stored)
                elif table == "document" or "embedding" in row:
                    updated.append(stored)
                else:
                    merges.append(stored)
            vars_[f"new_{table}s"] = new
            vars_[f"{table}s"] = updated
            vars_[f"{table}_merges"] = merges
        # Relations are edges: rewrite each dirty one that exists (its ends may have moved in a merge).
        vars_["relation_ids"] = [
            record_id("relation", r) for r in sorted(state.dirty_relations) if r in loaded["relation"]
        ]
        vars_["relations"] = [
            _stored("relation", r, row)
            for r in sorted(state.dirty_relations)
            if (row := state.relations.get(r))
        ]
        self._mentions(state, vars_)
        vars_["redirects"] = [
            {"id": record_id("concept_redirect", m), "merged_id": m, "into_id": i}
            for m, i in sorted(state.new_redirects.items())
        ]
        vars_["delete_ids"] = delete_ids
        vars_["checkpoint"] = CHECKPOINT
        vars_["position"] = state.position
        vars_["from_position"] = from_position
        self.db.query_all(_FLUSH, vars_)
        return Written(
            documents={k: state.documents.get(k) for k in state.dirty_documents},
            chunks={k: state.chunks.get(k) for k in state.dirty_chunks},
            concepts={k: state.concepts.get(k) for k in state.dirty_concepts},
            relations={k: state.relations.get(k) for k in state.dirty_relations},
            mention_ids={u["id"].id: u["mention_ids"] for u in vars_["mention_updates"]},
        )

    def _mentions(self, state: GraphState, vars_: dict[str, Any]) -> None:
        """Recompute mention_ids and mention edges of every chunk whose inputs changed."""
        targets: dict[str, list[str] | None] = {}  # chunk_id -> stored mention_ids (None: row is in state)
        for chunk_id, row in state.chunks.items():
            if row is not None and (row["doc_id"] in state.mention_docs or chunk_id in state.dirty_chunks):
                targets[chunk_id] = None
        if state.mention_concepts:
            rows = self.db.query(
                "SELECT chunk_id, mention_ids FROM chunk WHERE mention_ids CONTAINSANY $c",
                {"c": sorted(state.mention_concepts)},
            )
            for row in rows:
                chunk_id = row["chunk_id"]
                if chunk_id not in state.chunks:
                    targets[chunk_id] = row["mention_ids"]
            for chunk_id, chunk in state.chunks.items():
                if chunk is not None and set(chunk["mention_ids"]) & state.mention_concepts:
                    targets.setdefault(chunk_id, None)
        updates, drop, edges = [], [], []
        new_rows = {r["chunk_id"]: r for r in vars_["new_chunks"] + vars_["chunks"] + vars_["chunk_merges"]}
        for chunk_id in sorted(targets):
            stored = targets[chunk_id]
            if stored is None:
                chunk = state.chunks[chunk_id]
                assert chunk is not None
                old = list(chunk["mention_ids"])
                new = mention_ids(state, chunk)
                if new != old:
                    chunk["mention_ids"] = new
                    if chunk_id in new_rows:
                        new_rows[chunk_id]["mention_ids"] = new
                    else:
                        updates.append({"id": record_id("chunk", chunk_id), "mention_ids": new})
            else:
                old = stored
                new = sorted({state.resolve(c) for c in stored})
                if new != old:
                    updates.append({"id": record_id("chunk", chunk_id), "mention_ids": new})
            stale = set(old) | set(new) | set(self._stored_mentions.get(chunk_id, []))
            drop += [RecordID("mentions", [chunk_id, c]) for c in sorted(stale)]
            edges += [
                {
                    "id": RecordID("mentions", [chunk_id, c]),
                    "in": record_id("chunk", chunk_id),
                    "out": record_id("concept", c),
                    "chunk_id": chunk_id,
                    "concept_id": c,
                }
                for c in new
                if c in state.existing_concepts
            ]
        vars_["mention_updates"] = updates
        vars_["mention_ids"] = drop
        vars_["mentions"] = edges


def _review_targets(
    p: ProposalAccepted | ProposalRejected,
    state: GraphState,
    concept_ids: set[str],
    relation_ids: set[str],
    doomed: set[str],
) -> None:
    """The rows a review decision touches (a rejected concept takes its relations with it)."""
    if p.kind == "concept":
        concept_ids.add(state.resolve(p.target_id))
        if isinstance(p, ProposalRejected):
            doomed.add(state.resolve(p.target_id))
    else:
        relation_ids.add(p.target_id)


def batch_may_end(last: LogEntry, following: LogEntry) -> bool:
    """Whether a projection batch may end between two consecutive log entries: not inside one document's events."""
    return last.document_id is None or last.document_id != following.document_id


def _stored(table: str, key: str, row: Row) -> dict[str, Any]:
    """A folding row as a database row: typed record id and links."""
    out = {**row, "id": record_id(table, key)}
    if table == "chunk":
        out["document"] = record_id("document", row["doc_id"])
    elif table == "relation":
        out["in"], out["out"] = record_id("concept", row["in"]), record_id("concept", row["out"])
    return out


def project(
    db: Database, store: EventStore, *, until: int | None = None, progress: ProgressHook | None = None
) -> int:
    """Fold every pending event of ``store`` into ``db``'s graph; return how many were folded."""
    return Projector(db).catch_up(store, until=until, progress=progress)


@dataclass(frozen=True, slots=True)
class ProjectionStatus:
    """How far the projection has folded the log: ``lag`` events are logged but not yet in the graph."""

    log_position: int
    projection_position: int

    @property
    def lag(self) -> int:
        return max(0, self.log_position - self.projection_position)


def projection_status(db: Database) -> ProjectionStatus:
    """The log head and the projection checkpoint of ``db``."""
    return ProjectionStatus(EventStore(db).head(), Projector(db).checkpoint())


def catch_up_projection(db: Database, *, progress: ProgressHook | None = None) -> int:
    """Crash recovery: fold every event the checkpoint is behind on (a process killed after an append, or an
    ``ingest --no-project``); every command that reads the graph calls this first. Returns how many were folded.
    """
    return Projector(db).catch_up(EventStore(db), progress=progress)
