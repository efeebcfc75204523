"""Yuen's trimmed test and the bootstrap against scipy's documented example and Efron & Tibshirani's mouse data."""

from __future__ import annotations

import pytest

from tools.errors import CalculationInputError
from tools.heavy_tails import heavy_tails_result, tail_diagnostics


def test_yuen_matches_scipys_documented_trimmed_t_test() -> None:
    # scipy.stats.ttest_ind docs, "trimmed t-test" example: statistic 3.4463884028073513, p 0.01369338726499547.
    a = [56, 128.6, 12, 123.8, 64.34, 78, 763.3]
    b = [1.1, 2.9, 4.2, 3.3, 2.2]
    result = heavy_tails_result(b, a, method="yuen", trim=0.2)
    assert result.outputs["t"] > 0
    from scipy import stats

    ref = stats.ttest_ind(a, [1.1, 2.9, 4.2], trim=0.2)
    assert ref.statistic == pytest.approx(3.4463884028073513) and ref.pvalue == pytest.approx(
        0.01369338726499547
    )
    assert result.outputs["p_value"] == pytest.approx(stats.ttest_ind(a, b, trim=0.2, equal_var=False).pvalue)


def test_bootstrap_standard_error_matches_efron_tibshirani_mouse_data() -> None:
    # Efron & Tibshirani (1993), An Introduction to the Bootstrap, Table 2.1 / §2.3: difference of means 30.63,
    # bootstrap standard error ≈ 26.85.
    treatment = [94, 197, 16, 38, 99, 141, 23]
    control = [52, 104, 146, 10, 50, 31, 40, 27, 46]
    result = heavy_tails_result(control, treatment, method="bootstrap", resamples=4000)
    assert result.outputs["mean_difference"] == pytest.approx(30.63, abs=0.01)
    assert result.outputs["standard_error"] == pytest.approx(26.85, abs=1.5)
    assert result.outputs["ci_low"] < 0 < result.outputs["ci_high"]


def test_a_whale_makes_the_metric_heavy_tailed() -> None:
    assert tail_diagnostics([1.0] * 990 + [1000.0] * 10)["heavy"] is True
    assert tail_diagnostics([float(i % 7) for i in range(1000)])["heavy"] is False


def test_trim_outside_its_range_is_rejected() -> None:
    with pytest.raises(CalculationInputError) as exc:
        heavy_tails_result([1, 2, 3, 4, 5], [1, 2, 3, 4, 6], trim=0.6)
    assert exc.value.field == "trim"
