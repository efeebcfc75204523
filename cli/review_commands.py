"""``expgraph review list|accept|reject``: review concepts and relations extracted from ingested documents."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

review_app = typer.Typer(help="Review extracted (proposed) concepts and relations.", no_args_is_help=True)


@review_app.command("list")
def list_command(
    status: Annotated[str, typer.Option(help="proposed, accepted or all.")] = "proposed",
) -> None:
    """List proposals with the sentence each was extracted from."""
    from config import Settings
    from engine.db import open_database
    from engine.graph_reads import list_proposals
    from engine.migrations import migrate

    if status not in ("proposed", "accepted", "all"):
        raise typer.BadParameter("use proposed, accepted or all", param_hint="--status")
    console = Console()
    with open_database(Settings()) as db:
        migrate(db)
        found = list_proposals(db, None if status == "all" else status)
    table = Table("id", "status", "what", "evidence", show_lines=True)
    for c in found["concepts"]:
        evidence = (c.get("evidence") or [{}])[0]
        what = f"{c['name']} ({c['category']}) {', '.join(c.get('aliases') or [])}".strip()
        table.add_row(f"concept:{c['concept_id']}", c["status"], what, _quote(evidence))
    for r in found["relations"]:
        evidence = (r.get("evidence") or [{}])[0]
        what = f"{r.get('source_name') or r['source_id']} —{r['rel_type']}→ {r.get('target_name') or r['target_id']}"
        table.add_row(f"relation:{r['relation_id']}", r["status"], what, _quote(evidence))
    console.print(table)
    console.print(f"{len(found['concepts'])} concept(s), {len(found['relations'])} relation(s)")


def _quote(evidence: dict[str, object]) -> str:
    if not evidence:
        return ""
    return f"“{evidence.get('sentence', '')}” [{evidence.get('doc_id')} {evidence.get('chunk_id')} {evidence.get('start')}-{evidence.get('end')}, conf {evidence.get('confidence')}]"


def _decide(proposal_id: str, accept: bool, reviewer: str, note: str) -> None:
    from config import Settings
    from engine.db import open_database
    from engine.migrations import migrate
    from engine.review import ProposalAlreadyDecidedError, ProposalNotFoundError, review_proposal
    from engine.store import EventStore

    kind, _, target = proposal_id.partition(":")
    if kind not in ("concept", "relation") or not target:
        raise typer.BadParameter("a proposal id is concept:<slug> or relation:<source>:<type>:<target>")
    with open_database(Settings()) as db:
        migrate(db)
        try:
            position = review_proposal(
                db, EventStore(db), kind, target, accept=accept, reviewer=reviewer, note=note
            )
        except (ProposalNotFoundError, ProposalAlreadyDecidedError) as exc:
            Console(stderr=True).print(f"[red]{exc}[/red]")
            raise typer.Exit(code=2) from None
    typer.echo(f"{'accepted' if accept else 'rejected'} {proposal_id} (event {position})")


@review_app.command("accept")
def accept_command(
    proposal_id: Annotated[str, typer.Argument(help="concept:<slug> or relation:<source>:<type>:<target>")],
    reviewer: Annotated[str, typer.Option(help="Who decided.")] = "",
    note: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Accept a proposal: the planner uses it by default from now on."""
    _decide(proposal_id, True, reviewer, note)


@review_app.command("reject")
def reject_command(
    proposal_id: Annotated[str, typer.Argument(help="concept:<slug> or relation:<source>:<type>:<target>")],
    reviewer: Annotated[str, typer.Option(help="Who decided.")] = "",
    note: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Reject a proposal: it leaves the graph and its document never proposes it again."""
    _decide(proposal_id, False, reviewer, note)


def register(app: typer.Typer) -> None:
    """Add the ``review`` command group."""
    app.add_typer(review_app, name="review")
