"""One metric, one treatment against the control: effect, lift, CI and p-value by the method its type calls for.

Binary metrics: pooled two-proportion z test, Newcombe CI of the difference, delta-method CI of the lift. Continuous:
Welch t test and CI, CUPED-adjusted when a pre-period covariate is given. Ratio metrics: delta method. Heavy tails
(detected, or asked for): Yuen's trimmed-mean test and a bootstrap CI beside the mean. Cluster-randomised rows:
OLS with cluster-robust standard errors (the covariate, if any, as a regressor), with the ICC and design effect.
"""

from __future__ import annotations

from typing import Any

from analysis.clustered import compare_clustered
from analysis.comparison import Comparison, status
from analysis.data import AnalysisOptions, ExperimentData, MetricArm
from analysis.findings import Finding, fmt_p
from analysis.trace import Calls
from tools.heavy_tails import tail_diagnostics

BOOTSTRAP_RESAMPLES = 2000


def compare(
    calls: Calls, data: ExperimentData, opts: AnalysisOptions, metric: str, variant: str
) -> Comparison:
    a = data.metrics[metric][data.control]
    b = data.metrics[metric][variant]
    kind = data.kinds[metric]
    lower = metric in opts.lower_is_better
    label = f"{metric} ({variant} vs {data.control})"
    if data.clusters is not None and kind != "ratio":  # a ratio metric was summed per cluster when read
        return compare_clustered(calls, data.clusters, metric, variant, data.control, a, b, lower, label)
    if kind == "binary":
        comparison = _binary(calls, metric, variant, a, b, lower, label)
    elif kind == "ratio":
        comparison = _ratio(calls, metric, variant, a, b, lower, label)
    else:
        comparison = _continuous(calls, metric, variant, a, b, lower, label)
        _heavy_tails(calls, opts, comparison, a, b, label)
    return comparison


def _binary(
    calls: Calls, metric: str, variant: str, a: MetricArm, b: MetricArm, lower: bool, label: str
) -> Comparison:
    counts = {"conversions_a": a.conversions, "n_a": a.n, "conversions_b": b.conversions, "n_b": b.n}
    test = calls.run("two_proportion_z_test", counts, f"effect on {label}")
    ci = calls.run("ci_proportion_difference", counts, f"CI of the difference in {label}")
    lift = calls.run("ci_relative_lift", counts, f"CI of the relative lift in {label}")
    c = Comparison(
        metric,
        variant,
        "binary",
        test["p_a"],
        test["p_b"],
        test["difference"],
        ci["lower"],
        ci["upper"],
        lift["lift"],
        test["p_value"],
        lower,
    )
    c.findings.append(
        Finding.of(
            "metric",
            "binary",
            status(c.p_value, c.good_direction),
            f"{metric}: {variant} vs control",
            f"{c.describe_effect()}; relative lift CI [{lift['lower']:+.1%}, {lift['upper']:+.1%}]; "
            f"z = {test['z']:.2f}, p = {fmt_p(c.p_value)}.",
            metric=metric,
            variant=variant,
            numbers={
                "value_a": c.value_a,
                "value_b": c.value_b,
                "difference": c.difference,
                "ci": [c.ci_low, c.ci_high],
                "relative_lift": c.relative_lift,
                "lift_ci": [lift["lower"], lift["upper"]],
                "p_value": c.p_value,
            },
        )
    )
    return c


def _continuous(
    calls: Calls, metric: str, variant: str, a: MetricArm, b: MetricArm, lower: bool, label: str
) -> Comparison:
    ma, sa = a.mean_sd()
    mb, sb = b.mean_sd()
    means = {"mean_a": ma, "sd_a": sa, "n_a": a.n, "mean_b": mb, "sd_b": sb, "n_b": b.n}
    test = calls.run("welch_t_test", means, f"effect on {label}")
    ci = calls.run("ci_mean_difference", means, f"CI of the difference in {label}")
    lift = calls.run("ci_relative_lift", means, f"CI of the relative lift in {label}")
    c = Comparison(
        metric,
        variant,
        "continuous",
        ma,
        mb,
        test["difference"],
        ci["lower"],
        ci["upper"],
        lift["lift"],
        test["p_value"],
        lower,
    )
    c.findings.append(
        Finding.of(
            "metric",
            "continuous",
            status(c.p_value, c.good_direction),
            f"{metric}: {variant} vs control",
            f"{c.describe_effect()}; Welch t = {test['t']:.2f}, p = {fmt_p(c.p_value)}"
            + ("; the CUPED-adjusted estimate below is the one to read." if a.has_covariate else "."),
            metric=metric,
            variant=variant,
            numbers={
                "value_a": ma,
                "value_b": mb,
                "difference": c.difference,
                "ci": [c.ci_low, c.ci_high],
                "relative_lift": c.relative_lift,
                "p_value": c.p_value,
            },
        )
    )
    if a.has_covariate and b.has_covariate:
        sums = {}
        for suffix, arm in (("a", a), ("b", b)):
            sums.update(
                {
                    f"n_{suffix}": arm.n,
                    f"sum_{suffix}": arm.total,
                    f"sum_sq_{suffix}": arm.total_sq,
                    f"pre_sum_{suffix}": arm.pre_total,
                    f"pre_sum_sq_{suffix}": arm.pre_total_sq,
                    f"pre_cross_{suffix}": arm.pre_cross,
                }
            )
        cuped = calls.run("cuped_test", sums, f"CUPED-adjusted effect on {label}")
        c.difference, c.ci_low, c.ci_high, c.p_value = (
            cuped["difference"],
            cuped["ci_low"],
            cuped["ci_high"],
            cuped["p_value"],
        )
        c.relative_lift = cuped["difference"] / ma if ma else 0.0
        c.value_b = ma + c.difference
        c.adjustment = " CUPED-adjusted"
        c.findings.append(
            Finding.of(
                "metric",
                "cuped",
                status(c.p_value, c.good_direction),
                f"{metric}: CUPED-adjusted, {variant}",
                f"Adjusting for the pre-period covariate (θ = {cuped['theta']:.3g}) removed "
                f"{cuped['variance_reduction']:.0%} of the variance: difference {c.difference:+.4g} "
                f"(95% CI [{c.ci_low:+.4g}, {c.ci_high:+.4g}], {c.relative_lift:+.1%} relative), p = {fmt_p(c.p_value)}, "
                f"against {cuped['unadjusted_difference']:+.4g} ± {1.96 * cuped['unadjusted_se']:.3g} unadjusted.",
                metric=metric,
                variant=variant,
                numbers={
                    "difference": c.difference,
                    "ci": [c.ci_low, c.ci_high],
                    "p_value": c.p_value,
                    "variance_reduction": cuped["variance_reduction"],
                    "theta": cuped["theta"],
                },
            )
        )
    return c


def _ratio(
    calls: Calls, metric: str, variant: str, a: MetricArm, b: MetricArm, lower: bool, label: str
) -> Comparison:
    params: dict[str, Any] = {}
    for suffix, arm in (("a", a), ("b", b)):
        assert arm.ratio_sums is not None
        sx, sy, sx2, sy2, sxy = arm.ratio_sums
        params.update(
            {
                f"n_{suffix}": arm.n,
                f"num_sum_{suffix}": sx,
                f"den_sum_{suffix}": sy,
                f"num_sq_sum_{suffix}": sx2,
                f"den_sq_sum_{suffix}": sy2,
                f"num_den_sum_{suffix}": sxy,
            }
        )
    out = calls.run("ratio_metric", params, f"delta-method effect on {label}")
    c = Comparison(
        metric,
        variant,
        "ratio",
        out["ratio_a"],
        out["ratio_b"],
        out["difference"],
        out["ci_low"],
        out["ci_high"],
        out["relative_lift"],
        out["p_value"],
        lower,
    )
    c.findings.append(
        Finding.of(
            "metric",
            "ratio",
            status(c.p_value, c.good_direction),
            f"{metric} (ratio): {variant} vs control",
            f"{c.describe_effect()}; delta-method z = {out['z']:.2f}, p = {fmt_p(c.p_value)}. The denominator is random "
            "and users are the unit, so the naive per-event variance would be too small.",
            metric=metric,
            variant=variant,
            numbers={
                "value_a": c.value_a,
                "value_b": c.value_b,
                "difference": c.difference,
                "ci": [c.ci_low, c.ci_high],
                "p_value": c.p_value,
            },
        )
    )
    return c


def _heavy_tails(
    calls: Calls, opts: AnalysisOptions, c: Comparison, a: MetricArm, b: MetricArm, label: str
) -> None:
    if opts.heavy_tail == "off":
        return
    if a.values is None or b.values is None:
        if opts.heavy_tail in ("trim", "bootstrap"):
            c.findings.append(
                Finding.of(
                    "metric",
                    "heavy_tail",
                    "info",
                    f"{c.metric}: robust view unavailable",
                    "Trimmed means and the bootstrap need per-unit rows; these data are aggregates.",
                    metric=c.metric,
                    variant=c.variant,
                )
            )
        return
    tails = [tail_diagnostics(a.values), tail_diagnostics(b.values)]
    heavy = any(t["heavy"] for t in tails)
    if not heavy and opts.heavy_tail == "auto":
        return
    yuen = calls.run(
        "heavy_tails",
        {"values_a": list(a.values), "values_b": list(b.values), "method": "yuen"},
        f"Yuen trimmed-mean test of {label}",
    )
    boot = calls.run(
        "heavy_tails",
        {
            "values_a": list(a.values),
            "values_b": list(b.values),
            "method": "bootstrap",
            "resamples": BOOTSTRAP_RESAMPLES,
        },
        f"bootstrap CI of the mean difference in {label}",
    )
    share = max(float(t["top_1pct_share"]) for t in tails)
    agree = (yuen["p_value"] < opts.alpha) == (c.p_value < opts.alpha)
    c.findings.append(
        Finding.of(
            "metric",
            "heavy_tail",
            "warn" if heavy and not agree else "info",
            f"{c.metric}: heavy tail, robust views" if heavy else f"{c.metric}: robust views (requested)",
            (
                f"The top 1% of users carry {share:.0%} of {c.metric}: a few whales move the mean. "
                if heavy
                else ""
            )
            + f"Yuen's 20%-trimmed difference {yuen['trimmed_difference']:+.4g} (p = {fmt_p(yuen['p_value'])}); "
            f"bootstrap 95% CI of the mean difference [{boot['ci_low']:+.4g}, {boot['ci_high']:+.4g}]. "
            + _robust_reading(agree, yuen["p_value"] < opts.alpha),
            metric=c.metric,
            variant=c.variant,
            numbers={
                "top_1pct_share": share,
                "trimmed_difference": yuen["trimmed_difference"],
                "yuen_p_value": yuen["p_value"],
                "bootstrap_ci": [boot["ci_low"], boot["ci_high"]],
            },
        )
    )


def _robust_reading(agree: bool, trimmed_significant: bool) -> str:
    if agree:
        return "They agree with the main test."
    if trimmed_significant:
        return (
            "The typical user moved (the trimmed test is significant) while the whales keep the mean too noisy to "
            "show it; decide on the mean only with CUPED or a larger sample."
        )
    return "The mean's significance rests on the tail: check it is not one or two users before trusting it."
