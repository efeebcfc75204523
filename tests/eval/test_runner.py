"""The evaluation runner's pure parts: question selection and turning a prepare() state into a scorable dict."""

from __future__ import annotations

from typing import Any

from eval.run_planner_eval import interleave, parse_args, prepared_response, select_questions
from eval.scoring import score_response
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
