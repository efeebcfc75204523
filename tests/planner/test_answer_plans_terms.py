"""A definition answer is about the asked term: a passage that defines it beats a different curated concept.

Reproduces the reliability bar's catch-up check (``check_reliability.py``): a user document defines a made-up term,
retrieval ranks it first, and "what is <term>?" must answer with that definition, cited to that document.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings
from engine.db import Database
from engine.store import EventStore
from ingest.pipeline import ingest_batches, load_sources
from model.embedder import Embedder
from planner.answer_plans import asked_term, build_plan, defines
from planner.context import concept_item, estimate_tokens, number_sources, order_items, sentences_of
from planner.factory import in_memory_settings, open_corpus_database
from planner.service import Planner, PlannerDeps
from planner.trace_store import get_trace
from planner.traversal import Adjacency
from planner.types import Candidate, Source

# a made-up term no corpus file uses, defined in its own document
NEW_TERM_DOC = """# Holdout decay in loyalty programmes

The quillfeather holdout is a long-running holdout group kept out of every loyalty-programme experiment for a whole
year, so that the cumulative effect of all launched changes can be measured against it. Teams at the fictional
retailer Quillfeather compare the holdout's annual spend with everyone else's to estimate what the loyalty
programme as a whole added.
"""


def test_the_asked_term_is_read_from_definition_questions() -> None:
    assert asked_term("What is the quillfeather holdout?") == "quillfeather holdout"
    assert asked_term("whats a p value") == "p value"
    assert asked_term("What does MDE mean?") == "MDE"
    assert asked_term("What is meant by peeking?") == "peeking"
    assert asked_term("what is power in an a/b test?") == "power"
    assert asked_term("how long should I run my test?") is None


def test_a_sentence_defines_a_term_only_when_the_term_is_its_subject() -> None:
    sentence = "The quillfeather holdout is a long-running holdout group kept out of every experiment."
    assert defines("quillfeather holdout", sentence)
    assert defines(
        "guardrail metric", "Guardrail metrics, defined as metrics that must not degrade, protect launches."
    )
    assert defines("lift", "Lift means the relative change in the metric.")
    # "holdout" is only the head of the defined phrase here, and "holdout group" is what it is said to be
    assert not defines("holdout", sentence)
    assert not defines("holdout group", sentence)


HOLDOUT = {
    "holdout-group": {
        "concept_id": "holdout-group",
        "name": "Holdout group",
        "definition": "A holdout group is a randomized set of units kept on the old experience after a launch.",
        "when_to_use": "Keep a holdout when you need the cumulative impact of launches.",
        "mistakes": "Making the holdout too small to learn anything.",
    }
}
DOC_CHUNK = Candidate(
    "text-quillfeather#1",
    "text-quillfeather",
    "Holdout decay in loyalty programmes",
    "",
    " ".join(NEW_TERM_DOC.split("\n")[2:]),
)


def _plan(question: str) -> tuple[list[str], list[str]]:
    """The plan's sentences and their sources for ``question``, the holdout concept retrieved but not named."""
    items = order_items(
        "definition",
        entities=[],
        details=HOLDOUT,
        connecting=[],
        related=[],
        chunks=[DOC_CHUNK],
        adj=Adjacency.build([], {"holdout-group": "Holdout group"}),
    )
    sources, _ = number_sources(items, None, budget=2000, count=estimate_tokens)
    held = concept_item(
        HOLDOUT["holdout-group"], with_formula=False
    )  # as the planner adds a retrieved concept page
    sources.append(Source(len(sources) + 1, held.kind, held.id, held.title, held.text, held.source, held.uri))
    plan = build_plan(
        "definition",
        question,
        sources=sources,
        details=HOLDOUT,
        entities=[],
        connecting=[],
        candidates=[DOC_CHUNK],
        adj=Adjacency.build([], {"holdout-group": "Holdout group"}),
        similarity=lambda q, ss: [0.5] * len(ss),
        retrieved_concepts=["holdout-group"],
    )
    ids = {s.marker: s.id for s in sources}
    return [i.text for i in plan.items], [ids[i.marker] for i in plan.items]


def test_a_passage_defining_the_asked_term_leads_the_definition_plan() -> None:
    texts, ids = _plan("What is the quillfeather holdout?")
    assert texts[0].startswith("The quillfeather holdout is a long-running holdout group")
    assert ids[0] == DOC_CHUNK.chunk_id
    # the definition names the broader concept, so its curated definition may follow; nothing else of it does
    assert ids.count("holdout-group") <= 1


@pytest.fixture(scope="module")
def user_term_planner(
    settings: Settings, embedder: Embedder, generator: object
) -> Iterator[tuple[Planner, Database]]:
    """The bundled corpus plus one user document, in a private database (the session's corpus_db stays read-only)."""
    private = in_memory_settings(settings, cache_dir=settings.cache_dir)
    db, _ = open_corpus_database(private, embedder)
    folder = Path(private.data_dir) / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quillfeather-holdout.md").write_text(NEW_TERM_DOC)
    batches, _ = load_sources(None, [folder])
    ingest_batches(db, EventStore(db), embedder, batches)
    try:
        yield Planner(PlannerDeps(private, db, embedder, generator)), db
    finally:
        db.close()


@pytest.mark.slow
def test_a_term_defined_only_in_a_user_document_is_answered_from_it(
    user_term_planner: tuple[Planner, Database],
) -> None:
    planner, db = user_term_planner
    response = planner.ask("What is the quillfeather holdout?")
    # before the fix the answer was the curated "Holdout group" definition, citing only that concept
    assert response.answer.startswith("The quillfeather holdout is a long-running holdout group")
    doc_citations = [c for c in response.citations if c.id.startswith("text-quillfeather-holdout")]
    assert doc_citations and "quillfeather" in doc_citations[0].quote.lower()
    first_marker = response.answer.split("[", 1)[1].split("]", 1)[0]
    assert int(first_marker) == doc_citations[0].marker
    generate = next(s for s in get_trace(db, response.trace_id)["nodes"] if s["node"] == "generate")
    assert generate["decisions"]["skipped"] is True  # still fast: the plan is the answer
    assert response.verification.citations_valid and response.verification.numbers_verified
    # a curated concept asked by name keeps its curated definition
    curated = planner.ask("what is a holdout group?")
    assert curated.answer.startswith("A holdout group is a randomized set of units")


def test_a_concept_source_keeps_its_formula_and_its_usage_apart() -> None:
    detail = {
        "concept_id": "two-proportion-z-test",
        "name": "Two-proportion z-test",
        "definition": "The two-proportion z-test compares two binomial rates.",
        "formula_text": "z = (p2 - p1) / SE, pooled p = (x1 + x2)/(n1 + n2)",
        "when_to_use": "Use it to compare conversion rates between two arms.",
    }
    text = concept_item(detail, with_formula=True).text
    # the usage sentence after the formula reads as a sentence of its own, not as the formula's tail
    assert (
        sentences_of(text)[-1]
        == "Use the two-proportion z-test to compare conversion rates between two arms."
    )
    assert "(n1 + n2). Use the" in text
