"""Analysing a cluster-randomised experiment: the effect with cluster-robust standard errors, the ICC, the design effect.

When clusters (stores, users with many sessions) are randomised, units within a cluster are correlated and a
unit-level test is anti-conservative. The effect is the OLS coefficient of the treatment indicator (optionally with a
centred pre-period covariate, the regression form of CUPED), and its standard error is the cluster-robust sandwich
(Liang & Zeger 1986) with the usual small-sample factor G/(G − 1)·(N − 1)/(N − k), tested against t with G − 1
degrees of freedom (Cameron & Miller 2015, §VI).

Library choice: statsmodels ``OLS(...).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)``, which does
exactly this and is maintained; writing the sandwich ourselves would only add a copy to keep right. The ICC is the
one-way ANOVA estimator pooled within arms (Donner & Klar 2000, §5.2.1): ρ = (MSB − MSW)/(MSB + (m₀ − 1)·MSW),
m₀ = (N − Σ m_j²/N_arm)/(K − A), truncated at 0; the design effect is 1 + (m̄ − 1)·ρ with m̄ = N/K.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from statsmodels.regression.linear_model import OLS

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version


def icc_anova(values: np.ndarray, clusters: np.ndarray, arms: np.ndarray) -> tuple[float, float]:
    """(ρ, m₀): the ANOVA intracluster correlation pooled within arms, and the adjusted mean cluster size."""
    n = values.size
    ssb = ssw = 0.0
    k = a = 0
    sum_sq_over_n = 0.0
    for arm in np.unique(arms):
        in_arm = arms == arm
        y, g = values[in_arm], clusters[in_arm]
        grand = y.mean()
        a += 1
        labels, codes, sizes = np.unique(g, return_inverse=True, return_counts=True)
        k += labels.size
        means = np.bincount(codes, weights=y) / sizes
        ssb += float(np.sum(sizes * (means - grand) ** 2))
        ssw += float(np.sum((y - means[codes]) ** 2))
        sum_sq_over_n += float(np.sum(sizes**2)) / y.size
    if k - a < 1 or n - k < 1:
        return 0.0, 1.0
    msb, msw = ssb / (k - a), ssw / (n - k)
    m0 = (n - sum_sq_over_n) / (k - a)
    denominator = msb + (m0 - 1) * msw
    rho = (msb - msw) / denominator if denominator > 0 else 0.0
    return max(0.0, float(rho)), float(m0)


def cluster_robust_result(
    values: Sequence[float],
    treated: Sequence[float],
    clusters: Sequence[float],
    covariate: Sequence[float] | None = None,
    alpha: float = 0.05,
) -> CalculationResult:
    """Effect of treatment (treated = 1) on values, cluster-robust; clusters are integer codes of each unit's cluster."""
    y = np.asarray(values, dtype=float)
    t = np.asarray(treated, dtype=float)
    g = np.asarray(clusters, dtype=float)
    if not y.size == t.size == g.size:
        raise CalculationInputError(
            "treated",
            f"give one value, treatment flag and cluster per unit; got {y.size}, {t.size}, {g.size}",
        )
    if not np.isin(t, (0.0, 1.0)).all() or t.min() == t.max():
        raise CalculationInputError("treated", "must be 0 (control) or 1 (treatment), with units of both")
    if (g != np.round(g)).any():
        raise CalculationInputError("clusters", "cluster codes must be whole numbers (one code per cluster)")
    mixed = [c for c in np.unique(g) if np.unique(t[g == c]).size > 1]
    if mixed:
        raise CalculationInputError(
            "clusters", f"cluster {int(mixed[0])} has units in both arms; each cluster must get one variant"
        )
    groups = g.astype(np.int64)
    n_clusters = int(np.unique(groups).size)
    per_arm = [int(np.unique(groups[t == arm]).size) for arm in (0.0, 1.0)]
    if min(per_arm) < 2:
        raise CalculationInputError(
            "clusters", f"needs at least 2 clusters per arm; got {per_arm[0]} control, {per_arm[1]} treatment"
        )
    a = checks.alpha(alpha)
    columns = [np.ones_like(y), t]
    inputs: dict[str, object] = {"n_units": int(y.size), "n_clusters": n_clusters, "alpha": a}
    if covariate is not None:
        x = np.asarray(covariate, dtype=float)
        if x.size != y.size:
            raise CalculationInputError(
                "covariate", f"give one covariate value per unit; got {x.size} for {y.size}"
            )
        columns.append(x - x.mean())
        inputs["covariate"] = True
    design = np.column_stack(columns)
    fit = OLS(y, design).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    naive = OLS(y, design).fit()
    low, high = (float(v) for v in fit.conf_int(alpha=a)[1])
    rho, m0 = icc_anova(y, groups, t)
    mean_size = y.size / n_clusters
    design_effect = 1 + (mean_size - 1) * rho
    control_mean = float(y[t == 0].mean())
    diff, se = float(fit.params[1]), float(fit.bse[1])
    outputs: dict[str, object] = {
        "difference": diff,
        "se": se,
        "ci_low": low,
        "ci_high": high,
        "t": float(fit.tvalues[1]),
        "df": n_clusters - 1,
        "p_value": float(fit.pvalues[1]),
        "mean_a": control_mean,
        "mean_b": control_mean + diff,
        "relative_lift": diff / control_mean if control_mean else 0.0,
        "naive_se": float(naive.bse[1]),
        "icc": rho,
        "mean_cluster_size": mean_size,
        "anova_cluster_size": m0,
        "design_effect": design_effect,
        "clusters_a": per_arm[0],
        "clusters_b": per_arm[1],
    }
    return CalculationResult(
        tool="cluster_robust",
        method="OLS on the treatment indicator with cluster-robust (CR1) standard errors, t with G − 1 df"
        + ("; centred pre-period covariate as a regressor" if covariate is not None else ""),
        inputs=inputs,
        outputs=outputs,
        outputs_rounded={
            k: (round(v, 6) if isinstance(v, float) else v) for k, v in outputs.items() if k != "p_value"
        }
        | {"p_value": float(f"{outputs['p_value']:.4g}")},
        formula="y = β₀ + β₁·T (+ β₂·(x − x̄)) + ε; V = (X'X)⁻¹ Σ_g X_g'û_g û_g'X_g (X'X)⁻¹ · G/(G−1)·(N−1)/(N−k); "
        "ρ = (MSB − MSW)/(MSB + (m₀ − 1)·MSW); DE = 1 + (m̄ − 1)·ρ",
        library=library_version("statsmodels"),
        assumptions=(
            "whole clusters were randomised (each cluster has one variant)",
            "enough clusters for the sandwich (roughly 30+ in all; fewer makes the SE optimistic)",
        ),
    )
