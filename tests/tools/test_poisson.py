"""Poisson rate tests and power against Gu et al. (2008) and PASS (as recorded in statsmodels' tests)."""

from __future__ import annotations

import pytest

from tools.errors import CalculationInputError
from tools.poisson import poisson_power_result, poisson_test_result


def test_rate_test_matches_gu_et_al_example_1() -> None:
    # Gu, Ng, Tang & Schucany (2008), example 1: 60 events / 51477.5 vs 30 / 54308.7; one-sided p: score 0.000316,
    # Wald 0.000356 (two-sided = 2×).
    score = poisson_test_result(30, 54308.7, 60, 51477.5, method="score")
    wald = poisson_test_result(30, 54308.7, 60, 51477.5, method="wald")
    assert score.outputs["p_value"] == pytest.approx(2 * 0.000316, abs=5e-6)
    assert wald.outputs["p_value"] == pytest.approx(2 * 0.000356, abs=5e-6)
    assert score.outputs["rate_ratio"] == pytest.approx(2.10999757, rel=1e-6)


def test_power_matches_pass() -> None:
    # PASS ch. 437 (non-inferiority of a rate ratio, margin 1.2): rates 1.8 vs 2.2, 29 per group, exposure 2.5,
    # α = 0.025 one-sided -> power 0.90056.
    result = poisson_power_result(
        2.2, 1.8, n_per_group=29, exposure=2.5, alpha=0.025, alternative="smaller", null_ratio=1.2
    )
    assert result.outputs["power"] == pytest.approx(0.90056, abs=5e-5)


def test_solving_for_n_reaches_the_target_power() -> None:
    result = poisson_power_result(1.0, 1.2, power=0.8)
    n = result.outputs_rounded["n_per_group"]
    assert poisson_power_result(1.0, 1.2, n_per_group=n).outputs["power"] >= 0.8
    assert poisson_power_result(1.0, 1.2, n_per_group=n - 2).outputs["power"] < 0.8


def test_no_events_is_rejected() -> None:
    with pytest.raises(CalculationInputError) as exc:
        poisson_test_result(0, 10, 0, 10)
    assert exc.value.field == "count_a"
