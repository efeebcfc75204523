"""``expgraph analyze FILE`` (CSV or Parquet) or ``expgraph analyze --question "..."``: the experiment scorecard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from analysis.data import AnalysisInputError
from analysis.request import AnalysisRequest, options_from_mapping
from config import Settings

out = Console(width=120)
err = Console(stderr=True)

_MARK = {
    "pass": "[green]✔ pass[/green]",
    "fail": "[red]✘ FAIL[/red]",
    "warn": "[yellow]! warn[/yellow]",
    "info": "[blue]i info[/blue]",
    "win": "[green]▲ win[/green]",
    "loss": "[red]▼ loss[/red]",
    "flat": "[dim]= flat[/dim]",
}
_HEADINGS = {
    "trust": "Trust checks",
    "metric": "Metrics",
    "multiple_testing": "Multiple testing",
    "bayesian": "Bayesian view",
    "verdict": "Verdict",
}


def _metric_types(values: list[str]) -> dict[str, str]:
    types = {}
    for item in values:
        name, sep, kind = item.partition("=")
        if not sep:
            raise AnalysisInputError(
                f"write --metric-type NAME=KIND (e.g. revenue=continuous); got {item!r}", column="metric_type"
            )
        types[name.strip().lower()] = kind.strip().lower()
    return types


def print_scorecard(record: dict[str, Any], *, show_trace: bool = True) -> None:
    """The scorecard as an analyst reads it: sections in order, each finding with what explains it."""
    summary = record["summary"]
    units = ", ".join(f"{v} {n:,}" for v, n in summary["units"].items())
    metrics = ", ".join(f"{m} ({k})" for m, k in summary["metrics"].items())
    out.print(f"[bold]Experiment scorecard[/bold]  analysis {record['analysis_id']}")
    clusters = ", ".join(f"{v} {n:,}" for v, n in summary.get("clusters", {}).items())
    out.print(
        f"[dim]data:[/dim] {summary['source']}; control {summary['control']}; units {units}"
        + (f"; clusters {clusters}" if clusters else "")
    )
    out.print(
        f"[dim]metrics:[/dim] {metrics}; primary {summary['primary']}; α = {summary['alpha']:g}; "
        f"multiple testing: {summary.get('multiplicity') or summary['correction']}"
        + (f"; guardrails {', '.join(summary['guardrails'])}" if summary["guardrails"] else "")
    )
    out.print(f"[dim]inputs sha256:[/dim] {record['inputs_hash']}")
    section = None
    number = 0
    for finding in record["findings"]:
        if finding["section"] != section:
            section = finding["section"]
            number += 1
            out.print(f"\n[bold underline]{number}. {_HEADINGS[section]}[/bold underline]")
        out.print(f"{_MARK[finding['status']]}  [bold]{finding['title']}[/bold]")
        out.print(f"    {finding['detail']}", highlight=False)
        refs = "; ".join(f"{c['kind']} {c['slug']}" for c in finding["citations"])
        out.print(f"    [dim]explained by: {refs}[/dim]", highlight=False)
    if show_trace:
        table = Table(title="\nTrace: every calculator call", title_justify="left", show_lines=False)
        table.add_column("#", justify="right")
        table.add_column("tool", style="bold")
        table.add_column("purpose")
        table.add_column("key outputs")
        for entry in record["trace"]:
            shown = {
                k: v for k, v in entry["outputs"].items() if not isinstance(v, list | dict) and k != "verdict"
            }
            table.add_row(
                str(entry["step"]),
                entry["tool"],
                entry["purpose"],
                ", ".join(f"{k}={v}" for k, v in list(shown.items())[:4]),
            )
        out.print(table)


def analyze(
    file: Annotated[
        Path | None, typer.Argument(help="CSV or Parquet of per-variant aggregates or per-unit rows")
    ] = None,
    question: Annotated[
        str | None, typer.Option("--question", "-q", help="results typed as text instead of a file")
    ] = None,
    control: Annotated[
        str | None, typer.Option(help="the control variant (default: 'control', else the first row)")
    ] = None,
    split: Annotated[str | None, typer.Option(help="intended split, e.g. 50,50 (default equal)")] = None,
    alpha: Annotated[float, typer.Option(help="significance level")] = 0.05,
    correction: Annotated[str, typer.Option(help="holm, bonferroni, benjamini_hochberg or none")] = "holm",
    guardrail: Annotated[
        list[str] | None, typer.Option("--guardrail", help="a guardrail metric (repeatable)")
    ] = None,
    lower_is_better: Annotated[
        list[str] | None,
        typer.Option("--lower-is-better", help="a metric where lower is better (repeatable)"),
    ] = None,
    primary: Annotated[
        str | None, typer.Option(help="the decision metric (default: first non-guardrail)")
    ] = None,
    bayesian: Annotated[bool, typer.Option("--bayesian", help="add the Bayesian view")] = False,
    heavy_tail: Annotated[str, typer.Option(help="auto, trim, bootstrap or off")] = "auto",
    metric_type: Annotated[
        list[str] | None, typer.Option("--metric-type", help="NAME=binary|continuous|ratio (repeatable)")
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="store the analysis in the configured database")
    ] = False,
    trace: Annotated[bool, typer.Option("--trace/--no-trace", help="print the calculator trace")] = True,
    json_output: Annotated[bool, typer.Option("--json", help="print the stored record as JSON")] = False,
) -> None:
    """Analyse an experiment's results: trust checks, each metric, multiple testing, verdict, with citations."""
    from planner.analysis import run_analysis, save_analysis

    settings = Settings()
    limit = settings.max_analysis_bytes
    try:
        if (file is None) == (question is None):
            raise AnalysisInputError("give a results FILE or --question TEXT (one of them)", column="file")
        options = options_from_mapping(
            {
                "control": control,
                "split": split,
                "alpha": alpha,
                "correction": correction,
                "guardrails": guardrail or [],
                "lower_is_better": lower_is_better or [],
                "primary": primary,
                "bayesian": bayesian,
                "heavy_tail": heavy_tail,
                "metric_types": _metric_types(metric_type or []),
            }
        )
        if file is not None:
            if not file.is_file():
                raise AnalysisInputError(f"no such file: {file}", column="file")
            size = file.stat().st_size
            if size > limit:
                raise AnalysisInputError(
                    f"the file is {size:,} bytes; the limit is {limit:,} (EXPGRAPH_MAX_ANALYSIS_BYTES). "
                    "Send per-variant aggregates instead of raw rows",
                    column="file",
                )
            fmt = "parquet" if file.suffix.lower() in (".parquet", ".pq") else "csv"
            request = AnalysisRequest(file.read_bytes(), fmt, options)  # type: ignore[arg-type]
        else:
            request = AnalysisRequest((question or "").encode("utf-8"), "question", options)
        record = run_analysis(request, limit)
    except AnalysisInputError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    if save:
        from engine.db import open_database
        from engine.migrations import migrate

        with open_database(settings) as db:
            migrate(db)
            save_analysis(db, record)
    if json_output:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    print_scorecard(record, show_trace=trace)
    if save:
        out.print(f"[dim]saved: GET /analyses/{record['analysis_id']}[/dim]")


def register(app: typer.Typer) -> None:
    """Attach ``analyze`` to the root app."""
    app.command(name="analyze")(analyze)
