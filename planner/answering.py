"""The planner's answering nodes: generate, verify, clarify, refuse and respond (which stores the trace)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig

from engine import graph_reads as reads
from planner import calculation as calc
from planner import related
from planner.answer_plans import AnswerPlan, build_plan
from planner.ask_clause import ask_clause
from planner.composition import NO_ANSWER, compose_answer
from planner.context import (
    Item,
    concept_item,
    further_passages,
    quote_for,
    relation_items,
    remedy_hops,
)
from planner.faithfulness import gate
from planner.generation import answer_messages, generate_answer, plan_messages
from planner.intent import has_text
from planner.nodes import node, run_context
from planner.state import PlannerState, RunContext
from planner.traversal import path_score
from planner.types import Candidate, ConceptPath, Source
from planner.verification import (
    Verification,
    check_answer,
    extractive_answer,
    numeric_values,
    split_sentences,
    verify_answer,
)


def _stream_writer(ctx: RunContext) -> Callable[[str], None] | None:
    if not ctx.stream_tokens:
        return None
    from langgraph.config import get_stream_writer

    writer = get_stream_writer()

    def emit(piece: str) -> None:
        writer({"token": piece})

    return emit


def _similarity(ctx: RunContext, state: PlannerState) -> Callable[[str, Sequence[str]], list[float]]:
    """Cosine between the question and each sentence, with the planner's embedder (vectors are unit length)."""
    question_vector = state.get("question_vector") or []

    def score(question: str, sentences: Sequence[str]) -> list[float]:
        if not sentences:
            return []
        # the question's vector is already computed; any other text is embedded here
        own = question == state["question"] and question_vector
        qv = question_vector if own else ctx.embedder.embed([question])[0]
        return [sum(a * b for a, b in zip(qv, v, strict=False)) for v in ctx.embedder.embed(list(sentences))]

    return score


def _relevance(ctx: RunContext) -> Callable[[str, Sequence[str]], list[float]] | None:
    """How well each sentence answers the question, by the answer-relevance embedder (None: turned off)."""
    return None if ctx.relevance is None else ctx.relevance.cosines


def _rerank(ctx: RunContext) -> Callable[[str, Sequence[str]], list[float]] | None:
    """How well each sentence answers the question, by the cross-encoder reranker (None: turned off)."""
    return None if ctx.reranker is None else ctx.reranker.scores


DOMINANT_TOP = 3  # a document holding the first passage and another of the first three leads the retrieval
LEAD_DOC_PASSAGES = 6  # its other sections the focused evidence may quote (dev6 +2 facts, dev1-5 -1)
RETRIEVED_CONCEPTS = 5  # concept pages among the top retrieved passages that may ground a plan
RANKED_PASSAGES = 8  # the top retrieved passages whose concept pages count
# retrieved passages beyond the numbered context that a plan's focused evidence may quote (dev splits: 5 -> 8 +4 of
# 920 key facts; 12 gave none of it back)
PLAN_PASSAGES = 8
OWN_PAGE_PASSAGES = (
    4  # sections of the named concepts' own pages ("When to use", "Common mistakes") it may quote
)


def _own_pages(ctx: RunContext, concept_ids: Sequence[str]) -> list[Candidate]:
    """The sections of the concepts' own pages, from the in-memory chunk index (empty before it is built)."""
    return _sections(ctx, [f"concept-{c}" for c in concept_ids])


def dominant_document(candidates: Sequence[Candidate], top: int = DOMINANT_TOP) -> str | None:
    """The document retrieval found most relevant, when it holds the first passage and at least one more of the
    first ``top``: a guide on exactly the question's topic, whose other sections may hold the answer."""
    firsts = [c.doc_id for c in candidates[:top] if c.duplicate_of is None]
    if firsts and firsts.count(firsts[0]) >= 2:
        return firsts[0]
    return None


def _sections(ctx: RunContext, doc_ids: Sequence[str]) -> list[Candidate]:
    """Every section of the documents, in the order given, from the in-memory chunk index (empty before it is
    built)."""
    index = ctx.graph.chunk_text
    if index is None or not doc_ids:
        return []
    docs = {d: i for i, d in enumerate(doc_ids)}
    rows = sorted(
        (r for r in index.rows.values() if str(r.get("doc_id")) in docs),
        key=lambda r: docs[str(r.get("doc_id"))],
    )
    return [
        Candidate(
            chunk_id=str(r["chunk_id"]),
            doc_id=str(r.get("doc_id") or ""),
            title=str(r.get("title") or r.get("doc_id") or ""),
            heading=str(r.get("heading") or ""),
            text=str(r.get("text") or ""),
            source=str(r.get("source") or ""),
            uri=str(r.get("uri") or ""),
        )
        for r in rows
    ]


def _with_retrieved_concepts(
    state: PlannerState, ctx: RunContext
) -> tuple[list[Source], dict[str, Any], list[str], list[str]]:
    """The sources plus the concepts whose own pages retrieval ranked high, and the retrieved passages the context
    left out (numbered after the others); and the ids of those passages (for the plan's focused evidence only).

    A plan may then rest on the concept a question is about even when the question never names it.
    """
    sources = list(state.get("sources", []))
    details = dict(state.get("concept_details", {}))
    if state.get("intent") == "calculation" and calc.outcome_results(state.get("calculation")):
        # a calculated answer rests on its numbers; one with nothing calculated is explained like a method question
        return sources, details, [], []
    ranked = [
        c.doc_id.removeprefix("concept-")
        for c in state.get("candidates", [])[:RANKED_PASSAGES]
        if c.doc_id.startswith("concept-")
    ]
    # the unnamed concepts the question is closest to come first (planner.entity_linking.topic_concepts)
    topics = [concept_id for concept_id, _ in state.get("topics", [])]
    retrieved = list(dict.fromkeys([*topics, *list(dict.fromkeys(ranked))[:RETRIEVED_CONCEPTS]]))
    have = {s.id for s in sources if s.kind == "concept"}
    missing = [c for c in retrieved if c not in have]
    # the named concepts' own pages, then retrieved passages the context left out: the plan's focused evidence
    # may quote them
    numbered = {s.id for s in sources}
    own = further_passages(
        _own_pages(ctx, [e.concept_id for e in state.get("entities", [])[:2]]), numbered, OWN_PAGE_PASSAGES
    )
    numbered |= {item.id for item in own}
    # retrieval ranks a guide's sections by how they open; the section that answers ("Levene's test and the
    # Brown-Forsythe test" for a question about a change in spread) may open on a name the question never used
    lead_doc = dominant_document(state.get("candidates", []))
    sections = further_passages(_sections(ctx, [lead_doc] if lead_doc else []), numbered, LEAD_DOC_PASSAGES)
    numbered |= {item.id for item in sections}
    passages = own + sections + further_passages(state.get("candidates", []), numbered, PLAN_PASSAGES)
    if missing or passages:
        details.update(reads.concept_details(ctx.graph.db, missing))
        calculations = [s for s in sources if s.kind == "calculation"]
        text_sources = [s for s in sources if s.kind != "calculation"]
        adj = ctx.graph.adjacency
        have_relations = {s.id for s in sources if s.kind == "relation"}

        def number(item: Item) -> None:
            """Number ``item`` after the sources so far; a relation already numbered is skipped."""
            if item.kind == "relation":
                if item.id in have_relations:
                    return
                have_relations.add(item.id)
            text_sources.append(
                Source(
                    len(text_sources) + 1, item.kind, item.id, item.title, item.text, item.source, item.uri
                )
            )

        for item in passages:
            number(item)
        # every relation saying how a named concept is handled, not only the strongest the context numbered: the plan
        # tells the ones closest to the question ("launch decision" has twenty). All of them, not those past the
        # strongest few: the context numbers the strongest few of both concepts together, so a second concept's own
        # strongest may be missing; ``number`` skips a relation already numbered
        for e in state.get("entities", [])[:2]:
            for hop in remedy_hops(adj, e.concept_id, limit=None):
                for item in relation_items(adj, ConceptPath(e.concept_id, hop.to_id, (hop,), hop.weight)):
                    number(item)
        for cid in missing:
            if cid in details:
                # the concept, then the relations saying how it is handled (what a practical answer recommends)
                number(concept_item(details[cid], with_formula=False))
                for hop in remedy_hops(adj, cid, limit=None):
                    for item in relation_items(adj, ConceptPath(cid, hop.to_id, (hop,), hop.weight)):
                        number(item)
        sources = text_sources + [
            Source(len(text_sources) + 1 + i, s.kind, s.id, s.title, s.text, s.source, s.uri, s.tokens)
            for i, s in enumerate(calculations)
        ]
    return sources, details, retrieved, [item.id for item in passages]


def _asked_concepts(ctx: RunContext, question: str) -> list[str]:
    """The concepts the ask of a question that first sets a scene names or describes ("... ship or not?" describes a
    launch decision), in the linker's order; none for a one-sentence question."""
    ask = ask_clause(question)
    if not ask:
        return []
    linker = ctx.graph.linker
    named = [e.concept_id for e in linker.link(ask)]
    described = [m.concept_id for m in linker.phrasings.match(ask)] if linker.phrasings is not None else []
    return list(dict.fromkeys([*named, *described]))


@node("generate")
def generate(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    outcome = state.get("calculation")
    calcs = calc.outcome_results(outcome)
    sources, details, retrieved, focus_only = _with_retrieved_concepts(state, ctx)
    plan = build_plan(
        state.get("intent", "methodology"),
        state["question"],
        sources=sources,
        details=details,
        entities=state.get("entities", []),
        connecting=state.get("connecting", []),
        candidates=state.get("candidates", []),
        adj=ctx.graph.adjacency,
        similarity=_similarity(ctx, state),
        relevance=_relevance(ctx),
        rerank=_rerank(ctx),
        retrieved_concepts=retrieved,
        calculated=bool(calcs),
        concept_scores=state.get("concept_scores", {}),
        focus=state.get("focus", ""),
        focus_only=focus_only,
        # only an advice plan reads them (``answer_plans.build_plan``): no linking on the other answers' path
        asked_concepts=_asked_concepts(ctx, state["question"])
        if state.get("intent") == "best_practice"
        else (),
    )
    if plan.items and not plan.generate:
        emit = _stream_writer(ctx)
        if emit is not None:  # a streaming client still sees the answer arrive, sentence by sentence
            lead = calculation_lead(outcome, sources)
            if lead:
                emit(lead + " ")
            for item in plan.items:
                emit(item.text + " ")
        record = {
            "inputs": {"plan": plan.to_trace()},
            "outputs": {"raw_output": ""},
            "decisions": {"skipped": True, "reason": plan.reason, "max_new_tokens": 0},
        }
        return {"plan": plan, "messages": [], "raw_answer": "", "sources": sources}, record
    if calcs and not plan.items and not ctx.settings.generator_for_calculations:
        # The calculator's numbers, method and reference are the answer and verify writes them; a small model asked
        # to restate them wrote sentences verification then dropped (bench: 5-27 s of generation, none kept).
        record = {
            "inputs": {"plan": plan.to_trace()},
            "outputs": {"raw_output": ""},
            "decisions": {
                "skipped": True,
                "reason": "calculated: the calculator's numbers and method are the answer, with the top passage",
                "max_new_tokens": 0,
            },
        }
        return {"plan": plan, "messages": [], "raw_answer": "", "sources": sources}, record
    if plan.items:
        titles = {s.marker: s.title for s in sources}
        messages = plan_messages(
            state["question"], [(i.marker, titles.get(i.marker, ""), i.text) for i in plan.items]
        )
        budget = plan.max_new_tokens
    else:
        messages = answer_messages(state["question"], sources, calcs)
        budget = ctx.settings.generator_max_new_tokens
    gen = generate_answer(ctx.generator, messages, max_new_tokens=budget, on_token=_stream_writer(ctx))
    record = {
        "inputs": {
            "plan": plan.to_trace(),
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        },
        "outputs": {"raw_output": gen.text},
        "decisions": {
            "skipped": False,
            "reason": plan.reason,
            "max_new_tokens": budget,
            "model_id": gen.model_id,
            "prompt_tokens": gen.prompt_tokens,
            "completion_tokens": gen.completion_tokens,
            "seconds": round(gen.seconds, 3),
        },
    }
    return {"plan": plan, "messages": messages, "raw_answer": gen.text, "sources": sources}, record


def _calculation_values(state: PlannerState) -> list[float]:
    values: list[float] = []
    for r in calc.outcome_results(state.get("calculation")):
        values += numeric_values(r.get("outputs")) + numeric_values(r.get("outputs_rounded"))
        values += numeric_values(r.get("inputs"))
    return values


def calculation_lead(outcome: Any, sources: Sequence[Source]) -> str:
    """The calculator's sentence that leads an answer with a calculation, citing its source; '' without one."""
    calc_source = next((s for s in sources if s.kind == "calculation"), None)
    if outcome is None or not outcome.result or calc_source is None:
        return ""
    return calc.outcome_sentence(outcome, calc_source.marker)


def numbers_kept(answer: str, lead: str, primary: Sequence[Sequence[float]]) -> str:
    """``answer`` led by the calculator's sentence ``lead`` unless it states every step's main number
    (``primary``): the model may have written the numbers in sentences that verification then removed."""
    if all(p and _mentions_value(answer, p[0]) for p in primary):
        return answer
    return f"{lead} {answer}".strip()


@node("verify")
def verify(state: PlannerState, ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    sources = state.get("sources", [])
    values = _calculation_values(state)
    question = state["question"]
    plan: AnswerPlan | None = state.get("plan")
    raw = state.get("raw_answer", "")
    result = verify_answer(raw, sources, calculation_values=values, question=question)
    outcome = state.get("calculation")
    template = ""
    composed = None
    lead = ""
    primary: list[list[float]] = []
    if plan is not None and plan.items:
        template = calculation_lead(outcome, sources)  # a calculation plan explains the numbers: they lead
        candidates = split_sentences(template) + [i.text for i in plan.items] + split_sentences(result.answer)
    else:
        lead = calculation_lead(outcome, sources)
        if lead:
            results = calc.outcome_results(outcome)
            primary = [numeric_values(r.get("outputs_rounded") or r.get("outputs"))[:1] for r in results]
            # The exact calculator numbers (every step's) lead the answer unless the model already wrote them.
            if not all(p and _mentions_value(result.answer, p[0]) for p in primary):
                template = lead
        composed = compose_answer(result.answer, sources, template=template)
        result.fallback_used = composed.fallback_used
        candidates = split_sentences(composed.answer)
    gated = gate(
        candidates,
        sources,
        ctx.embedder.embed,
        calculation_values=values,
        concept_names=ctx.graph.linker.vocabulary,
        trusted=split_sentences(template) if template else (),
    )
    answer = " ".join(gated.kept)
    if lead and not template:
        answer = numbers_kept(answer, lead, primary)
    if not answer.strip():
        answer = extractive_answer([s for s in sources if s.kind != "calculation"]) or NO_ANSWER
        result.fallback_used = True
    if outcome is not None and outcome.needs:
        # the question also asked why or what happens (planner.graph.after_assemble): explained, then the inputs
        answer = f"{answer} {calc.needs_sentence(outcome.needs, outcome.questions, outcome.tool)}"
    result.removed_sentences.extend(r.sentence for r in gated.removed)
    result.removed_reasons.extend(
        f"{r.reason} ({r.score:.2f})" if r.score is not None else r.reason for r in gated.removed
    )
    result.citations_valid, result.numbers_verified = check_answer(
        answer, sources, calculation_values=values, question=question
    )
    result.answer = answer
    record = {
        "inputs": {"raw_output": raw, "sources": len(sources), "plan_items": len(plan.items) if plan else 0},
        "outputs": {"answer": answer},
        "decisions": {
            "removed_sentences": [
                {"sentence": s, "reason": r}
                for s, r in zip(result.removed_sentences, result.removed_reasons, strict=False)
            ],
            "gate": gated.trace(),
            "support_scores": [round(x, 4) for x in gated.scores],
            "invalid_citations": result.invalid_citations,
            "unsupported_numbers": result.unsupported_numbers,
            "attributed": result.attributed,
            "fallback_used": result.fallback_used,
            "calculation_template": template or None,
            "grounded_lead": composed.grounded_lead if composed else None,
            "dropped_for_length": composed.dropped_for_length if composed else [],
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
    """Related concepts for the response: the best path to each, with the last hop's reading.

    Only those relevant to the question (``planner.related``): joined directly to a linked concept, on a path
    between two of them, or named close to the question.
    """
    adj = ctx.graph.adjacency
    out: list[dict[str, Any]] = []
    seen = {e.concept_id for e in state.get("entities", [])}
    connecting = state.get("connecting", [])
    on_paths = {c for p in connecting for c in p.node_ids}
    for path in [*connecting, *state.get("related", [])]:
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
    question_vector = state.get("question_vector") or []

    def similarity(names: Sequence[str]) -> list[float]:
        if not names or not question_vector:
            return [1.0] * len(names)  # nothing to compare with: keep them
        return [
            sum(a * b for a, b in zip(question_vector, v, strict=False))
            for v in ctx.embedder.embed(list(names))
        ]

    kept = related.relevant(
        [{**r, "hops": len(r["path"]) - 1} for r in out], connecting_ids=on_paths, similarity=similarity
    )
    keep = {r["concept_id"] for r in kept}
    discussed: dict[str, int] = {}
    for cand in state.get("candidates", []):
        for concept_id in cand.mentions:
            discussed[concept_id] = discussed.get(concept_id, 0) + 1
    topics = {concept_id for concept_id, _ in state.get("topics", [])}
    return related.rank([r for r in out if r["concept_id"] in keep], discussed, topics)[:limit]


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
    for r in calc.outcome_results(outcome):
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
        conversation_id=state.get("conversation_id"),
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
    conversation_id = state.get("conversation_id")
    if conversation_id:
        from planner.conversations import save_turn

        save_turn(
            ctx.trace_db,
            conversation_id,
            state["question"],
            ctx.trace_id,
            calc.memory(state.get("parsed_calculation")),
        )
    return {"response": response, "trace": [step], "timings": {"respond": ms}}
