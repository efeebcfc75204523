"""The planner service: ``Planner(deps).ask(question)`` and ``.stream(question)`` over the compiled graph."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from config import Settings
from engine import graph_reads as reads
from engine.as_of_graphs import AsOfGraphs
from engine.graph_reads import MAX_HOPS
from engine.replay import ReplayRangeError
from engine.text_index import ChunkTextIndex
from engine.vector_index import VectorIndexCache
from planner import proposed_facts
from planner.answer_vectors import WarmReport
from planner.concept_phrasings import PhrasingIndex
from planner.entity_linking import EntityLinker
from planner.graph import build_graph
from planner.intent import INTENT_PROTOTYPES
from planner.response import AnswerResponse, PlannerEvent
from planner.state import GraphView, PlannerState, RunContext
from planner.trace_store import new_trace_id
from planner.traversal import Adjacency
from planner.vector_warmup import warm_live_graph


class PlannerInputError(ValueError):
    """A request the planner cannot serve as asked; the message says what to do, ``field`` names the option."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class PlannerDeps:
    """What the planner needs: settings, the database, the embedder, the generator (None: no generation)."""

    settings: Settings
    db: Any
    embedder: Any
    generator: Any = None
    # The answer-relevance embedder; None: the one ``settings.relevance_adapter`` names (or none, when it is off).
    relevance: Any = None
    # The answer reranker; None: the one ``settings.reranker_adapter`` names (or none, when it is off).
    reranker: Any = None
    # The engine's past graphs of ``db``; share one with every other reader of past graphs (the /log page).
    as_of_graphs: AsOfGraphs | None = None


def normalise_question(question: str, max_chars: int) -> tuple[str, list[str]]:
    """Collapse whitespace, drop control characters and cut to ``max_chars`` on a word boundary."""
    flags: list[str] = []
    text = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in str(question or ""))
    text = " ".join(text.split())
    if len(text) > max_chars:
        cut = text[:max_chars]
        space = cut.rfind(" ")
        text = cut[:space] if space > max_chars // 2 else cut
        flags.append(f"truncated_to_{max_chars}_chars")
    return text, flags


# Touches every node up to assemble: an encoder pass, a calculation parse, linking, traversal and retrieval.
WARM_UP_QUESTION = "How many users per arm do I need to detect a 10% lift on a 5% conversion rate?"


class Planner:
    """Answers questions against the graph; thread-safe, one per process (it caches graph views and prototypes)."""

    def __init__(self, deps: PlannerDeps) -> None:
        self.deps = deps
        self._relevance = deps.relevance if deps.relevance is not None else _relevance_embedder(deps.settings)
        self._reranker = deps.reranker if deps.reranker is not None else _reranker(deps.settings)
        self._graph = build_graph()
        self._context_graph = build_graph(through="assemble")
        self._views: dict[tuple[str, str, int], GraphView] = {}
        self._as_of = deps.as_of_graphs or AsOfGraphs(deps.db)
        self._lock = threading.Lock()
        self._prototypes: dict[str, list[list[float]]] | None = None
        # Exact kNN matrices per database handle, brought forward as the projection checkpoint moves.
        self._vectors = VectorIndexCache()

    # ------------------------------------------------------------------ graph versions
    def _prototype_vectors(self) -> dict[str, list[list[float]]]:
        if self._prototypes is None:
            flat = [(intent, text) for intent, texts in INTENT_PROTOTYPES.items() for text in texts]
            vectors = self.deps.embedder.embed([t for _, t in flat])
            protos: dict[str, list[list[float]]] = {}
            for (intent, _), vec in zip(flat, vectors, strict=True):
                protos.setdefault(intent, []).append(list(vec))
            self._prototypes = protos
        return self._prototypes

    def graph_view(self, db: Any, position: int) -> GraphView:
        """The linker and adjacency for ``db`` at ``position``, rebuilt only when the log position changes."""
        ns = f"{getattr(db, 'ns', '?')}/{getattr(db, 'name', '?')}"
        key = (ns, str(id(db)), position)
        with self._lock:
            view = self._views.get(key)
            if view is None:
                proposed = self.deps.settings.planner_use_proposed
                concepts = proposed_facts.concept_names(db, include_proposed=proposed)
                names = {c.concept_id: c.name for c in concepts}
                view = GraphView(
                    db=db,
                    position=position,
                    linker=EntityLinker(concepts, position=position),
                    adjacency=Adjacency.build(proposed_facts.edges(db, include_proposed=proposed), names),
                    namespace=ns,
                    chunk_index=self._vectors.get(db, "chunk"),
                    concept_index=self._vectors.get(db, "concept"),
                    phrasings=PhrasingIndex.build(concepts, self.deps.embedder.embed),
                    # built here, under the lock, once per graph version (not by each concurrent first question)
                    chunk_text=ChunkTextIndex.load(db),
                )
                # keep only the newest view per database
                self._views = {k: v for k, v in self._views.items() if k[:2] != key[:2]}
                self._views[key] = view
                # Past graphs come and go with the engine's as-of builds: keep as many of their views as it keeps.
                while len(self._views) > self._as_of.capacity + 1:
                    oldest = next(k for k, v in self._views.items() if v.db is not self.deps.db)
                    del self._views[oldest]
            return view

    @property
    def as_of_graphs(self) -> AsOfGraphs:
        """The engine's past graphs this planner answers ``as_of`` questions from (share it with other readers)."""
        return self._as_of

    def graph_at(self, as_of: int | None) -> tuple[Any, int]:
        """The database to answer from and its log position: the live graph, or the engine's build of the past."""
        db = self.deps.db
        if as_of is None:
            return db, reads.log_position(db)
        try:
            past, _ = self._as_of.at(as_of)
        except ReplayRangeError as exc:
            raise PlannerInputError(str(exc), field="as_of") from None
        return past, as_of

    # ------------------------------------------------------------------ requests
    def _start(
        self,
        question: str,
        as_of: int | None,
        max_hops: int | None,
        *,
        stream_tokens: bool = False,
        conversation_id: str | None = None,
    ) -> tuple[PlannerState, dict[str, Any]]:
        settings = self.deps.settings
        hops = settings.max_hops if max_hops is None else int(max_hops)
        if not 1 <= hops <= MAX_HOPS:
            raise PlannerInputError(
                f"max_hops must be between 1 and {MAX_HOPS}; got {hops}", field="max_hops"
            )
        text, flags = normalise_question(question, settings.max_question_chars)
        graph_db, position = self.graph_at(as_of)
        view = self.graph_view(graph_db, position)
        ctx = RunContext(
            settings=settings,
            trace_db=self.deps.db,
            graph=view,
            embedder=self.deps.embedder,
            generator=self.deps.generator,
            relevance=self._relevance,
            reranker=self._reranker,
            trace_id=new_trace_id(),
            prototypes=self._prototype_vectors(),
            stream_tokens=stream_tokens,
        )
        state: PlannerState = {
            "question": text,
            "as_of": position,
            "max_hops": hops,
            "flags": flags,
            "trace": [],
            "timings": {},
        }
        if conversation_id is not None:
            from planner.conversations import ConversationIdError, check_conversation_id, last_calculation

            try:
                state["conversation_id"] = check_conversation_id(conversation_id)
            except ConversationIdError as exc:
                raise PlannerInputError(str(exc), field="conversation_id") from None
            state["earlier_calculation"] = last_calculation(self.deps.db, conversation_id)
        return state, {"configurable": {"run": ctx}}

    def ask(
        self,
        question: str,
        *,
        as_of: int | None = None,
        max_hops: int | None = None,
        conversation_id: str | None = None,
    ) -> AnswerResponse:
        """Answer ``question`` (cited, verified) against the graph now or ``as_of`` a log position.

        With ``conversation_id`` the turn is stored, and a follow-up reuses the previous calculation's inputs.
        """
        if self.deps.generator is None:
            raise PlannerInputError(
                "this planner was built without a generator; pass one in PlannerDeps to ask"
            )
        state, config = self._start(question, as_of, max_hops, conversation_id=conversation_id)
        final = self._graph.invoke(state, config)
        response: AnswerResponse = final["response"]
        return response

    def stream(
        self,
        question: str,
        *,
        as_of: int | None = None,
        max_hops: int | None = None,
        conversation_id: str | None = None,
    ) -> Generator[PlannerEvent, None, None]:
        """Yield each finished node's trace step, then answer tokens as generated, then the final answer."""
        if self.deps.generator is None:
            raise PlannerInputError(
                "this planner was built without a generator; pass one in PlannerDeps to ask"
            )
        state, config = self._start(
            question, as_of, max_hops, stream_tokens=True, conversation_id=conversation_id
        )
        response: AnswerResponse | None = None
        for mode, chunk in self._graph.stream(state, config, stream_mode=["updates", "custom"]):
            if mode == "custom":
                yield PlannerEvent("token", {"text": str(chunk.get("token", ""))})
                continue
            for _node_name, update in chunk.items():
                if not update:
                    continue
                for step in update.get("trace", []):
                    yield PlannerEvent("step", _public_step(step))
                if update.get("response") is not None:
                    response = update["response"]
        if response is None:  # pragma: no cover - the graph always ends in respond
            raise RuntimeError("the planner graph ended without a response")
        yield PlannerEvent("answer", response.to_dict())

    def warm(self) -> None:
        """Build and load what a first question would otherwise wait for (seconds on a cold process): the live
        graph's view and indexes, the question encoder, the calculation parser. Stores nothing."""
        load = getattr(self.deps.embedder, "load", None)
        if load is not None:  # the warm-up question may be in the embedding cache: load the encoder anyway
            load()
        if self._relevance is not None:
            self._relevance.load()
        if self._reranker is not None:
            self._reranker.load()
        self.prepare(WARM_UP_QUESTION)
        if self.deps.settings.warm_answer_vectors:
            self.warm_answer_vectors()

    def warm_answer_vectors(self, progress: Callable[[int], None] | None = None) -> WarmReport:
        """Embed every sentence of the live graph that a plan can weigh and the encoders' cache lacks (seconds when
        the ingest did it; see ``planner.vector_warmup``); ``progress(n)`` as vectors arrive."""
        return warm_live_graph(
            self.deps.db,
            [self.deps.embedder, self._relevance],
            include_proposed=self.deps.settings.planner_use_proposed,
            progress=progress,
        )

    def prepare(
        self,
        question: str,
        *,
        as_of: int | None = None,
        max_hops: int | None = None,
        conversation_id: str | None = None,
    ) -> PlannerState:
        """Run understand → assemble only (no generation, no stored trace): the benchmark's path."""
        state, config = self._start(question, as_of, max_hops, conversation_id=conversation_id)
        result: PlannerState = self._context_graph.invoke(state, config)
        return result


def _relevance_embedder(settings: Settings) -> Any:
    from model.embedder import load_relevance_embedder

    return load_relevance_embedder(settings)


def _reranker(settings: Settings) -> Any:
    from model.reranker import load_reranker

    return load_reranker(settings)


def _public_step(step: dict[str, Any]) -> dict[str, Any]:
    """A trace step as streamed to clients: node, timing, outputs and decisions (prompt text stays in the trace)."""
    return {k: v for k, v in step.items() if k != "inputs"}
