"""The evaluation runner's pure parts: question selection and turning a prepare() state into a scorable dict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.run_planner_eval import interleave, main, parse_args, select_questions
from eval.runner import load_results, prepared_response
from eval.scoring import QuestionResult, score_response
from planner.types import CalculationOutcome, ConceptPath, Hop, LinkedEntity, Source

QUESTIONS: list[dict[str, Any]] = [
    {"id": "d1", "category": "definition"},
    {"id": "d2", "category": "definition"},
    {"id": "c1", "category": "calculation", "multi_hop": False},
    {"id": "m1", "category": "methodology", "multi_hop": True},
    {"id": "b1", "category": "best_practice"},
]


def test_interleave_round_robins_categories_in_file_order() -> None:
    assert [q["id"] for q in interleave(QUESTIONS)] == ["d1", "c1", "m1", "b1", "d2"]


def test_select_questions_filters_then_limits() -> None:
    assert [q["id"] for q in select_questions(QUESTIONS, parse_args(["--interleave", "--limit", "3"]))] == [
        "d1",
        "c1",
        "m1",
    ]
    assert [q["id"] for q in select_questions(QUESTIONS, parse_args(["--category", "definition"]))] == [
        "d1",
        "d2",
    ]
    assert [q["id"] for q in select_questions(QUESTIONS, parse_args(["--multi-hop"]))] == ["m1"]
    assert [q["id"] for q in select_questions(QUESTIONS, parse_args(["--ids", "b1", "c1"]))] == ["c1", "b1"]


def test_a_prepared_state_scores_concepts_paths_numbers_and_needs_but_not_citations() -> None:
    hop1 = Hop("cuped", "sample-size", "decreases", "decreases", True, 0.9, "r1")
    hop2 = Hop("sample-size", "test-duration", "increases", "increases", True, 0.9, "r2")
    state = {
        "intent": "methodology",
        "entities": [LinkedEntity("cuped", "CUPED", "CUPED", 1.0, "phrase")],
        "related": [ConceptPath("cuped", "test-duration", (hop1, hop2), 0.7)],
        "sources": [Source(1, "concept", "cuped", "CUPED", "text", uri="concept:cuped")],
        "calculation": CalculationOutcome(tool="cuped", result={"outputs": {"variance_reduction": 0.25}}),
        "timings": {"understand": 2.0, "retrieve": 5.0},
    }
    response, hops = prepared_response(state)
    assert hops == {frozenset(("cuped", "sample-size")), frozenset(("sample-size", "test-duration"))}
    question = {
        "id": "q",
        "category": "calculation",
        "multi_hop": True,
        "expected_concepts": ["test-duration"],
        "expected_path": ["cuped", "sample-size", "test-duration"],
        "key_facts": ["x"],
        "expected_numbers": {"variance_reduction": 0.25},
        "tolerance": {"absolute": 1e-9},
        "expected_needs": [],
    }
    result = score_response(question, response, {}, hops, wall_ms=7.0, generated=False)
    assert result.concept_any and result.path_ok and result.numbers_ok and result.needs_ok
    assert result.citations_valid is None and result.key_facts is None
    assert result.pre_generation_ms == 7.0


def test_an_interrupted_runs_results_file_can_be_summarised(tmp_path: Path) -> None:
    results = [
        QuestionResult(id="a", category="definition", multi_hop=False, concept_any=True, total_ms=5.0),
        QuestionResult(id="b", category="calculation", multi_hop=False, numbers_ok=False, total_ms=7.0),
    ]
    path = tmp_path / "20260101T000000Z-results.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"result": r.to_dict(), "causes": ["parser"] if r.id == "b" else []}) for r in results
        )
        + "\n"
    )
    loaded = load_results(path)
    assert [r.id for r in loaded.results] == ["a", "b"] and loaded.results[1].numbers_ok is False
    assert loaded.causes == {"parser": ["b"]}
    assert main(["--from-results", str(path), "--markdown", "--out-dir", str(tmp_path)]) == 0
    report = (tmp_path / "20260101T000000Z-report.md").read_text()
    assert "- **parser** (1): b" in report
