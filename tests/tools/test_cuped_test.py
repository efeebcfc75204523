"""CUPED-adjusted analysis from sums equals the ANCOVA treatment effect (statsmodels OLS)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from tools.cuped_test import CovariateArm, cuped_compare, cuped_test_result
from tools.errors import CalculationInputError


def _arm(y: np.ndarray, x: np.ndarray) -> CovariateArm:
    return CovariateArm(len(y), y.sum(), (y**2).sum(), x.sum(), (x**2).sum(), (x * y).sum())


def test_adjusted_difference_equals_the_regression_coefficient_and_shrinks_the_se() -> None:
    # Deng et al. (2013), §3.3: CUPED with a pooled θ is the regression Y ~ T + X; reference: statsmodels OLS.
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.gamma(2, 10, 2 * n)
    t = np.r_[np.zeros(n), np.ones(n)]
    y = 0.8 * x + rng.normal(0, 5, 2 * n) + 1.0 * t
    result = cuped_compare(_arm(y[t == 0], x[t == 0]), _arm(y[t == 1], x[t == 1]))
    ols = sm.OLS(y, sm.add_constant(np.c_[t, x])).fit()
    assert result["difference"] == pytest.approx(float(ols.params[1]), rel=1e-9)
    assert result["se"] == pytest.approx(float(ols.bse[1]), rel=0.01)
    assert result["variance_reduction"] > 0.8
    assert result["ci_low"] < 1.0 < result["ci_high"]


def test_a_constant_covariate_is_rejected_naming_the_field() -> None:
    with pytest.raises(CalculationInputError) as exc:
        cuped_test_result(4, 10, 30, 8, 16, 20, 4, 12, 40, 8, 16, 24)
    assert exc.value.field == "pre_sum_sq_a"
