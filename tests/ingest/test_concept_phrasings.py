"""A concept file's ``phrasings`` (how practitioners describe its situation without naming it) travel through the
ingest into ``ConceptDefined``, are projected onto the concept, rebuilt identically by a replay, and read by the
planner's linker from the graph: a user's own corpus teaches the planner its situations."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import ConceptDefined
from engine.graph_reads import get_concept, list_concept_names
from engine.replay import graph_hash, rebuild
from ingest.corpus_format import CorpusFormatError, parse_concept
from ingest.corpus_source import load_corpus_batch
from ingest.pipeline import ingest_batches
from model.embedder import Embedder
from planner.entity_linking import EntityLinker
from planner.question_focus import focus_question
from tests.ingest.conftest import Graph

PHRASINGS = ["the numbers jump around from day to day", "metric is noisy"]


def _add_phrasings(corpus: Path, slug: str, phrasings: list[str]) -> Path:
    path = corpus / "concepts" / f"{slug}.md"
    text = path.read_text()
    block = "phrasings:\n" + "".join(f'  - "{p}"\n' for p in phrasings)
    path.write_text(text.replace("category:", block + "category:", 1))
    return path


def _ingest(graph: Graph, embedder: Embedder, corpus: Path) -> None:
    ingest_batches(graph.db, graph.store, embedder, [load_corpus_batch(corpus)])


def test_phrasings_are_carried_projected_replayed_and_linked(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    _add_phrasings(corpus_copy, "metric-variance", PHRASINGS)
    _ingest(graph, embedder, corpus_copy)

    defined = [
        e.payload
        for e in graph.store.read(after=0)
        if isinstance(e.payload, ConceptDefined) and e.payload.concept_id == "metric-variance"
    ]
    assert [d.phrasings for d in defined] == [PHRASINGS]
    concept = get_concept(graph.db, "metric-variance")
    assert concept is not None and concept["phrasings"] == PHRASINGS
    assert get_concept(graph.db, "sample-size")["phrasings"] == []  # type: ignore[index]

    # A replay from the log rebuilds them: the same rows, the same hash.
    with graph.db.sibling("phrasings_replay", "main") as target:
        rebuild(target, graph.store)
        assert graph_hash(target) == graph_hash(graph.db)
        assert get_concept(target, "metric-variance")["phrasings"] == PHRASINGS  # type: ignore[index]

    # The linker reads them from the graph; a casual question that describes the situation names the concept.
    linker = EntityLinker(list_concept_names(graph.db))
    question = "our conversion numbers jump around a lot day to day, how long should we run?"
    focus = focus_question(question, phrasings=linker.phrasings)
    assert [(m.concept_id, m.phrasing) for m in focus.hints] == [
        ("metric-variance", "the numbers jump around from day to day")
    ]
    assert focus.text.endswith("(Metric variance)")
    assert "metric-variance" in [e.concept_id for e in linker.link(focus.text)]
    assert linker.phrasings.match("how do I compute the sample size for a test") == []


def test_editing_phrasings_redefines_only_that_concept(
    graph: Graph, embedder: Embedder, corpus_copy: Path
) -> None:
    _ingest(graph, embedder, corpus_copy)
    head = graph.store.head()
    _add_phrasings(corpus_copy, "metric-variance", PHRASINGS[:1])
    _ingest(graph, embedder, corpus_copy)
    added = [e.payload for e in graph.store.read(after=head)]
    concept_events = [p for p in added if isinstance(p, ConceptDefined)]
    assert [(p.concept_id, p.phrasings) for p in concept_events] == [("metric-variance", PHRASINGS[:1])]
    assert get_concept(graph.db, "metric-variance")["phrasings"] == PHRASINGS[:1]  # type: ignore[index]


def test_a_one_word_phrasing_is_refused_with_a_fix(corpus_copy: Path) -> None:
    path = _add_phrasings(corpus_copy, "metric-variance", ["noise"])
    with pytest.raises(CorpusFormatError, match=r"too short to describe a situation.*aliases"):
        parse_concept(path, path.read_bytes())
