"""Dunnett's test from summary statistics against scipy.stats.dunnett and Dunnett (1955)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tools.dunnett import dunnett_result, dunnett_units_result
from tools.errors import CalculationInputError

# Dunnett (1955), JASA 50:1096, blood counts; the example of scipy.stats.dunnett's documentation, which reports
# p-values [0.62004941, 0.0059035].
CONTROL = [7.40, 8.50, 7.20, 8.24, 9.84, 8.32]
DRUG_A = [9.76, 8.80, 7.68, 9.36]
DRUG_B = [12.80, 9.68, 12.16, 9.20, 10.55]


def test_summary_statistics_reproduce_dunnetts_example() -> None:
    arms = [CONTROL, DRUG_A, DRUG_B]
    result = dunnett_result(
        [float(np.mean(a)) for a in arms], [float(np.std(a, ddof=1)) for a in arms], [len(a) for a in arms]
    )
    assert result.outputs["adjusted_p_values"] == pytest.approx([0.62004941, 0.0059035], abs=5e-4)
    reference = stats.dunnett(DRUG_A, DRUG_B, control=CONTROL)
    assert result.outputs["t"] == pytest.approx(list(reference.statistic), rel=1e-9)
    assert result.outputs["rejected"] == [False, True]


def test_two_arms_are_not_a_many_to_one_comparison() -> None:
    with pytest.raises(CalculationInputError) as exc:
        dunnett_result([1, 2], [1, 1], [10, 10])
    assert exc.value.field == "means"


def test_conversion_rates_are_means_of_zero_one_values() -> None:
    counts = [(120, 2000), (150, 2000), (135, 2000)]
    result = dunnett_result([x / n for x, n in counts], ns=[n for _, n in counts], proportions=True)
    units = [np.r_[np.ones(x), np.zeros(n - x)] for x, n in counts]
    # the SDs are those of the 0/1 values themselves, so the statistic is scipy's on the units
    assert result.inputs["sds"] == pytest.approx([float(np.std(u, ddof=1)) for u in units], rel=1e-12)
    assert result.outputs["t"] == pytest.approx(
        list(stats.dunnett(units[1], units[2], control=units[0]).statistic), rel=1e-9
    )
    assert result.inputs["proportions"] is True
    # an arm with no conversions has no spread of its own, but the pooled SD has
    assert dunnett_result([0.0, 0.01, 0.02], ns=[500, 500, 500], proportions=True).outputs["t"][1] > 0
    with pytest.raises(CalculationInputError) as exc:
        dunnett_result([0.0, 0.0, 0.0], ns=[500, 500, 500], proportions=True)
    assert "nothing varies" in exc.value.reason
    with pytest.raises(CalculationInputError) as exc:
        dunnett_result([1.2, 0.1, 0.2], ns=[500, 500, 500], proportions=True)
    assert exc.value.field == "means"
    with pytest.raises(CalculationInputError) as exc:
        dunnett_result([0.1, 0.2, 0.3], ns=[500, 500], proportions=True)
    assert exc.value.field == "ns"
    with pytest.raises(CalculationInputError) as exc:
        dunnett_result([12.1, 12.6, 13.0], ns=[500, 500, 500])
    assert exc.value.field == "sds" and "proportions=true" in exc.value.reason


def test_per_unit_values_give_scipys_documented_example() -> None:
    # scipy.stats.dunnett documentation, Examples (Dunnett 1955 data above): res.pvalue ≈ [0.62004941, 0.0059035];
    # the multivariate-t integration is randomised, hence the tolerance.
    values = [*CONTROL, *DRUG_A, *DRUG_B]
    groups = [0] * len(CONTROL) + [1] * len(DRUG_A) + [2] * len(DRUG_B)
    out = dunnett_units_result(values, groups).outputs
    assert out["adjusted_p_values"] == pytest.approx([0.62004941, 0.0059035], abs=5e-4)
    assert out["t"] == pytest.approx(
        list(stats.dunnett(DRUG_A, DRUG_B, control=CONTROL).statistic), rel=1e-12
    )
    assert out["differences"] == pytest.approx(
        [np.mean(DRUG_A) - np.mean(CONTROL), np.mean(DRUG_B) - np.mean(CONTROL)]
    )
    assert out["ci_low"][1] > 0 > out["ci_low"][0], (
        "drug B's simultaneous interval excludes 0, drug A's does not"
    )
