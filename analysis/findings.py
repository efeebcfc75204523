"""The scorecard's parts: findings (each citing what explains it), the calculator trace, and the scorecard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from analysis.citations import Citation, cites

Section = Literal["trust", "metric", "multiple_testing", "bayesian", "verdict"]
Status = Literal["pass", "fail", "warn", "info", "win", "loss", "flat"]
SECTION_ORDER: tuple[Section, ...] = ("trust", "metric", "multiple_testing", "bayesian", "verdict")


@dataclass(frozen=True)
class Finding:
    section: Section
    kind: str
    status: Status
    title: str
    detail: str
    numbers: dict[str, Any] = field(default_factory=dict)
    metric: str | None = None
    variant: str | None = None
    citations: tuple[Citation, ...] = ()

    @classmethod
    def of(
        cls, section: Section, kind: str, status: Status, title: str, detail: str, **extra: Any
    ) -> Finding:
        """A finding citing the concepts and guides registered for ``kind``."""
        return cls(section, kind, status, title, detail, citations=cites(kind), **extra)

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "kind": self.kind,
            "status": self.status,
            "title": self.title,
            "detail": self.detail,
            "metric": self.metric,
            "variant": self.variant,
            "numbers": self.numbers,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class TraceEntry:
    """One calculator call: which tool, why, and what went in and came out."""

    step: int
    tool: str
    purpose: str
    method: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "tool": self.tool,
            "purpose": self.purpose,
            "method": self.method,
            "inputs": self.inputs,
            "outputs": self.outputs,
        }


@dataclass(frozen=True)
class Scorecard:
    """Findings in the analyst's order, the decision and its plain-language verdict, and every calculator call."""

    decision: Literal["ship", "do_not_ship", "inconclusive", "investigate"]
    verdict: str
    findings: tuple[Finding, ...]
    trace: tuple[TraceEntry, ...]
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "verdict": self.verdict,
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings],
            "trace": [t.to_dict() for t in self.trace],
        }


def fmt_p(p: float) -> str:
    """p-values as analysts read them: 0.0500 (not 0.05, which hides 0.05004 > α), 2.9e-05 when tiny."""
    return f"{p:.4f}" if p >= 0.001 else f"{p:.2g}"
