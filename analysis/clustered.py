"""A metric of a cluster-randomised experiment: the effect with cluster-robust errors, its ICC and design effect."""

from __future__ import annotations

from typing import Any

from analysis.comparison import Comparison, status
from analysis.data import AnalysisInputError, MetricArm
from analysis.findings import Finding, fmt_p
from analysis.trace import Calls
from tools.registry import MAX_LIST_ITEMS


def cluster_codes(clusters: dict[str, tuple[str, ...]], *variants: str) -> list[float]:
    """Whole-number codes of each unit's cluster, units in variant order (the calculators take numbers)."""
    index = {label: i for i, label in enumerate(sorted({c for labels in clusters.values() for c in labels}))}
    return [float(index[c]) for v in variants for c in clusters[v]]


def compare_clustered(
    calls: Calls,
    clusters: dict[str, tuple[str, ...]],
    metric: str,
    variant: str,
    control: str,
    a: MetricArm,
    b: MetricArm,
    lower: bool,
    label: str,
) -> Comparison:
    assert a.values is not None and b.values is not None, "clustered data are per-unit rows"
    if len(a.values) + len(b.values) > MAX_LIST_ITEMS:
        raise AnalysisInputError(
            f"a cluster-robust comparison takes at most {MAX_LIST_ITEMS:,} units here; {metric} has "
            f"{len(a.values) + len(b.values):,} in {control} and {variant}. Send a random sample of whole clusters",
            column="cluster",
        )
    params: dict[str, Any] = {
        "values": [*a.values, *b.values],
        "treated": [0.0] * len(a.values) + [1.0] * len(b.values),
        "clusters": cluster_codes(clusters, control, variant),
    }
    covariate = a.pre_values is not None and b.pre_values is not None
    if covariate:
        params["covariate"] = [*(a.pre_values or ()), *(b.pre_values or ())]
    out = calls.run(
        "cluster_robust",
        params,
        f"cluster-robust effect on {label}"
        + (", adjusted for the pre-period covariate" if covariate else ""),
    )
    kind = "binary" if a.conversions is not None else "continuous"
    c = Comparison(
        metric,
        variant,
        kind,
        out["mean_a"],
        out["mean_b"],
        out["difference"],
        out["ci_low"],
        out["ci_high"],
        out["relative_lift"],
        out["p_value"],
        lower,
        adjustment=" (cluster-robust" + (", covariate-adjusted)" if covariate else ")"),
    )
    inflation = (out["se"] / out["naive_se"]) ** 2 if out["naive_se"] > 0 else 1.0
    c.findings.append(
        Finding.of(
            "metric",
            "cluster",
            status(c.p_value, c.good_direction),
            f"{metric}: {variant} vs control, clusters randomised",
            f"{c.describe_effect()}; t = {out['t']:.2f} on {out['df']} df (clusters − 1), p = {fmt_p(c.p_value)}. "
            f"{out['clusters_a']} control and {out['clusters_b']} treatment clusters of {out['mean_cluster_size']:.1f} "
            f"units on average; intracluster correlation of {metric} ρ = {out['icc']:.3f}, so the design effect "
            f"1 + (m − 1)ρ = {out['design_effect']:.2f}"
            + (
                f" before adjustment. With the pre-period covariate the cluster-robust variance is {inflation:.2f}× "
                "what independent units would give: the covariate absorbs most of what the clusters share."
                if covariate
                else f". The cluster-robust standard error is {out['se']:.4g} against {out['naive_se']:.4g} if units "
                f"were independent (variance × {inflation:.2f}); a unit-level test would overstate the evidence."
            ),
            metric=metric,
            variant=variant,
            numbers={
                "value_a": c.value_a,
                "value_b": c.value_b,
                "difference": c.difference,
                "ci": [c.ci_low, c.ci_high],
                "relative_lift": c.relative_lift,
                "p_value": c.p_value,
                "se": out["se"],
                "naive_se": out["naive_se"],
                "icc": out["icc"],
                "design_effect": out["design_effect"],
                "mean_cluster_size": out["mean_cluster_size"],
                "clusters": [out["clusters_a"], out["clusters_b"]],
            },
        )
    )
    return c
