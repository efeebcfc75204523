"""mSPRT p-values and confidence sequences: the closed forms, their duality, and validity under continuous peeking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tools.always_valid import cs_half_width, msprt_p_value, msprt_result


def test_the_confidence_sequence_is_the_set_of_effects_the_msprt_does_not_reject() -> None:
    # Johari et al. (2017) p-value and Howard et al. (2021) normal-mixture boundary are duals: at the CS edge p = α.
    variance, tau2, alpha = 0.0004, 0.0009, 0.05
    half = cs_half_width(variance, tau2, alpha)
    assert msprt_p_value(half, variance, tau2) == pytest.approx(alpha, rel=1e-9)
    # Λ at θ̂ = 0 is √(V/(V+τ²)) < 1, so p = 1.
    assert msprt_p_value(0.0, variance, tau2) == 1.0


def test_confidence_sequence_is_wider_than_the_fixed_horizon_interval() -> None:
    result = msprt_result(10000, 10050, 1000, 1090)
    width = result.outputs["cs_high"] - result.outputs["cs_low"]
    fixed = 2 * 1.959964 * math.sqrt(0.1 * 0.9 / 10000 + (1090 / 10050) * (1 - 1090 / 10050) / 10050)
    assert width > fixed


def test_peeking_after_every_batch_keeps_the_false_positive_rate_below_alpha() -> None:
    # Under H0 a fixed-horizon z test checked 100 times rejects far more than 5%; the mSPRT stays below α.
    rng = np.random.default_rng(2017)
    sims, looks, batch, alpha = 1000, 100, 50, 0.05
    tau2 = 0.25**2
    rejected_msprt = rejected_naive = 0
    for _ in range(sims):
        diffs = rng.normal(0, 1, (looks, batch)).sum(axis=1).cumsum()
        n = batch * np.arange(1, looks + 1)
        est, var = diffs / n, 1.0 / n
        p = [msprt_p_value(e, v, tau2) for e, v in zip(est, var, strict=True)]
        rejected_msprt += min(p) < alpha
        rejected_naive += bool(np.any(np.abs(est / np.sqrt(var)) > 1.959964))
    assert rejected_msprt / sims <= alpha
    assert rejected_naive / sims > 0.2


def test_earlier_looks_lower_the_reported_p_value_to_their_running_minimum() -> None:
    result = msprt_result(10000, 10050, 1000, 1090, previous_p_values=[0.01])
    assert result.outputs["always_valid_p_value"] == 0.01
