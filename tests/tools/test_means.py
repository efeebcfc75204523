"""t and z power for means against R power.t.test, G*Power and statsmodels."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower, TTestPower

from tools import means
from tools.errors import CalculationInputError
from tools.registry import run_tool


def test_power_matches_r_power_t_test_example() -> None:
    # R stats::power.t.test docs: power.t.test(n = 20, delta = 1) -> power = 0.8689528
    result = run_tool("means_power", {"n_per_group": 20, "delta": 1, "sd": 1})
    assert result.outputs["power"] == pytest.approx(0.8689528, abs=5e-8)


def test_sample_size_matches_r_power_t_test_examples() -> None:
    # R stats::power.t.test docs: power.t.test(power = .90, delta = 1) -> n = 22.02110;
    # power.t.test(power = .90, delta = 1, alternative = "one.sided") -> n = 17.84713
    two = run_tool("means_sample_size", {"delta": 1, "sd": 1, "power": 0.9})
    one = run_tool("means_sample_size", {"delta": 1, "sd": 1, "power": 0.9, "alternative": "larger"})
    assert two.outputs["n_group1"] == pytest.approx(22.02110, abs=5e-6)
    # R solves with uniroot(tol = .Machine$double.eps^0.25), so its last printed digit can be off by 1e-5.
    assert one.outputs["n_group1"] == pytest.approx(17.84713, abs=2e-5)
    assert two.outputs_rounded["n_group1"] == 23


def test_gpower_two_group_a_priori_example() -> None:
    # G*Power 3 manual / Faul et al. (2007), t test two independent means, d = 0.5, α = 0.05 two-tailed,
    # power 0.95 -> 105 per group (total 210).
    result = run_tool("means_sample_size", {"cohens_d": 0.5, "power": 0.95})
    assert result.outputs_rounded["n_group1"] == 105
    assert result.outputs_rounded["n_total"] == 210


def test_two_sample_agrees_with_statsmodels_ttestindpower_including_unequal_groups() -> None:
    # statsmodels also counts rejections in the far tail; R power.t.test (strict = FALSE) and we do not.
    for ratio in (1.0, 0.5, 3.0):
        ours = means.power(0.4, 60, 0.05, "two-sided", "two_sample", ratio, "t")
        theirs = TTestIndPower().power(0.4, 60, 0.05, ratio=ratio)
        df = 60 + 60 * ratio - 2
        ncp = 0.4 / math.sqrt(1 / 60 + 1 / (60 * ratio))
        far_tail = stats.nct.cdf(-stats.t.isf(0.025, df), df, ncp)
        assert ours + far_tail == pytest.approx(theirs, abs=1e-10)


def test_one_sample_and_paired_agree_with_statsmodels_ttestpower() -> None:
    ours = run_tool("means_sample_size", {"cohens_d": 0.3, "design": "paired", "power": 0.8})
    theirs = TTestPower().solve_power(0.3, power=0.8, alpha=0.05)
    assert ours.outputs["n_pairs"] == pytest.approx(theirs, rel=1e-5)


def test_rule_of_thumb_is_sixteen_sigma_squared_over_delta_squared() -> None:
    result = run_tool("means_sample_size", {"delta": 1, "sd": 4, "method": "rule_of_thumb"})
    assert result.outputs["n_group1"] == pytest.approx(256)
    # The exact test beside the rule: R power.t.test(delta=1, sd=4, power=0.8) gives n = 252.1281 per group,
    # recomputed here with statsmodels' TTestIndPower; the z approximation is (1.96 + 0.8416)² · 2 · 16 = 251.16.
    by_method = {alt.method: alt.outputs["n_group1"] for alt in result.alternatives}
    exact = next(n for method, n in by_method.items() if "noncentral t" in method)
    assert exact == pytest.approx(TTestIndPower().solve_power(0.25, power=0.8, alpha=0.05), rel=1e-5)
    assert exact == pytest.approx(252.1281, abs=1e-3)
    normal = next(n for method, n in by_method.items() if "normal approximation" in method)
    assert normal == pytest.approx(251.1642, abs=1e-3)


def test_rule_of_thumb_refuses_other_designs() -> None:
    with pytest.raises(CalculationInputError) as err:
        run_tool("means_sample_size", {"delta": 1, "sd": 4, "method": "rule_of_thumb", "power": 0.9})
    assert err.value.field == "power"
    with pytest.raises(CalculationInputError) as err:
        run_tool("means_sample_size", {"delta": 1, "sd": 4, "method": "rule_of_thumb", "alpha": 0.01})
    assert err.value.field == "method"


def test_z_needs_fewer_observations_than_t() -> None:
    t = run_tool("means_sample_size", {"cohens_d": 0.5})
    z = run_tool("means_sample_size", {"cohens_d": 0.5, "method": "z"})
    assert z.outputs["n_group1"] < t.outputs["n_group1"]
    z_by_hand = 2 * (1.959963984540054 + 0.8416212335729143) ** 2 / 0.25
    assert z.outputs["n_group1"] == pytest.approx(z_by_hand, rel=1e-9)


def test_mde_round_trips() -> None:
    mde = run_tool("means_mde", {"n_per_group": 50, "sd": 2})
    assert mde.outputs["mde_delta"] == pytest.approx(2 * mde.outputs["mde_cohens_d"])
    back = run_tool("means_power", {"n_per_group": 50, "cohens_d": mde.outputs["mde_cohens_d"]})
    assert back.outputs["power"] == pytest.approx(0.8, abs=1e-8)
    assert mde.outputs["mde_cohens_d"] > 0 and math.isfinite(mde.outputs["mde_cohens_d"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"delta": 1, "sd": 0}, "sd"),
        ({"delta": 0, "sd": 1}, "delta"),
        ({"cohens_d": 0}, "cohens_d"),
        ({"delta": 1}, "sd"),
        ({"cohens_d": 0.5, "alpha": 2}, "alpha"),
        ({"cohens_d": 0.5, "power": 0.01}, "power"),
        ({"cohens_d": 0.5, "design": "triple"}, "design"),
        ({"cohens_d": -0.5, "alternative": "larger"}, "alternative"),
    ],
)
def test_bad_means_inputs_name_the_field(params: dict[str, object], field: str) -> None:
    with pytest.raises(CalculationInputError) as err:
        run_tool("means_sample_size", params)
    assert err.value.field == field


def test_bad_power_sample_size_is_rejected() -> None:
    with pytest.raises(CalculationInputError) as err:
        run_tool("means_power", {"n_per_group": 1, "cohens_d": 0.5})
    assert err.value.field == "n_per_group"


def test_means_can_be_given_instead_of_delta() -> None:
    by_means = run_tool("means_sample_size", {"mean_a": 50, "mean_b": 52, "sd": 10})
    by_delta = run_tool("means_sample_size", {"delta": 2, "sd": 10})
    assert by_means.outputs == by_delta.outputs
    with pytest.raises(CalculationInputError) as err:
        run_tool("means_sample_size", {"mean_a": 50, "sd": 10})
    assert err.value.field == "mean_b"
