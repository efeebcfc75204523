"""``expgraph init``, ``replay``, ``events export|import|tail`` and ``graph stats|hash``: the engine's commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from config import Settings
from engine.db import Database, open_database
from engine.errors import EngineError
from engine.events import RecordedEvent
from engine.export import export_events, import_events
from engine.graph_reads import count_rows
from engine.migrations import migrate
from engine.projection import ProgressHook, Projector, catch_up_projection, projection_status
from engine.replay import clear_projection, graph_hash, replay
from engine.store import EventStore

console = Console(stderr=True)
events_app = typer.Typer(help="Export, import and inspect the event log.", no_args_is_help=True)
graph_app = typer.Typer(help="Inspect the projected graph.", no_args_is_help=True)


@contextmanager
def _database() -> Iterator[Database]:
    settings = Settings()
    try:
        with open_database(settings) as db:
            migrate(db)
            yield db
    except EngineError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


@contextmanager
def _graph_database() -> Iterator[Database]:
    """The database with its projection caught up to the log first (commands that read the graph)."""
    with _database() as db:
        folded = catch_up_projection(db)
        if folded:
            console.print(f"caught the projection up by {folded} event(s) left behind by an interrupted run")
        yield db


@contextmanager
def _bar(label: str) -> Iterator[ProgressHook]:
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(label, total=None)

        def hook(position: int, head: int) -> None:
            progress.update(task, completed=position, total=head)

        yield hook


def init() -> None:
    """Create the database and apply pending schema migrations."""
    settings = Settings()
    try:
        with open_database(settings) as db:
            applied = migrate(db)
    except EngineError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    where = f"{settings.database_url} ({settings.db_ns}/{settings.db_name})"
    if applied:
        console.print(f"applied {len(applied)} migration(s) to {where}: {', '.join(applied)}")
    else:
        console.print(f"{where} is up to date")


EXIT_BAD_ARGUMENT = 2


def replay_command(
    as_of: Annotated[
        int | None,
        typer.Option(
            "--as-of", help="Rebuild the graph as of this log position (1 to the head; never clamped)."
        ),
    ] = None,
    target_ns: Annotated[
        str | None,
        typer.Option("--target-ns", help="Namespace to build into (default with --as-of: <ns>_asof_<N>)."),
    ] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Compare the rebuild's content hash with the live projection (brought up to date first); "
            "with --as-of, with a second build of that position by the live projector. Exit 1 if they differ.",
        ),
    ] = False,
) -> None:
    """Drop the projection and rebuild it from the event log (or build a past graph beside the live one)."""
    if as_of is not None and as_of < 1:
        raise typer.BadParameter(f"must be a log position of 1 or more; got {as_of}", param_hint="--as-of")
    with _database() as db:
        head = EventStore(db).head()
        if as_of is not None and as_of > head:
            console.print(
                f"[red]error:[/red] --as-of {as_of} is past the log head {head}; pick a position from 1 to {head} "
                "(a past graph is never clamped to the head)"
            )
            raise typer.Exit(EXIT_BAD_ARGUMENT)
        in_place = as_of is None and target_ns is None
        reference = None
        if verify:
            reference = _reference_hash(db, as_of if as_of is not None else head, in_place=in_place)
        with _bar("replaying") as hook:
            report = replay(Settings(), as_of=as_of, target_ns=target_ns, db=db, progress=hook)
        console.print(
            f"rebuilt {report.ns}/{report.name} up to position {report.position}: {report.events} events in "
            f"{report.seconds:.2f} s ({report.events_per_second:,.0f} events/s)"
        )
        if reference is not None:
            with db.sibling(report.ns, report.name) as target:
                rebuilt = graph_hash(target)
            typer.echo(rebuilt)
            label, expected = reference
            if expected == rebuilt:
                console.print(f"{label} hash matches the rebuild")
            else:
                console.print(f"[red]{label} hash DIFFERS from the rebuild:[/red] {expected}")
                raise typer.Exit(1)


def _reference_hash(db: Database, position: int, *, in_place: bool) -> tuple[str, str]:
    """What ``replay --verify`` compares the rebuild with: the live projection, caught up first so a lagging
    projection is never skipped; for a past position, the incremental projector's own build of it."""
    if in_place:
        folded = catch_up_projection(db)
        if folded:
            console.print(f"the live projection was {folded} event(s) behind the log; caught it up first")
        status = projection_status(db)
        if status.lag:
            console.print(
                f"[red]error:[/red] the live projection still lags the log by {status.lag} event(s)"
            )
            raise typer.Exit(1)
        return "live projection", graph_hash(db)
    with db.sibling(f"{db.ns}_verify_{position}", db.name) as scratch:
        migrate(scratch)
        clear_projection(scratch)
        Projector(scratch).catch_up(EventStore(db), until=position)
        return f"incremental projection at {position}", graph_hash(scratch)


@events_app.command("export")
def export_command(
    path: Annotated[Path | None, typer.Argument(help="Output JSONL file (default: stdout).")] = None,
    after: Annotated[int, typer.Option(help="Only events after this position.")] = 0,
) -> None:
    """Write the event log as JSON Lines (one event per line, current schema versions)."""
    with _database() as db:
        store = EventStore(db)
        if path is None:
            count = export_events(store, sys.stdout, after=after)
        else:
            with path.open("w", encoding="utf-8") as out, _bar("exporting") as hook:
                head = store.head()
                count = export_events(store, out, after=after, progress=lambda n: hook(n, head - after))
        console.print(f"exported {count} event(s)")


@events_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="JSONL file written by `events export`.")],
) -> None:
    """Import an exported log into an empty database; any bad line aborts the import and nothing is written."""
    with _database() as db:
        count = import_events(EventStore(db), path)
        console.print(f"imported {count} event(s); run `expgraph replay` to build the graph")


@events_app.command("tail")
def tail_command(
    n: Annotated[int, typer.Option("-n", "--lines", help="How many of the newest events.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Full events as JSON Lines.")] = False,
) -> None:
    """Show the newest events of the log."""
    with _database() as db:
        store = EventStore(db)
        events = list(store.read(after=max(0, store.head() - n)))
        if as_json:
            for event in events:
                typer.echo(json.dumps(event.to_dict(), ensure_ascii=False))
            return
        terminal = Console()
        terminal.print(_tail_table(events, terminal.width))


def _tail_table(events: list[RecordedEvent], width: int) -> Table:
    """Fits ``width`` (80 columns too): position, type, stream, document, time of day; long cells end in …."""
    pos_w = len(str(events[-1].position)) if events else 1
    doc_w = 20
    stream_w = max(12, width - pos_w - 16 - doc_w - 8 - 8)  # 8: the four two-space gaps
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", no_wrap=True, width=pos_w)
    table.add_column("type", no_wrap=True, width=16)
    table.add_column("stream", overflow="ellipsis", no_wrap=True, max_width=stream_w)
    table.add_column("document", overflow="ellipsis", no_wrap=True, max_width=doc_w)
    table.add_column("at", no_wrap=True, width=8)
    for e in events:
        stream = e.stream_id.split(":", 1)[-1] if ":" in e.stream_id else e.stream_id
        at = e.recorded_at[11:19] if len(e.recorded_at) >= 19 else e.recorded_at
        table.add_row(
            str(e.position), e.event_type, f"{stream} v{e.stream_version}", e.provenance.document_id or "", at
        )
    return table


@graph_app.command("stats")
def stats_command() -> None:
    """Row counts of the log and the graph, and how far the projection has caught up."""

    with _database() as db:
        counts = count_rows(db)
        table = Table("table", "rows")
        for name, count in counts.items():
            table.add_row(name, f"{count:,}")
        table.add_row("log head", str(EventStore(db).head()))
        table.add_row("projected up to", str(Projector(db).checkpoint()))
        Console().print(table)


@graph_app.command("hash")
def hash_command(
    ns: Annotated[str | None, typer.Option("--ns", help="Namespace to hash (default: the live one).")] = None,
) -> None:
    """Print the content hash of the projected graph (equal graphs, equal hashes)."""
    with _graph_database() as db:
        if ns is None:
            typer.echo(graph_hash(db))
        else:
            with db.sibling(ns, db.name) as other:
                typer.echo(graph_hash(other))


def register(app: typer.Typer) -> None:
    """Add the engine's commands to the ``expgraph`` app."""
    app.command("init")(init)
    app.command("replay")(replay_command)
    app.add_typer(events_app, name="events")
    app.add_typer(graph_app, name="graph")
