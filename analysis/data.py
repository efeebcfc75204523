"""Typed inputs of an analysis: per-arm sufficient statistics of each metric, and the options an analyst sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

MetricKind = Literal["binary", "continuous", "ratio"]
METRIC_KINDS: tuple[str, ...] = ("binary", "continuous", "ratio")
HEAVY_TAIL_MODES: tuple[str, ...] = ("auto", "trim", "bootstrap", "off")
CORRECTIONS: tuple[str, ...] = ("holm", "bonferroni", "benjamini_hochberg", "none")


class AnalysisInputError(ValueError):
    """Input the analysis cannot use; names the row (file line) and column when there is one."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        self.message = message
        self.row = row
        self.column = column
        where = ", ".join(
            part
            for part in (f"row {row}" if row is not None else "", f"column {column!r}" if column else "")
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)

    @property
    def field(self) -> str:
        return self.column or "data"


@dataclass(frozen=True)
class MetricArm:
    """One metric in one arm: n units and the sums the tests need (None where the metric kind has none)."""

    n: int
    conversions: int | None = None
    total: float | None = None
    total_sq: float | None = None
    pre_total: float | None = None
    pre_total_sq: float | None = None
    pre_cross: float | None = None
    ratio_sums: tuple[float, float, float, float, float] | None = None  # ΣX, ΣY, ΣX², ΣY², ΣXY
    values: tuple[float, ...] | None = None  # per-unit values, when the data had rows
    pre_values: tuple[float, ...] | None = None  # per-unit pre-period covariate, when the data had rows

    @property
    def has_covariate(self) -> bool:
        return None not in (self.pre_total, self.pre_total_sq, self.pre_cross)

    def mean_sd(self) -> tuple[float, float]:
        """Mean and sample SD (binary metrics as 0/1 values)."""
        n = self.n
        if self.conversions is not None:
            p = self.conversions / n
            return p, (p * (1 - p) * n / (n - 1)) ** 0.5
        assert self.total is not None and self.total_sq is not None
        mean = self.total / n
        var = max(0.0, (self.total_sq - n * mean * mean) / (n - 1))
        return mean, var**0.5

    def pre_mean_sd(self) -> tuple[float, float]:
        assert self.pre_total is not None and self.pre_total_sq is not None
        n = self.n
        mean = self.pre_total / n
        return mean, max(0.0, (self.pre_total_sq - n * mean * mean) / (n - 1)) ** 0.5


@dataclass(frozen=True)
class ExperimentData:
    """Variants (control first), units per variant, and each metric's kind and per-arm statistics."""

    source: Literal["aggregates", "units", "question"]
    variants: tuple[str, ...]
    units: dict[str, int]
    kinds: dict[str, MetricKind]
    metrics: dict[str, dict[str, MetricArm]]
    # Per-unit rows of a cluster-randomised experiment: each variant's cluster labels, in the order of its values.
    clusters: dict[str, tuple[str, ...]] | None = None

    @property
    def clustered(self) -> bool:
        return self.clusters is not None

    def cluster_counts(self) -> dict[str, int]:
        """Clusters per variant (the randomised unit); empty when the data are not clustered."""
        return {v: len(set(labels)) for v, labels in (self.clusters or {}).items()}

    @property
    def control(self) -> str:
        return self.variants[0]

    @property
    def treatments(self) -> tuple[str, ...]:
        return self.variants[1:]


@dataclass(frozen=True)
class AnalysisOptions:
    """What the analyst chose: control, split, α, correction, guardrails, Bayesian view, heavy-tail handling."""

    control: str | None = None
    split: tuple[float, ...] | None = None
    alpha: float = 0.05
    srm_threshold: float = 0.001
    correction: str = "holm"
    guardrails: tuple[str, ...] = ()
    lower_is_better: tuple[str, ...] = ()
    primary: str | None = None
    bayesian: bool = False
    heavy_tail: str = "auto"
    metric_types: dict[str, str] = field(default_factory=dict)

    def validate(self) -> AnalysisOptions:
        if not 0 < self.alpha < 1:
            raise AnalysisInputError(
                f"alpha must be strictly between 0 and 1 (e.g. 0.05); got {self.alpha:g}", column="alpha"
            )
        if self.correction not in CORRECTIONS:
            raise AnalysisInputError(
                f"unknown correction {self.correction!r}; choose one of {', '.join(CORRECTIONS)}",
                column="correction",
            )
        if self.heavy_tail not in HEAVY_TAIL_MODES:
            raise AnalysisInputError(
                f"unknown heavy-tail mode {self.heavy_tail!r}; choose one of {', '.join(HEAVY_TAIL_MODES)}",
                column="heavy_tail",
            )
        for name, kind in self.metric_types.items():
            if kind not in METRIC_KINDS:
                raise AnalysisInputError(
                    f"unknown metric type {kind!r} for metric {name!r}; choose one of {', '.join(METRIC_KINDS)}",
                    column=name,
                )
        return self
