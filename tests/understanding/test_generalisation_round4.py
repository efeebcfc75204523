"""Fixes found on calc_dev4 (tuned there), each checked on questions written for this file, not in eval/calc_*.

Expected numbers are recomputed with statsmodels / scipy, never with tools/.
"""

from __future__ import annotations

import pytest
from scipy.optimize import brentq
from statsmodels.stats.power import TTestIndPower, TTestPower
from statsmodels.stats.proportion import power_proportions_2indep

from planner.calculation import answer_text, run_calculation
from planner.intent import wants_calculation
from understanding import read, run_steps
from understanding.quantities import normalise, tag


def prop_n(p1: float, p2: float, power: float = 0.8) -> float:
    """R power.prop.test's equation (statsmodels), solved for n per group."""
    return float(
        brentq(lambda n: power_proportions_2indep(p1 - p2, p2, n, return_results=True).power - power, 2, 1e9)
    )


def only(question: str) -> dict[str, object]:
    reading = read(question)
    assert reading.calculable, reading.to_dict()
    return run_steps(reading)[-1].outputs


def test_pct_is_a_percent() -> None:
    out = only("signup sits at 7 pct and we want 8 pct, users per arm?")
    assert out["n_per_variant"] == pytest.approx(prop_n(0.07, 0.08), rel=1e-3)


def test_one_before_a_unit_is_the_number_one() -> None:
    assert "1 percentage point" in normalise("detect one percentage point on a 30% rate")
    out = only("baseline 30%, we want to detect one percentage point (absolute). per group?")
    assert out["n_per_variant"] == pytest.approx(prop_n(0.30, 0.31), rel=1e-3)


def test_a_fraction_is_never_the_successes_of_a_pair() -> None:
    units = [q.unit for q in tag(normalise("rho 0.4 and groups of 12 people"))]
    assert "pair" not in units


def test_daily_traffic_named_before_the_number() -> None:
    reading = read("we need 90,000 users overall; daily visitors: 15k. how many days?")
    assert reading.calculable
    assert run_steps(reading)[-1].outputs["days"] == pytest.approx(6)


def test_hyphenated_per_group_and_needed_per_group() -> None:
    out = only("cuped with a 0.5 correlation: we planned a 12k-per-group test, how many per group now?")
    assert out["n_per_group_cuped"] == pytest.approx(12000 * (1 - 0.25))
    out = only("pre-period covariate correlation 0.5 (CUPED). we needed 20,000 before; new n per arm?")
    assert out["n_per_group_cuped"] == pytest.approx(20000 * 0.75)


def test_a_long_sd_phrase_still_names_the_sd() -> None:
    out = only(
        "paired: 25 pairs, a mean change of 2 and the standard deviation of those changes is 5. power?"
    )
    ref = TTestPower().power(effect_size=2 / 5, nobs=25, alpha=0.05)
    assert out["power"] == pytest.approx(ref, abs=1e-4)


def test_numbers_in_words_with_a_unit_are_a_calculation_request() -> None:
    q = "users per group to detect a three dollar lift in basket size if the standard deviation is forty dollars?"
    assert wants_calculation(q)
    out = only(q)
    ref = TTestIndPower().solve_power(effect_size=3 / 40, power=0.8, alpha=0.05)
    assert out["n_group1"] == pytest.approx(ref, rel=1e-3)
    assert not wants_calculation("why do people say to run for two weeks?")


@pytest.mark.parametrize(
    ("question", "b_rate"),
    [
        ("is 90 of 1,000 (treatment) vs 70 of 1,000 (control) significant?", 0.09),
        ("p-value: 70/1000 control, 90/1000 treatment", 0.09),
        ("A: 70 of 1000, B: 90 of 1000 - significant?", 0.09),
        ("z test for B minus A where A 70 of 1000 and B 90 of 1000", 0.09),
    ],
)
def test_the_control_is_read_from_the_nearest_words(question: str, b_rate: float) -> None:
    out = only(question)
    assert out["p_b"] == pytest.approx(b_rate)


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("users per variant for a 140% conversion rate and a 5% relative lift?", "baseline"),
        ("sample size: 3% to 3.5% at a power of 1.2", "power"),
        ("what n per group for 10% vs 11% with 120% power?", "power"),
    ],
)
def test_bad_input_asks_for_a_valid_value(question: str, field: str) -> None:
    outcome = run_calculation(read(question))
    assert not outcome.results and field in outcome.needs
    text = answer_text(outcome)
    assert "must be between" in text or "is a probability between" in text
    assert text.rstrip().endswith("?")


# --- fixes found on calc_dev6 --------------------------------------------------------------------------------


def test_halves_points_and_millions_in_words() -> None:
    assert "4.5 percent" in normalise("four and a half percent")
    assert "2.5 percent" in normalise("two point five percent")
    assert "2.4M users" in normalise("2.4 million users")
    out = only(
        "we convert four and a half percent of visitors and hope for five and a half percent. n per group?"
    )
    assert out["n_per_variant"] == pytest.approx(prop_n(0.045, 0.055), rel=1e-3)


def test_a_total_split_between_arms_gives_the_power_per_group() -> None:
    out = only("power? 400k users split 50/50, conversion 3% vs 3.2%")
    ref = power_proportions_2indep(0.03 - 0.032, 0.032, 200_000, return_results=True).power
    assert out["power"] == pytest.approx(ref, abs=1e-4)


def test_a_group_named_after_and_belongs_to_the_next_number() -> None:
    out = only("the variant gets 1,500 users and control gets 4,500. 30% vs 34%: power?")
    ref = power_proportions_2indep(0.30 - 0.34, 0.34, 4500, ratio=1500 / 4500, return_results=True).power
    assert out["power"] == pytest.approx(ref, abs=1e-4)


def test_the_reference_mean_of_a_one_sample_test_is_not_the_difference() -> None:
    out = only(
        "one-sample t test vs a benchmark of 250 ms: we want to detect 12 ms with an sd of 40 ms. n for 80% power?"
    )
    ref = TTestPower().solve_power(effect_size=12 / 40, power=0.8, alpha=0.05)
    assert out["n"] == pytest.approx(ref, rel=1e-3)


def test_an_expected_change_beside_an_sd_is_the_difference_not_a_rate() -> None:
    out = only(
        "pre/post on the same stores, expected change 0.6 and sd of the differences 1.8. pairs for 80% power?"
    )
    ref = TTestPower().solve_power(effect_size=0.6 / 1.8, power=0.8, alpha=0.05)
    assert out["n_pairs"] == pytest.approx(ref, rel=1e-3)


def test_compromise_with_a_bare_effect() -> None:
    reading = read("compromise power analysis, effect 0.3, 90 per group, β/α = 1")
    assert reading.calculable and reading.steps[0].params["effect_size_d"] == pytest.approx(0.3)


def test_exposure_after_the_share_and_traffic_after_a_count() -> None:
    reading = read("how long for 600k users in total at 50k visitors per day with 30% exposure?")
    out = run_steps(reading)[-1].outputs
    assert out["days"] == pytest.approx(600_000 / (50_000 * 0.3), rel=1e-6)
    units = [q.unit for q in tag(normalise("we send 20k of our 60k daily visitors"))]
    assert "pair" not in units


# --- fixes found on calc_dev7 --------------------------------------------------------------------------------


def test_rates_written_as_one_in_n_and_basis_points() -> None:
    assert "4%" in normalise("1 in 25 users")
    assert "0.5 pp" in normalise("a 50 bps lift")
    out = only("about 1 in 25 users upgrade; we want 1 in 20. users per group?")
    assert out["n_per_variant"] == pytest.approx(prop_n(0.04, 0.05), rel=1e-3)
    out = only("open rate 20%, smallest change worth it is 150 basis points. n per arm?")
    assert out["n_per_variant"] == pytest.approx(prop_n(0.20, 0.215), rel=1e-3)


def test_a_decimal_beside_a_group_name_is_its_rate() -> None:
    out = only("users per arm: control 0.25, treatment 0.28, power 0.8")
    assert out["n_per_variant"] == pytest.approx(prop_n(0.25, 0.28), rel=1e-3)


def test_share_of_visitors_who_act_is_a_rate() -> None:
    out = only("8 percent of visitors subscribe today and we hope 9 percent will. sample per arm?")
    assert out["n_per_variant"] == pytest.approx(prop_n(0.08, 0.09), rel=1e-3)


def test_hyphenated_days_and_an_mde_asked_without_what() -> None:
    reading = read("relative mde for a 12-day test with 3k users a day and 6% conversion?")
    assert reading.tool == "proportions_mde" and reading.steps[0].params["n_per_group"] == pytest.approx(
        18000
    )


def test_colon_ratio_read_with_its_labels() -> None:
    reading = read("3:1 allocation (variant:control), 10% baseline, 11.5% target - control n?")
    assert reading.steps[0].params["ratio"] == pytest.approx(3.0)
    reading = read("3:1 allocation control:variant, 10% baseline, 11.5% target - control n?")
    assert reading.steps[0].params["ratio"] == pytest.approx(1 / 3)


def test_days_to_reach_a_total_with_three_quarters_exposed() -> None:
    reading = read(
        "days to reach 300k users in total at 20k visitors a day with three quarters of them in the test"
    )
    assert run_steps(reading)[-1].outputs["days"] == pytest.approx(300_000 / (20_000 * 0.75), rel=1e-6)


def test_the_only_sample_size_in_a_cuped_question_is_per_group() -> None:
    out = only("cuped at rho 0.6 - what's the new n per group if it was 45k before?")
    assert out["n_per_group_cuped"] == pytest.approx(45_000 * (1 - 0.36))


# --- fixes found on calc_dev8 --------------------------------------------------------------------------------


def test_compound_number_words() -> None:
    assert "power 120 percent" in normalise("power one hundred twenty percent")
    assert "250000 users" in normalise("two hundred fifty thousand users")
    outcome = run_calculation(read("sample size for 20% vs 22% with power one hundred ten percent?"))
    assert not outcome.results and outcome.needs == ["power"]


def test_an_expected_change_is_the_difference_to_detect() -> None:
    out = only("30 per group, we expect +6 with an sd of 12 - power?")
    ref = TTestIndPower().power(effect_size=0.5, nobs1=30, alpha=0.05)
    assert out["power"] == pytest.approx(ref, abs=1e-4)


def test_correlation_written_as_r_of() -> None:
    reading = read("how many users to find r of .3 with 80% power")
    assert reading.tool == "correlation_power"


def test_n_per_group_named_before_the_number() -> None:
    reading = read("sample per arm is 12,000, two arms, 4k users/day. days?")
    assert run_steps(reading)[-1].outputs["days"] == pytest.approx(6)


# --- fixes found on calc_dev9 --------------------------------------------------------------------------------


def test_a_target_rate_written_with_expected_after() -> None:
    out = only("open rate 0.22 today, 0.25 expected with the new subject lines; power 80%: n per group?")
    assert out["n_per_variant"] == pytest.approx(prop_n(0.22, 0.25), rel=1e-3)


def test_textbook_counts_written_trials_first() -> None:
    pairs = [q.values for q in tag(normalise("a coin is tossed 80 times and heads appears 51 times"))]
    assert pairs[0] == (51.0, 80.0)
    pairs = [q.values for q in tag(normalise("of 250 users shown the old page, 30 converted"))]
    assert pairs[0] == (30.0, 250.0)


def test_the_difference_written_as_treatment_minus_control() -> None:
    out = only("wald interval for variant minus control, 90 of 500 vs 70 of 500")
    assert out["p_b"] == pytest.approx(0.18) and out["p_a"] == pytest.approx(0.14)


def test_points_of_a_score_beside_an_sd_are_the_difference() -> None:
    out = only(
        "same students tested twice; we expect a 4 point gain, sd of the gains 10. how many pairs at 80% power?"
    )
    ref = TTestPower().solve_power(effect_size=0.4, power=0.8, alpha=0.05)
    assert out["n_pairs"] == pytest.approx(ref, rel=1e-3)


def test_an_n_variant_test_counts_the_control_and_included_means_exposed() -> None:
    reading = read(
        "20k per variant in a three-variant test; 9,000 visitors a day, half of whom are included in the test. days?"
    )
    out = run_steps(reading)[-1].outputs
    assert out["days"] == pytest.approx(3 * 20_000 / (9_000 * 0.5), rel=1e-6)


# --- fixes found on calc_dev10 -------------------------------------------------------------------------------


def test_a_relative_change_of_a_mean_is_mean_times_change() -> None:
    out = only(
        "average order value is about $80 with an sd of $50; we want to detect a 4% change. orders per group?"
    )
    ref = TTestIndPower().solve_power(effect_size=80 * 0.04 / 50, power=0.8, alpha=0.05)
    assert out["n_group1"] == pytest.approx(ref, rel=1e-3)


def test_asking_what_power_with_fixed_groups_computes_the_power() -> None:
    out = only(
        "we'll have 3,000 users per arm. would 80% power hold for 10% vs 12%? what power do we have really?"
    )
    ref = power_proportions_2indep(0.10 - 0.12, 0.12, 3000, return_results=True).power
    assert out["power"] == pytest.approx(ref, abs=1e-4)
