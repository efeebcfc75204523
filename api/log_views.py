"""The ``/log`` page's reads: the event log filtered and summarised, and the graph as it stood at a position.

Filtering pages through ``engine.graph_reads.events_page`` (no SurrealQL here); the as-of summary uses the engine's own
as-of build (``engine.replay.replay`` into ``<ns>_asof_<N>``, the namespace the planner's as-of answers use too), so a
position built once is reused. Each build is a whole copy of the graph, so only the few most recently viewed are kept:
the least recently used one is dropped (``engine.replay.drop_as_of_projection``) with its summary.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from api.relation_wording import reads_as
from engine.as_of_graphs import AsOfGraphs
from engine.events import RecordedEvent
from engine.graph_reads import count_rows, events_page, list_concepts

PAGE = 500
SUMMARY_TABLES = ("document", "chunk", "concept", "relation")
_LABEL_FIELDS = ("name", "title", "alias", "heading", "rel_type", "doc_id", "concept_id", "chunk_id")


def event_label(event: RecordedEvent) -> str:
    """A one-line description of what the event says (name, title, relation), never its vectors."""
    data = event.to_dict()["payload"]
    if data.get("source_id") and data.get("target_id") and data.get("rel_type"):
        return f"{data['source_id']} {reads_as(str(data['rel_type']))} {data['target_id']}"
    if event.event_type == "ConceptsMerged":
        return f"{data.get('merged_id')} → {data.get('into_id')}"
    for key in _LABEL_FIELDS:
        value = data.get(key)
        if value:
            text = str(value)
            return text if len(text) <= 90 else text[:89] + "…"
    return ""


def event_row(event: RecordedEvent) -> dict[str, Any]:
    """What the log table shows: position, type, stream, time, provenance and a label."""
    prov = event.provenance
    return {
        "position": event.position,
        "event_type": event.event_type,
        "stream_id": event.stream_id,
        "stream_version": event.stream_version,
        "recorded_at": event.recorded_at,
        "label": event_label(event),
        "provenance": {
            "document_id": prov.document_id,
            "chunk_id": prov.chunk_id,
            "extractor": prov.extractor,
            "extractor_version": prov.extractor_version,
        },
    }


def _all_events(db: Any, after: int = 0) -> Iterator[RecordedEvent]:
    while True:
        page = events_page(db, after, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].position


def matches(event: RecordedEvent, event_type: str | None, document: str | None) -> bool:
    if event_type and event.event_type != event_type:
        return False
    return not document or event.document_id == document or event.stream_id == f"document-{document}"


def filtered_page(
    db: Any, *, after: int, limit: int, event_type: str | None = None, document: str | None = None
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` matching events after ``after`` and the position to continue from (None at the end)."""
    rows: list[dict[str, Any]] = []
    for event in _all_events(db, after):
        if matches(event, event_type, document):
            rows.append(event_row(event))
            if len(rows) == limit:
                return rows, event.position
    return rows, None


class LogFacets:
    """Event types and documents with their counts, recomputed only when the head moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: tuple[int, int] | None = None
        self._value: dict[str, Any] = {}

    def get(self, db: Any, head: int) -> dict[str, Any]:
        with self._lock:
            if self._at == (id(db), head):
                return self._value
        types: dict[str, int] = {}
        documents: dict[str, int] = {}
        for event in _all_events(db):
            types[event.event_type] = types.get(event.event_type, 0) + 1
            if event.document_id:
                documents[event.document_id] = documents.get(event.document_id, 0) + 1
        value = {
            "head": head,
            "types": [{"name": k, "count": v} for k, v in sorted(types.items())],
            "documents": [{"id": k, "count": v} for k, v in sorted(documents.items())],
        }
        with self._lock:
            self._at, self._value = (id(db), head), value
        return value


def as_of_summary(graphs: AsOfGraphs, position: int, head: int) -> dict[str, Any]:
    """Counts and concept names of the graph as of ``position``, read from the engine's as-of build.

    Which builds are kept belongs to ``engine.as_of_graphs.AsOfGraphs``, shared with the planner; ``cached`` says
    whether this position was already built.
    """
    graph, was_built = graphs.at(position)
    return {**_summary(graph, position, head, built_in_ns=graph.ns), "cached": was_built}


def _summary(db: Any, position: int, head: int, *, built_in_ns: str) -> dict[str, Any]:
    counts = count_rows(db, SUMMARY_TABLES)
    concepts = [{"concept_id": c["concept_id"], "name": c["name"]} for c in list_concepts(db)]
    concepts.sort(key=lambda c: str(c["name"]).casefold())
    return {
        "position": position,
        "head": head,
        "namespace": built_in_ns,
        "counts": counts,
        "concepts": concepts,
    }
