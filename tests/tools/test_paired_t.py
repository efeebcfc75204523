"""The paired t test from the mean and SD of the per-unit differences, against scipy's ttest_rel on pairs with
exactly those statistics."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tools.errors import CalculationInputError
from tools.registry import run_tool


def _arm(mean: float, sd: float, n: int, seed: int) -> np.ndarray:
    """n values whose sample mean and SD (ddof 1) are exactly ``mean`` and ``sd``."""
    x = np.random.default_rng(seed).normal(size=n)
    return mean + sd * (x - x.mean()) / x.std(ddof=1)


def test_the_paired_t_test_from_summaries_matches_scipy_on_pairs_with_those_statistics() -> None:
    rng = np.random.default_rng(7)
    before = rng.normal(10, 4, size=40)
    changes = _arm(1.2, 3.1, 40, 8)
    after = before + changes
    r = run_tool("paired_t_test", {"mean_difference": 1.2, "sd_difference": 3.1, "n_pairs": 40})
    expected = stats.ttest_rel(after, before)
    assert r.outputs["t"] == pytest.approx(float(expected.statistic), rel=1e-9)
    assert r.outputs["p_value"] == pytest.approx(float(expected.pvalue), rel=1e-9)
    ci = expected.confidence_interval(0.95)
    assert (r.outputs["lower"], r.outputs["upper"]) == pytest.approx(
        (float(ci.low), float(ci.high)), rel=1e-9
    )
    one_sided = run_tool(
        "paired_t_test",
        {"mean_difference": 1.2, "sd_difference": 3.1, "n_pairs": 40, "alternative": "larger"},
    )
    assert one_sided.outputs["p_value"] == pytest.approx(r.outputs["p_value"] / 2, rel=1e-9)
    with pytest.raises(CalculationInputError, match="n_pairs"):
        run_tool("paired_t_test", {"mean_difference": 1.2, "sd_difference": 3.1, "n_pairs": 1})
