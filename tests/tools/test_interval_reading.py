"""Reading a reported confidence interval (tools.interval_reading): the p-value and estimate it implies."""

from __future__ import annotations

import pytest
from scipy import stats

from tools.errors import CalculationInputError
from tools.registry import run_tool


@pytest.mark.parametrize(("confidence", "p"), [(0.95, 0.05), (0.90, 0.10), (0.99, 0.01)])
def test_an_interval_that_touches_zero_is_significant_at_exactly_its_own_level(
    confidence: float, p: float
) -> None:
    result = run_tool("interval_reading", {"lower": 0.0, "upper": 2.0, "confidence": confidence})
    assert result.outputs["p_value"] == pytest.approx(p, rel=1e-9)
    assert result.outputs["estimate"] == pytest.approx(1.0)


def test_an_interval_that_includes_zero_gives_its_estimate_standard_error_and_p() -> None:
    result = run_tool("interval_reading", {"lower": -0.2, "upper": 1.8, "unit": "%"})
    se = 2.0 / (2 * stats.norm.ppf(0.975))
    assert result.outputs["estimate"] == pytest.approx(0.8)
    assert result.outputs["standard_error"] == pytest.approx(se)
    assert result.outputs["p_value"] == pytest.approx(2 * stats.norm.sf(0.8 / se))  # 0.117
    assert result.outputs["excludes_null"] is False
    assert run_tool("interval_reading", {"lower": 0.3, "upper": 1.9}).outputs["excludes_null"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lower": 2.0, "upper": 1.0}, "upper"),
        ({"lower": -1.0, "upper": 1.0, "confidence": 95}, "confidence"),
        ({"lower": -1.0, "upper": 1.0, "unit": "dollars"}, "unit"),
    ],
)
def test_an_impossible_interval_is_refused_with_the_field_to_fix(
    params: dict[str, object], field: str
) -> None:
    with pytest.raises(CalculationInputError) as raised:
        run_tool("interval_reading", params)
    assert raised.value.field == field
