"""Scoring of planner answers: tolerance, number lookup, concepts, citations, needs, paths, causes, summary."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval.report import markdown_report
from eval.scoring import (
    QuestionResult,
    check_numbers,
    citation_problems,
    failure_causes,
    is_graph_path,
    is_shortest_path,
    key_fact_coverage,
    lookup_output,
    needs_correct,
    path_found,
    percentile,
    response_concepts,
    score_response,
    shortest_distance,
    summarise,
    trace_hops,
    undirected_adjacency,
    within_tolerance,
)

NAMES = {
    "cuped": "cuped",
    "sample size": "sample-size",
    "test duration": "test-duration",
    "variance": "variance",
}


def response(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "question": "q",
        "answer": "CUPED lowers variance [1], so fewer users are needed [2].",
        "intent": "methodology",
        "entities": [{"concept_id": "cuped", "name": "CUPED", "mention": "CUPED", "confidence": 1.0}],
        "citations": [
            {
                "marker": 1,
                "kind": "concept",
                "id": "cuped",
                "title": "CUPED",
                "source": "s",
                "uri": "concept:cuped",
                "quote": "CUPED reduces variance.",
            },
            {
                "marker": 2,
                "kind": "relation",
                "id": "rel1",
                "title": "t",
                "source": "s",
                "uri": "",
                "quote": "q",
            },
        ],
        "related_concepts": [
            {
                "concept_id": "test-duration",
                "name": "Test duration",
                "relation": "increases",
                "path": ["CUPED", "Sample size", "Test duration"],
                "score": 0.7,
            },
        ],
        "calculations": [],
        "needs": [],
        "verification": {
            "citations_valid": True,
            "numbers_verified": True,
            "removed_sentences": [],
            "invalid_citations": [],
        },
        "trace_id": "t",
        "as_of": 1,
        "timings_ms": {"understand": 1.0, "entities": 2.0, "retrieve": 7.0, "generate": 900.0, "verify": 1.0},
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("actual", "expected", "tolerance", "ok"),
    [
        (76.7069, 76.7, {"relative": 0.001}, True),
        (76.9, 76.7, {"relative": 0.001}, False),
        (0.05243, 0.0524, {"absolute": 0.00006}, True),
        (0.0526, 0.0524, {"absolute": 0.00006}, False),
        (4, 4, {"absolute": 0}, True),
        (5, 4, {"absolute": 0}, False),
        (0.2500000001, 0.25, {}, True),
        (True, 1, {"absolute": 0}, False),  # a boolean is not a number
        (float("nan"), 1.0, {"relative": 1.0}, False),
    ],
)
def test_within_tolerance(actual: Any, expected: float, tolerance: dict[str, float], ok: bool) -> None:
    assert within_tolerance(actual, expected, tolerance) is ok


@given(st.floats(min_value=1e-6, max_value=1e6), st.floats(min_value=0.0, max_value=0.5))
def test_a_value_is_always_within_its_own_tolerance(value: float, rel: float) -> None:
    assert within_tolerance(value, value, {"relative": rel})
    assert within_tolerance(value * (1 + rel / 2), value, {"relative": rel})


def test_lookup_output_reads_plain_and_indexed_names() -> None:
    outputs = {"power": 0.8, "z_boundaries": [4.56, 3.23, 2.04]}
    assert lookup_output(outputs, "power") == 0.8
    assert lookup_output(outputs, "z_boundaries[2]") == 2.04
    assert lookup_output(outputs, "z_boundaries[9]") is None
    assert lookup_output(outputs, "missing") is None
    assert lookup_output(outputs, "bad key!") is None


def test_check_numbers_accepts_a_match_in_any_calculation_and_reports_misses() -> None:
    calcs = [{"outputs": {"n": 10.0}}, {"outputs": {"n_per_variant": 76.707, "n_total": 153.4}}]
    checks = check_numbers(
        {"n_per_variant": 76.7, "n_total": 160.0, "absent": 1.0}, {"relative": 0.001}, calcs
    )
    assert [(c.name, c.ok) for c in checks] == [
        ("n_per_variant", True),
        ("n_total", False),
        ("absent", False),
    ]
    assert checks[1].actual == pytest.approx(153.4)
    assert checks[2].actual is None


def test_response_concepts_gathers_entities_related_paths_and_citations() -> None:
    extra = {
        "marker": 3,
        "kind": "chunk",
        "id": "concept-variance#2",
        "title": "t",
        "source": "",
        "uri": "",
        "quote": "x",
    }
    found = response_concepts(response(citations=[*response()["citations"], extra]), NAMES)
    assert {"cuped", "sample-size", "test-duration", "variance"} <= found


def test_citations_are_valid_when_markers_resolve_and_the_verifier_agrees() -> None:
    assert citation_problems(response()) == []


def test_a_marker_without_a_citation_is_invalid() -> None:
    problems = citation_problems(response(answer="Claim [3]."))
    assert any("[3]" in p for p in problems)


def test_the_verifier_flag_and_an_uncited_answer_are_invalid() -> None:
    verification = {"citations_valid": False, "invalid_citations": [2]}
    assert len(citation_problems(response(verification=verification))) == 2
    assert citation_problems(response(citations=[], answer="No citation.")) == ["the answer cites nothing"]


def test_an_answer_that_only_asks_for_inputs_may_cite_nothing() -> None:
    assert citation_problems(response(citations=[], answer="What is the baseline?", needs=["baseline"])) == []


def test_needs_must_match_exactly() -> None:
    assert needs_correct(["baseline", "mde"], ["mde", "baseline"])
    assert not needs_correct(["baseline"], ["baseline", "mde"])
    assert not needs_correct(["baseline"], [])
    assert needs_correct([], [])


def test_path_found_uses_response_paths_and_trace_hops_in_either_direction() -> None:
    trace = {
        "steps": [
            {
                "node": "traverse",
                "outputs": {
                    "related": [
                        {"hops": [{"from": "variance", "relation": "increases", "to": "sample-size"}]}
                    ]
                },
            }
        ]
    }
    hops = trace_hops(trace)
    assert hops == {frozenset(("variance", "sample-size"))}
    ok, missing = path_found(
        ["test-duration", "sample-size", "variance"], hops | {frozenset(("sample-size", "test-duration"))}
    )
    assert ok and missing == []
    ok, missing = path_found(["cuped", "variance", "test-duration"], hops)
    assert not ok and missing == [("cuped", "variance"), ("variance", "test-duration")]


def test_graph_paths_follow_relations_either_way_without_repeats() -> None:
    adj = undirected_adjacency([("a", "b"), ("c", "b")])
    assert is_graph_path(["a", "b", "c"], adj)
    assert is_graph_path(["c", "b", "a"], adj)
    assert not is_graph_path(["a", "c"], adj)
    assert not is_graph_path(["a", "b", "a"], adj)
    assert not is_graph_path(["a"], adj)
    adj = undirected_adjacency([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")])
    assert shortest_distance(adj, "a", "c") == 2 and shortest_distance(adj, "a", "zz") is None
    assert is_shortest_path(["a", "b", "c"], adj)
    assert not is_shortest_path(["a", "b", "c", "d"], adj)  # a-d is one hop


def test_key_fact_coverage_is_case_insensitive() -> None:
    assert key_fact_coverage(["Variance", "users"], "lower variance means fewer USERS") == 1.0
    assert key_fact_coverage(["variance", "alpha"], "variance only") == 0.5
    assert key_fact_coverage([], "anything") == 1.0


def test_score_response_for_a_multi_hop_methodology_question() -> None:
    question = {
        "id": "m",
        "category": "methodology",
        "multi_hop": True,
        "expected_concepts": ["cuped", "test-duration"],
        "expected_path": ["cuped", "sample-size", "test-duration"],
        "key_facts": ["variance"],
    }
    result = score_response(question, response(), NAMES, set(), wall_ms=1234.0)
    assert result.concept_any and result.concept_all and result.citations_valid and result.path_ok
    assert result.numbers_ok is None and result.needs_ok is True  # asked for nothing, as it should
    assert result.total_ms == 1234.0
    assert result.pre_generation_ms == 10.0  # understand + entities + retrieve; generate/verify excluded
    assert failure_causes(result, question, response()) == []


def test_score_response_for_a_calculation_with_wrong_numbers_points_at_the_calculation() -> None:
    question = {
        "id": "c",
        "category": "calculation",
        "multi_hop": False,
        "expected_concepts": ["power-analysis"],
        "key_facts": ["76.7"],
        "expected_numbers": {"n_per_variant": 76.7},
        "tolerance": {"relative": 0.001},
        "expected_needs": [],
    }
    calc = {
        "tool": "proportions_sample_size",
        "method": "m",
        "inputs": {},
        "outputs": {"n_per_variant": 80.0},
        "assumptions": [],
        "formula": "",
        "library": "",
    }
    resp = response(calculations=[calc])
    result = score_response(question, resp, NAMES)
    assert result.numbers_ok is False and result.needs_ok is True and result.concept_any is False
    assert failure_causes(result, question, resp) == ["entity_linking", "calculation"]
    no_calc = response(calculations=[], needs=["baseline"], citations=[])
    result = score_response(question, no_calc, NAMES)
    assert result.needs_ok is False
    assert "parser" in failure_causes(result, question, no_calc)


def test_a_right_parser_reading_the_planner_ignored_is_an_intent_failure() -> None:
    question = {
        "id": "c",
        "category": "calculation",
        "multi_hop": False,
        "expected_concepts": ["srm-check"],
        "key_facts": [],
        "expected_needs": ["counts"],
    }
    resp = response(needs=[], calculations=[])
    result = score_response(question, resp, NAMES)
    assert result.needs_ok is False
    assert failure_causes(result, question, resp, parser_ok=True)[-1] == "intent"
    assert failure_causes(result, question, resp, parser_ok=False)[-1] == "parser"


def test_a_non_calculation_question_that_asks_for_inputs_fails_needs() -> None:
    question = {
        "id": "m",
        "category": "methodology",
        "multi_hop": False,
        "expected_concepts": ["cuped"],
        "key_facts": [],
    }
    assert score_response(question, response(needs=["conversions"]), NAMES).needs_ok is False


def test_a_crash_is_its_own_cause() -> None:
    result = QuestionResult(id="x", category="definition", multi_hop=False, error="RuntimeError: boom")
    assert failure_causes(result, {}, None) == ["crash"]


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(i) for i in range(1, 101)], 95) == pytest.approx(95.05)


def test_summarise_counts_rates_per_category_and_lists_failed_ids() -> None:
    good = QuestionResult(
        id="a",
        category="definition",
        multi_hop=False,
        concept_any=True,
        citations_valid=True,
        total_ms=100.0,
        pre_generation_ms=10.0,
    )
    bad = QuestionResult(
        id="b",
        category="definition",
        multi_hop=True,
        concept_any=False,
        citations_valid=True,
        path_ok=False,
        total_ms=300.0,
        pre_generation_ms=30.0,
    )
    crashed = QuestionResult(id="c", category="calculation", multi_hop=False, error="boom")
    summary = summarise([good, bad, crashed])
    overall = summary["overall"]
    assert overall["questions"] == 3 and overall["errors"] == 1
    assert overall["concept_any"] == {"passed": 1, "total": 2, "rate": 0.5, "failed_ids": ["b"]}
    assert overall["numbers_ok"]["rate"] is None
    assert overall["latency_ms"]["total_p50"] == 200.0
    assert summary["by_category"]["definition"]["path_ok"]["failed_ids"] == ["b"]
    assert summary["multi_hop"]["questions"] == 1
    assert summary["errors"] == {"c": "boom"}
    assert (
        summary["meets_targets"]["concept_any"] is False
        and summary["meets_targets"]["citations_valid"] is True
    )
    summary["failures_by_cause"] = {"entity_linking": ["b"], "crash": ["c"]}
    text = markdown_report(summary)
    assert "| expected concept surfaced | 50.0% (1/2) | ≥ 95% |" in text
    assert "- **entity_linking** (1): b" in text and "- c: boom" in text


def test_citations_removed_from_the_raw_output_do_not_invalidate_a_valid_final_answer() -> None:
    from eval.scoring import citation_problems

    response = {
        "answer": "An OEC decides launches [1].",
        "citations": [{"marker": 1, "id": "concept:oec", "quote": "An OEC decides launches."}],
        "verification": {"citations_valid": True, "invalid_citations": [8, 9]},
    }
    assert citation_problems(response) == []
    response["verification"] = {"citations_valid": False, "invalid_citations": [8]}
    assert citation_problems(response) == [
        "verifier: citations_valid is false",
        "verifier: invalid citations [8]",
    ]


def test_a_grouped_marker_outside_the_citation_list_is_a_problem_and_an_interval_is_not() -> None:
    from eval.scoring import citation_problems

    # the verifier writes kept markers as a group ("[1, 2]"); each one must be a listed citation
    response = {
        "answer": "Power rises with n [1, 9]. A share lies in [0, 1] [1].",
        "citations": [{"marker": 1, "id": "concept:power", "quote": "Power rises with n."}],
        "verification": {"citations_valid": True},
    }
    assert citation_problems(response) == ["answer cites [9] but the citation list has [1]"]
