"""The planner's typed state (what flows between nodes) and per-request run context (what nodes may use)."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict

from engine.graph_reads import QueryRunner
from engine.text_index import ChunkTextIndex
from engine.vector_index import VectorIndex
from model.prompts import ChatMessage
from planner.concept_phrasings import PhrasingIndex
from planner.entity_linking import EntityLinker
from planner.traversal import Adjacency
from planner.types import CalculationOutcome, Candidate, ConceptPath, LinkedEntity, Source
from planner.verification import Verification


def merge_dicts(left: Mapping[str, float], right: Mapping[str, float]) -> dict[str, float]:
    """Reducer for per-node timings: later nodes add their entries."""
    return {**left, **right}


class PlannerState(TypedDict, total=False):
    """Everything a question accumulates on its way through the graph. Nodes return only what they add."""

    # input
    question: str
    as_of: int
    max_hops: int
    conversation_id: str | None
    earlier_calculation: dict[str, Any] | None  # the previous turn's calculation reading (follow-ups)
    # understand
    focus: str  # the question without chat spellings, openers, sign-offs and typos (planner.question_focus)
    question_vector: list[float]
    intent: str
    in_scope_intent: str  # the intent an out-of-scope question has if retrieval finds it relevant
    flags: list[str]
    parsed_calculation: Any
    calculable: bool
    # entities / traverse
    entities: list[LinkedEntity]
    topics: list[tuple[str, float]]  # unnamed concepts the question is likely about (planner.entity_linking)
    concept_scores: dict[str, float]  # cosine of the question with its closest concepts (the concept index)
    connecting: list[ConceptPath]
    related: list[ConceptPath]
    concept_weights: dict[str, float]
    # retrieve
    candidates: list[Candidate]
    relevant: bool
    # calculate
    calculation: CalculationOutcome
    # assemble
    sources: list[Source]
    concept_details: dict[str, dict[str, Any]]
    # generate / verify / respond
    plan: Any  # planner.answer_plans.AnswerPlan
    messages: list[ChatMessage]
    raw_answer: str
    answer: str
    verification: Verification
    response: Any
    # bookkeeping
    trace: Annotated[list[dict[str, Any]], operator.add]
    timings: Annotated[dict[str, float], merge_dicts]


@dataclass(slots=True)
class GraphView:
    """One version of the graph as the planner reads it: the linker and adjacency built at ``position``."""

    db: QueryRunner
    position: int
    linker: EntityLinker
    adjacency: Adjacency
    namespace: str
    doc_freq: dict[str, int] = field(default_factory=dict)  # BM25 document counts per term, this version only
    # Exact kNN snapshots at ``position`` (None: the database scans the table).
    chunk_index: VectorIndex | None = None
    concept_index: VectorIndex | None = None
    # every concept's name, aliases and phrasings, embedded (None: closeness reads the definitions alone)
    phrasings: PhrasingIndex | None = None
    # BM25 and chunk details in memory at ``position``, built on the first question that retrieves.
    chunk_text: ChunkTextIndex | None = None
    # planner.question_focus.Speller over this version's chunk words, built on the first question.
    speller: Any = None


@dataclass(slots=True)
class RunContext:
    """Per-question context handed to nodes through LangGraph's config (``configurable.run``)."""

    settings: Any
    trace_db: QueryRunner
    graph: GraphView
    embedder: Any
    generator: Any
    trace_id: str
    # the answer-relevance embedder (model.embedder.load_relevance_embedder); None: the embedder's cosine decides
    relevance: Any = None
    # the answer reranker (model.reranker.load_reranker); None: the blend of cosines decides alone
    reranker: Any = None
    prototypes: dict[str, list[list[float]]] = field(default_factory=dict)
    stream_tokens: bool = False
