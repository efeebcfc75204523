"""kNN latency over chunk vectors with the schema's HNSW index (target: p95 <= 20 ms at 100,000 vectors).

    .venv/bin/python -m bench.bench_knn [--n 100000] [--queries 200] [--k 10] [--ef 64]

Loads N random unit vectors (384-d) into ``chunk`` without the index, builds the index once (as a rebuild does),
then times ``WHERE embedding <|k,ef|> $q`` queries and checks recall@k against exact cosine search (numpy).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from surrealdb import RecordID

from config import Settings
from engine.db import open_database
from engine.indexes import defer_search_indexes, restore_search_indexes, search_index_definitions
from engine.migrations import migrate

_KNN = "SELECT chunk_id, vector::distance::knn() AS d FROM chunk WHERE embedding <|{k},{ef}|> $q ORDER BY d"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef", type=int, default=64)
    parser.add_argument("--url", default="mem://")
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((args.n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    with open_database(Settings(db_url=args.url), ns="bench", name="knn") as db:
        migrate(db)
        index_sql = search_index_definitions(db)[("chunk", "chunk_embedding")]
        defer_search_indexes(db)
        started = time.perf_counter()
        for start in range(0, args.n, 1000):
            rows = [
                {
                    "id": RecordID("chunk", f"c{i}"),
                    "chunk_id": f"c{i}",
                    "document": RecordID("document", "bench"),
                    "doc_id": "bench",
                    "position": i,
                    "heading": "",
                    "text": f"chunk {i}",
                    "embedding": vectors[i].tolist(),
                    "embedding_model": "bench",
                    "content_hash": str(i),
                    "concepts": [],
                    "mention_ids": [],
                }
                for i in range(start, min(start + 1000, args.n))
            ]
            db.query("INSERT INTO chunk $rows RETURN NONE", {"rows": rows})
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        restore_search_indexes(db)
        built = time.perf_counter() - started
        print(
            f"loaded {args.n:,} vectors in {loaded:.1f} s; index build {built:.1f} s ({args.n / built:,.0f} vectors/s)"
        )
        print(f"index: {index_sql}")

        queries = vectors[rng.choice(args.n, args.queries, replace=False)] + 0.05 * rng.standard_normal(
            (args.queries, 384)
        ).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        sql = _KNN.format(k=args.k, ef=args.ef)
        db.query(sql, {"q": queries[0].tolist()})  # warm-up
        latencies, recalls = [], []
        for q in queries:
            t = time.perf_counter()
            rows = db.query(sql, {"q": q.tolist()})
            latencies.append((time.perf_counter() - t) * 1000)
            exact = {f"c{i}" for i in np.argsort(-(vectors @ q))[: args.k]}
            recalls.append(len(exact & {r["chunk_id"] for r in rows}) / args.k)
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"k={args.k} ef={args.ef}: p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
            f"max {latencies[-1]:.1f} ms over {args.queries} queries; recall@{args.k} {statistics.mean(recalls):.3f}"
        )


if __name__ == "__main__":
    main()
