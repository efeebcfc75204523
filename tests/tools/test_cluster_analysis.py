"""Cluster-robust analysis of a cluster-randomised experiment, against an independent computation.

References: the CR1 sandwich V = (X'X)⁻¹ Σ_g X_g'û_g û_g'X_g (X'X)⁻¹ · G/(G−1)·(N−1)/(N−k) with t(G−1) inference
(Cameron & Miller 2015, "A Practitioner's Guide to Cluster-Robust Inference", J. Human Resources 50:317, eqs. 11
and §VI.C), which statsmodels documents as its ``cov_type="cluster"`` default (``use_correction=True``); and the
one-way ANOVA ICC pooled within arms (Donner & Klar 2000, §5.2.1). Both are recomputed here by hand in numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from tools.cluster_analysis import cluster_robust_result
from tools.errors import CalculationInputError


def _data(seed: int = 7, clusters: int = 24, size: int = 15, sd_cluster: float = 0.6, effect: float = 0.4):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(size // 2, size * 2, clusters)  # unequal clusters
    g = np.repeat(np.arange(clusters), sizes)
    t = (g % 2).astype(float)
    y = 5 + effect * t + rng.normal(0, sd_cluster, clusters)[g] + rng.normal(0, 1, g.size)
    return y, t, g


def _cr1(y: np.ndarray, t: np.ndarray, g: np.ndarray) -> tuple[float, float]:
    x = np.column_stack([np.ones_like(y), t])
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    u = y - x @ beta
    meat = sum(np.outer(x[g == c].T @ u[g == c], x[g == c].T @ u[g == c]) for c in np.unique(g))
    n, k, groups = y.size, 2, np.unique(g).size
    v = bread @ meat @ bread * groups / (groups - 1) * (n - 1) / (n - k)
    return float(beta[1]), float(np.sqrt(v[1, 1]))


def _icc(y: np.ndarray, g: np.ndarray, t: np.ndarray) -> float:
    ssb = ssw = 0.0
    k = arms = 0
    m_sq = 0.0
    for arm in (0.0, 1.0):
        ys, gs = y[t == arm], g[t == arm]
        arms += 1
        for c in np.unique(gs):
            yc = ys[gs == c]
            k += 1
            ssb += yc.size * (yc.mean() - ys.mean()) ** 2
            ssw += ((yc - yc.mean()) ** 2).sum()
            m_sq += yc.size**2 / ys.size
    msb, msw = ssb / (k - arms), ssw / (y.size - k)
    m0 = (y.size - m_sq) / (k - arms)
    return max(0.0, (msb - msw) / (msb + (m0 - 1) * msw))


def test_effect_and_cluster_robust_se_match_the_hand_computed_sandwich() -> None:
    y, t, g = _data()
    out = cluster_robust_result(list(y), list(t), list(g.astype(float))).outputs
    beta, se = _cr1(y, t, g)
    assert out["difference"] == pytest.approx(beta, rel=1e-10)
    assert out["se"] == pytest.approx(se, rel=1e-10)
    groups = np.unique(g).size
    assert out["df"] == groups - 1
    assert out["p_value"] == pytest.approx(2 * stats.t.sf(abs(beta / se), groups - 1), rel=1e-9)
    half = stats.t.ppf(0.975, groups - 1) * se
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((beta - half, beta + half), rel=1e-9)


def test_icc_and_design_effect_follow_the_anova_estimator_and_explain_the_se_inflation() -> None:
    y, t, g = _data(seed=11, clusters=60, size=20, sd_cluster=0.5)
    out = cluster_robust_result(list(y), list(t), list(g.astype(float))).outputs
    rho = _icc(y, g, t)
    assert out["icc"] == pytest.approx(rho, rel=1e-10) and 0.1 < rho < 0.4  # true ρ = 0.25/1.25 = 0.2
    mean_size = y.size / 60
    assert out["design_effect"] == pytest.approx(1 + (mean_size - 1) * rho, rel=1e-12)
    # The cluster-robust variance is the naive one inflated by about the design effect (equal arms, no covariate).
    assert (out["se"] / out["naive_se"]) ** 2 == pytest.approx(out["design_effect"], rel=0.35)


def test_units_that_are_their_own_clusters_have_no_design_effect() -> None:
    rng = np.random.default_rng(3)
    y = rng.normal(size=200)
    t = np.repeat([0.0, 1.0], 100)
    out = cluster_robust_result(list(y), list(t), [float(i) for i in range(200)]).outputs
    assert out["icc"] == 0.0 and out["design_effect"] == 1.0


def test_a_covariate_enters_the_regression_and_shrinks_the_standard_error() -> None:
    y, t, g = _data(seed=5, clusters=40)
    rng = np.random.default_rng(9)
    pre = y - 0.4 * t + rng.normal(0, 0.3, y.size)
    plain = cluster_robust_result(list(y), list(t), list(g.astype(float))).outputs
    adjusted = cluster_robust_result(list(y), list(t), list(g.astype(float)), covariate=list(pre)).outputs
    assert adjusted["se"] < 0.5 * plain["se"]


def test_a_cluster_in_both_arms_or_one_cluster_per_arm_is_refused() -> None:
    with pytest.raises(CalculationInputError, match="cluster 1 has units in both arms") as exc:
        cluster_robust_result([1, 2, 3, 4, 5, 6], [0, 1, 0, 0, 1, 1], [1, 1, 2, 2, 3, 3])
    assert exc.value.field == "clusters"
    with pytest.raises(CalculationInputError, match="at least 2 clusters per arm"):
        cluster_robust_result([1, 2, 3, 4, 5, 6], [0, 0, 1, 1, 1, 1], [1, 1, 2, 2, 3, 3])
