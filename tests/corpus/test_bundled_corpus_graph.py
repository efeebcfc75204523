"""The bundled corpus, ingested once per session (``corpus_db``), projects into the graph it describes."""

from __future__ import annotations

from config import Settings
from engine.db import Database
from engine.graph_reads import count_rows
from ingest.corpus_check import load_corpus
from ingest.pipeline import IngestReport


def test_every_concept_relation_and_document_of_the_corpus_is_in_the_graph(
    corpus_db: Database, settings: Settings
) -> None:
    loaded = load_corpus(settings.corpus_dir)
    counts = count_rows(corpus_db)
    assert counts["concept"] == len(loaded.concepts)
    assert counts["relation"] == sum(len(c.relations) for c in loaded.concepts)
    assert counts["document"] == len(loaded.concepts) + len(loaded.documents)
    assert counts["chunk"] >= counts["document"]
    ids = set(corpus_db.query("SELECT VALUE concept_id FROM concept"))
    assert ids == {c.slug for c in loaded.concepts}


def test_every_chunk_has_a_384_dimensional_embedding_and_every_concept_its_support(
    corpus_db: Database,
) -> None:
    dims = set(corpus_db.query("SELECT VALUE array::len(embedding) FROM chunk"))
    assert dims == {384}
    unsupported = corpus_db.query("SELECT VALUE concept_id FROM concept WHERE array::len(supported_by) = 0")
    assert unsupported == []


def test_every_document_mentions_the_concepts_it_lists(corpus_db: Database, settings: Settings) -> None:
    loaded = load_corpus(settings.corpus_dir)
    assert len(loaded.documents) > 10
    # two reads for the whole corpus: a subquery per document ("... WHERE chunk_id IN (SELECT ...)") scanned every
    # mention for each chunk, 6.8 s a document, 35 minutes for the suite on a 2-core machine
    doc_of = {r["chunk_id"]: r["doc_id"] for r in corpus_db.query("SELECT chunk_id, doc_id FROM chunk")}
    mentioned: dict[str, set[str]] = {}
    for row in corpus_db.query("SELECT chunk_id, concept_id FROM mentions"):
        mentioned.setdefault(doc_of[row["chunk_id"]], set()).add(row["concept_id"])
    for doc in loaded.documents:
        assert set(doc.concepts) <= mentioned.get(doc.doc_id, set()), doc.doc_id


def test_the_session_ingest_appended_one_event_set(corpus_ingest: tuple[Database, IngestReport]) -> None:
    _, report = corpus_ingest
    assert report.events_appended == report.projected
    assert report.unchanged == 0
