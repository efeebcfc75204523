"""Extraction as an ingest stage: candidates → entity resolution → proposal events, diffed against the log.

``propose(doc, resolver, embedder)`` runs the pattern extractor over a document's chunks, embeds each candidate's
``name: definition`` once (the vector serves resolution, the category vote and the concept row), and resolves it.
``plan_proposals(...)`` is pure: it turns one document's proposals into events, leaving out what the log already
holds for that document and anything a reviewer rejected: re-ingesting an unchanged document proposes nothing, and a
changed one re-proposes only the facts whose stating sentence or span changed (its new evidence replaces its old).
What an earlier version of the document stated and the new one no longer does is retracted when that document alone
supported it, and otherwise loses that document's support (``SupportWithdrawn``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from engine.events import (
    ConceptMatched,
    ConceptProposed,
    ConceptRetracted,
    Evidence,
    Payload,
    Provenance,
    RelationProposed,
    RelationRetracted,
    SupportWithdrawn,
    stream_for,
)
from engine.ontology import RELATION_TYPES
from ingest.corpus_format import relation_id
from ingest.extraction import EXTRACTOR, EXTRACTOR_VERSION, CandidateRelation, extract
from ingest.extraction import Evidence as Span
from ingest.log_state import LogState, evidence_key
from ingest.planning import PlannedEvent
from ingest.resolution import Resolved, Resolver, candidate_text
from ingest.source_document import SourceDocument


class Embeds(Protocol):
    model_id: str

    def embed(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]: ...


@dataclass(slots=True)
class DocumentProposals:
    """What extraction found in one document, after resolution; relation ends are concept ids."""

    doc_id: str
    new_concepts: list[Resolved] = field(default_factory=list)
    matched: list[Resolved] = field(default_factory=list)
    relations: list[CandidateRelation] = field(default_factory=list)
    model_id: str = ""


def propose(doc: SourceDocument, resolver: Resolver, embedder: Embeds) -> DocumentProposals:
    """Extract, embed and resolve one document's candidates."""
    known = [(c.concept_id, (c.name, *c.aliases)) for c in resolver.known]
    found = extract(doc.chunks, known)
    texts = list(dict.fromkeys(candidate_text(c) for c in found.concepts))
    vectors = dict(zip(texts, embedder.embed(texts), strict=True)) if texts else {}
    resolved = resolver.resolve(found.concepts, vectors)
    out = DocumentProposals(doc.doc_id, model_id=embedder.model_id)
    rename: dict[str, str] = {}
    for r in resolved:
        if r.match is None:
            out.new_concepts.append(r)
        else:
            out.matched.append(r)
            rename[r.candidate.concept_id] = r.match.concept_id
    seen: set[tuple[str, str, str]] = set()
    for rel in found.relations:
        src, dst = rename.get(rel.source_id, rel.source_id), rename.get(rel.target_id, rel.target_id)
        if src == dst or (src, rel.rel_type, dst) in seen:
            continue
        seen.add((src, rel.rel_type, dst))
        out.relations.append(CandidateRelation(src, dst, rel.rel_type, rel.evidence, rel.confidence, rel.cue))
    return out


def _evidence(doc_id: str, span: Span, confidence: float) -> Evidence:
    return Evidence(
        doc_id=doc_id,
        chunk_id=span.chunk_id,
        start=span.start,
        end=span.end,
        sentence=span.sentence,
        extractor=EXTRACTOR,
        extractor_version=EXTRACTOR_VERSION,
        confidence=confidence,
    )


def plan_proposals(proposals: DocumentProposals, state: LogState) -> list[PlannedEvent]:
    """The events one document's proposals need, given the log: new facts only, rejected ones never."""
    doc_id = proposals.doc_id
    events: list[PlannedEvent] = []

    def emit(payload: Payload, chunk_id: str | None) -> None:
        provenance = Provenance(
            document_id=doc_id, chunk_id=chunk_id, extractor=EXTRACTOR, extractor_version=EXTRACTOR_VERSION
        )
        events.append(PlannedEvent(stream_for(payload), payload, provenance))

    def fresh(key: str, span: Span) -> bool:
        """Not yet stated by this document, or stated elsewhere now (its old evidence is then replaced)."""
        have = state.proposals.get(key)
        if have is None:
            return True
        where = evidence_key(span.chunk_id, span.start, span.end, span.sentence)
        return not have.rejected and (doc_id not in have.supporters or have.evidence.get(doc_id) != where)

    def propose_concept(concept_id: str, r: Resolved) -> None:
        cand = r.candidate
        emit(
            ConceptProposed(
                concept_id=concept_id,
                name=cand.name,
                category=r.category,  # type: ignore[arg-type]  # an ontology category by construction
                definition=cand.definition,
                aliases=list(cand.aliases),
                evidence=_evidence(doc_id, cand.evidence, cand.confidence),
                embedding=r.vector,
                embedding_model=proposals.model_id,
            ),
            cand.evidence.chunk_id,
        )

    stated: set[str] = set()
    for r in proposals.new_concepts:
        cand = r.candidate
        stated.add(f"concept:{cand.concept_id}")
        if fresh(f"concept:{cand.concept_id}", cand.evidence):
            propose_concept(cand.concept_id, r)
    for r in proposals.matched:
        assert r.match is not None
        own = state.proposals.get(f"concept:{r.match.concept_id}")
        if own is not None and doc_id in own.supporters:
            # A changed version of the document that proposed the concept finds it again: still its proposal,
            # proposed anew only where its statement moved or changed.
            stated.add(f"concept:{r.match.concept_id}")
            if fresh(f"concept:{r.match.concept_id}", r.candidate.evidence):
                propose_concept(r.match.concept_id, r)
            continue
        stated.add(f"match:{r.match.concept_id}")
        if not fresh(f"match:{r.match.concept_id}", r.candidate.evidence):
            continue
        emit(
            ConceptMatched(
                concept_id=r.match.concept_id,
                surface=r.candidate.name,
                reason=r.match.reason,
                score=r.match.score,
                evidence=_evidence(doc_id, r.candidate.evidence, r.candidate.confidence),
            ),
            r.candidate.evidence.chunk_id,
        )
    rejected_concepts = {
        k.split(":", 1)[1] for k, v in state.proposals.items() if v.rejected and k.startswith("concept:")
    }
    for rel in proposals.relations:
        rid = relation_id(rel.source_id, rel.rel_type, rel.target_id)
        stated.add(f"relation:{rid}")
        if not fresh(f"relation:{rid}", rel.evidence) or {rel.source_id, rel.target_id} & rejected_concepts:
            continue
        emit(
            RelationProposed(
                relation_id=rid,
                source_id=rel.source_id,
                target_id=rel.target_id,
                rel_type=rel.rel_type,
                weight=RELATION_TYPES[rel.rel_type].weight,
                evidence=_evidence(doc_id, rel.evidence, rel.confidence),
            ),
            rel.evidence.chunk_id,
        )
    # What an earlier version of this document stated and this one no longer does: a fact it alone supported is
    # retracted; one that other documents still state (or that this one now states as a match) loses its support.
    for key, have in sorted(state.proposals.items()):
        if doc_id not in have.supporters or key in stated:
            continue
        kind, target = key.split(":", 1)
        reason = f"no longer stated by {doc_id}"
        payload: Payload
        if kind == "match" or _others_support(state, stated, kind, target, doc_id):
            payload = SupportWithdrawn(kind=kind, target_id=target, doc_id=doc_id, reason=reason)
        elif kind == "concept":
            payload = ConceptRetracted(concept_id=target, reason=reason)
        else:
            payload = RelationRetracted(relation_id=target, reason=reason)
        emit(payload, None)
    return events


def _others_support(state: LogState, stated: set[str], kind: str, target: str, doc_id: str) -> bool:
    """Whether anything but ``doc_id``'s old statement still supports the fact (a concept's matches count)."""
    keys = [f"{kind}:{target}"] + ([f"match:{target}"] if kind == "concept" else [])
    others = set().union(*(state.proposals[k].supporters for k in keys if k in state.proposals)) - {doc_id}
    return bool(others) or (kind == "concept" and f"match:{target}" in stated)
