"""Held-out evaluation of the answer generator, and the report of ``expgraph eval``.

``evaluate_held_out`` scores the RAW model output (before the planner's verification) on the held-out SFT split:
citation validity, citing the source that holds the answer, exact copying of numbers, ROUGE-L. The planner
evaluation set is scored by ``eval`` (the one planner evaluation); the report takes its summaries as they are.

Scoring is pure and deterministic; the runner only times calls and collects results.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from textkit.citations import citation_markers, strip_citations
from textkit.numbers import number_strings
from textkit.sentences import split_sentences
from training.sft_data import SFTExample


class EvaluationError(ValueError):
    """The evaluation input is unusable; the message says which file and line and what to fix."""


# --- pure scoring ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitationScore:
    """``valid``: cites at least once and only markers that exist. ``coverage``: share of sentences citing."""

    markers: tuple[int, ...]
    invalid: tuple[int, ...]
    valid: bool
    coverage: float
    cites_answer_source: bool


def score_citations(
    text: str, valid_markers: Iterable[int], answer_markers: Iterable[int] = ()
) -> CitationScore:
    """Check an answer's citations against the prompt's markers (and those of the sources holding the answer)."""
    allowed = set(valid_markers)
    markers = citation_markers(text)
    invalid = tuple(m for m in dict.fromkeys(markers) if m not in allowed)
    sentences = split_sentences(text)
    citing = sum(1 for s in sentences if citation_markers(s))
    coverage = citing / len(sentences) if sentences else 0.0
    answer = set(answer_markers)
    return CitationScore(
        markers=tuple(markers),
        invalid=invalid,
        valid=bool(markers) and not invalid,
        coverage=coverage,
        cites_answer_source=bool(answer & set(markers)),
    )


def numbers_in(text: str) -> list[str]:
    """Numeric tokens in ``text``, citation markers excluded."""
    return number_strings(text)


def exact_number_rate(text: str, expected: Sequence[str]) -> float | None:
    """Share of ``expected`` numbers that appear verbatim (as whole tokens) in ``text``; None when none expected."""
    if not expected:
        return None
    found = set(numbers_in(text))
    return sum(1 for n in expected if n in found) / len(expected)


def unsupported_numbers(text: str, prompt: str) -> list[str]:
    """Numbers in the answer that appear nowhere in the prompt (invented or miscopied)."""
    allowed = set(numbers_in(prompt))
    return [n for n in numbers_in(text) if n not in allowed]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 (rouge-score, stemmed), citation markers removed from both."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return float(scorer.score(strip_citations(reference), strip_citations(prediction))["rougeL"].fmeasure)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the non-None values; None when there are none."""
    present = [float(v) for v in values if v is not None]
    return statistics.fmean(present) if present else None


# --- held-out SFT split ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeldOutResult:
    """One held-out example answered by one model."""

    id: str
    kind: str
    output: str
    citations_valid: bool
    citation_coverage: float
    cites_answer_source: bool
    invalid_markers: tuple[int, ...]
    exact_number_rate: float | None
    unsupported_numbers: tuple[str, ...]
    rouge_l: float
    seconds: float


def score_held_out(example: SFTExample, output: str, seconds: float = 0.0) -> HeldOutResult:
    """Score one raw model output against a held-out example."""
    cites = score_citations(output, example.valid_markers, example.answer_markers)
    prompt = "\n".join(m.content for m in example.messages)
    return HeldOutResult(
        id=example.id,
        kind=example.kind,
        output=output,
        citations_valid=cites.valid,
        citation_coverage=cites.coverage,
        cites_answer_source=cites.cites_answer_source,
        invalid_markers=cites.invalid,
        exact_number_rate=exact_number_rate(output, example.numbers),
        unsupported_numbers=tuple(unsupported_numbers(output, prompt)),
        rouge_l=rouge_l(output, example.target),
        seconds=seconds,
    )


def summarise_held_out(results: Sequence[HeldOutResult]) -> dict[str, Any]:
    """Rates over held-out results: overall and per example kind."""

    def block(items: Sequence[HeldOutResult]) -> dict[str, Any]:
        return {
            "n": len(items),
            "citation_validity": mean(1.0 if r.citations_valid else 0.0 for r in items),
            "citation_coverage": mean(r.citation_coverage for r in items),
            "cites_answer_source": mean(1.0 if r.cites_answer_source else 0.0 for r in items),
            "exact_number_rate": mean(r.exact_number_rate for r in items),
            "examples_with_numbers": sum(1 for r in items if r.exact_number_rate is not None),
            "unsupported_number_rate": mean(1.0 if r.unsupported_numbers else 0.0 for r in items),
            "rouge_l": mean(r.rouge_l for r in items),
            "latency_mean_s": mean(r.seconds for r in items),
        }

    kinds = sorted({r.kind for r in results})
    return {**block(results), "by_kind": {k: block([r for r in results if r.kind == k]) for k in kinds}}


GenerateFn = Callable[[SFTExample], str]


def evaluate_held_out(
    examples: Sequence[SFTExample],
    generate: GenerateFn,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[HeldOutResult]:
    """Generate for each example (``generate`` returns the raw text) and score it."""
    results: list[HeldOutResult] = []
    for i, example in enumerate(examples, start=1):
        started = time.perf_counter()
        output = generate(example)
        results.append(score_held_out(example, output, time.perf_counter() - started))
        if on_progress is not None:
            on_progress(i)
    return results


# --- report ----------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class EvalReport:
    """Everything one ``expgraph eval`` run measured, by mode name (e.g. ``base+graph``, ``tuned/held-out``)."""

    meta: dict[str, Any]
    held_out: dict[str, dict[str, Any]] = field(default_factory=dict)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_held_out(self, mode: str, results: Sequence[HeldOutResult]) -> None:
        self.held_out[mode] = summarise_held_out(results)
        self.details[f"held_out:{mode}"] = [asdict(r) for r in results]

    def add_questions(self, mode: str, summary: dict[str, Any], results: Sequence[dict[str, Any]]) -> None:
        """One mode's planner-set summary (``eval.runner.EvalRun.summary()``) and per-question results."""
        self.questions[mode] = summary
        self.details[f"questions:{mode}"] = list(results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "held_out": self.held_out,
            "questions": self.questions,
            "notes": self.notes,
            "details": self.details,
        }


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_markdown(report: EvalReport) -> str:
    """The report as Markdown: tables per comparison, then notes."""
    lines = ["# expgraph generator evaluation", ""]
    for key, value in report.meta.items():
        lines.append(f"- **{key}**: {value}")
    if report.held_out:
        cols = [
            "n",
            "citation_validity",
            "cites_answer_source",
            "citation_coverage",
            "exact_number_rate",
            "examples_with_numbers",
            "unsupported_number_rate",
            "rouge_l",
            "latency_mean_s",
        ]
        lines += [
            "",
            "## Held-out SFT split (raw model output, before verification)",
            "",
            "| mode | " + " | ".join(cols) + " |",
            "|---" * (len(cols) + 1) + "|",
        ]
        for mode, summary in report.held_out.items():
            lines.append(f"| {mode} | " + " | ".join(_fmt(summary.get(c)) for c in cols) + " |")
        lines += ["", "By kind:", ""]
        for mode, summary in report.held_out.items():
            for kind, block in summary["by_kind"].items():
                lines.append(
                    f"- {mode} / {kind}: n={block['n']}, citation validity {_fmt(block['citation_validity'])}, "
                    f"exact numbers {_fmt(block['exact_number_rate'])}, ROUGE-L {_fmt(block['rouge_l'])}"
                )
    if report.questions:
        metrics = ["concept_any", "citations_valid", "numbers_ok", "needs_ok", "path_ok"]
        cols = ["questions", "errors", *metrics, "key_facts_mean", "total_p50_ms", "total_p95_ms"]
        lines += [
            "",
            "## Planner evaluation set (eval/: rates passed/applicable)",
            "",
            "| mode | " + " | ".join(cols) + " |",
            "|---" * (len(cols) + 1) + "|",
        ]
        for mode, summary in report.questions.items():
            overall = summary["overall"]
            cells = [overall["questions"], overall["errors"], *(overall[m]["rate"] for m in metrics)]
            latency = overall["latency_ms"]
            cells += [overall["key_facts_mean"], latency["total_p50"], latency["total_p95"]]
            lines.append(f"| {mode} | " + " | ".join(_fmt(c) for c in cells) + " |")
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def write_report(report: EvalReport, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``<stem>.md`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{stem}.json"
    md_path = out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return json_path, md_path
