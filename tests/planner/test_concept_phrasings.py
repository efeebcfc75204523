"""How close a question is to each concept when the concepts' phrasings count beside their definitions
(planner.concept_phrasings): the blend itself, and the bundled corpus graph with the real embedder on situations
written here, not taken from the corpus or the eval sets."""

from __future__ import annotations

import pytest

from model.embedder import Embedder
from planner import proposed_facts
from planner.concept_phrasings import PHRASING_WEIGHT, PhrasingIndex, blend_neighbours
from planner.nodes import CLOSENESS_POOL, NEIGHBOURS
from planner.service import Planner
from planner.types import ConceptName


def test_the_blend_is_the_mean_of_definition_and_best_phrasing_and_reorders_by_it() -> None:
    defined = [("a", "A", 0.6), ("b", "B", 0.5), ("c", "C", 0.4)]
    blended = blend_neighbours(defined, {"a": 0.4, "b": 0.9}, k=2)
    assert PHRASING_WEIGHT == 0.5
    assert [row[0] for row in blended] == ["b", "a"]  # 0.70, 0.50; "c" keeps 0.40
    assert blended[0] == ("b", "B", pytest.approx(0.7))
    # a concept with no phrasing keeps its definition cosine
    assert blend_neighbours(defined, {}, k=3) == defined


def test_each_concept_is_as_close_as_its_closest_phrasing(embedder: Embedder) -> None:
    index = PhrasingIndex.build(
        [
            ConceptName("peek", "Peeking", ("interim look",), ("we stopped as soon as it was significant",)),
            ConceptName(
                "srm", "Sample ratio mismatch", ("SRM",), ("one arm has far more users than the other",)
            ),
        ],
        embedder.embed,
    )
    assert index.owners == ("peek", "peek", "peek", "srm", "srm", "srm")
    question = embedder.embed(["we ended the test the moment it turned significant"])[0]
    close = index.closeness(question)
    assert set(close) == {"peek", "srm"}
    assert close["peek"] > close["srm"] + 0.1
    # the closest of the concept's three texts, not their mean
    texts = embedder.embed(["Peeking", "interim look", "we stopped as soon as it was significant"])
    assert close["peek"] == pytest.approx(
        max(sum(a * b for a, b in zip(question, t, strict=True)) for t in texts), abs=1e-5
    )
    assert index.closeness([1.0, 0.0]) == {}  # a vector of another embedder's dimension is not compared


@pytest.fixture(scope="module")
def closeness(context_planner: Planner, embedder: Embedder):  # type: ignore[no-untyped-def]
    db, position = context_planner.graph_at(None)
    view = context_planner.graph_view(db, position)
    assert view.phrasings is not None and len(view.phrasings.owners) > 1000

    def ranked(question: str, *, phrasings: bool) -> list[str]:
        vector = embedder.embed([question])[0]
        defined = proposed_facts.concept_neighbours(
            db, vector, k=CLOSENESS_POOL, index=view.concept_index, include_proposed=False
        )
        if not phrasings:
            return [c for c, _, _ in defined[:NEIGHBOURS]]
        assert view.phrasings is not None
        return [c for c, _, _ in blend_neighbours(defined, view.phrasings.closeness(vector), NEIGHBOURS)]

    return ranked


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        (
            "the numbers looked great so we stopped the moment it crossed significance, is that a problem",
            "peeking",
        ),
        ("we picked the best of twelve variants and its lift was smaller when we reran it", "winners-curse"),
    ],
)
def test_a_described_situation_brings_its_concept_first_where_definitions_alone_do_not(
    closeness, question: str, concept: str
) -> None:  # type: ignore[no-untyped-def]
    assert closeness(question, phrasings=False)[0] != concept
    assert closeness(question, phrasings=True)[0] == concept


def test_the_planner_s_closeness_reads_phrasings_and_its_trace_says_so(context_planner: Planner) -> None:
    state = context_planner.prepare(
        "we picked the best of twelve variants and its lift was smaller when we reran it"
    )
    scores = state["concept_scores"]
    assert max(scores, key=scores.__getitem__) == "winners-curse"
    step = next(s for s in state["trace"] if s["node"] == "entities")
    assert step["decisions"]["closeness"] == "definition and phrasings"
