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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from config import Settings
from engine.db import Database, open_database
from engine.errors import EngineError
from engine.export import export_events, import_events
from engine.migrations import migrate
from engine.projection import ProgressHook, Projector
from engine.queries import count_rows
from engine.replay import graph_hash, replay
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
def _bar(label: str) -> Iterator[ProgressHook]:
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
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


def replay_command(
    as_of: Annotated[
        int | None, typer.Option("--as-of", help="Rebuild the graph as of this log position.")
    ] = None,
    target_ns: Annotated[
        str | None,
        typer.Option("--target-ns", help="Namespace to build into (default with --as-of: <ns>_asof_<N>)."),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Print the graph's content hash (and compare with the live one).")
    ] = False,
) -> None:
    """Drop the projection and rebuild it from the event log (or build a past graph beside the live one)."""
    with _database() as db:
        live_hash = None
        in_place = as_of is None and target_ns is None

        if verify and in_place and Projector(db).checkpoint() == EventStore(db).head():
            live_hash = graph_hash(db)
        with _bar("replaying") as hook:
            report = replay(Settings(), as_of=as_of, target_ns=target_ns, db=db, progress=hook)
        console.print(
            f"rebuilt {report.ns}/{report.name} up to position {report.position}: {report.events} events in "
            f"{report.seconds:.2f} s ({report.events_per_second:,.0f} events/s)"
        )
        if verify:
            with db.sibling(report.ns, report.name) as target:
                rebuilt = graph_hash(target)
            typer.echo(rebuilt)
            if live_hash is not None:
                same = live_hash == rebuilt
                console.print("live projection hash " + ("matches" if same else f"DIFFERS: {live_hash}"))
                if not same:
                    raise typer.Exit(1)


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
        table = Table("position", "stream", "v", "type", "recorded_at", "document")
        for e in events:
            table.add_row(str(e.position), e.stream_id, str(e.stream_version), e.event_type, e.recorded_at,
                          e.provenance.document_id or "")  # fmt: skip
        Console().print(table)


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
    with _database() as db:
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
