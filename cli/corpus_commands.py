"""``expgraph corpus check`` and ``expgraph corpus stats``: validate and describe the Markdown corpus."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from config import Settings
from ingest.corpus_check import QUALITY, check_corpus, corpus_stats

corpus_app = typer.Typer(help="Validate and describe the concept and document corpus.", no_args_is_help=True)

CorpusDirOption = Annotated[
    Path | None,
    typer.Option(
        "--corpus-dir", help="Corpus directory (concepts/, documents/). Default: settings.corpus_dir."
    ),
]


@corpus_app.command("check")
def check(
    corpus_dir: CorpusDirOption = None,
    integrity_only: Annotated[
        bool, typer.Option("--integrity-only", help="Only the rules ingestion enforces (skip quality rules).")
    ] = False,
) -> None:
    """Check every rule of docs/corpus-format.md; exit code 1 and a list of problems if any rule fails."""
    root = (corpus_dir or Settings().corpus_dir).resolve()
    console = Console(stderr=True)
    loaded, problems = check_corpus(root)
    if integrity_only:
        problems = [p for p in problems if p.severity != QUALITY]
    if problems:
        for problem in problems:
            typer.echo(str(problem), err=True)
        files = len({p.path for p in problems})
        console.print(f"[red]{len(problems)} problem(s) in {files} file(s)[/red] under {root}")
        raise typer.Exit(code=1)
    typer.echo(f"corpus OK: {len(loaded.concepts)} concepts, {len(loaded.documents)} documents under {root}")


@corpus_app.command("stats")
def stats(
    corpus_dir: CorpusDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Counts per category and relation type, documents and words, components and diameter of the concept graph."""
    root = (corpus_dir or Settings().corpus_dir).resolve()
    loaded, problems = check_corpus(root)
    figures = corpus_stats(loaded.concepts, loaded.documents)
    skipped = [p for p in problems if p.rule == "format"]
    if as_json:
        typer.echo(
            json.dumps({**asdict(figures), "unparsable_files": len({p.path for p in skipped})}, indent=2)
        )
        return
    console = Console()
    console.print(f"[bold]Corpus[/bold] {root}")
    summary = Table(show_header=False, box=None)
    summary.add_row("concepts", str(figures.concepts))
    summary.add_row("aliases", str(figures.aliases))
    summary.add_row("relations", str(figures.relations))
    summary.add_row("documents", str(figures.documents))
    summary.add_row("document words", f"{figures.document_words:,}")
    summary.add_row("concept words", f"{figures.concept_words:,}")
    summary.add_row("connected components", f"{figures.components} (sizes {figures.component_sizes})")
    summary.add_row("diameter (undirected, hops)", str(figures.diameter))
    console.print(summary)
    for title, counts in (
        ("category", figures.per_category),
        ("relation type", figures.per_relation_type),
        ("document kind", figures.per_document_kind),
    ):
        table = Table(title=f"per {title}")
        table.add_column(title)
        table.add_column("count", justify="right")
        for name, count in counts.items():
            table.add_row(name, str(count))
        console.print(table)
    if skipped:
        console.print(
            f"[yellow]{len({p.path for p in skipped})} file(s) could not be parsed and are not counted; "
            "run 'expgraph corpus check'[/yellow]"
        )


def register(app: typer.Typer) -> None:
    """Add the ``corpus`` command group."""
    app.add_typer(corpus_app, name="corpus")
