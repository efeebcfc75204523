"""The exact vector index: brute-force-exact results, agreement with the database, and a cache that follows the projection."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from surrealdb import RecordID

from engine import graph_reads as reads
from engine.db import Database
from engine.events import ChunkRemoved, NewEvent
from engine.projection import Projector
from engine.store import EventStore, StreamAppend
from engine.vector_index import VectorIndex, VectorIndexCache, VectorIndexError
from tests.engine.sample_events import append_all, document, retract_document, small_graph, vector


def _brute_force(query: list[float], ids: list[str], k: int) -> list[tuple[str, float]]:
    """Cosine by plain Python over the embeddings the events carried (the reference, independent of numpy)."""

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(
            sum(x * x for x in a) * sum(y * y for y in b)
        )

    scored = sorted(((cosine(query, vector(i)), i) for i in ids), key=lambda s: (-s[0], s[1]))
    return [(i, s) for s, i in scored[:k]]


def _corpus(store: EventStore, docs: int = 3, chunks: int = 8) -> list[str]:
    append_all(store, *(document(f"doc{d}", chunks=chunks) for d in range(docs)))
    return [f"doc{d}#{i}" for d in range(docs) for i in range(chunks)]


def test_exact_search_equals_a_brute_force_reference(db: Database, store: EventStore) -> None:
    chunk_ids = _corpus(store)
    Projector(db).catch_up(store)
    index = VectorIndexCache().get(db, "chunk")
    assert sorted(index.ids) == sorted(chunk_ids)
    for seed in ("q1", "q2", "q3", "doc1#3"):
        query = vector(seed)
        got = index.search(query, 5)
        expected = _brute_force(query, chunk_ids, 5)
        assert [i for i, _ in got] == [i for i, _ in expected]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-5)
    # A stored chunk's own embedding finds itself first, with cosine 1.
    assert index.search(vector("doc1#3"), 1)[0] == ("doc1#3", pytest.approx(1.0, abs=1e-5))


def test_results_agree_with_the_database_scan_the_reads_fall_back_to(db: Database, store: EventStore) -> None:
    _corpus(store, docs=2, chunks=10)
    Projector(db).catch_up(store)
    index = VectorIndexCache().get(db, "chunk")
    for seed in ("a", "b", "c"):
        query = vector(seed)
        scanned = [(r["chunk_id"], r["similarity"]) for r in reads.similar_chunks_knn(db, query, 5)]
        exact = index.search(query, 5)
        assert len(exact) == 5
        assert [i for i, _ in exact] == [i for i, _ in scanned]
        assert [s for _, s in exact] == pytest.approx([s for _, s in scanned], abs=1e-5)


def test_concept_embeddings_have_their_own_index(db: Database, store: EventStore) -> None:
    small_graph(store)
    Projector(db).catch_up(store)
    cache = VectorIndexCache()
    concepts = cache.get(db, "concept")
    assert sorted(concepts.ids) == ["cuped", "sample-size", "srm", "statistical-power"]
    assert concepts.search(vector("cuped"), 2)[0] == ("cuped", pytest.approx(1.0, abs=1e-5))
    assert len(cache.get(db, "chunk")) == 4


def test_the_cache_reloads_after_new_events_are_projected_and_not_otherwise(
    db: Database, store: EventStore
) -> None:
    _corpus(store, docs=1, chunks=3)
    projector = Projector(db)
    projector.catch_up(store)
    cache = VectorIndexCache()
    first = cache.get(db, "chunk")
    assert cache.get(db, "chunk") is first and cache.loads == 1
    # Appended but not projected: the graph (and so the index) has not changed.
    append_all(store, document("late", chunks=2))
    assert cache.get(db, "chunk") is first and cache.loads == 1
    projector.catch_up(store)
    second = cache.get(db, "chunk")
    assert second is not first and (cache.loads, cache.refreshes) == (1, 1)
    assert second.position == store.head() and first.position < second.position
    assert {"late#0", "late#1"} <= set(second.ids) and "late#0" not in first
    assert second.search(vector("late#1"), 1)[0][0] == "late#1"
    assert cache.get(db, "chunk") is second and (cache.loads, cache.refreshes) == (1, 1)


def test_retracted_documents_chunks_disappear_after_reload(db: Database, store: EventStore) -> None:
    small_graph(store)
    projector = Projector(db)
    projector.catch_up(store)
    cache = VectorIndexCache()
    assert sorted(cache.get(db, "chunk").ids) == ["d1#0", "d1#1", "d2#0", "d2#1"]
    append_all(store, retract_document("d1"))
    projector.catch_up(store)
    index = cache.get(db, "chunk")
    assert sorted(index.ids) == ["d2#0", "d2#1"]
    assert [i for i, _ in index.search(vector("d1#0"), 10)] == sorted(
        ["d2#0", "d2#1"], key=lambda i: -np.dot(vector("d1#0"), vector(i))
    )
    assert "cuped" not in cache.get(db, "concept")  # supported only by d1


def test_a_refreshed_snapshot_equals_a_full_load(db: Database, store: EventStore) -> None:
    """Re-reading only the documents new events touched gives the same rows and vectors as reading everything."""
    append_all(store, document("a", chunks=3), document("b", chunks=3), document("c", chunks=2))
    projector = Projector(db)
    projector.catch_up(store)
    cache = VectorIndexCache()
    cache.get(db, "chunk")
    # A new version of b with fewer chunks, a retraction of c, a chunk removed from a, a new document d.
    append_all(
        store,
        document("b", chunks=1),
        retract_document("c"),
        StreamAppend("document:a", [NewEvent(payload=ChunkRemoved(chunk_id="a#1", doc_id="a"))]),
        document("d", chunks=2),
    )
    projector.catch_up(store)
    refreshed = cache.get(db, "chunk")
    assert (cache.loads, cache.refreshes) == (1, 1)
    full = VectorIndex.load(db, "chunk")
    stored = set(db.query("SELECT VALUE chunk_id FROM chunk"))
    assert set(refreshed.ids) == set(full.ids) == stored
    assert "c#0" not in refreshed and "a#1" not in refreshed and "d#1" in refreshed
    for key in full.ids:
        assert refreshed.vector(key) == pytest.approx(full.vector(key), abs=1e-7)
    query = vector("probe")
    assert refreshed.search(query, 6) == full.search(query, 6)


def test_concurrent_readers_of_a_stale_snapshot_load_it_once(db: Database, store: EventStore) -> None:
    _corpus(store, docs=2, chunks=4)
    Projector(db).catch_up(store)
    cache = VectorIndexCache()
    barrier = threading.Barrier(6)
    got: list[VectorIndex] = []

    def read() -> None:
        barrier.wait()
        got.append(cache.get(db, "chunk"))

    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.loads == 1 and len(got) == 6 and all(index is got[0] for index in got)


def test_an_empty_graph_gives_an_empty_index(db: Database) -> None:
    index = VectorIndexCache().get(db, "chunk")
    assert len(index) == 0 and index.position == 0
    assert index.search(vector("anything"), 5) == []


def test_bad_queries_get_clear_errors(db: Database, store: EventStore) -> None:
    _corpus(store, docs=1, chunks=2)
    Projector(db).catch_up(store)
    index = VectorIndexCache().get(db, "chunk")
    with pytest.raises(VectorIndexError, match=r"must have 384 numbers.*got shape \(3,\)"):
        index.search([0.1, 0.2, 0.3], 5)
    with pytest.raises(VectorIndexError, match="all zeros"):
        index.search([0.0] * 384, 5)
    with pytest.raises(VectorIndexError, match="NaN or infinite"):
        index.search([float("nan")] * 384, 5)
    with pytest.raises(VectorIndexError, match="k must be a positive integer; got 0"):
        index.search(vector("q"), 0)
    with pytest.raises(VectorIndexError, match="vector indexes exist for"):
        VectorIndexCache().get(db, "document")  # type: ignore[arg-type]


def test_exclude_and_a_large_k_return_only_eligible_rows(db: Database, store: EventStore) -> None:
    _corpus(store, docs=1, chunks=4)
    Projector(db).catch_up(store)
    index = VectorIndexCache().get(db, "chunk")
    everything = index.search(vector("doc0#0"), 50)
    assert len(everything) == 4 and everything[0][0] == "doc0#0"
    rest = index.search(vector("doc0#0"), 50, exclude=["doc0#0", "not-a-chunk"])
    assert rest == everything[1:]
    assert index.search(vector("doc0#0"), 3, exclude=index.ids) == []


def test_a_stored_embedding_of_the_wrong_length_is_reported_by_chunk(db: Database) -> None:
    # Events refuse such an embedding, so the only way to get one is a hand-written row.
    db.query(
        "CREATE $id CONTENT $row",
        {
            "id": RecordID("chunk", "bad"),
            "row": {
                "chunk_id": "bad", "document": RecordID("document", "d"), "doc_id": "d", "position": 0,
                "heading": "", "text": "", "embedding": [0.5, 0.5], "embedding_model": "m",
                "content_hash": "h", "concepts": [], "mention_ids": [],
            },
        },
    )  # fmt: skip
    with pytest.raises(VectorIndexError, match="chunk 'bad' has an embedding of length 2, not 384"):
        VectorIndexCache().get(db, "chunk")


@settings(max_examples=40, deadline=None)
@given(
    matrix=arrays(
        np.float32, st.tuples(st.integers(1, 30), st.just(8)), elements=st.floats(-1, 1, width=32)
    ).filter(lambda m: bool(np.all(np.linalg.norm(m, axis=1) > 1e-3))),
    query=arrays(np.float32, 8, elements=st.floats(-1, 1, width=32)).filter(
        lambda q: float(np.linalg.norm(q)) > 1e-3
    ),
    k=st.integers(1, 40),
)
def test_top_k_is_the_k_best_scores_in_order(matrix: np.ndarray, query: np.ndarray, k: int) -> None:
    ids = [f"r{i}" for i in range(len(matrix))]
    index = VectorIndex.from_vectors("chunk", ids, matrix, dimension=8)
    got = index.search(query, k)
    scores = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
    expected = sorted(scores.tolist(), reverse=True)[: min(k, len(ids))]
    assert [s for _, s in got] == pytest.approx(expected, abs=1e-5)
    assert all(scores[int(i[1:])] == pytest.approx(s, abs=1e-5) for i, s in got)
    assert len({i for i, _ in got}) == len(got)
