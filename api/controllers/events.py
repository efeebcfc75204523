"""``GET /events``: the event log, paged by position."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import Parameter

from api.responses import EventsPage
from api.security import require_read_access
from engine.graph_reads import SurrealReadModel
from engine.store import EventStore


def _without_vectors(event: dict[str, Any]) -> dict[str, Any]:
    payload = dict(event.get("payload") or {})
    if "embedding" in payload:
        payload["embedding"] = f"<{len(payload['embedding'] or [])} floats>"
    return {**event, "payload": payload}


class EventController(Controller):
    path = "/events"
    tags = ["events"]
    guards = [require_read_access]

    @get("/", summary="Events after a position, oldest first", sync_to_thread=True)
    def page(
        self,
        reads: SurrealReadModel,
        store: EventStore,
        after: Annotated[int, Parameter(ge=0)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        embeddings: Annotated[bool, Parameter(description="Include embedding vectors in full.")] = False,
    ) -> EventsPage:
        events = [e.to_dict() for e in reads.events_page(after, limit)]
        if not embeddings:
            events = [_without_vectors(e) for e in events]
        next_after = events[-1]["position"] if events else after
        return EventsPage(after=after, limit=limit, head=store.head(), next_after=next_after, events=events)
