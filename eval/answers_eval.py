"""Answer-quality evaluation on practitioner questions (issue 15): key facts, concepts, repetition, fragments,
citations, support by the cited passage, retrieval recall@5 and latency.

The question set (``eval/answers_dev.jsonl``, ``eval/answers_test.jsonl``, hashes in ``eval/answers.sha256``) was
written before the answer code changed, phrased as practitioners ask (forum titles, interview and PM questions,
typos), not from the concept files. ``eval/answers_test2.jsonl`` (50 questions, 10 per category, more casual: typos,
context in the question, several asks per sentence) is a second held-out split, written on 2026-12-03 after the test
half had been run once and before any answer code was measured on it; ``eval/answers_dev2.jsonl`` (40, 8 per category) is a dev split in the
same casual style, written at the same time, to tune on. ``eval/answers_test3.jsonl`` (60: 14 definition, 14
methodology, 12 best practice, 8 comparison, 12 multi-hop; held out, run only by the coordinator) and
``eval/answers_dev3.jsonl`` (40, 8 per category, to tune on) were written together on 2026-12-03 as one set of 100
on topics the earlier splits barely touch, then split at random within each category.
``eval/answers_test4.jsonl`` (69: 16 definition, 16 methodology, 16 best practice, 8 comparison, 13 multi-hop;
held out, run only by the coordinator) and ``eval/answers_dev4.jsonl`` (46) were written together on 2026-12-03 as a
fresh set of 115, frozen before any run on them, after the earlier dev splits had been tuned on.
``eval/answers_dev8.jsonl`` (50) and ``eval/answers_test8.jsonl`` (60: 13 definition, 13 methodology, 14 best
practice, 7 comparison, 13 multi-hop) were written together on 2026-12-04 as one set of 110 by a writer who read
neither the corpus nor the planner nor any earlier test split, then split at random within each category (seed 8),
and frozen before any run: the answer-relevance adapter was trained on dev..dev7, so dev8 is the dev split no model or
constant of ours has seen.
``eval/answers_dev9.jsonl`` (51) and ``eval/answers_test9.jsonl`` (69: 14 definition, 14 methodology, 16 best
practice, 9 comparison, 16 multi-hop) were written together on 2026-12-05 as one set of 120 by a writer who read
neither the corpus, the planner nor any earlier split, then split at random within each category (seed 10), and
frozen before any run.
Each question lists key facts as groups of alternative keywords: a fact is present when any alternative starts a word of the answer (``randomi`` matches "randomise" and "randomization").

The runner imports only the planner's public entry points, which the starting commit also has, and ``textkit``
(the citation and sentence rules), so the same file measures old and new code::

    .venv/bin/python -m eval.answers_eval --split test                      # this checkout
    cd /work/base && PYTHONPATH=. /work/main/.venv/bin/python /work/main/eval/answers_eval.py --split test   # another

``PYTHONPATH`` puts the other checkout first; what it lacks (``textkit``) comes from this one's editable install.

Support is judged independently of the planner's own gate: a cited sentence is supported when at least 60% of its
content words (crudely stemmed) occur in the full text of the passages it cites (concept: definition, when to use
and common mistakes; chunk: the chunk; relation: its reading and justification) and every number in it occurs
there too. This lexical judge is deliberately a different instrument from the planner's embedding-based gate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

from textkit.citations import CITATION, citation_markers, strip_citations
from textkit.fragments import DANGLING_END_WORDS
from textkit.numbers import parse_numbers
from textkit.sentences import split_sentences

HERE = Path(__file__).resolve().parent
SPLITS = (
    "dev",
    "dev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "dev8",
    "dev9",
    "dev10",
    "dev11",
    "dev12",
    "dev13",
    "dev14",
    "test",
    "test2",
    "test3",
    "test4",
    "test5",
    "test6",
    "test7",
    "test8",
    "test9",
    "test10",
    "test11",
    "test12",
    "test13",
    "test14",
)
CATEGORIES = ("definition", "methodology", "best_practice", "comparison", "multi_hop")
SUPPORT_MIN_COVERAGE = 0.6

_WORD = re.compile(r"[a-z][a-z\-']+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "than",
        "then",
        "so",
        "such",
        "not",
        "no",
        "can",
        "could",
        "should",
        "would",
        "will",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "into",
        "over",
        "under",
        "about",
        "more",
        "most",
        "less",
        "very",
        "also",
        "only",
        "each",
        "per",
        "any",
        "all",
        "both",
        "one",
        "your",
        "you",
        "we",
        "our",
        "us",
    ]
)
_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "does",
        "do",
        "did",
        "can",
        "could",
        "should",
        "would",
        "will",
        "may",
        "might",
        "must",
        "shall",
        "means",
        "makes",
        "gives",
        "needs",
        "takes",
        "keeps",
        "uses",
        "tells",
        "says",
        "shows",
    ]
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_hashes() -> dict[str, bool]:
    """Whether each split still matches the hash frozen in ``answers.sha256``."""
    out: dict[str, bool] = {}
    for line in (HERE / "answers.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        out[name] = sha256(HERE / name) == digest
    return out


def load_split(split: str) -> list[dict[str, Any]]:
    path = HERE / f"answers_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def normalise(text: str) -> str:
    text = (
        text.lower()
        .replace("\u2011", "-")
        .replace("\u2010", "-")
        .replace("\u2013", "-")
        .replace("\u2019", "'")
    )
    return strip_citations(text)


def fact_present(answer: str, alternatives: Sequence[str]) -> bool:
    text = normalise(answer)
    return any(re.search(r"(?<![a-z0-9])" + re.escape(alt.lower()), text) for alt in alternatives)


def sentences(text: str) -> list[str]:
    return split_sentences(text)


def markers(sentence: str) -> list[int]:
    return citation_markers(sentence)


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content(text: str) -> set[str]:
    return {_stem(w.strip("'-")) for w in _WORD.findall(normalise(text)) if w not in _STOP and len(w) > 2}


def numbers(text: str) -> set[str]:
    return {t.text.rstrip("%").replace(",", "").lstrip("+-−") for t in parse_numbers(text)}


def is_fragment(sentence: str) -> bool:
    """A sentence that cannot stand alone: too short, cut off, or a list item lifted without its lead."""
    body = CITATION.sub("", sentence).strip().rstrip(".!?:;").strip()
    words = body.split()
    if len(words) < 4:
        return True
    if body[:1].islower() or words[-1].lower() in DANGLING_END_WORDS or sentence.rstrip().endswith(":"):
        return True
    if body.count("(") != body.count(")"):
        return True
    lowered = [w.lower().strip(",;") for w in words]
    return lowered[0].endswith("ing") and not any(w in _AUX for w in lowered[1:])


def repeated_count(text: str) -> int:
    seen: list[set[str]] = []
    count = 0
    for s in sentences(text):
        words = content(s)
        if not words:
            continue
        if any(len(words & p) / len(words | p) >= 0.8 for p in seen):
            count += 1
        seen.append(words)
    return count


def supported(sentence: str, cited_texts: Sequence[str]) -> bool:
    words = content(sentence)
    pool = set().union(*(content(t) for t in cited_texts)) if cited_texts else set()
    if words and len(words & pool) / len(words) < SUPPORT_MIN_COVERAGE:
        return False
    allowed = set().union(*(numbers(t) for t in cited_texts)) if cited_texts else set()
    return numbers(sentence) <= allowed


@dataclass(slots=True)
class Result:
    id: str
    category: str
    facts_total: int = 0
    facts_present: int = 0
    all_facts: bool = False
    concept_found: bool = False
    sentences: int = 0
    repeated: int = 0
    fragments: int = 0
    cited_sentences: int = 0
    supported_sentences: int = 0
    citations_valid: bool = True
    recall_at_5: bool | None = None
    generated_sentences: int = 0
    generated_survived: int = 0
    generation_skipped: bool = False
    wall_ms: float = 0.0
    error: str | None = None
    answer: str = ""
    missing_facts: list[list[str]] = field(default_factory=list)


# ---- the planner and the graph (public entry points present in the starting commit too) ----


def build_planner(
    db_url: str = "mem://", *, relevance: bool = True, reranker: bool = True
) -> tuple[Any, Any]:
    """The bundled corpus ingested into ``db_url`` (skipped when that database already holds it) and a planner;
    ``relevance=False`` / ``reranker=False``: without the answer-relevance adapter / the answer reranker, whatever
    the environment says."""
    import importlib

    from config import Settings
    from engine.db import open_database
    from engine.migrations import migrate
    from engine.store import EventStore
    from ingest.corpus_source import load_corpus_batch
    from ingest.pipeline import ingest_batches
    from model.embedder import load_embedder

    # The same runner measures the starting commit (model.generator) and today's tree (model.loader).
    module = importlib.import_module("model.generator")
    if not hasattr(module, "load_generator"):
        module = importlib.import_module("model.loader")
    load_generator = module.load_generator
    from planner.service import Planner, PlannerDeps

    base = Settings()
    # the cache the set-up filled (its sentence vectors too): latency is measured as a started server answers
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="expgraph-answers-")), db_url=db_url, cache_dir=base.cache_root
    )
    if not relevance:
        settings = settings.model_copy(update={"relevance_adapter": None})
    if not reranker:
        settings = settings.model_copy(update={"reranker_adapter": None})
    db = open_database(settings)
    migrate(db)
    embedder = load_embedder(settings)
    held = _rows(db.query("SELECT count() AS n FROM chunk GROUP ALL"))
    if not held or not held[0].get("n"):
        ingest_batches(db, EventStore(db), embedder, [load_corpus_batch(settings.corpus_dir)])
    planner = Planner(PlannerDeps(settings, db, embedder, load_generator(settings)))
    planner.prepare("warm up: what is an A/B test?")
    if settings.warm_answer_vectors and hasattr(planner, "warm_answer_vectors"):
        planner.warm_answer_vectors()
    return planner, db


def _rows(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, list) and result and isinstance(result[0], dict) and "result" in result[0]:
        result = result[0]["result"]
    return [r for r in result or [] if isinstance(r, dict)]


class PassageTexts:
    """Full texts of what a citation can point to, read once from the graph."""

    def __init__(self, db: Any) -> None:
        self.concepts: dict[str, str] = {}
        for r in _rows(db.query("SELECT concept_id, name, definition, when_to_use, mistakes FROM concept")):
            parts = [r.get("name"), r.get("definition"), r.get("when_to_use"), r.get("mistakes")]
            self.concepts[str(r["concept_id"])] = " ".join(str(p) for p in parts if p)
        self.chunks: dict[str, str] = {
            str(r["chunk_id"]): f"{r.get('heading') or ''} {r.get('text') or ''}"
            for r in _rows(db.query("SELECT chunk_id, heading, text FROM chunk"))
        }
        self.relations: dict[str, str] = {
            str(
                r["relation_id"]
            ): f"{r.get('src')} {r.get('dst')} {r.get('rel_type')} {r.get('justification') or ''}"
            for r in _rows(
                db.query(
                    "SELECT relation_id, rel_type, justification, in.name AS src, out.name AS dst FROM relation"
                )
            )
        }

    def text(self, citation: dict[str, Any]) -> str:
        kind, cid = citation.get("kind"), str(citation.get("id"))
        if kind == "concept":
            return self.concepts.get(cid, "")
        if kind == "chunk":
            return self.chunks.get(cid, "")
        if kind == "relation":
            return f"{citation.get('title', '')} {self.relations.get(cid, '')}"
        return f"{citation.get('title', '')} {citation.get('quote', '')}"


def gold_chunks(question: dict[str, Any], chunks: dict[str, str]) -> set[str]:
    """The passages holding the key facts: chunks matching the most fact groups (at least half of them)."""
    groups = question["key_facts"]
    scored = {cid: sum(fact_present(text, g) for g in groups) for cid, text in chunks.items()}
    best = max(scored.values(), default=0)
    if best * 2 < len(groups):
        return set()
    return {cid for cid, s in scored.items() if s == best}


def trace_of(db: Any, trace_id: str) -> dict[str, Any]:
    from planner.trace_store import get_trace

    try:
        return dict(get_trace(db, trace_id))
    except Exception:
        return {}


def step(trace: dict[str, Any], name: str) -> dict[str, Any]:
    return next((s for s in trace.get("nodes", []) if s.get("node") == name), {})


def score(
    question: dict[str, Any],
    response: dict[str, Any],
    trace: dict[str, Any],
    texts: PassageTexts,
    wall_ms: float,
) -> Result:
    answer = str(response.get("answer") or "")
    res = Result(question["id"], question["category"], wall_ms=round(wall_ms, 1), answer=answer)
    groups = question["key_facts"]
    present = [fact_present(answer, g) for g in groups]
    res.facts_total, res.facts_present = len(groups), sum(present)
    res.all_facts = all(present)
    res.missing_facts = [g for g, ok in zip(groups, present, strict=True) if not ok]
    found = {e.get("concept_id") for e in response.get("entities", [])}
    found |= {c.get("id") for c in response.get("citations", []) if c.get("kind") == "concept"}
    found |= {r.get("concept_id") for r in response.get("related_concepts", [])}
    res.concept_found = bool(found & set(question["expected_concepts"]))
    by_marker = {int(c["marker"]): c for c in response.get("citations", [])}
    verification = response.get("verification") or {}
    res.citations_valid = bool(verification.get("citations_valid", True))
    for s in sentences(answer):
        res.sentences += 1
        res.fragments += is_fragment(s)
        cited = markers(s)
        if not cited:
            continue
        res.cited_sentences += 1
        if any(m not in by_marker for m in cited):
            res.citations_valid = False
            continue
        res.supported_sentences += supported(s, [texts.text(by_marker[m]) for m in cited])
    res.repeated = repeated_count(answer)
    kept = step(trace, "retrieve").get("outputs", {}).get("kept", [])
    gold = gold_chunks(question, texts.chunks)
    res.recall_at_5 = bool(gold & set(kept[:5])) if gold else None
    gen = step(trace, "generate")
    raw = str(gen.get("outputs", {}).get("raw_output") or "")
    res.generation_skipped = bool(gen.get("decisions", {}).get("skipped")) or not gen
    removed = step(trace, "verify").get("decisions", {}).get("removed_sentences", [])
    res.generated_sentences = len([s for s in sentences(raw) if content(s)])
    res.generated_survived = max(0, res.generated_sentences - len(removed))
    return res


def _share(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def summarise(results: Sequence[Result]) -> dict[str, Any]:
    def block(rs: Sequence[Result]) -> dict[str, Any]:
        ok = [r for r in rs if r.error is None]
        recall = [r.recall_at_5 for r in ok if r.recall_at_5 is not None]
        return {
            "questions": len(rs),
            "errors": len(rs) - len(ok),
            "key_facts_share": _share(sum(r.facts_present for r in ok), sum(r.facts_total for r in ok)),
            "all_key_facts_questions": _share(sum(r.all_facts for r in ok), len(rs)),
            "concept_found": _share(sum(r.concept_found for r in ok), len(rs)),
            "repeated_sentences": sum(r.repeated for r in ok),
            "fragments": sum(r.fragments for r in ok),
            "citation_validity": _share(sum(r.citations_valid for r in ok), len(ok)),
            "supported_sentences": _share(
                sum(r.supported_sentences for r in ok), sum(r.cited_sentences for r in ok)
            ),
            "recall_at_5": _share(sum(bool(x) for x in recall), len(recall)),
            "generated_sentences_surviving": _share(
                sum(r.generated_survived for r in ok), sum(r.generated_sentences for r in ok)
            ),
            "generation_skipped": sum(r.generation_skipped for r in ok),
            "latency_p50_ms": round(statistics.median([r.wall_ms for r in ok]), 1) if ok else None,
        }

    out = {"overall": block(results)}
    for cat in CATEGORIES:
        rs = [r for r in results if r.category == cat]
        if rs:
            out[cat] = block(rs)
    return out


def markdown(summary: dict[str, Any]) -> str:
    cols = [
        ("questions", "n"),
        ("key_facts_share", "facts"),
        ("all_key_facts_questions", "all facts"),
        ("concept_found", "concept"),
        ("repeated_sentences", "repeated"),
        ("fragments", "fragments"),
        ("citation_validity", "cites valid"),
        ("supported_sentences", "supported"),
        ("recall_at_5", "recall@5"),
        ("generated_sentences_surviving", "gen. kept"),
        ("generation_skipped", "gen. skipped"),
        ("latency_p50_ms", "p50 ms"),
    ]
    lines = ["| category | " + " | ".join(c[1] for c in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for cat, block in summary.items():
        lines.append(f"| {cat} | " + " | ".join(str(block.get(c[0])) for c in cols) + " |")
    return "\n".join(lines)


def run(
    split: str,
    limit: int | None,
    ids: Iterable[str] | None,
    out: Path | None,
    db_url: str = "mem://",
    interleave: bool = False,
) -> dict[str, Any]:
    questions = load_split(split)
    if ids:
        wanted = set(ids)
        questions = [q for q in questions if q["id"] in wanted]
    if interleave:  # one question of each category in turn, so an interrupted run still covers every category
        queues = [[q for q in questions if q["category"] == c] for c in CATEGORIES]
        questions = [q for group in zip_longest(*queues) for q in group if q is not None]
    if limit is not None:
        questions = questions[:limit]
    planner, db = build_planner(db_url)
    texts = PassageTexts(db)
    results: list[Result] = []
    sink = out.open("w", encoding="utf-8") if out else None
    for i, q in enumerate(questions, start=1):
        start = time.perf_counter()
        try:
            response = planner.ask(q["question"]).to_dict()
            wall = (time.perf_counter() - start) * 1000
            res = score(q, response, trace_of(db, str(response.get("trace_id", ""))), texts, wall)
        except Exception as exc:  # one crash must not end the run
            res = Result(q["id"], q["category"], error=f"{type(exc).__name__}: {exc}")
        results.append(res)
        if sink:
            sink.write(json.dumps(asdict(res), ensure_ascii=False) + "\n")
            sink.flush()
        print(
            f"[{i}/{len(questions)}] {res.id:<8} facts {res.facts_present}/{res.facts_total} "
            f"{res.wall_ms / 1000:.1f}s {res.error or ''}",
            flush=True,
        )
    if sink:
        sink.close()
    return summarise(results)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--interleave", action="store_true", help="round-robin over categories")
    parser.add_argument("--ids", nargs="+", default=None)
    parser.add_argument("--out", type=Path, default=None, help="per-question results (JSONL)")
    parser.add_argument("--json", type=Path, default=None, help="write the summary here")
    parser.add_argument(
        "--db-url",
        default="mem://",
        help="database to ingest the bundled corpus into (a surrealkv:// path that already holds it is reused)",
    )
    parser.add_argument(
        "--from-results",
        type=Path,
        default=None,
        help="summarise an earlier run's --out file instead of running",
    )
    args = parser.parse_args(argv)
    if args.from_results is not None:
        rows = [
            json.loads(x) for x in args.from_results.read_text(encoding="utf-8").splitlines() if x.strip()
        ]
        print(markdown(summarise([Result(**r) for r in rows])))
        return 0
    hashes = check_hashes()
    if not all(hashes.values()):
        print(f"question files changed since they were frozen: {hashes}", file=sys.stderr)
        return 2
    summary = run(args.split, args.limit, args.ids, args.out, args.db_url, args.interleave)
    summary["split"] = args.split
    summary["checkout"] = os.getcwd()
    print(markdown({k: v for k, v in summary.items() if isinstance(v, dict)}))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
