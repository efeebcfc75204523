"""``build_markdown_document``: how non-file sources (arXiv, Stack Exchange, ...) hand documents to the pipeline."""

from __future__ import annotations

import pytest

from ingest.pipeline import ingest_batches
from ingest.source_document import SourceBatch, build_markdown_document
from model.embedder import Embedder
from tests.ingest.conftest import Graph


def paper(abstract: str, **extra: object) -> SourceBatch:
    doc = build_markdown_document(
        doc_id="arxiv-2101-00001",
        title="Variance reduction in online experiments",
        kind="paper",
        source="arxiv:2101.00001",
        uri="https://arxiv.org/abs/2101.00001",
        markdown=abstract,
        metadata={"authors": ["A. Author"], **extra},
    )
    return SourceBatch("arxiv", "1", (doc,))


def test_the_content_hash_covers_text_and_metadata() -> None:
    base = paper("CUPED uses pre-experiment data.").documents[0]
    assert paper("CUPED uses pre-experiment data.").documents[0].content_hash == base.content_hash
    assert paper("CUPED uses pre-period data.").documents[0].content_hash != base.content_hash
    assert paper("CUPED uses pre-experiment data.", year=2021).documents[0].content_hash != base.content_hash


def test_text_without_a_heading_is_chunked_under_the_title() -> None:
    (chunk,) = paper("CUPED uses pre-experiment data.").documents[0].chunks
    assert chunk.heading == "Variance reduction in online experiments"


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="document kind 'blog'"):
        build_markdown_document(doc_id="x", title="X", kind="blog", source="s", uri="", markdown="text")


def test_a_changed_abstract_replaces_its_chunk(graph: Graph, embedder: Embedder) -> None:
    ingest_batches(graph.db, graph.store, embedder, [paper("CUPED uses pre-experiment data.")])
    head = graph.store.head()
    assert (
        ingest_batches(
            graph.db, graph.store, embedder, [paper("CUPED uses pre-experiment data.")]
        ).events_appended
        == 0
    )
    ingest_batches(graph.db, graph.store, embedder, [paper("CUPED uses pre-period data to cut variance.")])
    assert [e.event_type for e in graph.store.read(after=head)] == [
        "DocumentIngested",
        "ChunkRemoved",
        "ChunkAdded",
    ]
    texts = graph.db.query("SELECT VALUE text FROM chunk WHERE doc_id = 'arxiv-2101-00001'")
    assert texts == ["CUPED uses pre-period data to cut variance."]
