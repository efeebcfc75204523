"""The scorecard's multiple-testing step: Dunnett within a metric's variants where it applies, then the chosen
correction across families (the rule itself is ``analysis.multiplicity.combine``)."""

from __future__ import annotations

from analysis.comparison import Comparison
from analysis.data import AnalysisOptions, ExperimentData
from analysis.findings import Finding, fmt_p
from analysis.multiplicity import combine
from analysis.trace import Calls
from tools.registry import MAX_LIST_ITEMS


def correct(
    calls: Calls,
    data: ExperimentData,
    options: AnalysisOptions,
    comparisons: list[Comparison],
    findings: list[Finding],
) -> str:
    """Set each comparison's adjusted p: Dunnett within a metric's many-to-one family where it applies, the chosen
    correction across families. Returns what was done, in words, for the scorecard's summary."""
    tested = [c for c in comparisons if c.metric not in options.guardrails]
    for c in comparisons:
        c.adjusted_p = c.p_value
    if len(tested) < 2:
        return "none needed (one comparison)"
    if options.correction == "none":
        findings.append(
            Finding.of(
                "multiple_testing",
                "multiple_testing",
                "warn",
                "No multiple-testing correction",
                f"{len(tested)} comparisons were tested at α = {options.alpha:g} each; the chance of at least one "
                "false positive is higher than α.",
            )
        )
        return "none (asked for)"
    families = _families(calls, data, options, tested, findings)
    dunnett = sorted({fam[0].metric for fam, _ in families if len(fam) > 1})
    within = f"Dunnett within {', '.join(dunnett)}" if dunnett else ""
    method = options.correction.replace("_", "-").title()
    if len(families) == 1:
        for c, p in zip(families[0][0], families[0][1], strict=True):
            c.adjusted_p = p
        return f"{within}; one metric, nothing to correct across"
    out = calls.run(
        "multiple_testing",
        {
            "p_values": [min(p) for _, p in families],
            "alpha": options.alpha,
            "method": options.correction,
        },
        f"{options.correction} correction across {len(families)} "
        + (
            "families (a metric's variants, or one comparison)" if dunnett else "metric × variant comparisons"
        ),
    )
    final = combine([p for _, p in families], out["adjusted_p_values"], options.correction, options.alpha)
    for (members, _), adjusted in zip(families, final, strict=True):
        for c, p in zip(members, adjusted, strict=True):
            c.adjusted_p = p
    description = (
        f"{within}; {options.correction} across {len(families)} families"
        if dunnett
        else f"{options.correction} across {len(tested)} comparisons"
    )
    lost = [c for c in tested if c.p_value < options.alpha <= (c.adjusted_p or 1)]
    rows = "; ".join(
        f"{c.metric} ({c.variant}): p {fmt_p(c.p_value)} → {fmt_p(c.adjusted_p or 1)}" for c in tested
    )
    findings.append(
        Finding.of(
            "multiple_testing",
            "multiple_testing",
            "warn" if lost else "info",
            (
                f"{within}, {method} across {len(families)} families"
                if dunnett
                else f"{method} correction over {len(tested)} comparisons"
            ),
            rows
            + (f". {len(lost)} result(s) significant alone are not after correction." if lost else ".")
            + (
                f" {method} runs on each family's smallest p-value, and a family's comparisons are held to the level "
                "it is given (Holm/Bonferroni step-down over families; for Benjamini-Hochberg, Benjamini & "
                "Bogomolov's selective rule)."
                if dunnett
                else ""
            )
            + (
                " Guardrails are tested separately, uncorrected, so that harm is not explained away."
                if options.guardrails
                else ""
            ),
            numbers={"raw": [c.p_value for c in tested], "adjusted": [c.adjusted_p for c in tested]},
        )
    )
    return description


def _families(
    calls: Calls,
    data: ExperimentData,
    options: AnalysisOptions,
    tested: list[Comparison],
    findings: list[Finding],
) -> list[tuple[list[Comparison], list[float]]]:
    """A metric's comparisons as one Dunnett family where Dunnett applies; otherwise each comparison alone."""
    by_metric: dict[str, list[Comparison]] = {}
    for c in tested:
        by_metric.setdefault(c.metric, []).append(c)
    families: list[tuple[list[Comparison], list[float]]] = []
    for metric, members in by_metric.items():
        if len(members) >= 2 and _dunnett_applies(data, metric, members):
            families.append((members, _dunnett(calls, data, options, metric, members, findings)))
        else:
            families.extend(([c], [c.p_value]) for c in members)
    return families


def _dunnett_applies(data: ExperimentData, metric: str, members: list[Comparison]) -> bool:
    """Per-unit, means-based, unadjusted: Dunnett's pooled-variance t tests are about these means."""
    return (
        data.kinds[metric] == "continuous"
        and data.clusters is None
        and all(arm.values is not None for arm in data.metrics[metric].values())
        and not any(c.adjustment for c in members)
    )


def _dunnett(
    calls: Calls,
    data: ExperimentData,
    options: AnalysisOptions,
    metric: str,
    members: list[Comparison],
    findings: list[Finding],
) -> list[float]:
    arms = data.metrics[metric]
    variants = [data.control, *(c.variant for c in members)]
    values: list[float] = []
    groups: list[float] = []
    for code, variant in enumerate(variants):
        values.extend(arms[variant].values or ())
        groups.extend([float(code)] * arms[variant].n)
    purpose = f"Dunnett's many-to-one test of {metric}: {len(members)} variants against {data.control}"
    if len(values) <= MAX_LIST_ITEMS:
        out = calls.run(
            "dunnett_units", {"values": values, "groups": groups, "alpha": options.alpha}, purpose
        )
    else:  # too many rows to pass as a list: the same statistic from each arm's mean, SD and size
        stats = [arms[v].mean_sd() for v in variants]
        out = calls.run(
            "dunnett",
            {
                "means": [m for m, _ in stats],
                "sds": [s for _, s in stats],
                "ns": [arms[v].n for v in variants],
                "alpha": options.alpha,
            },
            purpose + ", from summary statistics",
        )
    adjusted = [float(p) for p in out["adjusted_p_values"]]
    level = f"{1 - options.alpha:.0%}"
    intervals = (
        [
            f", simultaneous {level} CI [{lo:+.4g}, {hi:+.4g}]"
            for lo, hi in zip(out["ci_low"], out["ci_high"], strict=True)
        ]
        if "ci_low" in out
        else [""] * len(members)
    )
    findings.append(
        Finding.of(
            "multiple_testing",
            "dunnett",
            "info",
            f"Dunnett's test: {metric}, {len(members)} variants against {data.control}",
            "; ".join(
                f"{c.variant}: p {fmt_p(c.p_value)} → {fmt_p(p)}{ci}"
                for c, p, ci in zip(members, adjusted, intervals, strict=True)
            )
            + ". Each variant is compared with the shared control at once (pooled variance, multivariate t), "
            "which holds the family-wise error at α and is less conservative than Holm or Bonferroni over the "
            "same comparisons.",
            metric=metric,
            numbers={"raw": [c.p_value for c in members], "dunnett": adjusted},
        )
    )
    return adjusted
