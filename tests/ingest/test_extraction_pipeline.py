"""Extraction as an ingest stage, end to end on the real embedded database, embedder and generator (issue 19).

The user documents here were written for these tests (invented metrics of an invented company).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config import Settings
from engine.events import ConceptMatched, ConceptProposed, RelationProposed
from engine.graph_reads import list_proposals
from engine.replay import graph_hash, rebuild
from engine.review import ProposalNotFoundError, review_proposal
from ingest.arxiv import search_papers, write_papers
from ingest.pipeline import ingest_batches, load_sources
from model.embedder import Embedder
from planner.service import Planner, PlannerDeps
from tests.ingest.conftest import Graph
from tests.ingest.test_arxiv import RECORDINGS, _client, _Replay

WIKI = """# Marrowby editor metrics

Marrowby Canvas Keepers (MCK) is defined as the number of painters who saved at least two canvases in a rolling
7-day window. MCK requires statistical power, so size every editor test for it.

Autosave flicker is when the editor reloads a canvas mid-stroke. Autosave flicker decreases MCK.
"""
DEFINITION = (
    "Marrowby Canvas Keepers (MCK) is defined as the number of painters who saved at least two canvases in a "
    "rolling 7-day window."
)


def _ingest(graph: Graph, embedder: Embedder, corpus: Path | None, *paths: Path) -> dict[str, int]:
    batches, _ = load_sources(corpus, list(paths), corpus_scope="fixture" if corpus else None)
    return ingest_batches(graph.db, graph.store, embedder, batches).events_by_type


def _fresh_hash(graph: Graph) -> str:
    with graph.db.sibling("fresh_replay", graph.db.name) as other:
        rebuild(other, graph.store)
        return graph_hash(other)


def test_a_user_document_proposes_once_with_provenance_and_retracting_it_removes_everything_it_alone_supported(
    graph: Graph, embedder: Embedder, corpus_copy: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "wiki"
    folder.mkdir()
    (folder / "metrics.md").write_text(WIKI)
    first = _ingest(graph, embedder, corpus_copy, folder)
    assert first["ConceptProposed"] == 2 and first["RelationProposed"] == 2
    assert "ConceptProposed" not in _ingest(graph, embedder, corpus_copy, folder), (
        "the curated corpus is not mined"
    )

    found = list_proposals(graph.db)
    concepts = {c["concept_id"]: c for c in found["concepts"]}
    assert set(concepts) == {"marrowby-canvas-keepers", "autosave-flicker"}
    mck = concepts["marrowby-canvas-keepers"]
    assert mck["aliases"] == ["MCK"] and mck["category"] == "metric_type" and mck["status"] == "proposed"
    evidence = mck["evidence"][0]
    chunk = graph.db.query("SELECT VALUE text FROM chunk WHERE chunk_id = $c", {"c": evidence["chunk_id"]})[0]
    assert " ".join(chunk[evidence["start"] : evidence["end"]].split()) == DEFINITION
    assert (evidence["extractor"], evidence["extractor_version"]) == ("pattern-extractor", "1")
    relations = {(r["source_id"], r["rel_type"], r["target_id"]) for r in found["relations"]}
    assert relations == {
        ("autosave-flicker", "decreases", "marrowby-canvas-keepers"),
        ("marrowby-canvas-keepers", "requires", "statistical-power"),
    }
    events = [e for e in graph.store.read() if isinstance(e.payload, ConceptProposed | RelationProposed)]
    assert all(e.provenance.chunk_id and e.provenance.extractor == "pattern-extractor" for e in events)

    assert _ingest(graph, embedder, corpus_copy, folder) == {}, (
        "re-ingesting an unchanged document proposes nothing"
    )

    (folder / "metrics.md").unlink()
    retracted = _ingest(graph, embedder, corpus_copy, folder)
    assert retracted["DocumentRetracted"] == 1
    assert list_proposals(graph.db, None) == {"concepts": [], "relations": []}
    power = graph.db.query("SELECT VALUE supported_by FROM concept WHERE concept_id = 'statistical-power'")[0]
    assert all(not d.startswith("text-") for d in power), "the curated concept keeps only curated support"
    assert graph_hash(graph.db) == _fresh_hash(graph)


def test_a_term_the_graph_knows_becomes_support_of_the_existing_concept(
    graph: Graph, embedder: Embedder, corpus_copy: Path, tmp_path: Path
) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "# Planning notes\n\nMinimum detectable effect (MDE) is defined as the smallest lift our tests can see.\n"
    )
    events = _ingest(graph, embedder, corpus_copy, note)
    assert events.get("ConceptProposed", 0) == 0 and events["ConceptMatched"] == 1
    matched = [e.payload for e in graph.store.read() if isinstance(e.payload, ConceptMatched)]
    assert (matched[0].concept_id, matched[0].reason, matched[0].score) == (
        "minimum-detectable-effect",
        "normalised_name",
        1.0,
    )
    row = graph.db.query(
        "SELECT supported_by, matches FROM concept WHERE concept_id = 'minimum-detectable-effect'"
    )[0]
    assert len(row["supported_by"]) == 2 and row["matches"][0]["surface"] == "Minimum detectable effect"


def test_collected_arxiv_abstracts_grow_the_graph_through_expgraph_ingest_of_the_saved_papers(
    graph: Graph, embedder: Embedder, tmp_path: Path
) -> None:
    papers = search_papers(
        "x", max_results=2, client=_client(_Replay((RECORDINGS / "arxiv_query.xml").read_bytes()))
    )
    saved = tmp_path / "papers.jsonl"
    write_papers(saved, papers)  # what `expgraph collect arxiv --out papers.jsonl --no-ingest` writes
    events = _ingest(graph, embedder, None, saved)  # what `expgraph ingest papers.jsonl` runs
    assert events["DocumentIngested"] == 2 and events["ConceptProposed"] >= 1
    concept = graph.db.query("SELECT name, aliases, evidence FROM concept WHERE status = 'proposed'")[0]
    assert concept["name"] == "Online controlled experiments" and concept["aliases"] == ["A/B tests"]
    assert concept["evidence"][0]["doc_id"] == "arxiv-2212.11366"


def test_review_decisions_are_events_and_unknown_ids_are_refused(
    graph: Graph, embedder: Embedder, corpus_copy: Path, tmp_path: Path
) -> None:
    (tmp_path / "metrics.md").write_text(WIKI)
    _ingest(graph, embedder, corpus_copy, tmp_path / "metrics.md")
    with pytest.raises(ProposalNotFoundError, match="expgraph review list"):
        review_proposal(graph.db, graph.store, "concept", "statistical-power", accept=False)
    review_proposal(graph.db, graph.store, "concept", "autosave-flicker", accept=False, reviewer="ana")
    assert [c["concept_id"] for c in list_proposals(graph.db, None)["concepts"]] == [
        "marrowby-canvas-keepers"
    ]
    assert all("autosave" not in r["relation_id"] for r in list_proposals(graph.db, None)["relations"])
    (tmp_path / "metrics.md").write_text(WIKI + "\nAutosave flicker is a known editor bug.\n")
    before = graph.store.head()
    _ingest(graph, embedder, corpus_copy, tmp_path / "metrics.md")
    proposed = [
        e.payload.concept_id
        for e in graph.store.read()
        if e.position > before and isinstance(e.payload, ConceptProposed)
    ]
    # MCK's chunk changed, so MCK is restated with its new evidence; the rejected concept never comes back.
    assert proposed == ["marrowby-canvas-keepers"], (
        "a rejected proposal is never proposed again by its document"
    )


def test_an_answer_about_a_new_concept_cites_its_evidence_and_is_gone_after_retraction(
    graph: Graph, embedder: Embedder, generator: object, settings: Settings, corpus_copy: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "wiki"
    folder.mkdir()
    (folder / "metrics.md").write_text(WIKI)
    _ingest(graph, embedder, corpus_copy, folder)
    question = "What is Marrowby Canvas Keepers?"

    unreviewed = Planner(PlannerDeps(settings, graph.db, embedder, generator)).ask(question)
    assert "marrowby-canvas-keepers" not in [e.concept_id for e in unreviewed.entities], (
        "accepted facts only by default"
    )

    with_proposed = settings.model_copy(update={"planner_use_proposed": True})
    answer = Planner(PlannerDeps(with_proposed, graph.db, embedder, generator)).ask(question)
    assert "marrowby-canvas-keepers" in [e.concept_id for e in answer.entities]
    assert "not yet reviewed" in answer.answer
    cited = {c.id: c for c in answer.citations}
    assert "marrowby-canvas-keepers" in cited and DEFINITION[:60] in cited["marrowby-canvas-keepers"].quote

    review_proposal(graph.db, graph.store, "concept", "marrowby-canvas-keepers", accept=True)
    accepted = Planner(PlannerDeps(settings, graph.db, embedder, generator)).ask(question)
    assert "marrowby-canvas-keepers" in [e.concept_id for e in accepted.entities]
    assert any(c.id == "marrowby-canvas-keepers" for c in accepted.citations)
    assert "not yet reviewed" not in accepted.answer

    (folder / "metrics.md").unlink()
    _ingest(graph, embedder, corpus_copy, folder)
    assert graph.db.query("SELECT * FROM concept WHERE concept_id = 'marrowby-canvas-keepers'") == []
    assert graph.db.query("SELECT * FROM relation WHERE status != NONE") == []
    assert graph_hash(graph.db) == _fresh_hash(graph)
