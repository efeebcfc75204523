"""What extraction proposes: candidate concepts and relations, each with the sentence and span that state it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ingest.source_document import slugify

EXTRACTOR = "pattern-extractor"
EXTRACTOR_VERSION = "1"


class ChunkLike(Protocol):
    @property
    def chunk_id(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence that states a fact: its chunk, its character span in the chunk text, and the text itself."""

    chunk_id: str
    start: int
    end: int
    sentence: str


@dataclass(frozen=True, slots=True)
class CandidateConcept:
    name: str
    aliases: tuple[str, ...]
    definition: str
    category: str | None  # None: the wording gave no cue; resolution picks one by embedding neighbours
    evidence: Evidence
    confidence: float
    pattern: str

    @property
    def concept_id(self) -> str:
        return slugify(self.name, 80)

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class CandidateRelation:
    source_id: str
    target_id: str
    rel_type: str
    evidence: Evidence
    confidence: float
    cue: str


@dataclass(slots=True)
class Extraction:
    concepts: list[CandidateConcept] = field(default_factory=list)
    relations: list[CandidateRelation] = field(default_factory=list)
