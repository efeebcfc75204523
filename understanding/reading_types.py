"""What reading a question produces: grounded values, calculator steps, missing or invalid inputs, and the question
to ask for each input a calculation lacks. Pure data; no reading rules live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

QUESTIONS = {
    "baseline": "What is the baseline conversion rate of the control group?",
    "mde": (
        "What is the smallest effect you want to detect (the minimum detectable effect)? Say whether it is relative "
        "(e.g. a 5% lift on the baseline) or absolute (e.g. 0.5 percentage points)."
    ),
    "n_per_group": "How many users will each group (control and each variant) have?",
    "daily_traffic": "How many users enter the experiment per day?",
    "delta": "What difference in the mean do you want to detect (in the metric's units)?",
    "sd": "What is the standard deviation of the metric?",
    "counts": "How many users were actually assigned to each arm?",
    "p_values": "Which p-values should be adjusted?",
    "correlation": "What is the correlation between the pre-experiment covariate and the metric (or the variance reduction CUPED gives)?",
    "conversions": "How many conversions and users does each group have (e.g. 120 out of 1,000 vs 150 out of 1,000)?",
    "means": "What are the mean, standard deviation and size of each group?",
    "successes": "How many successes out of how many trials?",
    "looks": "How many analyses (interim looks plus the final one) are planned?",
    "effect_size_f": "What effect size (Cohen's f) do you expect?",
    "k_groups": "How many groups does the ANOVA compare?",
    "effect_size_w": "What effect size (Cohen's w) do you expect?",
    "df": "How many degrees of freedom does the chi-square test have?",
    "r": "What correlation do you want to detect?",
    "effect_size_d": "What standardised effect size (Cohen's d) do you expect?",
    "days": "How many days can the test run?",
    "margin": "What margin (in percentage points, or in the metric's units) counts as no worse?",
    "icc": "What is the intracluster correlation (ICC) of the metric within a cluster?",
    "cluster_size": "How many users (units) does each cluster hold on average?",
    "z_interim": "What is the z statistic at the interim look?",
    "information_fraction": "What share of the planned sample has been collected so far (e.g. 50%)?",
    "count_a": "How many events and how much exposure (users, user-days) does each group have?",
    "rate_a": "What event rate per user (or per unit of exposure) does the control have?",
    "rate_b": "What event rate do you want to detect in the treatment?",
    "values_a": "What are the per-user values of each group (e.g. control: 12, 15, 9 …; treatment: 14, 18, 11 …)?",
    "ratio_sums": (
        "The delta method needs, for each group, the users and the sums of the numerator, the denominator, their "
        "squares and their product over users; give them, or run `expgraph analyze FILE` on per-user rows."
    ),
}
_SINGLE = {"baseline", "p2", "p0", "mde", "mde_abs", "power", "alpha", "confidence", "sd", "delta", "n_per_group",
           "n_control", "n_treatment", "n_total", "daily_traffic", "exposed_share", "days", "correlation",
           "variance_reduction", "effect_d", "effect_f", "effect_w", "df", "k_groups", "looks", "variants", "q_ratio",
           "ratio", "n_one", "n_pairs"}  # fmt: skip


@dataclass(frozen=True)
class MissingInput:
    """A required input the question did not give (or gave out of range), with the question to ask the user."""

    name: str
    question: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "question": self.question}


@dataclass(frozen=True)
class Grounded:
    """A value with where it came from: a span of the question, an earlier turn, a derivation or a default."""

    value: Any
    source: str  # question | earlier_turn | derived | default
    span: dict[str, Any] | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "span": self.span, "note": self.note}


@dataclass(frozen=True)
class Step:
    """One calculator call; ``carry`` names inputs taken from an earlier step's outputs: param → (step, output)."""

    tool: str
    params: dict[str, Any]
    carry: dict[str, tuple[int, str]] = field(default_factory=dict)
    purpose: str = ""
    carry_scale: dict[str, float] = field(
        default_factory=dict
    )  # carried value × factor (a total → per group)
    within_days: float | None = None  # the days the test can run, for a step asking what they can detect

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "params": dict(self.params),
            "carry": {k: {"step": s, "output": o} for k, (s, o) in self.carry.items()},
            "purpose": self.purpose,
            **({"within_days": self.within_days} if self.within_days is not None else {}),
        }


@dataclass(frozen=True)
class Reading:
    """What a question asks: the roles read from it, the calculator steps, assumptions and gaps."""

    question: str
    text: str
    tool: str | None
    unknown: str | None = None
    roles: dict[str, Grounded] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    assumptions: tuple[str, ...] = ()
    missing: tuple[MissingInput, ...] = ()
    invalid: tuple[MissingInput, ...] = ()
    method_requested: str | None = None
    reason: str = ""
    family: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.steps[0].params) if self.steps else {}

    @property
    def calculable(self) -> bool:
        return self.tool is not None and not self.missing and not self.invalid

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "unknown": self.unknown,
            "normalised_question": self.text,
            "roles": {k: v.to_dict() for k, v in self.roles.items()},
            "steps": [s.to_dict() for s in self.steps],
            "params": self.params,
            "assumptions": list(self.assumptions),
            "missing": [m.to_dict() for m in self.missing],
            "invalid": [m.to_dict() for m in self.invalid],
            "method_requested": self.method_requested,
            "calculable": self.calculable,
            "reason": self.reason,
            "family": self.family,
        }

    def memory(self) -> dict[str, Any]:
        """What a follow-up turn needs from this one: family, unknown, method and the roles with their spans."""
        return {
            "family": self.family,
            "unknown": self.unknown,
            "method": self.method_requested,
            "roles": {
                k: {"value": v.value, "span": v.span} for k, v in self.roles.items() if v.source != "derived"
            },
        }


def needs_value(name: str) -> MissingInput:
    return MissingInput(name, QUESTIONS.get(name, f"What is the {name.replace('_', ' ')}?"))
