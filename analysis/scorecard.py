"""The scorecard, in the order a careful analyst works: trust checks, each metric, multiplicity, Bayes, verdict.

Every number comes from a registered calculator (``tools.registry.run_tool``), and every call is recorded in the trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.clustered import cluster_codes
from analysis.comparison import Comparison
from analysis.corrections import correct
from analysis.data import AnalysisInputError, AnalysisOptions, ExperimentData, MetricArm
from analysis.findings import SECTION_ORDER, Finding, Scorecard, fmt_p
from analysis.metrics import compare
from analysis.trace import Calls

BALANCE_THRESHOLD = 0.01


@dataclass(frozen=True)
class _Context:
    data: ExperimentData
    options: AnalysisOptions
    calls: Calls


def analyse(data: ExperimentData, options: AnalysisOptions | None = None) -> Scorecard:
    """The full scorecard for validated data; raises ``AnalysisInputError`` for options that do not fit the data."""
    opts = (options or AnalysisOptions()).validate()
    _check_names(data, opts)
    ctx = _Context(data, opts, Calls())
    findings: list[Finding] = []
    srm_failed = _srm(ctx, findings)
    imbalanced = _balance(ctx, findings)
    comparisons = [
        compare(ctx.calls, data, opts, metric, variant)
        for metric in data.kinds
        for variant in data.treatments
    ]
    for comparison in comparisons:
        findings.extend(comparison.findings)
    multiplicity = correct(ctx.calls, data, opts, comparisons, findings)
    _guardrails(ctx, comparisons, findings)
    if opts.bayesian:
        _bayesian(ctx, comparisons, findings)
    decision, verdict = _verdict(ctx, comparisons, srm_failed, imbalanced)
    findings.append(Finding.of("verdict", "verdict", _verdict_status(decision), "Verdict", verdict))
    ordered = sorted(findings, key=lambda f: SECTION_ORDER.index(f.section))
    summary = {
        "source": data.source,
        "control": data.control,
        "variants": list(data.variants),
        "units": data.units,
        "metrics": dict(data.kinds),
        "primary": _primary(data, opts),
        "guardrails": list(opts.guardrails),
        "alpha": opts.alpha,
        "correction": opts.correction,
        "multiplicity": multiplicity,
    }
    if data.clusters is not None:
        summary["clusters"] = data.cluster_counts()
    return Scorecard(decision, verdict, tuple(ordered), tuple(ctx.calls.entries), summary)


def _check_names(data: ExperimentData, opts: AnalysisOptions) -> None:
    for name in (*opts.guardrails, *opts.lower_is_better, *([opts.primary] if opts.primary else [])):
        if name not in data.kinds:
            raise AnalysisInputError(
                f"metric {name!r} is not in the data; metrics: {', '.join(data.kinds)}", column=name
            )
    if opts.split is not None and len(opts.split) != len(data.variants):
        raise AnalysisInputError(
            f"the split has {len(opts.split)} shares for {len(data.variants)} variants", column="split"
        )
    if opts.primary is None and all(m in opts.guardrails for m in data.kinds):
        raise AnalysisInputError(
            "every metric is a guardrail; name at least one decision metric", column="guardrails"
        )


def _primary(data: ExperimentData, opts: AnalysisOptions) -> str:
    return opts.primary or next(m for m in data.kinds if m not in opts.guardrails)


def _srm(ctx: _Context, findings: list[Finding]) -> bool:
    clusters = ctx.data.cluster_counts()
    # Clusters are what was randomised; units per cluster vary by design, so their split says little.
    counts = [clusters[v] if clusters else ctx.data.units[v] for v in ctx.data.variants]
    what = "Clusters" if clusters else "Units"
    params: dict[str, Any] = {"counts": counts, "threshold": ctx.options.srm_threshold}
    if ctx.options.split is not None:
        params["split"] = list(ctx.options.split)
    out = ctx.calls.run("srm_check", params, f"sample ratio mismatch check on {what.lower()} per variant")
    shares = ", ".join(f"{v} {s:.2%}" for v, s in zip(ctx.data.variants, out["observed_shares"], strict=True))
    mismatch = bool(out["mismatch"])
    detail = (
        f"{what} per variant ({shares}) are too far from the intended split to be chance: χ² = {out['chi2']:.2f}, "
        f"p = {fmt_p(out['p_value'])} < {ctx.options.srm_threshold:g}. Assignment or logging is broken somewhere; "
        "every metric below is suspect until the cause is found."
        if mismatch
        else f"{what} per variant ({shares}) match the intended split: p = {fmt_p(out['p_value'])}."
    )
    findings.append(
        Finding.of(
            "trust",
            "srm",
            "fail" if mismatch else "pass",
            "Sample ratio mismatch" if mismatch else "No sample ratio mismatch",
            detail,
            numbers={"chi2": out["chi2"], "p_value": out["p_value"], "counts": counts},
        )
    )
    return mismatch


def _balance(ctx: _Context, findings: list[Finding]) -> bool:
    """A/A-style check: the pre-period covariate should not differ between arms (treatment cannot move it)."""
    imbalanced = False
    for metric, arms in ctx.data.metrics.items():
        control = arms[ctx.data.control]
        if not control.has_covariate:
            continue
        for variant in ctx.data.treatments:
            treat = arms[variant]
            ma, _ = control.pre_mean_sd()
            mb, _ = treat.pre_mean_sd()
            out = _balance_test(ctx, metric, variant, control, treat)
            p = out["p_value"]
            bad = p < BALANCE_THRESHOLD
            imbalanced |= bad
            findings.append(
                Finding.of(
                    "trust",
                    "balance",
                    "warn" if bad else "pass",
                    f"Pre-period {'imbalance' if bad else 'balance'}: {metric}, {variant}",
                    (
                        f"Before the experiment, {variant} already differed from {ctx.data.control} on {metric} "
                        f"({mb:.4g} vs {ma:.4g}, p = {fmt_p(p)}). Randomisation may be broken; CUPED corrects the "
                        "estimate but find the cause."
                        if bad
                        else f"Pre-period {metric} is alike in both arms ({mb:.4g} vs {ma:.4g}, p = {fmt_p(p)}), "
                        "as randomisation promises."
                    ),
                    numbers={"pre_mean_a": ma, "pre_mean_b": mb, "p_value": p},
                    metric=metric,
                    variant=variant,
                )
            )
    return imbalanced


def _balance_test(
    ctx: _Context, metric: str, variant: str, control: MetricArm, treat: MetricArm
) -> dict[str, Any]:
    purpose = f"pre-period balance of {metric} ({variant} vs {ctx.data.control})"
    clusters = ctx.data.clusters
    if clusters is not None and control.pre_values is not None and treat.pre_values is not None:
        return ctx.calls.run(
            "cluster_robust",
            {
                "values": [*control.pre_values, *treat.pre_values],
                "treated": [0.0] * control.n + [1.0] * treat.n,
                "clusters": cluster_codes(clusters, ctx.data.control, variant),
            },
            purpose + ", cluster-robust",
        )
    ma, sa = control.pre_mean_sd()
    mb, sb = treat.pre_mean_sd()
    return ctx.calls.run(
        "welch_t_test",
        {"mean_a": ma, "sd_a": sa, "n_a": control.n, "mean_b": mb, "sd_b": sb, "n_b": treat.n},
        purpose,
    )


def _guardrails(ctx: _Context, comparisons: list[Comparison], findings: list[Finding]) -> None:
    for c in comparisons:
        if c.metric not in ctx.options.guardrails:
            continue
        harmed = c.p_value < ctx.options.alpha and not c.good_direction
        c.harmed = harmed
        findings.append(
            Finding.of(
                "metric",
                "guardrail",
                "fail" if harmed else "pass",
                f"Guardrail {c.metric}, {c.variant}: {'harmed' if harmed else 'no harm detected'}",
                (
                    f"{c.metric} moved the wrong way ({c.describe_effect()}, p = {fmt_p(c.p_value)}); "
                    "a guardrail breach blocks the launch whatever the primary metric says."
                    if harmed
                    else f"{c.metric}: {c.describe_effect()}, p = {fmt_p(c.p_value)}; no significant harm."
                ),
                metric=c.metric,
                variant=c.variant,
                numbers={"p_value": c.p_value},
            )
        )


def _bayesian(ctx: _Context, comparisons: list[Comparison], findings: list[Finding]) -> None:
    if ctx.data.clusters is not None:
        findings.append(
            Finding.of(
                "bayesian",
                "bayesian",
                "info",
                "Bayesian view not computed for cluster-randomised data",
                "The conjugate posteriors treat units as independent; with clusters they would be too narrow.",
            )
        )
        return
    for c in comparisons:
        metric, variant, kind = c.metric, c.variant, c.kind
        a, b = ctx.data.metrics[metric][ctx.data.control], ctx.data.metrics[metric][variant]
        purpose = f"Bayesian view of {metric} ({variant} vs {ctx.data.control})"
        if kind == "binary":
            out = ctx.calls.run(
                "bayesian_ab",
                {"conversions_a": a.conversions, "n_a": a.n, "conversions_b": b.conversions, "n_b": b.n},
                purpose,
            )
        elif kind == "continuous":
            params = _means_params(a, b)
            if c.adjustment:  # the CUPED estimate: same posterior centre and spread as the adjusted test
                se = (c.ci_high - c.ci_low) / (2 * 1.959963984540054)
                sd = se / (1 / a.n + 1 / b.n) ** 0.5
                params.update({"mean_b": params["mean_a"] + c.difference, "sd_a": sd, "sd_b": sd})
                purpose += ", CUPED-adjusted"
            out = ctx.calls.run("bayesian_ab_means", params, purpose)
        else:
            continue
        findings.append(
            Finding.of(
                "bayesian",
                "bayesian",
                "info",
                f"Bayesian view: {metric}, {variant}" + (" (CUPED-adjusted)" if c.adjustment else ""),
                f"P({variant} beats {ctx.data.control}) = {_percent(out['prob_b_beats_a'])}; expected loss if you ship "
                f"{variant}: {out['expected_loss_b']:.3g}, if you keep {ctx.data.control}: "
                f"{out['expected_loss_a']:.3g}; 95% credible interval of the difference "
                f"[{out['ci_low']:.4g}, {out['ci_high']:.4g}] (flat prior).",
                metric=metric,
                variant=variant,
                numbers={k: out[k] for k in ("prob_b_beats_a", "expected_loss_b", "expected_loss_a")},
            )
        )


def _means_params(a: MetricArm, b: MetricArm) -> dict[str, Any]:
    ma, sa = a.mean_sd()
    mb, sb = b.mean_sd()
    return {"mean_a": ma, "sd_a": sa, "n_a": a.n, "mean_b": mb, "sd_b": sb, "n_b": b.n}


def _verdict(
    ctx: _Context, comparisons: list[Comparison], srm_failed: bool, imbalanced: bool
) -> tuple[Any, str]:
    primary = _primary(ctx.data, ctx.options)
    alpha = ctx.options.alpha
    if srm_failed:
        return "investigate", (
            "Do not act on these results. The traffic split is off (sample ratio mismatch), so the groups are not "
            "comparable and every effect below may be an artefact. Find the cause (assignment, redirects, bot "
            "filtering, logging), fix it and rerun."
        )
    harmed = [c for c in comparisons if c.harmed]
    main = [c for c in comparisons if c.metric == primary]
    winners = [c for c in main if (c.adjusted_p or 1) < alpha and c.good_direction]
    losers = [c for c in main if (c.adjusted_p or 1) < alpha and not c.good_direction]
    caveat = (
        " Caveat: the pre-period covariate was imbalanced between arms; check the randomisation."
        if imbalanced
        else ""
    )
    if harmed:
        names = ", ".join(f"{c.metric} ({c.variant})" for c in harmed)
        return "do_not_ship", f"Do not ship: guardrail harmed: {names}." + caveat
    if winners:
        best = max(winners, key=lambda c: c.relative_lift if c.good_direction else -c.relative_lift)
        return "ship", (
            f"Ship {best.variant}: {primary} {best.describe_effect()} with p = {fmt_p(best.adjusted_p or 1)}"
            + (" after correction" if best.adjusted_p != best.p_value else "")
            + (
                ", and no guardrail was harmed"
                if ctx.options.guardrails
                else " (no guardrail metrics were named)"
            )
            + ". Check that the lift is large enough to matter for the business."
            + caveat
        )
    if losers:
        worst = losers[0]
        return "do_not_ship", (
            f"Do not ship {worst.variant}: {primary} {worst.describe_effect()} (p = {fmt_p(worst.adjusted_p or 1)})."
            + caveat
        )
    c = main[0]
    return "inconclusive", (
        f"Inconclusive: no significant change in {primary} ({c.describe_effect()}, p = {fmt_p(c.adjusted_p or 1)}). "
        + (
            f"That is a hair above α = {alpha:g}: borderline, so neither ship on it nor call it a null result. "
            if alpha <= (c.adjusted_p or 1) < 1.25 * alpha
            else ""
        )
        + "The interval still includes effects you might care about; absence of evidence is not evidence of no effect. "
        "Keep the control unless a non-inferiority argument applies, or run longer if the test was underpowered."
        + caveat
    )


def _verdict_status(decision: str) -> Any:
    return {"ship": "win", "do_not_ship": "loss", "inconclusive": "flat", "investigate": "fail"}[decision]


def _percent(p: float) -> str:
    if p > 0.999:
        return ">99.9%"
    if p < 0.001:
        return "<0.1%"
    return f"{p:.1%}"
