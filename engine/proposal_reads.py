"""Reads of extracted (proposed and reviewed) concepts and relations: small named, parameterised queries."""

from __future__ import annotations

from typing import Any

from surrealdb import RecordID

from engine.db import Database

# Extraction-specific fields only; the embedding stays in the database.
_CONCEPT_FIELDS = "concept_id, name, aliases, category, definition, status, evidence, supported_by"
_RELATION_FIELDS = (
    "relation_id, rel_type, in.concept_id AS source_id, out.concept_id AS target_id, "
    "in.name AS source_name, out.name AS target_name, weight, status, evidence, supported_by"
)


def concept_vectors(db: Database) -> list[dict[str, Any]]:
    """Every concept's id, name, aliases, category and embedding (what entity resolution compares against)."""
    rows: list[dict[str, Any]] = db.query(
        "SELECT concept_id, name, aliases, category, embedding FROM concept ORDER BY concept_id"
    )
    return rows


def list_proposals(db: Database, status: str | None = "proposed") -> dict[str, list[dict[str, Any]]]:
    """Extracted concepts and relations with ``status`` (``None``: proposed and accepted), by kind, sorted by id."""
    statuses = ["proposed", "accepted"] if status is None else [status]
    return {
        "concepts": db.query(
            f"SELECT {_CONCEPT_FIELDS} FROM concept WHERE status IN $s ORDER BY concept_id", {"s": statuses}
        ),
        "relations": db.query(
            f"SELECT {_RELATION_FIELDS} FROM relation WHERE status IN $s ORDER BY relation_id",
            {"s": statuses},
        ),
    }


def get_proposal(db: Database, kind: str, target_id: str) -> dict[str, Any] | None:
    """One extracted concept or relation by id (any status), or ``None`` when it does not exist or is curated."""
    fields = _CONCEPT_FIELDS if kind == "concept" else _RELATION_FIELDS
    row = db.scalar(f"SELECT {fields} FROM ONLY $id", {"id": RecordID(kind, target_id)})
    return row if isinstance(row, dict) and row.get("status") is not None else None


def nearest_concepts(db: Database, vector: list[float], k: int = 5) -> list[tuple[str, str, float]]:
    """The ``k`` concepts nearest ``vector`` by the HNSW index: ``(concept_id, category, cosine)``, closest first."""
    if not 1 <= int(k) <= 50:
        raise ValueError(f"k must be in [1, 50]; got {k}")
    rows = db.query(
        f"SELECT concept_id, category, vector::distance::knn() AS d FROM concept "
        f"WHERE embedding <|{int(k)},40|> $v ORDER BY d",  # k: a validated int (kNN sizes are literals)
        {"v": vector},
    )
    return [(str(r["concept_id"]), str(r["category"]), 1.0 - float(r["d"])) for r in rows]
