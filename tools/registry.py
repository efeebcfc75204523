"""Every calculator with its parameters, so the API and CLI can be generated from one table.

``run_tool(name, params)`` validates and coerces the parameters, applies documented defaults and records each
default it applied as an assumption on the result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tools import (
    cuped,
    duration,
    effect_size_power,
    intervals,
    means,
    multiple_testing,
    proportions,
    sequential,
    significance,
    srm,
)
from tools.errors import CalculationInputError, UnknownToolError
from tools.result import CalculationResult

PARAM_TYPES = ("float", "int", "str", "bool", "float_list", "table")


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


def _coerce(spec: ParamSpec, value: Any) -> Any:
    try:
        if spec.type == "float":
            return _number(value)
        if spec.type == "int":
            number = _number(value)
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
            items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
            return [_number(v) for v in items if not (isinstance(v, str) and not v.strip())]
        if spec.type == "table":
            rows = value.split(";") if isinstance(value, str) else list(value)
            return [[_number(v) for v in (r.split(",") if isinstance(r, str) else r)] for r in rows]
        return str(value)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, CalculationInputError):
            raise
        raise CalculationInputError(
            spec.name, f"expected {spec.type.replace('_', ' ')}; got {value!r}"
        ) from exc


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
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
            kwargs[spec.renames.get(p.name, p.name)] = _coerce(p, given[p.name])
        elif p.required:
            raise CalculationInputError(p.name, f"is required: {p.description}")
    result = spec.run(**kwargs)
    lines = list(dict.fromkeys([*assumptions, *default_assumptions(spec, given)]))
    return dataclasses.replace(result, assumptions=tuple(dict.fromkeys([*lines, *result.assumptions])))
