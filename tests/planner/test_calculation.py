"""The calculate step with the real calculator parser and tools (pure: no database, no model)."""

from __future__ import annotations

import pytest

from planner.calculation import (
    calculation_requested,
    calculation_sentence,
    calculation_text,
    combined_result,
    needs_sentence,
    outcome_sentence,
    parse,
    run_calculation,
    unknown_asked,
)
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


def test_a_conversion_sample_size_says_what_it_detects_as_the_question_was_read() -> None:
    outcome = run_calculation(
        parse("What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?")
    )
    sentence = outcome_sentence(outcome, 6)
    assert sentence.startswith("You need 57,763 per group")
    assert (
        "to detect a change from the 10.00% baseline to 10.50% (a 5% relative lift) with 80% power [6]"
        in sentence
    )
    # the cited source says the same, and does not list what the clause says again
    assert outcome.result is not None
    source = calculation_text(outcome.result)
    assert (
        "to detect a change from the 10.00% baseline to 10.50% (a 5% relative lift) with 80% power" in source
    )
    assert "baseline =" not in source and "p2 =" not in source and "alpha = 0.05" in source
    unequal = run_calculation(
        parse("baseline 8%, detect a 15% relative lift at 90% power with a 30/70 split")
    )
    assert "from the 8.00% baseline to 9.20% (a 15% relative lift) with 90% power" in outcome_sentence(
        unequal, 2
    )


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


# Numbers that set the scene of a question about ideas against numbers given to be computed with. Every question
# below has a calculator reading (the parser finds a tool); only the right column asks for its number.
_SCENE_NOT_DATA = [
    # a ramp schedule read as baseline and target, with an ask about pooling, bias or counting
    "we ramped 5% -> 20% -> 50% over a week. can i just pool everything for the final analysis",
    "we went 1% -> 10% -> 50% traffic, does the ramp bias the result?",
    "we ramped from 5% to 25% to 100% over two weeks, can the first week's users be included?",
    "exposure went 10% -> 30% -> 60% during the test, can we still analyse it as one experiment?",
    # the sizing calculator would answer for a sample size nobody asked for
    "the lift went from 8% in week 1 to 1% in week 3, which number do we report?",
    "does a 5% mde make sense for a metric with a 0.5% baseline?",
    "with a 2% baseline and 10% lift, why does the test need so many users?",
    "our baseline is 3% and we saw 3.6% in treatment after 2 days. too good to be true?",
    # the calculator would only ask for inputs, and the question asks what to make of a result
    "20% lift from 400 users per arm, believable?",
    "p-value 0.049 with 200 users per group, how much should I trust it?",
    "we got a 12% lift with p=0.03 on 300 users, would you trust it?",
    "bayesian says 97% chance B is better but frequentist p = 0.08, which do i believe?",
    "chance to beat control is 94%, can we ship at 95?",
    # a choice of method, or a number that only names the metric
    "p95 latency: t-test or bootstrap?",
    "how long should we run a test on 30 day retention",
    # the sizing reading would fall back on a sample size nobody asked for, and the question asks how or why
    "treatment started at 10% and we bumped it to 50% after three days; pooled, treatment converts lower than "
    "control, but it is higher on each day. how is that even possible?",
    "the treatment share went from 10% to 50% halfway through. pooled conversion favours control, daily conversion "
    "favours treatment. how come?",
    "most of our tests run at about 25% power and the wins we report are always +20% or more. how does that end up "
    "overstating the lift?",
    "overall +0.3% (p=0.5) but one country of the 40 we sliced is +9% at p=0.02. thoughts?",
    "we run 10% holdouts on a 4% baseline. what's the right way to read a holdout that drifts over a quarter?",
    # how to do the computation, or whether to do it at all, while the calculator still lacks its inputs
    "rolling out cuped on revenue per user; how should we choose the covariate and calculate theta? about 20% of "
    "users are new with no history",
    "pricing test wasn't significant (p=0.31). my manager wants me to compute the observed power from the result to "
    "prove we were underpowered. should I really be doing that?",
    "checkout test ended flat at p=0.4; the director asked me to calculate post-hoc power from it to argue for a "
    "rerun. is that even a valid thing to do?",
]
_DATA_TO_COMPUTE = [
    "we ramped to 50% of traffic: 20k users a day, baseline 4%, mde 5% relative. how many days?",
    "with 400 users per arm and a 20% baseline, what lift can we detect?",
    "control 40/400, treatment 48/400 - is the 20% lift significant?",
    "control 120/2400 vs variant 150/2400, can we trust this result?",
    "chance to beat control for 120/1000 vs 140/1000?",
    "can we detect a 5% relative lift with 20k users per group and a 10% baseline?",
    "should I use 80% power for a 5% mde, how many users?",
    "how many users do we need per arm to detect a 5% lift on 30 day retention of 40%?",
    "sample size for p95 latency: sd 120 ms, want to detect 10 ms",
    "baseline 5%, target 20%: how many per group?",
    "baseline 8% and we want to see a 15% relative lift at 90% power",  # data alone: the sample size is the default
    "is there a sample ratio mismatch on my 50/50 test?",  # asks for the counts it needs
    # how to compute it, with every input given: the worked calculation answers that
    "how do I calculate the sample size for a 3% baseline and a 10% relative lift at 80% power?",
    "how would we compute the variance reduction if our pre-period correlation is 0.6?",
]


@pytest.mark.parametrize(
    ("question", "requested"),
    [*((q, False) for q in _SCENE_NOT_DATA), *((q, True) for q in _DATA_TO_COMPUTE)],
)
def test_numbers_that_set_the_scene_are_no_calculation_request(question: str, requested: bool) -> None:
    parsed = parse(question)
    assert parsed.tool is not None  # the parser alone would calculate every one of them
    assert calculation_requested(question, parsed) is requested


def test_a_sizing_reading_knows_whether_its_unknown_was_asked_for() -> None:
    ramp = parse("we ramped 5% -> 20% -> 50% over a week. can i just pool everything for the final analysis")
    assert ramp.tool == "proportions_sample_size" and not ramp.missing  # 5% read as baseline, 20% as target
    assert unknown_asked(ramp) is False
    assert unknown_asked(parse("baseline 5%, target 20%: how many per group?")) is True
    assert unknown_asked(parse("control 40/400, treatment 48/400 - is the lift significant?")) is True


def test_a_chained_calculation_source_states_each_assumption_once() -> None:
    outcome = run_calculation(
        parse("baseline 3%, want a 5% relative lift, we get 10k users a day and only have two weeks. doable?")
    )
    text = calculation_text(combined_result(outcome) or {})
    assert [r["tool"] for r in outcome.results] == [
        "proportions_sample_size",
        "test_duration",
        "proportions_mde",
    ]
    assert text.count("80% power (not stated in the question)") == 1
    assert text.count("all daily traffic enters the test") == 1
    assert "14 days the test can run" in text and "70,000 users" in text


@pytest.mark.parametrize(
    ("question", "requested"),
    [
        ("conversion 2%, hoping for +15% relative, 6k visitors a day, 3 weeks max - can we do it?", True),
        ("6% baseline, +5% relative, 20k/day, within a month - can we?", True),
        ("signup 8%, target 9%, 5k visitors daily - doable in a week?", True),
        # the numbers are the situation; the question asks what to make of it
        ("we ran 2 weeks at 5k users a day with 3% baseline, can we trust it?", False),
    ],
)
def test_asking_whether_a_test_fits_its_days_is_a_calculation(question: str, requested: bool) -> None:
    assert calculation_requested(question, parse(question)) is requested


@pytest.mark.parametrize(
    "question",
    [
        # a result is in and the question asks whether to go ahead or what to do: no sample size to ask inputs for
        "checkout conv +2.1% (p=0.03, 1.5M users per arm) but support tickets went up too. ship or not?",
        "the variant's pre-period spend was already 4% higher than control's before the test started. what should we do",
        "signup test came back +6% at p=0.04 with 80k users per arm. worth it?",
        # what else goes into a decision about duration, or how long people keep something: practice, not a number
        "baseline 5%, 25k visitors a day, the calculator gave us N per arm. what else should go into deciding how long to run?",
        "how long do teams usually keep a 10% holdout going after launch?",
        # a definition question whose numbers are its setting
        "what's a universal holdout and is 5% for six months normal?",
        # a ramp's shares are the setting, whatever words sit between "ramping" and them
        "explain how Simpson's paradox can show up when ramping traffic from 10% to 50% over two weeks",
        # a ramp schedule with no baseline or effect: how long each stage lasts is a rollout policy
        "our rollout goes 2% -> 10% -> 50% for the new search ranker. how long should each stage last and what do we monitor?",
        # counting the asker's own wins asks what they are worth, not how many users to recruit
        "out of 150 tests this year 18 were significant at 0.05. how many of those are probably false positives?",
        # two runs that disagree: which result to believe, not a sample size for their two percentages
        "first run +4% (p=0.01), the rerun +1% and flat. what's the real effect?",
    ],
)
def test_numbers_in_an_advice_or_definition_question_do_not_make_it_a_calculation(question: str) -> None:
    parsed = parse(question)
    assert calculation_requested(question, parsed) is False


@pytest.mark.parametrize(
    "question",
    [
        "what's a good sample size for a 3% baseline and a 10% relative lift?",
        "how long do we need to run it at 3% baseline, +10% relative, 20k users a day?",
        "what is an srm? our 50/50 test has 5120 vs 4880 users",
        "baseline 5%, target 6%, ramping traffic to 50% of 20k daily users - how long?",
    ],
)
def test_a_question_that_asks_for_the_number_is_still_a_calculation(question: str) -> None:
    assert calculation_requested(question, parse(question)) is True


def test_group_sequential_boundaries_say_their_p_values_and_what_they_keep_together() -> None:
    outcome = run_calculation(parse("O'Brien-Fleming boundaries for 4 interim looks, alpha 0.05 two-sided?"))
    told = outcome_sentence(outcome, 1)
    assert told.startswith("The z boundaries at the 4 looks are 4.333, 2.963, 2.359, 2.014")
    # the first look's z of 4.333 is a two-sided p of 2·Φ(−4.333) = 1.5e-05
    assert "two-sided p below 1.5e-05, 0.003, 0.018, 0.044 at looks 1 to 4" in told
    assert "overall false positive rate at α = 0.05 across all 4 looks" in told
    assert "the early looks are strict" in told


@pytest.mark.parametrize(
    ("question", "lower", "upper", "confidence", "unit"),
    [
        (
            "the platform shows a 95% CI of [-0.4%, +2.2%] for the lift, what does that tell me?",
            -0.4,
            2.2,
            0.95,
            "%",
        ),
        (
            "our 90% confidence interval for the difference is -1.5% to 0.3%. significant?",
            -1.5,
            0.3,
            0.90,
            "%",
        ),
        ("CI on the conversion diff came out (0.2pp, 1.4pp), what does it mean", 0.2, 1.4, 0.95, "pp"),
    ],
)
def test_a_reported_interval_is_read_for_what_it_implies(
    question: str, lower: float, upper: float, confidence: float, unit: str
) -> None:
    parsed = parse(question)
    assert parsed.tool == "interval_reading" and not parsed.missing and not parsed.invalid
    assert parsed.steps[0].params == {"lower": lower, "upper": upper, "confidence": confidence, "unit": unit}
    assert calculation_requested(question, parsed) is True
    told = outcome_sentence(run_calculation(parsed), 1)
    crosses = lower < 0 < upper
    assert ("includes 0" in told) is crosses and ("excludes 0" in told) is not crosses
    assert f"at the {100 * (1 - confidence):.3g}% level" in told


def test_an_interval_that_includes_zero_says_the_range_of_effects_it_allows() -> None:
    told = outcome_sentence(run_calculation(parse("what does a 95% CI of [-0.2%, +1.8%] on lift mean?")), 1)
    assert told.startswith(
        "The 95% interval from -0.2% to +1.8% includes 0, so the effect is not statistically significant at the 5% "
        "level (two-sided): the data are consistent with no effect, with a loss of up to 0.2% and with a gain of up "
        "to 1.8%. Read back, it implies an estimate of +0.8% with a standard error of 0.51%, z = 1.57 and p = 0.12"
    )


def test_an_interval_to_compute_from_counts_is_still_computed() -> None:
    parsed = parse("compute the 95% CI for 3 conversions out of 150")
    assert parsed.tool != "interval_reading"


def test_cuped_says_what_its_variance_cut_means_for_users_duration_and_resolution() -> None:
    outcome = run_calculation(parse("if CUPED cuts our variance by 36%, what do we gain?"))
    told = outcome_sentence(outcome, 1)
    assert "CUPED removes 36.0% of the variance" in told
    # n ∝ variance: 64% of the users; the standard error and MDE shrink by √0.64 = 0.8
    assert "the same power needs 64% of the users (36% fewer users)" in told
    assert "a factor of 0.800 (20% smaller)" in told
