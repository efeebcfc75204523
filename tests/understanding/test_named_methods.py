"""Methods named in a question reach their calculator, with inputs read from the question (questions written for
these tests, not taken from the evaluation sets). Reference values are recomputed here with scipy/statsmodels."""

from __future__ import annotations

import math
from typing import Any

import pytest
from scipy import stats
from statsmodels.stats import proportion, rates

from planner.calculation import answer_text, names_method, parse, run_calculation


def _run(question: str) -> tuple[Any, list[dict[str, Any]]]:
    reading = parse(question)
    outcome = run_calculation(reading)
    return reading, outcome.results


def test_fisher_is_the_conditional_test_and_is_named_in_the_answer() -> None:
    reading, results = _run(
        "fisher exact p for our pilot: 2 of 30 signed up on the old page, 9 of 31 on the new one"
    )
    assert reading.tool == "exact_2x2_test" and len(results) == 1
    # the old page is the control: table columns (new, old)
    ref = stats.fisher_exact([[9, 2], [22, 28]]).pvalue
    assert results[0]["outputs"]["p_value"] == pytest.approx(ref, rel=1e-9)
    assert "conditional" in results[0]["method"]


def test_conditional_and_unconditional_are_both_run_when_both_are_asked() -> None:
    q = "tiny test, variant 9/20 vs control 3/22 - what do a conditional and an unconditional exact test say?"
    reading, results = _run(q)
    methods = [r["inputs"]["method"] for r in results]
    assert methods == ["fisher", "barnard"]
    table = [[9, 3], [11, 19]]  # columns: variant (B), control (A)
    assert results[0]["outputs"]["p_value"] == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9)
    assert results[1]["outputs"]["p_value"] == pytest.approx(stats.barnard_exact(table).pvalue, rel=1e-6)
    text = answer_text(run_calculation(reading))
    assert "Fisher" in text and "Barnard" in text and "unconditional" in text


def test_boschloo_named_with_a_one_sided_alternative() -> None:
    _reading, results = _run("boschloo's test, one-tailed, new checkout 40 of 90 vs old checkout 27 of 95")
    assert results[0]["inputs"]["method"] == "boschloo"
    assert results[0]["inputs"]["alternative"] == "larger"
    ref = stats.boschloo_exact([[40, 27], [50, 68]], alternative="greater").pvalue
    assert results[0]["outputs"]["p_value"] == pytest.approx(ref, rel=1e-6)


def test_bayesian_question_gets_the_probability_to_beat_control() -> None:
    reading, results = _run(
        "Bayesian read please: B got 330 of 5,000, A got 300 of 5,000. chance B is better?"
    )
    assert reading.tool == "bayesian_ab"
    inputs = results[0]["inputs"]
    assert (inputs["conversions_a"], inputs["n_a"], inputs["conversions_b"], inputs["n_b"]) == (
        300,
        5000,
        330,
        5000,
    )
    assert 0.5 < results[0]["outputs"]["prob_b_beats_a"] < 1


def test_always_valid_p_value_for_a_test_we_keep_peeking_at() -> None:
    reading, results = _run(
        "we check it continuously - anytime-valid p for treatment 210/4000 vs control 180/4000?"
    )
    assert reading.tool == "msprt"
    pa, pb = 180 / 4000, 210 / 4000
    v = pa * (1 - pa) / 4000 + pb * (1 - pb) / 4000
    k = -2 * math.log(0.05)
    tau2 = v * (k + math.log(k + 1))  # Howard et al. 2021 mixture tuned to the current variance
    lr = math.sqrt(v / (v + tau2)) * math.exp(tau2 * (pb - pa) ** 2 / (2 * v * (v + tau2)))
    assert results[0]["outputs"]["always_valid_p_value"] == pytest.approx(min(1, 1 / lr), rel=1e-9)


def test_non_inferiority_reads_the_margin_in_points() -> None:
    reading, results = _run(
        "is the cheaper onboarding non-inferior? old 2,400/12,000, new 2,350/12,000, margin half a point"
    )
    assert reading.tool == "equivalence_test"
    assert results[0]["inputs"]["margin"] == pytest.approx(0.005)
    ref = proportion.test_proportions_2indep(
        2350, 12000, 2400, 12000, value=-0.005, compare="diff", alternative="larger", method="score"
    ).pvalue
    assert results[0]["outputs"]["p_value"] == pytest.approx(ref, rel=1e-9)


def test_equivalence_sample_size_without_results() -> None:
    reading, results = _run("TOST equivalence design: 30% baseline, margin 3 pp, 90% power. n per arm?")
    assert reading.tool == "equivalence_sample_size"
    assert results[0]["inputs"]["test"] == "equivalence" and results[0]["inputs"][
        "baseline"
    ] == pytest.approx(0.3)
    z = stats.norm.ppf
    # Chow, Shao & Wang (2008) §4.2 with no true difference: (z₁₋α + z₁₋β/₂)² · 2p(1−p) / M²
    ref = (z(0.95) + z(1 - 0.1 / 2)) ** 2 * 2 * 0.3 * 0.7 / 0.03**2
    assert results[0]["outputs"]["n_per_group"] == pytest.approx(ref, rel=1e-6)


def test_poisson_counts_over_exposure_in_the_order_written() -> None:
    reading, results = _run(
        "crash counts: treatment 31 crashes in 9,000 sessions, control 52 crashes in 9,400 sessions (poisson)"
    )
    assert reading.tool == "poisson_test"
    inputs = results[0]["inputs"]
    assert (inputs["count_a"], inputs["exposure_a"], inputs["count_b"], inputs["exposure_b"]) == (
        52,
        9400,
        31,
        9000,
    )
    ref = rates.test_poisson_2indep(31, 9000, 52, 9400, method="score", compare="ratio").pvalue
    assert results[0]["outputs"]["p_value"] == pytest.approx(ref, rel=1e-9)


def test_cluster_randomisation_turns_n_into_clusters() -> None:
    reading, results = _run(
        "switching by city: about 400 riders in each city, ICC 0.01, 2,000 per group if individually randomised. cities per arm?"
    )
    assert reading.tool == "cluster_design"
    de = 1 + (400 - 1) * 0.01  # Kish design effect
    assert results[0]["outputs"]["clusters_per_group"] == pytest.approx(2000 * de / 400)


def test_cluster_question_without_the_individual_sample_size_asks_for_it() -> None:
    outcome = run_calculation(
        parse("design effect for classrooms of 28 pupils with an ICC of 0.15 - how many classes per arm?")
    )
    assert outcome.needs == ["n_per_group"]


def test_conditional_power_from_a_percent_of_the_sample() -> None:
    reading, results = _run(
        "we're 30% of the way through the sample and the interim z-score is 0.9. conditional power?"
    )
    assert reading.tool == "conditional_power"
    t, zt = 0.3, 0.9
    b = zt * math.sqrt(t)
    ref = 1 - stats.norm.cdf((stats.norm.ppf(0.975) - b - (b / t) * (1 - t)) / math.sqrt(1 - t))
    assert results[0]["outputs"]["cp_current_trend"] == pytest.approx(ref, rel=1e-9)


def test_conditional_power_without_inputs_asks_for_exactly_them() -> None:
    outcome = run_calculation(parse("what's the conditional power of our running test?"))
    assert outcome.needs == ["z_interim", "information_fraction"]


def test_a_named_method_overrides_the_scorecard_but_a_plain_ship_question_does_not() -> None:
    assert names_method(parse("fisher's exact: control 4 of 50 and treatment 12 of 52 conversions"))
    assert not names_method(
        parse("control 8,000 users and 400 conversions, treatment 8,100 and 460: ship it?")
    )


def _sample(mean: float, sd: float, n: int, seed: int) -> list[float]:
    """n values with exactly this mean and SD (ddof 1), so scipy's raw-data test sees the same summary."""
    import numpy as np

    x = np.random.default_rng(seed).standard_normal(n)
    x = (x - x.mean()) / x.std(ddof=1)
    return list(mean + sd * x)


def test_dunnett_from_grouped_and_from_listed_arms() -> None:
    import numpy as np

    grouped = "dunnett please - control avg 20.0 (sd 6, n 50); variant A avg 23.0 (sd 6.5, n 52); variant B avg 21.0 (sd 5.5, n 49)"
    listed = (
        "many-to-one test: means 20.0 / 23.0 / 21.0, sds 6 / 6.5 / 5.5, sizes 50 / 52 / 49, control first"
    )
    arms = [_sample(20.0, 6, 50, 0), _sample(23.0, 6.5, 52, 1), _sample(21.0, 5.5, 49, 2)]
    ref = stats.dunnett(arms[1], arms[2], control=arms[0], random_state=np.random.default_rng(3)).pvalue
    for q in (grouped, listed):
        reading, results = _run(q)
        assert reading.tool == "dunnett"
        assert results[0]["inputs"]["ns"] == [50, 52, 49]
        assert results[0]["outputs"]["adjusted_p_values"] == pytest.approx(list(ref), rel=0.02, abs=1e-3)


def test_yuen_trimmed_means_from_listed_values() -> None:
    a = [30, 28, 35, 31, 29, 33, 900, 27]
    b = [34, 36, 33, 38, 35, 37, 32, 1500]
    q = f"heavy tailed order values, yuen test with 10% trimming: control {', '.join(map(str, a))} / treatment {', '.join(map(str, b))}"
    reading, results = _run(q)
    assert reading.tool == "heavy_tails" and results[0]["inputs"]["trim"] == pytest.approx(0.1)
    ref = stats.ttest_ind(b, a, equal_var=False, trim=0.1).pvalue
    assert results[0]["outputs"]["p_value"] == pytest.approx(ref, rel=1e-9)


def test_bayesian_and_non_inferiority_on_means() -> None:
    q = "bayesian on time spent: control mean 7.2 sd 4.0 n 1,500, variant mean 7.5 sd 4.2 n 1,480 - chance the variant wins?"
    reading, results = _run(q)
    assert reading.tool == "bayesian_ab_means"
    ref = stats.norm.cdf(0.3 / math.sqrt(4.0**2 / 1500 + 4.2**2 / 1480))
    assert results[0]["outputs"]["prob_b_beats_a"] == pytest.approx(ref, abs=1e-6)
    q = "non-inferiority, margin 0.5 minutes: control mean 7.2 sd 4.0 n 1500, variant mean 7.0 sd 4.2 n 1480"
    reading, results = _run(q)
    assert reading.tool == "equivalence_test" and results[0]["inputs"]["margin"] == pytest.approx(0.5)
    va, vb = 4.0**2 / 1500, 4.2**2 / 1480
    df = (va + vb) ** 2 / (va**2 / 1499 + vb**2 / 1479)
    ref = stats.t.sf((7.0 - 7.2 + 0.5) / math.sqrt(va + vb), df)  # one-sided Welch (Schuirmann 1987)
    assert results[0]["outputs"]["p_value"] == pytest.approx(ref, rel=1e-6)


def test_poisson_power_from_two_rates() -> None:
    reading, results = _run(
        "poisson rates: 2.0 crashes per device-month today, we hope for 1.8. devices per group at 90% power?"
    )
    assert reading.tool == "poisson_power"
    ref_power = rates.power_poisson_ratio_2indep(
        1.8,
        2.0,
        results[0]["outputs"]["n_per_group"],
        nobs_ratio=1,
        exposure=1,
        value=1,
        alternative="two-sided",
    ).power
    assert ref_power == pytest.approx(0.9, abs=1e-4)


def test_delta_method_without_sums_asks_for_them() -> None:
    outcome = run_calculation(parse("delta-method interval for clicks per session, 3,000 sessions per arm"))
    assert outcome.needs == ["ratio_sums"] and "expgraph analyze" in outcome.questions[0]


def test_results_questions_that_ask_for_a_test_get_the_test_and_decisions_get_the_scorecard() -> None:
    from planner.calculation import answers_itself

    significance = "A 150 of 5,000 converted, B 190 of 5,000 - what's the p-value?"
    assert answers_itself(parse(significance), significance)
    means = "control mean 31.0 sd 9 n 400, variant mean 32.1 sd 9.5 n 410 - significant?"
    reading = parse(means)
    assert reading.tool == "welch_t_test" and answers_itself(reading, means)
    decision = "control 5,000 users and 150 conversions, treatment 5,000 and 190 - do we launch?"
    assert not answers_itself(parse(decision), decision)
