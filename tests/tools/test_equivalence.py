"""Non-inferiority and TOST: R equivalence::tost and Chow, Shao & Wang's sample-size examples."""

from __future__ import annotations

import pytest
from statsmodels.stats.tests.test_tost import clinic

from tools.equivalence import equivalence_sample_size_result, equivalence_test_result
from tools.errors import CalculationInputError


def test_tost_for_means_matches_r_equivalence_tost() -> None:
    # R: tost(clinic$var1[1:15], clinic$var1[16:30], eps=0.6) -> p = 0.04853083976236974, df = 26.7484787582315
    # (values recorded in statsmodels/stats/tests/test_tost.py).
    x, y = clinic[:15, 2], clinic[15:, 2]
    result = equivalence_test_result(
        0.6,
        "equivalence",
        mean_a=y.mean(),
        sd_a=y.std(ddof=1),
        n_a=15,
        mean_b=x.mean(),
        sd_b=x.std(ddof=1),
        n_b=15,
    )
    assert result.outputs["p_value"] == pytest.approx(0.04853083976236974, rel=1e-9)
    assert result.outputs["df"] == pytest.approx(26.7484787582315, rel=1e-9)
    assert result.outputs["conclusive"] is True


def test_non_inferiority_of_rates_uses_the_score_test() -> None:
    # Regression value of statsmodels 0.15 test_proportions_2indep(500, 1000, 490, 1000, value=-0.05,
    # compare="diff", alternative="larger", method="score") (Farrington-Manning score test).
    shown = equivalence_test_result(
        0.05, "non_inferiority", conversions_a=490, n_a=1000, conversions_b=500, n_b=1000
    )
    not_shown = equivalence_test_result(
        0.005, "non_inferiority", conversions_a=500, n_a=1000, conversions_b=490, n_b=1000
    )
    assert shown.outputs["p_value"] == pytest.approx(0.0036136722585299453, rel=1e-6)
    assert shown.outputs["conclusive"] and not not_shown.outputs["conclusive"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # Chow, Shao & Wang (2008) §3.2.1 example: σ = 0.1, margin 0.05, δ = 0, α = 0.05, 80% power.
        ({"margin": 0.05, "test": "non_inferiority", "sd": 0.1}, 50),
        ({"margin": 0.05, "test": "equivalence", "sd": 0.1}, 69),
        # §4.2.2 example: p_R = 0.65, p_T = 0.85, margin 0.10 -> n ≈ 25.
        ({"margin": 0.1, "test": "non_inferiority", "baseline": 0.65, "true_difference": 0.2}, 25),
    ],
)
def test_sample_sizes_match_chow_shao_wang(kwargs: dict[str, object], expected: int) -> None:
    assert equivalence_sample_size_result(**kwargs).outputs_rounded["n_per_group"] == expected  # type: ignore[arg-type]


def test_equivalence_of_rates_sample_size_is_within_rounding_of_chow() -> None:
    # §4.2.3: p_R = 0.80, p_T = 0.75, margin 0.20 -> 132 with z rounded to 1.64/1.28; exact quantiles give 133.
    result = equivalence_sample_size_result(0.2, "equivalence", baseline=0.8, true_difference=-0.05)
    assert result.outputs_rounded["n_per_group"] in (132, 133)


def test_a_true_difference_beyond_the_margin_is_rejected() -> None:
    with pytest.raises(CalculationInputError) as exc:
        equivalence_sample_size_result(0.05, "equivalence", sd=1, true_difference=0.06)
    assert exc.value.field == "true_difference"


def test_rates_need_counts_or_means() -> None:
    with pytest.raises(CalculationInputError) as exc:
        equivalence_test_result(0.05, n_a=10, n_b=10)
    assert exc.value.field == "conversions_a"
