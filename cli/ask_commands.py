"""``expgraph ask`` and ``expgraph trace``: ask the planner a question, inspect how it answered."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.tree import Tree

from config import Settings
from engine.db import Database, open_database
from engine.errors import EngineError
from engine.migrations import migrate
from engine.projection import catch_up_projection

console = Console(stderr=True)
out = Console()


@contextmanager
def _database(settings: Settings) -> Iterator[Database]:
    try:
        with open_database(settings) as db:
            migrate(db)
            # Crash recovery: events a killed process appended but never projected are folded before answering.
            catch_up_projection(db)
            yield db
    except EngineError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None


def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the response JSON instead of a summary.")
    ] = False,
    as_of: Annotated[
        int | None, typer.Option("--as-of", help="Answer against the graph as it stood at this log position.")
    ] = None,
    max_hops: Annotated[
        int | None,
        typer.Option("--max-hops", help="Traversal depth from the linked concepts (default from settings)."),
    ] = None,
    conversation: Annotated[
        str | None,
        typer.Option(
            "--conversation",
            help="Continue a conversation (a follow-up such as 'and at 90% power?' reuses its inputs); "
            "'new' starts one and prints its id.",
        ),
    ] = None,
) -> None:
    """Answer a question about experimentation: cited, verified, with related concepts and a trace id."""
    if not question.strip():
        raise typer.BadParameter(
            "the question is empty; ask something about experimentation", param_hint="QUESTION"
        )
    from cli.server_client import ServerError, find_server

    settings = Settings()
    server = find_server(settings)
    if server is not None:  # it already holds the models and the database: one HTTP request
        if conversation == "new":
            from planner.conversations import new_conversation_id

            conversation = new_conversation_id()
        try:
            with console.status(f"Asking the server at {server.url}…"):
                answer = server.ask(question, as_of=as_of, max_hops=max_hops, conversation_id=conversation)
        except ServerError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
        if as_json:
            sys.stdout.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")
            return
        _print_answer(answer)
        return

    from engine import graph_reads as reads
    from engine.replay import ReplayRangeError, check_as_of

    with _database(settings) as db:
        head = reads.log_position(db)
        if as_of is not None and head > 0:  # refused before the planner's imports and models load (10 s here)
            try:
                check_as_of(as_of, head)
            except ReplayRangeError as exc:
                console.print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(2) from None
        from model.embedder import load_embedder
        from model.loader import load_generator
        from planner.service import Planner, PlannerDeps, PlannerInputError

        with console.status("Loading the embedder and the answer model's tokenizer…"):
            embedder = load_embedder(settings)
            # Most answers are their plan alone: the model's weights load only if this one generates.
            generator = load_generator(settings, defer_weights=True)
        if head == 0:  # a fresh data directory: load the bundled corpus, as `serve` does
            from engine.store import EventStore
            from ingest.pipeline import ingest_batches, load_sources

            with console.status("First run: loading the bundled knowledge base (about a minute)…"):
                batches, _skipped = load_sources(settings.corpus_dir, [])
                ingest_batches(db, EventStore(db), embedder, batches)
        planner = Planner(PlannerDeps(settings, db, embedder, generator))
        try:
            with console.status("Thinking…"):
                if conversation == "new":
                    from planner.conversations import new_conversation_id

                    conversation = new_conversation_id()
                response = planner.ask(question, as_of=as_of, max_hops=max_hops, conversation_id=conversation)
        except PlannerInputError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(response.to_json().decode() + "\n")
        return
    _print_answer(response.to_dict())


def _print_answer(r: dict[str, Any]) -> None:
    out.print(
        Panel(escape(r["answer"]), title=f"[bold]{escape(r['question'][:80])}[/bold]", subtitle=r["intent"])
    )
    if r["needs"]:
        out.print(f"[yellow]needs:[/yellow] {', '.join(r['needs'])}")
    if r["citations"]:
        table = Table(title="Sources", show_lines=False, expand=True)
        for col in ("#", "kind", "title", "quote"):
            table.add_column(col, overflow="fold")
        for c in r["citations"]:
            table.add_row(str(c["marker"]), c["kind"], escape(c["title"]), escape(c["quote"]))
        out.print(table)
    for calc in r["calculations"]:
        outputs = ", ".join(f"{k} = {v}" for k, v in calc["outputs"].items())
        out.print(f"[cyan]calculation[/cyan] {calc['tool']} ({escape(calc['method'])}): {escape(outputs)}")
        for assumption in calc["assumptions"]:
            out.print(f"  [dim]assumes: {escape(assumption)}[/dim]")
    if r["related_concepts"]:
        related = "; ".join(f"{x['name']} ({' → '.join(x['path'])})" for x in r["related_concepts"][:5])
        out.print(f"[magenta]related:[/magenta] {escape(related)}")
    v = r["verification"]
    status = (
        "[green]verified[/green]"
        if v["citations_valid"] and v["numbers_verified"]
        else "[red]unverified[/red]"
    )
    removed = f", {len(v['removed_sentences'])} sentence(s) removed" if v["removed_sentences"] else ""
    fallback = ", extractive fallback" if v.get("fallback_used") else ""
    total = sum(r["timings_ms"].values())
    out.print(f"{status}{removed}{fallback} · as of log position {r['as_of']} · {total:.0f} ms")
    out.print(f"[dim]trace: expgraph trace {r['trace_id']}[/dim]")
    if r.get("conversation_id"):
        out.print(f'[dim]follow up: expgraph ask --conversation {r["conversation_id"]} "…"[/dim]')


def trace(
    trace_id: Annotated[
        str, typer.Argument(help="The trace id printed by `expgraph ask` (32 hex characters).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the stored trace JSON.")] = False,
) -> None:
    """Show how a question was answered: every node in order with its timing, inputs, outputs and decisions."""
    from cli.server_client import ServerError, find_server
    from planner.trace_store import TraceNotFoundError, get_trace

    settings = Settings()
    server = find_server(settings)
    if server is not None:
        try:
            stored = server.trace(trace_id.strip())
        except ServerError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
        if as_json:
            sys.stdout.write(json.dumps(stored, indent=2, ensure_ascii=False, default=str) + "\n")
            return
        out.print(trace_tree(stored))
        return
    path = _embedded_database_file(settings)
    if path is not None and not path.exists():
        console.print(
            f"[red]error:[/red] no database at {escape(str(path))}; set EXPGRAPH_DATA_DIR to the data directory "
            "the question was asked with (the server's, for answers from the web page or API)"
        )
        raise typer.Exit(1)
    with _database(settings) as db:
        try:
            stored = get_trace(db, trace_id.strip())
        except TraceNotFoundError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(json.dumps(stored, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    out.print(trace_tree(stored))


def _embedded_database_file(settings: Settings) -> Path | None:
    """The embedded database's file (None for a server or ``mem://``): reading must not create it."""
    url = settings.database_url
    return Path(url.removeprefix("surrealkv://")) if url.startswith("surrealkv://") else None


def trace_tree(stored: dict[str, Any]) -> Tree:
    """A readable tree of a stored trace."""
    root = Tree(
        f"[bold]trace {stored.get('trace_id')}[/bold] · {escape(str(stored.get('question', ''))[:100])}\n"
        f"intent [cyan]{stored.get('intent')}[/cyan] · as of {stored.get('as_of')} · "
        f"route {' → '.join(stored.get('route', []))}"
    )
    for step in stored.get("nodes", []):
        branch = root.add(f"[bold]{step['node']}[/bold] [dim]{step.get('ms', 0):.1f} ms[/dim]")
        _node_details(branch, step)
    return root


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _node_details(branch: Tree, step: dict[str, Any]) -> None:
    name = step["node"]
    outputs = step.get("outputs") or {}
    decisions = step.get("decisions") or {}
    inputs = step.get("inputs") or {}
    if name == "understand":
        branch.add(
            f"intent {outputs.get('intent')} · flags {outputs.get('flags')} · tool {outputs.get('calculation_tool')}"
        )
        branch.add(f"scores {_short(decisions.get('scores'))}")
    elif name == "entities":
        for e in outputs.get("entities", []):
            branch.add(
                f"{escape(e['name'])} ← “{escape(e['mention'])}” ({e['method']}, {e['confidence']:.2f})"
            )
        if decisions.get("note"):
            branch.add(f"[yellow]{escape(decisions['note'])}[/yellow]")
    elif name == "traverse":
        for p in outputs.get("connecting_paths", []):
            sub = branch.add(f"[green]path[/green] {escape(p['path'])} (score {p['score']:.3f})")
            for h in p["hops"]:
                sub.add(f"{h['from']} —{h['relation']}/{h['direction']}→ {h['to']} ({h['score']:.3f})")
        for p in outputs.get("related", [])[:8]:
            branch.add(f"related {escape(p['path'])} ({p['score']:.3f})")
    elif name == "retrieve":
        branch.add(
            f"terms {decisions.get('bm25_terms')} · top similarity {decisions.get('top_similarity', 0):.3f}"
        )
        for c in outputs.get("candidates", [])[:8]:
            dup = f" dup of {c['duplicate_of']}" if c.get("duplicate_of") else ""
            branch.add(
                f"{escape(str(c.get('chunk_id')))} vec#{c.get('vector_rank', '-')} ({c.get('vector_score', '-')}) "
                f"bm25#{c.get('bm25_rank', '-')} ({c.get('bm25_score', '-')}) fused {c.get('fused_score', 0):.4f} "
                f"boost {c.get('boost', 0):.4f}{dup}"
            )
    elif name == "calculate":
        branch.add(f"result {_short(outputs.get('result'), 300)}")
        if outputs.get("needs"):
            branch.add(f"[yellow]needs {outputs['needs']}[/yellow]")
    elif name == "assemble":
        for s in outputs.get("sources", []):
            branch.add(f"[{s['marker']}] {s['kind']} {escape(s['title'])} ({s['tokens']} tokens)")
    elif name == "generate":
        for m in inputs.get("messages", []):
            branch.add(f"[dim]{m['role']}:[/dim] {_short(m['content'], 400)}")
        branch.add(f"[bold]raw output:[/bold] {_short(outputs.get('raw_output', ''), 600)}")
        branch.add(_short({k: v for k, v in decisions.items()}))
    elif name == "verify":
        for r in decisions.get("removed_sentences", []):
            branch.add(f"[red]removed[/red] {_short(r['sentence'])} — {escape(r['reason'])}")
        branch.add(
            f"citations valid {decisions.get('citations_valid')} · numbers verified {decisions.get('numbers_verified')}"
            f" · fallback {decisions.get('fallback_used')}"
        )
    else:
        if outputs:
            branch.add(_short(outputs))
        if decisions:
            branch.add(_short(decisions))


def register(app: typer.Typer) -> None:
    """Add ``ask`` and ``trace`` to the ``expgraph`` app."""
    app.command("ask")(ask)
    app.command("trace")(trace)
