"""Typed values the planner nodes pass to each other (pure data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# graph values the planner passes on, defined by the read model
from engine.graph_reads import ConceptName as ConceptName
from engine.graph_reads import Edge as Edge

Intent = Literal["definition", "calculation", "methodology", "comparison", "best_practice", "out_of_scope"]
INTENTS: tuple[Intent, ...] = (
    "definition",
    "calculation",
    "methodology",
    "comparison",
    "best_practice",
    "out_of_scope",
)
SourceKind = Literal["chunk", "concept", "relation", "calculation"]

# Words that name the experiment itself ("my ab test", "the experiment"): domain words for intent, no help in telling
# what a question asks, and the setting rather than the topic of a question that names something else.
EXPERIMENT_WORDS: frozenset[str] = frozenset(
    "a/b ab a-b a/b-test ab-test test tests testing tested experiment experiments experimentation".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class LinkedEntity:
    """A concept the question names (or paraphrases); ``method`` says how it was found."""

    concept_id: str
    name: str
    mention: str
    confidence: float
    method: str  # phrase | lemma | fuzzy | embedding
    start: int = -1  # character offset of the mention in the question (-1 for embedding links)
    end: int = -1


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path, read in the direction of travel (``reading`` is the forward or inverse reading)."""

    from_id: str
    to_id: str
    rel_type: str
    reading: str
    forward: bool
    weight: float
    relation_id: str
    justification: str = ""


@dataclass(frozen=True, slots=True)
class ConceptPath:
    """A path from a start concept: its hops and score (product of weights with hop decay)."""

    start_id: str
    end_id: str
    hops: tuple[Hop, ...]
    score: float

    @property
    def node_ids(self) -> list[str]:
        return [self.start_id, *(h.to_id for h in self.hops)]


@dataclass(slots=True)
class Candidate:
    """A retrieved chunk with its scores from each retriever and after fusion/boosting."""

    chunk_id: str
    doc_id: str
    title: str
    heading: str
    text: str
    source: str = ""
    uri: str = ""
    vector_rank: int | None = None
    vector_score: float | None = None  # cosine similarity
    bm25_rank: int | None = None
    bm25_score: float | None = None
    fused_score: float = 0.0
    boost: float = 0.0
    mentions: tuple[str, ...] = ()
    duplicate_of: str | None = None

    @property
    def score(self) -> float:
        return self.fused_score + self.boost


@dataclass(frozen=True, slots=True)
class Source:
    """A numbered source in the context: what the model sees and what a citation points to."""

    marker: int
    kind: SourceKind
    id: str
    title: str
    text: str
    source: str = ""
    uri: str = ""
    tokens: int = 0


@dataclass(slots=True)
class CalculationOutcome:
    """What the calculate node produced: a result dict (``CalculationResult.to_dict()``) or what is missing."""

    tool: str | None
    result: dict[str, Any] | None = None
    needs: list[str] = field(default_factory=list)
    error: str | None = None
    assumptions: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # what to ask the user for each of ``needs``
    results: list[dict[str, Any]] = field(
        default_factory=list
    )  # every step's result (multi-step plans); result = last
    steps: list[dict[str, Any]] = field(
        default_factory=list
    )  # each calculator call as traced: tool, params, carried
