"""kNN latency over chunk vectors: the exact in-process index vs SurrealDB's HNSW index (target: p95 <= 20 ms at
100,000 vectors). The schema no longer defines HNSW indexes (migrations/0020); this bench defines one to compare.

    .venv/bin/python -m bench.bench_knn [--exact] [--hnsw] [--n 100000] [--hnsw-n 2000] [--queries 200] [--k 10]

Without ``--exact``/``--hnsw`` both run. Each loads random unit vectors (384-d) into ``chunk`` of its own database
(a bulk insert, as a rebuild does), then:

- exact (``engine.vector_index``): loads the matrix through ``VectorIndexCache.get`` and times ``search``, alone and
  together with the cache's per-call checkpoint read (what the planner pays); then ingests one 10-chunk document
  through the log and projector and times the cache bringing the index forward (a refresh, not a reload);
- HNSW: defines the index once (slow: ~35 vectors/s measured, hence the smaller ``--hnsw-n``) and times
  ``WHERE embedding <|k,ef|> $q`` queries.

Both report recall@k against a numpy brute-force reference, and wall and process CPU time (the CPU figures matter
on a loaded machine: wall time includes waiting for a core). OpenBLAS threads a 100,000 x 384 product over every
core; ``OPENBLAS_NUM_THREADS=1`` measured less CPU per query on the 2-core machine (the product is memory-bound).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from surrealdb import RecordID

from config import Settings
from engine.db import Database, open_database
from engine.events import ChunkAdded, DocumentIngested, NewEvent, Provenance
from engine.migrations import migrate
from engine.projection import project
from engine.store import EventStore
from engine.vector_index import VectorIndexCache

# The definition migrations/0001 had (M 8, EFC 100); the table name is fixed, never input.
_HNSW = "DEFINE INDEX chunk_embedding ON chunk FIELDS embedding HNSW DIMENSION 384 DIST COSINE TYPE F32 M 8 EFC 100"
_KNN = "SELECT chunk_id, vector::distance::knn() AS d FROM chunk WHERE embedding <|{k},{ef}|> $q ORDER BY d"
Matrix = npt.NDArray[np.float32]


def _unit(rows: Matrix) -> Matrix:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _insert(db: Database, vectors: Matrix) -> float:
    """Insert ``vectors`` as chunk rows c0..cN-1 (10 per document) with the search indexes deferred; return seconds."""
    started = time.perf_counter()
    for start in range(0, len(vectors), 1000):
        rows = [
            {
                "id": RecordID("chunk", f"c{i}"),
                "chunk_id": f"c{i}",
                "document": RecordID("document", f"bench{i // 10}"),
                "doc_id": f"bench{i // 10}",
                "position": i,
                "heading": "",
                "text": f"chunk {i}",
                "embedding": vectors[i].tolist(),
                "embedding_model": "bench",
                "content_hash": str(i),
                "concepts": [],
                "mention_ids": [],
            }
            for i in range(start, min(start + 1000, len(vectors)))
        ]
        db.query("INSERT INTO chunk $rows RETURN NONE", {"rows": rows})
    return time.perf_counter() - started


def _queries(rng: np.random.Generator, vectors: Matrix, count: int) -> Matrix:
    """Queries near stored vectors (a perturbed copy), so each has a meaningful neighbourhood."""
    picked = vectors[rng.choice(len(vectors), count, replace=False)]
    return _unit(picked + 0.05 * rng.standard_normal(picked.shape).astype(np.float32))


def _timed(run: Callable[[], list[str]]) -> tuple[list[str], float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    ids = run()
    return ids, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _summary(label: str, walls: list[float], cpus: list[float]) -> str:
    def p95(values: list[float]) -> float:
        return sorted(values)[int(0.95 * (len(values) - 1))]

    return (
        f"  {label}: wall p50 {statistics.median(walls):.1f} ms, p95 {p95(walls):.1f} ms, max {max(walls):.1f} ms; "
        f"CPU p50 {statistics.median(cpus):.1f} ms, p95 {p95(cpus):.1f} ms"
    )


def bench_exact(vectors: Matrix, queries: Matrix, k: int) -> None:
    n = len(vectors)
    with open_database(Settings(db_url="mem://"), ns="bench", name="knn_exact") as db:
        migrate(db)
        # One projected event first, so the bulk rows sit at a real checkpoint the refresh can start from.
        store = EventStore(db)
        store.append("document:bench-seed", _document("bench-seed", vectors[:0]))
        project(db, store)
        inserted = _insert(db, vectors)
        cache = VectorIndexCache()
        wall, cpu = time.perf_counter(), time.process_time()
        index = cache.get(db, "chunk")
        load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"exact: inserted {n:,} vectors in {inserted:.1f} s; loaded the index in {load_wall:.1f} s wall, "
            f"{load_cpu:.1f} s CPU ({n / load_wall:,.0f} vectors/s wall); matrix {index.matrix.nbytes / 2**20:.0f} MiB"
        )
        index.search(queries[0], k)  # warm-up
        results: dict[str, tuple[list[float], list[float]]] = {"search": ([], []), "get+search": ([], [])}
        recalls = []
        for q in queries:
            ids, w, c = _timed(lambda q=q: [i for i, _ in index.search(q, k)])  # type: ignore[misc]
            results["search"][0].append(w)
            results["search"][1].append(c)
            _, w, c = _timed(lambda q=q: [i for i, _ in cache.get(db, "chunk").search(q, k)])  # type: ignore[misc]
            results["get+search"][0].append(w)
            results["get+search"][1].append(c)
            exact = {f"c{i}" for i in np.argsort(-(vectors @ q))[:k]}
            recalls.append(len(exact & set(ids)) / k)
        print(f"exact k={k} over {len(queries)} queries; recall@{k} {statistics.mean(recalls):.3f}")
        for label, (walls, cpus) in results.items():
            print(_summary(label, walls, cpus))
        print(f"  cache loads: {cache.loads} (1 expected: the checkpoint never moved)")
        _bench_refresh(db, store, cache, rng=np.random.default_rng(9))


def _document(doc_id: str, vectors: Matrix) -> list[NewEvent]:
    events = [
        NewEvent(
            payload=DocumentIngested(
                doc_id=doc_id, title=doc_id, kind="guide", source=f"bench/{doc_id}.md", content_hash=doc_id
            ),
            provenance=Provenance(document_id=doc_id, extractor="bench"),
        )
    ]
    for i, v in enumerate(vectors):
        chunk = ChunkAdded(
            chunk_id=f"{doc_id}#{i}", doc_id=doc_id, position=i, heading="", text=f"chunk {i} of {doc_id}",
            embedding=v.tolist(), embedding_model="bench", content_hash=f"{doc_id}-{i}",
        )  # fmt: skip
        events.append(NewEvent(payload=chunk, provenance=Provenance(document_id=doc_id, extractor="bench")))
    return events


def _bench_refresh(
    db: Database, store: EventStore, cache: VectorIndexCache, rng: np.random.Generator
) -> None:
    """Ingest one 10-chunk document through the log and projector; time the cache bringing the index forward."""
    before = cache.get(db, "chunk")
    store.append(
        "document:bench-new", _document("bench-new", _unit(rng.standard_normal((10, 384)).astype(np.float32)))
    )
    project(db, store)
    wall, cpu = time.perf_counter(), time.process_time()
    after = cache.get(db, "chunk")
    print(
        f"  refresh after one new 10-chunk document: {(time.perf_counter() - wall) * 1000:.0f} ms wall, "
        f"{(time.process_time() - cpu) * 1000:.0f} ms CPU; {len(before):,} -> {len(after):,} vectors; "
        f"loads {cache.loads}, refreshes {cache.refreshes}"
    )


def bench_hnsw(vectors: Matrix, queries: Matrix, k: int, ef: int) -> None:
    n = len(vectors)
    with open_database(Settings(db_url="mem://"), ns="bench", name="knn_hnsw") as db:
        migrate(db)
        inserted = _insert(db, vectors)
        started = time.perf_counter()
        db.query_all(_HNSW + ";")
        built = time.perf_counter() - started
        print(
            f"hnsw: inserted {n:,} vectors in {inserted:.1f} s; index build {built:.1f} s ({n / built:,.0f} vectors/s)"
        )
        print(f"  index: {_HNSW}")
        sql = _KNN.format(k=k, ef=ef)
        db.query(sql, {"q": queries[0].tolist()})  # warm-up
        walls, cpus, recalls = [], [], []
        for q in queries:
            ids, w, c = _timed(lambda q=q: [r["chunk_id"] for r in db.query(sql, {"q": q.tolist()})])  # type: ignore[misc]
            walls.append(w)
            cpus.append(c)
            exact = {f"c{i}" for i in np.argsort(-(vectors @ q))[:k]}
            recalls.append(len(exact & set(ids)) / k)
        print(f"hnsw k={k} ef={ef} over {len(queries)} queries; recall@{k} {statistics.mean(recalls):.3f}")
        print(_summary("query", walls, cpus))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exact", action="store_true", help="run the exact in-process index")
    parser.add_argument("--hnsw", action="store_true", help="run SurrealDB's HNSW index")
    parser.add_argument("--n", type=int, default=100_000, help="vectors for the exact index")
    parser.add_argument("--hnsw-n", type=int, default=2_000, help="vectors for HNSW (its build is slow)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef", type=int, default=64)
    args = parser.parse_args()
    run_both = not (args.exact or args.hnsw)
    rng = np.random.default_rng(5)
    if args.exact or run_both:
        vectors = _unit(rng.standard_normal((args.n, 384)).astype(np.float32))
        bench_exact(vectors, _queries(rng, vectors, min(args.queries, args.n)), args.k)
    if args.hnsw or run_both:
        vectors = _unit(rng.standard_normal((args.hnsw_n, 384)).astype(np.float32))
        bench_hnsw(vectors, _queries(rng, vectors, min(args.queries, args.hnsw_n)), args.k, args.ef)


if __name__ == "__main__":
    main()
