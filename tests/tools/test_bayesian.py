"""Bayesian A/B: exact P(B > A), expected loss and credible intervals against closed forms and simulation."""

from __future__ import annotations

import numpy as np
import pytest

from tools.bayesian import bayesian_means_result, bayesian_proportions_result, prob_b_beats_a_beta
from tools.errors import CalculationInputError


def test_prob_b_beats_a_matches_the_analytic_integral() -> None:
    # A ~ Beta(2, 1) (density 2x), B ~ Beta(1, 1): P(B > A) = ∫ 2x(1 − x) dx = 1/3 (elementary integral).
    assert prob_b_beats_a_beta(2, 1, 1, 1) == pytest.approx(1 / 3, abs=1e-12)
    # Non-integer shape: numerical integration path gives the same answer as Evan Miller's sum for a whole shape.
    assert prob_b_beats_a_beta(2, 1, 1.0 + 1e-9, 1) == pytest.approx(1 / 3, abs=1e-6)


def test_evan_miller_closed_form_agrees_with_a_large_simulation() -> None:
    # Reference: Evan Miller (2015), "Formulas for Bayesian A/B Testing" (closed form); checked by 4M draws.
    result = bayesian_proportions_result(1000, 10000, 1090, 10050)
    rng = np.random.default_rng(7)
    a = rng.beta(1001, 9001, 4_000_000)
    b = rng.beta(1091, 8961, 4_000_000)
    assert result.outputs["prob_b_beats_a"] == pytest.approx((b > a).mean(), abs=5e-4)
    assert result.outputs["expected_loss_b"] == pytest.approx(np.maximum(a - b, 0).mean(), rel=0.02)
    assert result.outputs["expected_loss_a"] == pytest.approx(np.maximum(b - a, 0).mean(), rel=0.01)
    assert result.outputs["ci_low"] < 0.00846 < result.outputs["ci_high"]


def test_normal_posterior_for_means_uses_the_closed_forms() -> None:
    result = bayesian_means_result(10, 5, 1000, 10.5, 5, 1000)
    # d = 0.5, s = √(25/1000·2) = 0.2236: Φ(2.236) = 0.98733 (standard normal table).
    assert result.outputs["prob_b_beats_a"] == pytest.approx(0.98733, abs=1e-5)
    assert result.outputs["expected_loss_a"] - result.outputs["expected_loss_b"] == pytest.approx(0.5)


def test_more_conversions_than_users_is_rejected_naming_the_field() -> None:
    with pytest.raises(CalculationInputError) as exc:
        bayesian_proportions_result(11, 10, 5, 10)
    assert exc.value.field == "conversions_a"
