"""Ingesting the Markdown corpus: events, projection, re-ingestion diffs, deletions and refused bad input."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from engine.errors import ConcurrencyError
from engine.events import (
    ChunkAdded,
    ChunkRemoved,
    ConceptDefined,
    DocumentIngested,
    DocumentRetracted,
    RecordedEvent,
    RelationAsserted,
    RelationRetracted,
)
from engine.graph_reads import count_rows, get_chunk, get_concept, get_document
from engine.replay import graph_hash, rebuild
from ingest.corpus_format import MAX_FILE_BYTES
from ingest.corpus_source import EXTRACTOR, EXTRACTOR_VERSION, corpus_scope, load_corpus_batch
from ingest.pipeline import IngestReport, ingest_batches
from ingest.source_document import IngestValidationError
from model.embedder import Embedder
from tests.ingest.conftest import Graph

BAD = Path(__file__).parent.parent / "corpus" / "fixtures" / "bad"


def ingest(graph: Graph, embedder: Embedder, root: Path) -> IngestReport:
    return ingest_batches(graph.db, graph.store, embedder, [load_corpus_batch(root)])


def events_after(graph: Graph, position: int) -> list[RecordedEvent]:
    return list(graph.store.read(after=position))


def types(events: list[RecordedEvent]) -> Counter[str]:
    return Counter(e.event_type for e in events)


def test_ingesting_the_fixture_corpus_appends_events_and_projects_the_graph(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    report = ingest(graph, embedder, corpus_copy)
    events = events_after(graph, 0)
    chunk_count = sum(len(d.chunks) for d in load_corpus_batch(corpus_copy).documents)
    assert types(events) == {
        "DocumentIngested": 6,  # 4 concept files + 2 documents
        "ConceptDefined": 4,
        "RelationAsserted": 4,
        "ChunkAdded": chunk_count,
    }
    assert report.events_appended == len(events) == graph.store.head()
    assert report.projected == len(events)
    assert sorted(report.new) == sorted(
        [
            "concept-metric-variance",
            "concept-minimum-detectable-effect",
            "concept-sample-size",
            "concept-statistical-power",
            "planning-a-test",
            "reading-results",
        ]
    )
    counts = count_rows(graph.db)
    assert (counts["document"], counts["concept"], counts["relation"], counts["chunk"]) == (
        6,
        4,
        4,
        chunk_count,
    )

    mde = get_concept(graph.db, "minimum-detectable-effect")
    assert mde is not None
    assert mde["name"] == "Minimum detectable effect"
    assert mde["aliases"] == ["MDE", "smallest detectable effect"]
    assert mde["formula_text"] == "MDE = (z_(1-α/2) + z_(1-β)) · sqrt(2σ²/n)"
    assert mde["supported_by"] == ["concept-minimum-detectable-effect"]
    assert mde["when_to_use"].startswith("Set it from the business value")
    assert len(mde["embedding"]) == 384
    assert mde["embedding_model"] == embedder.model_id
    relation = graph.db.query(
        "SELECT rel_type, weight, justification, supported_by FROM relation WHERE relation_id = $id",
        {"id": "minimum-detectable-effect:decreases:sample-size"},
    )
    assert relation == [
        {
            "rel_type": "decreases",
            "weight": 0.85,
            "justification": "A larger MDE needs fewer users per arm.",
            "supported_by": ["concept-minimum-detectable-effect"],
        }
    ]
    guide = get_document(graph.db, "planning-a-test")
    assert guide is not None
    assert guide["kind"] == "guide"
    assert guide["source"].endswith("corpus/documents/planning-a-test.md")
    assert guide["metadata"]["concepts"] == [
        "sample-size",
        "statistical-power",
        "minimum-detectable-effect",
        "metric-variance",
    ]
    mentioned = graph.db.query(
        "SELECT VALUE concept_id FROM mentions WHERE chunk_id IN (SELECT VALUE chunk_id FROM chunk WHERE doc_id = $d)",
        {"d": "planning-a-test"},
    )
    assert set(mentioned) == {
        "sample-size",
        "statistical-power",
        "minimum-detectable-effect",
        "metric-variance",
    }


def test_events_carry_provenance_and_embeddings(graph: Graph, embedder: Embedder, corpus_copy: Path) -> None:
    ingest(graph, embedder, corpus_copy)
    events = events_after(graph, 0)
    for event in events:
        assert event.provenance.extractor == EXTRACTOR
        assert event.provenance.extractor_version == EXTRACTOR_VERSION
        assert event.provenance.document_id
    chunk_events = [e for e in events if isinstance(e.payload, ChunkAdded)]
    for event in chunk_events:
        assert isinstance(event.payload, ChunkAdded)
        assert event.provenance.chunk_id == event.payload.chunk_id
        assert event.payload.chunk_id.startswith(event.payload.doc_id + "#")
        assert event.payload.embedding_model == embedder.model_id
        assert abs(sum(x * x for x in event.payload.embedding) - 1.0) < 1e-3
    concept = next(e for e in events if isinstance(e.payload, ConceptDefined))
    assert isinstance(concept.payload, ConceptDefined)
    assert concept.provenance.document_id == "concept-" + concept.payload.concept_id
    # The stored concept vector is the embedding of "name: definition".
    expected = embedder.embed([f"{concept.payload.name}: {concept.payload.definition}"])[0]
    assert concept.payload.embedding == pytest.approx(expected, abs=1e-6)


def test_reingesting_an_unchanged_corpus_appends_nothing(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    head, before = graph.store.head(), graph_hash(graph.db)
    report = ingest(graph, embedder, corpus_copy)
    assert report.events_appended == 0
    assert report.unchanged == 6
    assert graph.store.head() == head
    assert graph_hash(graph.db) == before


def test_changing_one_document_appends_only_its_difference(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    head = graph.store.head()
    path = corpus_copy / "documents" / "planning-a-test.md"
    old_chunks = {
        c.chunk_id
        for c in next(
            d for d in load_corpus_batch(corpus_copy).documents if d.doc_id == "planning-a-test"
        ).chunks
    }
    text = path.read_text()
    path.write_text(
        text.replace("pick a less noisy metric.", "pick a less noisy metric, or run the test longer.")
    )
    report = ingest(graph, embedder, corpus_copy)
    events = events_after(graph, head)
    assert report.changed == ["planning-a-test"]
    assert report.unchanged == 5
    assert {e.stream_id for e in events} == {"document:planning-a-test"}
    new_chunks = {
        c.chunk_id
        for c in next(
            d for d in load_corpus_batch(corpus_copy).documents if d.doc_id == "planning-a-test"
        ).chunks
    }
    added = {e.payload.chunk_id for e in events if isinstance(e.payload, ChunkAdded)}
    removed = {e.payload.chunk_id for e in events if isinstance(e.payload, ChunkRemoved)}
    assert added == new_chunks - old_chunks and added
    assert removed == old_chunks - new_chunks and removed
    assert types(events)["DocumentIngested"] == 1
    stored = {
        r["chunk_id"] for r in graph.db.query("SELECT chunk_id FROM chunk WHERE doc_id = 'planning-a-test'")
    }
    assert stored == new_chunks
    assert any("run the test longer" in (get_chunk(graph.db, cid) or {}).get("text", "") for cid in added)


def test_changing_a_definition_redefines_only_that_concept(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    head = graph.store.head()
    path = corpus_copy / "concepts" / "metric-variance.md"
    path.write_text(path.read_text().replace("Noisier metrics need more", "Noisier metrics always need more"))
    ingest(graph, embedder, corpus_copy)
    events = events_after(graph, head)
    assert types(events)["ConceptDefined"] == 1
    assert types(events)["RelationAsserted"] == 0
    assert {e.stream_id for e in events} <= {"document:concept-metric-variance", "concept:metric-variance"}
    concept = get_concept(graph.db, "metric-variance")
    assert concept is not None and "always need more" in concept["definition"]


def test_editing_relations_asserts_new_ones_and_retracts_removed_ones(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    head = graph.store.head()
    path = corpus_copy / "concepts" / "statistical-power.md"
    text = path.read_text()
    path.write_text(
        text.replace(
            """  - type: requires
    target: minimum-detectable-effect
    justification: "Power is only defined for a stated effect size, the minimum detectable effect."
""",
            """  - type: requires
    target: metric-variance
    justification: "Power calculations need the variance of the metric."
""",
        )
    )
    ingest(graph, embedder, corpus_copy)
    events = events_after(graph, head)
    asserted = [e.payload.relation_id for e in events if isinstance(e.payload, RelationAsserted)]
    retracted = [e.payload.relation_id for e in events if isinstance(e.payload, RelationRetracted)]
    assert asserted == ["statistical-power:requires:metric-variance"]
    assert retracted == ["statistical-power:requires:minimum-detectable-effect"]
    relations = {r["relation_id"] for r in graph.db.query("SELECT relation_id FROM relation")}
    assert "statistical-power:requires:metric-variance" in relations
    assert "statistical-power:requires:minimum-detectable-effect" not in relations


def test_deleting_a_file_retracts_its_document_and_what_only_it_supported(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    head = graph.store.head()
    (corpus_copy / "documents" / "reading-results.md").unlink()
    # metric-variance is a leaf: dropping it and the guide's link to it keeps the corpus valid.
    (corpus_copy / "concepts" / "metric-variance.md").unlink()
    guide = corpus_copy / "documents" / "planning-a-test.md"
    guide.write_text(
        guide.read_text()
        .replace(", metric-variance]", "]")
        .replace(
            "Then estimate the\nmetric variance from historical data",
            "Then estimate the\nspread from historical data",
        )
    )
    report = ingest(graph, embedder, corpus_copy)
    events = events_after(graph, head)
    assert sorted(report.retracted) == ["concept-metric-variance", "reading-results"]
    assert types(events)["DocumentRetracted"] == 2
    assert types(events)["ConceptRetracted"] == 1
    assert types(events)["RelationRetracted"] == 1
    assert get_document(graph.db, "reading-results") is None
    assert get_concept(graph.db, "metric-variance") is None
    assert graph.db.query("SELECT chunk_id FROM chunk WHERE doc_id = 'reading-results'") == []
    assert count_rows(graph.db)["relation"] == 3
    # Putting the file back restores it.
    assert ingest(graph, embedder, corpus_copy).events_appended == 0
    shutil.copy(
        Path(__file__).parent.parent / "corpus" / "fixtures" / "good" / "documents" / "reading-results.md",
        corpus_copy / "documents",
    )
    report = ingest(graph, embedder, corpus_copy)
    assert report.restored == ["reading-results"]
    assert get_document(graph.db, "reading-results") is not None


def test_the_projection_equals_a_replay_of_the_log_after_changes(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    path = corpus_copy / "documents" / "planning-a-test.md"
    path.write_text(path.read_text().replace("# Planning a test", "# Planning a test\n\nA new opening line."))
    (corpus_copy / "documents" / "reading-results.md").unlink()
    ingest(graph, embedder, corpus_copy)
    with graph.db.sibling("replay_check", "main") as target:
        rebuild(target, graph.store)
        assert graph_hash(target) == graph_hash(graph.db)


INTEGRITY_CASES = [
    ("malformed-yaml", "sample-size.md", 5),
    ("missing-definition", "sample-size.md", 1),
    ("missing-concept-sources", "sample-size.md", 1),
    ("missing-document-sources", "reading-results.md", 1),
    ("unknown-category", "sample-size.md", 5),
    ("unknown-relation-type", "sample-size.md", 10),
    ("id-mismatch", "sample-size.md", 2),
    ("empty-file", "empty.md", 0),
    ("binary-file", "blob.md", 0),
    ("unknown-field", "metric-variance.md", 4),
    ("unclosed-front-matter", "reading-results.md", 1),
    ("alias-conflict", "test-power.md", 1),
    ("relation-target", "metric-variance.md", 13),
    ("self-relation", "metric-variance.md", 13),
    ("duplicate-relation", "metric-variance.md", 13),
    ("unknown-concept", "reading-results.md", 5),
]


@pytest.mark.parametrize(("case", "file_name", "line"), INTEGRITY_CASES, ids=[c[0] for c in INTEGRITY_CASES])
def test_bad_input_is_refused_with_file_and_line_and_the_log_is_unchanged(
    case: str, file_name: str, line: int, graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    head, before = graph.store.head(), graph_hash(graph.db)
    if case == "binary-file":
        (corpus_copy / "concepts" / "blob.md").write_bytes(b"---\nid: blob\n\x00\x01\xff\n---\n")
    else:
        shutil.copytree(BAD / case, corpus_copy, dirs_exist_ok=True)
    # A good edit elsewhere in the same run must not land either.
    guide = corpus_copy / "documents" / "planning-a-test.md"
    guide.write_text(guide.read_text() + "\nOne more sentence.\n")
    with pytest.raises(IngestValidationError) as err:
        ingest(graph, embedder, corpus_copy)
    problem = err.value.problems[0]
    assert problem.path.name == file_name
    assert problem.line == line
    assert file_name in str(err.value)
    assert graph.store.head() == head
    assert graph_hash(graph.db) == before


def test_a_huge_file_is_refused(graph: Graph, embedder: Embedder, corpus_copy: Path) -> None:
    (corpus_copy / "documents" / "huge.md").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(IngestValidationError) as err:
        ingest(graph, embedder, corpus_copy)
    assert err.value.problems[0].path.name == "huge.md"
    assert "limit is 1,000,000" in str(err.value)
    assert graph.store.head() == 0


def test_quality_problems_do_not_block_ingestion(graph: Graph, embedder: Embedder, corpus_copy: Path) -> None:
    # An orphan concept is for `corpus check` to flag; the data itself is consistent and can be ingested.
    shutil.copytree(BAD / "orphan", corpus_copy, dirs_exist_ok=True)
    report = ingest(graph, embedder, corpus_copy)
    assert "concept-novelty-effect" in report.new
    assert get_concept(graph.db, "novelty-effect") is not None


def test_document_ingested_records_the_embedding_model(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    docs = [e.payload for e in events_after(graph, 0) if isinstance(e.payload, DocumentIngested)]
    assert {d.metadata["embedding_model"] for d in docs} == {embedder.model_id}
    assert all(d.metadata["scope"] == "corpus" for d in docs)


class _WriterDuringEmbedding:
    """An embedder that lets another writer append to the log while ingestion is embedding (a real race)."""

    def __init__(self, inner: Embedder, graph: Graph) -> None:
        self.inner = inner
        self.graph = graph
        self.model_id = inner.model_id

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        self.graph.store.append(
            "document:planning-a-test",
            [DocumentRetracted(doc_id="planning-a-test", reason="concurrent writer")],
        )
        return self.inner.embed(texts, progress)


def test_a_concurrent_append_to_an_affected_stream_aborts_the_whole_run(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    head = graph.store.head()
    for name in ("planning-a-test", "reading-results"):
        path = corpus_copy / "documents" / f"{name}.md"
        path.write_text(path.read_text() + "\nAn added closing sentence.\n")
    racing = _WriterDuringEmbedding(embedder, graph)
    with pytest.raises(ConcurrencyError):
        ingest_batches(graph.db, graph.store, racing, [load_corpus_batch(corpus_copy)])
    # Only the other writer's event landed; neither document's update did (one transaction for the run).
    assert [e.event_type for e in graph.store.read(after=head)] == ["DocumentRetracted"]


def test_another_corpus_directory_never_retracts_the_bundled_one(
    graph: Graph, embedder: Embedder, corpus_copy: Path, tmp_path: Path
) -> None:
    ingest(graph, embedder, corpus_copy)
    other = tmp_path / "other"
    (other / "documents").mkdir(parents=True)
    shutil.copy(corpus_copy / "documents" / "reading-results.md", other / "documents" / "reading-results.md")
    (other / "concepts").mkdir()
    shutil.copy(corpus_copy / "concepts" / "statistical-power.md", other / "concepts")
    text = (other / "concepts" / "statistical-power.md").read_text()
    (other / "concepts" / "statistical-power.md").write_text(
        text.split("relations:")[0] + text.split("---", 2)[2].join(["---", ""])
    )
    scope = corpus_scope(other, bundled=corpus_copy)
    assert scope == f"corpus:{other.resolve()}"
    report = ingest_batches(graph.db, graph.store, embedder, [load_corpus_batch(other, scope)])
    assert report.retracted == []
    assert count_rows(graph.db)["document"] == 6
    redefined = [
        e.payload
        for e in graph.store.read()
        if isinstance(e.payload, DocumentIngested) and e.payload.doc_id == "concept-statistical-power"
    ]
    assert redefined[-1].metadata["scope"] == scope
    moved = [
        e.payload
        for e in graph.store.read()
        if isinstance(e.payload, DocumentIngested) and e.payload.doc_id == "reading-results"
    ]
    # Files whose text is unchanged only move scope: no chunk is re-added, no concept redefined.
    assert moved[-1].metadata["scope"] == scope
    assert report.events_by_type == {"DocumentIngested": 2, "RelationRetracted": 1}
