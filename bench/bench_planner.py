"""Planner latency without generation: understand → entities → traverse → retrieve → (calculate) → assemble.

    .venv/bin/python -m bench.bench_planner [--repeats 3] [--limit N] [--json]

Target: p95 ≤ 150 ms per question over the evaluation questions (eval/questions.jsonl).
Ingests the bundled corpus into a private ``mem://`` database first (embeddings come from the cache when warm).
Also compares the two traversal strategies: the cached in-process adjacency (what the planner uses) against
per-hop SurrealQL graph queries (``->relation`` / ``<-relation``) from the same seeds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from config import REPO_ROOT


def load_questions(limit: int | None) -> tuple[list[str], str]:
    """The evaluation set's questions (``eval.question_set``), the first ``limit`` of them when given."""
    from eval.question_set import QUESTIONS_PATH
    from eval.question_set import load_questions as load_question_set

    questions = [str(q["question"]) for q in load_question_set()]
    return (questions[:limit] if limit else questions), str(QUESTIONS_PATH.relative_to(REPO_ROOT))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 100])."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def traversal_comparison(
    planner: Any, db: Any, seeds_per_question: list[list[str]], max_hops: int
) -> dict[str, Any]:
    """Time related-concept expansion: cached adjacency (Python BFS) vs one SurrealQL query per hop."""
    from engine import graph_reads as reads
    from planner.traversal import Adjacency, related_concepts

    view = planner.graph_view(db, reads.log_position(db))
    names = view.adjacency.names
    py_ms: list[float] = []
    sql_ms: list[float] = []
    for seeds in seeds_per_question:
        if not seeds:
            continue
        start = time.perf_counter()
        related_concepts(view.adjacency, seeds, max_hops=max_hops)
        py_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        frontier, seen, edges = list(seeds), set(seeds), []
        for _ in range(max_hops):
            hop_edges = reads.relation_edges_of(db, frontier)
            edges.extend(hop_edges)
            nxt = {e.target_id for e in hop_edges} | {e.source_id for e in hop_edges}
            frontier = sorted(nxt - seen)
            seen |= nxt
            if not frontier:
                break
        related_concepts(Adjacency.build(edges, names), seeds, max_hops=max_hops)
        sql_ms.append((time.perf_counter() - start) * 1000)
    return {
        "questions_with_seeds": len(py_ms),
        "adjacency_bfs_ms": {"p50": statistics.median(py_ms) if py_ms else 0, "p95": percentile(py_ms, 95)},
        "surrealql_per_hop_ms": {
            "p50": statistics.median(sql_ms) if sql_ms else 0,
            "p95": percentile(sql_ms, 95),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed runs per question (after one warm-up pass)"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--torch-threads", type=int, default=None, help="torch intra-op threads (default: torch's own choice)"
    )
    args = parser.parse_args()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)

    from planner.factory import corpus_planner, in_memory_settings

    settings = in_memory_settings()
    questions, source = load_questions(args.limit)
    built = corpus_planner(settings)
    planner, db, embedder = built.planner, built.db, built.embedder
    ingest_s = built.timings_s["ingest_s"]

    seeds: list[list[str]] = []
    for q in questions:  # warm-up pass: graph view, prototypes, embedding cache
        state = planner.prepare(q)
        seeds.append([e.concept_id for e in state.get("entities", [])])

    totals: list[float] = []
    per_node: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for q in questions:
            start = time.perf_counter()
            state = planner.prepare(q)
            totals.append((time.perf_counter() - start) * 1000)
            for node, ms in state.get("timings", {}).items():
                per_node.setdefault(node, []).append(ms)

    # The timed passes reuse the embedding cache; an unseen question also pays one embedder call:
    fresh: list[float] = []
    for i, q in enumerate(questions[:30]):
        start = time.perf_counter()
        embedder.embed([f"{q} (variant {time.time_ns()}-{i})"])
        fresh.append((time.perf_counter() - start) * 1000)

    figures = {
        "questions": len(questions),
        "source": source,
        "repeats": args.repeats,
        "ingest_s": round(ingest_s, 1),
        "understand_to_assemble_ms": {
            "p50": round(statistics.median(totals), 1),
            "p95": round(percentile(totals, 95), 1),
            "max": round(max(totals), 1),
            "target_p95": 150,
        },
        "per_node_ms": {
            node: {"p50": round(statistics.median(v), 2), "p95": round(percentile(v, 95), 2)}
            for node, v in per_node.items()
        },
        "uncached_question_embedding_ms": {
            "p50": round(statistics.median(fresh), 2),
            "p95": round(percentile(fresh, 95), 2),
        },
        "traversal": traversal_comparison(planner, db, seeds, settings.max_hops),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    t = figures["understand_to_assemble_ms"]
    print(f"planner without generation over {len(questions)} questions ({source}), {args.repeats} repeats")
    print(
        f"  understand → assemble: p50 {t['p50']} ms, p95 {t['p95']} ms, max {t['max']} ms (target p95 ≤ 150)"
    )
    for node, v in figures["per_node_ms"].items():
        print(f"  {node:<10} p50 {v['p50']:>8} ms  p95 {v['p95']:>8} ms")
    e = figures["uncached_question_embedding_ms"]
    print(
        f"  + embedding an unseen question: p50 {e['p50']} ms, p95 {e['p95']} ms (cached in the timed passes)"
    )
    tr = figures["traversal"]
    print(
        f"  traversal: adjacency BFS p50 {tr['adjacency_bfs_ms']['p50']:.2f} ms / p95 "
        f"{tr['adjacency_bfs_ms']['p95']:.2f} ms; SurrealQL per hop p50 {tr['surrealql_per_hop_ms']['p50']:.2f} ms "
        f"/ p95 {tr['surrealql_per_hop_ms']['p95']:.2f} ms"
    )


if __name__ == "__main__":
    main()
