"""Decide which events a set of source documents needs, given what the log already holds. Pure.

A document whose content hash and embedding model match the log needs nothing. A new or changed one gets a
``DocumentIngested`` and the chunk difference (``ChunkAdded`` for new chunks and chunks that moved,
``ChunkRemoved`` for chunks that are gone); a changed concept definition gets ``ConceptDefined``; relations that
appeared or changed get ``RelationAsserted``, relations that disappeared from a concept file ``RelationRetracted``.
A document missing from a complete scope (the corpus, a folder) is retracted with its concept and relations.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from engine.events import (
    EMBEDDING_DIM,
    ChunkAdded,
    ChunkRemoved,
    ConceptDefined,
    ConceptRetracted,
    DocumentIngested,
    DocumentRetracted,
    Payload,
    Provenance,
    RelationAsserted,
    RelationRetracted,
    Source,
    stream_for,
)
from ingest.chunking import Chunk
from ingest.corpus_format import ConceptSpec, RelationSpec
from ingest.log_state import LogState, fingerprint
from ingest.source_document import SourceBatch, SourceDocument

_PLACEHOLDER = [0.0] * EMBEDDING_DIM


@dataclass(frozen=True, slots=True)
class ConceptTerms:
    """How a concept is named in text: its slug and every name/alias."""

    concept_id: str
    terms: tuple[str, ...]


def _term_pattern(term: str) -> re.Pattern[str]:
    flags = 0 if len(term) < 4 else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


@dataclass(slots=True)
class ConceptLexicon:
    """Matches concept names and aliases in text (whole words; short aliases case-sensitively)."""

    patterns: dict[str, list[tuple[str, re.Pattern[str]]]] = field(default_factory=dict)

    @classmethod
    def build(cls, concepts: Iterable[ConceptTerms]) -> ConceptLexicon:
        lexicon = cls()
        for concept in concepts:
            terms = [t.strip() for t in concept.terms if t and t.strip()]
            lexicon.patterns[concept.concept_id] = [
                (t.casefold(), _term_pattern(t)) for t in dict.fromkeys(terms)
            ]
        return lexicon

    def find(self, text: str, among: Iterable[str] | None = None) -> list[str]:
        """Concept ids whose name or alias occurs in ``text`` (restricted to ``among`` when given), sorted."""
        folded = text.casefold()
        candidates = self.patterns.keys() if among is None else [c for c in among if c in self.patterns]
        return sorted(
            cid
            for cid in candidates
            # The substring test is a cheap filter; the pattern decides (whole words, case rules).
            if any(term in folded and pattern.search(text) for term, pattern in self.patterns[cid])
        )


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """One event to append: its stream, validated-later payload and provenance."""

    stream_id: str
    payload: Payload
    provenance: Provenance


@dataclass(slots=True)
class DocumentDiff:
    """What one source document changes relative to the log."""

    doc: SourceDocument
    status: str  # new | changed | unchanged | restored
    previous_scope: str | None = None
    add_chunks: list[Chunk] = field(default_factory=list)
    remove_chunks: list[str] = field(default_factory=list)
    define_concept: bool = False
    assert_relations: list[RelationSpec] = field(default_factory=list)
    retract_relations: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Retraction:
    doc_id: str
    source: str
    concept_id: str | None
    relations: list[str]


@dataclass(slots=True)
class IngestPlan:
    """Every document's diff plus the retractions of deleted documents."""

    diffs: list[DocumentDiff]
    retractions: list[Retraction]
    model_id: str

    def texts_to_embed(self) -> list[str]:
        """Texts whose vectors the events need (chunks to add, concepts to (re)define), deduplicated, in order."""
        texts: list[str] = []
        for diff in self.diffs:
            texts.extend(chunk.embedding_text(diff.doc.title) for chunk in diff.add_chunks)
            if diff.define_concept and diff.doc.concept is not None:
                texts.append(concept_embedding_text(diff.doc.concept))
        return list(dict.fromkeys(texts))


def concept_embedding_text(concept: ConceptSpec) -> str:
    """What a concept's vector encodes: its name, then its definition."""
    return f"{concept.name}: {concept.definition}"


def concept_payload(concept: ConceptSpec, embedding: list[float], model_id: str) -> ConceptDefined:
    """The ``ConceptDefined`` payload of a concept file."""
    return ConceptDefined(
        concept_id=concept.slug,
        name=concept.name,
        category=concept.category,  # type: ignore[arg-type]  # validated against ConceptCategory at parse time
        definition=concept.definition,
        aliases=list(concept.aliases),
        phrasings=list(concept.phrasings),
        formula_text=concept.formula_text or "",
        formula_latex=concept.formula_latex or "",
        when_to_use=concept.when_to_use,
        mistakes=concept.mistakes,
        sources=[
            Source(title=s.title, authors=s.authors or "", year=s.year, locator=s.locator or s.url or "")
            for s in concept.sources
        ],
        embedding=embedding,
        embedding_model=model_id,
    )


def relation_payload(rel: RelationSpec) -> RelationAsserted:
    """The ``RelationAsserted`` payload of a declared relation."""
    return RelationAsserted(
        relation_id=rel.relation_id,
        source_id=rel.source,
        target_id=rel.target,
        rel_type=rel.rel_type,
        justification=rel.justification,
        weight=rel.weight,
    )


def _diff_document(doc: SourceDocument, state: LogState, model_id: str) -> DocumentDiff:
    previous = state.documents.get(doc.doc_id)
    old_chunks: dict[str, tuple[int, str]]
    if previous is None:
        status, old_chunks = "new", {}
    elif previous.retracted:
        status, old_chunks = "restored", {}
    elif (
        previous.content_hash == doc.content_hash
        and previous.embedding_model == model_id
        and (doc.metadata.get("scope") is None or previous.scope == doc.metadata.get("scope"))
    ):
        status, old_chunks = "unchanged", previous.chunks
    else:
        status, old_chunks = "changed", previous.chunks
    diff = DocumentDiff(doc, status, previous_scope=previous.scope if previous is not None else None)
    if status == "unchanged":
        return diff
    model_changed = previous is not None and previous.embedding_model != model_id
    new_ids = {c.chunk_id for c in doc.chunks}
    for chunk in doc.chunks:
        old = old_chunks.get(chunk.chunk_id)
        if old is None or old[0] != chunk.position or model_changed:
            diff.add_chunks.append(chunk)
    diff.remove_chunks = sorted(cid for cid in old_chunks if cid not in new_ids)

    if doc.concept is not None:
        concept = doc.concept
        known = state.concepts.get(concept.slug)
        wanted = fingerprint(concept_payload(concept, _PLACEHOLDER, model_id))
        diff.define_concept = known is None or known.retracted or known.fingerprint != wanted
        declared = {rel.relation_id: rel for rel in concept.relations}
        for rid, rel in declared.items():
            have = state.relations.get(rid)
            if (
                have is None
                or have.retracted
                or have.fingerprint != fingerprint(relation_payload(rel))
                or doc.doc_id not in have.supporters
            ):
                diff.assert_relations.append(rel)
        diff.retract_relations = sorted(
            rid
            for rid, have in state.relations.items()
            if not have.retracted and doc.doc_id in have.supporters and rid not in declared
        )
    return diff


def plan_ingest(batches: Sequence[SourceBatch], state: LogState, model_id: str) -> IngestPlan:
    """Diff every document of ``batches`` against ``state``; documents missing from a complete scope are retracted.

    A document id seen in several batches is taken from the last one.
    """
    documents: dict[str, SourceDocument] = {}
    for batch in batches:
        for doc in batch.documents:
            documents[doc.doc_id] = doc
    scopes = {batch.scope for batch in batches if batch.scope is not None}
    diffs = [_diff_document(doc, state, model_id) for doc in documents.values()]
    retractions: list[Retraction] = []
    for doc_id, have in sorted(state.documents.items()):
        if have.retracted or doc_id in documents or have.scope not in scopes:
            continue
        concept_id = next(
            (cid for cid, c in state.concepts.items() if c.document_id == doc_id and not c.retracted), None
        )
        relations = sorted(
            rid for rid, r in state.relations.items() if not r.retracted and r.supporters == {doc_id}
        )
        retractions.append(Retraction(doc_id, have.source, concept_id, relations))
    return IngestPlan(diffs, retractions, model_id)


def build_events(
    plan: IngestPlan,
    vectors: Mapping[str, list[float]],
    lexicon: ConceptLexicon,
    extractors: Mapping[str, tuple[str, str]],
) -> list[PlannedEvent]:
    """The plan as ordered events: retractions, documents and chunks, concept definitions, then relations.

    ``vectors`` maps each text of ``plan.texts_to_embed()`` to its embedding; ``extractors`` maps a doc id to the
    ``(extractor, version)`` that produced it (for provenance).
    """
    retract: list[PlannedEvent] = []
    docs: list[PlannedEvent] = []
    concepts: list[PlannedEvent] = []
    relations: list[PlannedEvent] = []

    def emit(bucket: list[PlannedEvent], payload: Payload, doc_id: str, chunk_id: str | None = None) -> None:
        extractor, version = extractors.get(doc_id, ("ingest", "1"))
        provenance = Provenance(
            document_id=doc_id, chunk_id=chunk_id, extractor=extractor, extractor_version=version
        )
        bucket.append(PlannedEvent(stream_for(payload), payload, provenance))

    for gone in plan.retractions:
        reason = f"source file no longer exists: {gone.source}"
        for rid in gone.relations:
            emit(retract, RelationRetracted(relation_id=rid, reason=reason), gone.doc_id)
        if gone.concept_id is not None:
            emit(retract, ConceptRetracted(concept_id=gone.concept_id, reason=reason), gone.doc_id)
        emit(retract, DocumentRetracted(doc_id=gone.doc_id, reason=reason), gone.doc_id)

    for diff in plan.diffs:
        if diff.status == "unchanged":
            continue
        doc = diff.doc
        for rid in diff.retract_relations:
            emit(
                retract,
                RelationRetracted(relation_id=rid, reason=f"no longer declared in {doc.source}"),
                doc.doc_id,
            )
        metadata = {**doc.metadata, "embedding_model": plan.model_id, "chunk_count": len(doc.chunks)}
        if metadata.get("scope") is None and diff.previous_scope is not None:
            # Re-ingesting one file of a folder keeps it in the folder's scope (so deleting it later retracts it).
            metadata["scope"] = diff.previous_scope
        if doc.mentions:
            metadata["concepts"] = list(doc.mentions)
        emit(
            docs,
            DocumentIngested(
                doc_id=doc.doc_id,
                title=doc.title,
                kind=doc.kind,
                source=doc.source,
                uri=doc.uri,
                content_hash=doc.content_hash,
                metadata=metadata,
            ),
            doc.doc_id,
        )
        for cid in diff.remove_chunks:
            emit(docs, ChunkRemoved(chunk_id=cid, doc_id=doc.doc_id), doc.doc_id, cid)
        for chunk in diff.add_chunks:
            if doc.concept is not None:
                mentioned = [doc.concept.slug]
            else:
                mentioned = lexicon.find(chunk.text, doc.mentions or None)
            emit(
                docs,
                ChunkAdded(
                    chunk_id=chunk.chunk_id,
                    doc_id=doc.doc_id,
                    position=chunk.position,
                    heading=chunk.heading,
                    text=chunk.text,
                    embedding=vectors[chunk.embedding_text(doc.title)],
                    embedding_model=plan.model_id,
                    content_hash=chunk.content_hash,
                    concepts=mentioned,
                ),
                doc.doc_id,
                chunk.chunk_id,
            )
        if diff.define_concept and doc.concept is not None:
            vector = vectors[concept_embedding_text(doc.concept)]
            emit(concepts, concept_payload(doc.concept, vector, plan.model_id), doc.doc_id)
        for rel in diff.assert_relations:
            emit(relations, relation_payload(rel), doc.doc_id)
    return retract + docs + concepts + relations


def idempotency_key(head: int, index: int, event: PlannedEvent) -> str:
    """A key unique to this planned event at this log head: a retried append of the same plan is a no-op."""
    digest = hashlib.sha256(
        f"{head}|{index}|{event.stream_id}|{fingerprint(event.payload, exclude=('embedding',))}".encode()
    ).hexdigest()
    return f"ingest:{digest[:40]}"
