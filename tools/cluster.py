"""Cluster-randomised (and switchback) designs: the design effect, the sample size it implies, and power.

When whole clusters (stores, cities, days of a switchback) are randomised, units in a cluster resemble each other
(intracluster correlation ρ) and each adds less information: the variance of an arm mean grows by the design effect
DE = 1 + ((CV² + 1)·m̄ − 1)·ρ (Kish 1965; Donner & Klar 2000, §5.2; the CV term for unequal cluster sizes is from
Eldridge, Ashby & Kerry 2006). An individually randomised sample size n becomes n·DE, i.e. ⌈n·DE/m̄⌉ clusters per arm.
Library choice: the formula (a line of arithmetic); the power at a given number of clusters is the normal
approximation Φ(es·√(n_eff/2) − z₁₋α/₂) on the effective sample size k·m̄/DE. Analysing clustered data (cluster-robust
standard errors) is not done here.
"""

from __future__ import annotations

import math

from scipy.special import ndtr, ndtri

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, ceil_n, library_version


def design_effect(icc: float, cluster_size: float, cv: float = 0.0) -> float:
    """1 + ((CV² + 1)·m̄ − 1)·ρ."""
    return 1 + ((cv**2 + 1) * cluster_size - 1) * icc


def cluster_design_result(
    icc: float,
    cluster_size: float,
    n_per_group: float | None = None,
    clusters_per_group: float | None = None,
    cv: float = 0.0,
    effect_size: float | None = None,
    alpha: float = 0.05,
) -> CalculationResult:
    """Design effect; clusters needed for an individually randomised n per group, or the effective n of k clusters.

    effect_size (Cohen's d, or Cohen's h for rates) with clusters_per_group also gives the power (z approximation).
    """
    rho = checks.finite("icc", icc)
    if not 0 <= rho < 1:
        raise CalculationInputError(
            "icc", f"the intracluster correlation must be in [0, 1) (e.g. 0.02); got {rho:g}"
        )
    m = checks.finite("cluster_size", cluster_size)
    if m < 1:
        raise CalculationInputError("cluster_size", f"must be at least 1 unit per cluster; got {m:g}")
    c = checks.non_negative("cv", cv)
    a = checks.alpha(alpha)
    de = design_effect(rho, m, c)
    outputs: dict[str, object] = {"design_effect": de}
    rounded: dict[str, object] = {"design_effect": round(de, 4)}
    inputs: dict[str, object] = {"icc": rho, "cluster_size": m, "cv": c, "alpha": a}
    if n_per_group is None and clusters_per_group is None:
        raise CalculationInputError(
            "n_per_group", "give n_per_group (the individually randomised size) or clusters_per_group"
        )
    if n_per_group is not None:
        n = checks.sample_size("n_per_group", n_per_group, minimum=1)
        inputs["n_per_group"] = n
        outputs["n_per_group_clustered"] = n * de
        outputs["clusters_per_group"] = n * de / m
        rounded["n_per_group_clustered"] = ceil_n(n * de)
        rounded["clusters_per_group"] = ceil_n(n * de / m)
    if clusters_per_group is not None:
        k = checks.sample_size("clusters_per_group", clusters_per_group)
        inputs["clusters_per_group"] = k
        effective = k * m / de
        outputs["effective_n_per_group"] = effective
        rounded["effective_n_per_group"] = round(effective, 1)
        if effect_size is not None:
            es = checks.positive("effect_size", abs(checks.finite("effect_size", effect_size)))
            inputs["effect_size"] = es
            pw = float(ndtr(es * math.sqrt(effective / 2) - ndtri(1 - a / 2)))
            outputs["power"] = pw
            rounded["power"] = round(pw, 4)
    return CalculationResult(
        tool="cluster_design",
        method="design effect for cluster randomisation (Kish; Donner & Klar 2000; Eldridge et al. 2006)",
        inputs=inputs,
        outputs=outputs,
        outputs_rounded=rounded,
        formula="DE = 1 + ((CV² + 1)·m̄ − 1)·ρ; n_cluster = n·DE; clusters = n·DE/m̄; n_eff = k·m̄/DE; "
        "power ≈ Φ(es·√(n_eff/2) − z₁₋α/₂)",
        library=library_version("scipy"),
        assumptions=(
            "analysis accounts for clustering (cluster-level or cluster-robust); a unit-level test would be anti-conservative",
        ),
    )
