"""Questions in plain English → calculator calls; missing inputs are asked for, never guessed."""

from __future__ import annotations

import math

import pytest

from tools.registry import run_tool
from understanding import parse_calculation, run_steps
from understanding.quantities import number as to_number


def test_vision_example_without_a_baseline_asks_for_it() -> None:
    parsed = parse_calculation("What sample size do I need for 5% MDE at 80% power?")
    assert parsed.tool == "proportions_sample_size"
    assert [m.name for m in parsed.missing] == ["baseline"]
    assert parsed.missing[0].question == "What is the baseline conversion rate of the control group?"
    assert "baseline" not in parsed.params
    assert not parsed.calculable


def test_vision_example_with_a_baseline_computes() -> None:
    parsed = parse_calculation(
        "What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?"
    )
    assert parsed.calculable
    assert parsed.params == {"baseline": 0.1, "mde": 0.05, "mde_type": "relative", "power": 0.8}
    result = run_tool(parsed.tool or "", parsed.params, assumptions=parsed.assumptions)
    assert result.outputs_rounded["n_control"] == 57763
    assert "α = 0.05 two-sided (not stated in the question)" in result.assumptions


def test_percent_mde_is_relative_and_says_so() -> None:
    parsed = parse_calculation("Sample size for a 10% baseline and 5% MDE")
    assert parsed.params["mde_type"] == "relative"
    assert any("relative" in a for a in parsed.assumptions)


@pytest.mark.parametrize("phrase", ["5 percentage points", "5pp", "5 pp", "5 points"])
def test_percentage_points_are_absolute(phrase: str) -> None:
    parsed = parse_calculation(f"How many users do I need at a 20% baseline to detect {phrase}?")
    assert parsed.params["mde"] == pytest.approx(0.05)
    assert parsed.params["mde_type"] == "absolute"


def test_lift_from_to_gives_both_rates() -> None:
    parsed = parse_calculation("How many visitors per variant to see a lift from 10% to 11%?")
    assert parsed.params["baseline"] == pytest.approx(0.10)
    assert parsed.params["p2"] == pytest.approx(0.11)


@pytest.mark.parametrize(
    ("text", "alpha"),
    [
        ("alpha 0.01", 0.01),
        ("a significance level of 1%", 0.01),
        ("95% confidence", 0.05),
        ("alpha = 10%", 0.1),
    ],
)
def test_significance_phrasings(text: str, alpha: float) -> None:
    parsed = parse_calculation(f"Sample size for a 10% baseline and 5% MDE with {text}")
    assert parsed.params["alpha"] == pytest.approx(alpha)


@pytest.mark.parametrize("text", ["one-tailed", "one-sided", "one sided"])
def test_one_sided_phrasings(text: str) -> None:
    parsed = parse_calculation(f"Sample size for a 10% baseline and 5% MDE, {text}")
    assert parsed.params["alternative"] == "larger"


def test_method_names_are_recognised() -> None:
    cases = {
        "using Cohen's h": "cohens_h",
        "like power.prop.test": "pooled",
        "like Evan Miller's calculator": "evan_miller",
    }
    for text, method in cases.items():
        parsed = parse_calculation(f"Sample size for a 10% baseline and 5% MDE {text}")
        assert parsed.params["method"] == method
        assert parsed.method_requested == method
    rule = parse_calculation(
        "Rule of thumb sample size per group for a difference of 1 with a standard deviation of 4"
    )
    assert rule.tool == "means_sample_size" and rule.params["method"] == "rule_of_thumb"


def test_duration_question_with_traffic_split_and_suffixes() -> None:
    parsed = parse_calculation(
        "How long will the test take with 1.2k visitors a day, a 3% baseline conversion rate and a 10% MDE, 90/10 split?"
    )
    # A chain: the sample size under the 90/10 allocation, then the days to collect it at 1,200 a day.
    assert [s.tool for s in parsed.steps] == ["proportions_sample_size", "test_duration"]
    assert parsed.steps[0].params["ratio"] == pytest.approx(1 / 9)
    assert parsed.steps[1].params["daily_traffic"] == 1200
    assert parsed.calculable
    size, days = run_steps(parsed)
    assert days.outputs_rounded["days"] == math.ceil(size.outputs_rounded["n_total"] / 1200)


def test_duration_without_traffic_asks_for_it() -> None:
    parsed = parse_calculation("How many days will my test need for a 10% baseline and 5% MDE?")
    assert [m.name for m in parsed.missing] == ["daily_traffic"]


def test_variants_and_corrections() -> None:
    parsed = parse_calculation(
        "Sample size with 3 variants, baseline 4%, 0.5pp MDE and a Bonferroni correction"
    )
    assert parsed.params["variants"] == 3
    assert parsed.params["correction"] == "bonferroni"
    assert any("3 treatment variants" in a for a in parsed.assumptions)


def test_srm_counts() -> None:
    parsed = parse_calculation("Do we have an SRM? 50,000 vs 48,900 users")
    assert parsed.tool == "srm_check"
    assert parsed.params["counts"] == [50000, 48900]
    result = run_tool("srm_check", parsed.params)
    assert result.outputs["mismatch"] is True


def test_p_value_lists() -> None:
    parsed = parse_calculation("Adjust these p-values with Benjamini-Hochberg: 0.01, 0.04, 0.03 and 0.2")
    assert parsed.tool == "multiple_testing"
    assert parsed.params == {"p_values": [0.01, 0.04, 0.03, 0.2], "method": "benjamini_hochberg"}


def test_cuped_correlation() -> None:
    parsed = parse_calculation(
        "With CUPED and a correlation of 0.5, how many users per group instead of 20k per group?"
    )
    assert parsed.tool == "cuped"
    assert parsed.params["correlation"] == 0.5
    assert parsed.params["n_per_group"] == 20000


def test_power_and_mde_questions() -> None:
    power = parse_calculation("What power do I have with 5,000 users per group, baseline 20% and a 10% lift?")
    assert power.tool == "proportions_power" and power.params["n_per_group"] == 5000
    mde = parse_calculation("What is the MDE with 10k users per group at a 3% baseline?")
    assert mde.tool == "proportions_mde" and mde.calculable


def test_interval_and_p_value_from_counts() -> None:
    ci = parse_calculation("95% confidence interval for 120 out of 1,000 vs 150 out of 1,000")
    assert ci.tool == "ci_proportion_difference"
    assert ci.params["conversions_a"] == 120 and ci.params["n_b"] == 1000
    z = parse_calculation("Is 120/1000 vs 150/1000 statistically significant?")
    assert z.tool == "two_proportion_z_test"


def test_means_question_needs_a_standard_deviation() -> None:
    parsed = parse_calculation("How many users per group to detect a $2 difference in average order value?")
    assert parsed.tool == "means_sample_size"
    assert [m.name for m in parsed.missing] == ["sd"]


def test_group_sequential_question() -> None:
    parsed = parse_calculation("O'Brien-Fleming boundaries for 5 interim looks at alpha 0.05")
    assert parsed.tool == "group_sequential"
    assert parsed.params == {"looks": 5, "spending_function": "obrien_fleming", "alpha": 0.05}


def test_unrelated_question_is_not_calculable() -> None:
    parsed = parse_calculation("What is a holdout group?")
    assert parsed.tool is None and not parsed.calculable and parsed.reason


def test_number_suffixes() -> None:
    assert to_number("1,000") == 1000
    assert to_number("2.5", "k") == 2500
    assert to_number("1", "M") == 1_000_000


@pytest.mark.parametrize(
    ("question", "counts", "extra"),
    [
        (
            "We have 3 arms with 10,000, 10,200 and 9,500 users; is there a sample ratio mismatch?",
            [10000, 10200, 9500],
            {},
        ),
        (
            "SRM check: control 50,000 users, treatment 48,900 users, intended 50/50",
            [50000, 48900],
            {"split": [0.5, 0.5]},
        ),
        ("SRM? 9,010 vs 990 on a 90/10 split", [9010, 990], {"split": [0.9, 0.1]}),
        ("Is there SRM with 5000 and 5200 at a 1% threshold?", [5000, 5200], {"threshold": 0.01}),
        ("SRM with 1.2M and 1.19M users", [1_200_000, 1_190_000], {}),
    ],
)
def test_srm_phrasings(question: str, counts: list[float], extra: dict[str, object]) -> None:
    parsed = parse_calculation(question)
    assert parsed.tool == "srm_check"
    assert parsed.params["counts"] == counts
    for key, value in extra.items():
        assert parsed.params[key] == value


def test_srm_without_counts_asks_for_them() -> None:
    parsed = parse_calculation("How do I check for a sample ratio mismatch?")
    assert [m.name for m in parsed.missing] == ["counts"]


# Wordings from eval/questions.jsonl that the parser once missed (ids in the test names).


def test_calc_29_rates_without_from_are_baseline_and_target() -> None:
    parsed = parse_calculation("sample size for 45% to 65% using cohen's h, 80% power")
    assert parsed.tool == "proportions_sample_size" and parsed.calculable
    assert parsed.params["baseline"] == pytest.approx(0.45)
    assert parsed.params["p2"] == pytest.approx(0.65)
    assert parsed.params["method"] == "cohens_h"
    result = run_tool(parsed.tool or "", parsed.params)
    assert result.outputs["n_per_variant"] == pytest.approx(95.7694, rel=1e-4)


def test_rates_to_power_are_not_a_baseline_and_target() -> None:
    parsed = parse_calculation("How many users per group to raise power from 10% baseline, 80% to 90% power?")
    assert "p2" not in parsed.params


def test_calc_04_correlation_power() -> None:
    parsed = parse_calculation(
        "How many observations do I need to detect a correlation of r = 0.3 with 80% power?"
    )
    assert parsed.tool == "correlation_power" and parsed.calculable
    assert parsed.params == {"r": 0.3, "power": 0.8}
    result = run_tool(parsed.tool or "", parsed.params)
    assert result.outputs["n"] == pytest.approx(84.07364, rel=1e-5)
    with_n = parse_calculation("What power do I have to detect a correlation of 0.2 with n = 100?")
    assert with_n.tool == "correlation_power" and with_n.params == {"r": 0.2, "n": 100}
    unknown = parse_calculation("How many pairs do I need to detect a correlation?")
    assert [m.name for m in unknown.missing] == ["r"]


def test_calc_23_welch_reads_both_groups() -> None:
    parsed = parse_calculation(
        "control mean 10.2 sd 4 n 500, treatment mean 10.9 sd 4.5 n 520, is the difference significant?"
    )
    assert parsed.tool == "welch_t_test" and parsed.calculable
    assert parsed.params == {"mean_a": 10.2, "sd_a": 4, "n_a": 500, "mean_b": 10.9, "sd_b": 4.5, "n_b": 520}
    outputs = run_tool(parsed.tool or "", parsed.params).outputs
    assert outputs["t"] == pytest.approx(2.62812, rel=1e-5)
    assert outputs["p_value"] == pytest.approx(0.0087158, rel=1e-4)
    ci = parse_calculation(
        "95% confidence interval for the difference in means: mean 20 sd 5 with 400 users vs mean 21 sd 6 with 410 users"
    )
    assert ci.tool == "ci_mean_difference" and ci.params["n_b"] == 410 and ci.params["sd_b"] == 6


def test_welch_with_one_group_described_asks_for_the_means() -> None:
    parsed = parse_calculation("control mean 10.2 sd 4 n 500, is the treatment significant?")
    assert parsed.tool == "welch_t_test"
    assert [m.name for m in parsed.missing] == ["means"]


def test_calc_28_rule_of_thumb_on_a_conversion_rate() -> None:
    parsed = parse_calculation(
        "baseline 5% conversion, want to detect a 5% relative change, rule of thumb 16 sigma squared: "
        "how many users per variant?"
    )
    assert parsed.tool == "means_sample_size" and parsed.calculable
    assert parsed.params["method"] == "rule_of_thumb"
    assert parsed.params["sd"] ** 2 == pytest.approx(0.05 * 0.95)
    assert parsed.params["delta"] == pytest.approx(0.0025)
    assert any("p(1 − p)" in a for a in parsed.assumptions)
    result = run_tool(parsed.tool or "", parsed.params)
    assert result.outputs["n_group1"] == pytest.approx(121600, rel=1e-9)


@pytest.mark.parametrize(
    "question",
    [
        "How is a p-value related to the type 1 error rate?",
        "my test shows a +40% lift on checkout, should I trust it?",
        "Why do a few outliers blow up the sample size I need? is it the variance?",
        "what is a p-value, in plain english",
    ],
)
def test_conceptual_questions_are_not_calculations(question: str) -> None:
    parsed = parse_calculation(question)
    assert parsed.tool is None and not parsed.calculable


@pytest.mark.parametrize(
    ("question", "tool", "missing"),
    [
        ("What sample size do I need for 5% MDE at 80% power?", "proportions_sample_size", ["baseline"]),
        ("is there an SRM in my test?", "srm_check", ["counts"]),
        ("How much will CUPED cut my sample size?", "cuped", ["correlation"]),
        ("What is the p-value? I have no data yet", "two_proportion_z_test", ["conversions"]),
    ],
)
def test_calculation_requests_without_data_ask_for_it(question: str, tool: str, missing: list[str]) -> None:
    parsed = parse_calculation(question)
    assert parsed.tool == tool
    assert [m.name for m in parsed.missing] == missing


@pytest.mark.parametrize(
    "question",
    [
        "baseline 10%, MDE 5%, 90% power",
        "How do I size a test for a 10% baseline and 5% MDE?",
        "Can you compute the sample size for 120 out of 1000 vs 150 out of 1000?",
    ],
)
def test_terse_or_procedural_requests_with_data_still_calculate(question: str) -> None:
    assert parse_calculation(question).tool == "proportions_sample_size"
