"""Invariants that must hold for any valid input (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tools import means, proportions
from tools.proportions import ProportionDesign
from tools.registry import run_tool
from understanding import parse_calculation

baselines = st.floats(min_value=0.01, max_value=0.9)
relative_mdes = st.floats(min_value=0.02, max_value=0.5)
powers = st.floats(min_value=0.5, max_value=0.99)
alphas = st.sampled_from([0.01, 0.05, 0.1])
methods = st.sampled_from(proportions.METHODS)
sides = st.sampled_from(["two-sided", "larger"])
ratios = st.sampled_from([0.5, 1.0, 2.0])
FAST = settings(max_examples=60, deadline=None)


def _p2(baseline: float, mde: float) -> float:
    return min(baseline * (1 + mde), 0.99)


@FAST
@given(baselines, relative_mdes, powers, alphas, methods, sides, ratios)
def test_rounded_sample_size_reaches_the_target_power(
    baseline: float, mde: float, power: float, alpha: float, method: str, side: str, ratio: float
) -> None:
    design = ProportionDesign(baseline, _p2(baseline, mde), alpha, side, ratio)
    n = proportions.sample_size(design, power, method)
    assert math.isfinite(n) and n > 0
    assert proportions.power(design, math.ceil(n), method) >= power - 1e-9


@FAST
@given(baselines, relative_mdes, st.floats(min_value=0.5, max_value=0.9), methods)
def test_more_power_needs_more_users(baseline: float, mde: float, power: float, method: str) -> None:
    design = ProportionDesign(baseline, _p2(baseline, mde), 0.05, "two-sided")
    assert proportions.sample_size(design, power + 0.05, method) > proportions.sample_size(
        design, power, method
    )


@FAST
@given(st.floats(min_value=0.01, max_value=0.6), st.floats(min_value=0.02, max_value=0.3), methods)
def test_larger_effects_need_fewer_users(baseline: float, mde: float, method: str) -> None:
    # Baselines up to 0.6 keep 1.5 × the largest relative MDE below the 0.99 cap, so the effect really grows.
    small = ProportionDesign(baseline, baseline * (1 + mde), 0.05, "two-sided")
    large = ProportionDesign(baseline, baseline * (1 + 1.5 * mde), 0.05, "two-sided")
    assert large.p2 > small.p2
    assert proportions.sample_size(large, 0.8, method) < proportions.sample_size(small, 0.8, method)


@FAST
@given(baselines, relative_mdes, st.sampled_from(["pooled", "unpooled", "cohens_h"]))
def test_swapping_the_groups_does_not_change_a_symmetric_two_sided_test(
    baseline: float, mde: float, method: str
) -> None:
    p2 = _p2(baseline, mde)
    forward = proportions.sample_size(ProportionDesign(baseline, p2, 0.05, "two-sided"), 0.8, method)
    backward = proportions.sample_size(ProportionDesign(p2, baseline, 0.05, "two-sided"), 0.8, method)
    assert math.isclose(forward, backward, rel_tol=1e-9)


@FAST
@given(st.floats(min_value=0.1, max_value=2.0), powers, st.sampled_from(means.DESIGNS), sides)
def test_means_sample_size_round_trips(d: float, power: float, design: str, side: str) -> None:
    n = means.sample_size(d, power, 0.05, side, design, 1.0, "t")
    assert means.power(d, n, 0.05, side, design, 1.0, "t") >= power - 1e-7
    assert means.power(d, math.ceil(n), 0.05, side, design, 1.0, "t") >= power - 1e-9


@FAST
@given(st.integers(min_value=1000, max_value=200_000), baselines, methods)
def test_mde_shrinks_as_the_sample_grows(n: int, baseline: float, method: str) -> None:
    small = run_tool("proportions_mde", {"baseline": baseline, "n_per_group": n, "method": method})
    large = run_tool("proportions_mde", {"baseline": baseline, "n_per_group": n * 4, "method": method})
    assert large.outputs["mde_absolute"] < small.outputs["mde_absolute"]


@FAST
@given(
    st.lists(st.floats(min_value=0, max_value=1, allow_subnormal=False), min_size=1, max_size=20),
    st.sampled_from(["bonferroni", "holm", "benjamini_hochberg", "benjamini_yekutieli"]),
)
def test_adjusted_p_values_are_never_below_the_raw_ones(ps: list[float], method: str) -> None:
    result = run_tool("multiple_testing", {"p_values": ps, "method": method})
    assert all(adj >= raw - 1e-12 for adj, raw in zip(result.outputs["adjusted_p_values"], ps, strict=True))


@FAST
@given(st.lists(st.integers(min_value=10, max_value=10**6), min_size=2, max_size=5))
def test_srm_p_value_is_a_probability(counts: list[int]) -> None:
    result = run_tool("srm_check", {"counts": counts})
    assert 0 <= result.outputs["p_value"] <= 1
    assert result.outputs["mismatch"] == (result.outputs["p_value"] < 0.001)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_the_parser_never_crashes_and_never_invents_a_baseline(text: str) -> None:
    parsed = parse_calculation(text)
    if "%" not in text and "baseline" not in text.lower():
        assert "baseline" not in parsed.params
