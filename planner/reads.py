"""The planner's reads from the graph: small named, parameterised SurrealQL queries.

User text only ever travels as a ``$parameter``. The only values written into query text are integers chosen by
code (kNN ``k`` and ``ef`` must be literals in SurrealQL), validated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from surrealdb import RecordID

from engine.vector_index import VectorIndex
from planner.types import ConceptName, Edge

BM25_SLOTS = (
    8  # the full-text query ORs this many single-term slots (SurrealQL's @@ ANDs the terms of one string)
)


class QueryRunner(Protocol):
    """What the planner needs from a database handle (``engine.db.Database`` satisfies it)."""

    def query(self, sql: str, vars: dict[str, Any] | None = None) -> Any: ...


def _rows(result: Any) -> list[dict[str, Any]]:
    if result is None:
        return []
    if isinstance(result, dict):
        return [result]
    return [r for r in result if isinstance(r, dict)]


def _int_literal(value: int, low: int, high: int) -> int:
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"kNN size must be in [{low}, {high}]; got {value}")
    return value


def list_concept_names(db: QueryRunner) -> list[ConceptName]:
    """Every concept's id, name and aliases (``engine.queries.list_concepts``)."""
    from engine.queries import list_concepts

    rows = [_as_dict(r) for r in list_concepts(db)]  # type: ignore[arg-type]
    out = [
        ConceptName(
            str(r["concept_id"]), str(r.get("name") or r["concept_id"]), tuple(r.get("aliases") or ())
        )
        for r in rows
        if r.get("concept_id")
    ]
    return sorted(out, key=lambda c: c.concept_id)


def _as_dict(row: Any) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    return {k: getattr(row, k) for k in ("concept_id", "name", "aliases") if hasattr(row, k)}


def list_edges(db: QueryRunner) -> list[Edge]:
    """Every typed relation edge (source and target by concept slug)."""
    rows = _rows(
        db.query(
            "SELECT relation_id, in.concept_id AS source_id, out.concept_id AS target_id, rel_type, weight, "
            "justification FROM relation ORDER BY relation_id"
        )
    )
    return [
        Edge(
            str(r.get("relation_id") or ""),
            str(r["source_id"]),
            str(r["target_id"]),
            str(r["rel_type"]),
            float(r["weight"]) if r.get("weight") is not None else 0.5,
            str(r.get("justification") or ""),
        )
        for r in rows
        if r.get("source_id") and r.get("target_id") and r.get("rel_type")
    ]


def neighbour_edges(db: QueryRunner, concept_ids: Sequence[str]) -> list[Edge]:
    """Edges touching the given concepts, via SurrealQL graph traversal (one hop, both directions).

    Used by the benchmark to compare per-hop database traversal with the cached in-process adjacency.
    """
    rows = _rows(
        db.query(
            "SELECT concept_id, ->relation.{relation_id, rel_type, weight, justification, dst: out.concept_id} AS outs, "
            "<-relation.{relation_id, rel_type, weight, justification, src: in.concept_id} AS ins "
            "FROM concept WHERE concept_id IN $ids",
            {"ids": list(concept_ids)},
        )
    )
    edges: list[Edge] = []
    for row in rows:
        cid = str(row["concept_id"])
        for e in row.get("outs") or []:
            edges.append(
                Edge(
                    str(e.get("relation_id") or ""),
                    cid,
                    str(e["dst"]),
                    str(e["rel_type"]),
                    float(e.get("weight") or 0.5),
                    str(e.get("justification") or ""),
                )
            )
        for e in row.get("ins") or []:
            edges.append(
                Edge(
                    str(e.get("relation_id") or ""),
                    str(e["src"]),
                    cid,
                    str(e["rel_type"]),
                    float(e.get("weight") or 0.5),
                    str(e.get("justification") or ""),
                )
            )
    return edges


def concept_neighbours(
    db: QueryRunner, vector: Sequence[float], k: int = 5, *, index: VectorIndex | None = None
) -> list[tuple[str, str, float]]:
    """Nearest concepts to ``vector``: (concept_id, name, cosine), closest first.

    With ``index`` (``VectorIndexCache.get(db, "concept")``) the search is exact and in-process; without it the
    HNSW index answers (approximate).
    """
    k = _int_literal(k, 1, 100)
    if index is not None:
        hits = index.search(vector, k)
        if not hits:
            return []
        names = {
            str(r["concept_id"]): str(r.get("name") or r["concept_id"])
            for r in _rows(
                db.query(
                    "SELECT concept_id, name FROM $ids", {"ids": [RecordID("concept", c) for c, _ in hits]}
                )
            )
        }
        return [(c, names[c], score) for c, score in hits if c in names]
    rows = _rows(
        db.query(
            f"SELECT concept_id, name, vector::distance::knn() AS distance FROM concept "
            f"WHERE embedding <|{k},64|> $vec ORDER BY distance",
            {"vec": list(vector)},
        )
    )
    return [
        (str(r["concept_id"]), str(r.get("name") or r["concept_id"]), 1.0 - float(r["distance"]))
        for r in rows
    ]


# Ranking queries return only ids and scores: every chunk row carries a 384-d embedding, so reading many rows is
# what costs time; the text of the few fused winners is fetched afterwards (``chunk_details``).
_RANK_FIELDS = "id, chunk_id, mention_ids"
_DETAIL_FIELDS = (
    "id, chunk_id, doc_id, heading, text, document.title AS title, document.source AS source, document.uri AS uri, "
    "document.kind AS doc_kind"
)


def chunk_neighbours(
    db: QueryRunner, vector: Sequence[float], k: int = 20, *, index: VectorIndex | None = None
) -> list[dict[str, Any]]:
    """Nearest chunks, closest first; each row has ``similarity`` (cosine).

    With ``index`` (``VectorIndexCache.get(db, "chunk")``) the search is exact and in-process and only the k
    winners' rank fields are read; without it the HNSW index answers (approximate).
    """
    k = _int_literal(k, 1, 200)
    if index is not None:
        hits = index.search(vector, k)
        if not hits:
            return []
        found = _rows(
            db.query(f"SELECT {_RANK_FIELDS} FROM $ids", {"ids": [RecordID("chunk", c) for c, _ in hits]})
        )
        by_id = {str(r["chunk_id"]): r for r in found}
        # A chunk projected away since the snapshot has no row: it is dropped, never returned without text.
        return [{**by_id[c], "similarity": score} for c, score in hits if c in by_id]
    rows = _rows(
        db.query(
            f"SELECT {_RANK_FIELDS}, vector::distance::knn() AS distance FROM chunk "
            f"WHERE embedding <|{k},64|> $vec ORDER BY distance",
            {"vec": list(vector)},
        )
    )
    for r in rows:
        r["similarity"] = 1.0 - float(r.pop("distance"))
    return rows


def chunk_full_text(db: QueryRunner, terms: Sequence[str], limit: int = 20) -> list[dict[str, Any]]:
    """BM25 search over chunk text: any of ``terms`` (up to ``BM25_SLOTS``), best first; rows have ``bm25``."""
    terms = [t for t in terms if t][:BM25_SLOTS]
    if not terms:
        return []
    limit = _int_literal(limit, 1, 200)
    # One match slot per term (the query shape depends only on the term count, never on the text).
    where = " OR ".join(f"text @{i + 1}@ $t{i}" for i in range(len(terms)))
    score = " + ".join(f"search::score({i + 1})" for i in range(len(terms)))
    rows = _rows(
        db.query(
            f"SELECT {_RANK_FIELDS}, ({score}) AS bm25 FROM chunk WHERE {where} ORDER BY bm25 DESC LIMIT {limit}",
            {f"t{i}": t for i, t in enumerate(terms)},
        )
    )
    return rows


def chunk_details(db: QueryRunner, record_ids: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Text, heading and document of the given chunk records (ids as returned by the ranking queries)."""
    if not record_ids:
        return {}
    rows = _rows(db.query(f"SELECT {_DETAIL_FIELDS} FROM $rids", {"rids": list(record_ids)}))
    return {str(r["chunk_id"]): r for r in rows if r.get("chunk_id")}


def chunk_count(db: QueryRunner) -> int:
    """How many chunks the graph holds."""
    rows = _rows(db.query("SELECT count() AS n FROM chunk GROUP ALL"))
    return int(rows[0]["n"]) if rows else 0


def term_document_frequency(db: QueryRunner, term: str) -> int:
    """How many chunks the full-text index matches for one term (index-only: cheap)."""
    rows = _rows(db.query("SELECT count() AS n FROM chunk WHERE text @1@ $t GROUP ALL", {"t": term}))
    return int(rows[0]["n"]) if rows else 0


def chunk_mentions(
    db: QueryRunner, chunk_ids: Sequence[str], concept_ids: Sequence[str]
) -> dict[str, list[str]]:
    """Which of ``concept_ids`` each of ``chunk_ids`` mentions (``mentions`` edges, by the concept index)."""
    if not chunk_ids or not concept_ids:
        return {}
    rows = _rows(
        db.query(
            "SELECT chunk_id, concept_id FROM mentions WHERE concept_id IN $concepts AND chunk_id IN $chunks",
            {"concepts": list(concept_ids), "chunks": list(chunk_ids)},
        )
    )
    out: dict[str, list[str]] = {}
    for r in rows:
        if r.get("chunk_id") and r.get("concept_id"):
            out.setdefault(str(r["chunk_id"]), []).append(str(r["concept_id"]))
    return out


def concept_details(db: QueryRunner, concept_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Definition, when to use, common mistakes, formula and sources of the given concepts, by id."""
    if not concept_ids:
        return {}
    rows = _rows(
        db.query(
            "SELECT concept_id, name, category, definition, when_to_use, mistakes, formula_text, sources, supported_by "
            "FROM concept "
            "WHERE concept_id IN $ids",
            {"ids": list(concept_ids)},
        )
    )
    return {str(r["concept_id"]): r for r in rows}


def log_position(db: QueryRunner) -> int:
    """The log position the graph reflects: the projection checkpoint (0 for an empty graph)."""
    rows = _rows(db.query("SELECT position FROM projection_checkpoint"))
    positions = [int(r["position"]) for r in rows if r.get("position") is not None]
    return max(positions, default=0)
