"""Read-only endpoints behind the ``/log`` page: the event log filtered by type or document, and as-of summaries."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from api.errors import Unprocessable
from api.log_views import LogFacets, as_of_summary, filtered_page
from api.responses import EventFacets, GraphAsOf, LogPage
from api.security import require_read_access
from engine.as_of_graphs import AsOfGraphs
from engine.graph_reads import SurrealReadModel
from engine.store import EventStore

_FACETS = LogFacets()


class LogController(Controller):
    path = "/api/log"
    tags = ["event log"]
    guards = [require_read_access]

    @get("/events", summary="Events after a position, filtered by type and/or document", sync_to_thread=True)
    def events(
        self,
        reads: SurrealReadModel,
        store: EventStore,
        after: Annotated[int, Parameter(ge=0)] = 0,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        event_type: Annotated[str | None, Parameter(query="type", max_length=60)] = None,
        document: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> LogPage:
        rows, next_after = filtered_page(
            reads.db, after=after, limit=limit, event_type=event_type or None, document=document or None
        )
        return LogPage(after=after, head=store.head(), next_after=next_after, events=rows)

    @get("/facets", summary="Event types and documents in the log, with counts", sync_to_thread=True)
    def facets(self, reads: SurrealReadModel, store: EventStore) -> EventFacets:
        return msgspec.convert(_FACETS.get(reads.db, store.head()), EventFacets)

    @get(
        "/as-of/{position:int}",
        summary="The graph as of a log position: counts and concepts (built by the engine's as-of replay)",
        sync_to_thread=True,
    )
    def as_of(self, as_of_graphs: AsOfGraphs, store: EventStore, position: int) -> GraphAsOf:
        head = store.head()
        if not 1 <= position <= head:
            raise Unprocessable(
                f"position must be between 1 and {head} (the head of the log); got {position}",
                field="position",
            )
        return msgspec.convert(as_of_summary(as_of_graphs, position, head), GraphAsOf)
