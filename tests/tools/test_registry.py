"""The tool table and run_tool: validation, coercion, defaults stated as assumptions, JSON shape."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tools.errors import CalculationInputError, UnknownToolError
from tools.registry import PARAM_TYPES, TOOLS, run_tool

MINIMAL: dict[str, dict[str, Any]] = {
    "interval_reading": {"lower": -0.2, "upper": 1.8},
    "proportions_sample_size": {"baseline": 0.1, "mde": 0.1},
    "proportions_power": {"baseline": 0.1, "mde": 0.1, "n_per_group": 5000},
    "proportions_mde": {"baseline": 0.1, "n_per_group": 5000},
    "means_sample_size": {"cohens_d": 0.3},
    "means_power": {"cohens_d": 0.3, "n_per_group": 100},
    "means_mde": {"n_per_group": 100},
    "test_duration": {"daily_traffic": 1000, "n_per_group": 5000},
    "ci_proportion": {"successes": 30, "n": 100},
    "ci_proportion_difference": {"conversions_a": 30, "n_a": 100, "conversions_b": 40, "n_b": 100},
    "ci_mean_difference": {"mean_a": 1, "sd_a": 1, "n_a": 30, "mean_b": 1.5, "sd_b": 1, "n_b": 30},
    "ci_relative_lift": {"conversions_a": 30, "n_a": 100, "conversions_b": 40, "n_b": 100},
    "two_proportion_z_test": {"conversions_a": 30, "n_a": 100, "conversions_b": 40, "n_b": 100},
    "exact_2x2_test": {"conversions_a": 3, "n_a": 40, "conversions_b": 11, "n_b": 42},
    "welch_t_test": {"mean_a": 1, "sd_a": 1, "n_a": 30, "mean_b": 1.5, "sd_b": 1, "n_b": 30},
    "chi_square_independence": {"table": "30,70;40,60"},
    "chi_square_goodness_of_fit": {"observed": "10,12,8"},
    "multiple_testing": {"p_values": "0.01,0.02,0.2"},
    "srm_check": {"counts": "5000,5100"},
    "cuped": {"correlation": 0.6},
    "anova_power": {"effect_size_f": 0.25, "k_groups": 3, "n_per_group": 30},
    "chi_square_power": {"effect_size_w": 0.3, "df": 2, "n_total": 100},
    "correlation_power": {"r": 0.3, "n": 50},
    "group_sequential": {"looks": 3},
    "bayesian_ab": {"conversions_a": 30, "n_a": 100, "conversions_b": 40, "n_b": 100},
    "bayesian_ab_means": {"mean_a": 1, "sd_a": 1, "n_a": 30, "mean_b": 1.5, "sd_b": 1, "n_b": 30},
    "msprt": {"conversions_a": 30, "n_a": 100, "conversions_b": 40, "n_b": 100},
    "ratio_metric": {
        **{
            f"{k}_a": v
            for k, v in {
                "n": 100,
                "num_sum": 900,
                "den_sum": 200,
                "num_sq_sum": 20000,
                "den_sq_sum": 500,
                "num_den_sum": 2500,
            }.items()
        },
        **{
            f"{k}_b": v
            for k, v in {
                "n": 100,
                "num_sum": 1000,
                "den_sum": 210,
                "num_sq_sum": 22000,
                "den_sq_sum": 520,
                "num_den_sum": 2700,
            }.items()
        },
    },
    "equivalence_test": {
        "margin": 0.05,
        "conversions_a": 300,
        "n_a": 1000,
        "conversions_b": 310,
        "n_b": 1000,
    },
    "equivalence_sample_size": {"margin": 0.02, "baseline": 0.3},
    "paired_t_test": {"mean_difference": 1.2, "sd_difference": 3.1, "n_pairs": 40},
    "oneway_anova": {"means": [10.0, 11.0, 12.0], "sds": [2.0, 2.0, 2.0], "ns": [50, 50, 50]},
    "dunnett": {"means": "10,11,12", "sds": "2,2,2", "ns": "30,30,30"},
    "dunnett_units": {"values": "1,2,3,2,3,4,3,4,6", "groups": "0,0,0,1,1,1,2,2,2"},
    "heavy_tails": {"values_a": "1,2,3,4,50", "values_b": "2,3,4,5,60"},
    "poisson_test": {"count_a": 30, "exposure_a": 1000, "count_b": 45, "exposure_b": 1000},
    "poisson_power": {"rate_a": 1, "rate_b": 1.2, "n_per_group": 300},
    "cluster_design": {"icc": 0.02, "cluster_size": 50, "n_per_group": 1000},
    "cluster_robust": {
        "values": "1,2,2,3,3,4,4,6",
        "treated": "0,0,0,0,1,1,1,1",
        "clusters": "1,1,2,2,3,3,4,4",
    },
    "conditional_power": {"z_interim": 1.2, "information_fraction": 0.5},
    "binomial_test": {"successes": 60, "n": 100},
    "compromise_power": {"effect_size_d": 0.5, "n_per_group": 50},
    "cuped_test": {
        **{
            f"{k}_a": v
            for k, v in {
                "n": 4,
                "sum": 10,
                "sum_sq": 30,
                "pre_sum": 8,
                "pre_sum_sq": 20,
                "pre_cross": 24,
            }.items()
        },
        **{
            f"{k}_b": v
            for k, v in {
                "n": 4,
                "sum": 12,
                "sum_sq": 40,
                "pre_sum": 8,
                "pre_sum_sq": 20,
                "pre_cross": 27,
            }.items()
        },
    },
}


def test_every_tool_is_described_and_runs_from_its_minimal_inputs() -> None:
    assert set(MINIMAL) == set(TOOLS)
    for name, spec in TOOLS.items():
        assert spec.summary and all(p.description and p.type in PARAM_TYPES for p in spec.params)
        result = run_tool(name, MINIMAL[name])
        data = json.loads(json.dumps(result.to_dict()))
        assert data["tool"] == name
        assert set(data) >= {
            "tool",
            "method",
            "inputs",
            "outputs",
            "outputs_rounded",
            "assumptions",
            "formula",
            "library",
            "alternatives",
        }
        assert data["library"].split()[0] in ("scipy", "statsmodels", "numpy", "scipy,")
        for value in data["outputs"].values():
            if isinstance(value, float):
                assert math.isfinite(value)


def test_defaults_are_stated_as_assumptions_and_given_values_are_not() -> None:
    result = run_tool("proportions_sample_size", {"baseline": 0.1, "mde": 0.1})
    assert "α = 0.05 two-sided (not stated in the question)" in result.assumptions
    assert "80% power (not stated in the question)" in result.assumptions
    stated = run_tool(
        "proportions_sample_size",
        {
            "baseline": 0.1,
            "mde": 0.1,
            "alpha": 0.05,
            "power": 0.8,
            "alternative": "two-sided",
            "ratio": 1,
            "mde_type": "relative",
        },
    )
    assert stated.assumptions == ()


def test_cli_style_strings_are_coerced() -> None:
    a = run_tool("proportions_sample_size", {"baseline": "10%", "mde": "0.1", "variants": "2"})
    b = run_tool("proportions_sample_size", {"baseline": 0.1, "mde": 0.1, "variants": 2})
    assert a.outputs == b.outputs
    big = run_tool("test_duration", {"daily_traffic": "1,000", "n_per_group": "5,000"})
    assert big.inputs["daily_traffic"] == 1000


def test_unknown_tool_and_unknown_parameter_are_rejected() -> None:
    with pytest.raises(UnknownToolError) as err:
        run_tool("sample_sise", {})
    assert err.value.field == "tool" and "proportions_sample_size" in err.value.reason
    with pytest.raises(CalculationInputError) as err2:
        run_tool("srm_check", {"counts": [1, 2], "treshold": 0.01})
    assert err2.value.field == "treshold"


def test_missing_required_parameter_names_it() -> None:
    with pytest.raises(CalculationInputError) as err:
        run_tool("ci_proportion", {"successes": 3})
    assert err.value.field == "n"


def test_names_are_a_list_of_short_strings() -> None:
    labels = next(p for p in TOOLS["dunnett"].params if p.name == "labels")
    result = run_tool(
        "dunnett",
        {"means": [0.06, 0.075, 0.0675], "ns": [2000] * 3, "proportions": True, "labels": "A, B ,C"},
    )
    assert labels.type == "str_list" and result.inputs["labels"] == ["A", "B", "C"]
    with pytest.raises(CalculationInputError) as exc:
        run_tool(
            "dunnett",
            {"means": [0.06, 0.075, 0.0675], "ns": [2000] * 3, "proportions": True, "labels": "A,A,B"},
        )
    assert exc.value.field == "labels"
