"""Run the planner over the evaluation set and report concept, citation, number, needs, path and latency figures.

The real pipeline: the bundled corpus ingested into an embedded ``mem://`` database, the real embedder and the
real generator. Usage from the repository root::

    .venv/bin/python -m eval.run_planner_eval --limit 10 --markdown
    .venv/bin/python -m eval.run_planner_eval --category calculation --json

Per-question results stream to ``eval/reports/<stamp>-results.jsonl`` as they finish, so an interrupted run
still leaves its figures behind; ``--json`` / ``--markdown`` write the summary next to them.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config import REPO_ROOT
from eval.question_set import QUESTIONS_PATH, load_concept_graph, load_questions
from eval.report import markdown_report
from eval.runner import evaluate_planner, load_results
from eval.scoring import CATEGORIES, QuestionResult

REPORTS_DIR = REPO_ROOT / "eval" / "reports"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Evaluate the expgraph planner on eval/questions.jsonl with the real DB, embedder and generator."
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="Only the first N questions (after filtering)."
    )
    parser.add_argument(
        "--category", choices=CATEGORIES, action="append", help="Only this category (repeatable)."
    )
    parser.add_argument("--ids", nargs="+", default=None, help="Only these question ids.")
    parser.add_argument("--multi-hop", action="store_true", help="Only multi-hop questions.")
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="Round-robin over categories (so a --limit or an interrupted run still covers every category).",
    )
    parser.add_argument("--questions", type=Path, default=QUESTIONS_PATH, help="The question file (JSONL).")
    parser.add_argument("--json", action="store_true", help="Write the summary as JSON to eval/reports/.")
    parser.add_argument("--markdown", action="store_true", help="Write a Markdown report to eval/reports/.")
    parser.add_argument(
        "--out-dir", type=Path, default=REPORTS_DIR, help="Where reports go (default eval/reports)."
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="Converted models and embedding cache (default: the settings' cache dir, EXPGRAPH_CACHE_DIR).",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="Run understand→assemble only (no generation): concepts, numbers, needs, paths and pre-generation "
        "latency for the whole set in minutes; citations are not scored.",
    )
    parser.add_argument(
        "--from-results",
        type=Path,
        default=None,
        help="Summarise an earlier (possibly interrupted) run's <stamp>-results.jsonl instead of running the planner.",
    )
    parser.add_argument("--max-hops", type=int, default=None, help="Override the planner's max_hops.")
    return parser.parse_args(argv)


def select_questions(questions: list[dict[str, Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Apply --ids, --category, --multi-hop and --limit, in that order."""
    chosen = questions
    if args.ids:
        wanted = set(args.ids)
        unknown = wanted - {q["id"] for q in questions}
        if unknown:
            raise SystemExit(f"unknown question ids: {sorted(unknown)}; see {args.questions}")
        chosen = [q for q in chosen if q["id"] in wanted]
    if args.category:
        chosen = [q for q in chosen if q["category"] in args.category]
    if args.multi_hop:
        chosen = [q for q in chosen if q.get("multi_hop")]
    if args.interleave:
        chosen = interleave(chosen)
    if args.limit is not None:
        chosen = chosen[: max(0, args.limit)]
    return chosen


def interleave(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One question of each category in turn, keeping the file order within a category."""
    queues = [[q for q in questions if q["category"] == c] for c in CATEGORIES]
    out: list[dict[str, Any]] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out


def build_planner(args: argparse.Namespace) -> tuple[Any, Any, dict[str, float]]:
    """Ingest the bundled corpus into ``mem://`` and build a planner with the real models; also setup timings."""
    from model.loader import load_generator
    from planner.factory import corpus_planner, in_memory_settings

    settings = in_memory_settings(cache_dir=args.cache_dir)
    built = corpus_planner(settings, load_generator=None if args.prepare_only else load_generator)
    setup = {
        "ingest_s": built.timings_s["ingest_s"],
        "generator_load_s": built.timings_s.get("generator_load_s", 0.0),
    }
    t2 = time.perf_counter()
    built.planner.prepare("warm up: what is an A/B test?")  # builds the graph view and intent prototypes once
    setup["warmup_s"] = time.perf_counter() - t2
    return built.planner, built.db, setup


def write_reports(summary: dict[str, Any], args: argparse.Namespace, stamp: str) -> None:
    """Print the Markdown report and write the JSON / Markdown files asked for."""
    text = markdown_report(summary)
    print(text)
    if args.json:
        path = args.out_dir / f"{stamp}-summary.json"
        path.write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
        print(f"summary JSON: {path}")
    if args.markdown:
        path = args.out_dir / f"{stamp}-report.md"
        path.write_text(text, encoding="utf-8")
        print(f"Markdown report: {path}")


def summarise_results_file(args: argparse.Namespace) -> int:
    """``--from-results``: report on an earlier (possibly interrupted) run without running the planner."""
    path: Path = args.from_results
    if not path.is_file():
        print(f"no results file at {path}; pass a <stamp>-results.jsonl from eval/reports/")
        return 2
    summary = load_results(path).summary()
    summary["results_file"] = str(path)
    stamp = path.name.split("-results")[0]
    summary["started_at"] = stamp
    summary["mode"] = f"summary of {path.name}"
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_reports(summary, args, stamp)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_results is not None:
        return summarise_results_file(args)
    questions = select_questions(load_questions(args.questions), args)
    if not questions:
        print("no questions selected; check --ids / --category / --limit")
        return 2
    graph = load_concept_graph(REPO_ROOT / "corpus" / "concepts")
    name_to_id = graph.name_to_id()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results_path = args.out_dir / f"{stamp}-results.jsonl"

    print("setting up: ingesting the corpus into mem:// and loading the models ...", flush=True)
    planner, db, setup = build_planner(args)
    print("setup " + ", ".join(f"{k}={v:.1f}" for k, v in setup.items()), flush=True)
    if args.prepare_only:
        print("prepare-only: no generation, citations are not scored", flush=True)

    def report(index: int, result: QuestionResult, why: list[str]) -> None:
        status = "CRASH" if result.error else ("ok" if not why else "FAIL " + ",".join(why))
        total = f"{result.total_ms / 1000:.1f}s" if result.total_ms is not None else "-"
        print(f"[{index}/{len(questions)}] {result.id:<9} {total:>7}  {status}", flush=True)

    with results_path.open("w", encoding="utf-8") as sink:
        run = evaluate_planner(
            planner,
            db,
            questions,
            name_to_id,
            max_hops=args.max_hops,
            prepare_only=args.prepare_only,
            sink=sink,
            on_result=report,
        )

    summary = run.summary()
    summary["setup_s"] = setup
    summary["run_s"] = run.run_s
    summary["questions_file"] = str(args.questions)
    summary["results_file"] = str(results_path)
    summary["started_at"] = stamp
    summary["mode"] = "prepare-only (no generation)" if args.prepare_only else "full pipeline"
    write_reports(summary, args, stamp)
    print(f"per-question results: {results_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
