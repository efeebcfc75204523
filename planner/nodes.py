"""The planner's nodes: each reads the state, returns what it adds and records a trace step.

A node body returns ``(updates, record)``; ``@node`` adds the timing and appends the record to the trace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig

from planner import calculation as calc
from planner import reads
from planner.composition import compose_answer
from planner.context import number_sources, order_items, quote_for, token_counter
from planner.entity_linking import merge_embedding_links
from planner.generation import answer_messages, generate_answer
from planner.intent import classify_intent, has_text
from planner.retrieval import retrieve as hybrid_retrieve
from planner.state import PlannerState, RunContext
from planner.traversal import connecting_paths, describe_path, hop_records, path_score, related_concepts
from planner.verification import (
    Verification,
    check_answer,
    extractive_answer,
    numeric_values,
    verify_answer,
)

EMBED_LINK_MIN_SIMILARITY = 0.55
EMBED_LINK_MARGIN = 0.05
EMBED_LINK_MAX = 2
RELEVANCE_MIN_SIMILARITY = 0.35  # below this, the best chunk is not about the question
RETRIEVE_K = 20
DOC_FREQ_CACHE_MAX = 50_000
RELATED_MENTION_BONUS = 0.05  # distinct query terms remembered per graph version

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
    if has_text(question):
        vector = list(ctx.embedder.embed([question])[0])
        parsed = calc.parse(question)
        tool = calc.parsed_tool(parsed)
    # A parsed tool makes this a calculation only when the question carries numbers or asks to compute.
    calculable = tool is not None and any(ch.isdigit() for ch in question)
    proto_scores = (
        {
            intent: max((_cosine(vector, p) for p in protos), default=0.0)
            for intent, protos in ctx.prototypes.items()
        }
        if vector
        else {}
    )
    decision = classify_intent(
        question, calculable=calculable, vocabulary=ctx.graph.linker.vocabulary, prototype_scores=proto_scores
    )
    flags = list(dict.fromkeys([*state.get("flags", []), *decision.flags]))
    updates = {
        "question_vector": vector,
        "intent": decision.intent,
        "flags": flags,
        "parsed_calculation": parsed,
        "calculable": calculable,
    }
    record = {
        "inputs": {"question": question, "chars": len(question)},
        "outputs": {"intent": decision.intent, "flags": flags, "calculation_tool": tool},
        "decisions": {
            "scores": {k: round(v, 4) for k, v in decision.scores.items()},
            "rules_fired": decision.rules_fired,
            "in_domain": decision.in_domain,
            "domain_terms": decision.domain_terms,
            "parsed_calculation": calc.parsed_summary(parsed) if parsed is not None else None,
            "calculable": calculable,
        },
    }
    return updates, record


@node("entities")
def link_entities(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    question = state["question"]
    linked = ctx.graph.linker.link(question)
    decisions: list[dict[str, object]] = []
    vector = state.get("question_vector") or []
    if vector:
        neighbours = reads.concept_neighbours(ctx.graph.db, vector, k=5)
        linked, decisions = merge_embedding_links(
            linked,
            neighbours,
            min_similarity=EMBED_LINK_MIN_SIMILARITY,
            margin=EMBED_LINK_MARGIN,
            max_new=EMBED_LINK_MAX,
        )
    note = None if linked else "no known concept named; retrieval runs on the question text alone"
    updates: dict[str, Any] = {"entities": linked}
    intent = state.get("intent")
    if intent == "out_of_scope" and linked:
        # The question names known concepts (perhaps misspelt): it is in scope after all.
        decision = classify_intent(
            question,
            calculable=bool(state.get("calculable")),
            vocabulary=[*ctx.graph.linker.vocabulary, *(e.mention.lower() for e in linked if e.mention)],
        )
        if decision.intent == "out_of_scope":  # linked only by embedding: no surface mention to add
            decision = classify_intent(
                f"{question} {linked[0].name}", calculable=False, vocabulary=ctx.graph.linker.vocabulary
            )
        updates["intent"] = decision.intent
        note = f"intent revised from out_of_scope to {decision.intent}: the question names known concepts"
    record = {
        "inputs": {"question": question, "linker_position": ctx.graph.linker.position},
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
        "decisions": {"embedding_neighbours": decisions, "note": note},
    }
    return updates, record


@node("traverse")
def traverse(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    adj = ctx.graph.adjacency
    seeds = [e.concept_id for e in state.get("entities", [])]
    max_hops = state["max_hops"]
    connecting = connecting_paths(adj, seeds, max_hops=max_hops) if len(seeds) > 1 else []
    related = related_concepts(adj, seeds, max_hops=max_hops) if seeds else []
    weights: dict[str, float] = {}
    for ent in state.get("entities", []):
        weights[ent.concept_id] = max(weights.get(ent.concept_id, 0.0), ent.confidence)
    for path in [*connecting, *related]:
        for hop in path.hops:
            weights[hop.to_id] = max(weights.get(hop.to_id, 0.0), round(path.score, 6))
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
    kept, all_cands, decisions = hybrid_retrieve(
        ctx.graph.db,
        state.get("question_vector") or [],
        state["question"],
        state.get("concept_weights", {}),
        k=RETRIEVE_K,
        doc_freq_cache=ctx.graph.doc_freq if len(ctx.graph.doc_freq) < DOC_FREQ_CACHE_MAX else None,
        total_chunks=ctx.graph.chunk_total,
    )
    top_sim = float(decisions["top_similarity"])
    relevant = bool(state.get("entities")) or top_sim >= RELEVANCE_MIN_SIMILARITY
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
    return {"candidates": kept, "relevant": relevant}, record


@node("calculate")
def calculate(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    parsed = state.get("parsed_calculation")
    outcome = calc.run_calculation(parsed)
    record = {
        "inputs": {"parsed": calc.parsed_summary(parsed)},
        "outputs": {
            "tool": outcome.tool,
            "result": outcome.result,
            "needs": outcome.needs,
            "error": outcome.error,
        },
        "decisions": {"asked_for_inputs": bool(outcome.needs)},
    }
    return {"calculation": outcome}, record


@node("assemble")
def assemble(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    entities = state.get("entities", [])
    connecting = state.get("connecting", [])
    related = state.get("related", [])
    detail_ids = list(dict.fromkeys([e.concept_id for e in entities]))
    details = reads.concept_details(ctx.graph.db, detail_ids)
    items = order_items(
        state["intent"],
        entities=entities,
        details=details,
        connecting=connecting,
        related=related,
        chunks=state.get("candidates", []),
        adj=ctx.graph.adjacency,
    )
    outcome = state.get("calculation")
    result = outcome.result if outcome is not None else None
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


def _stream_writer(ctx: RunContext) -> Callable[[str], None] | None:
    if not ctx.stream_tokens:
        return None
    from langgraph.config import get_stream_writer

    writer = get_stream_writer()

    def emit(piece: str) -> None:
        writer({"token": piece})

    return emit


@node("generate")
def generate(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    outcome = state.get("calculation")
    calcs = [outcome.result] if outcome is not None and outcome.result else []
    messages = answer_messages(state["question"], state.get("sources", []), calcs)
    gen = generate_answer(
        ctx.generator,
        messages,
        max_new_tokens=ctx.settings.generator_max_new_tokens,
        on_token=_stream_writer(ctx),
    )
    record = {
        "inputs": {"messages": [{"role": m.role, "content": m.content} for m in messages]},
        "outputs": {"raw_output": gen.text},
        "decisions": {
            "model_id": gen.model_id,
            "prompt_tokens": gen.prompt_tokens,
            "completion_tokens": gen.completion_tokens,
            "seconds": round(gen.seconds, 3),
        },
    }
    return {"messages": messages, "raw_answer": gen.text}, record


def _calculation_values(state: PlannerState) -> list[float]:
    outcome = state.get("calculation")
    if outcome is None or not outcome.result:
        return []
    return (
        numeric_values(outcome.result.get("outputs"))
        + numeric_values(outcome.result.get("outputs_rounded"))
        + numeric_values(outcome.result.get("inputs"))
    )


@node("verify")
def verify(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    sources = state.get("sources", [])
    values = _calculation_values(state)
    question = state["question"]
    result = verify_answer(state.get("raw_answer", ""), sources, calculation_values=values, question=question)
    outcome = state.get("calculation")
    calc_source = next((s for s in sources if s.kind == "calculation"), None)
    template = ""
    if outcome is not None and outcome.result and calc_source is not None:
        primary = numeric_values(outcome.result.get("outputs_rounded") or outcome.result.get("outputs"))
        # The exact calculator numbers lead the answer unless the model already wrote them.
        if not primary or not _mentions_value(result.answer, primary[0]):
            template = calc.calculation_sentence(outcome.result, calc_source.marker)
    composed = compose_answer(result.answer, sources, template=template)
    answer = composed.answer
    result.fallback_used = composed.fallback_used
    result.citations_valid, result.numbers_verified = check_answer(
        answer, sources, calculation_values=values, question=question
    )
    result.answer = answer
    record = {
        "inputs": {"raw_output": state.get("raw_answer", ""), "sources": len(sources)},
        "outputs": {"answer": answer},
        "decisions": {
            "removed_sentences": [
                {"sentence": s, "reason": r}
                for s, r in zip(result.removed_sentences, result.removed_reasons, strict=False)
            ],
            "invalid_citations": result.invalid_citations,
            "unsupported_numbers": result.unsupported_numbers,
            "attributed": result.attributed,
            "fallback_used": result.fallback_used,
            "calculation_template": template or None,
            "grounded_lead": composed.grounded_lead,
            "dropped_for_length": composed.dropped_for_length,
            "citations_valid": result.citations_valid,
            "numbers_verified": result.numbers_verified,
        },
    }
    return {"answer": answer, "verification": result}, record


def _mentions_value(answer: str, value: float) -> bool:
    from planner.verification import number_supported, parse_numbers

    return any(number_supported(tok, [value]) for tok in parse_numbers(answer))


@node("clarify")
def clarify(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    outcome = state["calculation"]
    answer = calc.needs_sentence(outcome.needs, outcome.questions, outcome.tool)
    sources = state.get("sources", [])
    context = extractive_answer([s for s in sources if s.kind == "concept"], max_sources=1, max_words=40)
    if context:
        answer = f"{answer} {context}"
    ok = check_answer(answer, sources, question=state["question"])
    verification = Verification(answer=answer, citations_valid=ok[0], numbers_verified=ok[1])
    record = {
        "inputs": {"needs": outcome.needs, "tool": outcome.tool},
        "outputs": {"answer": answer},
        "decisions": {"reason": "calculator inputs missing: ask for them instead of generating"},
    }
    return {"answer": answer, "verification": verification}, record


REFUSAL = (
    "I can only answer questions about A/B testing, experimentation and the statistics behind them, and the "
    'knowledge base has nothing relevant to this question. Try, for example: "What is statistical power?" or '
    '"What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?"'
)
EMPTY_QUESTION = (
    "The question is empty. Ask a question about A/B testing or experimentation, for example: "
    '"How does variance affect sample size?"'
)


@node("refuse")
def refuse(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    empty = not has_text(state["question"])
    answer = EMPTY_QUESTION if empty else REFUSAL
    if "non_english" in state.get("flags", []) and not empty:
        answer += " Questions in English work best."
    verification = Verification(answer=answer, citations_valid=True, numbers_verified=True)
    record = {
        "inputs": {"intent": state.get("intent"), "relevant": state.get("relevant")},
        "outputs": {"answer": answer},
        "decisions": {
            "reason": "empty question" if empty else "out of scope and retrieval found nothing relevant"
        },
    }
    return {"answer": answer, "verification": verification, "intent": "out_of_scope"}, record


def citation_quotes(state: PlannerState) -> list[dict[str, Any]]:
    """Citations for the sources the final answer cites, in marker order, with a quote each."""
    from planner.verification import citation_markers, split_sentences

    answer = state.get("answer", "")
    cited: list[int] = []
    for sentence in split_sentences(answer):
        cited.extend(m for m in citation_markers(sentence) if m not in cited)
    by_marker = {s.marker: s for s in state.get("sources", [])}
    out = []
    for marker in sorted(cited):
        src = by_marker.get(marker)
        if src is None:
            continue
        out.append(
            {
                "marker": marker,
                "kind": src.kind,
                "id": src.id,
                "title": src.title,
                "source": src.source,
                "uri": src.uri,
                "quote": quote_for(src, answer),
            }
        )
    return out


def related_out(state: PlannerState, ctx: RunContext, limit: int = 8) -> list[dict[str, Any]]:
    """Related concepts for the response: the best path to each, with the last hop's reading."""
    adj = ctx.graph.adjacency
    out: list[dict[str, Any]] = []
    seen = {e.concept_id for e in state.get("entities", [])}
    for path in [*state.get("connecting", []), *state.get("related", [])]:
        for hop_index, hop in enumerate(path.hops):
            if hop.to_id in seen:
                continue
            seen.add(hop.to_id)
            sub = path.node_ids[: hop_index + 2]
            weights = [h.weight for h in path.hops[: hop_index + 1]]
            out.append(
                {
                    "concept_id": hop.to_id,
                    "name": adj.name(hop.to_id),
                    "relation": hop.reading,
                    "path": [adj.name(c) for c in sub],
                    "score": round(path_score(weights), 4),
                }
            )
    # Among equally strong paths, prefer concepts the retrieved text also discusses.
    discussed: dict[str, int] = {}
    for cand in state.get("candidates", []):
        for concept_id in cand.mentions:
            discussed[concept_id] = discussed.get(concept_id, 0) + 1
    out.sort(
        key=lambda r: (
            -(r["score"] + RELATED_MENTION_BONUS * min(2, discussed.get(r["concept_id"], 0))),
            len(r["path"]),
            r["concept_id"],
        )
    )
    return out[:limit]


def respond(state: PlannerState, config: RunnableConfig) -> dict[str, Any]:
    """Shape the response, then store the complete trace (this node's own step included)."""
    from planner.response import (
        AnswerResponse,
        CalculationOut,
        CitationOut,
        EntityOut,
        RelatedConceptOut,
        VerificationOut,
    )
    from planner.trace_store import save_trace

    ctx = run_context(config)
    start = time.perf_counter()
    verification: Verification = state.get("verification") or Verification("", True, True)
    outcome = state.get("calculation")
    calcs = []
    if outcome is not None and outcome.result:
        r = outcome.result
        calcs.append(
            CalculationOut(
                tool=str(r.get("tool")),
                method=str(r.get("method")),
                inputs=dict(r.get("inputs") or {}),
                outputs=dict(r.get("outputs") or {}),
                assumptions=[str(a) for a in r.get("assumptions") or []],
                formula=str(r.get("formula") or ""),
                library=str(r.get("library") or ""),
            )
        )
    citations = citation_quotes(state)
    related = related_out(state, ctx)
    timings = dict(state.get("timings", {}))
    ms = round((time.perf_counter() - start) * 1000, 3)
    timings["respond"] = ms
    response = AnswerResponse(
        question=state["question"],
        answer=state.get("answer", ""),
        intent=state.get("intent", "out_of_scope"),
        entities=[
            EntityOut(e.concept_id, e.name, e.mention, e.confidence) for e in state.get("entities", [])
        ],
        citations=[CitationOut(**c) for c in citations],
        related_concepts=[RelatedConceptOut(**r) for r in related],
        calculations=calcs,
        needs=list(outcome.needs) if outcome is not None else [],
        verification=VerificationOut(
            citations_valid=verification.citations_valid,
            numbers_verified=verification.numbers_verified,
            removed_sentences=list(verification.removed_sentences),
            fallback_used=verification.fallback_used,
            invalid_citations=list(verification.invalid_citations),
            unsupported_numbers=list(verification.unsupported_numbers),
        ),
        trace_id=ctx.trace_id,
        as_of=state.get("as_of", ctx.graph.position),
        timings_ms=timings,
    )
    step = {
        "node": "respond",
        "ms": ms,
        "inputs": {},
        "outputs": {
            "citations": [c["marker"] for c in citations],
            "related": [r["concept_id"] for r in related],
        },
        "decisions": {},
    }
    steps = [*state.get("trace", []), step]
    save_trace(
        ctx.trace_db,
        {
            "trace_id": ctx.trace_id,
            "question": state["question"],
            "as_of": response.as_of,
            "graph_namespace": ctx.graph.namespace,
            "intent": response.intent,
            "flags": state.get("flags", []),
            "entities": [
                {
                    "concept_id": e.concept_id,
                    "name": e.name,
                    "mention": e.mention,
                    "confidence": e.confidence,
                    "method": e.method,
                }
                for e in state.get("entities", [])
            ],
            "nodes": steps,
            "route": [s["node"] for s in steps],
            "timings_ms": timings,
            "response": response.to_dict(),
        },
    )
    return {"response": response, "trace": [step], "timings": {"respond": ms}}
