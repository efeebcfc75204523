"""Every calculator with its parameters, so the API and CLI can be generated from one table.

``run_tool(name, params)`` validates and coerces the parameters, applies documented defaults and records each
default it applied as an assumption on the result.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tools import (
    always_valid,
    anova,
    bayesian,
    cluster,
    cluster_analysis,
    conditional_power,
    cuped,
    cuped_test,
    dunnett,
    duration,
    effect_size_power,
    equivalence,
    exact_2x2,
    heavy_tails,
    interval_reading,
    intervals,
    means,
    multiple_testing,
    one_sample,
    poisson,
    proportions,
    ratio_metrics,
    sequential,
    significance,
    srm,
)
from tools.errors import CalculationInputError, UnknownToolError
from tools.result import CalculationResult

PARAM_TYPES = ("float", "int", "str", "bool", "float_list", "str_list", "table")


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a calculator: name, type, whether required, default and what it means."""

    name: str
    type: str
    description: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "description": self.description,
            "choices": list(self.choices),
        }


@dataclass(frozen=True)
class ToolSpec:
    """A calculator: its name, what it answers, its parameters and the function that runs it."""

    name: str
    summary: str
    params: tuple[ParamSpec, ...]
    run: Callable[..., CalculationResult]
    renames: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def description(self) -> str:
        """Alias of summary, for callers that describe tools generically."""
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        """Name, summary (also as description) and every parameter's name, type, required, default, description."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.summary,
            "params": [p.to_dict() for p in self.params],
        }

    def describe(self) -> dict[str, Any]:
        """The JSON description the API and CLI generate their forms and options from."""
        return self.to_dict()


def _p(
    name: str,
    type_: str,
    description: str,
    default: Any = None,
    *,
    required: bool = False,
    choices: Sequence[str] = (),
) -> ParamSpec:
    return ParamSpec(name, type_, description, required, default, tuple(choices))


ALPHA = _p("alpha", "float", "significance level (type I error rate), e.g. 0.05", 0.05)
POWER = _p("power", "float", "target power (1 − type II error rate), e.g. 0.8", 0.8)
ALTERNATIVE = _p(
    "alternative",
    "str",
    "two-sided, or one-sided larger/smaller",
    "two-sided",
    choices=("two-sided", "larger", "smaller"),
)
BASELINE = _p("baseline", "float", "control-group conversion rate as a proportion (10% = 0.1)", required=True)
MDE = _p(
    "mde", "float", "minimum detectable effect (relative: 0.05 = 5% of baseline; absolute: 0.01 = 1 point)"
)
MDE_TYPE = _p(
    "mde_type",
    "str",
    "whether mde is relative to the baseline or absolute (percentage points)",
    "relative",
    choices=("relative", "absolute"),
)
P2 = _p("p2", "float", "treatment conversion rate (instead of mde)")
RATIO = _p("ratio", "float", "allocation ratio n_variant / n_control", 1.0)
VARIANTS = _p("variants", "int", "number of treatment variants, each compared with the control", 1)
CORRECTION = _p(
    "correction",
    "str",
    "multiple-comparison correction across variants",
    "none",
    choices=proportions.CORRECTIONS,
)
PROP_METHOD = _p("method", "str", "calculation method", "pooled", choices=proportions.METHODS)
N_PER_GROUP = _p(
    "n_per_group", "float", "sample size of the control group (each variant gets ratio × n)", required=True
)
MEANS_COMMON = (
    _p("delta", "float", "difference in means to detect, in the metric's units"),
    _p("sd", "float", "standard deviation of the metric (of the differences when paired)"),
    _p("cohens_d", "float", "standardised effect d = delta / sd (instead of delta and sd)"),
    _p("mean_a", "float", "control mean (with mean_b, instead of delta)"),
    _p("mean_b", "float", "treatment mean to detect (with mean_a, instead of delta)"),
)
MEANS_DESIGN = (
    _p("design", "str", "two independent groups, one sample or paired", "two_sample", choices=means.DESIGNS),
    _p("ratio", "float", "allocation ratio n2 / n1 (two-sample only)", 1.0),
)
MEANS_METHOD = _p(
    "method", "str", "noncentral t, normal z or the 16σ²/δ² rule of thumb", "t", choices=means.METHODS
)
CONFIDENCE = _p("confidence", "float", "confidence level, e.g. 0.95", 0.95)
THRESHOLD = _p(
    "threshold",
    "float",
    "smallest effect worth acting on (practical significance), in the interval's units: a lift as a fraction "
    "(0.05 = 5%), a difference of rates as a proportion (0.002 = 0.2 points)",
)
TWO_GROUP_COUNTS = (
    _p("conversions_a", "int", "conversions in group A (control)", required=True),
    _p("n_a", "int", "users in group A (control)", required=True),
    _p("conversions_b", "int", "conversions in group B (treatment)", required=True),
    _p("n_b", "int", "users in group B (treatment)", required=True),
)
TWO_GROUP_MEANS = (
    _p("mean_a", "float", "mean of group A (control)", required=True),
    _p("sd_a", "float", "standard deviation of group A", required=True),
    _p("n_a", "int", "size of group A", required=True),
    _p("mean_b", "float", "mean of group B (treatment)", required=True),
    _p("sd_b", "float", "standard deviation of group B", required=True),
    _p("n_b", "int", "size of group B", required=True),
)
RENAME_POWER = {"power": "power_target"}
CUPED_SUMS = tuple(
    _p(f"{name}_{arm}", type_, f"{text} in group {arm.upper()}", required=True)
    for arm in ("a", "b")
    for name, type_, text in (
        ("n", "int", "units"),
        ("sum", "float", "sum of the metric Y"),
        ("sum_sq", "float", "sum of Y²"),
        ("pre_sum", "float", "sum of the pre-period covariate X"),
        ("pre_sum_sq", "float", "sum of X²"),
        ("pre_cross", "float", "sum of Y·X"),
    )
)
RATIO_SUMS = tuple(
    _p(f"{name}_{arm}", type_, f"{text} in group {arm.upper()}", required=True)
    for arm in ("a", "b")
    for name, type_, text in (
        ("n", "int", "users (randomisation units)"),
        ("num_sum", "float", "sum over users of the numerator (e.g. revenue)"),
        ("den_sum", "float", "sum over users of the denominator (e.g. orders)"),
        ("num_sq_sum", "float", "sum over users of numerator²"),
        ("den_sq_sum", "float", "sum over users of denominator²"),
        ("num_den_sum", "float", "sum over users of numerator × denominator"),
    )
)

TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(
            "proportions_sample_size",
            "Sample size per group to detect a change in a conversion rate",
            (
                BASELINE,
                MDE,
                MDE_TYPE,
                P2,
                POWER,
                ALPHA,
                ALTERNATIVE,
                RATIO,
                VARIANTS,
                CORRECTION,
                PROP_METHOD,
            ),
            proportions.sample_size_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "proportions_power",
            "Power to detect a change in a conversion rate with a given sample size",
            (
                BASELINE,
                N_PER_GROUP,
                MDE,
                MDE_TYPE,
                P2,
                ALPHA,
                ALTERNATIVE,
                RATIO,
                VARIANTS,
                CORRECTION,
                PROP_METHOD,
            ),
            proportions.power_result,
        ),
        ToolSpec(
            "proportions_mde",
            "Minimum detectable effect on a conversion rate for a given sample size",
            (BASELINE, N_PER_GROUP, POWER, ALPHA, ALTERNATIVE, RATIO, VARIANTS, CORRECTION, PROP_METHOD),
            proportions.mde_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "means_sample_size",
            "Sample size to detect a difference in means (t or z test)",
            (*MEANS_COMMON, POWER, ALPHA, ALTERNATIVE, *MEANS_DESIGN, MEANS_METHOD),
            means.sample_size_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "means_power",
            "Power of a t or z test for a difference in means",
            (
                _p(
                    "n_per_group",
                    "float",
                    "observations in group 1 (or pairs / the one sample)",
                    required=True,
                ),
                *MEANS_COMMON,
                ALPHA,
                ALTERNATIVE,
                *MEANS_DESIGN,
                MEANS_METHOD,
            ),
            means.power_result,
        ),
        ToolSpec(
            "means_mde",
            "Minimum detectable difference in means for a given sample size",
            (
                _p(
                    "n_per_group",
                    "float",
                    "observations in group 1 (or pairs / the one sample)",
                    required=True,
                ),
                _p("sd", "float", "standard deviation, to express the MDE in the metric's units"),
                POWER,
                ALPHA,
                ALTERNATIVE,
                *MEANS_DESIGN,
                MEANS_METHOD,
            ),
            means.mde_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "test_duration",
            "Days (and whole weeks) a test needs given daily traffic",
            (
                _p("daily_traffic", "float", "users entering the experiment area per day", required=True),
                _p("n_per_group", "float", "sample size needed per group (or give baseline and mde)"),
                _p("baseline", "float", "baseline conversion rate, to compute n_per_group"),
                MDE,
                MDE_TYPE,
                _p("exposed_share", "float", "share of daily traffic that enters the test", 1.0),
                _p("split", "float_list", "traffic split across control and variants, e.g. 50,50 or 90,10"),
                VARIANTS,
                POWER,
                ALPHA,
                ALTERNATIVE,
                CORRECTION,
                PROP_METHOD,
            ),
            duration.duration_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "ci_proportion",
            "Confidence interval for one proportion",
            (
                _p("successes", "int", "number of successes (conversions)", required=True),
                _p("n", "int", "number of trials (users)", required=True),
                CONFIDENCE,
                _p("method", "str", "interval method", "wilson", choices=tuple(intervals.PROPORTION_METHODS)),
            ),
            intervals.proportion_ci_result,
        ),
        ToolSpec(
            "ci_proportion_difference",
            "Confidence interval for the difference of two proportions (B − A)",
            (
                *TWO_GROUP_COUNTS,
                CONFIDENCE,
                _p(
                    "method",
                    "str",
                    "interval method",
                    "newcombe",
                    choices=tuple(intervals.DIFFERENCE_METHODS),
                ),
                THRESHOLD,
            ),
            intervals.difference_ci_result,
        ),
        ToolSpec(
            "ci_mean_difference",
            "Welch confidence interval for the difference of two means (B − A)",
            (*TWO_GROUP_MEANS, CONFIDENCE),
            intervals.mean_difference_ci_result,
        ),
        ToolSpec(
            "ci_relative_lift",
            "Delta-method confidence interval for the relative lift (B − A)/A",
            (
                _p("n_a", "int", "size of group A (control)", required=True),
                _p("n_b", "int", "size of group B (treatment)", required=True),
                _p("conversions_a", "int", "conversions in A (for rates)"),
                _p("conversions_b", "int", "conversions in B (for rates)"),
                _p("mean_a", "float", "mean of A (for means)"),
                _p("sd_a", "float", "SD of A (for means)"),
                _p("mean_b", "float", "mean of B (for means)"),
                _p("sd_b", "float", "SD of B (for means)"),
                CONFIDENCE,
                THRESHOLD,
            ),
            intervals.relative_lift_ci_result,
        ),
        ToolSpec(
            "two_proportion_z_test",
            "z statistic and p-value for two conversion rates (pooled)",
            (*TWO_GROUP_COUNTS, ALTERNATIVE, ALPHA),
            significance.two_proportion_z_result,
        ),
        ToolSpec(
            "exact_2x2_test",
            "Exact test of two conversion rates: Fisher (conditional) or Barnard / Boschloo (unconditional)",
            (
                *TWO_GROUP_COUNTS,
                _p("method", "str", "which exact test", "fisher", choices=exact_2x2.METHODS),
                ALTERNATIVE,
                ALPHA,
            ),
            exact_2x2.exact_2x2_result,
        ),
        ToolSpec(
            "welch_t_test",
            "Welch t statistic and p-value from means, SDs and sizes",
            (*TWO_GROUP_MEANS, ALTERNATIVE, ALPHA),
            significance.welch_t_result,
        ),
        ToolSpec(
            "chi_square_independence",
            "Chi-square test of independence for a table of counts",
            (
                _p("table", "table", "rows of counts, e.g. 120,880;150,850", required=True),
                _p("yates", "bool", "apply Yates' continuity correction (2×2 only)", False),
                ALPHA,
            ),
            significance.chi_square_independence_result,
        ),
        ToolSpec(
            "chi_square_goodness_of_fit",
            "Chi-square goodness of fit of counts to expected shares",
            (
                _p("observed", "float_list", "observed counts", required=True),
                _p("expected", "float_list", "expected shares (uniform if omitted)"),
                ALPHA,
            ),
            significance.chi_square_gof_result,
        ),
        ToolSpec(
            "multiple_testing",
            "Adjusted p-values and rejections for several hypotheses",
            (
                _p("p_values", "float_list", "the p-values to adjust", required=True),
                ALPHA,
                _p("method", "str", "adjustment", "holm", choices=tuple(multiple_testing.METHODS)),
                _p("n_tests", "int", "hypotheses in the family, when only the smallest p-values are listed"),
            ),
            multiple_testing.multiple_testing_result,
        ),
        ToolSpec(
            "srm_check",
            "Sample ratio mismatch check against the intended split",
            (
                _p("counts", "float_list", "users observed in each arm", required=True),
                _p("split", "float_list", "intended split, e.g. 50,50 (equal if omitted)"),
                _p("threshold", "float", "p-value below which a mismatch is declared", 0.001),
            ),
            srm.srm_result,
        ),
        ToolSpec(
            "cuped",
            "CUPED variance reduction, adjusted sample size, MDE and duration",
            (
                _p(
                    "correlation",
                    "float",
                    "correlation between pre-period covariate and metric",
                    required=True,
                ),
                _p("n_per_group", "float", "sample size per group without CUPED"),
                _p("mde", "float", "MDE without CUPED (same units out)"),
                _p("daily_traffic", "float", "users per day, to convert sample sizes to days"),
                _p("exposed_share", "float", "share of daily traffic in the test", 1.0),
                VARIANTS,
            ),
            cuped.cuped_result,
        ),
        ToolSpec(
            "anova_power",
            "One-way ANOVA power or sample size from Cohen's f",
            (
                _p("effect_size_f", "float", "Cohen's f", required=True),
                _p("k_groups", "int", "number of groups", required=True),
                _p("n_per_group", "float", "observations per group (omit to solve for it)"),
                _p("power", "float", "target power (omit to compute power)"),
                ALPHA,
            ),
            effect_size_power.anova_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "chi_square_power",
            "Chi-square test power or sample size from Cohen's w",
            (
                _p("effect_size_w", "float", "Cohen's w", required=True),
                _p("df", "int", "degrees of freedom", required=True),
                _p("n_total", "float", "total observations (omit to solve for it)"),
                _p("power", "float", "target power (omit to compute power)"),
                ALPHA,
            ),
            effect_size_power.chi_square_power_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "correlation_power",
            "Power or sample size for testing a correlation",
            (
                _p("r", "float", "correlation to detect", required=True),
                _p("n", "float", "number of pairs (omit to solve for it)"),
                _p("power", "float", "target power (omit to compute power)"),
                ALPHA,
                ALTERNATIVE,
            ),
            effect_size_power.correlation_result,
            RENAME_POWER,
        ),
        ToolSpec(
            "group_sequential",
            "Group-sequential efficacy boundaries for K equally spaced looks",
            (
                _p("looks", "int", "number of analyses including the final one", required=True),
                ALPHA,
                _p(
                    "spending_function",
                    "str",
                    "boundary shape",
                    "obrien_fleming",
                    choices=sequential.SPENDING,
                ),
                _p(
                    "design",
                    "str",
                    "Lan-DeMets spending or classic constant boundaries",
                    "spending",
                    choices=sequential.DESIGNS,
                ),
                ALTERNATIVE,
            ),
            sequential.group_sequential_result,
        ),
        ToolSpec(
            "paired_t_test",
            "Paired t test from the mean and SD of the per-unit differences (before/after on the same units)",
            (
                _p(
                    "mean_difference",
                    "float",
                    "mean of the per-unit differences (after − before)",
                    required=True,
                ),
                _p("sd_difference", "float", "standard deviation of the per-unit differences", required=True),
                _p("n_pairs", "int", "number of pairs (units measured twice)", required=True),
                ALTERNATIVE,
                ALPHA,
                CONFIDENCE,
            ),
            one_sample.paired_t_result,
        ),
        ToolSpec(
            "binomial_test",
            "Exact binomial test of an observed rate against a known rate (e.g. is a coin fair)",
            (
                _p("successes", "int", "number of successes", required=True),
                _p("n", "int", "number of trials", required=True),
                _p("p0", "float", "the known rate tested against, e.g. 0.5 for a fair coin", 0.5),
                ALTERNATIVE,
                ALPHA,
            ),
            one_sample.binomial_test_result,
        ),
        ToolSpec(
            "interval_reading",
            "What a reported confidence interval implies: estimate, standard error, z, p-value, whether it excludes 0",
            (
                _p("lower", "float", "the interval's lower bound, as reported", required=True),
                _p("upper", "float", "the interval's upper bound, as reported", required=True),
                _p("confidence", "float", "the interval's confidence level, e.g. 0.95", 0.95),
                _p("null_value", "float", "the value of no effect, 0 for a difference or lift", 0.0),
                _p(
                    "unit",
                    "str",
                    "how the bounds were written: '%', 'pp' or ''",
                    "",
                    choices=interval_reading.UNITS,
                ),
            ),
            interval_reading.interval_reading_result,
        ),
        ToolSpec(
            "compromise_power",
            "Compromise power analysis (G*Power): the alpha and power at which beta/alpha = q",
            (
                _p("effect_size_d", "float", "Cohen's d", required=True),
                _p("n_per_group", "float", "observations per group", required=True),
                _p("beta_alpha_ratio", "float", "q = beta / alpha", 1.0),
            ),
            one_sample.compromise_power_result,
        ),
        ToolSpec(
            "bayesian_ab",
            "Bayesian A/B for conversion rates: probability B beats A, expected loss, credible interval",
            (
                *TWO_GROUP_COUNTS,
                _p("prior_alpha", "float", "Beta prior α on each rate (1 = uniform)", 1.0),
                _p("prior_beta", "float", "Beta prior β on each rate (1 = uniform)", 1.0),
                _p("credibility", "float", "credible-interval level, e.g. 0.95", 0.95),
            ),
            bayesian.bayesian_proportions_result,
        ),
        ToolSpec(
            "bayesian_ab_means",
            "Bayesian A/B for means: probability B beats A, expected loss, credible interval",
            (*TWO_GROUP_MEANS, _p("credibility", "float", "credible-interval level, e.g. 0.95", 0.95)),
            bayesian.bayesian_means_result,
        ),
        ToolSpec(
            "msprt",
            "Always-valid mSPRT p-value and confidence sequence (safe to peek at any time)",
            (
                _p("n_a", "int", "users in group A (control) so far", required=True),
                _p("n_b", "int", "users in group B (treatment) so far", required=True),
                _p("conversions_a", "int", "conversions in A (for rates)"),
                _p("conversions_b", "int", "conversions in B (for rates)"),
                _p("mean_a", "float", "mean of A (for means)"),
                _p("sd_a", "float", "SD of A (for means)"),
                _p("mean_b", "float", "mean of B (for means)"),
                _p("sd_b", "float", "SD of B (for means)"),
                ALPHA,
                _p(
                    "mixing_sd",
                    "float",
                    "SD τ of the normal mixture over effects (default: tuned to planned_n)",
                ),
                _p("planned_n", "float", "planned users per group, to tune τ"),
                _p("previous_p_values", "float_list", "always-valid p-values of earlier looks"),
            ),
            always_valid.msprt_result,
        ),
        ToolSpec(
            "ratio_metric",
            "Delta-method test of a ratio metric (revenue per order, clicks per session) between two arms",
            (*RATIO_SUMS, CONFIDENCE),
            ratio_metrics.ratio_metric_result,
        ),
        ToolSpec(
            "equivalence_test",
            "Non-inferiority or TOST equivalence test for two rates or two means",
            (
                _p(
                    "margin",
                    "float",
                    "non-inferiority / equivalence margin, absolute (0.01 = 1 point)",
                    required=True,
                ),
                _p("test", "str", "which hypothesis", "non_inferiority", choices=equivalence.TESTS),
                _p("conversions_a", "int", "conversions in A (for rates)"),
                _p("n_a", "int", "size of group A (control)", required=True),
                _p("conversions_b", "int", "conversions in B (for rates)"),
                _p("n_b", "int", "size of group B (treatment)", required=True),
                _p("mean_a", "float", "mean of A (for means)"),
                _p("sd_a", "float", "SD of A (for means)"),
                _p("mean_b", "float", "mean of B (for means)"),
                _p("sd_b", "float", "SD of B (for means)"),
                ALPHA,
            ),
            equivalence.equivalence_test_result,
        ),
        ToolSpec(
            "equivalence_sample_size",
            "Sample size per group for a non-inferiority or equivalence test",
            (
                _p("margin", "float", "margin, absolute (0.01 = 1 point)", required=True),
                _p("test", "str", "which hypothesis", "non_inferiority", choices=equivalence.TESTS),
                _p("baseline", "float", "control conversion rate (for rates)"),
                _p("sd", "float", "standard deviation (for means)"),
                _p("true_difference", "float", "true difference B − A you expect", 0.0),
                _p("alpha", "float", "one-sided significance level of each test", 0.05),
                POWER,
            ),
            equivalence.equivalence_sample_size_result,
        ),
        ToolSpec(
            "dunnett",
            "Dunnett's many-to-one test: each variant against one control, from means, SDs and sizes",
            (
                _p(
                    "means",
                    "float_list",
                    "mean of each arm, control first (a rate when proportions)",
                    required=True,
                ),
                _p(
                    "sds",
                    "float_list",
                    "standard deviation of each arm, control first (not with proportions)",
                ),
                _p("ns", "float_list", "size of each arm, control first", required=True),
                ALTERNATIVE,
                ALPHA,
                _p("proportions", "bool", "the means are conversion rates (SDs from the rates)", False),
                _p("labels", "str_list", "a name for each arm, control first (e.g. A, B, C)"),
            ),
            dunnett.dunnett_result,
        ),
        ToolSpec(
            "oneway_anova",
            "One-way ANOVA: do three or more arms' means differ at all, from means, SDs and sizes",
            (
                _p("means", "float_list", "mean of each arm", required=True),
                _p("sds", "float_list", "standard deviation of each arm", required=True),
                _p("ns", "float_list", "size of each arm", required=True),
                ALPHA,
                _p(
                    "use_var",
                    "str",
                    "equal: the classic F test (pooled variance); unequal: Welch's ANOVA",
                    "equal",
                    choices=anova.METHODS,
                ),
            ),
            anova.oneway_anova_result,
        ),
        ToolSpec(
            "dunnett_units",
            "Dunnett's many-to-one test on per-unit values: each variant against the control (scipy.stats.dunnett)",
            (
                _p("values", "float_list", "metric value of each unit", required=True),
                _p("groups", "float_list", "arm of each unit: 0 control, 1, 2, … variants", required=True),
                ALTERNATIVE,
                ALPHA,
            ),
            dunnett.dunnett_units_result,
        ),
        ToolSpec(
            "heavy_tails",
            "Heavy-tailed metric: Yuen trimmed-mean test or bootstrap CI from per-unit values",
            (
                _p("values_a", "float_list", "per-unit values in A (control)", required=True),
                _p("values_b", "float_list", "per-unit values in B (treatment)", required=True),
                _p("method", "str", "trimmed-mean test or bootstrap", "yuen", choices=heavy_tails.METHODS),
                _p("trim", "float", "share trimmed from each end (Yuen)", 0.2),
                CONFIDENCE,
                ALTERNATIVE,
                _p("resamples", "int", "bootstrap resamples", 4000),
            ),
            heavy_tails.heavy_tails_result,
        ),
        ToolSpec(
            "poisson_test",
            "Two-sample Poisson rate test (events per exposure): rate ratio, CI, p-value",
            (
                _p("count_a", "int", "events in A (control)", required=True),
                _p("exposure_a", "float", "exposure in A (users, user-days, sessions)", required=True),
                _p("count_b", "int", "events in B (treatment)", required=True),
                _p("exposure_b", "float", "exposure in B", required=True),
                _p("method", "str", "test method", "score", choices=poisson.TEST_METHODS),
                ALTERNATIVE,
                ALPHA,
            ),
            poisson.poisson_test_result,
        ),
        ToolSpec(
            "poisson_power",
            "Power or sample size of the Poisson rate-ratio test",
            (
                _p("rate_a", "float", "control event rate per unit of exposure", required=True),
                _p("rate_b", "float", "treatment event rate to detect", required=True),
                _p("n_per_group", "float", "control units (omit to solve for it)"),
                _p("power", "float", "target power (omit to compute power)"),
                _p("exposure", "float", "exposure per unit (e.g. days observed)", 1.0),
                RATIO,
                ALPHA,
                ALTERNATIVE,
                _p("null_ratio", "float", "rate ratio under the null (1, or a margin)", 1.0),
            ),
            poisson.poisson_power_result,
        ),
        ToolSpec(
            "cluster_design",
            "Cluster-randomised or switchback design: design effect, clusters needed, effective n and power",
            (
                _p("icc", "float", "intracluster correlation ρ, e.g. 0.02", required=True),
                _p("cluster_size", "float", "average units per cluster", required=True),
                _p("n_per_group", "float", "sample size per group if units were randomised individually"),
                _p("clusters_per_group", "float", "clusters per group (for effective n and power)"),
                _p("cv", "float", "coefficient of variation of cluster sizes", 0.0),
                _p("effect_size", "float", "Cohen's d or h, for power with clusters_per_group"),
                ALPHA,
            ),
            cluster.cluster_design_result,
        ),
        ToolSpec(
            "cluster_robust",
            "Cluster-randomised experiment: effect with cluster-robust SEs, ICC and design effect, from per-unit rows",
            (
                _p("values", "float_list", "metric value of each unit", required=True),
                _p("treated", "float_list", "1 for a treatment unit, 0 for a control unit", required=True),
                _p("clusters", "float_list", "cluster code of each unit (whole numbers)", required=True),
                _p("covariate", "float_list", "pre-period covariate of each unit (optional)"),
                ALPHA,
            ),
            cluster_analysis.cluster_robust_result,
        ),
        ToolSpec(
            "cuped_test",
            "CUPED-adjusted difference in means between two arms, from per-arm sums of the metric and covariate",
            (*CUPED_SUMS, CONFIDENCE),
            cuped_test.cuped_test_result,
        ),
        ToolSpec(
            "conditional_power",
            "Conditional power mid-experiment under the current trend, the design effect and the null",
            (
                _p("z_interim", "float", "z statistic at the interim look (B − A)", required=True),
                _p("information_fraction", "float", "share of the planned sample seen so far", required=True),
                ALPHA,
                _p("design_power", "float", "power the test was planned for", 0.8),
                _p("final_critical_z", "float", "final critical value (default z₁₋α/₂)"),
                _p("futility_threshold", "float", "CP below which the test is called futile", 0.1),
            ),
            conditional_power.conditional_power_result,
        ),
    )
}

# Parameters whose defaults are conventions the user should know were applied.
_ASSUMED = {
    "alpha": lambda v: f"α = {v:g}",
    "power": lambda v: f"{v:.0%} power",
    "alternative": lambda v: f"{v} test",
    "ratio": lambda v: "equal group sizes" if v == 1 else f"allocation ratio {v:g}",
    "mde_type": lambda v: (
        f"MDE read as {v} ({'a share of the baseline' if v == 'relative' else 'percentage points'})"
    ),
    "confidence": lambda v: f"{v:.0%} confidence",
    "threshold": lambda v: f"mismatch threshold p < {v:g}",
    "exposed_share": lambda v: (
        "all daily traffic enters the test" if v == 1 else f"{v:.0%} of traffic enters the test"
    ),
    "split": lambda v: "equal split",
}
NOT_STATED = "(not stated in the question)"


def default_assumptions(spec: ToolSpec, given: Mapping[str, Any]) -> list[str]:
    """Human-readable lines for each conventional default the tool will apply."""
    defaulted = {p.name: p.default for p in spec.params if p.name in _ASSUMED and given.get(p.name) is None}
    if spec.param("power") is not None and spec.param("power").default is None:  # type: ignore[union-attr]
        defaulted.pop("power", None)
    if given.get("design") in ("paired", "one_sample"):
        defaulted.pop("ratio", None)
    if "mde_type" in defaulted and given.get("mde") is None:
        defaulted.pop("mde_type")
    if "exposed_share" in defaulted and spec.name == "cuped" and given.get("daily_traffic") is None:
        defaulted.pop("exposed_share")
    lines = []
    if "alpha" in defaulted and "alternative" in defaulted:
        lines.append(f"α = {defaulted.pop('alpha'):g} {defaulted.pop('alternative')} {NOT_STATED}")
    for name, value in defaulted.items():
        if value is None and name != "split":
            continue
        lines.append(f"{_ASSUMED[name](value)} {NOT_STATED}")
    return lines


# Generic bounds every numeric input must meet before scipy/statsmodels see it (they raise OverflowError, return
# inf/nan or loop on values like 1e308 or 1e-320). No experiment has 10^12 users; any scale parameter below 1e-12
# (an mde, an sd, a rate) is a typo or an attack, and subnormal floats lose precision silently.
MAX_MAGNITUDE = 1e12
MIN_SCALAR_MAGNITUDE = 1e-12
MIN_LIST_MAGNITUDE = sys.float_info.min  # p-values may be tiny, but not subnormal
MAX_LIST_ITEMS = 10_000
MAX_NAME_CHARS = 60  # an arm's name ("variant B", "new checkout"), not a text


def _check_number(name: str, value: float, *, smallest: float) -> None:
    if not math.isfinite(value):
        raise CalculationInputError(name, f"must be a finite number; got {value!r}")
    if abs(value) > MAX_MAGNITUDE:
        raise CalculationInputError(name, f"must be at most {MAX_MAGNITUDE:.0e} in size; got {value!r}")
    if value != 0 and abs(value) < smallest:
        raise CalculationInputError(
            name, f"is too close to zero to compute with (below {smallest:.0e}); got {value!r}"
        )


def check_finite_inputs(spec: ParamSpec, value: Any) -> None:
    """Every number of a coerced parameter is finite and in range; tables are rectangular non-negative counts.

    Applies to every registered calculator through ``run_tool``, so a new calculator gets it without asking.
    """
    if spec.type in ("float", "int"):
        _check_number(spec.name, float(value), smallest=MIN_SCALAR_MAGNITUDE)
    elif spec.type == "float_list":
        if len(value) > MAX_LIST_ITEMS:
            raise CalculationInputError(spec.name, f"at most {MAX_LIST_ITEMS} values; got {len(value)}")
        for item in value:
            _check_number(spec.name, item, smallest=MIN_LIST_MAGNITUDE)
    elif spec.type == "str_list":
        if len(value) > MAX_LIST_ITEMS or any(len(v) > MAX_NAME_CHARS for v in value):
            raise CalculationInputError(
                spec.name, f"at most {MAX_LIST_ITEMS} names of at most {MAX_NAME_CHARS} characters each"
            )
    elif spec.type == "table":
        if not value or len(value) > MAX_LIST_ITEMS:
            raise CalculationInputError(spec.name, f"needs 1 to {MAX_LIST_ITEMS} rows; got {len(value)}")
        widths = {len(row) for row in value}
        if len(widths) != 1 or 0 in widths:
            raise CalculationInputError(
                spec.name,
                f"rows must all have the same number of cells; got lengths {[len(r) for r in value]}",
            )
        for row in value:
            for cell in row:
                _check_number(spec.name, cell, smallest=MIN_LIST_MAGNITUDE)
                if cell < 0:
                    raise CalculationInputError(
                        spec.name, f"cells are counts and cannot be negative; got {cell!r}"
                    )


def _coerce(spec: ParamSpec, value: Any) -> Any:
    try:
        if spec.type == "float":
            return _number(value)
        if spec.type == "int":
            number = _number(value)
            if not math.isfinite(number):
                raise CalculationInputError(spec.name, f"must be a finite whole number; got {value!r}")
            if number != int(number):
                raise CalculationInputError(spec.name, f"must be a whole number; got {value!r}")
            return int(number)
        if spec.type == "bool":
            if isinstance(value, str):
                if value.strip().lower() in ("true", "yes", "1", "on"):
                    return True
                if value.strip().lower() in ("false", "no", "0", "off"):
                    return False
                raise CalculationInputError(spec.name, f"must be true or false; got {value!r}")
            return bool(value)
        if spec.type == "float_list":
            if not isinstance(value, str | list | tuple):
                raise TypeError(value)
            items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
            return [_number(v) for v in items if not (isinstance(v, str) and not v.strip())]
        if spec.type == "str_list":
            if not isinstance(value, str | list | tuple) or not all(isinstance(v, str) for v in value):
                raise TypeError(value)
            names = value.split(",") if isinstance(value, str) else list(value)
            return [" ".join(v.split()) for v in names if v.strip()]
        if spec.type == "table":
            if not isinstance(value, str | list | tuple):
                raise TypeError(value)
            rows = value.split(";") if isinstance(value, str) else list(value)
            if not all(isinstance(r, str | list | tuple) for r in rows):
                raise TypeError(value)
            return [[_number(v) for v in (r.split(",") if isinstance(r, str) else r)] for r in rows]
        return str(value)
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, CalculationInputError):
            if exc.field == "value":
                raise CalculationInputError(spec.name, exc.reason) from None
            raise
        raise CalculationInputError(
            spec.name, f"expected {spec.type.replace('_', ' ')}; got {value!r}"
        ) from exc


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        if abs(value) > MAX_MAGNITUDE:  # float() of a 400-digit int raises OverflowError
            raise CalculationInputError("value", f"must be at most {MAX_MAGNITUDE:.0e} in size")
        return float(value)
    if isinstance(value, float):
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    text = str(value).strip().replace("_", "")
    if text.endswith("%"):
        return float(text[:-1].replace(",", "")) / 100
    return float(text.replace(",", "")) if text.count(",") and "." not in text.split(",")[-1] else float(text)


def get_tool(name: str) -> ToolSpec:
    """The spec of a calculator, or UnknownToolError listing the known ones."""
    try:
        return TOOLS[name]
    except KeyError:
        raise UnknownToolError(name, sorted(TOOLS)) from None


def run_tool(name: str, params: Mapping[str, Any], assumptions: Sequence[str] = ()) -> CalculationResult:
    """Validate params against the tool's spec, run it, and record the defaults applied as assumptions."""
    spec = get_tool(name)
    given = {k: v for k, v in params.items() if v is not None and v != ""}
    unknown = [k for k in given if spec.param(k) is None]
    if unknown:
        known = ", ".join(p.name for p in spec.params)
        raise CalculationInputError(unknown[0], f"is not a parameter of {name}; it takes: {known}")
    kwargs: dict[str, Any] = {}
    for p in spec.params:
        if p.name in given:
            value = _coerce(p, given[p.name])
            check_finite_inputs(p, value)
            kwargs[spec.renames.get(p.name, p.name)] = value
        elif p.required:
            raise CalculationInputError(p.name, f"is required: {p.description}")
    try:
        result = spec.run(**kwargs)
    except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
        # Inputs within the generic bounds can still be beyond one method's numerics; say so instead of a 500.
        raise CalculationInputError(
            ", ".join(sorted(given)) or "parameters",
            f"are outside what {name} can compute ({exc}); check them",
        ) from exc
    lines = list(dict.fromkeys([*assumptions, *default_assumptions(spec, given)]))
    return dataclasses.replace(result, assumptions=tuple(dict.fromkeys([*lines, *result.assumptions])))
