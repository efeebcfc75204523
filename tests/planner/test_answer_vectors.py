"""Every sentence a plan can weigh is embedded ahead of the questions: the list comes from the planner's own source
builders, the warm-up embeds only what the cache lacks, and afterwards the sentences an answer weighs are in the cache.

Real parts: the bundled embedder (on a private, empty cache) and an embedded database holding an ingested document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config import Settings
from engine.db import open_database
from engine.graph_reads import Edge
from engine.migrations import migrate
from engine.store import EventStore
from ingest.pipeline import ingest_batches, load_sources
from model.embedder import load_embedder, load_relevance_embedder
from planner.answer_vectors import weighable_sentences
from planner.context import chunk_text, sentences_of
from planner.service import Planner, PlannerDeps
from planner.traversal import Adjacency

DETAILS = {
    "peeking": {
        "concept_id": "peeking",
        "name": "Peeking",
        "definition": "Peeking is checking a running test's **p-value** and stopping once it looks significant.",
        "when_to_use": "Use it as a warning sign.\n\nIt matters for every fixed-horizon test.",
        "mistakes": "- Stopping at the first p < 0.05.",
        "formula_text": "alpha_actual > alpha",
    }
}
EDGE = Edge(
    "r1", "peeking", "sequential-testing", "mitigated_by", 0.8, "Sequential tests allow looking early."
)
ADJ = Adjacency.build([EDGE], {"peeking": "Peeking", "sequential-testing": "Sequential testing"})


def test_the_list_holds_each_passage_concept_and_relation_sentence_as_a_plan_splits_it() -> None:
    chunk = "## Peeking\n\nLooking at results **daily** is fine. Stopping on them is not."
    sentences = weighable_sentences([chunk, chunk], DETAILS, ADJ)
    # the passage in plain text (heading and emphasis gone), once although given twice
    assert sentences[:2] == ["Looking at results daily is fine.", "Stopping on them is not."]
    # the concept with and without its formula, with its usage and first mistake
    assert "Peeking is checking a running test's p-value and stopping once it looks significant." in sentences
    assert "Formula: alpha_actual > alpha." in sentences
    assert "Use the peeking as a warning sign." in sentences
    assert "A common mistake is stopping at the first p < 0.05." in sentences
    # the relation read both ways, each with its justification
    assert "Peeking is mitigated by Sequential testing: sequential tests allow looking early." in sentences
    assert "Sequential testing mitigates Peeking: sequential tests allow looking early." in sentences
    assert len(sentences) == len(set(sentences))


DOC = """# Guardrail metrics

A guardrail metric is a metric that must not get worse while the experiment optimises its goal metric.
Teams stop a test when a guardrail such as page load time or unsubscribe rate degrades significantly.
Guardrails are checked with the same statistical care as the goal metric, with a pre-agreed threshold.
"""


def test_the_warm_up_embeds_what_the_cache_lacks_once_and_the_answer_then_weighs_those_sentences(
    settings: Settings, generator: Any, tmp_path: Path
) -> None:
    doc = tmp_path / "guardrails.md"
    doc.write_text(DOC)
    # a private, empty cache: what the warm-up embeds is exactly what it counts
    local = settings.model_copy(
        update={"data_dir": tmp_path, "embedding_cache": tmp_path / "vectors", "warm_answer_vectors": True}
    )
    plain, relevance = load_embedder(local), load_relevance_embedder(local)
    assert relevance is not None, "the bundled relevance adapter is on by default"
    sentences = sentences_of(chunk_text(DOC))
    with open_database(local) as db:
        migrate(db)
        batches, _ = load_sources(None, [doc])
        ingest_batches(db, EventStore(db), plain, batches)
        planner = Planner(PlannerDeps(local, db, plain, generator, relevance=relevance))
        assert plain.missing(sentences) == sentences and relevance.missing(sentences) == sentences
        report = planner.warm_answer_vectors()
        # the three sentences, by the plain and the relevance embedder each
        assert (report.sentences, report.embedded) == (3, 6)
        assert plain.missing(sentences) == [] and relevance.missing(sentences) == []
        assert planner.warm_answer_vectors().embedded == 0
        answer = planner.ask("when do teams stop a test because of a guardrail metric?").answer
        assert "page load time" in answer
