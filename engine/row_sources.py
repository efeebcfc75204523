"""Where the projector finds the stored rows a batch can touch: the database, or a mirror of what it wrote.

A live projection reads them from the database (``StoredRows``). A rebuild starts from an empty projection and is
its only writer, so every row it needs is one it wrote itself: ``MirroredRows`` keeps those rows in memory, with
the secondary indexes the projector's lookups need, and answers without a query. Both give rows in folding form
(``engine.folding.Row``: plain ids, no chunk embeddings), each call a fresh copy the fold may change freely.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from surrealdb import RecordID

from engine.db import Database
from engine.folding import Row
from engine.wire import record_id


@dataclass
class Written:
    """What one committed batch wrote: final rows by key (``None``: deleted) and changed chunk mention lists."""

    documents: dict[str, Row | None] = field(default_factory=dict)
    chunks: dict[str, Row | None] = field(default_factory=dict)
    concepts: dict[str, Row | None] = field(default_factory=dict)
    relations: dict[str, Row | None] = field(default_factory=dict)
    mention_ids: dict[str, list[str]] = field(default_factory=dict)


class RowSource(Protocol):
    """The lookups a batch's load makes. Every method returns fresh rows in folding form."""

    def documents(self, ids: list[str]) -> list[Row]: ...

    def chunks(self, ids: list[str]) -> list[Row]: ...

    def chunks_of(self, doc_ids: list[str]) -> list[Row]: ...

    def concepts(self, ids: list[str], *, embedding: bool) -> list[Row]: ...

    def concepts_supported_by(self, doc_ids: list[str], excluding: list[str]) -> list[Row]: ...

    def relations(self, ids: list[str]) -> list[Row]: ...

    def relations_touching(self, concept_ids: list[str]) -> list[Row]: ...

    def relations_supported_by(self, doc_ids: list[str]) -> list[Row]: ...

    def chunks_mentioning(self, concept_ids: list[str]) -> list[tuple[str, list[str]]]: ...

    def committed(self, written: Written) -> None: ...


def _rids(table: str, keys: Iterable[str]) -> list[RecordID]:
    return [record_id(table, key) for key in keys]


def _key(record: Any) -> str:
    return str(record.id) if isinstance(record, RecordID) else str(record)


def plain(row: dict[str, Any]) -> Row:
    """A database row as a folding row: record links become plain ids."""
    out = {k: v for k, v in row.items() if k not in ("id", "document")}
    if "in" in row:
        out["in"], out["out"] = _key(row["in"]), _key(row["out"])
    return out


class StoredRows:
    """Rows read from the database: right for any projector, including one that resumes a live graph."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _rows(self, sql: str, vars: dict[str, Any]) -> list[Row]:
        return [plain(row) for row in self.db.query(sql, vars)]

    def documents(self, ids: list[str]) -> list[Row]:
        return self._rows("SELECT * FROM $ids", {"ids": _rids("document", ids)}) if ids else []

    def chunks(self, ids: list[str]) -> list[Row]:
        return self._rows("SELECT * OMIT embedding FROM $ids", {"ids": _rids("chunk", ids)}) if ids else []

    def chunks_of(self, doc_ids: list[str]) -> list[Row]:
        if not doc_ids:
            return []
        return self._rows("SELECT * OMIT embedding FROM chunk WHERE doc_id IN $docs", {"docs": doc_ids})

    def concepts(self, ids: list[str], *, embedding: bool) -> list[Row]:
        if not ids:
            return []
        sql = "SELECT * FROM $ids" if embedding else "SELECT * OMIT embedding FROM $ids"
        return self._rows(sql, {"ids": _rids("concept", ids)})

    def concepts_supported_by(self, doc_ids: list[str], excluding: list[str]) -> list[Row]:
        if not doc_ids:
            return []
        return self._rows(
            "SELECT * OMIT embedding FROM concept WHERE supported_by CONTAINSANY $docs AND id NOT IN $ids",
            {"docs": doc_ids, "ids": _rids("concept", excluding)},
        )

    def relations(self, ids: list[str]) -> list[Row]:
        return self._rows("SELECT * FROM $ids", {"ids": _rids("relation", ids)}) if ids else []

    def relations_touching(self, concept_ids: list[str]) -> list[Row]:
        if not concept_ids:
            return []
        # The graph pointers RELATE keeps on each concept, not an index on in/out (see migrations/0003).
        # Traversing from the ids themselves also finds edges whose concept row does not exist (yet, or any more).
        return self._rows(
            "SELECT * FROM array::distinct(array::flatten(array::concat($ends->relation, $ends<-relation)))",
            {"ends": _rids("concept", concept_ids)},
        )

    def relations_supported_by(self, doc_ids: list[str]) -> list[Row]:
        if not doc_ids:
            return []
        return self._rows("SELECT * FROM relation WHERE supported_by CONTAINSANY $docs", {"docs": doc_ids})

    def chunks_mentioning(self, concept_ids: list[str]) -> list[tuple[str, list[str]]]:
        rows = self.db.query(
            "SELECT chunk_id, mention_ids FROM chunk WHERE mention_ids CONTAINSANY $c", {"c": concept_ids}
        )
        return [(row["chunk_id"], list(row["mention_ids"])) for row in rows]

    def committed(self, written: Written) -> None:
        """Nothing to do: the database is the source."""


def _copy(row: Row, *, drop: str | None = None) -> Row:
    # The fold replaces fields and appends to lists in place; nested objects (metadata, sources) it only reads.
    return {k: (list(v) if isinstance(v, list) else v) for k, v in row.items() if k != drop}


class _Index:
    """key -> set of row ids, for one multi-valued field."""

    def __init__(self) -> None:
        self._ids: defaultdict[str, set[str]] = defaultdict(set)

    def add(self, row_id: str, keys: Iterable[str]) -> None:
        for key in keys:
            self._ids[key].add(row_id)

    def remove(self, row_id: str, keys: Iterable[str]) -> None:
        for key in keys:
            ids = self._ids.get(key)
            if ids is not None:
                ids.discard(row_id)
                if not ids:
                    del self._ids[key]

    def ids(self, keys: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for key in keys:
            found |= self._ids.get(key, set())
        return found


class MirroredRows:
    """The rows a projector wrote, kept in memory: valid only for a projector that started on an EMPTY projection
    and is its only writer (a rebuild). Chunk embeddings are not kept (no lookup returns them); concept embeddings
    are, because a merge may copy one into a survivor.
    """

    def __init__(self) -> None:
        self._documents: dict[str, Row] = {}
        self._chunks: dict[str, Row] = {}
        self._concepts: dict[str, Row] = {}
        self._relations: dict[str, Row] = {}
        self._chunks_by_doc = _Index()
        self._chunks_by_mention = _Index()
        self._concepts_by_doc = _Index()
        self._relations_by_end = _Index()
        self._relations_by_doc = _Index()

    # ------------------------------------------------------------------ lookups
    def documents(self, ids: list[str]) -> list[Row]:
        return [_copy(self._documents[i]) for i in ids if i in self._documents]

    def chunks(self, ids: list[str]) -> list[Row]:
        return [_copy(self._chunks[i]) for i in ids if i in self._chunks]

    def chunks_of(self, doc_ids: list[str]) -> list[Row]:
        return self.chunks(sorted(self._chunks_by_doc.ids(doc_ids)))

    def concepts(self, ids: list[str], *, embedding: bool) -> list[Row]:
        drop = None if embedding else "embedding"
        return [_copy(self._concepts[i], drop=drop) for i in ids if i in self._concepts]

    def concepts_supported_by(self, doc_ids: list[str], excluding: list[str]) -> list[Row]:
        ids = self._concepts_by_doc.ids(doc_ids) - set(excluding)
        return self.concepts(sorted(ids), embedding=False)

    def relations(self, ids: list[str]) -> list[Row]:
        return [_copy(self._relations[i]) for i in ids if i in self._relations]

    def relations_touching(self, concept_ids: list[str]) -> list[Row]:
        return self.relations(sorted(self._relations_by_end.ids(concept_ids)))

    def relations_supported_by(self, doc_ids: list[str]) -> list[Row]:
        return self.relations(sorted(self._relations_by_doc.ids(doc_ids)))

    def chunks_mentioning(self, concept_ids: list[str]) -> list[tuple[str, list[str]]]:
        ids = sorted(self._chunks_by_mention.ids(concept_ids))
        return [(i, list(self._chunks[i]["mention_ids"])) for i in ids]

    # ------------------------------------------------------------------ keeping up with the writes
    def committed(self, written: Written) -> None:
        for key, row in written.documents.items():
            if row is None:
                self._documents.pop(key, None)
            else:
                self._documents[key] = _copy(row)
        for key, row in written.chunks.items():
            self._put_chunk(key, None if row is None else _copy(row, drop="embedding"))
        for key, mentions in written.mention_ids.items():
            chunk = self._chunks.get(key)
            if chunk is not None:
                self._put_chunk(key, {**chunk, "mention_ids": list(mentions)})
        for key, row in written.concepts.items():
            self._put_concept(key, row)
        for key, row in written.relations.items():
            self._put_relation(key, row)

    def _put_chunk(self, key: str, row: Row | None) -> None:
        old = self._chunks.pop(key, None)
        if old is not None:
            self._chunks_by_doc.remove(key, [old["doc_id"]])
            self._chunks_by_mention.remove(key, old["mention_ids"])
        if row is not None:
            self._chunks[key] = row
            self._chunks_by_doc.add(key, [row["doc_id"]])
            self._chunks_by_mention.add(key, row["mention_ids"])

    def _put_concept(self, key: str, row: Row | None) -> None:
        old = self._concepts.pop(key, None)
        if old is not None:
            self._concepts_by_doc.remove(key, old["supported_by"])
        if row is not None:
            new = _copy(row)
            # A row loaded without its embedding was written with MERGE, which keeps the stored vector.
            if "embedding" not in new and old is not None and "embedding" in old:
                new["embedding"] = old["embedding"]
            self._concepts[key] = new
            self._concepts_by_doc.add(key, new["supported_by"])

    def _put_relation(self, key: str, row: Row | None) -> None:
        old = self._relations.pop(key, None)
        if old is not None:
            self._relations_by_end.remove(key, [old["in"], old["out"]])
            self._relations_by_doc.remove(key, old["supported_by"])
        if row is not None:
            new = _copy(row)
            self._relations[key] = new
            self._relations_by_end.add(key, [new["in"], new["out"]])
            self._relations_by_doc.add(key, new["supported_by"])
