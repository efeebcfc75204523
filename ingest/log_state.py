"""What the event log already says about documents, concepts and relations: the baseline ingestion diffs against.

``fold_log_state`` is a pure fold over recorded events (the log is the source of truth, so re-ingestion compares
against it rather than against the projection, which may lag).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.events import (
    ChunkAdded,
    ChunkRemoved,
    ConceptDefined,
    ConceptMatched,
    ConceptProposed,
    ConceptRetracted,
    DocumentIngested,
    DocumentRetracted,
    Payload,
    ProposalRejected,
    RecordedEvent,
    RelationAsserted,
    RelationProposed,
    RelationRetracted,
    SupportWithdrawn,
    payload_to_dict,
)


@dataclass(slots=True)
class DocState:
    doc_id: str
    content_hash: str
    kind: str
    source: str
    scope: str | None
    embedding_model: str | None
    chunks: dict[str, tuple[int, str]] = field(default_factory=dict)
    retracted: bool = False


@dataclass(slots=True)
class ConceptState:
    concept_id: str
    fingerprint: str
    document_id: str | None
    retracted: bool = False


@dataclass(slots=True)
class RelationState:
    relation_id: str
    fingerprint: str
    supporters: set[str] = field(default_factory=set)
    retracted: bool = False


@dataclass(slots=True)
class ProposalState:
    """Which documents stated an extracted fact (``concept:<id>``, ``relation:<id>`` or ``match:<id>``)."""

    supporters: set[str] = field(default_factory=set)
    rejected: bool = False
    evidence: dict[str, str] = field(default_factory=dict)  # supporter -> ``evidence_key`` of its statement


def evidence_key(chunk_id: str, start: int, end: int, sentence: str) -> str:
    """Where and how a document states a fact: a changed key means the old statement is gone."""
    return f"{chunk_id}|{start}|{end}|{sentence}"


@dataclass(slots=True)
class LogState:
    """Current documents, concepts and relations according to the log, plus each stream's version."""

    head: int = 0
    documents: dict[str, DocState] = field(default_factory=dict)
    concepts: dict[str, ConceptState] = field(default_factory=dict)
    relations: dict[str, RelationState] = field(default_factory=dict)
    stream_versions: dict[str, int] = field(default_factory=dict)
    proposals: dict[str, ProposalState] = field(default_factory=dict)


def fingerprint(payload: Payload, *, exclude: Iterable[str] = ("embedding",)) -> str:
    """sha256 of a payload's canonical JSON without the excluded fields (embeddings are derived, not content)."""
    data: dict[str, Any] = payload_to_dict(payload)
    for key in exclude:
        data.pop(key, None)
    data["__type__"] = type(payload).__name__
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def fold_log_state(events: Iterable[RecordedEvent], state: LogState | None = None) -> LogState:
    """Fold recorded events into a ``LogState`` (pass ``state`` to continue a previous fold)."""
    state = state or LogState()
    for event in events:
        state.head = max(state.head, event.position)
        state.stream_versions[event.stream_id] = event.stream_version
        payload = event.payload
        match payload:
            case DocumentIngested():
                previous = state.documents.get(payload.doc_id)
                chunks = previous.chunks if previous is not None and not previous.retracted else {}
                scope = payload.metadata.get("scope")
                model = payload.metadata.get("embedding_model")
                state.documents[payload.doc_id] = DocState(
                    doc_id=payload.doc_id,
                    content_hash=payload.content_hash,
                    kind=payload.kind,
                    source=payload.source,
                    scope=scope if isinstance(scope, str) else None,
                    embedding_model=model if isinstance(model, str) else None,
                    chunks=chunks,
                )
            case ChunkAdded():
                doc = state.documents.get(payload.doc_id)
                if doc is not None:
                    doc.chunks[payload.chunk_id] = (payload.position, payload.content_hash)
            case ChunkRemoved():
                doc = state.documents.get(payload.doc_id)
                if doc is not None:
                    doc.chunks.pop(payload.chunk_id, None)
            case DocumentRetracted():
                doc = state.documents.get(payload.doc_id)
                if doc is not None:
                    doc.retracted = True
                    doc.chunks = {}
            case ConceptDefined():
                state.concepts[payload.concept_id] = ConceptState(
                    payload.concept_id, fingerprint(payload), event.provenance.document_id
                )
            case ConceptRetracted():
                concept = state.concepts.get(payload.concept_id)
                if concept is not None:
                    concept.retracted = True
            case RelationAsserted():
                relation = state.relations.get(payload.relation_id)
                supporters = (
                    set(relation.supporters) if relation is not None and not relation.retracted else set()
                )
                if event.provenance.document_id:
                    supporters.add(event.provenance.document_id)
                state.relations[payload.relation_id] = RelationState(
                    payload.relation_id, fingerprint(payload), supporters
                )
            case RelationRetracted():
                relation = state.relations.get(payload.relation_id)
                if relation is not None:
                    relation.retracted = True
                    relation.supporters = set()
            case _:
                pass
        _fold_proposals(state, payload, event.provenance.document_id)
    return state


def _fold_proposals(state: LogState, payload: Payload, document_id: str | None) -> None:
    """Track extracted facts per stating document, so re-ingestion proposes only what is new."""
    key: str | None = None
    match payload:
        case ConceptProposed():
            key = f"concept:{payload.concept_id}"
        case RelationProposed():
            key = f"relation:{payload.relation_id}"
        case ConceptMatched():
            key = f"match:{payload.concept_id}"
        case ProposalRejected():
            rejected = state.proposals.setdefault(f"{payload.kind}:{payload.target_id}", ProposalState())
            rejected.rejected, rejected.supporters, rejected.evidence = True, set(), {}
        case ConceptRetracted():
            state.proposals.pop(f"concept:{payload.concept_id}", None)
        case RelationRetracted():
            state.proposals.pop(f"relation:{payload.relation_id}", None)
        case DocumentRetracted():
            for proposal in state.proposals.values():
                proposal.supporters.discard(payload.doc_id)
                proposal.evidence.pop(payload.doc_id, None)
        case SupportWithdrawn():
            withdrawn = state.proposals.get(f"{payload.kind}:{payload.target_id}")
            if withdrawn is not None:
                withdrawn.supporters.discard(payload.doc_id)
                withdrawn.evidence.pop(payload.doc_id, None)
    if key is not None and document_id:
        assert isinstance(payload, ConceptProposed | RelationProposed | ConceptMatched)
        proposal = state.proposals.setdefault(key, ProposalState())
        proposal.supporters.add(document_id)
        e = payload.evidence
        proposal.evidence[document_id] = evidence_key(e.chunk_id, e.start, e.end, e.sentence)
