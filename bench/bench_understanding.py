"""Latency of question understanding and of the whole pre-generation path on calculation questions.

    .venv/bin/python -m bench.bench_understanding [--repeats 3] [--planner] [--json]

Questions: every phrasing in eval/calc_dev.jsonl and eval/calc_test.jsonl (211 items, 415 phrasings).
- ``parse``: ``understanding.read`` alone (tagging, roles, calculator choice, plan).
- ``calculation``: read + every calculator step + the answer prose (``planner.calculation``).
- ``--planner``: ``Planner.prepare`` (understand → entities → traverse → retrieve → calculate → assemble) over the
  bundled corpus in a private ``mem://`` database, after one warm-up pass (embeddings then come from the cache, as
  bench_planner does; an unseen question also pays one embedder call, reported separately).
Target (issue 14): p95 ≤ 150 ms for the whole path before generation.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.bench_planner import percentile
from eval.calc_eval import load


def phrasings() -> list[str]:
    out: list[str] = []
    for split in ("dev", "test", "dev2", "test2"):
        for item in load(split):
            out += [item["question"], *item.get("paraphrases", [])]
    return out


def timed(fn: Any, questions: list[str], repeats: int) -> list[float]:
    for q in questions:  # warm-up (imports, regex compilation)
        fn(q)
    ms: list[float] = []
    for _ in range(repeats):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            ms.append((time.perf_counter() - start) * 1000)
    return ms


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--planner", action="store_true", help="also time Planner.prepare over the bundled corpus"
    )
    ap.add_argument("--planner-limit", type=int, default=120, help="phrasings timed through Planner.prepare")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from planner import calculation as calc
    from understanding import read

    questions = phrasings()

    def calculation(q: str) -> None:
        outcome = calc.run_calculation(read(q))
        calc.answer_text(outcome)

    figures: dict[str, Any] = {
        "phrasings": len(questions),
        "repeats": args.repeats,
        "parse": summary(timed(read, questions, args.repeats)),
        "calculation": summary(timed(calculation, questions, args.repeats)),
    }
    if args.planner:
        from planner.factory import corpus_planner, in_memory_settings

        built = corpus_planner(in_memory_settings())
        planner = built.planner
        subset = questions[:: max(1, len(questions) // args.planner_limit)][: args.planner_limit]
        figures["planner_prepare"] = {"phrasings": len(subset), **summary(timed(planner.prepare, subset, 1))}
        fresh: list[float] = []
        for i, q in enumerate(questions[:30]):
            start = time.perf_counter()
            built.embedder.embed([f"{q} (variant {time.time_ns()}-{i})"])
            fresh.append((time.perf_counter() - start) * 1000)
        figures["fresh_embedding"] = summary(fresh)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name, value in figures.items():
        print(f"{name:18s} {value}")


if __name__ == "__main__":
    main()
