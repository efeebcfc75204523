"""Question understanding, one failure class at a time, on questions that are NOT in eval/calc_*.jsonl.

Expected numbers are recomputed here with statsmodels / scipy (never with tools/), or are the cited published values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import FTestAnovaPower, GofChisquarePower, TTestIndPower, TTestPower
from statsmodels.stats.proportion import confint_proportions_2indep, power_proportions_2indep

from planner.calculation import answer_text, run_calculation
from understanding import read, run_steps
from understanding.quantities import normalise


def outputs(question: str) -> list[dict[str, object]]:
    reading = read(question)
    assert reading.calculable, reading.to_dict()
    return [r.outputs for r in run_steps(reading)]


def prop_n(p1: float, p2: float, power: float = 0.8, alpha: float = 0.05, ratio: float = 1.0) -> float:
    """R power.prop.test's equation via statsmodels, solved for n (control group)."""
    from scipy.optimize import brentq

    def pw(n: float) -> float:
        return float(
            power_proportions_2indep(p1 - p2, p2, n, ratio=ratio, alpha=alpha, return_results=True).power
        )

    return float(brentq(lambda n: pw(n) - power, 2, 1e9))


# --- two rates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "our activation rate sits at 22% and the new tutorial should take it to 25%. users per cohort for 80% power?",
        "We see 9% today and would be happy with 10.5% - how many visitors in each group?",
        "what n per arm to distinguish 0.35 from 0.40 (p1 = 0.35, p2 = 0.40)?",
    ],
)
def test_an_effect_written_as_two_rates(question: str) -> None:
    reading = read(question)
    p1, p2 = reading.roles["baseline"].value, reading.roles["p2"].value
    (out,) = outputs(question)
    assert out["n_per_variant"] == pytest.approx(prop_n(p1, p2), rel=2e-3)
    assert reading.roles["baseline"].span is not None  # grounded in the question


@pytest.mark.parametrize(
    ("question", "p1", "p2"),
    [
        ("baseline 8% and we want to detect a 15% relative drop at 90% power. how many users?", 0.08, 0.068),
        ("sample size to catch a 0.5 percentage point drop from a 12% conversion rate", 0.12, 0.115),
        ("we want to detect a drop of 10% in our 30% retention, how many users", 0.30, 0.27),
        ("checkout conv is 3%, we'd worry about a 5% lower conversion. sample size?", 0.03, 0.0285),
        ("how many users to detect a decrease of 10% on a 20% churn rate?", 0.20, 0.18),
        (
            "activation sits at 25%. if the new paywall knocks it down 8% relative, users per arm to see it?",
            0.25,
            0.23,
        ),
        ("per arm n to notice reorder rate going down by 1.5 percentage points from 18%?", 0.18, 0.165),
        (
            "one-sided, we only care about harm: setup completion rate is 45% and 4 percent fewer finishing is bad. users per arm?",
            0.45,
            0.432,
        ),
    ],
)
def test_an_effect_written_as_a_fall_is_sized_for_the_lower_rate(question: str, p1: float, p2: float) -> None:
    (out,) = outputs(question)
    power = 0.9 if "90%" in question else 0.8
    alpha = 0.1 if "one-sided" in question else 0.05  # one tail at 0.05: the two-sided equation at 0.10
    # sized for the lower rate, not for the mirrored rise: the two differ, a rate's variance being p(1 − p)
    assert out["n_per_variant"] == pytest.approx(prop_n(p1, p2, power=power, alpha=alpha), rel=2e-3)
    assert out["n_per_variant"] != pytest.approx(prop_n(p1, 2 * p1 - p2, power=power, alpha=alpha), rel=2e-3)


@pytest.mark.parametrize(
    ("question", "p2"),
    [
        ("signup rate is 6%. the new hero image should bump it ~20%. users per group?", 0.072),
        (
            "share rate is 5% today; we hope the new button grows that by a quarter (relative). how many per arm?",
            0.0625,
        ),
    ],
)
def test_an_effect_written_as_a_verb_and_its_object_is_the_change_to_detect(question: str, p2: float) -> None:
    reading = read(question)
    (out,) = outputs(question)
    assert out["n_per_variant"] == pytest.approx(prop_n(reading.roles["baseline"].value, p2), rel=2e-3)


# --- money and units --------------------------------------------------------------------------------------------


def test_money_with_sd_in_dollars() -> None:
    q = "ARPPU standard deviation is about $12; we'd call a $0.90 lift a win. How many payers per arm?"
    (out,) = outputs(q)
    expected = TTestIndPower().solve_power(effect_size=0.9 / 12, power=0.8, alpha=0.05)
    assert out["n_group1"] == pytest.approx(expected, rel=1e-3)


def test_time_units() -> None:
    q = "checkout takes 40 seconds on average, σ = 25 s; to notice a 3 second speed-up, how many sessions per group?"
    (out,) = outputs(q)
    expected = TTestIndPower().solve_power(effect_size=3 / 25, power=0.8, alpha=0.05)
    assert out["n_group1"] == pytest.approx(expected, rel=1e-3)


# --- solving for another unknown ---------------------------------------------------------------------------------


def test_power_with_unequal_groups() -> None:
    q = "900 users got the control and 600 the new page; conversion 25% vs 31%. What power did we have?"
    (out,) = outputs(q)
    expected = power_proportions_2indep(0.25 - 0.31, 0.31, 900, ratio=600 / 900, return_results=True).power
    assert out["power"] == pytest.approx(float(expected), abs=2e-3)


def test_the_chance_to_detect_is_the_power() -> None:
    q = "signup rate is 4% and we get 15k users per arm. what are the chances we catch a 10% relative drop?"
    (out,) = outputs(q)
    expected = power_proportions_2indep(0.036 - 0.04, 0.04, 15000, return_results=True).power
    assert out["power"] == pytest.approx(float(expected), abs=2e-3)


def test_a_metric_said_to_be_at_a_level_is_the_baseline() -> None:
    q = "one-sided (only harm matters): setup completion is 45% and we want to detect a 5% relative drop. users per arm?"
    assert read(q).roles["baseline"].value == pytest.approx(0.45)
    (out,) = outputs(q)
    # one tail at 0.05: the two-sided equation at 0.10
    assert out["n_per_variant"] == pytest.approx(prop_n(0.45, 0.4275, alpha=0.1), rel=2e-3)


def test_smallest_second_rate() -> None:
    q = "we'll get 700 users in each arm and convert at 15%; what's the lowest treatment rate we can detect?"
    (out,) = outputs(q)
    assert prop_n(0.15, float(out["p2"])) == pytest.approx(700, rel=2e-3)  # the p2 that 700 per group detects


def test_smallest_standardised_effect() -> None:
    (out,) = outputs("smallest Cohen's d we can detect with 120 per arm at 90% power?")
    expected = TTestIndPower().solve_power(nobs1=120, power=0.9, alpha=0.05)
    assert out["mde_cohens_d"] == pytest.approx(expected, abs=1e-3)


def test_relative_mde_in_fixed_days() -> None:
    reading = read(
        "we have 12 days at 3,000 visitors per day and a 4% conversion rate. smallest relative lift?"
    )
    assert reading.roles["n_per_group"].source == "derived"  # 12 × 3,000 / 2, stated as an assumption
    assert any("12 days × 3,000 a day / 2 groups" in a for a in reading.assumptions)
    (out,) = [r.outputs for r in run_steps(reading)]
    p2 = 0.04 * (1 + float(out["mde_relative"]))
    assert prop_n(0.04, p2) == pytest.approx(18000, rel=2e-3)


# --- designs ---------------------------------------------------------------------------------------------------


def test_one_sample_binomial() -> None:
    (out,) = outputs("is a coin biased if we see 33 tails out of 50 tosses?")
    assert out["p_value"] == pytest.approx(stats.binomtest(33, 50, 0.5).pvalue, rel=1e-9)


def test_paired() -> None:
    (out,) = outputs(
        "same 30 drivers measured before and after the change: mean difference 1.2, sd of differences 3. power?"
    )
    assert out["power"] == pytest.approx(TTestPower().power(effect_size=0.4, nobs=30, alpha=0.05), abs=1e-3)


def test_allocation_ratio_from_a_split() -> None:
    (out,) = outputs("75/25 split between control and variant; 12% vs 14% conversion; control sample size?")
    assert out["n_control"] == pytest.approx(prop_n(0.12, 0.14, ratio=25 / 75), rel=2e-3)


def test_anova_and_chi_square() -> None:
    (anova,) = outputs("four-group one-way ANOVA, f = 0.2, how many per group for 85% power?")
    expected = FTestAnovaPower().solve_power(effect_size=0.2, k_groups=4, power=0.85, alpha=0.05) / 4
    assert anova["n_per_group"] == pytest.approx(expected, rel=1e-3)
    (chi,) = outputs("chi-square test, 3 df, Cohen's w 0.25 - total sample for 80% power?")
    assert chi["n_total"] == pytest.approx(
        GofChisquarePower().solve_power(effect_size=0.25, n_bins=4, power=0.8, alpha=0.05), rel=1e-3
    )


def test_compromise_power() -> None:
    (out,) = outputs("compromise power analysis for d = 0.4 with 80 per group and beta/alpha = 2")
    assert out["beta"] == pytest.approx(2 * float(out["alpha"]), rel=1e-6)


# --- named methods ----------------------------------------------------------------------------------------------


def test_kohavi_rule_on_a_rate_states_sigma_squared() -> None:
    reading = read(
        "Kohavi's rule of thumb for a 2% conversion rate and a 5% relative change: users per variant?"
    )
    (out,) = [r.outputs for r in run_steps(reading)]
    assert out["n_group1"] == pytest.approx(16 * 0.02 * 0.98 / 0.001**2, rel=1e-9)
    assert any("σ² = p(1 − p)" in a for a in reading.assumptions)


@pytest.mark.parametrize(
    ("name", "sm"), [("Wald", "wald"), ("Agresti-Caffo", "agresti-caffo"), ("Newcombe", "newcomb")]
)
def test_named_difference_intervals(name: str, sm: str) -> None:
    (out,) = outputs(f"{name} interval for the difference: control 70 of 900, variant 95 of 880")
    lo, hi = confint_proportions_2indep(95, 880, 70, 900, method=sm, compare="diff")
    assert out["lower"] == pytest.approx(lo, abs=1e-6) and out["upper"] == pytest.approx(hi, abs=1e-6)


# --- durations and chains ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "days", "traffic", "baseline"),
    [
        (
            "our checkout conversion is 0.5%. what does that mean for detecting a 2% relative lift within a month "
            "at ~20k visitors/day?",
            30,
            20000,
            0.005,
        ),
        (
            "baseline 3%, want a 5% relative lift, we get 10k users a day and only have two weeks. doable?",
            14,
            10000,
            0.03,
        ),
        (
            "4% conversion, 10% relative lift, 5000 visitors per day, we can run for at most 3 weeks. how long?",
            21,
            5000,
            0.04,
        ),
        # "can we detect …": an effect given with the days is asked whether it fits, not what the days detect
        (
            "can we detect a 3% relative lift on a 12% signup rate in 10 days with 30k daily users?",
            10,
            30000,
            0.12,
        ),
        (
            "conversion is 1.2%, we want a 15% lift, 3k users per day, the PM gives us 1 month max. feasible?",
            30,
            3000,
            0.012,
        ),
    ],
)
def test_the_days_a_test_can_run_give_the_effect_they_can_detect(
    question: str, days: int, traffic: int, baseline: float
) -> None:
    reading = read(question)
    assert [s.tool for s in reading.steps] == ["proportions_sample_size", "test_duration", "proportions_mde"]
    assert reading.steps[-1].within_days == days
    size, duration, within = run_steps(reading)
    assert within.inputs["n_per_group"] == days * traffic / 2
    # the effect those users detect at 80% power is the one whose sample size is exactly that many users
    assert prop_n(baseline, float(within.outputs["p2"])) == pytest.approx(days * traffic / 2, rel=2e-3)
    assert duration.outputs["days"] == pytest.approx(
        size.outputs_rounded["n_control"] / (traffic / 2), rel=1e-6
    )


def test_a_month_of_traffic_is_still_a_rate() -> None:
    reading = read(
        "baseline 2%, 10% relative lift, we get 600k visitors a month. how long will the test take?"
    )
    assert reading.roles["daily_traffic"].value == pytest.approx(600000 / 30, rel=0.02)
    assert "days" not in reading.roles
    assert [s.tool for s in reading.steps] == ["proportions_sample_size", "test_duration"]


def test_duration_from_a_known_total_with_exposure() -> None:
    (out,) = outputs(
        "we need 90k users overall, traffic is 15k a day and only 30% of it can be exposed. how long?"
    )
    assert out["days_rounded_up"] == math.ceil(90000 / (15000 * 0.3))


def test_a_sample_size_question_that_gives_its_daily_traffic_also_gets_the_duration() -> None:
    reading = read(
        "our checkout conversion is 0.5%. how does such a low baseline blow up the sample size, and what does that "
        "mean for detecting a 2% relative lift at ~20k visitors/day?"
    )
    assert [s.tool for s in reading.steps] == ["proportions_sample_size", "test_duration"]
    size, duration = run_steps(reading)
    n = size.outputs_rounded["n_control"]
    assert n == pytest.approx(prop_n(0.005, 0.0051), rel=1e-4)
    assert duration.outputs["days_rounded_up"] == math.ceil(2 * n / 20000)
    # without a daily traffic the question is a sample size alone
    plain = read("our checkout conversion is 0.5%. what sample size for a 2% relative lift?")
    assert [s.tool for s in plain.steps] == ["proportions_sample_size"]


def test_sample_size_then_days_is_two_traced_steps() -> None:
    reading = read("10% baseline, detect a 12% relative lift, 4,000 visitors a day - how many days?")
    assert [s.tool for s in reading.steps] == ["proportions_sample_size", "test_duration"]
    size, duration = run_steps(reading)
    n = math.ceil(prop_n(0.10, 0.112))
    assert size.outputs_rounded["n_control"] == n  # the duration step used the first step's rounded n
    assert duration.outputs["days_rounded_up"] == math.ceil(2 * n / 4000)


def test_cuped_reduction_to_new_n_and_days() -> None:
    (out,) = outputs(
        "CUPED takes 45% of the variance away; we needed 60k per arm with 9,000 users a day. new n and days?"
    )
    assert out["n_per_group_cuped"] == pytest.approx(60000 * 0.55)
    assert math.ceil(float(out["days_with_cuped"])) == math.ceil(2 * 60000 * 0.55 / 9000)


# --- several outputs ----------------------------------------------------------------------------------------------


def test_bh_and_bonferroni_both_listed() -> None:
    ps = [0.006, 0.02, 0.031, 0.3]
    reading = read("Benjamini-Hochberg for 0.006, 0.02, 0.031 and 0.3, and Bonferroni next to it")
    results = run_steps(reading)
    assert len(results) == 2
    bh, bonf = (list(multipletests(ps, method=m)[1]) for m in ("fdr_bh", "bonferroni"))
    assert "Hochberg" in results[0].method and results[0].outputs["adjusted_p_values"] == pytest.approx(bh)
    assert "Bonferroni" in results[1].method and results[1].outputs["adjusted_p_values"] == pytest.approx(
        bonf
    )
    text = answer_text(run_calculation(reading))
    for v in [*bh, *bonf]:
        assert f"{v:.4g}" in text


def test_srm_reports_ratio_and_chi_square() -> None:
    reading = read("sample ratio check: 20,400 vs 19,700 users, meant to be 50/50")
    text = answer_text(run_calculation(reading))
    chi2 = stats.chisquare([20400, 19700]).statistic
    assert f"χ² = {chi2:.2f}" in text and "ratio 1.0355" in text


@pytest.mark.parametrize(
    "question",
    [
        "did our 50/50 split come out 50/50? we got 50.6 vs 49.4 with a couple million users",
        "our 50/50 test shows 50.6% vs 49.4% of 2 million users, is that an SRM?",
    ],
)
def test_an_observed_split_in_shares_of_a_total_is_checked_for_srm(question: str) -> None:
    reading = read(question)
    assert reading.tool == "srm_check"
    text = answer_text(run_calculation(reading))
    # 50.6% and 49.4% of 2,000,000 are 1,012,000 and 988,000 users
    chi2 = stats.chisquare([1_012_000, 988_000]).statistic
    assert f"χ² = {chi2:.2f}" in text and "chi-square goodness-of-fit test" in text
    assert "50.6% is 1,012,000, 49.4% is 988,000" in text
    assert "equal split (not stated" not in text  # the question said 50/50


@pytest.mark.parametrize(
    ("question", "counts", "planned"),
    [
        # the observed split written as a split beside the planned one: the words say which came out
        (
            "the split came out 52/48 on a 50/50 config with 2 million users, can we trust it?",
            [1_040_000, 960_000],
            [0.5, 0.5],
        ),
        ("we planned 60/40 but it came out 61/39 with 300k users, srm?", [183_000, 117_000], [0.6, 0.4]),
        # a lone uneven split that no design would use is what came out; the plan is assumed even
        ("51/49 split with 500k users total, is that an SRM?", [255_000, 245_000], None),
        # one arm's share of the total: the other arm has the rest, and the named arm comes first
        (
            "control got 50.8% of traffic on a 50/50 test with half a million users, srm?",
            [254_000, 246_000],
            [0.5, 0.5],
        ),
        (
            "variant should get 10% (90/10), it got 9.7% of 450k users total. srm?",
            [43_650, 406_350],
            [0.1, 0.9],
        ),
        (
            "treatment is supposed to be 60% and came in at 60.5%, 800,000 users total. srm?",
            [484_000, 316_000],
            [0.6, 0.4],
        ),
        # shares named by their arms are the plan, not 60 and 40 users beside 800k
        (
            "around 800k users, planned 60 treatment / 40 control, observed treatment share 60.5%, is that an SRM",
            [484_000, 316_000],
            [0.6, 0.4],
        ),
        (
            "about two million users, control got 50.6% and treatment 49.4% on an equal split. mismatch?",
            [1_012_000, 988_000],
            None,
        ),
    ],
)
def test_shares_of_a_total_give_each_arms_count(
    question: str, counts: list[int], planned: list[float] | None
) -> None:
    reading = read(question)
    assert reading.tool == "srm_check" and not reading.missing
    params = reading.steps[0].params
    assert params["counts"] == counts
    assert params.get("split") == planned
    outcome = run_calculation(reading)
    expected = [p * sum(counts) for p in planned] if planned else None
    chi2 = stats.chisquare(counts, f_exp=expected).statistic
    assert outcome.result is not None and outcome.result["outputs"]["chi2"] == pytest.approx(chi2)


@pytest.mark.parametrize(
    "question",
    [
        "srm check on our 50/50 test with 500k users",  # the split is the plan: nothing observed
        "srm check on our 33/33/34 test with 600k users",  # thirds as designs write them: the plan
        "our 50/50 landed at 51/49, is that srm?",  # shares but no total
        "our control arm has 50.7% of users in a 50/50 experiment, mismatch?",
        # 2M users beside 12 alerts are no two arms' sizes
        "our 50/50 test has 2M users and 12 alerts fired this week, srm?",
    ],
)
def test_an_srm_check_without_arm_sizes_asks_for_the_counts(question: str) -> None:
    outcome = run_calculation(read(question))
    assert outcome.needs == ["counts"] and outcome.result is None


def test_a_number_in_words_above_a_million_stays_a_plain_number() -> None:
    assert "2000000 users" in normalise("two million users")
    assert "0.5M users" in normalise("half a million users")


# --- asking for exactly what is missing, and refusing bad values ------------------------------------------------


@pytest.mark.parametrize(
    ("question", "needs"),
    [
        ("how many visitors per variant for an 8% relative improvement?", ["baseline"]),
        ("our conversion is 7% - how many users per group?", ["mde"]),
        ("how long will the test run for 3% -> 3.3%?", ["daily_traffic"]),
        ("users per group to see a $3 change in basket value?", ["sd"]),
        ("what power do we have to detect 20% vs 22%?", ["n_per_group"]),
    ],
)
def test_missing_inputs_are_asked_for_exactly(question: str, needs: list[str]) -> None:
    outcome = run_calculation(read(question))
    assert outcome.needs == needs and outcome.result is None


@pytest.mark.parametrize(
    ("question", "field", "words"),
    [
        ("sample size for a 135% baseline and a 5% lift", "baseline", "between 0% and 100%"),
        ("users per group for 10% vs 11% at a power of 1.3?", "power", "between 0 and 1"),
        ("baseline 4%, 10% lift, alpha 2.0: n?", "alpha", "between 0 and 1"),
    ],
)
def test_bad_values_get_a_clear_request_for_a_valid_one(question: str, field: str, words: str) -> None:
    outcome = run_calculation(read(question))
    assert outcome.result is None and outcome.needs == [field]
    assert words in answer_text(outcome)


def test_nothing_is_invented() -> None:
    reading = read("How many users per group do I need?")
    assert set(reading.roles) == set() and {m.name for m in reading.missing} == {"baseline", "mde"}


# --- follow-ups ----------------------------------------------------------------------------------------------------


def test_follow_ups_reuse_and_change_inputs() -> None:
    first = read("baseline 8%, 10% relative MDE, sample size per group?")
    second = read("and at 90% power?", first.memory())
    assert second.roles["baseline"].source == "earlier_turn" and second.roles["power"].source == "question"
    third = read("what if the baseline is 6%?", second.memory())
    assert third.roles["baseline"].value == pytest.approx(0.06) and third.roles[
        "power"
    ].value == pytest.approx(0.9)
    (out,) = [r.outputs for r in run_steps(third)]
    assert out["n_per_variant"] == pytest.approx(prop_n(0.06, 0.066, power=0.9), rel=2e-3)
    fourth = read("how many days is that at 5k users a day?", third.memory())
    assert [s.tool for s in fourth.steps] == ["proportions_sample_size", "test_duration"]


def test_a_follow_up_can_supply_what_was_missing() -> None:
    first = read("how many users per variant to detect a 10% lift?")
    assert [m.name for m in first.missing] == ["baseline"]
    second = read("the baseline is 12%", first.memory())
    assert second.calculable and second.roles["mde"].source == "earlier_turn"


@pytest.mark.parametrize(
    ("question", "per_day"),
    [
        (
            "we have 1.2M monthly active users, 5% conversion, want a 3% relative lift. how long will it take?",
            40000,
        ),
        ("70k weekly visitors, baseline 4%, 10% relative lift. how long?", 10000),
        # only the share that sees the change enters the test
        ("40k of our 80k daily visitors see the page, 3% baseline, 5% relative lift, how long", 40000),
    ],
)
def test_traffic_written_per_week_month_or_as_a_share_is_read_per_day(question: str, per_day: int) -> None:
    reading = read(question)
    assert reading.roles["daily_traffic"].value == pytest.approx(per_day)
    size, duration = run_steps(reading)
    assert duration.outputs["days"] == pytest.approx(
        size.outputs_rounded["n_control"] / (per_day / 2), rel=1e-6
    )


def test_the_power_a_finished_test_had_comes_from_the_days_it_ran() -> None:
    reading = read(
        "we ran 2 weeks at 5k users/day, control converted 4.1%, treatment 4.5%. was that enough power?"
    )
    (out,) = run_steps(reading)
    assert out.inputs["n_per_group"] == 35000
    expected = power_proportions_2indep(0.045 - 0.041, 0.041, 35000, ratio=1, alpha=0.05).power
    assert out.outputs["power"] == pytest.approx(expected, abs=5e-3)
    means = read("revenue sd 40, we hoped to detect a $2 change, ran 10 days at 3k users/day. power?")
    (m,) = run_steps(means)
    assert m.outputs["power"] == pytest.approx(
        TTestIndPower().power(effect_size=2 / 40, nobs1=15000, alpha=0.05), rel=1e-4
    )


def test_a_week_after_a_count_is_a_rate_and_after_for_a_duration() -> None:
    rate = read("baseline 5%, looking for +10% relative, ~25k visitors a week. how long?")
    assert rate.roles["daily_traffic"].value == pytest.approx(25000 / 7)
    assert "days" not in rate.roles
    duration = read("baseline 5%, +10% relative, 3k users a day, we can run it for a week. how long?")
    assert duration.roles["daily_traffic"].value == 3000 and duration.steps[-1].within_days == 7


def test_a_rate_named_by_order_and_seen_above_the_baseline_is_the_target() -> None:
    reading = read("conv 4%, we want to see 4.4%, 10 days and 8,000 visitors/day. can we make it?")
    assert reading.roles["baseline"].value == pytest.approx(0.04)
    assert reading.roles["p2"].value == pytest.approx(0.044) and "mde" not in reading.roles
    size = run_steps(reading)[0]
    assert size.outputs_rounded["n_control"] == pytest.approx(prop_n(0.04, 0.044), rel=1e-4)


def test_whats_without_an_apostrophe_still_asks() -> None:
    reading = read("we have ~500k users a month, baseline ctr 1.8%, whats our mde for a 4 week test")
    assert [s.tool for s in reading.steps] == ["proportions_mde"]
    (out,) = run_steps(reading)
    assert out.inputs["n_per_group"] == pytest.approx(28 * 500000 / 30 / 2)
    assert prop_n(0.018, float(out.outputs["p2"])) == pytest.approx(28 * 500000 / 30 / 2, rel=2e-3)


@pytest.mark.parametrize(
    ("question", "per_day", "share", "baseline"),
    [
        # the share that reaches the tested page is the exposed share, not a second rate
        (
            "can we detect a 2 percentage point lift on a 40% signup rate in 14 days with 10,000 daily users of "
            "which 50% reach signup?",
            10000,
            0.5,
            0.40,
        ),
        (
            "our funnel: 100k visits/day, 20% reach the product page, 5% of those buy. want +3% relative. how long?",
            100000,
            0.2,
            0.05,
        ),
        (
            "we have about 25k DAU but only 30% of them open the cart. cart conversion is 35%, +1 pp. how many days?",
            25000,
            0.3,
            0.35,
        ),
        ("~900k MAU, 20% reach the paywall, paywall conv 4%, want 4.4%. days?", 30000, 0.2, 0.04),
    ],
)
def test_the_share_of_traffic_that_reaches_the_page_is_the_exposed_share(
    question: str, per_day: int, share: float, baseline: float
) -> None:
    reading = read(question)
    assert reading.roles["daily_traffic"].value == pytest.approx(per_day)
    assert reading.roles["exposed_share"].value == pytest.approx(share)
    assert reading.roles["baseline"].value == pytest.approx(baseline)
    size, duration, *_ = run_steps(reading)
    assert duration.outputs["days"] == pytest.approx(
        size.outputs_rounded["n_control"] / (per_day * share / 2), rel=1e-6
    )


def test_an_open_rate_is_a_rate_not_a_share_that_opens_a_page() -> None:
    reading = read("18% open rate today, hoping for 20%: emails needed per variant?")
    assert "exposed_share" not in reading.roles
    (size,) = run_steps(reading)
    assert size.outputs_rounded["n_control"] == pytest.approx(prop_n(0.18, 0.20), rel=1e-4)


def test_a_rate_the_arrow_leads_to_is_the_target_whatever_follows() -> None:
    reading = read("what was our power with 6000 users per group for a 4% -> 4.6% change?")
    (out,) = run_steps(reading)
    assert reading.roles["p2"].value == pytest.approx(0.046) and "mde" not in reading.roles
    assert out.outputs["power"] == pytest.approx(prop_power_of(0.04, 0.046, 6000), abs=5e-3)


def test_asking_what_the_variant_must_hit_is_the_mde_and_powered_enough_is_power() -> None:
    hit = read(
        "we can only get 2,500 per group. baseline is 30%. what rate would the variant need to hit to detect it?"
    )
    assert [s.tool for s in hit.steps] == ["proportions_mde"]
    (p2,) = run_steps(hit)
    assert prop_n(0.30, float(p2.outputs["p2"])) == pytest.approx(2500, rel=2e-3)
    powered = read(
        "was the test powered enough? 5k visitors per day over 14 days, conversion 8 percent, hoping for 9 percent"
    )
    (power,) = run_steps(powered)
    assert power.inputs["n_per_group"] == 35000
    assert power.outputs["power"] == pytest.approx(prop_power_of(0.08, 0.09, 35000), abs=5e-3)
    # advice about an underpowered test is not a request for its power
    assert "power" not in (read("my test with 5000 users per group is underpowered, what now?").unknown or "")


def test_wks_is_weeks() -> None:
    reading = read(
        "4 wks available, 5k visitors a day, baseline 2 percent, target 2.3 percent - can we do it?"
    )
    assert reading.steps[-1].within_days == 28


def prop_power_of(p1: float, p2: float, n: float) -> float:
    """R power.prop.test's power, via statsmodels (as ``prop_n``)."""
    return float(power_proportions_2indep(p1 - p2, p2, n, ratio=1, alpha=0.05, return_results=True).power)


def test_active_users_as_traffic_say_what_they_overstate() -> None:
    daily = read("25k DAU, 35% conversion, we care about a 1 pp change. how many days?")
    assert any("returning users count once" in a for a in daily.assumptions)
    monthly = read("we have 1.2M monthly active users, 5% conversion, want a 3% relative lift. how long?")
    assert any("past that period" in a for a in monthly.assumptions)
    plain = read("25k visitors a day, 35% conversion, we care about a 1 pp change. how many days?")
    assert not any("returning users" in a for a in plain.assumptions)


# --- levels, labels and fractions said the way people write them --------------------------------------------------


@pytest.mark.parametrize(
    ("question", "alpha"),
    [
        ("sample size per arm for a 4% baseline and a 10% relative lift at alpha 0.05 and 90% power?", 0.05),
        ("4% baseline, 10% relative lift, significance .01 and 90% power: n per group?", 0.01),
    ],
)
def test_a_significance_level_before_a_power_in_percent_is_not_a_percentage(
    question: str, alpha: float
) -> None:
    reading = read(question)
    assert reading.roles["alpha"].value == pytest.approx(alpha)
    size = run_steps(reading)[0]
    assert float(size.outputs["n_control"]) == pytest.approx(
        prop_n(0.04, 0.04 * 1.1, power=0.9, alpha=alpha), rel=1e-4
    )


def test_a_level_and_a_colon_before_a_rate_is_a_label_not_an_allocation_ratio() -> None:
    reading = read("80% power, two sided 0.05: 15% signup baseline, detect +2pp. n per arm?")
    assert "ratio" not in reading.roles and reading.roles["baseline"].value == pytest.approx(0.15)
    size = run_steps(reading)[0]
    assert float(size.outputs["n_control"]) == pytest.approx(prop_n(0.15, 0.17), rel=1e-4)


def test_a_rate_lower_than_the_current_one_is_read_from_the_current_one() -> None:
    reading = read(
        "the redesign could make checkout completion 3 points lower than the current 40%. users per arm?"
    )
    assert reading.roles["baseline"].value == pytest.approx(0.40)
    size = run_steps(reading)[0]
    assert float(size.outputs["n_control"]) == pytest.approx(prop_n(0.40, 0.37), rel=1e-4)


def test_a_share_of_our_rate_is_a_relative_change_of_that_rate() -> None:
    reading = read(
        "if the change costs us 8 percent of our 35% weekly retention, how many users per group at 80% power?"
    )
    assert reading.roles["baseline"].value == pytest.approx(0.35)
    size = run_steps(reading)[0]
    assert float(size.outputs["n_control"]) == pytest.approx(prop_n(0.35, 0.35 * 0.92), rel=1e-4)


def test_the_share_of_users_doing_something_now_is_the_baseline() -> None:
    reading = read(
        "4% of visitors currently add something to the cart; if the banner lifts that 10%, n per group?"
    )
    assert reading.roles["baseline"].value == pytest.approx(0.04) and "exposed_share" not in reading.roles
    size = run_steps(reading)[0]
    assert float(size.outputs["n_control"]) == pytest.approx(prop_n(0.04, 0.044), rel=1e-4)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("cut churn by a fifth", "cut churn by 20%"),
        ("a third of our traffic", "33.3333% of our traffic"),
        ("we added a third variant", "we added a third variant"),
        ("a half point lift", "0.5 point lift"),
        ("six and a half percent", "6.5 percent"),
        ("a tenth of a percentage point", "0.1 percentage point"),
        ("one and a half million users", "1.5M users"),
    ],
)
def test_fractions_in_words_become_numbers(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


def test_a_fraction_said_in_words_is_the_relative_effect() -> None:
    reading = read(
        "monthly churn is 20%. how many users per group to detect the new flow cutting it by a fifth at 80% power?"
    )
    size = run_steps(reading)[0]
    assert float(size.outputs["n_control"]) == pytest.approx(prop_n(0.20, 0.16), rel=1e-4)
    power = read(
        "if a 0.5% upgrade rate improves by 8% (relative), what power with one and a half million users per arm?"
    )
    expected = power_proportions_2indep(0.005 * 0.08, 0.005, 1.5e6, alpha=0.05, return_results=True).power
    assert run_steps(power)[0].outputs["power"] == pytest.approx(float(expected), abs=2e-3)


def test_dollars_and_cents_in_words_and_a_mean_said_with_a_tilde() -> None:
    (out,) = outputs(
        "orders per user should go up by a dollar twenty. sd is ~$25, avg ~$40. users per group?"
    )
    expected = TTestIndPower().solve_power(effect_size=1.2 / 25, power=0.8, alpha=0.05)
    assert out["n_group1"] == pytest.approx(expected, rel=1e-3)


def test_a_comparative_after_a_percentage_is_a_relative_change_of_the_mean() -> None:
    reading = read(
        "we'd ship if load time got 4% shorter. it averages 2.5 seconds, sd 1.8 s. sessions per arm?"
    )
    assert reading.roles["mde"].value == pytest.approx(0.04) and "p2" not in reading.roles
    (out,) = [r.outputs for r in run_steps(reading)]
    expected = TTestIndPower().solve_power(effect_size=0.04 * 2.5 / 1.8, power=0.8, alpha=0.05)
    assert out["n_group1"] == pytest.approx(expected, rel=1e-3)


def test_a_tailed_test_at_a_level_and_a_hoped_for_rate() -> None:
    reading = read("refund rate 0.082 vs a hoped-for 0.07, 1-tailed test at 10%: users per arm?")
    assert reading.roles["alpha"].value == pytest.approx(0.10) and reading.roles["p2"].value == pytest.approx(
        0.07
    )


def test_a_rate_said_with_now_after_its_metric_is_the_baseline() -> None:
    reading = read("push test. 12% taps now, we care about +1 pt at 80% power. users per group?")
    assert reading.roles["baseline"].value == pytest.approx(0.12)


@pytest.mark.parametrize(
    ("question", "arms"),
    [
        ("how long must a four-way test run to see signups go from 20% to 22% with 5,000 visitors a day?", 4),
        ("three new checkouts vs control, baseline 20%, target 22%, 5,000 visitors a day. days?", 4),
    ],
)
def test_arms_said_as_ways_or_new_versions_against_control(question: str, arms: int) -> None:
    size, days = run_steps(read(question))
    per_group = prop_n(0.20, 0.22)
    assert float(size.outputs["n_control"]) == pytest.approx(per_group, rel=1e-4)
    assert days.outputs_rounded["days"] == math.ceil(arms * math.ceil(per_group) / 5000)


def test_a_share_of_the_daily_traffic_is_the_exposed_share() -> None:
    reading = read(
        "baseline 10%, mde 10% relative, the page gets 25% of 40k/day. how many days at 80% power?"
    )
    assert reading.roles["exposed_share"].value == pytest.approx(0.25)
    converting = read("5% of our 20k daily visitors convert; how many days to detect a 10% relative lift?")
    assert (
        converting.roles["baseline"].value == pytest.approx(0.05) and "exposed_share" not in converting.roles
    )


def test_what_d_can_we_detect_is_the_standardised_mde() -> None:
    (out,) = outputs("t test with 80 per group, alpha 0.05, 80% power - what d can we detect?")
    expected = TTestIndPower().solve_power(nobs1=80, power=0.8, alpha=0.05)
    assert out["mde_cohens_d"] == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(
    "question",
    [
        "treatment gets twice as much traffic as control. baseline 8%, target 9%. how many control users?",
        "we want 2 users in the new flow for every 1 in control; 8% -> 9%, control n?",
        "allocating 33.3333 percent to control and 66.6667 percent to treatment, 8% baseline vs 9% target. control n?",
        "80/20 treatment/control split, 8% to 9%: control n?",
    ],
)
def test_an_unequal_allocation_said_in_words_or_shares(question: str) -> None:
    reading = read(question)
    assert reading.roles["baseline"].value == pytest.approx(0.08)
    size = run_steps(reading)[0]
    ratio = 4.0 if "80/20" in question else 2.0
    assert float(size.outputs["n_control"]) == pytest.approx(prop_n(0.08, 0.09, ratio=ratio), rel=1e-3)


def test_a_holdout_is_the_control_and_its_share_no_rate() -> None:
    for question in (
        "rolling out to 80% and keeping a 20% holdout as control. conversion 12% and we hope for 13%. holdout size?",
        "20% holdout (control), 80% treated. 12% vs 13%: holdout n?",
    ):
        reading = read(question)
        assert reading.roles["baseline"].value == pytest.approx(0.12), question
        size = run_steps(reading)[0]
        assert float(size.outputs["n_control"]) == pytest.approx(prop_n(0.12, 0.13, ratio=4.0), rel=1e-3)


def test_the_split_restated_per_arm_is_no_rate_but_a_rate_per_arm_is() -> None:
    restated = read(
        "it's 60/40: 60% keep the old page (control) and 40% get the new one. signups 5%, want 6%. control n?"
    )
    assert restated.roles["baseline"].value == pytest.approx(0.05)
    per_arm = read("12% in control vs 14% in treatment, 80% power: n per group?")
    assert per_arm.roles["baseline"].value == pytest.approx(0.12) and per_arm.roles[
        "p2"
    ].value == pytest.approx(0.14)


# --- results that came in, said as rates with users or as summary statistics -----------------------------------


def _z_p(x_a: int, n_a: int, x_b: int, n_b: int) -> float:
    from statsmodels.stats.proportion import proportions_ztest

    return float(proportions_ztest([x_b, x_a], [n_b, n_a])[1])


@pytest.mark.parametrize(
    ("question", "arms"),
    [
        (
            "checkout conversion was 4.4% in control and 5.1% in the variant, 6k users in each arm. significant?",
            (6000, 6000),
        ),
        ("5.1% (B) vs 4.4% (A) on 6,000 per group: p value?", (6000, 6000)),
        (
            "we split 12,000 users 50/50; control converted 4.4% and the new page 5.1%. is the difference significant?",
            (6000, 6000),
        ),
    ],
)
def test_rates_with_the_users_of_each_arm_are_tested_as_counts(question: str, arms: tuple[int, int]) -> None:
    reading = read(question)
    (result,) = run_steps(reading)
    assert reading.steps[0].tool == "two_proportion_z_test"
    x_a, x_b = round(0.044 * arms[0]), round(0.051 * arms[1])
    assert result.outputs["p_value"] == pytest.approx(_z_p(x_a, arms[0], x_b, arms[1]), rel=1e-3)
    assert result.outputs["difference"] == pytest.approx(0.051 - 0.044, abs=1e-9)


def test_rates_with_users_ask_for_an_interval_and_a_planned_test_is_still_sized() -> None:
    (ci,) = run_steps(read("9% vs 10% with 20,000 per arm, 95% ci of the difference?"))
    expected = confint_proportions_2indep(2000, 20000, 1800, 20000, compare="diff", method="wald")
    assert (ci.outputs["lower"], ci.outputs["upper"]) == pytest.approx(
        tuple(float(x) for x in expected), abs=2e-3
    )
    planned = read("with 20,000 users per arm, can we detect 9% vs 10% at 80% power?")
    assert planned.steps[0].tool != "two_proportion_z_test"


def test_summary_statistics_said_after_the_number_or_with_one_size_for_both_arms() -> None:
    for question in (
        "basket size: control 2.80 avg, sd 1.9, 2,000 orders; variant 2.95 avg, sd 2.0, 2,000 orders. t stat and p?",
        "load time old 3.1 s (sd 1.2) vs new 2.9 s (sd 1.1), 900 sessions each. significant?",
    ):
        reading = read(question)
        assert reading.steps[0].tool == "welch_t_test", question
    (out,) = outputs("load time old 3.1 s (sd 1.2) vs new 2.9 s (sd 1.1), 900 sessions each. significant?")
    expected = stats.ttest_ind_from_stats(2.9, 1.1, 900, 3.1, 1.2, 900, equal_var=False).pvalue
    assert out["p_value"] == pytest.approx(float(expected), rel=1e-3)


def test_a_rate_known_before_the_test_is_a_one_sample_benchmark() -> None:
    (out,) = outputs("is 96 of 1,500 significantly different from our usual 5.2%?")
    assert out["p_value"] == pytest.approx(stats.binomtest(96, 1500, 0.052).pvalue, rel=1e-3)


def test_the_arm_named_first_decides_the_order_of_results() -> None:
    means = read(
        "spend came out at $5.10 for the variant (sd $9, n=2,000) vs $4.80 for control (sd $8.5, n=2,000). sig?"
    )
    assert (means.steps[0].params["mean_a"], means.steps[0].params["mean_b"]) == (4.8, 5.1)
    named = read("control vs new pricing, upgrades 210/5000 vs 260/5010. z test pls")
    assert named.steps[0].params["conversions_a"] == 210
    reversed_ = read("new vs old pricing, upgrades 260/5010 vs 210/5000. z test pls")
    assert reversed_.steps[0].params["conversions_a"] == 210
    holdout = read("is 410 of 5,000 mailed users vs 350 of 5,020 in the no-mail holdout significant?")
    assert holdout.steps[0].params["conversions_a"] == 350


@pytest.mark.parametrize(
    "question",
    [
        "4,100 users saw the old checkout (350 bought) and 4,080 saw the new one (402 bought). real effect or noise?",
        "we had 4,100 ppl in control and 4,080 in the variant, and 350 and 402 of them bought respectively. sig?",
        "control: 4,100 users, 350 purchases. variant: 4,080 users, 402 purchases. p value?",
    ],
)
def test_each_arms_users_and_successes_said_as_separate_counts(question: str) -> None:
    reading = read(question)
    assert reading.steps[0].tool == "two_proportion_z_test"
    params = reading.steps[0].params
    assert (params["conversions_a"], params["n_a"], params["conversions_b"], params["n_b"]) == (
        350,
        4100,
        402,
        4080,
    )
    (result,) = run_steps(reading)
    assert result.outputs["p_value"] == pytest.approx(_z_p(350, 4100, 402, 4080), rel=1e-3)


def test_half_of_the_users_is_an_even_split_not_a_third_rate() -> None:
    reading = read(
        "16k users, half of them got the new flow. conversion: control 9.5%, new flow 10.5%. significant?"
    )
    params = reading.steps[0].params
    assert (params["conversions_a"], params["n_a"], params["conversions_b"], params["n_b"]) == (
        760,
        8000,
        840,
        8000,
    )


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("a dollar twenty.", "$1.20."),
        ("two dollars and fifty cents", "$2.50"),
        ("aov is 40 dollars 20 percent of users", "aov is $40 20 percent of users"),
    ],
)
def test_dollars_and_cents_in_words_but_not_a_count_after_dollars(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


def test_a_benchmark_after_vs_is_the_rate_to_test_against() -> None:
    (out,) = outputs("one-sample test: 88 out of 300 vs benchmark 0.25")
    assert out["p_value"] == pytest.approx(stats.binomtest(88, 300, 0.25).pvalue, rel=1e-3)


def test_arms_that_averaged_a_mean_with_their_users_named_before_the_noun() -> None:
    question = "9.1k control users averaged 6.20 dollars (sd 14) and 9,050 treatment users averaged 6.70 dollars (sd 15). p?"
    (out,) = outputs(question)
    expected = stats.ttest_ind_from_stats(6.70, 15, 9050, 6.20, 14, 9100, equal_var=False).pvalue
    assert out["p_value"] == pytest.approx(float(expected), rel=1e-3)


def _welch_p(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> float:
    return float(stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False).pvalue)


@pytest.mark.parametrize(
    ("question", "arms"),
    [
        # the second arm's size after "over", with no noun behind it
        (
            "welch from summary stats: old checkout averaged $52.10 with a standard deviation of $30 over 4,000 "
            "buyers, new checkout averaged $54.00 (sd $33) over 3,900",
            ((52.10, 30, 4000), (54.00, 33, 3900)),
        ),
        # a mean said once for a pair ("from X to Y", "X vs Y"), and the SDs joined by "and"
        (
            "session length went from 11.2 min in control to 12.0 min with the new feed. sd is 9 min in control and"
            " 10 min in the feed, 1,500 users each. significant?",
            ((11.2, 9, 1500), (12.0, 10, 1500)),
        ),
        (
            "1,200 users per arm, mean score 61.5 vs 63.0 (control first), sds 14 and 15. p-value?",
            ((61.5, 14, 1200), (63.0, 15, 1200)),
        ),
        # a plural noun before the sizes is their cue; "basket size" is no size
        (
            "p-value for mean basket size 2.90 (control) compared to 3.05 (treatment), standard deviations 1.8 and"
            " 1.9, orders 2,400 and 2,350",
            ((2.90, 1.8, 2400), (3.05, 1.9, 2350)),
        ),
    ],
)
def test_summary_statistics_said_in_pairs_or_with_the_size_after_over(
    question: str, arms: tuple[tuple[float, float, int], tuple[float, float, int]]
) -> None:
    (out,) = outputs(question)
    (m1, s1, n1), (m2, s2, n2) = arms
    assert out["p_value"] == pytest.approx(_welch_p(m2, s2, n2, m1, s1, n1), rel=1e-3)


@pytest.mark.parametrize(
    "question",
    [
        "are 0.8 extra minutes real? new feed mean 12.0 sd 10, control mean 11.2 sd 9, fifteen hundred users in each",
        "did the new feed move session length? fifteen hundred control users averaged 11.2 min with an sd of 9, and"
        " 1,500 feed users averaged 12.0 min, sd 10",
        "t test from these: control mean 11.2 sd 9 n 1500, new feed mean 12.0 sd 10 n 1500",
    ],
)
def test_is_it_real_did_it_move_and_t_test_from_ask_for_a_test(question: str) -> None:
    (out,) = outputs(question)
    assert out["p_value"] == pytest.approx(_welch_p(12.0, 10, 1500, 11.2, 9, 1500), rel=1e-3)


def test_successes_in_a_number_of_visits_are_a_count_pair() -> None:
    (out,) = outputs("the long-run rate is 3.5%; this month 96 signups in 2,400 visits. significant vs that?")
    assert out["p_value"] == pytest.approx(stats.binomtest(96, 2400, 0.035).pvalue, rel=1e-3)
    # a count "in" a duration is still no pair
    reading = read("we get 96 signups in 14 days from a 3.5% rate; how many visits a day?")
    assert "successes" not in reading.roles


@pytest.mark.parametrize(
    "question",
    [
        "we keep a 5% holdout and the other 95% get the new ranking. the holdout has 2,610 users and the ranking"
        " group 47,390. srm?",
        "srm check: the ranking group got 47,390 users and the 5 percent holdout 2,610",
    ],
)
def test_an_srm_check_plans_the_split_from_one_arms_share(question: str) -> None:
    (out,) = outputs(question)
    counts = [2610, 47390] if question.index("2,610") < question.index("47,390") else [47390, 2610]
    shares = [0.05, 0.95] if counts[0] < counts[1] else [0.95, 0.05]
    expected = stats.chisquare(counts, [sum(counts) * s for s in shares])
    assert out["p_value"] == pytest.approx(float(expected.pvalue), rel=1e-3)
    assert out["mismatch"] is False


def test_a_share_that_sees_the_new_page_and_the_rest_in_control_is_the_allocation() -> None:
    (out,) = outputs(
        "control n to detect 10% -> 11.5% when only 25% of users see the new page and the other 75% is control"
    )
    assert float(out["n_control"]) == pytest.approx(prop_n(0.10, 0.115, ratio=25 / 75), rel=1e-3)


def test_significant_at_a_level_without_its_percent_sign_is_no_count() -> None:
    (out,) = outputs(
        "old vs new signup flow: 4.1% vs 4.5% conversion, about 25k users in each. significant at 95?"
    )
    expected = _z_p(1025, 25000, 1125, 25000)
    assert out["p_value"] == pytest.approx(expected, rel=1e-3)


def test_a_real_lift_with_each_arms_n_is_tested_not_sized() -> None:
    (out,) = outputs(
        "new pricing page: 12.5% trial starts (n=3,200) vs 11.0% for the old one (n=3,180). real lift?"
    )
    assert out["p_value"] == pytest.approx(_z_p(350, 3180, 400, 3200), rel=1e-3)


def test_a_rate_we_usually_see_is_a_benchmark_for_a_count_and_a_baseline_for_a_plan() -> None:
    (out,) = outputs(
        "we normally convert 3%. yesterday 41 conversions out of 1,100 sessions. is that different?"
    )
    assert out["p_value"] == pytest.approx(stats.binomtest(41, 1100, 0.03).pvalue, rel=1e-3)
    for question in (
        "we usually convert 3%, how many users per arm to detect a lift to 3.5%?",
        "signup rate is typically 3%; what mde can we detect with 20k per arm?",
    ):
        reading = read(question)
        assert reading.steps[0].tool in ("proportions_sample_size", "proportions_mde"), question
        assert reading.steps[0].params["baseline"] == pytest.approx(0.03), question


def test_each_rates_arm_named_after_the_users_it_is_of() -> None:
    (out,) = outputs("did the new header change clicks? 3.2% of 20k saw old, 3.6% of 19.5k saw new")
    assert out["p_value"] == pytest.approx(_z_p(640, 20000, 702, 19500), rel=1e-3)
    assert float(out["difference"]) > 0  # the new header did better


def test_a_p_value_and_an_interval_asked_together_give_both() -> None:
    reading = read(
        "arm b: 318 of 6000 converted. control a: 270 of 6000. p-value and 95% ci of the difference?"
    )
    assert [s.tool for s in reading.steps] == ["two_proportion_z_test", "ci_proportion_difference"]
    test, interval = run_steps(reading)
    assert test.outputs["p_value"] == pytest.approx(_z_p(270, 6000, 318, 6000), rel=1e-3)
    assert float(interval.outputs["lower"]) < 318 / 6000 - 270 / 6000 < float(interval.outputs["upper"])


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("90% ci of the difference: control 270 of 6000, variant 318 of 6000", 0.90),
        ("99% confidence interval for the difference, control 270/6000 vs variant 318/6000", 0.99),
        ("ci for the difference: control 270 of 6000, variant 318 of 6000", 0.95),
    ],
)
def test_an_interval_has_the_confidence_the_question_states(question: str, level: float) -> None:
    (out,) = outputs(question)
    lower, upper = confint_proportions_2indep(
        318, 6000, 270, 6000, method="newcomb", compare="diff", alpha=1 - level
    )
    assert (float(out["lower"]), float(out["upper"])) == (
        pytest.approx(lower, abs=2e-4),
        pytest.approx(upper, abs=2e-4),
    )


def test_a_correlation_said_as_corr_or_far_from_its_cue_and_thousands_are_no_ratio() -> None:
    for question in (
        "cuped w/ corr 0.6: 50,000 per arm without it, 5,000 daily users. new n?",
        "new n with cuped? correlation of last month's spend with the metric is .6, 50000 per group without it",
    ):
        reading = read(question)
        assert reading.roles["correlation"].value == pytest.approx(0.6), question
        (out,) = [r.outputs for r in run_steps(reading)][:1]
        assert out["n_per_group_cuped"] == pytest.approx(50000 * (1 - 0.36), abs=1)


@pytest.mark.parametrize(
    "question",
    [
        "tiny test: 40 control accounts with 5 conversions and 42 variant accounts with 14. fisher exact p?",
        "fisher exact pls: old page 40 trials 5 upgrades, new page 42 trials 14 upgrades",
    ],
)
def test_each_arms_size_then_its_successes_for_an_exact_test(question: str) -> None:
    (out,) = outputs(question)
    expected = stats.fisher_exact([[5, 35], [14, 28]]).pvalue
    assert out["p_value"] == pytest.approx(float(expected), rel=1e-3)


def test_the_sd_of_the_per_user_change_sizes_a_paired_test() -> None:
    (out,) = outputs(
        "same users before and after. detect a mean change of 0.8; the sd of the per-user change is ~2.4. pairs?"
    )
    expected = TTestPower().solve_power(effect_size=0.8 / 2.4, alpha=0.05, power=0.8)
    assert float(out["n_pairs"]) == pytest.approx(expected, rel=1e-3)


def test_control_plus_variants_counts_the_control_as_a_group() -> None:
    (out,) = outputs("control plus 4 variants, one-way anova, cohen's f = 0.2, 80% power. n per group?")
    expected = FTestAnovaPower().solve_power(effect_size=0.2, k_groups=5, alpha=0.05, power=0.8) / 5
    assert float(out["n_per_group"]) == pytest.approx(expected, rel=1e-3)


def test_no_worse_than_a_margin_is_a_non_inferiority_question() -> None:
    reading = read(
        "users per arm to show the new checkout is no worse than 1 point below our 20% baseline, 80% power"
    )
    assert reading.steps[0].tool == "equivalence_sample_size"
    assert reading.steps[0].params["margin"] == pytest.approx(0.01)


def test_p_values_listed_from_a_larger_family_are_adjusted_for_all_of_it() -> None:
    (out,) = outputs(
        "we looked at 15 metrics; the smallest three p values were 0.002, 0.01 and 0.04. bonferroni?"
    )
    assert out["adjusted_p_values"] == pytest.approx([0.03, 0.15, 0.6])
    assert out["rejected"] == [True, False, False]


def test_a_mean_said_after_a_per_user_metric_and_looks_said_as_peeks() -> None:
    reading = read("revenue per user $6.10 sd $20, want to detect a 4% increase. n per group?")
    assert reading.steps[0].params["delta"] == pytest.approx(0.244)
    reading = read("if we peek 4 times with o'brien-fleming boundaries, what are the per-look thresholds?")
    assert reading.steps[0].params["looks"] == 4


def test_an_arrow_goes_from_the_baseline_whatever_cue_comes_before_it() -> None:
    reading = read("power check: 5,000 per group, expecting 15% -> 17%")
    assert reading.roles["baseline"].value == pytest.approx(0.15)
    assert reading.roles["p2"].value == pytest.approx(0.17)


def test_is_this_split_ok_with_counts_is_an_srm_check() -> None:
    (out,) = outputs("is a 25/25/50 split ok? counts 12,400 12,900 24,700")
    counts = [12400, 12900, 24700]
    expected = stats.chisquare(counts, [sum(counts) * s for s in (0.25, 0.25, 0.5)])
    assert out["p_value"] == pytest.approx(float(expected.pvalue), rel=1e-3)


def test_a_finished_tests_users_from_its_traffic_and_how_long_it_ran() -> None:
    (out,) = outputs(
        "test ran 2 weeks with 3,000 users/day, 50/50. conversion 5.0% control vs 5.6% variant. significant?"
    )
    assert out["p_value"] == pytest.approx(_z_p(1050, 21000, 1176, 21000), rel=1e-3)
    # planning the same test is still sizing or power
    reading = read("if we run for 2 weeks at 3,000/day, 5.0% vs 5.6%, what power?")
    assert reading.steps[0].tool == "proportions_power"


def test_the_mde_of_a_total_sample_said_with_its_weeks() -> None:
    (out,) = outputs(
        "we've got 80k users total over 6 weeks. what relative mde is that for a 10% conversion rate?"
    )
    expected = power_proportions_2indep(float(out["mde_absolute"]), 0.10, 40000, return_results=True).power
    assert expected == pytest.approx(0.8, abs=2e-3)


def test_can_we_detect_an_effect_with_a_given_sample_asks_for_power() -> None:
    (out,) = outputs("can we detect a 10% relative lift on a 4% baseline with 20k users per arm?")
    expected = power_proportions_2indep(0.004, 0.04, 20000, return_results=True).power
    assert out["power"] == pytest.approx(expected, abs=2e-3)
    (out,) = outputs(
        "can we even detect a $0.50 change in revenue per user (sd $40) with 100k users per arm?"
    )
    assert out["power"] == pytest.approx(TTestIndPower().power(0.5 / 40, 100000, 0.05), abs=2e-3)


def test_a_rate_said_per_hundred_or_thousand_but_a_small_tests_count_stays_a_pair() -> None:
    reading = read("about 2 in 100 visitors sign up today; we want to detect 2.5 in 100. users per group?")
    assert (reading.roles["baseline"].value, reading.roles["p2"].value) == (
        pytest.approx(0.02),
        pytest.approx(0.025),
    )
    reading = read("roughly 6 per 1,000 sessions convert and we want 7 per 1000. n per arm?")
    assert reading.roles["baseline"].value == pytest.approx(0.006)
    (out,) = outputs("3 out of 100 converted in A and 9 out of 100 in B, fisher?")
    assert out["p_value"] == pytest.approx(float(stats.fisher_exact([[3, 97], [9, 91]]).pvalue), rel=1e-3)


def test_an_srm_check_plans_the_split_from_the_share_rolled_out_to() -> None:
    (out,) = outputs("srm check: rolled out to 80% of users, treatment has 40,120 and control 9,880")
    expected = stats.chisquare([40120, 9880], [50000 * 0.8, 50000 * 0.2])
    assert out["p_value"] == pytest.approx(float(expected.pvalue), rel=1e-3)


def test_a_lone_arm_share_of_the_traffic_is_the_allocation_not_a_rate() -> None:
    # "treatment gets 80%" was read as the rate to detect (5% -> 80%, 14 users in total)
    expected_n = prop_n(0.05, 0.055, ratio=4.0)
    for question in (
        "treatment gets 80% of traffic, baseline 5%, want to detect 10% relative lift. how many users total?",
        "80/20 split (treatment 80%), baseline 5%, detect 10% relative lift. users total?",
    ):
        (out,) = outputs(question)
        assert out["n_control"] == pytest.approx(expected_n, rel=1e-3), question
        assert out["n_per_variant"] == pytest.approx(4 * expected_n, rel=1e-3), question
    (out,) = outputs("80/20 split (control 80%), baseline 5%, detect 10% relative lift. users total?")
    assert out["n_per_variant"] == pytest.approx(out["n_control"] / 4, rel=1e-6)
    (out,) = outputs("we put 10% of traffic to treatment. baseline 3%, mde 20% relative. n?")
    assert out["n_control"] == pytest.approx(prop_n(0.03, 0.036, ratio=1 / 9), rel=1e-3)
    # an arm's rate is still a rate
    (out,) = outputs("control at 4.1%, treatment at 4.6%, 10k users each. significant?")
    assert out["p_value"] == pytest.approx(_z_p(410, 10000, 460, 10000), rel=1e-3)


def test_successes_counted_over_a_run_of_known_traffic() -> None:
    for question in (
        "we ran 10 days with about 1,000 users/day split 50/50 and got 52 vs 71 conversions. is B better?",
        "the test ran 10 days, 1,000 users a day, 50/50. control 52 conversions, treatment 71. significant?",
    ):
        (out,) = outputs(question)
        assert out["p_value"] == pytest.approx(_z_p(52, 5000, 71, 5000), rel=1e-3), question
    reading = read(
        "we ran 10 days with about 1,000 users/day split 50/50 and got 52 vs 71 conversions. is B better?"
    )
    assert "1,000 a day over 10 days = 10,000 users" in answer_text(run_calculation(reading))


def test_how_confident_that_b_is_better_is_a_posterior_probability() -> None:
    from scipy import integrate

    reading = read(
        "control 4.1% of 12,000, variant 4.5% of 12,100. how confident can we be that B is better?"
    )
    assert reading.steps[0].tool == "bayesian_ab"
    (out,) = [r.outputs for r in run_steps(reading)]
    a, b = stats.beta(1 + 492, 1 + 12000 - 492), stats.beta(1 + 544, 1 + 12100 - 544)
    expected, _ = integrate.quad(lambda x: b.pdf(x) * a.cdf(x), 0, 0.2, points=[0.04, 0.045], limit=200)
    assert out["prob_b_beats_a"] == pytest.approx(expected, abs=1e-3)


def test_a_practical_significance_threshold_is_read_against_the_interval() -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    # the 5% threshold was read as a third rate and "meaningful" as a mean: a t test that asked for SDs
    reading = read(
        "control 5.0% of 20,000, treatment 5.4% of 20,000. we only ship if the lift is at least 5% relative. "
        "significant and practically meaningful?"
    )
    assert [s.tool for s in reading.steps] == ["two_proportion_z_test", "ci_relative_lift"]
    z, ci = (r.outputs for r in run_steps(reading))
    assert z["p_value"] == pytest.approx(_z_p(1000, 20000, 1080, 20000), rel=1e-3)
    assert ci["lower"] < 0.05 < ci["upper"]
    assert reading.steps[1].params["threshold"] == pytest.approx(0.05)
    text = answer_text(run_calculation(reading))
    assert "contains the 5% lift threshold" in text
    # a threshold in points is read against the interval of the difference
    reading = read("A: 1000/20000, B: 1180/20000. practical significance threshold is 0.2 points. ship?")
    assert reading.steps[-1].tool == "ci_proportion_difference"
    assert reading.steps[-1].params["threshold"] == pytest.approx(0.002)
    lo, _ = confint_proportions_2indep(1180, 20000, 1000, 20000, method="newcombe", compare="diff")
    assert lo > 0.002
    assert "practically significant" in answer_text(run_calculation(reading))
    reading = read(
        "control 1000/20000 vs treatment 1080/20000, anything under a 2% relative lift isn't worth it. sig?"
    )
    assert reading.steps[-1].params["threshold"] == pytest.approx(0.02)
    # power and confidence levels are no threshold, nor is the lift a plan is sized for
    reading = read("we need at least 80% power to detect a 5% lift on a 4% baseline. n per arm?")
    assert reading.steps[0].tool == "proportions_sample_size"
    assert reading.roles["power"].value == pytest.approx(0.8)


def test_meaningful_and_what_does_that_mean_are_no_means() -> None:
    (out,) = outputs("control 5.0% of 20,000, treatment 5.4% of 20,000. significant and meaningful?")
    assert out["p_value"] == pytest.approx(_z_p(1000, 20000, 1080, 20000), rel=1e-3)
    (out,) = outputs("1000/20000 vs 1080/20000 - what does that mean, is it significant?")
    assert out["p_value"] == pytest.approx(_z_p(1000, 20000, 1080, 20000), rel=1e-3)


def _anova_f(means: list[float], sds: list[float], ns: list[float]) -> tuple[float, float]:
    """The classic one-way ANOVA F and p-value from summary statistics, by the textbook sums of squares."""
    total = sum(ns)
    grand = sum(m * n for m, n in zip(means, ns, strict=True)) / total
    between = sum(n * (m - grand) ** 2 for m, n in zip(means, ns, strict=True)) / (len(means) - 1)
    within = sum((n - 1) * s**2 for s, n in zip(sds, ns, strict=True)) / (total - len(means))
    f = between / within
    return f, float(stats.f.sf(f, len(means) - 1, total - len(means)))


def test_three_or_more_arms_are_compared_at_once() -> None:
    # the first two arms were z-tested and the third ignored; three rates "of" their users were sized as a new test
    (out,) = outputs("A 120/2000, B 150/2000, C 135/2000 - any difference between the three?")
    expected = stats.chi2_contingency([[120, 1880], [150, 1850], [135, 1865]], correction=False)
    assert out["p_value"] == pytest.approx(float(expected.pvalue), rel=1e-6)
    (out,) = outputs(
        "three variants: control 4.0% of 10k, B 4.4% of 10k, C 4.7% of 10k. is there any difference?"
    )
    expected = stats.chi2_contingency([[400, 9600], [440, 9560], [470, 9530]], correction=False)
    assert out["p_value"] == pytest.approx(float(expected.pvalue), rel=1e-6)
    # each arm's mean, SD and size: a one-way ANOVA, written as lists or per arm
    f, p = _anova_f([12.1, 12.6, 13.0], [4.0, 4.2, 4.1], [500, 500, 500])
    for question in (
        "means 12.1, 12.6, 13.0 with sds 4.0, 4.2, 4.1 and 500 users each. do the three groups differ?",
        "control: mean 12.1, sd 4.0, n 500; B: mean 12.6, sd 4.2, n 500; C: mean 13.0, sd 4.1, n 500. any difference?",
    ):
        (out,) = outputs(question)
        assert (out["f"], out["p_value"]) == pytest.approx((f, p), rel=1e-6), question
    reading = read(
        "four arms, avg order value $52.1, $53.0, $51.8, $54.2; sds 30, 31, 29, 33; n = 2000 each. real difference?"
    )
    assert reading.steps[0].params["means"] == [52.1, 53.0, 51.8, 54.2]
    assert "52.1 (SD 30, n 2,000)" in answer_text(run_calculation(reading))
    # two arms stay a two-group test
    (out,) = outputs("A 120/2000 vs B 150/2000, any difference?")
    assert out["p_value"] == pytest.approx(_z_p(120, 2000, 150, 2000), rel=1e-3)


def test_which_of_several_arms_won_compares_each_variant_with_the_control() -> None:
    # "which one won?" got the test across all arms and a note that pairwise tests were needed
    reading = read("A 120/2000, B 150/2000, C 135/2000 - which one won?")
    assert [s.tool for s in reading.steps] == ["chi_square_independence", "dunnett"]
    omnibus, pairwise = (r.outputs for r in run_steps(reading))
    assert omnibus["p_value"] == pytest.approx(
        float(stats.chi2_contingency([[120, 1880], [150, 1850], [135, 1865]], correction=False).pvalue)
    )
    # conversions as 0/1 values: scipy's Dunnett on the units themselves gives the same adjusted p-values
    arms = [np.r_[np.ones(x), np.zeros(n - x)] for x, n in [(120, 2000), (150, 2000), (135, 2000)]]
    expected = stats.dunnett(arms[1], arms[2], control=arms[0], random_state=1)
    assert pairwise["adjusted_p_values"] == pytest.approx(list(expected.pvalue), abs=2e-3)
    assert pairwise["differences"] == pytest.approx([0.015, 0.0075])
    told = answer_text(run_calculation(reading))
    # rates read as rates, each arm by its name: its rate and its difference in points, not "variant 1: difference
    # 0.015"
    assert "Against A (the control) at 6.00%, B 7.50% (+1.50 points" in told
    assert "C 6.75% (+0.75 points" in told
    # the test across the arms no longer says that pairwise tests are still to be done
    assert "needs pairwise tests" not in told and "each variant against the control follows" in told
    # means: the ANOVA, then Dunnett on the same summary statistics
    reading = read(
        "means 12.1, 12.6, 13.0 with sds 4.0, 4.2, 4.1 and 500 users each: which group is different?"
    )
    assert [s.tool for s in reading.steps] == ["oneway_anova", "dunnett"]
    assert reading.steps[1].params["means"] == [12.1, 12.6, 13.0]
    # asked which arm beats the control, without asking whether they differ: the same two steps
    reading = read(
        "means 12.1, 12.6, 13.0 with sds 4.0, 4.2, 4.1 and 500 users each: which group beats control?"
    )
    assert [s.tool for s in reading.steps] == ["oneway_anova", "dunnett"]
    assert "variant 2: difference 0.9" in answer_text(run_calculation(reading))
    # the arm named as the control is the one the others are compared with, wherever it is written
    reading = read("B 150/2000, control 120/2000, C 135/2000 - which is better than control?")
    assert reading.steps[1].params["means"] == pytest.approx([0.06, 0.075, 0.0675])
    assert reading.steps[1].params["labels"] == ["control", "B", "C"]
    assert "Against the control at 6.00%, B 7.50%" in answer_text(run_calculation(reading))
    # the same words make an arm the control as in a two-group question: "A" written second is still the control
    reading = read("B 150/2000, A 120/2000, C 135/2000 - which one won?")
    assert reading.steps[1].params["labels"] == ["A", "B", "C"]
    # arms without names are numbered
    told = answer_text(run_calculation(read("120/2000, 150/2000, 135/2000 which one won")))
    assert "Against the control at 6.00%, variant 1 7.50%" in told
    # arms given as means are named too, the control first wherever it is written
    reading = read(
        "b mean 12.6 (sd 4.2, n 500), control mean 12.1 (sd 4.0, n 500), c mean 13.0 (sd 4.1, n 500). "
        "which one beats control?"
    )
    assert [s.tool for s in reading.steps] == ["oneway_anova", "dunnett"]
    assert reading.steps[1].params["means"] == [12.1, 12.6, 13.0]
    told = answer_text(run_calculation(reading))
    assert "Against the control, B: difference 0.5" in told and "C: difference 0.9" in told
    assert "read as control 12.1 (SD 4, n 500), B 12.6" in told
    # asked only whether the arms differ: the test across them alone
    assert [s.tool for s in read("A 120/2000, B 150/2000, C 135/2000 - any difference?").steps] == [
        "chi_square_independence"
    ]


def test_one_p_value_from_a_larger_family_is_adjusted_for_the_family() -> None:
    # a lone p-value with "20 metrics ... after correction?" found no calculator
    (out,) = outputs("p-value of 0.04 with 20 metrics tested, is it still significant after correction?")
    assert out["adjusted_p_values"] == pytest.approx([0.8])
    assert out["n_rejected"] == 0
    (out,) = outputs("we tested 12 metrics and one came in at p = 0.011. does it survive bonferroni?")
    expected = multipletests([0.011] + [1.0] * 11, method="bonferroni")[1][0]
    assert out["adjusted_p_values"] == pytest.approx([expected])


def test_an_aa_tests_significant_count_against_chance() -> None:
    reading = read("ran an a/a test with 100 metrics, 7 came out significant at 0.05. is that normal?")
    (out,) = [r.outputs for r in run_steps(reading)]
    assert out["p_value"] == pytest.approx(float(stats.binomtest(7, 100, 0.05, alternative="greater").pvalue))
    assert "about 5 of 100 metrics come out significant" in answer_text(run_calculation(reading))
    (out,) = outputs("our A/A test: 40 metrics, 9 of them significant. platform broken?")
    assert out["p_value"] == pytest.approx(float(stats.binomtest(9, 40, 0.05, alternative="greater").pvalue))


def test_a_corrected_sample_size_says_each_comparisons_alpha() -> None:
    reading = read(
        "we have 4 variants plus control, baseline 10%, want to detect 5% relative lift with bonferroni, "
        "how many users per arm?"
    )
    (out,) = [r.outputs for r in run_steps(reading)]
    assert out["n_per_variant"] == pytest.approx(prop_n(0.10, 0.105, alpha=0.05 / 4), rel=1e-3)
    assert "each of the 4 comparisons with the control at α = 0.0125 (Bonferroni" in answer_text(
        run_calculation(reading)
    )


def test_a_mean_written_with_its_sd_after_it() -> None:
    # "$3.50 sd $12 in control" and "74.2 ± 51 s" found no calculator
    (out,) = outputs(
        "revenue per user $3.50 sd $12 in control, $3.80 sd $13 in treatment, 8000 users each - significant?"
    )
    assert out["p_value"] == pytest.approx(_welch_p(3.5, 12, 8000, 3.8, 13, 8000), rel=1e-4)
    (out,) = outputs(
        "time on page 74.2 ± 51 s in control vs 77.9 ± 55 s in treatment, n = 1200 each. is that different?"
    )
    assert out["p_value"] == pytest.approx(_welch_p(74.2, 51, 1200, 77.9, 55, 1200), rel=1e-4)


def test_a_relative_lift_interval_is_said_in_percent() -> None:
    reading = read(
        "control converted 412 of 10,233 and treatment 478 of 10,190. whats the relative lift and its 95% ci?"
    )
    (out,) = [r.outputs for r in run_steps(reading)]
    text = answer_text(run_calculation(reading))
    assert f"The relative lift is {100 * out['lift']:+.2f}%, 95% interval {100 * out['lower']:+.2f}%" in text


def test_more_ways_of_writing_results_tuned_on_dev16() -> None:
    # an A/A count said as "k of our n metrics were stat sig"
    (out,) = outputs("aa test done: 11 of our 150 metrics were stat sig at alpha .05. more than chance?")
    assert out["p_value"] == pytest.approx(
        float(stats.binomtest(11, 150, 0.05, alternative="greater").pvalue)
    )
    # a lone p-value whose family is named before its size
    (out,) = outputs("one metric out of 16 at p 0.002 - adjusted p after correction?")
    assert out["adjusted_p_values"] == pytest.approx([0.032])
    # successes after an arm and its verb, users from the run's traffic, "for N days"
    (out,) = outputs(
        "ran it for 14 days with ~2000 visitors per day split evenly; control converted 1,150 and variant 1,240. significant?"
    )
    assert out["p_value"] == pytest.approx(_z_p(1150, 14000, 1240, 14000), rel=1e-3)
    # the share sent to "the new page"
    (out,) = outputs(
        "90% of traffic to the new page, rest is control. baseline 10%, detect 10% to 11%. n in control?"
    )
    assert out["n_control"] == pytest.approx(prop_n(0.10, 0.11, ratio=9.0), rel=1e-3)
    # "prob that B > A"
    reading = read("prob that B > A if A converted 210 of 5000 and B converted 250 of 5000")
    assert reading.steps[0].tool == "bayesian_ab"
    # the treatment written first, then the control
    (out,) = outputs("real? treatment averaged $5.10 (sd 20) vs control $4.80 (sd 19), 12k users in each arm")
    assert out["p_value"] == pytest.approx(_welch_p(5.10, 20, 12000, 4.80, 19, 12000), rel=1e-3)
    assert out["difference"] == pytest.approx(0.30)
    # several arms' rates with one size for each arm
    (out,) = outputs("5 arms, 4k users each: 3.1%, 3.4%, 2.9%, 3.6%, 3.3% converted. any difference?")
    table = [[round(r * 40), 4000 - round(r * 40)] for r in (3.1, 3.4, 2.9, 3.6, 3.3)]
    assert out["p_value"] == pytest.approx(
        float(stats.chi2_contingency(table, correction=False).pvalue), rel=1e-6
    )
    # a threshold said as the bar
    reading = read(
        "practically significant? our bar is +3% relative. control 8.0%, treatment 8.6%, 30k users in each"
    )
    assert reading.steps[-1].params["threshold"] == pytest.approx(0.03)


def test_several_arms_with_a_total_are_split_evenly_not_read_as_each() -> None:
    # "in all" is the total: 10,000 per arm, not 40,000 each
    (out,) = outputs("4 arms, 40k users in all: 3.1%, 3.4%, 2.9%, 3.6% converted. any difference?")
    table = [[round(r * 100), 10000 - round(r * 100)] for r in (3.1, 3.4, 2.9, 3.6)]
    assert out["p_value"] == pytest.approx(
        float(stats.chi2_contingency(table, correction=False).pvalue), rel=1e-6
    )


def test_a_before_after_result_on_the_same_units_is_a_paired_test() -> None:
    # the mean and SD of the per-user changes asked for two groups' means and SDs
    (out,) = outputs(
        "same 40 users before and after the redesign: mean change in session minutes 1.2, sd of the changes 3.1. "
        "significant?"
    )
    t = 1.2 / (3.1 / math.sqrt(40))
    assert out["p_value"] == pytest.approx(2 * float(stats.t.sf(t, 39)), rel=1e-9)
    (out,) = outputs(
        "paired test: 25 stores, average difference 3.4% with sd of differences 6.0%. is the change real?"
    )
    assert out["t"] == pytest.approx(3.4 / (6.0 / 5), rel=1e-9)
