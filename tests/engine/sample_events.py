"""Small, deterministic event builders for engine tests (embeddings are seeded pseudo-random unit vectors)."""

from __future__ import annotations

import math
import random

from engine.events import (
    ChunkAdded,
    ConceptDefined,
    ConceptsMerged,
    DocumentIngested,
    DocumentRetracted,
    NewEvent,
    Provenance,
    RelationAsserted,
)
from engine.ontology import ConceptCategory
from engine.store import EventStore, StreamAppend


def vector(seed: str) -> list[float]:
    rng = random.Random(seed)
    raw = [rng.gauss(0.0, 1.0) for _ in range(384)]
    norm = math.sqrt(sum(x * x for x in raw))
    return [x / norm for x in raw]


def from_doc(doc_id: str | None) -> Provenance:
    return Provenance(document_id=doc_id, extractor="test", extractor_version="1")


def document(doc_id: str, concepts: list[str] = (), chunks: int = 2) -> StreamAppend:  # type: ignore[assignment]
    """A document with ``chunks`` chunks that links ``concepts``."""
    prov = from_doc(doc_id)
    events = [
        NewEvent(
            payload=DocumentIngested(
                doc_id=doc_id,
                title=f"About {doc_id}",
                kind="guide",
                source=f"corpus/documents/{doc_id}.md",
                content_hash=f"hash-{doc_id}",
                metadata={"concepts": list(concepts)},
            ),
            provenance=prov,
        )
    ]
    for i in range(chunks):
        events.append(
            NewEvent(
                payload=ChunkAdded(
                    chunk_id=f"{doc_id}#{i}",
                    doc_id=doc_id,
                    position=i,
                    heading=f"Section {i}",
                    text=f"Section {i} of {doc_id} discusses variance reduction and statistical power.",
                    embedding=vector(f"{doc_id}#{i}"),
                    embedding_model="test-model",
                    content_hash=f"hash-{doc_id}-{i}",
                ),
                provenance=Provenance(document_id=doc_id, chunk_id=f"{doc_id}#{i}", extractor="test"),
            )
        )
    return StreamAppend(f"document:{doc_id}", events)


def concept(slug: str, doc_id: str | None, aliases: list[str] = ()) -> StreamAppend:  # type: ignore[assignment]
    payload = ConceptDefined(
        concept_id=slug,
        name=slug.replace("-", " ").title(),
        category=ConceptCategory.STATISTICAL_CONCEPT,
        definition=f"{slug} is a concept used in experiments.",
        aliases=list(aliases),
        embedding=vector(slug),
        embedding_model="test-model",
    )
    return StreamAppend(f"concept:{slug}", [NewEvent(payload=payload, provenance=from_doc(doc_id))])


def relation(
    source: str, rel_type: str, target: str, doc_id: str | None, weight: float = 0.7
) -> StreamAppend:
    rid = f"{source}:{rel_type}:{target}"
    payload = RelationAsserted(
        relation_id=rid,
        source_id=source,
        target_id=target,
        rel_type=rel_type,
        justification="because",
        weight=weight,
    )
    return StreamAppend(f"relation:{rid}", [NewEvent(payload=payload, provenance=from_doc(doc_id))])


def retract_document(doc_id: str) -> StreamAppend:
    return StreamAppend(
        f"document:{doc_id}", [NewEvent(payload=DocumentRetracted(doc_id=doc_id, reason="test"))]
    )


def merge(into: str, merged: str) -> StreamAppend:
    return StreamAppend(f"concept:{into}", [NewEvent(payload=ConceptsMerged(into_id=into, merged_id=merged))])


def append_all(store: EventStore, *appends: StreamAppend) -> None:
    """Append each part in order, one transaction each."""
    for part in appends:
        store.append(part.stream_id, part.events)


def small_graph(store: EventStore) -> None:
    """Two documents; power and sample-size supported by both, cuped only by d1, srm only by d2."""
    append_all(
        store,
        document("d1", ["statistical-power", "cuped"]),
        document("d2", ["statistical-power", "sample-size", "srm"]),
        concept("statistical-power", "d1"),
        concept("statistical-power", "d2", ["power"]),
        concept("sample-size", "d1"),
        concept("sample-size", "d2", ["n"]),
        concept("cuped", "d1", ["CUPED"]),
        concept("srm", "d2", ["sample ratio mismatch"]),
        relation("statistical-power", "requires", "sample-size", "d1"),
        relation("statistical-power", "requires", "sample-size", "d2"),
        relation("cuped", "increases", "statistical-power", "d1"),
        relation("srm", "invalidates", "statistical-power", "d2"),
        relation("cuped", "similar_to", "srm", "d1"),
    )
