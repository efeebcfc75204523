"""One-way ANOVA from summary statistics, against scipy's f_oneway on data with exactly those statistics."""

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


def test_the_f_test_matches_scipy_on_data_with_those_statistics() -> None:
    arms = [_arm(12.1, 4.0, 500, 1), _arm(12.6, 4.2, 480, 2), _arm(13.0, 4.1, 520, 3)]
    r = run_tool(
        "oneway_anova",
        {"means": [12.1, 12.6, 13.0], "sds": [4.0, 4.2, 4.1], "ns": [500, 480, 520]},
    )
    expected = stats.f_oneway(*arms)
    assert r.outputs["f"] == pytest.approx(float(expected.statistic), rel=1e-9)
    assert r.outputs["p_value"] == pytest.approx(float(expected.pvalue), rel=1e-9)
    assert (r.outputs["df_between"], r.outputs["df_within"]) == (2, 1497)
    assert r.outputs["significant"] is True
    # Welch's ANOVA is the alternative, and asked for, the answer
    welch = stats.f_oneway(*arms, equal_var=False)
    assert r.alternatives[0].outputs["f"] == pytest.approx(float(welch.statistic), rel=1e-9)
    r = run_tool(
        "oneway_anova",
        {"means": [12.1, 12.6, 13.0], "sds": [4.0, 4.2, 4.1], "ns": [500, 480, 520], "use_var": "unequal"},
    )
    assert r.outputs["p_value"] == pytest.approx(float(welch.pvalue), rel=1e-9)


def test_very_different_sds_point_to_welch() -> None:
    r = run_tool("oneway_anova", {"means": [10, 11, 12], "sds": [2, 2, 6], "ns": [100, 100, 100]})
    assert "prefer Welch's ANOVA" in r.notes[0]


def test_two_arms_or_mismatched_lists_are_refused_with_what_to_do() -> None:
    with pytest.raises(CalculationInputError, match="welch_t_test"):
        run_tool("oneway_anova", {"means": [1, 2], "sds": [1, 1], "ns": [10, 10]})
    with pytest.raises(CalculationInputError, match="one mean, SD and size per arm"):
        run_tool("oneway_anova", {"means": [1, 2, 3], "sds": [1, 1], "ns": [10, 10, 10]})
