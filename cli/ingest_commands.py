"""``expgraph ingest``: turn the bundled corpus and/or text, Markdown and PDF files into events, then project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from config import Settings

if TYPE_CHECKING:
    from planner.answer_vectors import WarmReport

EXIT_BAD_INPUT = 2


class _RichProgress:
    """Adapts ``ingest.pipeline.IngestProgress`` to a rich progress bar: one row per phase."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def phase(self, name: str, total: int | None) -> None:
        self.finish()
        self._task = self._progress.add_task(name, total=total)

    def advance(self, amount: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)

    def finish(self) -> None:
        """Mark the current phase done."""
        if self._task is not None:
            task = next(t for t in self._progress.tasks if t.id == self._task)
            total = task.total or 1
            self._progress.update(self._task, total=total, completed=total)


def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Text (.txt), Markdown (.md) or PDF files, folders of them, or papers (.jsonl from `collect arxiv --out`). Default: the bundled corpus."
        ),
    ] = None,
    corpus: Annotated[
        bool,
        typer.Option("--corpus", help="Also ingest the bundled corpus (settings.corpus_dir) with the paths."),
    ] = False,
    corpus_dir: Annotated[
        Path | None,
        typer.Option("--corpus-dir", help="Ingest this corpus directory instead of settings.corpus_dir."),
    ] = None,
    no_project: Annotated[
        bool, typer.Option("--no-project", help="Append events only; do not run the projector.")
    ] = False,
) -> None:
    """Ingest documents as events (unchanged input appends nothing), then bring the graph projection up to date.

    Exit code 2 on bad input (each problem names its file and line); nothing is appended in that case.
    """
    from engine.db import open_database
    from engine.errors import EngineError
    from engine.migrations import migrate
    from engine.store import EventStore
    from ingest.corpus_source import corpus_scope
    from ingest.pipeline import ingest_batches, load_sources
    from ingest.source_document import IngestValidationError
    from model.embedder import EmbedderError, load_embedder
    from model.reranker import RerankerError

    settings = Settings()
    err = Console(stderr=True)
    paths = paths or []
    use_corpus = corpus or corpus_dir is not None or not paths
    root = (corpus_dir or settings.corpus_dir).resolve() if use_corpus else None
    try:
        scope = corpus_scope(root, settings.corpus_dir) if root is not None else None
        batches, skipped = load_sources(root, paths, corpus_scope=scope)
    except IngestValidationError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        err.print(
            f"[red]ingest refused: {len(exc.problems)} problem(s); nothing was appended.[/red] "
            "Fix the files above (see docs/corpus-format.md) and run again."
        )
        raise typer.Exit(code=EXIT_BAD_INPUT) from None
    for path in skipped:
        err.print(f"[yellow]skipped unsupported file[/yellow] {path}")
    warmed: WarmReport | None = None
    try:
        embedder = load_embedder(settings)
        with open_database(settings) as db:
            migrate(db)
            store = EventStore(db)
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=False,
            ) as bar:
                hooks = _RichProgress(bar)
                report = ingest_batches(
                    db,
                    store,
                    embedder,
                    batches,
                    progress=hooks,
                    project=not no_project,
                    extract=settings.extraction_enabled,
                    match_threshold=settings.extraction_match_threshold,
                )
                hooks.finish()
            if settings.warm_answer_vectors and not no_project:
                warmed = _warm_answer_vectors(settings, db, embedder, err)
    except (EngineError, EmbedderError, RerankerError) as exc:
        err.print(f"[red]ingest failed:[/red] {exc}")
        raise typer.Exit(code=1) from None
    typer.echo(report.summary())
    if report.projected:
        typer.echo(f"projected {report.projected} event(s) into the graph")
    if warmed is not None:
        typer.echo(warmed.summary())


def _warm_answer_vectors(settings: Settings, db: Any, embedder: Any, err: Console) -> WarmReport:
    """Embed the sentences answers will weigh now, not on a first question's time (``planner.vector_warmup``)."""
    from model.embedder import load_relevance_embedder
    from planner.vector_warmup import warm_live_graph

    with Progress(
        SpinnerColumn(),
        TextColumn("embedding sentences for answers"),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("answers", total=None)
        return warm_live_graph(
            db,
            [embedder, load_relevance_embedder(settings)],
            include_proposed=settings.planner_use_proposed,
            progress=lambda n: bar.advance(task, n),
        )


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command."""
    app.command("ingest")(ingest)
