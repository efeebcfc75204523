"""Named read queries the concept endpoints need beyond engine.queries (parameterised SurrealQL only)."""

from __future__ import annotations

from typing import Any

from engine.db import Database
from engine.ontology import RELATION_TYPES
from engine.queries import get_concept, list_concepts


def search_concepts(db: Database, text: str, limit: int) -> list[dict[str, Any]]:
    """Concepts whose name, aliases or definition match ``text`` (BM25), then prefix matches on name and aliases."""
    hits = db.query(
        "SELECT concept_id, name, category, aliases, definition, search::score(1) AS score FROM concept "
        "WHERE search_text @1@ $text ORDER BY score DESC LIMIT $limit",
        {"text": text, "limit": limit},
    )
    needle = text.casefold().strip()
    # Exact and prefix matches on names and aliases rank first (an abbreviation like "SRM" scores poorly in BM25).
    ranked: list[tuple[int, str]] = []
    for concept in list_concepts(db):
        names = [concept["name"], *(concept.get("aliases") or [])]
        lowered = [n.casefold() for n in names]
        if needle in lowered:
            ranked.append((0, concept["concept_id"]))
        elif any(n.startswith(needle) for n in lowered):
            ranked.append((1, concept["concept_id"]))
    ranked.sort()
    prefix_ids = [cid for _, cid in ranked[:limit]]
    prefix = [c for cid in prefix_ids if (c := get_concept(db, cid)) is not None]
    seen: dict[str, dict[str, Any]] = {}
    for row in [*prefix, *hits]:
        seen.setdefault(
            row["concept_id"],
            {k: row.get(k) for k in ("concept_id", "name", "category", "aliases", "definition")},
        )
    return list(seen.values())[:limit]


def concept_neighbours(db: Database, concept_id: str) -> list[dict[str, Any]]:
    """Every relation touching the concept, read in its direction (``out``) or inversely (``in``)."""
    # The graph pointers on the concept, not a scan of every edge (relation has no index on in/out: migrations/0003).
    rows = db.query(
        "LET $c = type::thing('concept', $id); "
        "SELECT relation_id, rel_type, justification, weight, supported_by, meta::id(in) AS source_id, meta::id(out) AS target_id, "
        "in.name AS source_name, out.name AS target_name "
        "FROM array::distinct(array::concat($c->relation, $c<-relation))",
        {"id": concept_id},
    )
    out: list[dict[str, Any]] = []
    for row in rows:
        rel = RELATION_TYPES.get(row["rel_type"])
        outgoing = row["source_id"] == concept_id
        out.append(
            {
                "direction": "out" if outgoing else "in",
                "rel_type": row["rel_type"],
                "reads_as": (rel.reads_as if outgoing else rel.inverse_reads_as) if rel else row["rel_type"],
                "concept_id": row["target_id"] if outgoing else row["source_id"],
                "name": row["target_name"] if outgoing else row["source_name"],
                "justification": row.get("justification", ""),
                "weight": row.get("weight"),
                "relation_id": row.get("relation_id"),
                "supported_by": list(row.get("supported_by") or []),
            }
        )
    out.sort(key=lambda n: (n["rel_type"], n["direction"], n["name"] or ""))
    return out
