"""Response bodies: typed structs, so ``/schema`` documents every body (the answer is ``planner.response``'s own).

Free-form parts stay free-form on purpose: a calculator's inputs and outputs depend on the calculator, an event's
payload on its type, a trace step's outputs on its node.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Health(msgspec.Struct, frozen=True):
    status: str


class ReadyChecks(msgspec.Struct, omit_defaults=True):
    """What ``/ready`` checked; a starting service reports its phase and how far the projection has to go."""

    runtime: bool
    phase: str = "starting"
    error: str | None = None
    database: bool | None = None
    database_error: str | None = None
    log_position: int | None = None
    projection_position: int | None = None
    lag: int | None = None
    model: str | None = None
    model_loaded: bool | None = None


class Readiness(msgspec.Struct):
    ready: bool
    checks: ReadyChecks


class EventsPage(msgspec.Struct, frozen=True):
    """Events after ``after``, oldest first; ask again with ``after=next_after`` for the next page."""

    after: int
    limit: int
    head: int
    next_after: int
    events: list[dict[str, Any]]


class TraceNode(msgspec.Struct, frozen=True):
    id: str
    name: str
    seed: bool
    depth: int


class TraceEdge(msgspec.Struct, frozen=True):
    from_: str = msgspec.field(name="from")
    to: str = ""
    rel_type: str = ""
    sentence: dict[str, str] = msgspec.field(default_factory=dict)
    weight: float | None = None
    kind: str = ""


class TraceGraph(msgspec.Struct, frozen=True):
    nodes: list[TraceNode]
    edges: list[TraceEdge]


class Trace(msgspec.Struct, frozen=True):
    """A stored planner trace: each node's inputs, outputs and time, the answer, and the concepts it walked."""

    trace_id: str
    graph: TraceGraph
    question: str = ""
    as_of: int | None = None
    graph_namespace: str | None = None
    intent: str | None = None
    flags: list[str] = msgspec.field(default_factory=list)
    entities: list[dict[str, Any]] = msgspec.field(default_factory=list)
    nodes: list[dict[str, Any]] = msgspec.field(default_factory=list)
    route: list[str] = msgspec.field(default_factory=list)
    timings_ms: dict[str, Any] = msgspec.field(default_factory=dict)
    response: dict[str, Any] | None = None
    saved_at: str | None = None


class ConceptSearch(msgspec.Struct, frozen=True):
    query: str
    concepts: list[dict[str, Any]]


class Neighbour(msgspec.Struct, frozen=True):
    """A concept one typed relation away, read in the relation's direction (``reads_as``)."""

    concept_id: str
    name: str | None
    rel_type: str
    direction: str
    reads_as: str
    justification: str | None = None
    weight: float | None = None
    relation_id: str | None = None
    status: str | None = None
    supported_by: list[str] = msgspec.field(default_factory=list)


class ConceptDetail(msgspec.Struct, frozen=True):
    concept: dict[str, Any]
    neighbours: list[Neighbour]
    neighbours_by_relation: dict[str, list[Neighbour]]


class ConceptPathOut(msgspec.Struct, frozen=True):
    nodes: list[str]
    node_ids: list[str]
    score: float
    hops: list[dict[str, Any]]


class ConceptPaths(msgspec.Struct, frozen=True):
    from_: str = msgspec.field(name="from")
    to: str = ""
    max_hops: int = 0
    paths: list[ConceptPathOut] = msgspec.field(default_factory=list)


class ToolList(msgspec.Struct, frozen=True):
    tools: list[dict[str, Any]]


class AlternativeOut(msgspec.Struct, frozen=True):
    method: str
    outputs: dict[str, Any]
    outputs_rounded: dict[str, Any]
    formula: str


class Calculation(msgspec.Struct, frozen=True):
    """One calculation: normalised inputs, raw and rounded outputs, and how they were obtained."""

    tool: str
    method: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    outputs_rounded: dict[str, Any]
    assumptions: list[str]
    formula: str
    library: str
    alternatives: list[AlternativeOut]
    notes: list[str]


class Ingested(msgspec.Struct, frozen=True):
    filename: str
    events_appended: int
    positions: list[int]
    summary: str
    head: int


class Replayed(msgspec.Struct, frozen=True, omit_defaults=True):
    """Where the replay built; ``hash`` (of the rebuilt graph) when ``verify`` was asked."""

    namespace: str
    database: str
    position: int
    events: int
    seconds: float
    hash: str | None = None


class SourceRef(msgspec.Struct, frozen=True):
    id: str
    title: str


class GraphRelation(msgspec.Struct, frozen=True):
    """One relation of a concept in its stored direction, worded as a sentence (subject, verb, object, text)."""

    concept_id: str
    name: str
    rel_type: str
    direction: str
    sentence: dict[str, str]
    justification: str
    weight: float | None
    relation_id: str | None
    status: str
    sources: list[SourceRef]


class GraphConcept(msgspec.Struct, frozen=True):
    concept: dict[str, Any]
    relations: list[GraphRelation]


class GraphConcepts(msgspec.Struct, frozen=True):
    concepts: list[dict[str, Any]]


class Ontology(msgspec.Struct, frozen=True):
    relations: list[dict[str, Any]]


class GraphHop(msgspec.Struct, frozen=True):
    from_: str = msgspec.field(name="from")
    to: str = ""
    rel_type: str = ""
    sentence: dict[str, str] = msgspec.field(default_factory=dict)
    weight: float | None = None
    justification: str | None = None
    sources: list[SourceRef] = msgspec.field(default_factory=list)


class GraphPath(msgspec.Struct, frozen=True):
    node_ids: list[str]
    nodes: list[str]
    score: float
    hops: list[GraphHop]


class GraphPaths(msgspec.Struct, frozen=True):
    from_: str = msgspec.field(name="from")
    to: str = ""
    max_hops: int = 0
    paths: list[GraphPath] = msgspec.field(default_factory=list)


class LogPage(msgspec.Struct, frozen=True):
    """Matching events after ``after``; ``next_after`` is where the next page starts (``None``: none left)."""

    after: int
    head: int
    next_after: int | None
    events: list[dict[str, Any]]


class TypeCount(msgspec.Struct, frozen=True):
    name: str
    count: int


class DocumentCount(msgspec.Struct, frozen=True):
    id: str
    count: int


class EventFacets(msgspec.Struct, frozen=True):
    head: int
    types: list[TypeCount]
    documents: list[DocumentCount]


class GraphAsOf(msgspec.Struct, frozen=True):
    """The graph as of a log position, built by the engine's as-of replay (``cached``: built earlier)."""

    position: int
    head: int
    namespace: str
    counts: dict[str, int]
    concepts: list[dict[str, Any]]
    cached: bool


class CurvePoint(msgspec.Struct, frozen=True):
    x: float
    y: float


class CurveSeries(msgspec.Struct, frozen=True):
    id: str
    title: str
    x_label: str
    y_label: str
    points: list[CurvePoint]
    marked: CurvePoint


class PowerCurves(msgspec.Struct, frozen=True):
    """Power against n and n against the effect around a design, with the design's own calculation."""

    tool: str
    design: dict[str, float]
    series: list[CurveSeries]
    calculation: dict[str, Any]
