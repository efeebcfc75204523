"""Exact 2×2 tests against published values.

References: Chan (1998), "Exact tests of equivalence and efficacy with a non-zero lower bound for comparative
studies", Statistics in Medicine 17: the vaccine trial, 7/15 infected on vaccine vs 12/15 on placebo, one-sided
Barnard p = 0.0341 and Fisher p = 0.064 (quoted in the scipy.stats.barnard_exact documentation example).
scipy.stats.boschloo_exact documentation example: table [[74, 31], [43, 32]], one-sided ('greater') Boschloo
p = 0.0355, against Fisher's 0.0483 for the same table.
"""

from __future__ import annotations

import pytest

from tools.errors import CalculationInputError
from tools.registry import run_tool

# vaccine (treatment B) 7/15 infected, placebo (control A) 12/15: "B lower" is the one-sided alternative
CHAN = {"conversions_a": 12, "n_a": 15, "conversions_b": 7, "n_b": 15, "alternative": "smaller"}


def test_barnard_matches_chan_1998() -> None:
    r = run_tool("exact_2x2_test", {**CHAN, "method": "barnard"})
    assert r.outputs["p_value"] == pytest.approx(0.0341, abs=5e-5)
    assert "unconditional" in r.method and "Barnard" in r.method


def test_fisher_matches_chan_1998_and_is_named_conditional() -> None:
    r = run_tool("exact_2x2_test", {**CHAN, "method": "fisher"})
    assert r.outputs["p_value"] == pytest.approx(0.0641, abs=5e-4)
    assert "conditional" in r.method and "Fisher" in r.method
    assert r.outputs["odds_ratio"] == pytest.approx((7 * 3) / (8 * 12))


def test_boschloo_matches_the_scipy_documented_example() -> None:
    r = run_tool(
        "exact_2x2_test",
        {
            "conversions_a": 31,
            "n_a": 63,
            "conversions_b": 74,
            "n_b": 117,
            "method": "boschloo",
            "alternative": "larger",
        },
    )
    assert r.outputs["p_value"] == pytest.approx(0.0355, abs=1e-4)  # published to 3 significant digits
    fisher = run_tool(
        "exact_2x2_test",
        {
            "conversions_a": 31,
            "n_a": 63,
            "conversions_b": 74,
            "n_b": 117,
            "method": "fisher",
            "alternative": "larger",
        },
    )
    assert fisher.outputs["p_value"] == pytest.approx(0.0483, abs=5e-5)


def test_unconditional_test_is_less_conservative_than_fisher_two_sided() -> None:
    params = {"conversions_a": 5, "n_a": 25, "conversions_b": 13, "n_b": 27}
    fisher = run_tool("exact_2x2_test", {**params, "method": "fisher"}).outputs["p_value"]
    boschloo = run_tool("exact_2x2_test", {**params, "method": "boschloo"}).outputs["p_value"]
    assert boschloo <= fisher


def test_conversions_above_the_group_size_are_refused() -> None:
    with pytest.raises(CalculationInputError, match="exceeds"):
        run_tool("exact_2x2_test", {"conversions_a": 20, "n_a": 15, "conversions_b": 7, "n_b": 15})
