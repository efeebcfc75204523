"""Results typed in a question: parsed when present, None when the question carries none."""

from __future__ import annotations

import pytest
from scipy import stats

from analysis.question import MEANS_METRIC, asks_for_a_decision, parse_results_from_question
from analysis.scorecard import analyse


def _counts(text: str) -> dict[str, tuple[int, int | None]] | None:
    data = parse_results_from_question(text)
    if data is None:
        return None
    return {v: (arm.n, arm.conversions) for v, arm in data.metrics["conversion"].items()}


def test_the_issue_example() -> None:
    text = "control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we ship?"
    assert _counts(text) == {"control": (10000, 1000), "treatment": (10050, 1090)}
    assert asks_for_a_decision(text)


def test_letters_rates_and_thousands() -> None:
    assert _counts("A: 5000 visitors, 250 signups. B: 5100 visitors, 300 signups. is B the winner?") == {
        "a": (5000, 250),
        "b": (5100, 300),
    }
    assert _counts("control had 12k users with 3.1% conversion and the variant 12.1k users at 3.4%") == {
        "control": (12000, 372),
        "variant": (12100, 411),
    }


def test_planning_questions_carry_no_results() -> None:
    assert _counts("What sample size do I need for a 2% lift on a 10% baseline?") is None
    assert _counts("What is a sample ratio mismatch?") is None


@pytest.mark.parametrize(
    "question",
    [
        # "a test result" is no arm A and no test arm, and a split's shares are no users or conversions
        "should we trust a test result if the split came out 52/48 on a 50/50 config with 2 million users?",
        "control vs treatment came out 51/49 on a 50/50 test with 400k users, srm?",
    ],
)
def test_a_split_of_the_traffic_carries_no_results(question: str) -> None:
    assert parse_results_from_question(question) is None


def test_a_split_beside_the_results_is_not_read_as_counts() -> None:
    data = parse_results_from_question(
        "on our 50/50 test, control: 10,000 users and 1,000 conversions, treatment: 10,050 users and 1,090 conversions"
    )
    assert data is not None and data.units == {"control": 10_000, "treatment": 10_050}


# Per-arm means: a continuous metric analysed by Welch's t test. The questions are written for these tests; the
# reference p-values are scipy's Welch test from the same summary statistics (ttest_ind_from_stats, equal_var=False).


def _means(text: str) -> dict[str, tuple[int, float, float]] | None:
    data = parse_results_from_question(text)
    if data is None:
        return None
    assert data.kinds == {MEANS_METRIC: "continuous"}
    out = {}
    for variant, arm in data.metrics[MEANS_METRIC].items():
        mean, sd = arm.mean_sd()
        out[variant] = (arm.n, round(mean, 9), round(sd, 9))
    return out


def test_mean_sd_n_per_arm_is_a_continuous_metric_not_conversions() -> None:
    text = "control mean 10.2 sd 4 n 500, treatment mean 10.9 sd 4.1 n 510 - should we ship?"
    assert _means(text) == {"control": (500, 10.2, 4.0), "treatment": (510, 10.9, 4.1)}


def test_avg_std_dev_sigma_and_money_are_read_as_means() -> None:
    assert _means(
        "A: avg order value $42.10, std dev $18.50, 1,200 users. B: avg $44.00, std dev $19.10, 1,180 users. "
        "is B the winner?"
    ) == {"a": (1200, 42.1, 18.5), "b": (1180, 44.0, 19.1)}
    assert _means("control: mean=3.2 min, σ=1.8, n=900; variant: mean=3.4, σ=1.9, n=910. significant?") == {
        "control": (900, 3.2, 1.8),
        "variant": (910, 3.4, 1.9),
    }


def test_the_control_comes_first_even_when_written_second() -> None:
    data = parse_results_from_question(
        "treatment: mean 5.6, sd 2.0, n 300; control: mean 5.1, sd 2.1, n 300. should we launch?"
    )
    assert data is not None and data.variants == ("control", "treatment")
    assert data.metrics[MEANS_METRIC]["control"].mean_sd()[0] == pytest.approx(5.1)


def test_listed_means_and_an_article_a_are_not_arms() -> None:
    # "a mean of": the article is not arm A; "means … / …": one list per statistic, arms in the order named
    expected = {"control": (500, 10.2, 4.0), "treatment": (510, 10.9, 4.1)}
    assert (
        _means(
            "control had a mean of 10.2 (sd 4, n 500) and treatment a mean of 10.9 (sd 4.1, n 510), should we ship?"
        )
        == expected
    )
    assert (
        _means("means 10.2 / 10.9, sds 4 / 4.1, sizes 500 / 510 for control and treatment, ship?") == expected
    )


def test_means_without_sizes_are_not_misread_as_users_and_conversions() -> None:
    assert parse_results_from_question("control mean 10.2 sd 4, treatment mean 10.9 sd 4.1, ship it?") is None


def test_an_average_beside_the_counts_leaves_the_conversions_alone() -> None:
    assert _counts(
        "control 10,000 users, 1,000 conversions, avg order $42; treatment 10,050 users, 1,090 conversions, "
        "avg order $44: ship?"
    ) == {"control": (10000, 1000), "treatment": (10050, 1090)}


def test_means_are_analysed_by_welch_with_scipys_p_value() -> None:
    data = parse_results_from_question(
        "control mean 10.2 sd 4 n 500, treatment mean 10.9 sd 4.1 n 510 - should we ship?"
    )
    assert data is not None
    card = analyse(data)
    finding = next(f for f in card.findings if f.kind == "continuous")
    ref = stats.ttest_ind_from_stats(10.9, 4.1, 510, 10.2, 4.0, 500, equal_var=False)
    assert finding.numbers["p_value"] == pytest.approx(ref.pvalue, rel=1e-6)
    assert finding.numbers["difference"] == pytest.approx(0.7, abs=1e-9)
    tools = [t.tool for t in card.trace]
    assert "welch_t_test" in tools and "two_proportion_z_test" not in tools


def test_three_arms_of_means_each_keep_their_name() -> None:
    data = parse_results_from_question(
        "control: mean 20.1, sd 6, n 400; variant a: mean 21.0, sd 6.2, n 410; "
        "variant b: mean 19.8, sd 5.9, n 395. any winner?"
    )
    assert data is not None and data.variants == ("control", "variant a", "variant b")
    assert data.units == {"control": 400, "variant a": 410, "variant b": 395}
