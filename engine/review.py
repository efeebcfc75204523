"""Review decisions on extracted proposals: each decision is one event, then the graph catches up."""

from __future__ import annotations

from engine.db import Database
from engine.errors import ProgrammingError
from engine.events import NewEvent, ProposalAccepted, ProposalRejected, Provenance, stream_for
from engine.graph_reads import get_proposal
from engine.projection import Projector
from engine.store import EventStore

REVIEW_EXTRACTOR = "review"


class ProposalNotFoundError(ProgrammingError):
    """No proposed (extracted) concept or relation has that id; list them with ``expgraph review list``."""


class ProposalAlreadyDecidedError(ProgrammingError):
    """The proposal was accepted already; reject it, or leave it."""


def review_proposal(
    db: Database,
    store: EventStore,
    kind: str,
    target_id: str,
    *,
    accept: bool,
    reviewer: str = "",
    note: str = "",
) -> int:
    """Append the decision on ``kind:target_id`` (``concept`` or ``relation``) and project it; returns its position.

    Raises ``ProposalNotFoundError`` for an id that is not an extracted fact (curated rows are never reviewed) and
    ``ProposalAlreadyDecidedError`` when accepting an accepted one.
    """
    if kind not in ("concept", "relation"):
        raise ProposalNotFoundError(f"kind must be 'concept' or 'relation'; got {kind!r}")
    row = get_proposal(db, kind, target_id)
    if row is None:
        raise ProposalNotFoundError(
            f"no proposed {kind} {target_id!r}; list proposals with `expgraph review list` or GET /proposals"
        )
    if accept and row["status"] == "accepted":
        raise ProposalAlreadyDecidedError(f"{kind} {target_id!r} is accepted already")
    payload = (ProposalAccepted if accept else ProposalRejected)(
        kind=kind, target_id=target_id, reviewer=reviewer, note=note
    )
    stream = stream_for(payload)
    event = NewEvent(
        payload=payload, provenance=Provenance(extractor=REVIEW_EXTRACTOR, extractor_version="1")
    )
    [position] = store.append(stream, [event], expected_version=store.stream_version(stream))
    Projector(db).catch_up(store)
    return position
