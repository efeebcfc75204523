"""Scoring functions of the generator evaluation (pure: no model, no database)."""

from __future__ import annotations

import json
from pathlib import Path

from eval.runner import EvalRun
from eval.scoring import score_response
from model.prompts import ChatMessage
from training.held_out import (
    EvalReport,
    HeldOutResult,
    evaluate_held_out,
    exact_number_rate,
    render_markdown,
    rouge_l,
    score_citations,
    score_held_out,
    summarise_held_out,
    unsupported_numbers,
    write_report,
)
from training.sft_data import SFTExample


def _example(numbers: tuple[str, ...] = ("57763",)) -> SFTExample:
    prompt = (
        "Sources:\n[1] Sample size: ...\n[2] Calculation (proportions_sample_size, x): n_control = 57763\n"
    )
    return SFTExample(
        id="calculation-x",
        kind="calculation",
        split="held_out",
        question="How many users?",
        messages=(
            ChatMessage("system", "rules"),
            ChatMessage("user", prompt + "\nQuestion: How many users?\nAnswer:"),
        ),
        target="You need 57763 users per group [2].",
        concepts=("sample-size",),
        valid_markers=(1, 2),
        answer_markers=(2,),
        numbers=numbers,
    )


def test_citations_are_valid_only_when_present_and_all_exist() -> None:
    good = score_citations("Power is 0.8 [1]. It depends on n [2].", [1, 2], [2])
    assert good.valid and good.coverage == 1.0 and good.cites_answer_source
    invented = score_citations("Power is 0.8 [7].", [1, 2])
    assert not invented.valid and invented.invalid == (7,)
    uncited = score_citations("Power is 0.8.", [1, 2])
    assert not uncited.valid and uncited.coverage == 0.0
    half = score_citations("First [1]. Second without.", [1])
    assert half.valid and half.coverage == 0.5 and not half.cites_answer_source


def test_exact_number_rate_counts_whole_tokens_only() -> None:
    assert exact_number_rate("You need 57763 users [2].", ["57763"]) == 1.0
    assert exact_number_rate("You need 57,764 users.", ["57763"]) == 0.0
    assert exact_number_rate("p = 0.0476 and 0.04", ["0.0476", "0.047"]) == 0.5
    assert exact_number_rate("anything", []) is None


def test_citation_markers_are_not_counted_as_numbers() -> None:
    assert unsupported_numbers("The rate is 0.12 [3].", "estimate = 0.12") == []
    assert unsupported_numbers("The rate is 0.13 [3].", "estimate = 0.12") == ["0.13"]


def test_rouge_l_ignores_markers_and_scores_overlap() -> None:
    assert (
        rouge_l("Power is the chance to detect an effect [1].", "Power is the chance to detect an effect.")
        == 1.0
    )
    assert 0.0 < rouge_l("Power is a chance.", "Power is the chance to detect an effect.") < 1.0
    assert rouge_l("zebra", "Power") == 0.0


def test_held_out_scoring_of_a_raw_output() -> None:
    result = score_held_out(_example(), "You need 57763 users per group [2]. Also 12 [9].", seconds=1.5)
    assert not result.citations_valid and result.invalid_markers == (9,)
    assert result.cites_answer_source
    assert result.exact_number_rate == 1.0
    assert result.unsupported_numbers == ("12",)
    assert result.seconds == 1.5


def test_held_out_runner_and_summary() -> None:
    outputs = iter(["You need 57763 users per group [2].", "No idea."])
    ticks: list[int] = []
    results = evaluate_held_out([_example(), _example()], lambda _e: next(outputs), on_progress=ticks.append)
    summary = summarise_held_out(results)
    assert ticks == [1, 2]
    assert summary["n"] == 2
    assert summary["citation_validity"] == 0.5
    assert summary["exact_number_rate"] == 0.5
    assert summary["by_kind"]["calculation"]["n"] == 2


def test_report_is_written_as_json_and_markdown(tmp_path: Path) -> None:
    report = EvalReport(meta={"models": {"base": "m"}})
    report.add_held_out(
        "base", [HeldOutResult("a", "definition", "x [1].", True, 1.0, True, (), None, (), 0.5, 2.0)]
    )
    question = {"id": "q", "category": "definition", "question": "x?", "expected_concepts": ["power"]}
    scored = score_response(question, {"answer": "y", "entities": [{"concept_id": "power"}]}, {})
    run = EvalRun()
    run.add(scored, [])
    report.add_questions("base+graph", run.summary(), [scored.to_dict()])
    report.notes.append("no reference answers")
    json_path, md_path = write_report(report, tmp_path, "eval-test")
    data = json.loads(json_path.read_text())
    assert data["held_out"]["base"]["citation_validity"] == 1.0
    markdown = md_path.read_text()
    assert "| base | 1 | 1.000" in markdown
    assert "base+graph" in markdown and "no reference answers" in markdown
    assert data["questions"]["base+graph"]["overall"]["concept_any"]["rate"] == 1.0
    assert render_markdown(report) == markdown
