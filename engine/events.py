"""Typed, versioned domain events: the only source of truth of the graph.

A payload class per event type (``DocumentIngested``, ``ChunkAdded``, ...) carries ``event_type`` and the current
``schema_version``. Old stored versions are upcast on read by ``upcast_vN_vM`` static methods on the payload class
(the pattern of pyeventsourcing's mapper). ``validate_payload`` is the single gate every append goes through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

import msgspec
from msgspec import Meta, Struct

from engine.errors import EventValidationError, UnknownEventTypeError
from engine.ontology import RELATION_TYPES, ConceptCategory, relation_type

EMBEDDING_DIM = 384
DOCUMENT_KINDS = frozenset({"concept", "guide", "worked_example", "reference", "paper", "qa", "text"})
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Slug = Annotated[str, Meta(min_length=1, max_length=200)]
NonEmpty = Annotated[str, Meta(min_length=1)]
Embedding = Annotated[list[float], Meta(min_length=EMBEDDING_DIM, max_length=EMBEDDING_DIM)]


class Provenance(Struct, frozen=True, kw_only=True, omit_defaults=False):
    """Where an event's fact came from. ``document_id`` is what supports concepts and relations."""

    document_id: str | None = None
    chunk_id: str | None = None
    extractor: str | None = None
    extractor_version: str | None = None


class Payload(Struct, frozen=True, kw_only=True):
    """Base of every event payload."""

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1

    def check(self) -> None:
        """Semantic checks beyond the field types; raise ``ValueError`` with a readable reason."""


class DocumentIngested(Payload, frozen=True, kw_only=True):
    """A document (or a new version of it) entered the corpus. ``metadata['concepts']`` lists concepts it mentions."""

    event_type: ClassVar[str] = "DocumentIngested"
    doc_id: Slug
    title: NonEmpty
    kind: str
    source: str
    uri: str = ""
    content_hash: NonEmpty
    metadata: dict[str, Any] = msgspec.field(default_factory=dict)

    def check(self) -> None:
        if self.kind not in DOCUMENT_KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join(sorted(DOCUMENT_KINDS))}")
        concepts = self.metadata.get("concepts", [])
        if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
            raise ValueError("metadata.concepts must be a list of concept slugs")


class ChunkAdded(Payload, frozen=True, kw_only=True):
    """A chunk of a document, with its embedding (replay never needs the embedding model).

    v1 had no ``embedding_model``; ``upcast_v1_v2`` fills it with ``"unknown"``.
    """

    event_type: ClassVar[str] = "ChunkAdded"
    schema_version: ClassVar[int] = 2
    chunk_id: NonEmpty
    doc_id: Slug
    position: Annotated[int, Meta(ge=0)]
    heading: str = ""
    text: NonEmpty
    embedding: Embedding
    embedding_model: NonEmpty
    content_hash: NonEmpty
    concepts: list[str] = msgspec.field(default_factory=list)

    @staticmethod
    def upcast_v1_v2(payload: dict[str, Any]) -> dict[str, Any]:
        return {**payload, "embedding_model": payload.get("embedding_model") or "unknown"}


class ChunkRemoved(Payload, frozen=True, kw_only=True):
    event_type: ClassVar[str] = "ChunkRemoved"
    chunk_id: NonEmpty
    doc_id: Slug


class Source(Struct, frozen=True, kw_only=True):
    title: NonEmpty
    authors: str = ""
    year: int | str | None = None
    locator: str = ""


class ConceptDefined(Payload, frozen=True, kw_only=True):
    event_type: ClassVar[str] = "ConceptDefined"
    concept_id: Slug
    name: NonEmpty
    category: ConceptCategory
    definition: NonEmpty
    aliases: list[str] = msgspec.field(default_factory=list)
    # How practitioners describe the concept's situation without naming it ("call the test early"); the planner
    # links a question that describes it (planner/practitioner_phrases.py). Absent in older events: none.
    phrasings: list[str] = msgspec.field(default_factory=list)
    formula_text: str = ""
    formula_latex: str = ""
    when_to_use: str = ""
    mistakes: str = ""
    sources: list[Source] = msgspec.field(default_factory=list)
    embedding: Embedding
    embedding_model: NonEmpty

    def check(self) -> None:
        _check_slug(self.concept_id)


class ConceptAliased(Payload, frozen=True, kw_only=True):
    event_type: ClassVar[str] = "ConceptAliased"
    concept_id: Slug
    alias: NonEmpty


class ConceptsMerged(Payload, frozen=True, kw_only=True):
    """``merged_id`` folds into ``into_id``: its aliases, support, relations and mentions move to the survivor."""

    event_type: ClassVar[str] = "ConceptsMerged"
    into_id: Slug
    merged_id: Slug

    def check(self) -> None:
        if self.into_id == self.merged_id:
            raise ValueError("a concept cannot be merged into itself")


class RelationAsserted(Payload, frozen=True, kw_only=True):
    """A typed relation between two concepts. v1 had no ``weight``; ``upcast_v1_v2`` uses the type's default."""

    event_type: ClassVar[str] = "RelationAsserted"
    schema_version: ClassVar[int] = 2
    relation_id: NonEmpty
    source_id: Slug
    target_id: Slug
    rel_type: NonEmpty
    justification: str = ""
    weight: Annotated[float, Meta(ge=0.0, le=1.0)]

    def check(self) -> None:
        relation_type(self.rel_type)
        if self.source_id == self.target_id:
            raise ValueError("a relation cannot connect a concept to itself")

    @staticmethod
    def upcast_v1_v2(payload: dict[str, Any]) -> dict[str, Any]:
        rel = RELATION_TYPES.get(payload.get("rel_type", ""))
        return {**payload, "weight": payload.get("weight", rel.weight if rel else 0.5)}


class DocumentRetracted(Payload, frozen=True, kw_only=True):
    event_type: ClassVar[str] = "DocumentRetracted"
    doc_id: Slug
    reason: str = ""


class ConceptRetracted(Payload, frozen=True, kw_only=True):
    event_type: ClassVar[str] = "ConceptRetracted"
    concept_id: Slug
    reason: str = ""


class RelationRetracted(Payload, frozen=True, kw_only=True):
    event_type: ClassVar[str] = "RelationRetracted"
    relation_id: NonEmpty
    reason: str = ""


class Evidence(Struct, frozen=True, kw_only=True):
    """Where an extracted fact is stated: the sentence, its chunk and character span, who extracted it, how sure."""

    doc_id: Slug
    chunk_id: NonEmpty
    start: Annotated[int, Meta(ge=0)]
    end: Annotated[int, Meta(ge=0)]
    sentence: NonEmpty
    extractor: NonEmpty
    extractor_version: NonEmpty
    confidence: Annotated[float, Meta(ge=0.0, le=1.0)]

    def check(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"evidence span [{self.start}, {self.end}) is empty; end must exceed start")


class ConceptProposed(Payload, frozen=True, kw_only=True):
    """A concept extracted from a user document, awaiting review (status ``proposed`` in the graph)."""

    event_type: ClassVar[str] = "ConceptProposed"
    concept_id: Slug
    name: NonEmpty
    category: ConceptCategory
    definition: NonEmpty
    aliases: list[str] = msgspec.field(default_factory=list)
    evidence: Evidence
    embedding: Embedding
    embedding_model: NonEmpty

    def check(self) -> None:
        _check_slug(self.concept_id)
        self.evidence.check()


class RelationProposed(Payload, frozen=True, kw_only=True):
    """A typed relation extracted from a user document, awaiting review; ``evidence.sentence`` is its justification."""

    event_type: ClassVar[str] = "RelationProposed"
    relation_id: NonEmpty
    source_id: Slug
    target_id: Slug
    rel_type: NonEmpty
    weight: Annotated[float, Meta(ge=0.0, le=1.0)]
    evidence: Evidence

    def check(self) -> None:
        relation_type(self.rel_type)
        if self.source_id == self.target_id:
            raise ValueError("a relation cannot connect a concept to itself")
        self.evidence.check()


MATCH_REASONS = frozenset({"alias", "normalised_name", "embedding"})


class ConceptMatched(Payload, frozen=True, kw_only=True):
    """Entity resolution: a term a document defines is an existing concept; the document now supports it."""

    event_type: ClassVar[str] = "ConceptMatched"
    concept_id: Slug
    surface: NonEmpty
    reason: str
    score: Annotated[float, Meta(ge=-1.0, le=1.0)]
    evidence: Evidence

    def check(self) -> None:
        if self.reason not in MATCH_REASONS:
            raise ValueError(f"reason {self.reason!r} is not one of {', '.join(sorted(MATCH_REASONS))}")
        self.evidence.check()


PROPOSAL_KINDS = frozenset({"concept", "relation"})


class ProposalAccepted(Payload, frozen=True, kw_only=True):
    """A reviewer accepted a proposed concept or relation (``target_id``: its concept or relation id)."""

    event_type: ClassVar[str] = "ProposalAccepted"
    kind: str
    target_id: NonEmpty
    reviewer: str = ""
    note: str = ""

    def check(self) -> None:
        if self.kind not in PROPOSAL_KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of concept, relation")


class ProposalRejected(Payload, frozen=True, kw_only=True):
    """A reviewer rejected a proposal: it leaves the graph, and the same document never proposes it again."""

    event_type: ClassVar[str] = "ProposalRejected"
    kind: str
    target_id: NonEmpty
    reviewer: str = ""
    note: str = ""

    def check(self) -> None:
        if self.kind not in PROPOSAL_KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of concept, relation")


WITHDRAWAL_KINDS = frozenset({"concept", "match", "relation"})


class SupportWithdrawn(Payload, frozen=True, kw_only=True):
    """A changed document no longer states an extracted fact it stated before: its support, evidence and matches
    leave the fact (``kind``: ``concept`` it proposed, ``match`` of an existing concept, ``relation``). A fact left
    with no support goes."""

    event_type: ClassVar[str] = "SupportWithdrawn"
    kind: str
    target_id: NonEmpty
    doc_id: Slug
    reason: str = ""

    def check(self) -> None:
        if self.kind not in WITHDRAWAL_KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join(sorted(WITHDRAWAL_KINDS))}")


PAYLOAD_TYPES: dict[str, type[Payload]] = {
    cls.event_type: cls
    for cls in (
        DocumentIngested,
        ChunkAdded,
        ChunkRemoved,
        ConceptDefined,
        ConceptAliased,
        ConceptsMerged,
        RelationAsserted,
        DocumentRetracted,
        ConceptRetracted,
        RelationRetracted,
        ConceptProposed,
        RelationProposed,
        ConceptMatched,
        ProposalAccepted,
        ProposalRejected,
        SupportWithdrawn,
    )
}


class NewEvent(Struct, frozen=True, kw_only=True):
    """An event to append: payload, provenance and an optional idempotency key (default: a fresh UUID)."""

    payload: Payload
    provenance: Provenance = Provenance()
    idempotency_key: str | None = None


class RecordedEvent(Struct, frozen=True, kw_only=True):
    """An event as stored in the log, upcast to the current payload schema."""

    position: int
    stream_id: str
    stream_version: int
    event_type: str
    schema_version: int
    idempotency_key: str
    recorded_at: str
    payload: Payload
    provenance: Provenance

    @property
    def document_id(self) -> str | None:
        """The document whose content asserted this event's fact (what supports it in the graph)."""
        return self.provenance.document_id

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON-able form (the export line format)."""
        out: dict[str, Any] = msgspec.to_builtins(self)
        out["payload"] = payload_to_dict(self.payload)
        return out


class LogEntry(Struct, frozen=True, kw_only=True):
    """What folding needs of a logged event: its position, its (upcast) payload and the document supporting it.

    The projector reads these instead of whole ``RecordedEvent``s: a third of the fields, and so of the reading.
    """

    position: int
    payload: Payload
    document_id: str | None = None


def _check_slug(value: str) -> None:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not a slug (lowercase letters, digits and hyphens)")


def payload_to_dict(payload: Payload) -> dict[str, Any]:
    """The stored form of a payload (plain JSON types)."""
    data: dict[str, Any] = msgspec.to_builtins(payload)
    return data


def validate_payload(payload: Payload) -> Payload:
    """Check a payload's field types and semantic rules; raise ``EventValidationError`` naming the problem."""
    cls = type(payload)
    if cls.__name__ not in PAYLOAD_TYPES or PAYLOAD_TYPES[cls.__name__] is not cls:
        raise UnknownEventTypeError(cls.__name__, list(PAYLOAD_TYPES))
    return decode_payload(cls.event_type, cls.schema_version, payload_to_dict(payload))


def decode_payload(event_type: str, schema_version: int, data: dict[str, Any]) -> Payload:
    """Build the current payload type from stored data of any known schema version (upcasting on the way)."""
    cls = PAYLOAD_TYPES.get(event_type)
    if cls is None:
        raise UnknownEventTypeError(event_type, list(PAYLOAD_TYPES))
    if not 1 <= schema_version <= cls.schema_version:
        raise EventValidationError(
            event_type, f"schema version {schema_version} is unknown (current is {cls.schema_version})"
        )
    for version in range(schema_version, cls.schema_version):
        upcast: Callable[[dict[str, Any]], dict[str, Any]] = getattr(cls, f"upcast_v{version}_v{version + 1}")
        data = upcast(data)
    try:
        payload = msgspec.convert(data, cls)
        payload.check()
    except (msgspec.ValidationError, ValueError, TypeError) as exc:
        raise EventValidationError(event_type, str(exc)) from exc
    return payload


def pack_entry(payload: dict[str, Any], document_id: str | None) -> bytes:
    """The compact copy of an event that replay reads: its stored payload and supporting document, MessagePack."""
    return msgspec.msgpack.encode((payload, document_id))


def unpack_entry(packed: bytes) -> tuple[dict[str, Any], str | None]:
    """The stored payload and supporting document of a packed event."""
    try:
        payload, document_id = msgspec.msgpack.decode(packed)
    except (msgspec.DecodeError, TypeError, ValueError) as exc:
        raise EventValidationError("packed", f"not a packed event ({exc})") from exc
    if not isinstance(payload, dict) or not (document_id is None or isinstance(document_id, str)):
        raise EventValidationError("packed", "a packed event is [payload object, document id or null]")
    return payload, document_id


def decode_provenance(data: dict[str, Any] | None) -> Provenance:
    """Validate a stored provenance object."""
    try:
        return msgspec.convert(data or {}, Provenance)
    except msgspec.ValidationError as exc:
        raise EventValidationError("provenance", str(exc)) from exc


def stream_for(payload: Payload) -> str:
    """The stream an event belongs to, by the conventions of docs/architecture.md."""
    match payload:
        case DocumentIngested() | ChunkAdded() | ChunkRemoved() | DocumentRetracted():
            return f"document:{payload.doc_id}"
        case ConceptDefined() | ConceptAliased() | ConceptRetracted():
            return f"concept:{payload.concept_id}"
        case ConceptsMerged():
            return f"concept:{payload.into_id}"
        case RelationAsserted() | RelationRetracted():
            return f"relation:{payload.relation_id}"
        case ConceptProposed() | ConceptMatched():
            return f"concept:{payload.concept_id}"
        case RelationProposed():
            return f"relation:{payload.relation_id}"
        case ProposalAccepted() | ProposalRejected():
            return f"{payload.kind}:{payload.target_id}"
        case SupportWithdrawn():
            return f"{'relation' if payload.kind == 'relation' else 'concept'}:{payload.target_id}"
    raise UnknownEventTypeError(type(payload).__name__, list(PAYLOAD_TYPES))
