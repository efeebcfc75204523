"""Run the planner over the evaluation set and report concept, citation, number, needs, path and latency figures.

The real pipeline: the bundled corpus ingested into an embedded ``mem://`` database, the real embedder and the
real generator. Usage from the repository root::

    .venv/bin/python eval/run_planner_eval.py --limit 10 --markdown
    .venv/bin/python eval/run_planner_eval.py --category calculation --json

Per-question results stream to ``eval/reports/<stamp>-results.jsonl`` as they finish, so an interrupted run
still leaves its figures behind; ``--json`` / ``--markdown`` write the summary next to them.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from eval.question_set import QUESTIONS_PATH, load_concept_graph, load_questions  # noqa: E402
from eval.report import markdown_report  # noqa: E402
from eval.scoring import (  # noqa: E402
    CATEGORIES,
    QuestionResult,
    check_numbers,
    failure_causes,
    score_response,
    summarise,
    trace_hops,
)

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


def parser_reads_right(question: dict[str, Any]) -> bool:
    """Whether the calculator parser alone gets the question right: its numbers, its needs, or no spurious ask."""
    from tools.errors import CalculationInputError
    from tools.question_parser import parse_calculation
    from tools.registry import run_tool

    parsed = parse_calculation(question["question"])
    expected_needs = sorted(question.get("expected_needs") or [])
    if question.get("expected_numbers"):
        if not parsed.calculable or parsed.tool is None:
            return False
        try:
            outputs = run_tool(parsed.tool, parsed.params).to_dict()["outputs"]
        except CalculationInputError:
            return False
        checks = check_numbers(
            question["expected_numbers"], question.get("tolerance") or {}, [{"outputs": outputs}]
        )
        return all(c.ok for c in checks)
    return sorted(m.name for m in parsed.missing) == expected_needs


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
    from config import Settings
    from engine.db import open_database
    from engine.migrations import migrate
    from engine.store import EventStore
    from ingest.corpus_source import load_corpus_batch
    from ingest.pipeline import ingest_batches
    from model.embedder import load_embedder
    from model.generator import load_generator
    from planner.service import Planner, PlannerDeps

    base = Settings()
    cache_dir = args.cache_dir or base.cache_dir or (base.data_dir / "cache")
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="expgraph-eval-")), db_url="mem://", cache_dir=cache_dir
    )
    setup: dict[str, float] = {}
    t0 = time.perf_counter()
    db = open_database(settings)
    migrate(db)
    embedder = load_embedder(settings)
    ingest_batches(db, EventStore(db), embedder, [load_corpus_batch(settings.corpus_dir)])
    setup["ingest_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    generator = None if args.prepare_only else load_generator(settings)
    setup["generator_load_s"] = time.perf_counter() - t1
    planner = Planner(PlannerDeps(settings, db, embedder, generator))
    t2 = time.perf_counter()
    planner.prepare("warm up: what is an A/B test?")  # builds the graph view and intent prototypes once
    setup["warmup_s"] = time.perf_counter() - t2
    return planner, db, setup


def prepared_response(state: dict[str, Any]) -> tuple[dict[str, Any], set[frozenset[str]]]:
    """A response-shaped dict (no answer, no citations) and the walked hops from a ``Planner.prepare`` state."""
    pairs: set[frozenset[str]] = set()
    related = []
    for path in [*state.get("connecting", []), *state.get("related", [])]:
        for hop in path.hops:
            pairs.add(frozenset((hop.from_id, hop.to_id)))
        related.append({"concept_id": path.end_id, "path": list(path.node_ids)})
    outcome = state.get("calculation")
    calculations = []
    if outcome is not None and outcome.result:
        calculations.append({"tool": outcome.tool, "outputs": dict(outcome.result.get("outputs", {}) or {})})
    response = {
        "answer": "",
        "intent": state.get("intent"),
        "entities": [{"concept_id": e.concept_id, "name": e.name} for e in state.get("entities", [])],
        "related_concepts": related,
        "citations": [
            {"marker": s.marker, "kind": s.kind, "id": s.id, "uri": s.uri} for s in state.get("sources", [])
        ],
        "calculations": calculations,
        "needs": list(outcome.needs) if outcome is not None else [],
        "timings_ms": dict(state.get("timings", {})),
    }
    return response, pairs


def run_one(
    planner: Any,
    db: Any,
    question: dict[str, Any],
    name_to_id: dict[str, str],
    max_hops: int | None,
    prepare_only: bool = False,
) -> tuple[QuestionResult, dict[str, Any] | None]:
    """Ask one question; a planner crash becomes a result with ``error`` set (the run goes on)."""
    from planner.trace_store import TraceNotFoundError, get_trace

    start = time.perf_counter()
    try:
        if prepare_only:
            state = planner.prepare(question["question"], max_hops=max_hops)
            wall_ms = (time.perf_counter() - start) * 1000
            response, hops = prepared_response(dict(state))
            result = score_response(question, response, name_to_id, hops, wall_ms=wall_ms, generated=False)
            return result, response
        response = planner.ask(question["question"], max_hops=max_hops).to_dict()
    except Exception as exc:
        result = QuestionResult(
            id=question["id"], category=question["category"], multi_hop=bool(question.get("multi_hop"))
        )
        last = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {Path(last.filename).name}:{last.lineno}" if last else ""
        result.error = f"{type(exc).__name__}: {exc}{where}"
        return result, None
    wall_ms = (time.perf_counter() - start) * 1000
    pairs: set[frozenset[str]] = set()
    # without a stored trace the response's own related-concept paths are still scored
    with contextlib.suppress(TraceNotFoundError):
        pairs = trace_hops(get_trace(db, str(response.get("trace_id", ""))))
    return score_response(question, response, name_to_id, pairs, wall_ms=wall_ms), response


def load_results(path: Path) -> tuple[list[QuestionResult], dict[str, list[str]]]:
    """The results and failure causes recorded in a ``<stamp>-results.jsonl`` file."""
    results: list[QuestionResult] = []
    causes: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        result = QuestionResult(**record["result"])
        results.append(result)
        for cause in record.get("causes", []):
            causes.setdefault(cause, []).append(result.id)
    return results, causes


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
    results, causes = load_results(path)
    summary = summarise(results)
    summary["failures_by_cause"] = causes
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

    results: list[QuestionResult] = []
    causes: dict[str, list[str]] = {}
    run_start = time.perf_counter()
    with results_path.open("w", encoding="utf-8") as sink:
        for index, question in enumerate(questions, start=1):
            result, response = run_one(planner, db, question, name_to_id, args.max_hops, args.prepare_only)
            why = failure_causes(result, question, response, parser_reads_right(question))
            results.append(result)
            for cause in why:
                causes.setdefault(cause, []).append(result.id)
            record = {"result": result.to_dict(), "causes": why, "response": response}
            sink.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            sink.flush()
            status = "CRASH" if result.error else ("ok" if not why else "FAIL " + ",".join(why))
            total = f"{result.total_ms / 1000:.1f}s" if result.total_ms is not None else "-"
            print(f"[{index}/{len(questions)}] {result.id:<9} {total:>7}  {status}", flush=True)

    summary = summarise(results)
    summary["failures_by_cause"] = causes
    summary["setup_s"] = setup
    summary["run_s"] = time.perf_counter() - run_start
    summary["questions_file"] = str(args.questions)
    summary["results_file"] = str(results_path)
    summary["started_at"] = stamp
    summary["mode"] = "prepare-only (no generation)" if args.prepare_only else "full pipeline"
    write_reports(summary, args, stamp)
    print(f"per-question results: {results_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
