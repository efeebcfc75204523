"""The calculate step with the real calculator parser and tools (pure: no database, no model)."""

from __future__ import annotations

from planner.calculation import calculation_sentence, calculation_text, needs_sentence, parse, run_calculation
from planner.types import Source
from planner.verification import check_answer, numeric_values, parse_numbers
from tools.registry import run_tool


def test_a_complete_question_runs_the_calculator() -> None:
    parsed = parse("What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?")
    outcome = run_calculation(parsed)
    assert outcome.needs == [] and outcome.result is not None
    direct = run_tool(str(parsed.tool), dict(parsed.params)).to_dict()
    assert outcome.result["outputs_rounded"] == direct["outputs_rounded"]


def test_missing_inputs_become_needs_with_the_parsers_questions() -> None:
    outcome = run_calculation(parse("What sample size do I need for 5% MDE at 80% power?"))
    assert outcome.result is None
    assert outcome.needs == ["baseline"]
    text = needs_sentence(outcome.needs, outcome.questions, outcome.tool)
    assert "baseline conversion rate" in text and text.endswith("?")


def test_nothing_calculable_is_not_an_error() -> None:
    outcome = run_calculation(parse("How does variance affect sample size?"))
    assert outcome.result is None


def test_the_templated_sentence_has_exactly_the_calculator_numbers_and_verifies() -> None:
    outcome = run_calculation(
        parse("What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?")
    )
    result = outcome.result
    assert result is not None
    sentence = calculation_sentence(result, 3)
    n = result["outputs_rounded"]["n_per_variant"]
    assert any(tok.value == n for tok in parse_numbers(sentence))
    source = Source(3, "calculation", str(result["tool"]), "Calculation", calculation_text(result))
    values = numeric_values(result["outputs"]) + numeric_values(result["inputs"])
    assert check_answer(sentence, [source], calculation_values=values) == (True, True)


def test_the_planner_runs_the_named_test_even_when_the_question_carries_results(context_planner) -> None:  # type: ignore[no-untyped-def]
    """A question naming its test gets that test (not the scorecard); the scorecard still answers 'should we ship?'."""
    state = context_planner.prepare(
        "fisher's exact test please: control 4 of 50 converted, treatment 12 of 52"
    )
    assert state["calculable"] and state["calculation"].tool == "exact_2x2_test"
    assert "conditional" in state["calculation"].results[0]["method"]
    state = context_planner.prepare(
        "bayesian: control 300 of 6,000, treatment 360 of 6,050. probability treatment wins?"
    )
    assert state["calculation"].tool == "bayesian_ab"
    state = context_planner.prepare(
        "control 6,000 users and 300 conversions, treatment 6,050 and 360: ship it?"
    )
    assert state["calculation"].tool == "experiment_analysis"
