"""Design effect for cluster randomisation and conditional power by the B-value."""

from __future__ import annotations

import pytest

from tools.cluster import cluster_design_result, design_effect
from tools.conditional_power import conditional_power, conditional_power_result
from tools.errors import CalculationInputError


def test_design_effect_matches_donner_and_klar() -> None:
    # Donner & Klar (2000), §5.2: DE = 1 + (m − 1)ρ; m = 20, ρ = 0.05 -> 1.95.
    assert design_effect(0.05, 20) == pytest.approx(1.95)
    # Eldridge, Ashby & Kerry (2006): CV of cluster sizes 0.5 inflates it to 1 + ((0.25 + 1)·20 − 1)·0.05 = 2.2.
    assert design_effect(0.05, 20, 0.5) == pytest.approx(2.2)
    result = cluster_design_result(0.05, 20, n_per_group=1000)
    assert result.outputs_rounded["clusters_per_group"] == 98


def test_icc_of_one_is_rejected() -> None:
    with pytest.raises(CalculationInputError) as exc:
        cluster_design_result(1.0, 20, n_per_group=100)
    assert exc.value.field == "icc"


def test_conditional_power_limits_are_the_design_power_and_alpha() -> None:
    # Lan & Wittes (1988): at t → 0 with B = 0, CP under the design drift is the design power; under the null α/2.
    assert conditional_power(0.0, 1e-9, 1.959964 + 0.841621, 1.959964) == pytest.approx(0.8, abs=1e-6)
    assert conditional_power(0.0, 1e-9, 0.0, 1.959964) == pytest.approx(0.025, abs=1e-6)


def test_conditional_power_under_the_current_trend() -> None:
    # Z = 1.5 at half the information: B = 1.0607, θ = 2.1213; CP = 1 − Φ((1.96 − 2.1213)/0.7071) = 0.5902.
    result = conditional_power_result(1.5, 0.5)
    assert result.outputs["cp_current_trend"] == pytest.approx(0.5902, abs=1e-3)
    assert result.outputs["cp_null"] < result.outputs["cp_current_trend"]
    assert conditional_power_result(0.2, 0.6).outputs["verdict"].startswith("Futile")
