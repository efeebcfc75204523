"""The read model: every SurrealQL read of the graph and the log, as small named, parameterised queries.

The planner, the API, the CLI and the benchmarks read through here and nowhere else. Names say which read is which:
``concept_neighbours_by_relation`` follows typed relation edges, ``similar_concepts_knn`` is a vector search.

Storage is seen through two small interfaces, in the spirit of nano-graphrag's ``base.py``: ``GraphReads``
(concepts, edges, chunks, the checkpoint position) and ``VectorSearch`` (kNN). ``SurrealReadModel`` implements both
over one database handle; a test double is a class with these methods, not a patched query. BM25 over chunks is
the in-memory ``engine.text_index.ChunkTextIndex`` (the schema has no chunk full-text index: migrations/0020).

User text only ever travels as a ``$parameter``. The only values written into query text are integers chosen by
code (kNN ``k`` must be a literal in SurrealQL) and table names from a fixed tuple, validated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from surrealdb import RecordID

from engine.db import Database
from engine.events import RecordedEvent
from engine.ontology import RELATION_TYPES
from engine.store import EventStore
from engine.vector_index import VectorIndex

# The longest concept path any reader asks for (planner traversal, graph explorer, API).
MAX_HOPS = 6
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


class QueryRunner(Protocol):
    """What the reads need from a database handle (``engine.db.Database`` satisfies it)."""

    def query(self, sql: str, vars: dict[str, Any] | None = None) -> Any: ...


class ScalarQueryRunner(QueryRunner, Protocol):
    """A handle that also returns one value (``engine.db.Database.scalar``)."""

    def scalar(self, sql: str, vars: dict[str, Any] | None = None) -> Any: ...


@dataclass(frozen=True, slots=True)
class ConceptName:
    """One concept as the entity linker sees it: id, canonical name, aliases and practitioners' phrasings."""

    concept_id: str
    name: str
    aliases: tuple[str, ...] = ()
    phrasings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Edge:
    """One typed relation between two concepts as stored in the graph."""

    relation_id: str
    source_id: str
    target_id: str
    rel_type: str
    weight: float
    justification: str = ""


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
    """Every concept's id, name, aliases and phrasings, sorted by id."""
    rows = [_as_dict(r) for r in list_concepts(db)]  # type: ignore[arg-type]
    out = [
        ConceptName(
            str(r["concept_id"]),
            str(r.get("name") or r["concept_id"]),
            tuple(r.get("aliases") or ()),
            tuple(r.get("phrasings") or ()),
        )
        for r in rows
        if r.get("concept_id")
    ]
    return sorted(out, key=lambda c: c.concept_id)


def _as_dict(row: Any) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    return {k: getattr(row, k) for k in ("concept_id", "name", "aliases", "phrasings") if hasattr(row, k)}


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


def relation_edges_of(db: QueryRunner, concept_ids: Sequence[str]) -> list[Edge]:
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


def similar_concepts_knn(
    db: QueryRunner, vector: Sequence[float], k: int = 5, *, index: VectorIndex | None = None
) -> list[tuple[str, str, float]]:
    """Nearest concepts to ``vector``: (concept_id, name, cosine), closest first.

    With ``index`` (``VectorIndexCache.get(db, "concept")``) the search runs in-process; without it the database
    scans every concept (also exact: the schema has no HNSW index, see migrations/0020).
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
            f"WHERE embedding <|{k},COSINE|> $vec ORDER BY distance",
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
    "document.kind AS doc_kind, document.metadata.setting AS doc_setting"
)


def similar_chunks_knn(
    db: QueryRunner, vector: Sequence[float], k: int = 20, *, index: VectorIndex | None = None
) -> list[dict[str, Any]]:
    """Nearest chunks, closest first; each row has ``similarity`` (cosine).

    With ``index`` (``VectorIndexCache.get(db, "chunk")``) the search runs in-process and only the k winners' rank
    fields are read; without it the database scans every chunk (also exact: no HNSW index, see migrations/0020).
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
            f"WHERE embedding <|{k},COSINE|> $vec ORDER BY distance",
            {"vec": list(vector)},
        )
    )
    for r in rows:
        r["similarity"] = 1.0 - float(r.pop("distance"))
    return rows


def chunk_details(db: QueryRunner, record_ids: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Text, heading and document of the given chunk records (ids as returned by the ranking queries)."""
    if not record_ids:
        return {}
    rows = _rows(db.query(f"SELECT {_DETAIL_FIELDS} FROM $rids", {"rids": list(record_ids)}))
    return {str(r["chunk_id"]): r for r in rows if r.get("chunk_id")}


def all_chunk_details(db: QueryRunner) -> list[dict[str, Any]]:
    """Every chunk with its text, heading, document and mentioned concepts (the planner's in-memory text index)."""
    return _rows(db.query(f"SELECT {_DETAIL_FIELDS}, mention_ids FROM chunk"))


def chunk_count(db: QueryRunner) -> int:
    """How many chunks the graph holds."""
    rows = _rows(db.query("SELECT count() AS n FROM chunk GROUP ALL"))
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


# --- concepts, documents, chunks and the log by id ------------------------------------------------------------


def get_concept(db: ScalarQueryRunner, concept_id: str) -> dict[str, Any] | None:
    """A concept row by slug (following a merge to its survivor), or ``None``."""
    row = db.scalar(
        "SELECT * FROM ONLY type::thing('concept', (SELECT VALUE into_id FROM ONLY type::thing('concept_redirect', $id)) ?? $id)",
        {"id": concept_id},
    )
    return row if isinstance(row, dict) else None


def list_concepts(db: QueryRunner) -> list[dict[str, Any]]:
    """Every concept's id, name, aliases, phrasings and category, sorted by id (what the entity linker needs)."""
    return db.query("SELECT concept_id, name, aliases, phrasings, category FROM concept ORDER BY concept_id")


def get_document(db: ScalarQueryRunner, doc_id: str) -> dict[str, Any] | None:
    """A document row by id, or ``None``."""
    row = db.scalar("SELECT * FROM ONLY $id", {"id": RecordID("document", doc_id)})
    return row if isinstance(row, dict) else None


def get_chunk(db: ScalarQueryRunner, chunk_id: str) -> dict[str, Any] | None:
    """A chunk row by id, or ``None``."""
    row = db.scalar("SELECT * FROM ONLY $id", {"id": RecordID("chunk", chunk_id)})
    return row if isinstance(row, dict) else None


def count_rows(db: ScalarQueryRunner, tables: tuple[str, ...] = COUNTED_TABLES) -> dict[str, int]:
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


def search_concepts(db: ScalarQueryRunner, text: str, limit: int) -> list[dict[str, Any]]:
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


def concept_neighbours_by_relation(db: QueryRunner, concept_id: str) -> list[dict[str, Any]]:
    """Every relation touching the concept, read in its direction (``out``) or inversely (``in``)."""
    # The graph pointers on the concept, not a scan of every edge (relation has no index on in/out: migrations/0003).
    rows = db.query(
        "LET $c = type::thing('concept', $id); "
        "SELECT relation_id, rel_type, justification, weight, supported_by, status, meta::id(in) AS source_id, meta::id(out) AS target_id, "
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
                # extracted relations carry "proposed" or "accepted"; curated ones none (accepted)
                "status": row.get("status") or "accepted",
            }
        )
    out.sort(key=lambda n: (n["rel_type"], n["direction"], n["name"] or ""))
    return out


# --- extracted (proposed and reviewed) concepts and relations ------------------------------------------------------

# Extraction-specific fields only; the embedding stays in the database.
_PROPOSED_CONCEPT_FIELDS = "concept_id, name, aliases, category, definition, status, evidence, supported_by"
_PROPOSED_RELATION_FIELDS = (
    "relation_id, rel_type, in.concept_id AS source_id, out.concept_id AS target_id, "
    "in.name AS source_name, out.name AS target_name, weight, status, evidence, supported_by"
)


def list_proposals(db: QueryRunner, status: str | None = "proposed") -> dict[str, list[dict[str, Any]]]:
    """Extracted concepts and relations with ``status`` (``None``: proposed and accepted), by kind, sorted by id."""
    statuses = ["proposed", "accepted"] if status is None else [status]
    return {
        "concepts": _rows(
            db.query(
                f"SELECT {_PROPOSED_CONCEPT_FIELDS} FROM concept WHERE status IN $s ORDER BY concept_id",
                {"s": statuses},
            )
        ),
        "relations": _rows(
            db.query(
                f"SELECT {_PROPOSED_RELATION_FIELDS} FROM relation WHERE status IN $s ORDER BY relation_id",
                {"s": statuses},
            )
        ),
    }


def get_proposal(db: ScalarQueryRunner, kind: str, target_id: str) -> dict[str, Any] | None:
    """One extracted concept or relation by id (any status), or ``None`` when it does not exist or is curated."""
    fields = _PROPOSED_CONCEPT_FIELDS if kind == "concept" else _PROPOSED_RELATION_FIELDS
    row = db.scalar(f"SELECT {fields} FROM ONLY $id", {"id": RecordID(kind, target_id)})
    return row if isinstance(row, dict) and row.get("status") is not None else None


def proposed_concept_evidence(db: QueryRunner) -> dict[str, dict[str, Any]]:
    """Proposed (unreviewed) concepts by id: ``concept_id`` and ``evidence``."""
    rows = _rows(db.query("SELECT concept_id, evidence FROM concept WHERE status = 'proposed'"))
    return {str(r["concept_id"]): r for r in rows}


def proposed_relation_evidence(db: QueryRunner) -> dict[str, dict[str, Any]]:
    """Proposed (unreviewed) relations by id: ``relation_id`` and ``evidence``."""
    rows = _rows(db.query("SELECT relation_id, evidence FROM relation WHERE status = 'proposed'"))
    return {str(r["relation_id"]): r for r in rows}


def resolution_candidates_knn(
    db: QueryRunner, vector: Sequence[float], k: int = 5
) -> list[tuple[str, str, float]]:
    """Nearest concepts for entity resolution: (concept_id, category, cosine), closest first (an exact scan)."""
    k = _int_literal(k, 1, 50)
    rows = _rows(
        db.query(
            f"SELECT concept_id, category, vector::distance::knn() AS d FROM concept "
            f"WHERE embedding <|{k},COSINE|> $v ORDER BY d",
            {"v": list(vector)},
        )
    )
    return [(str(r["concept_id"]), str(r["category"]), 1.0 - float(r["d"])) for r in rows]


# --- the storage interfaces ------------------------------------------------------------------------------------------


class GraphReads(Protocol):
    """Concepts, relation edges, chunks and the log position the graph reflects."""

    def log_position(self) -> int: ...
    def concept_names(self) -> list[ConceptName]: ...
    def edges(self) -> list[Edge]: ...
    def relation_edges_of(self, concept_ids: Sequence[str]) -> list[Edge]: ...
    def concept_details(self, concept_ids: Sequence[str]) -> dict[str, dict[str, Any]]: ...
    def chunk_details(self, record_ids: Sequence[Any]) -> dict[str, dict[str, Any]]: ...
    def chunk_mentions(
        self, chunk_ids: Sequence[str], concept_ids: Sequence[str]
    ) -> dict[str, list[str]]: ...


class VectorSearch(Protocol):
    """Nearest concepts and chunks to a vector (cosine)."""

    def similar_concepts(self, vector: Sequence[float], k: int = 5) -> list[tuple[str, str, float]]: ...
    def similar_chunks(self, vector: Sequence[float], k: int = 20) -> list[dict[str, Any]]: ...


class SurrealReadModel:
    """``GraphReads`` and ``VectorSearch`` over one database handle (the functions above).

    ``concept_index``/``chunk_index`` (from ``engine.vector_index.VectorIndexCache``) make kNN exact and
    in-process; without them the database scans the table.
    """

    def __init__(
        self,
        db: Database,
        *,
        concept_index: VectorIndex | None = None,
        chunk_index: VectorIndex | None = None,
    ) -> None:
        self.db = db
        self.concept_index = concept_index
        self.chunk_index = chunk_index

    def log_position(self) -> int:
        return log_position(self.db)

    def concept_names(self) -> list[ConceptName]:
        return list_concept_names(self.db)

    def edges(self) -> list[Edge]:
        return list_edges(self.db)

    def relation_edges_of(self, concept_ids: Sequence[str]) -> list[Edge]:
        return relation_edges_of(self.db, concept_ids)

    def concept_details(self, concept_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return concept_details(self.db, concept_ids)

    def chunk_details(self, record_ids: Sequence[Any]) -> dict[str, dict[str, Any]]:
        return chunk_details(self.db, record_ids)

    def chunk_mentions(self, chunk_ids: Sequence[str], concept_ids: Sequence[str]) -> dict[str, list[str]]:
        return chunk_mentions(self.db, chunk_ids, concept_ids)

    def similar_concepts(self, vector: Sequence[float], k: int = 5) -> list[tuple[str, str, float]]:
        return similar_concepts_knn(self.db, vector, k, index=self.concept_index)

    def similar_chunks(self, vector: Sequence[float], k: int = 20) -> list[dict[str, Any]]:
        return similar_chunks_knn(self.db, vector, k, index=self.chunk_index)

    # What the API's controllers read besides the planner's reads.
    def get_concept(self, concept_id: str) -> dict[str, Any] | None:
        return get_concept(self.db, concept_id)

    def search_concepts(self, text: str, limit: int) -> list[dict[str, Any]]:
        return search_concepts(self.db, text, limit)

    def list_concepts(self) -> list[dict[str, Any]]:
        return list_concepts(self.db)

    def concept_neighbours_by_relation(self, concept_id: str) -> list[dict[str, Any]]:
        return concept_neighbours_by_relation(self.db, concept_id)

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        return get_document(self.db, doc_id)

    def events_page(self, after: int = 0, limit: int = 50) -> list[RecordedEvent]:
        return events_page(self.db, after, limit)

    def list_proposals(self, status: str | None = "proposed") -> dict[str, list[dict[str, Any]]]:
        return list_proposals(self.db, status)
