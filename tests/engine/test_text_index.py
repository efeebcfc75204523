"""The in-memory BM25 over chunks (engine/text_index.py): analysis, scoring, and agreement with SurrealDB's own
full-text index (the ``english`` analyzer of schema.surql) over the bundled corpus's chunks, in the real embedded
database."""

from __future__ import annotations

import math

import pytest

from engine import graph_reads as reads
from engine.db import Database
from engine.text_index import K1, B, ChunkTextIndex, analyse


def _index(*texts: str) -> ChunkTextIndex:
    return ChunkTextIndex.build([{"chunk_id": f"c{i}", "text": t} for i, t in enumerate(texts)])


def test_analysis_lowercases_folds_accents_and_stems_like_snowball_english() -> None:
    assert analyse("Randomization randomized RANDOMIZE") == ["random", "random", "random"]
    assert analyse("naïve p-value 95%") == ["naiv", "p", "valu", "95"]


def test_a_term_of_several_tokens_matches_only_chunks_holding_all_of_them() -> None:
    index = _index("the p-value is small", "a value of p", "only a value here")
    assert index.document_frequency("p-value") == 2
    assert {r["chunk_id"] for r in index.search(["p-value"])} == {"c0", "c1"}
    assert index.search(["twyman"]) == []


def test_bm25_score_is_okapi_with_a_non_negative_idf() -> None:
    # Reference: Robertson & Zaragoza (2009), "The Probabilistic Relevance Framework: BM25 and Beyond", eq. 3.
    index = _index("peeking peeking inflates errors", "peeking once", "unrelated words only here")
    rows = {r["chunk_id"]: r["bm25"] for r in index.search(["peeking"])}
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    avg = (4 + 2 + 4) / 3
    expected_c0 = idf * 2 * (K1 + 1) / (2 + K1 * (1 - B + B * 4 / avg))
    expected_c1 = idf * 1 * (K1 + 1) / (1 + K1 * (1 - B + B * 2 / avg))
    assert rows["c0"] == pytest.approx(expected_c0)
    assert rows["c1"] == pytest.approx(expected_c1)
    assert list(rows) == ["c0", "c1"]  # best first


def test_matches_surrealdb_full_text_search_on_the_bundled_corpus(corpus_db: Database, db: Database) -> None:
    index = ChunkTextIndex.load(corpus_db)
    assert index.total == reads.chunk_count(corpus_db) > 500
    # SurrealDB 2.0 builds a BM25 index at ~0.1 s a passage here (113 s for all 1,113), so the comparison runs on
    # every eighth passage plus those holding the rare terms, with our index built over the same rows.
    rare = {analyse(term)[0] for term in ("twyman", "winsorization")}
    rows = [
        {"chunk_id": cid, "text": row["text"]}
        for n, (cid, row) in enumerate(sorted(index.rows.items()))
        if n % 8 == 0 or rare & set(analyse(row["text"]))
    ]
    ours = ChunkTextIndex.build(rows)
    # The graph has no chunk full-text index (migrations/0020), so build the one it had over the same texts.
    db.query_all(
        "DEFINE ANALYZER IF NOT EXISTS english TOKENIZERS class FILTERS lowercase, ascii, snowball(english);"
    )
    db.query("INSERT INTO passage $rows", {"rows": [{"cid": r["chunk_id"], "text": r["text"]} for r in rows]})
    db.query_all("DEFINE INDEX passage_text ON passage FIELDS text SEARCH ANALYZER english BM25;")
    for term in (
        "variance",
        "randomization",
        "peeking",
        "underpowered",
        "twyman",
        "winsorization",
        "novelty",
    ):
        matched = db.query("SELECT count() AS n FROM passage WHERE text @1@ $t GROUP ALL", {"t": term})
        assert ours.document_frequency(term) == (matched[0]["n"] if matched else 0) > 0, term
    # the best chunk for a specific term is among the database's best three
    for term in ("winsorization", "twyman", "peeking"):
        best = ours.search([term], limit=1)[0]["chunk_id"]
        theirs = db.query(
            "SELECT cid, search::score(1) AS s FROM passage WHERE text @1@ $t ORDER BY s DESC LIMIT 3",
            {"t": term},
        )
        assert best in {r["cid"] for r in theirs}, term
