"""Delta-method ratio metrics against statsmodels' general delta-method engine (NonlinearDeltaCov)."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats._delta_method import NonlinearDeltaCov

from tools.errors import CalculationInputError
from tools.ratio_metrics import RatioArm, compare_ratios, ratio_metric_result


def _units(seed: int, n: int, value: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    orders = rng.poisson(2.0, n) + 1
    revenue = orders * rng.gamma(2.0, value / 2, n)
    return revenue.astype(float), orders.astype(float)


def test_ratio_variance_matches_statsmodels_nonlinear_delta_cov() -> None:
    x, y = _units(1, 4000, 30.0)
    arm = RatioArm.from_units(list(x), list(y))
    ratio, variance = arm.ratio_and_variance()
    means = np.array([x.mean(), y.mean()])
    cov = np.cov(np.vstack([x, y])) / len(x)
    reference = NonlinearDeltaCov(lambda p: np.array([p[0] / p[1]]), means, cov)
    assert ratio == pytest.approx(x.sum() / y.sum())
    assert variance == pytest.approx(float(reference.cov()[0, 0]), rel=1e-9)


def test_treatment_with_higher_revenue_per_order_is_detected_and_the_sums_api_agrees() -> None:
    xa, ya = _units(2, 5000, 30.0)
    xb, yb = _units(3, 5000, 33.0)
    a, b = RatioArm.from_units(list(xa), list(ya)), RatioArm.from_units(list(xb), list(yb))
    direct = compare_ratios(a, b)
    assert direct["p_value"] < 0.001 and direct["ci_low"] > 0
    result = ratio_metric_result(*vars(a).values(), *vars(b).values())
    assert result.outputs["p_value"] == pytest.approx(direct["p_value"])


def test_impossible_sums_are_rejected_naming_the_field() -> None:
    with pytest.raises(CalculationInputError) as exc:
        ratio_metric_result(10, 100, 20, 1, 50, 100, 10, 100, 20, 1100, 50, 210)
    assert exc.value.field == "num_sq_sum_a"
