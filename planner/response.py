"""The answer JSON: one typed shape for the library, the CLI and the API."""

from __future__ import annotations

from typing import Any, Literal

import msgspec


class EntityOut(msgspec.Struct, frozen=True):
    concept_id: str
    name: str
    mention: str
    confidence: float


class CitationOut(msgspec.Struct, frozen=True):
    marker: int
    kind: Literal["chunk", "concept", "relation", "calculation"]
    id: str
    title: str
    source: str
    uri: str
    quote: str


class RelatedConceptOut(msgspec.Struct, frozen=True):
    concept_id: str
    name: str
    relation: str
    path: list[str]
    score: float


class CalculationOut(msgspec.Struct, frozen=True):
    tool: str
    method: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    assumptions: list[str]
    formula: str
    library: str


class VerificationOut(msgspec.Struct, frozen=True):
    citations_valid: bool
    numbers_verified: bool
    removed_sentences: list[str]
    fallback_used: bool = False
    invalid_citations: list[int] = msgspec.field(default_factory=list)
    unsupported_numbers: list[str] = msgspec.field(default_factory=list)


class AnswerResponse(msgspec.Struct, frozen=True):
    """The planner's answer (issue 6 response JSON)."""

    question: str
    answer: str
    intent: str
    entities: list[EntityOut]
    citations: list[CitationOut]
    related_concepts: list[RelatedConceptOut]
    calculations: list[CalculationOut]
    needs: list[str]
    verification: VerificationOut
    trace_id: str
    as_of: int
    timings_ms: dict[str, float]
    conversation_id: str | None = None  # send it back with a follow-up question to reuse this turn's inputs

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the exact shape of ``to_json``)."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result

    def to_json(self) -> bytes:
        return msgspec.json.encode(self)


class PlannerEvent(msgspec.Struct, frozen=True):
    """One item of ``Planner.stream``: a finished node (``step``), an answer token (``token``) or the final answer."""

    event: Literal["step", "token", "answer"]
    data: dict[str, Any]


def decode_response(raw: bytes | str) -> AnswerResponse:
    """Parse a response JSON back into an ``AnswerResponse`` (validates the shape)."""
    return msgspec.json.decode(raw, type=AnswerResponse)
