"""p-values from summary data, multiple testing, SRM, CUPED and test duration."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from tools.errors import CalculationInputError
from tools.registry import run_tool

# Benjamini & Hochberg (1995) JRSS-B 57:289-300, section 4: the 15 p-values of the myocardial-infarction example.
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


def test_benjamini_hochberg_1995_example_rejects_four_and_bonferroni_three() -> None:
    # The paper: the FDR procedure rejects the 4 smallest at q = 0.05; Bonferroni (0.05/15) rejects 3.
    bh = run_tool("multiple_testing", {"p_values": BH_1995, "method": "benjamini_hochberg"})
    assert bh.outputs["n_rejected"] == 4
    assert bh.outputs["rejected"][:4] == [True] * 4
    bonferroni = run_tool("multiple_testing", {"p_values": BH_1995, "method": "bonferroni"})
    assert bonferroni.outputs["n_rejected"] == 3
    holm = run_tool("multiple_testing", {"p_values": BH_1995, "method": "holm"})
    assert holm.outputs["n_rejected"] == 3
    assert bh.alternatives[0].method.startswith("Benjamini-Hochberg")


def test_adjusted_p_values_follow_their_definitions() -> None:
    ps = [0.01, 0.04, 0.03, 0.005]
    bonf = run_tool("multiple_testing", {"p_values": ps, "method": "bonferroni"}).outputs["adjusted_p_values"]
    assert bonf == pytest.approx([0.04, 0.16, 0.12, 0.02])
    bh = run_tool("multiple_testing", {"p_values": ps, "method": "benjamini_hochberg"}).outputs[
        "adjusted_p_values"
    ]
    assert bh == pytest.approx([0.02, 0.04, 0.04, 0.02])
    by = run_tool("multiple_testing", {"p_values": ps, "method": "benjamini_yekutieli"}).outputs[
        "adjusted_p_values"
    ]
    c = sum(1 / k for k in range(1, 5))
    assert by == pytest.approx([min(1, v * c) for v in bh])


def test_two_proportion_z_matches_statsmodels() -> None:
    result = run_tool(
        "two_proportion_z_test", {"conversions_a": 120, "n_a": 1000, "conversions_b": 150, "n_b": 1000}
    )
    z, p = proportions_ztest([150, 120], [1000, 1000])
    assert result.outputs["z"] == pytest.approx(z, rel=1e-12)
    assert result.outputs["p_value"] == pytest.approx(p, rel=1e-12)


def test_welch_t_matches_scipy() -> None:
    params = {"mean_a": 5.0, "sd_a": 1.5, "n_a": 40, "mean_b": 5.8, "sd_b": 2.5, "n_b": 35}
    result = run_tool("welch_t_test", params)
    ref = stats.ttest_ind_from_stats(5.8, 2.5, 35, 5.0, 1.5, 40, equal_var=False)
    assert result.outputs["t"] == pytest.approx(ref.statistic, rel=1e-12)
    assert result.outputs["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)


def test_chi_square_independence_2x2_equals_the_squared_z() -> None:
    table = [[120, 880], [150, 850]]
    chi = run_tool("chi_square_independence", {"table": table})
    z = run_tool(
        "two_proportion_z_test", {"conversions_a": 120, "n_a": 1000, "conversions_b": 150, "n_b": 1000}
    )
    assert chi.outputs["chi2"] == pytest.approx(z.outputs["z"] ** 2, rel=1e-10)
    assert chi.outputs["p_value"] == pytest.approx(z.outputs["p_value"], rel=1e-10)


def test_goodness_of_fit_against_a_uniform_die() -> None:
    result = run_tool("chi_square_goodness_of_fit", {"observed": [16, 18, 16, 14, 12, 12]})
    assert result.outputs["chi2"] == pytest.approx(2.0)  # Σ(O − 14.67)²/14.67 over six faces
    assert result.outputs["df"] == 5


def test_an_srm_p_value_below_double_precision_is_said_to_be_so_not_zero() -> None:
    # 52/48 of 2 million users: χ² = 3200, whose tail probability underflows a double to exactly 0
    result = run_tool("srm_check", {"counts": [1_040_000, 960_000]})
    assert result.outputs["chi2"] == pytest.approx(3200.0) and result.outputs["p_value"] == 0.0
    assert (
        "p < 1e-300, far below 0.001" in result.outputs["verdict"]
        and "p = 0 " not in result.outputs["verdict"]
    )


def test_srm_verdict_for_an_unbalanced_50_50_test() -> None:
    result = run_tool("srm_check", {"counts": [50000, 48900]})
    expected = 49450
    chi2 = 2 * 550**2 / expected
    assert result.outputs["chi2"] == pytest.approx(chi2, rel=1e-12)
    assert result.outputs["p_value"] == pytest.approx(stats.chi2.sf(chi2, 1), rel=1e-10)
    assert result.outputs["mismatch"] is True
    # the verdict answers "is it just noise?" in words, not only with the p-value
    assert "very unlikely to be chance: it is not noise" in result.outputs["verdict"]
    ok = run_tool("srm_check", {"counts": [50000, 49900]})
    assert ok.outputs["mismatch"] is False and "consistent with chance" in ok.outputs["verdict"]


def test_srm_respects_an_intended_uneven_split_and_many_arms() -> None:
    ok = run_tool("srm_check", {"counts": [9010, 990], "split": [90, 10]})
    assert ok.outputs["mismatch"] is False
    three = run_tool("srm_check", {"counts": [3000, 3050, 2700], "split": "1,1,1"})
    assert three.outputs["df"] == 2 and three.outputs["mismatch"] is True


def test_cuped_reduces_variance_by_rho_squared() -> None:
    result = run_tool("cuped", {"correlation": 0.5, "n_per_group": 10000, "mde": 0.02, "daily_traffic": 2000})
    assert result.outputs["variance_factor"] == pytest.approx(0.75)
    assert result.outputs_rounded["n_per_group_cuped"] == 7500
    assert result.outputs["mde_cuped"] == pytest.approx(0.02 * math.sqrt(0.75))
    assert result.outputs_rounded["days_without_cuped"] == 10
    assert result.outputs_rounded["days_with_cuped"] == 8


def test_duration_rounds_up_to_whole_weeks_and_explains_why() -> None:
    result = run_tool("test_duration", {"daily_traffic": 1000, "n_per_group": 4000})
    assert result.outputs_rounded["days"] == 8
    assert result.outputs_rounded["weeks"] == 2
    assert result.outputs_rounded["days_in_whole_weeks"] == 14
    assert any("weekday" in note for note in result.notes)


def test_duration_with_uneven_split_is_set_by_the_smallest_arm() -> None:
    result = run_tool(
        "test_duration", {"daily_traffic": 1000, "n_per_group": 1000, "split": [90, 10], "exposed_share": 0.5}
    )
    assert result.outputs["days"] == pytest.approx(1000 / (1000 * 0.5 * 0.1))


def test_duration_can_size_the_test_itself() -> None:
    sized = run_tool("proportions_sample_size", {"baseline": 0.1, "mde": 0.1})
    result = run_tool("test_duration", {"daily_traffic": 500, "baseline": 0.1, "mde": 0.1})
    assert result.outputs["n_per_group"] == sized.outputs_rounded["n_control"]
    assert result.outputs_rounded["days"] == math.ceil(2 * sized.outputs_rounded["n_control"] / 500)


@pytest.mark.parametrize(
    ("tool", "params", "field"),
    [
        ("multiple_testing", {"p_values": [0.1, 1.2]}, "p_values"),
        ("multiple_testing", {"p_values": []}, "p_values"),
        ("srm_check", {"counts": [100]}, "observed"),
        ("srm_check", {"counts": [100, 90], "threshold": 0}, "threshold"),
        ("srm_check", {"counts": [100, 90], "split": [50, 30, 20]}, "expected"),
        ("cuped", {"correlation": 1.0}, "correlation"),
        ("test_duration", {"daily_traffic": 0, "n_per_group": 100}, "daily_traffic"),
        ("test_duration", {"daily_traffic": 100, "n_per_group": 100, "exposed_share": 1.5}, "exposed_share"),
        ("test_duration", {"daily_traffic": 100}, "n_per_group"),
        (
            "two_proportion_z_test",
            {"conversions_a": 0, "n_a": 10, "conversions_b": 0, "n_b": 10},
            "conversions_a",
        ),
        ("welch_t_test", {"mean_a": 1, "sd_a": 0, "n_a": 5, "mean_b": 2, "sd_b": 0, "n_b": 5}, "sd_a"),
        ("chi_square_independence", {"table": [[1, 2, 3]]}, "table"),
        ("chi_square_independence", {"table": [[0, 0], [1, 2]]}, "table"),
    ],
)
def test_bad_inputs_name_the_field(tool: str, params: dict[str, object], field: str) -> None:
    with pytest.raises(CalculationInputError) as err:
        run_tool(tool, params)
    assert err.value.field == field


def test_adjustments_agree_with_statsmodels_multipletests() -> None:
    from statsmodels.stats.multitest import multipletests

    ps = [0.001, 0.2, 0.013, 0.04, 0.04, 0.5, 0.0201, 0.9]
    names = {
        "bonferroni": "bonferroni",
        "holm": "holm",
        "benjamini_hochberg": "fdr_bh",
        "benjamini_yekutieli": "fdr_by",
    }
    for ours, theirs in names.items():
        reject, adjusted, _, _ = multipletests(ps, alpha=0.05, method=theirs)
        result = run_tool("multiple_testing", {"p_values": ps, "method": ours})
        assert result.outputs["adjusted_p_values"] == pytest.approx(list(adjusted), abs=1e-15)
        assert result.outputs["rejected"] == [bool(r) for r in reject]


def test_a_family_larger_than_the_p_values_listed() -> None:
    # BH 1995's nine smallest p-values, told as coming from a family of 15: the unlisted six are all above 0.3, so
    # every method rejects what it rejects on the full list, and Bonferroni / Holm give the listed values exactly.
    listed = BH_1995[:9]
    for method in ("bonferroni", "holm", "benjamini_hochberg", "benjamini_yekutieli"):
        full = run_tool("multiple_testing", {"p_values": BH_1995, "method": method})
        part = run_tool("multiple_testing", {"p_values": listed, "method": method, "n_tests": 15})
        assert part.outputs["rejected"] == full.outputs["rejected"][:9], method
        assert part.inputs["m"] == 15
        if method in ("bonferroni", "holm"):
            assert part.outputs["adjusted_p_values"] == pytest.approx(full.outputs["adjusted_p_values"][:9])
    assert any("6 more hypotheses" in a for a in part.assumptions)
    with pytest.raises(CalculationInputError) as err:
        run_tool("multiple_testing", {"p_values": listed, "n_tests": 5})
    assert err.value.field == "n_tests"
