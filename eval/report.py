"""Render an evaluation summary (``eval.scoring.summarise`` plus run metadata) as Markdown. Pure."""

from __future__ import annotations

from typing import Any

METRIC_LABELS: dict[str, str] = {
    "concept_any": "expected concept surfaced",
    "concept_all": "all expected concepts surfaced",
    "citations_valid": "citations valid",
    "numbers_ok": "calculation numbers within tolerance",
    "needs_ok": "needs correct (asks for exactly the missing inputs, else nothing)",
    "path_ok": "multi-hop path found",
}


def _pct(block: dict[str, Any]) -> str:
    if block.get("rate") is None:
        return "n/a"
    return f"{block['rate']:.1%} ({block['passed']}/{block['total']})"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def markdown_report(summary: dict[str, Any]) -> str:
    """The whole report: overall metrics against targets, per category, latency, failures by id and cause."""
    overall = summary["overall"]
    targets = summary.get("targets", {})
    lines = [
        "# Planner evaluation",
        "",
        f"Questions: {overall['questions']} (planner errors: {overall['errors']}); "
        f"mode: {summary.get('mode', 'full pipeline')}; started {summary.get('started_at', '?')}.",
        "",
        "| metric | result | target |",
        "|---|---|---|",
    ]
    for metric, label in METRIC_LABELS.items():
        target = targets.get(metric)
        lines.append(f"| {label} | {_pct(overall[metric])} | {'' if target is None else f'≥ {target:.0%}'} |")
    facts = overall.get("key_facts_mean")
    lines.append(
        f"| key facts in answer (mean, informational) | {'n/a' if facts is None else f'{facts:.1%}'} | |"
    )
    lines += [
        "",
        "## Per category",
        "",
        "| category | n | concept | citations | numbers | needs | path | total p50/p95 ms | pre-generation p50/p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    blocks = {**summary["by_category"], "multi-hop": summary["multi_hop"], "all": overall}
    for name, block in blocks.items():
        lat = block["latency_ms"]
        lines.append(
            f"| {name} | {block['questions']} | {_pct(block['concept_any'])} | {_pct(block['citations_valid'])} | "
            f"{_pct(block['numbers_ok'])} | {_pct(block['needs_ok'])} | {_pct(block['path_ok'])} | "
            f"{_ms(lat['total_p50'])} / {_ms(lat['total_p95'])} | {_ms(lat['pre_generation_p50'])} / {_ms(lat['pre_generation_p95'])} |"
        )
    lines += ["", "## Failures by cause", ""]
    causes = summary.get("failures_by_cause", {})
    if not causes:
        lines.append("None.")
    for cause, ids in sorted(causes.items()):
        lines.append(f"- **{cause}** ({len(ids)}): {', '.join(ids)}")
    if summary.get("errors"):
        lines += ["", "## Planner errors", ""]
        lines += [f"- {qid}: {err}" for qid, err in summary["errors"].items()]
    lines += ["", "## Failed ids by metric", ""]
    for metric, label in METRIC_LABELS.items():
        failed = overall[metric].get("failed_ids", [])
        if failed:
            lines.append(f"- {label}: {', '.join(failed)}")
    setup = summary.get("setup_s")
    if setup:
        lines += [
            "",
            "Setup: "
            + ", ".join(f"{k} {v:.1f}" for k, v in setup.items())
            + f"; questions {summary.get('run_s', 0):.0f} s.",
        ]
    return "\n".join(lines) + "\n"
