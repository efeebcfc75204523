"""The planner's context nodes (understand → assemble): each reads the state, returns what it adds, records a trace
step. The answering nodes (generate, verify, clarify, refuse, respond) live in ``planner.answering``.

A node body returns ``(updates, record)``; ``@node`` adds the timing and appends the record to the trace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig

from engine.text_index import ChunkTextIndex
from planner import analysis_routing, proposed_facts
from planner import calculation as calc
from planner.answer_plans import plan_kind
from planner.concept_phrasings import blend_neighbours
from planner.context import number_sources, order_items, token_counter
from planner.entity_linking import merge_embedding_links, topic_concepts, without_setting
from planner.intent import classify_intent, has_text
from planner.question_focus import focus_question, speller_for
from planner.retrieval import retrieve as hybrid_retrieve
from planner.state import PlannerState, RunContext
from planner.traversal import connecting_paths, describe_path, hop_records, related_concepts

NEIGHBOURS = 5  # concepts closest to the question that may be linked, steer retrieval or be the plan's topic
CLOSENESS_POOL = 100  # concepts by definition cosine whose phrasings are weighed too (the database's most)
EMBED_LINK_MIN_SIMILARITY = 0.55
EMBED_LINK_MARGIN = 0.05
EMBED_LINK_MAX = 2
TOPIC_MIN_SIMILARITY = 0.3  # an unnamed concept this close to the question steers retrieval and the plan
TOPIC_MARGIN = 0.06
TOPIC_MAX = 2
RELATED_WEIGHT = (
    0.5  # × path score: a concept reached from a linked one is weaker evidence than the linked one
)
RELEVANCE_MIN_SIMILARITY = 0.35  # below this, the best chunk is not about the question
RETRIEVE_K = 20
DOC_FREQ_CACHE_MAX = 50_000  # distinct query terms remembered per graph version

NodeBody = Callable[[PlannerState, RunContext], tuple[dict[str, Any], dict[str, Any]]]


def run_context(config: RunnableConfig) -> RunContext:
    ctx: RunContext = (config.get("configurable") or {})["run"]
    return ctx


def node(name: str) -> Callable[[NodeBody], Callable[[PlannerState, RunnableConfig], dict[str, Any]]]:
    """Wrap a node body: time it and append its trace step (inputs, outputs, decisions, ms)."""

    def wrap(body: NodeBody) -> Callable[[PlannerState, RunnableConfig], dict[str, Any]]:
        def run(state: PlannerState, config: RunnableConfig) -> dict[str, Any]:
            ctx = run_context(config)
            start = time.perf_counter()
            updates, record = body(state, ctx)
            ms = round((time.perf_counter() - start) * 1000, 3)
            step = {"node": name, "ms": ms, **record}
            return {**updates, "trace": [step], "timings": {name: ms}}

        # No functools.wraps: LangGraph reads the signature to pass ``config``, and wraps would expose ``ctx``.
        run.__name__ = run.__qualname__ = name
        run.__doc__ = body.__doc__
        return run

    return wrap


def _cosine(a: list[float], b: list[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b, strict=False)))


@node("understand")
def understand(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    question = state["question"]
    vector: list[float] = []
    parsed = None
    tool = None
    focus = (
        focus_question(question, speller_for(ctx.graph), ctx.graph.linker.phrasings)
        if has_text(question)
        else None
    )
    focused = focus.text if focus is not None else question
    if has_text(question):
        vector = list(ctx.embedder.embed([focused])[0])
        parsed = calc.parse(question, state.get("earlier_calculation"))
        tool = calc.parsed_tool(parsed)
    calculable = tool is not None and calc.calculation_requested(question, parsed)
    if (
        has_text(question)
        and analysis_routing.carries_results(question)
        and not calc.answers_itself(parsed, question)
    ):  # results in: the scorecard answers, unless the own calculation does (named test, means, a p-value)
        tool, calculable = analysis_routing.TOOL, True
    proto_scores = (
        {
            intent: max((_cosine(vector, p) for p in protos), default=0.0)
            for intent, protos in ctx.prototypes.items()
        }
        if vector
        else {}
    )
    decision = classify_intent(
        focused, calculable=calculable, vocabulary=ctx.graph.linker.vocabulary, prototype_scores=proto_scores
    )
    flags = list(dict.fromkeys([*state.get("flags", []), *decision.flags]))
    updates = {
        "focus": focused,
        "question_vector": vector,
        "intent": decision.intent,
        "in_scope_intent": decision.in_scope_intent,
        "flags": flags,
        "parsed_calculation": parsed,
        "calculable": calculable,
    }
    record = {
        "inputs": {"question": question, "chars": len(question)},
        "outputs": {"intent": decision.intent, "flags": flags, "calculation_tool": tool, "focus": focused},
        "decisions": {
            "scores": {k: round(v, 4) for k, v in decision.scores.items()},
            "rules_fired": decision.rules_fired,
            "in_domain": decision.in_domain,
            "domain_terms": decision.domain_terms,
            "parsed_calculation": calc.parsed_summary(parsed) if parsed is not None else None,
            "calculable": calculable,
            "focus": None
            if focus is None
            else {
                "removed": focus.removed,
                "rewrites": focus.rewrites,
                "corrections": focus.corrections,
                "hints": [m.to_trace() for m in focus.hints],
            },
        },
    }
    return updates, record


@node("entities")
def link_entities(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    question = state["question"]
    focused = state.get("focus") or question
    # The focus fixes typos and chat spellings; the original still counts (a correction can miss a name).
    linked = ctx.graph.linker.link(focused)
    linked += [
        e for e in ctx.graph.linker.link(question) if e.concept_id not in {x.concept_id for x in linked}
    ]
    decisions: list[dict[str, object]] = []
    topics: list[tuple[str, float]] = []
    neighbours: list[tuple[str, str, float]] = []
    vector = state.get("question_vector") or []
    if vector:
        defined = proposed_facts.concept_neighbours(
            ctx.graph.db,
            vector,
            k=CLOSENESS_POOL if ctx.graph.phrasings is not None else NEIGHBOURS,
            index=ctx.graph.concept_index,
            include_proposed=ctx.settings.planner_use_proposed,
        )
        neighbours = (
            blend_neighbours(defined, ctx.graph.phrasings.closeness(vector), NEIGHBOURS)
            if ctx.graph.phrasings is not None
            else defined
        )
        linked, decisions = merge_embedding_links(
            linked,
            neighbours,
            min_similarity=EMBED_LINK_MIN_SIMILARITY,
            margin=EMBED_LINK_MARGIN,
            max_new=EMBED_LINK_MAX,
        )
        topics = topic_concepts(
            linked, neighbours, min_similarity=TOPIC_MIN_SIMILARITY, margin=TOPIC_MARGIN, max_topics=TOPIC_MAX
        )
    named = linked  # an A/B test named only as the setting still puts the question in scope
    linked = without_setting(focused, linked)
    note = None if linked else "no known concept named; retrieval runs on the question text alone"
    if named and not linked:
        note = (
            "the question names the A/B test only as its setting; retrieval runs on the question text alone"
        )
    updates: dict[str, Any] = {
        "entities": linked,
        "topics": topics,
        "concept_scores": {concept_id: round(sim, 4) for concept_id, _, sim in neighbours},
    }
    intent = state.get("intent")
    if intent == "out_of_scope" and named:
        # The question names known concepts (perhaps misspelt): it is in scope after all.
        decision = classify_intent(
            focused,
            calculable=bool(state.get("calculable")),
            vocabulary=[*ctx.graph.linker.vocabulary, *(e.mention.lower() for e in named if e.mention)],
        )
        if decision.intent == "out_of_scope":  # linked only by embedding: no surface mention to add
            decision = classify_intent(
                f"{focused} {named[0].name}", calculable=False, vocabulary=ctx.graph.linker.vocabulary
            )
        updates["intent"] = decision.intent
        note = f"intent revised from out_of_scope to {decision.intent}: the question names known concepts"
    record = {
        "inputs": {"question": question, "focus": focused, "linker_position": ctx.graph.linker.position},
        "outputs": {
            "entities": [
                {
                    "concept_id": e.concept_id,
                    "name": e.name,
                    "mention": e.mention,
                    "confidence": e.confidence,
                    "method": e.method,
                }
                for e in linked
            ]
        },
        "decisions": {
            "embedding_neighbours": decisions,
            "topics": topics,
            # how the closeness above was read: the definition cosine, or its mean with the best phrasing cosine
            "closeness": "definition and phrasings" if ctx.graph.phrasings is not None else "definition",
            "note": note,
        },
    }
    return updates, record


@node("traverse")
def traverse(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    adj = ctx.graph.adjacency
    seeds = [e.concept_id for e in state.get("entities", [])]
    max_hops = state["max_hops"]
    connecting = connecting_paths(adj, seeds, max_hops=max_hops) if len(seeds) > 1 else []
    # Paths between concepts the question names outrank paths to concepts linked only by embedding similarity.
    named = {e.concept_id for e in state.get("entities", []) if e.method != "embedding"}
    connecting.sort(key=lambda p: (not {p.start_id, p.end_id} <= named, -p.score, p.start_id, p.end_id))
    topics = [concept_id for concept_id, _ in state.get("topics", [])]
    related = related_concepts(adj, seeds, max_hops=max_hops, prefer=topics) if seeds else []
    weights: dict[str, float] = {}
    for ent in state.get("entities", []):
        weights[ent.concept_id] = max(weights.get(ent.concept_id, 0.0), ent.confidence)
    for path in [*connecting, *related]:
        for hop in path.hops:
            weights[hop.to_id] = max(weights.get(hop.to_id, 0.0), round(RELATED_WEIGHT * path.score, 6))
    for concept_id, similarity in state.get("topics", []):  # unnamed topics: a soft weight, their cosine
        weights[concept_id] = max(weights.get(concept_id, 0.0), similarity)
    record = {
        "inputs": {"seeds": seeds, "max_hops": max_hops, "graph_edges": adj.edge_count},
        "outputs": {
            "connecting_paths": [
                {"path": describe_path(adj, p), "score": round(p.score, 6), "hops": hop_records(adj, p)}
                for p in connecting
            ],
            "related": [
                {
                    "concept_id": p.end_id,
                    "path": describe_path(adj, p),
                    "score": round(p.score, 6),
                    "hops": hop_records(adj, p),
                }
                for p in related
            ],
        },
        "decisions": {"note": None if seeds else "no linked concepts: nothing to traverse"},
    }
    return {"connecting": connecting, "related": related, "concept_weights": weights}, record


@node("retrieve")
def retrieve(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    if ctx.graph.chunk_text is None:
        ctx.graph.chunk_text = ChunkTextIndex.load(ctx.graph.db)
    kept, all_cands, decisions = hybrid_retrieve(
        ctx.graph.db,
        state.get("question_vector") or [],
        state.get("focus") or state["question"],  # typos fixed, filler dropped, situation names added
        state.get("concept_weights", {}),
        k=RETRIEVE_K,
        doc_freq_cache=ctx.graph.doc_freq if len(ctx.graph.doc_freq) < DOC_FREQ_CACHE_MAX else None,
        chunk_index=ctx.graph.chunk_index,
        intent=state.get("intent"),
        embed=ctx.embedder.embed,
        text_index=ctx.graph.chunk_text,
    )
    top_sim = float(decisions["top_similarity"])
    relevant = bool(state.get("entities")) or top_sim >= RELEVANCE_MIN_SIMILARITY
    updates: dict[str, Any] = {"candidates": kept, "relevant": relevant}
    if state.get("intent") == "out_of_scope" and relevant:
        # no domain word, but passages close to it: in scope after all, and asking what its wording asks
        updates["intent"] = state.get("in_scope_intent") or "methodology"
        decisions["intent_revised"] = (
            f"from out_of_scope to {updates['intent']}: retrieval found passages close to the question"
        )
    record = {
        "inputs": {
            "query_terms": decisions["query_terms"],
            "boost_concepts": state.get("concept_weights", {}),
        },
        "outputs": {
            "candidates": [
                {
                    "chunk_id": c.chunk_id,
                    "doc_id": c.doc_id,
                    "vector_rank": c.vector_rank,
                    "vector_score": None if c.vector_score is None else round(c.vector_score, 4),
                    "bm25_rank": c.bm25_rank,
                    "bm25_score": None if c.bm25_score is None else round(c.bm25_score, 4),
                    "fused_score": round(c.fused_score, 6),
                    "boost": round(c.boost, 6),
                    "mentions": list(c.mentions),
                    "duplicate_of": c.duplicate_of,
                }
                for c in all_cands
            ],
            "kept": [c.chunk_id for c in kept],
        },
        "decisions": {
            **decisions,
            "relevant": relevant,
            "relevance_min_similarity": RELEVANCE_MIN_SIMILARITY,
        },
    }
    return updates, record


@node("calculate")
def calculate(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    parsed = state.get("parsed_calculation")
    question = state["question"]
    scorecard = None if calc.answers_itself(parsed, question) else analysis_routing.analysis_outcome(question)
    outcome = scorecard or calc.run_calculation(parsed)
    record = {
        "inputs": {"parsed": calc.parsed_summary(parsed)},
        "outputs": {
            "tool": outcome.tool,
            "result": outcome.result,
            "steps": outcome.steps,
            "results": outcome.results,
            "needs": outcome.needs,
            "error": outcome.error,
        },
        "decisions": {"asked_for_inputs": bool(outcome.needs), "follow_up": calc.is_follow_up(parsed)},
    }
    return {"calculation": outcome}, record


@node("assemble")
def assemble(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    entities = state.get("entities", [])
    connecting = state.get("connecting", [])
    related = state.get("related", [])
    detail_ids = list(dict.fromkeys([e.concept_id for e in entities]))
    details = proposed_facts.concept_details(
        ctx.graph.db, detail_ids, include_proposed=ctx.settings.planner_use_proposed
    )
    # a question asking how one named concept moves another is told as a walk along its path: the path's relations
    # come first; any other question is answered from passages, which the relations would crowd out
    walks = plan_kind(state["intent"], state["question"], entities, connecting) == "multi_hop"
    items = order_items(
        state["intent"],
        walks=walks,
        entities=entities,
        details=details,
        connecting=connecting,
        related=related,
        chunks=state.get("candidates", []),
        adj=ctx.graph.adjacency,
    )
    outcome = state.get("calculation")
    result = calc.combined_result(outcome)
    count, counter_kind = token_counter(ctx.generator)
    sources, trimming = number_sources(items, result, budget=ctx.settings.context_token_budget, count=count)
    record = {
        "inputs": {"candidate_sources": len(items), "budget": ctx.settings.context_token_budget},
        "outputs": {
            "sources": [
                {"marker": s.marker, "kind": s.kind, "id": s.id, "title": s.title, "tokens": s.tokens}
                for s in sources
            ]
        },
        "decisions": {"token_counter": counter_kind, "trimming": trimming},
    }
    return {"sources": sources, "concept_details": details}, record
