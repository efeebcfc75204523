"""Evaluation of the answer generator: pure scoring functions, two runners and the report writer.

- ``evaluate_held_out``: the RAW model output (before the planner's verification) on the held-out SFT split:
  citation validity, citing the source that holds the answer, exact copying of numbers, ROUGE-L.
- ``evaluate_questions``: the planner evaluation set (``eval/questions.jsonl``) through any ``answer`` callable:
  the planner with graph retrieval, or the model alone. ``model/`` never imports the planner; the CLI passes it in.

Scoring is pure and deterministic; runners only time calls and collect results.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from training.sft_data import SFTExample

_CITATION = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]?\d+)?%?(?![\w])")
_WORD = re.compile(r"[a-z0-9][a-z0-9\-']*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'])|\n+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "be",
        "by",
        "with",
        "as",
        "at",
        "from",
        "that",
        "this",
        "it",
        "its",
        "than",
        "then",
        "into",
        "not",
        "no",
    ]
)
# Same stop strings as the planner's generation step: the small model tends to start a new turn after answering.
RAW_STOP_STRINGS = ("\nQuestion:", "\nSources:", "<|im_end|>")


class EvaluationError(ValueError):
    """The evaluation input is unusable; the message says which file and line and what to fix."""


# --- pure scoring ----------------------------------------------------------------------------------------------------


def cited_markers(text: str) -> list[int]:
    """Every marker cited in ``text`` (``[2]``, ``[1, 3]``) in order."""
    out: list[int] = []
    for group in _CITATION.findall(text):
        out.extend(int(m) for m in re.split(r"\s*[,;]\s*", group) if m)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer (a citation after the full stop stays with its sentence)."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


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
    markers = cited_markers(text)
    invalid = tuple(m for m in dict.fromkeys(markers) if m not in allowed)
    sentences = split_sentences(text)
    citing = sum(1 for s in sentences if cited_markers(s))
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
    return _NUMBER.findall(_CITATION.sub(" ", text))


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
    clean = lambda t: _CITATION.sub(" ", t)  # noqa: E731
    return float(scorer.score(clean(reference), clean(prediction))["rougeL"].fmeasure)


def content_words(text: str) -> set[str]:
    """Lower-cased words minus stop words."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def fact_covered(answer: str, fact: str, *, threshold: float = 0.6) -> bool:
    """A key fact is covered when every number in it appears in the answer and at least ``threshold`` of its
    content words do (a paraphrase-tolerant check, not an entailment model)."""
    numbers = numbers_in(fact)
    if numbers and not set(numbers) <= set(numbers_in(answer)):
        return False
    words = content_words(fact)
    if not words:
        return True
    return len(words & content_words(answer)) / len(words) >= threshold


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


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


# --- planner evaluation set ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    """One question of ``eval/questions.jsonl``. Field names other helpers may use are accepted (see loader)."""

    id: str
    question: str
    category: str
    expected_concepts: tuple[str, ...] = ()
    key_facts: tuple[str, ...] = ()
    reference_answer: str | None = None
    expected_numbers: tuple[str, ...] = ()


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read the planner evaluation set.

    Each line needs ``question``; optional ``id``, ``category`` (or ``intent``), ``expected_concepts`` (or
    ``concepts``), ``key_facts`` (or ``facts``), ``reference_answer`` (or ``answer``/``reference``),
    ``expected_numbers`` (or ``numbers``).
    """
    if not path.is_file():
        raise EvaluationError(f"{path} does not exist; write the evaluation set or pass --questions")
    out: list[EvalQuestion] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{path}:{lineno}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict) or not str(record.get("question") or "").strip():
                raise EvaluationError(f"{path}:{lineno}: each line needs a non-empty 'question'")
            ref = record.get("reference_answer") or record.get("answer") or record.get("reference")
            out.append(
                EvalQuestion(
                    id=str(record.get("id") or f"q{lineno}"),
                    question=str(record["question"]),
                    category=str(record.get("category") or record.get("intent") or "uncategorised"),
                    expected_concepts=_strings(record.get("expected_concepts") or record.get("concepts")),
                    key_facts=_strings(record.get("key_facts") or record.get("facts")),
                    reference_answer=str(ref) if ref else None,
                    expected_numbers=_strings(record.get("expected_numbers") or record.get("numbers")),
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """One evaluation question answered in one mode."""

    id: str
    category: str
    answer: str
    concept_recall: float | None
    key_fact_coverage: float | None
    citations_valid: bool | None
    exact_number_rate: float | None
    rouge_l: float | None
    rouge_reference: str
    seconds: float
    error: str | None = None


def response_concepts(response: Mapping[str, Any]) -> set[str]:
    """Concept ids a planner response touched: linked entities, related concepts and concept citations."""
    found = {str(e.get("concept_id")) for e in response.get("entities") or []}
    found |= {str(r.get("concept_id")) for r in response.get("related_concepts") or []}
    found |= {str(c.get("id")) for c in response.get("citations") or [] if c.get("kind") == "concept"}
    return found


def score_question(question: EvalQuestion, response: Mapping[str, Any], seconds: float) -> QuestionResult:
    """Score one answer (a planner response dict, or ``{"answer": text}`` from the model alone).

    Citation validity: every cited marker exists among the response's citations (None when the mode has none).
    ROUGE-L is against ``reference_answer``, else against the key facts joined (``rouge_reference`` says which).
    """
    answer = str(response.get("answer") or "")
    concept_recall = None
    if question.expected_concepts and "entities" in response:
        touched = response_concepts(response)
        concept_recall = sum(1 for c in question.expected_concepts if c in touched) / len(
            question.expected_concepts
        )
    facts = None
    if question.key_facts:
        facts = sum(1 for f in question.key_facts if fact_covered(answer, f)) / len(question.key_facts)
    citations_valid: bool | None = None
    if "citations" in response:
        markers = {int(c.get("marker", -1)) for c in response.get("citations") or []}
        citations_valid = score_citations(answer, markers).valid
    expected_numbers = question.expected_numbers or tuple(
        n for f in question.key_facts for n in numbers_in(f)
    )
    if question.reference_answer:
        reference, ref_kind = question.reference_answer, "reference_answer"
    elif question.key_facts:
        reference, ref_kind = " ".join(question.key_facts), "key_facts"
    else:
        reference, ref_kind = "", "none"
    return QuestionResult(
        id=question.id,
        category=question.category,
        answer=answer,
        concept_recall=concept_recall,
        key_fact_coverage=facts,
        citations_valid=citations_valid,
        exact_number_rate=exact_number_rate(answer, expected_numbers),
        rouge_l=rouge_l(answer, reference) if reference else None,
        rouge_reference=ref_kind,
        seconds=seconds,
    )


AnswerFn = Callable[[str], Mapping[str, Any]]


def evaluate_questions(
    questions: Sequence[EvalQuestion],
    answer: AnswerFn,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[QuestionResult]:
    """Answer each question with ``answer`` (planner or model alone) and score it; a failure is recorded, not raised."""
    results: list[QuestionResult] = []
    for i, q in enumerate(questions, start=1):
        started = time.perf_counter()
        try:
            response = answer(q.question)
        except Exception as exc:  # one failing question must not lose the whole run
            results.append(
                QuestionResult(
                    q.id,
                    q.category,
                    "",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "none",
                    time.perf_counter() - started,
                    f"{type(exc).__name__}: {exc}",
                )
            )
        else:
            results.append(score_question(q, response, time.perf_counter() - started))
        if on_progress is not None:
            on_progress(i)
    return results


def summarise_questions(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """Rates overall and per category, with latency percentiles."""

    def block(items: Sequence[QuestionResult]) -> dict[str, Any]:
        secs = [r.seconds for r in items]
        return {
            "n": len(items),
            "errors": sum(1 for r in items if r.error),
            "concept_recall": mean(r.concept_recall for r in items),
            "key_fact_coverage": mean(r.key_fact_coverage for r in items),
            "citation_validity": mean(
                None if r.citations_valid is None else float(r.citations_valid) for r in items
            ),
            "exact_number_rate": mean(r.exact_number_rate for r in items),
            "rouge_l": mean(r.rouge_l for r in items),
            "rouge_reference": sorted({r.rouge_reference for r in items}),
            "latency_p50_s": percentile(secs, 0.5),
            "latency_p95_s": percentile(secs, 0.95),
        }

    cats = sorted({r.category for r in results})
    return {
        **block(results),
        "by_category": {c: block([r for r in results if r.category == c]) for c in cats},
    }


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

    def add_questions(self, mode: str, results: Sequence[QuestionResult]) -> None:
        self.questions[mode] = summarise_questions(results)
        self.details[f"questions:{mode}"] = [asdict(r) for r in results]

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
        cols = [
            "n",
            "errors",
            "concept_recall",
            "key_fact_coverage",
            "citation_validity",
            "exact_number_rate",
            "rouge_l",
            "latency_p50_s",
            "latency_p95_s",
        ]
        lines += [
            "",
            "## Planner evaluation set",
            "",
            "| mode | " + " | ".join(cols) + " |",
            "|---" * (len(cols) + 1) + "|",
        ]
        for mode, summary in report.questions.items():
            lines.append(f"| {mode} | " + " | ".join(_fmt(summary.get(c)) for c in cols) + " |")
        lines += ["", "Per category (key-fact coverage / concept recall):", ""]
        for mode, summary in report.questions.items():
            for cat, block in summary["by_category"].items():
                lines.append(
                    f"- {mode} / {cat}: n={block['n']}, key facts {_fmt(block['key_fact_coverage'])}, "
                    f"concepts {_fmt(block['concept_recall'])}, citations {_fmt(block['citation_validity'])}"
                )
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
