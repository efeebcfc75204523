"""Pure folding of events into graph rows: no I/O, so the rules are testable and replay is deterministic.

The projector loads the rows a batch can touch into a ``GraphState``, ``apply`` folds each event in log order, and
the projector writes the final rows back. The result depends only on the event sequence, never on how it was
cut into batches, which is what makes a live projection and a replay hash alike.

Rules:
- support: a concept or relation is supported by the ``provenance.document_id`` of the events asserting it;
  retracting a document removes it from ``supported_by`` and deletes what is left with no support. Facts asserted
  without a document are kept until retracted explicitly.
- a ConceptDefined replaces the concept's fields, aliases and phrasings (a changed concept file is authoritative)
  and adds its document to the support; ConceptAliased and merges add aliases (merges also phrasings).
- deleting a concept deletes the relations touching it (as the database does with graph edges).
- a merge is sticky: the merged id redirects to the survivor, so later events naming it land on the survivor.
- proposals (extracted from user documents): a ConceptProposed / RelationProposed creates a row with
  ``status: "proposed"`` and ``evidence`` (one entry per stating sentence), or adds its document's support and
  evidence to a row that exists (never changing a reviewed or curated row's fields or status). ConceptMatched adds
  support and a ``matches`` entry to an existing concept. ProposalAccepted sets ``status: "accepted"``;
  ProposalRejected deletes the proposed row. A retracted document takes its evidence and matches with its support.
  A proposal or match from a document that already supports the row replaces that document's evidence (and, while
  the row is only proposed, its definition or justification): the document was changed and restates the fact.
  SupportWithdrawn (a changed document no longer states a fact) takes that document's evidence or matches, and
  its support once nothing it stated is left; a row left with no support is deleted.
- mentions: a chunk mentions ``mention_ids`` = its document's ``metadata.concepts`` + its own ``concepts``,
  resolved through merges; an edge exists for each of those concepts that exists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

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
    Payload,
    ProposalAccepted,
    ProposalRejected,
    RelationAsserted,
    RelationProposed,
    RelationRetracted,
    SupportWithdrawn,
    payload_to_dict,
)

Row = dict[str, Any]


class Foldable(Protocol):
    """A logged event as folding reads it (``RecordedEvent`` and ``LogEntry`` both are)."""

    @property
    def position(self) -> int: ...

    @property
    def payload(self) -> Payload: ...

    @property
    def document_id(self) -> str | None: ...


@dataclass
class GraphState:
    """The rows one batch can touch. A key mapped to ``None`` is a row deleted in this batch."""

    documents: dict[str, Row | None] = field(default_factory=dict)
    chunks: dict[str, Row | None] = field(default_factory=dict)
    concepts: dict[str, Row | None] = field(default_factory=dict)
    relations: dict[str, Row | None] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    existing_concepts: set[str] = field(default_factory=set)
    # what changed, for the writer
    dirty_documents: set[str] = field(default_factory=set)
    dirty_chunks: set[str] = field(default_factory=set)
    dirty_concepts: set[str] = field(default_factory=set)
    dirty_relations: set[str] = field(default_factory=set)
    new_redirects: dict[str, str] = field(default_factory=dict)
    mention_docs: set[str] = field(
        default_factory=set
    )  # documents whose chunks' mention_ids must be recomputed
    mention_concepts: set[str] = field(default_factory=set)  # concepts whose existence or identity changed
    position: int = 0

    def resolve(self, concept_id: str) -> str:
        """Follow merge redirects to the surviving concept id."""
        seen = set()
        while concept_id in self.redirects and concept_id not in seen:
            seen.add(concept_id)
            concept_id = self.redirects[concept_id]
        return concept_id

    # Lookups by document and by relation end, so a retraction costs what it touches, not the whole batch.
    # The maps may hold stale keys (a support removed, an edge moved); every lookup re-checks the row itself.
    _index: dict[str, defaultdict[str, set[str]]] | None = field(default=None, repr=False, compare=False)

    def _lookup(self) -> dict[str, defaultdict[str, set[str]]]:
        if self._index is None:
            self._index = {
                name: defaultdict(set) for name in ("chunk_doc", "concept_doc", "rel_doc", "rel_end")
            }
            for key, row in self.chunks.items():
                if row is not None:
                    self._index["chunk_doc"][row["doc_id"]].add(key)
            for key, row in self.concepts.items():
                if row is not None:
                    self.note_concept(key, row)
            for key, row in self.relations.items():
                if row is not None:
                    self.note_relation(key, row)
        return self._index

    def note_chunk(self, chunk_id: str, row: Row) -> None:
        if self._index is not None:
            self._index["chunk_doc"][row["doc_id"]].add(chunk_id)

    def note_concept(self, concept_id: str, row: Row) -> None:
        if self._index is not None:
            for doc in row["supported_by"]:
                self._index["concept_doc"][doc].add(concept_id)

    def note_relation(self, relation_id: str, row: Row) -> None:
        if self._index is not None:
            for doc in row["supported_by"]:
                self._index["rel_doc"][doc].add(relation_id)
            self._index["rel_end"][row["in"]].add(relation_id)
            self._index["rel_end"][row["out"]].add(relation_id)

    def chunks_of(self, doc_id: str) -> list[str]:
        """The live chunks of a document, sorted."""
        found = self._lookup()["chunk_doc"].get(doc_id, ())
        return sorted(c for c in found if (row := self.chunks.get(c)) is not None and row["doc_id"] == doc_id)

    def concepts_supported_by(self, doc_id: str) -> list[str]:
        """The live concepts ``doc_id`` supports, sorted."""
        found = self._lookup()["concept_doc"].get(doc_id, ())
        return sorted(
            c for c in found if (row := self.concepts.get(c)) is not None and doc_id in row["supported_by"]
        )

    def relations_supported_by(self, doc_id: str) -> list[str]:
        """The live relations ``doc_id`` supports, sorted."""
        found = self._lookup()["rel_doc"].get(doc_id, ())
        return sorted(
            r for r in found if (row := self.relations.get(r)) is not None and doc_id in row["supported_by"]
        )

    def relations_touching(self, concept_id: str) -> list[str]:
        """The live relations with ``concept_id`` at either end, sorted."""
        found = self._lookup()["rel_end"].get(concept_id, ())
        return sorted(
            r
            for r in found
            if (row := self.relations.get(r)) is not None and concept_id in (row["in"], row["out"])
        )


def apply(state: GraphState, event: Foldable) -> None:
    """Fold one logged event into ``state``."""
    p = event.payload
    doc = event.document_id
    match p:
        case DocumentIngested():
            _document_ingested(state, p, event.position)
        case ChunkAdded():
            _chunk_added(state, p)
        case ChunkRemoved():
            _delete_chunk(state, p.chunk_id)
        case ConceptDefined():
            _concept_defined(state, p, doc)
        case ConceptAliased():
            _concept_aliased(state, p, doc)
        case ConceptsMerged():
            _concepts_merged(state, p)
        case RelationAsserted():
            _relation_asserted(state, p, doc)
        case DocumentRetracted():
            _document_retracted(state, p.doc_id)
        case ConceptRetracted():
            _delete_concept(state, state.resolve(p.concept_id))
        case RelationRetracted():
            _delete_relation(state, p.relation_id)
        case ConceptProposed():
            _concept_proposed(state, p, doc)
        case ConceptMatched():
            _concept_matched(state, p, doc)
        case RelationProposed():
            _relation_proposed(state, p, doc)
        case ProposalAccepted() | ProposalRejected():
            _proposal_reviewed(state, p)
        case SupportWithdrawn():
            _support_withdrawn(state, p)
    state.position = event.position


def mention_ids(state: GraphState, chunk: Row) -> list[str]:
    """The concepts a chunk mentions: its document's links and its own, resolved through merges."""
    document = state.documents.get(chunk["doc_id"])
    linked = list((document or {}).get("metadata", {}).get("concepts", [])) + list(chunk.get("concepts", []))
    return sorted({state.resolve(c) for c in linked})


# ---------------------------------------------------------------------------------------------- documents, chunks
def _document_ingested(state: GraphState, p: DocumentIngested, position: int) -> None:
    row = payload_to_dict(p)
    row["updated_at_position"] = position
    state.documents[p.doc_id] = row
    state.dirty_documents.add(p.doc_id)
    state.mention_docs.add(p.doc_id)


def _chunk_added(state: GraphState, p: ChunkAdded) -> None:
    row = payload_to_dict(p)
    row["mention_ids"] = []
    state.chunks[p.chunk_id] = row
    state.note_chunk(p.chunk_id, row)
    state.dirty_chunks.add(p.chunk_id)
    state.mention_docs.add(p.doc_id)


def _delete_chunk(state: GraphState, chunk_id: str) -> None:
    state.chunks[chunk_id] = None
    state.dirty_chunks.add(chunk_id)


def _document_retracted(state: GraphState, doc_id: str) -> None:
    state.documents[doc_id] = None
    state.dirty_documents.add(doc_id)
    for chunk_id in state.chunks_of(doc_id):
        _delete_chunk(state, chunk_id)
    # Deleting a concept touches only its relations, never another concept, so the list can be taken up front.
    for concept_id in state.concepts_supported_by(doc_id):
        state.dirty_concepts.add(concept_id)
        _withdraw_evidence(state.concepts[concept_id], doc_id)
        if _withdraw_support(state.concepts[concept_id], doc_id):
            _delete_concept(state, concept_id)
    for relation_id in state.relations_supported_by(doc_id):
        state.dirty_relations.add(relation_id)
        _withdraw_evidence(state.relations[relation_id], doc_id)
        if _withdraw_support(state.relations[relation_id], doc_id):
            _delete_relation(state, relation_id)


def _withdraw_support(row: Row | None, doc_id: str) -> bool:
    """Remove ``doc_id`` from a live row's support; True when nothing supports the row any more."""
    assert row is not None, "lookups return live rows only"
    row["supported_by"] = [d for d in row["supported_by"] if d != doc_id]
    return not row["supported_by"]


# ---------------------------------------------------------------------------------------------- concepts
def _support(existing: list[str], doc: str | None) -> list[str]:
    return sorted(set(existing) | ({doc} if doc else set()))


def _search_text(row: Row) -> str:
    return " ".join([row["name"], *row["aliases"], row["definition"]])


def _add_aliases(row: Row, aliases: list[str]) -> None:
    known = {*row["aliases"], row["name"]}  # exact: "CUPED" and "Cuped" differ for case-sensitive linking
    for alias in aliases:
        if alias not in known:
            row["aliases"].append(alias)
            known.add(alias)
    row["search_text"] = _search_text(row)


def _add_phrasings(row: Row, phrasings: list[str]) -> None:
    have = row.setdefault("phrasings", [])
    have.extend(p for p in dict.fromkeys(phrasings) if p not in have)


def _concept_defined(state: GraphState, p: ConceptDefined, doc: str | None) -> None:
    concept_id = state.resolve(p.concept_id)
    existing = state.concepts.get(concept_id)
    if concept_id != p.concept_id and existing is not None:
        # A merged concept defined again: it stays merged, adding its names and support to the survivor.
        _add_aliases(existing, [p.name, *p.aliases])
        _add_phrasings(existing, list(p.phrasings))
        existing["supported_by"] = _support(existing["supported_by"], doc)
        state.note_concept(concept_id, existing)
        state.dirty_concepts.add(concept_id)
        return
    row = payload_to_dict(p)
    row["concept_id"] = concept_id
    row["aliases"] = []
    row["supported_by"] = _support(existing["supported_by"] if existing else [], doc)
    _add_aliases(row, list(p.aliases))
    state.concepts[concept_id] = row
    state.note_concept(concept_id, row)
    state.dirty_concepts.add(concept_id)
    if concept_id not in state.existing_concepts:
        state.existing_concepts.add(concept_id)
        state.mention_concepts.add(concept_id)


def _concept_aliased(state: GraphState, p: ConceptAliased, doc: str | None) -> None:
    concept_id = state.resolve(p.concept_id)
    row = state.concepts.get(concept_id)
    if row is None:
        return  # an alias of a concept that does not exist (yet, or any more) has nothing to attach to
    _add_aliases(row, [p.alias])
    row["supported_by"] = _support(row["supported_by"], doc)
    state.note_concept(concept_id, row)
    state.dirty_concepts.add(concept_id)


def _delete_concept(state: GraphState, concept_id: str) -> None:
    if state.concepts.get(concept_id) is None and concept_id not in state.existing_concepts:
        return
    state.concepts[concept_id] = None
    state.dirty_concepts.add(concept_id)
    state.existing_concepts.discard(concept_id)
    state.mention_concepts.add(concept_id)
    for relation_id in state.relations_touching(concept_id):
        _delete_relation(state, relation_id)


def _concepts_merged(state: GraphState, p: ConceptsMerged) -> None:
    into, merged = state.resolve(p.into_id), state.resolve(p.merged_id)
    if into == merged:
        return
    survivor, gone = state.concepts.get(into), state.concepts.get(merged)
    if gone is not None:
        if survivor is None:
            survivor = {
                **gone,
                "concept_id": into,
                "aliases": list(gone["aliases"]),
                "phrasings": list(gone.get("phrasings") or []),
            }
            state.concepts[into] = survivor
            if into not in state.existing_concepts:
                state.existing_concepts.add(into)
                state.mention_concepts.add(into)
        _add_aliases(survivor, [gone["name"], *gone["aliases"]])
        _add_phrasings(survivor, list(gone.get("phrasings") or []))
        survivor["supported_by"] = sorted(set(survivor["supported_by"]) | set(gone["supported_by"]))
        state.note_concept(into, survivor)
        state.dirty_concepts.add(into)
    # Move the merged concept's relations; drop self-loops and fold duplicates into the survivor's edge.
    by_key = {
        (r["in"], r["rel_type"], r["out"]): rid
        for rid, r in sorted(state.relations.items())
        if r is not None and merged not in (r["in"], r["out"])
    }
    for relation_id, rel in sorted(state.relations.items()):
        if rel is None or merged not in (rel["in"], rel["out"]):
            continue
        moved = {
            **rel,
            "in": into if rel["in"] == merged else rel["in"],
            "out": into if rel["out"] == merged else rel["out"],
        }
        key = (moved["in"], moved["rel_type"], moved["out"])
        if moved["in"] == moved["out"]:
            _delete_relation(state, relation_id)
        elif key in by_key:
            twin = state.relations[by_key[key]]
            assert twin is not None
            twin["supported_by"] = sorted(set(twin["supported_by"]) | set(rel["supported_by"]))
            state.note_relation(by_key[key], twin)
            state.dirty_relations.add(by_key[key])
            _delete_relation(state, relation_id)
        else:
            state.relations[relation_id] = moved
            state.note_relation(relation_id, moved)
            state.dirty_relations.add(relation_id)
            by_key[key] = relation_id
    # Delete the merged concept without cascading (its relations have moved), then redirect it.
    state.concepts[merged] = None
    state.dirty_concepts.add(merged)
    state.existing_concepts.discard(merged)
    state.mention_concepts.update({merged, into})
    for source, target in list(state.redirects.items()):
        if target == merged:
            state.redirects[source] = into
            state.new_redirects[source] = into
    state.redirects[merged] = into
    state.new_redirects[merged] = into


# ---------------------------------------------------------------------------------------------- relations
def _relation_asserted(state: GraphState, p: RelationAsserted, doc: str | None) -> None:
    source, target = state.resolve(p.source_id), state.resolve(p.target_id)
    if source == target:
        return  # both ends were merged into one concept: a self-loop carries no meaning
    existing = state.relations.get(p.relation_id)
    row = {
        "relation_id": p.relation_id,
        "in": source,
        "out": target,
        "rel_type": p.rel_type,
        "justification": p.justification,
        "weight": float(p.weight),
        "supported_by": _support(existing["supported_by"] if existing else [], doc),
    }
    state.relations[p.relation_id] = row
    state.note_relation(p.relation_id, row)
    state.dirty_relations.add(p.relation_id)


def _delete_relation(state: GraphState, relation_id: str) -> None:
    state.relations[relation_id] = None
    state.dirty_relations.add(relation_id)


# ---------------------------------------------------------------------------------------------- proposals
def _evidence_row(evidence: Any) -> Row:
    row: Row = payload_to_dict(evidence)  # type: ignore[arg-type]  # a Struct, encoded the same way
    return row


def _append_evidence(row: Row, key: str, entry: Row) -> None:
    entries = list(row.get(key) or [])
    if entry not in entries:
        entries.append(entry)
    row[key] = sorted(entries, key=lambda e: (e["doc_id"], e["chunk_id"], e["start"], e.get("surface", "")))


def _withdraw_evidence(row: Row | None, doc_id: str) -> None:
    """Drop what ``doc_id`` stated from a row's evidence and matches (its support is withdrawn separately)."""
    assert row is not None, "lookups return live rows only"
    for key in ("evidence", "matches"):
        if key in row:
            row[key] = [e for e in row[key] if e["doc_id"] != doc_id]


def _concept_proposed(state: GraphState, p: ConceptProposed, doc: str | None) -> None:
    concept_id = state.resolve(p.concept_id)
    existing = state.concepts.get(concept_id)
    evidence = _evidence_row(p.evidence)
    if existing is not None:
        if doc is not None and doc in existing["supported_by"]:  # a changed document restates it
            _drop_entries(existing, "evidence", doc)
            if existing.get("status") == "proposed":  # reviewed and curated wording stays
                existing.update(
                    definition=p.definition, embedding=list(p.embedding), embedding_model=p.embedding_model
                )
        existing["supported_by"] = _support(existing["supported_by"], doc)
        _append_evidence(existing, "evidence", evidence)
        state.note_concept(concept_id, existing)
        state.dirty_concepts.add(concept_id)
        return
    row: Row = {
        "concept_id": concept_id,
        "name": p.name,
        "category": str(p.category),
        "definition": p.definition,
        "aliases": [],
        "phrasings": [],
        "formula_text": "",
        "formula_latex": "",
        "when_to_use": "",
        "mistakes": "",
        "sources": [],
        "embedding": list(p.embedding),
        "embedding_model": p.embedding_model,
        "supported_by": _support([], doc),
        "status": "proposed",
        "evidence": [evidence],
    }
    _add_aliases(row, list(p.aliases))
    state.concepts[concept_id] = row
    state.note_concept(concept_id, row)
    state.dirty_concepts.add(concept_id)
    if concept_id not in state.existing_concepts:
        state.existing_concepts.add(concept_id)
        state.mention_concepts.add(concept_id)


def _concept_matched(state: GraphState, p: ConceptMatched, doc: str | None) -> None:
    concept_id = state.resolve(p.concept_id)
    row = state.concepts.get(concept_id)
    if row is None:
        return  # matched a concept that is gone since: nothing to support
    entry = {**_evidence_row(p.evidence), "surface": p.surface, "reason": p.reason, "score": float(p.score)}
    if doc is not None and doc in row["supported_by"]:  # a changed document restates the match
        _drop_entries(row, "matches", doc)
    _append_evidence(row, "matches", entry)
    row["supported_by"] = _support(row["supported_by"], doc)
    state.note_concept(concept_id, row)
    state.dirty_concepts.add(concept_id)


def _relation_proposed(state: GraphState, p: RelationProposed, doc: str | None) -> None:
    source, target = state.resolve(p.source_id), state.resolve(p.target_id)
    if source == target:
        return
    existing = state.relations.get(p.relation_id)
    evidence = _evidence_row(p.evidence)
    if existing is not None:
        if doc is not None and doc in existing["supported_by"]:  # a changed document restates it
            _drop_entries(existing, "evidence", doc)
            if existing.get("status") == "proposed":
                existing["justification"] = p.evidence.sentence
        existing["supported_by"] = _support(existing["supported_by"], doc)
        _append_evidence(existing, "evidence", evidence)
        state.note_relation(p.relation_id, existing)
        state.dirty_relations.add(p.relation_id)
        return
    row: Row = {
        "relation_id": p.relation_id,
        "in": source,
        "out": target,
        "rel_type": p.rel_type,
        "justification": p.evidence.sentence,
        "weight": float(p.weight),
        "supported_by": _support([], doc),
        "status": "proposed",
        "evidence": [evidence],
    }
    state.relations[p.relation_id] = row
    state.note_relation(p.relation_id, row)
    state.dirty_relations.add(p.relation_id)


def _proposal_reviewed(state: GraphState, p: ProposalAccepted | ProposalRejected) -> None:
    """Only rows that came from extraction carry a status; a curated concept or relation is never reviewed away."""
    if p.kind == "concept":
        concept_id = state.resolve(p.target_id)
        row = state.concepts.get(concept_id)
        if row is None or row.get("status") is None:
            return
        if isinstance(p, ProposalRejected):
            _delete_concept(state, concept_id)
        else:
            row["status"] = "accepted"
            state.dirty_concepts.add(concept_id)
        return
    rel = state.relations.get(p.target_id)
    if rel is None or rel.get("status") is None:
        return
    if isinstance(p, ProposalRejected):
        _delete_relation(state, p.target_id)
    else:
        rel["status"] = "accepted"
        state.dirty_relations.add(p.target_id)


def _support_withdrawn(state: GraphState, p: SupportWithdrawn) -> None:
    """The document's evidence (``concept``, ``relation``) or matches (``match``) leave the row; its support leaves
    when none of either is left, and the row when nothing supports it."""
    if p.kind == "relation":
        rel = state.relations.get(p.target_id)
        if rel is None:
            return
        _drop_entries(rel, "evidence", p.doc_id)
        state.dirty_relations.add(p.target_id)
        if _withdraw_support(rel, p.doc_id):
            _delete_relation(state, p.target_id)
        return
    concept_id = state.resolve(p.target_id)
    row = state.concepts.get(concept_id)
    if row is None:
        return
    _drop_entries(row, "matches" if p.kind == "match" else "evidence", p.doc_id)
    state.dirty_concepts.add(concept_id)
    still_stated = any(e["doc_id"] == p.doc_id for key in ("evidence", "matches") for e in row.get(key) or [])
    if not still_stated and _withdraw_support(row, p.doc_id):
        _delete_concept(state, concept_id)


def _drop_entries(row: Row, key: str, doc_id: str) -> None:
    if key in row:
        row[key] = [e for e in row[key] if e["doc_id"] != doc_id]
