"""Confidence intervals against published worked examples and closed forms."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from tools.errors import CalculationInputError
from tools.registry import run_tool


def test_newcombe_1998_table_ii_example_a() -> None:
    # Newcombe (1998) Stat Med 17:873-890, Table II, example (a): 56/70 vs 48/80, difference 0.2.
    # Method 10 (hybrid score): 0.0524 to 0.3339. Method 1 (Wald): 0.0575 to 0.3425.
    newcombe = run_tool(
        "ci_proportion_difference", {"conversions_a": 48, "n_a": 80, "conversions_b": 56, "n_b": 70}
    )
    assert newcombe.outputs_rounded["difference"] == pytest.approx(0.2)
    assert (newcombe.outputs_rounded["lower"], newcombe.outputs_rounded["upper"]) == (0.0524, 0.3339)
    wald = run_tool(
        "ci_proportion_difference",
        {"conversions_a": 48, "n_a": 80, "conversions_b": 56, "n_b": 70, "method": "wald"},
    )
    assert (wald.outputs_rounded["lower"], wald.outputs_rounded["upper"]) == (0.0575, 0.3425)


def test_clopper_pearson_with_zero_successes_has_the_closed_form_upper_limit() -> None:
    # With x = 0 the exact upper limit is 1 − (α/2)^(1/n): n = 10 -> 0.3085.
    result = run_tool("ci_proportion", {"successes": 0, "n": 10, "method": "clopper_pearson"})
    assert result.outputs["lower"] == 0
    assert result.outputs["upper"] == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-9)


def test_clopper_pearson_matches_beta_quantiles() -> None:
    result = run_tool("ci_proportion", {"successes": 7, "n": 20, "method": "clopper_pearson"})
    assert result.outputs["lower"] == pytest.approx(stats.beta.ppf(0.025, 7, 14), abs=1e-10)
    assert result.outputs["upper"] == pytest.approx(stats.beta.ppf(0.975, 8, 13), abs=1e-10)


def test_wilson_matches_the_score_formula() -> None:
    x, n, z = 81, 263, stats.norm.ppf(0.975)
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    result = run_tool("ci_proportion", {"successes": x, "n": n})
    assert result.outputs["lower"] == pytest.approx(centre - half, abs=1e-12)
    assert result.outputs["upper"] == pytest.approx(centre + half, abs=1e-12)


def test_agresti_coull_and_wald_match_their_formulas() -> None:
    x, n, z = 15, 50, stats.norm.ppf(0.975)
    nt = n + z**2
    pt = (x + z**2 / 2) / nt
    ac = run_tool("ci_proportion", {"successes": x, "n": n, "method": "agresti_coull"})
    assert ac.outputs["lower"] == pytest.approx(pt - z * math.sqrt(pt * (1 - pt) / nt), abs=1e-12)
    wald = run_tool("ci_proportion", {"successes": x, "n": n, "method": "wald"})
    assert wald.outputs["upper"] == pytest.approx(0.3 + z * math.sqrt(0.3 * 0.7 / 50), abs=1e-12)


def test_confidence_given_as_a_percentage_is_understood() -> None:
    a = run_tool("ci_proportion", {"successes": 30, "n": 100, "confidence": 90})
    b = run_tool("ci_proportion", {"successes": 30, "n": 100, "confidence": 0.9})
    assert a.outputs == b.outputs


def test_welch_interval_matches_the_welch_t_test() -> None:
    params = {"mean_a": 10.0, "sd_a": 2.0, "n_a": 30, "mean_b": 11.2, "sd_b": 3.0, "n_b": 25}
    ci = run_tool("ci_mean_difference", params)
    test = stats.ttest_ind_from_stats(11.2, 3.0, 25, 10.0, 2.0, 30, equal_var=False)
    t_crit = stats.t.ppf(0.975, ci.outputs["df"])
    assert ci.outputs["difference"] / ci.outputs["standard_error"] == pytest.approx(test.statistic, rel=1e-12)
    assert ci.outputs["upper"] - ci.outputs["difference"] == pytest.approx(
        t_crit * ci.outputs["standard_error"]
    )


def test_relative_lift_delta_method() -> None:
    result = run_tool(
        "ci_relative_lift", {"conversions_a": 1000, "n_a": 10000, "conversions_b": 1100, "n_b": 10000}
    )
    va, vb = 0.1 * 0.9 / 10000, 0.11 * 0.89 / 10000
    se = math.sqrt(vb / 0.1**2 + 0.11**2 * va / 0.1**4)
    assert result.outputs["lift"] == pytest.approx(0.1)
    assert result.outputs["standard_error"] == pytest.approx(se, rel=1e-12)
    assert result.outputs["lower"] == pytest.approx(0.1 - stats.norm.ppf(0.975) * se, rel=1e-12)


@pytest.mark.parametrize(
    ("tool", "params", "field"),
    [
        ("ci_proportion", {"successes": 11, "n": 10}, "successes"),
        ("ci_proportion", {"successes": 1, "n": 0}, "n"),
        ("ci_proportion", {"successes": 1, "n": 10, "confidence": 1.5}, "confidence"),
        ("ci_proportion", {"successes": 1.5, "n": 10}, "successes"),
        (
            "ci_proportion_difference",
            {"conversions_a": 5, "n_a": 4, "conversions_b": 1, "n_b": 4},
            "conversions_a",
        ),
        ("ci_mean_difference", {"mean_a": 1, "sd_a": -1, "n_a": 5, "mean_b": 2, "sd_b": 1, "n_b": 5}, "sd_a"),
        ("ci_mean_difference", {"mean_a": 1, "sd_a": 1, "n_a": 1, "mean_b": 2, "sd_b": 1, "n_b": 5}, "n_a"),
        ("ci_relative_lift", {"conversions_a": 0, "n_a": 10, "conversions_b": 1, "n_b": 10}, "conversions_a"),
        ("ci_relative_lift", {"n_a": 10, "n_b": 10}, "conversions_a"),
    ],
)
def test_bad_interval_inputs_name_the_field(tool: str, params: dict[str, object], field: str) -> None:
    with pytest.raises(CalculationInputError) as err:
        run_tool(tool, params)
    assert err.value.field == field


def test_a_small_count_interval_says_how_the_normal_approximation_fails_and_gives_the_exact_one() -> None:
    result = run_tool("ci_proportion", {"successes": 3, "n": 150})
    z = stats.norm.ppf(0.975)
    half = z * math.sqrt(0.02 * 0.98 / 150)
    exact = (stats.beta.ppf(0.025, 3, 148), stats.beta.ppf(0.975, 4, 147))
    (note,) = result.notes
    assert f"gives {0.02 - half:.4f} to {0.02 + half:.4f}, below 0" in note  # -0.0024 to 0.0424
    assert f"Clopper-Pearson interval is {exact[0]:.4f} to {exact[1]:.4f}" in note
    # enough successes and failures: nothing to note
    assert run_tool("ci_proportion", {"successes": 30, "n": 150}).notes == ()


def test_an_interval_read_against_a_practical_threshold() -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    # 5.9% vs 5.0% of 20,000: the whole interval of the difference clears 0.2 points
    r = run_tool(
        "ci_proportion_difference",
        {"conversions_a": 1000, "n_a": 20000, "conversions_b": 1180, "n_b": 20000, "threshold": 0.002},
    )
    lo, hi = confint_proportions_2indep(1180, 20000, 1000, 20000, method="newcombe", compare="diff")
    assert (r.outputs["lower"], r.outputs["upper"]) == pytest.approx((lo, hi))
    assert lo > 0.002
    assert r.inputs["threshold"] == 0.002
    assert "at or above the 0.2-point threshold" in r.notes[0]
    # 5.4% vs 5.0%: the relative lift's interval, about -1% to +17%, contains a 5% threshold
    r = run_tool(
        "ci_relative_lift",
        {"conversions_a": 1000, "n_a": 20000, "conversions_b": 1080, "n_b": 20000, "threshold": 0.05},
    )
    assert r.outputs["lower"] < 0.05 < r.outputs["upper"]
    assert "contains the 5% lift threshold" in r.notes[0]
    # real but too small: significant, and the whole interval below a 1-point threshold
    r = run_tool(
        "ci_proportion_difference",
        {"conversions_a": 10000, "n_a": 200000, "conversions_b": 10800, "n_b": 200000, "threshold": 0.01},
    )
    assert r.outputs["lower"] > 0 and r.outputs["upper"] < 0.01
    assert "The effect is real but smaller than the effect worth acting on" in r.notes[0]
    # without a threshold nothing is said about one
    r = run_tool(
        "ci_relative_lift", {"conversions_a": 1000, "n_a": 20000, "conversions_b": 1080, "n_b": 20000}
    )
    assert "threshold" not in r.inputs and not r.notes


def test_a_threshold_must_be_a_number() -> None:
    with pytest.raises(CalculationInputError, match="threshold"):
        run_tool(
            "ci_relative_lift",
            {
                "conversions_a": 1000,
                "n_a": 20000,
                "conversions_b": 1080,
                "n_b": 20000,
                "threshold": float("nan"),
            },
        )
