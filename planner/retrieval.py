"""Hybrid retrieval: exact kNN + BM25 fused by reciprocal rank fusion, boosted by graph mentions, reranked for what
the question asks, deduplicated.

Pure functions (fusion, boosting, reranking, dedup, query terms) plus ``retrieve`` which runs the two searches.
BM25 and chunk details come from the in-memory ``engine.text_index.ChunkTextIndex`` the planner keeps per graph
version, which took the node from ~56 to ~5 ms median (bench.bench_planner) against the database's full-text index.

Intent-aware reranking: the passage that answers "how long should I run my test?" sits under a heading such as
"Planning test duration — The statistical minimum", while the question names no concept that passage is about. So
the fused candidates are reranked by how close the question is to each passage's title and heading (the same MiniLM
embedder; headings are short, so their vectors come from the embedder's cache after the first time), and by the
document's kind for the intent: worked examples (numbers for one case) answer calculation questions, guides answer
the others. Headings only rerank what the two searches found: the sections whose headings are nearest the question,
fused as a third list, brought the passage holding a question's key facts into the candidates for 9 to 12 more of
581 dev questions (512 without), but mostly noise (of the headings among the 10 nearest that the passage search had
missed, 5% held those facts), and the answers lost 11 key facts of 1836.

A learned linear map of the question's vector for the passage search (trained on the dev splits' key-fact passages)
put the passage holding most key facts first for 318 instead of 243 of 631 dev questions, leave-one-split-out, and
raised the fused recall@5 from 471 to 485, but the answers' key facts went from 1757 to 1758 of 2006: the answers
are decided by which sentences of the pool they tell, so it is not used (eval/README.md, thirty-first session).

Settings: a guide written for one setting ("A/B testing in iOS and Android apps", front matter ``setting: [mobile app,
iOS, Android]``) answers "how long should a mobile test run?", not "how long should I run my test?", however close
its section on test length is to both. Its passages rank below every other passage unless the question names the
setting (all the stemmed words of one of its names), so a generic question is answered from the generic pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from engine import graph_reads as reads
from engine.text_index import ChunkTextIndex, analyse
from engine.vector_index import VectorIndex
from planner.types import Candidate

RRF_K = 60
MAX_BM25_TERMS = 4  # 8 (every content word): over 272 dev questions 2 answers gained a key fact, 5 lost one
MAX_QUERY_TERMS = 8  # content words of a question considered for BM25 (the rarest MAX_BM25_TERMS are used)
MAX_TERM_SHARE = 0.3  # a term in more than this share of chunks barely discriminates (and is slow to score)
DETAIL_LIMIT = 15  # candidates kept after reranking (and deduplicated)
MENTION_BOOST = 0.012  # ≈ 0.7 of a first-place RRF vote for a chunk that mentions a linked concept
NEAR_DUPLICATE_JACCARD = 0.6
ASPECT_WEIGHT = 0.04  # × cosine(question, "title — heading"); tuned on eval/answers_dev.jsonl
KIND_BONUS = 0.006  # ≈ 0.35 of a first-place RRF vote, for the document kind that suits the intent
PRACTICAL_INTENTS = frozenset({"best_practice"})  # a guide says how; a concept page says what
RERANK_LIMIT = 20  # fused candidates whose text is fetched and reranked
_TERM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_QUESTION_WORDS = frozenset(
    {"need", "needs", "use", "using", "affect", "affects", "much", "many", "does", "get"}
)


# "how long should I run it" asks for a duration: "long" there would find the passages on long-term effects
_HOW_MUCH_OF = re.compile(r"\bhow (?:long|often|soon|early)\b")
# the corpus writes "A/B" (no term of its own): "ab" matches only the few passages spelt "AB", whatever they are about
_SPELLING_ONLY = frozenset({"ab", "a-b"})


def query_terms(question: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Distinct content words of the question for full-text search (stop words dropped), in order."""
    out: list[str] = []
    for term in _TERM.findall(_HOW_MUCH_OF.sub("how", question.lower())):
        if term in _SPELLING_ONLY:
            continue
        if term in STOP_WORDS or term in _QUESTION_WORDS or len(term) < 2 or term.isdigit():
            continue
        if term not in out:
            out.append(term)
    return out[:limit]


def choose_bm25_terms(
    terms: Sequence[str], doc_freq: Mapping[str, int], total: int, *, max_terms: int = MAX_BM25_TERMS
) -> tuple[list[str], dict[str, str]]:
    """The most discriminating query terms for BM25: rarest first, none absent from the index, none too common.

    Returns the chosen terms and, for the trace, why each other term was left out. When every matching term is
    common, the rarest one is kept so the full-text side still votes.
    """
    reasons: dict[str, str] = {}
    matching = [t for t in terms if doc_freq.get(t, 0) > 0]
    for t in terms:
        if doc_freq.get(t, 0) == 0:
            reasons[t] = "not in the index"
    limit = max(1, int(total * MAX_TERM_SHARE))
    specific = sorted(
        (t for t in matching if doc_freq[t] <= limit), key=lambda t: (doc_freq[t], terms.index(t))
    )
    for t in matching:
        if doc_freq[t] > limit:
            reasons[t] = f"too common ({doc_freq[t]} of {total} chunks)"
    chosen = specific[:max_terms]
    for t in specific[max_terms:]:
        reasons[t] = "less specific than the chosen terms"
    if not chosen and matching:
        rarest = min(matching, key=lambda t: (doc_freq[t], terms.index(t)))
        chosen = [rarest]
        reasons.pop(rarest, None)
    return chosen, reasons


def rrf_scores(rankings: Mapping[str, Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: ``sum 1 / (k + rank)`` over the rankings an id appears in (rank from 1)."""
    fused: dict[str, float] = {}
    for ranking in rankings.values():
        seen: set[str] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def mention_boost(
    mentions: Sequence[str], concept_weights: Mapping[str, float], boost: float = MENTION_BOOST
) -> float:
    """Boost for a chunk mentioning weighted concepts: the strongest mention, plus a little for each other one."""
    weights = sorted((concept_weights[c] for c in mentions if c in concept_weights), reverse=True)
    if not weights:
        return 0.0
    return boost * (weights[0] + 0.25 * sum(weights[1:]))


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    toks = _TERM.findall(text.lower())
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def jaccard(a: str, b: str) -> float:
    """Word-trigram Jaccard similarity (near-duplicate test)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def mark_duplicates(
    ranked: Sequence[Candidate], threshold: float = NEAR_DUPLICATE_JACCARD, *, limit: int = 15
) -> list[Candidate]:
    """Keep the best of near-duplicate chunks among the top ``limit``; mark the others' ``duplicate_of``.

    Near-duplicate: word-trigram Jaccard ≥ ``threshold``, or one chunk's trigrams mostly contained in another's
    from the same document (overlapping chunk windows).
    """
    kept: list[tuple[Candidate, set[tuple[str, ...]]]] = []
    for cand in ranked[:limit]:
        sh = _shingles(cand.text)
        for other, other_sh in kept:
            if not sh or not other_sh:
                continue
            inter = len(sh & other_sh)
            if inter / len(sh | other_sh) >= threshold or (
                cand.doc_id == other.doc_id and inter / min(len(sh), len(other_sh)) >= 0.8
            ):
                cand.duplicate_of = other.chunk_id
                break
        else:
            kept.append((cand, sh))
    return [c for c, _ in kept]


def fuse(
    vector_rows: Sequence[Mapping[str, Any]],
    bm25_rows: Sequence[Mapping[str, Any]],
    mentions: Mapping[str, Sequence[str]],
    concept_weights: Mapping[str, float],
) -> list[Candidate]:
    """Merge both result lists into candidates ranked by RRF + mention boost (duplicates included, marked later)."""
    cands: dict[str, Candidate] = {}

    def cand_for(row: Mapping[str, Any]) -> Candidate:
        cid = str(row["chunk_id"])
        if cid not in cands:
            cands[cid] = Candidate(
                chunk_id=cid,
                doc_id=str(row.get("doc_id") or ""),
                title=str(row.get("title") or row.get("doc_id") or cid),
                heading=str(row.get("heading") or ""),
                text=str(row.get("text") or ""),
                source=str(row.get("source") or ""),
                uri=str(row.get("uri") or ""),
            )
        return cands[cid]

    for rank, row in enumerate(vector_rows, start=1):
        c = cand_for(row)
        if c.vector_rank is None:
            c.vector_rank, c.vector_score = rank, float(row.get("similarity", 0.0))
    for rank, row in enumerate(bm25_rows, start=1):
        c = cand_for(row)
        if c.bm25_rank is None:
            c.bm25_rank, c.bm25_score = rank, float(row.get("bm25", 0.0))
    fused = rrf_scores(
        {
            "vector": [str(r["chunk_id"]) for r in vector_rows],
            "bm25": [str(r["chunk_id"]) for r in bm25_rows],
        }
    )
    for cid, cand in cands.items():
        cand.fused_score = fused.get(cid, 0.0)
        cand.mentions = tuple(mentions.get(cid, ()))
        cand.boost = mention_boost(cand.mentions, concept_weights)
    return sorted(cands.values(), key=lambda c: (-c.score, c.chunk_id))


def kind_bonus(intent: str | None, doc_kind: str, bonus: float = KIND_BONUS) -> float:
    """Worked examples suit calculation questions; for every other intent a guide or reference suits better."""
    if not intent or not doc_kind:
        return 0.0
    if intent == "calculation":
        return bonus if doc_kind == "worked_example" else 0.0
    if doc_kind == "worked_example":
        return -bonus
    return bonus if intent in PRACTICAL_INTENTS and doc_kind == "guide" else 0.0


def heading_text(cand: Candidate) -> str:
    return cand.title if not cand.heading or cand.heading == cand.title else f"{cand.title} — {cand.heading}"


def rerank(
    cands: Sequence[Candidate],
    question_vector: Sequence[float],
    intent: str | None,
    kinds: Mapping[str, str],
    embed: Callable[[list[str]], Sequence[Sequence[float]]] | None,
    *,
    weight: float = ASPECT_WEIGHT,
) -> tuple[list[Candidate], dict[str, dict[str, float]]]:
    """``cands`` re-sorted with the heading similarity and the kind bonus added to each boost; the added parts."""
    aspect: dict[str, float] = {}
    if embed is not None and question_vector and weight:
        heads = [heading_text(c) for c in cands]
        unique = list(dict.fromkeys(heads))
        vectors = dict(zip(unique, embed(unique), strict=True))
        for c, h in zip(cands, heads, strict=True):
            aspect[c.chunk_id] = float(sum(a * b for a, b in zip(question_vector, vectors[h], strict=False)))
    added: dict[str, dict[str, float]] = {}
    for c in cands:
        parts = {
            "heading_similarity": round(aspect.get(c.chunk_id, 0.0), 4),
            "kind_bonus": kind_bonus(intent, kinds.get(c.chunk_id, "")),
        }
        c.boost += weight * parts["heading_similarity"] + parts["kind_bonus"]
        added[c.chunk_id] = parts
    return sorted(cands, key=lambda c: (-c.score, c.chunk_id)), added


def names_setting(question: str | frozenset[str], setting: Sequence[str]) -> bool:
    """Whether the question (its text, or its stemmed words) names the setting: every stemmed word of one of the
    setting's names occurs in it."""
    asked = question if isinstance(question, frozenset) else frozenset(analyse(question))
    return any(words and set(words) <= asked for words in (analyse(name) for name in setting))


def in_setting_first(
    cands: Sequence[Candidate], question: str, settings: Mapping[str, Sequence[str]]
) -> tuple[list[Candidate], list[str]]:
    """``cands`` with the passages of a setting the question does not name moved to the end (order kept); their ids."""
    asked = frozenset(analyse(question))
    off = [c for c in cands if settings.get(c.chunk_id) and not names_setting(asked, settings[c.chunk_id])]
    ids = {c.chunk_id for c in off}
    return [c for c in cands if c.chunk_id not in ids] + off, [c.chunk_id for c in off]


def _row_mentions(
    rows: Sequence[Mapping[str, Any]], concept_weights: Mapping[str, float]
) -> dict[str, list[str]] | None:
    """Mentions of weighted concepts from the chunks' own ``mention_ids`` (the projection keeps the mentions edges'
    targets there), or None when the rows do not carry them."""
    if any(r.get("mention_ids") is None for r in rows):
        return None
    return {str(r["chunk_id"]): [c for c in r["mention_ids"] if c in concept_weights] for r in rows}


def retrieve(
    db: reads.QueryRunner,
    question_vector: Sequence[float],
    question: str,
    concept_weights: Mapping[str, float],
    *,
    k: int = 20,
    doc_freq_cache: dict[str, int] | None = None,
    chunk_index: VectorIndex | None = None,
    intent: str | None = None,
    embed: Callable[[list[str]], Sequence[Sequence[float]]] | None = None,
    text_index: ChunkTextIndex | None = None,
) -> tuple[list[Candidate], list[Candidate], dict[str, Any]]:
    """Run kNN and BM25, fuse, boost, fetch the winners' text and dedupe.

    Returns (kept ranked, all candidates, decisions for the trace). ``doc_freq_cache`` (per graph version) saves
    the per-term index counts between questions. ``text_index`` (per graph version) answers BM25, term counts and
    chunk details; without one it is built from ``db`` for this call.
    """
    if text_index is None:
        text_index = ChunkTextIndex.load(db)
    if chunk_index is not None and question_vector:
        hits = chunk_index.search(question_vector, k)
        vector_rows = [{**text_index.rows[c], "similarity": sim} for c, sim in hits if c in text_index.rows]
    else:
        vector_rows = (
            reads.similar_chunks_knn(db, question_vector, k, index=chunk_index) if question_vector else []
        )
    terms = query_terms(question)
    cache = doc_freq_cache if doc_freq_cache is not None else {}
    for term in terms:
        if term not in cache:
            cache[term] = text_index.document_frequency(term)
    chosen, left_out = choose_bm25_terms(terms, cache, text_index.total)
    bm25_rows = text_index.search(chosen, k) if chosen else []
    mentions = _row_mentions([*vector_rows, *bm25_rows], concept_weights)
    if mentions is None:  # a graph without chunk.mention_ids: ask the mentions edges
        ids = list(dict.fromkeys(str(r["chunk_id"]) for r in [*vector_rows, *bm25_rows]))
        mentions = reads.chunk_mentions(db, ids, list(concept_weights))
    all_cands = fuse(vector_rows, bm25_rows, mentions, concept_weights)
    top = all_cands[:RERANK_LIMIT]
    details = text_index.details([c.chunk_id for c in top])
    for cand in top:
        row = details.get(cand.chunk_id, {})
        cand.doc_id = str(row.get("doc_id") or cand.doc_id)
        cand.title = str(row.get("title") or cand.doc_id or cand.chunk_id)
        cand.heading = str(row.get("heading") or "")
        cand.text = str(row.get("text") or "")
        cand.source = str(row.get("source") or "")
        cand.uri = str(row.get("uri") or "")
    kinds = {cid: str(row.get("doc_kind") or "") for cid, row in details.items()}
    top, reranked = rerank([c for c in top if c.text], question_vector, intent, kinds, embed)
    settings = {cid: [str(x) for x in row.get("doc_setting") or []] for cid, row in details.items()}
    top, off_setting = in_setting_first(top, question, settings)
    all_cands.sort(key=lambda c: (-c.score, c.chunk_id))
    kept = mark_duplicates(top[:DETAIL_LIMIT], limit=DETAIL_LIMIT)
    decisions = {
        "query_terms": terms,
        "bm25_terms": chosen,
        "bm25_terms_left_out": left_out,
        "vector_hits": len(vector_rows),
        "bm25_hits": len(bm25_rows),
        "top_similarity": max((float(r["similarity"]) for r in vector_rows), default=0.0),
        "duplicates": [c.chunk_id for c in top if c.duplicate_of],
        "intent": intent,
        "rerank": reranked,
        "off_setting": off_setting,
    }
    return kept, all_cands, decisions
