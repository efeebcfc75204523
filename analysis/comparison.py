"""One metric, one treatment against the control: what the verdict, corrections and guardrails read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.findings import Finding


@dataclass
class Comparison:
    """The result the verdict needs; adjusted_p and harmed are filled in by the correction and guardrail steps."""

    metric: str
    variant: str
    kind: str
    value_a: float
    value_b: float
    difference: float
    ci_low: float
    ci_high: float
    relative_lift: float
    p_value: float
    lower_is_better: bool
    findings: list[Finding] = field(default_factory=list)
    adjusted_p: float | None = None
    harmed: bool = False
    adjustment: str = ""

    @property
    def good_direction(self) -> bool:
        return (self.difference < 0) if self.lower_is_better else (self.difference > 0)

    def describe_effect(self) -> str:
        rate = self.kind == "binary"
        fmt = (lambda v: f"{v:.2%}") if rate else (lambda v: f"{v:.4g}")
        unit = " points" if rate else ""
        diff = f"{self.difference * 100:+.2f}{unit}" if rate else f"{self.difference:+.4g}"
        return (
            f"{fmt(self.value_a)} → {fmt(self.value_b)}{self.adjustment} ({diff}, {self.relative_lift:+.1%} relative; "
            f"95% CI {self._ci()})"
        )

    def _ci(self) -> str:
        if self.kind == "binary":
            return f"[{self.ci_low * 100:+.2f}, {self.ci_high * 100:+.2f}] points"
        return f"[{self.ci_low:+.4g}, {self.ci_high:+.4g}]"


def status(p: float, good: bool, alpha: float = 0.05) -> Any:
    """A metric finding's status: flat unless significant, then win or loss by direction."""
    if p >= alpha:
        return "flat"
    return "win" if good else "loss"
