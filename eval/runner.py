"""The planner evaluation loop: ask (or prepare) each question, score it, attribute failures, stream the records.

Importable by everything that evaluates the planner: ``python -m eval.run_planner_eval``, ``expgraph eval`` and the
tests. Scoring is ``eval.scoring`` (pure); this module only times calls and collects results.
"""

from __future__ import annotations

import contextlib
import json
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from eval.scoring import QuestionResult, check_numbers, failure_causes, score_response, summarise, trace_hops


@dataclass(slots=True)
class EvalRun:
    """The results of one pass over the questions, and the failing ids by cause."""

    results: list[QuestionResult] = field(default_factory=list)
    causes: dict[str, list[str]] = field(default_factory=dict)
    run_s: float = 0.0

    def add(self, result: QuestionResult, why: Iterable[str]) -> None:
        self.results.append(result)
        for cause in why:
            self.causes.setdefault(cause, []).append(result.id)

    def summary(self) -> dict[str, Any]:
        """``eval.scoring.summarise`` of the results plus ``failures_by_cause``."""
        out = summarise(self.results)
        out["failures_by_cause"] = self.causes
        return out


def parser_reads_right(question: Mapping[str, Any]) -> bool:
    """Whether the calculator parser alone gets the question right: its numbers, its needs, or no spurious ask."""
    from tools.errors import CalculationInputError
    from understanding import parse_calculation, run_steps

    parsed = parse_calculation(question["question"])
    expected_needs = sorted(question.get("expected_needs") or [])
    if question.get("expected_numbers"):
        if not parsed.calculable or parsed.tool is None:
            return False
        try:
            calcs = [{"outputs": r.outputs} for r in run_steps(parsed)]
        except CalculationInputError:
            return False
        checks = check_numbers(question["expected_numbers"], question.get("tolerance") or {}, calcs)
        return all(c.ok for c in checks)
    return sorted(m.name for m in parsed.missing) == expected_needs


def prepared_response(state: Mapping[str, Any]) -> tuple[dict[str, Any], set[frozenset[str]]]:
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
    question: Mapping[str, Any],
    name_to_id: Mapping[str, str],
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


def evaluate_planner(
    planner: Any,
    db: Any,
    questions: Iterable[Mapping[str, Any]],
    name_to_id: Mapping[str, str],
    *,
    max_hops: int | None = None,
    prepare_only: bool = False,
    sink: IO[str] | None = None,
    on_result: Callable[[int, QuestionResult, list[str]], None] | None = None,
) -> EvalRun:
    """Run every question through ``planner`` and score it.

    Each record (result, causes, full response) is written to ``sink`` as a JSON line as soon as it is scored, so
    an interrupted run keeps what it measured; ``on_result(index, result, causes)`` reports progress.
    """
    run = EvalRun()
    start = time.perf_counter()
    for index, question in enumerate(questions, start=1):
        result, response = run_one(planner, db, question, name_to_id, max_hops, prepare_only)
        why = failure_causes(result, question, response, parser_reads_right(question))
        run.add(result, why)
        if sink is not None:
            record = {"result": result.to_dict(), "causes": why, "response": response}
            sink.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            sink.flush()
        if on_result is not None:
            on_result(index, result, why)
    run.run_s = time.perf_counter() - start
    return run


def load_results(path: Path) -> EvalRun:
    """The results and failure causes recorded in a ``<stamp>-results.jsonl`` file."""
    run = EvalRun()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        run.add(QuestionResult(**record["result"]), record.get("causes", []))
    return run
