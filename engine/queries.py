"""Small named reads of the graph and the log, for the CLI, the API and the planner."""

from __future__ import annotations

from typing import Any

from surrealdb import RecordID

from engine.db import Database
from engine.events import RecordedEvent
from engine.store import EventStore

COUNTED_TABLES = (
    "event",
    "document",
    "chunk",
    "concept",
    "relation",
    "mentions",
    "concept_redirect",
    "trace",
)


def get_concept(db: Database, concept_id: str) -> dict[str, Any] | None:
    """A concept row by slug (following a merge to its survivor), or ``None``."""
    row = db.scalar(
        "SELECT * FROM ONLY type::thing('concept', (SELECT VALUE into_id FROM ONLY type::thing('concept_redirect', $id)) ?? $id)",
        {"id": concept_id},
    )
    return row if isinstance(row, dict) else None


def list_concepts(db: Database) -> list[dict[str, Any]]:
    """Every concept's id, name, aliases and category, sorted by id (what the entity linker needs)."""
    return db.query("SELECT concept_id, name, aliases, category FROM concept ORDER BY concept_id")


def get_document(db: Database, doc_id: str) -> dict[str, Any] | None:
    """A document row by id, or ``None``."""
    row = db.scalar("SELECT * FROM ONLY $id", {"id": RecordID("document", doc_id)})
    return row if isinstance(row, dict) else None


def get_chunk(db: Database, chunk_id: str) -> dict[str, Any] | None:
    """A chunk row by id, or ``None``."""
    row = db.scalar("SELECT * FROM ONLY $id", {"id": RecordID("chunk", chunk_id)})
    return row if isinstance(row, dict) else None


def count_rows(db: Database, tables: tuple[str, ...] = COUNTED_TABLES) -> dict[str, int]:
    """Row counts per table."""
    counts: dict[str, int] = {}
    for table in tables:
        # table names are ours (a fixed tuple), never user input
        value = db.scalar(f"RETURN count(SELECT VALUE id FROM {table})")
        counts[table] = int(value or 0)
    return counts


def events_page(db: Database, after: int = 0, limit: int = 50) -> list[RecordedEvent]:
    """Up to ``limit`` events after position ``after``, oldest first."""
    return list(EventStore(db).read(after=after, limit=limit))
