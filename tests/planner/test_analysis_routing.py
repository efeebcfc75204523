"""Questions that carry results route to the experiment analysis (the scorecard), not to a single calculator."""

from __future__ import annotations

from planner.analysis_routing import TOOL, analysis_outcome, carries_results
from planner.calculation import answer_text
from planner.service import Planner

SHIP = "control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we ship?"


def test_results_in_a_question_become_a_scorecard_with_every_calculator_call() -> None:
    outcome = analysis_outcome(SHIP)
    assert outcome is not None and outcome.tool == TOOL
    assert outcome.result is not None
    assert outcome.result["outputs"]["decision"] == "inconclusive"  # p = 0.05004, a hair above α
    assert [s["tool"] for s in outcome.steps][:2] == ["srm_check", "two_proportion_z_test"]
    assert "borderline" in answer_text(outcome)


def test_planning_questions_do_not_route_to_the_analysis() -> None:
    assert not carries_results("How many users do I need for a 5% lift on a 10% baseline?")
    assert analysis_outcome("What is a sample ratio mismatch?") is None


def test_the_planner_routes_a_ship_question_to_the_analysis(context_planner: Planner) -> None:
    state = context_planner.prepare(SHIP)
    assert state["intent"] == "calculation" and state["calculable"]
    outcome = state["calculation"]
    assert outcome is not None and outcome.tool == TOOL
    assert outcome.result["outputs"]["findings"][0]["kind"] == "srm"


def test_a_ship_question_without_data_is_not_answered_with_someone_elses_numbers(
    context_planner: Planner,
) -> None:
    state = context_planner.prepare("we got p=0.03 on a 2% lift, can we ship?")
    assert not state["calculable"] and state["intent"] != "calculation"
    assert state.get("calculation") is None
