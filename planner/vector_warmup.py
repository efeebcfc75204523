"""Embed the live graph's weighable sentences without building a planner (``planner.answer_vectors`` on the graph).

``expgraph ingest`` warms these vectors after every ingest, so that a fresh server's first answers do not embed their
sentences. On a warm cache that is a check, not work, but it used to build a whole ``Planner`` and its graph view
first: importing the planner's graph (spaCy, LangGraph, the calculators) and loading the linker, the vector indexes and
the BM25 index, to find nothing missing. A cold ingest of the bundled corpus on a warm cache took 54.7 and 58.1 s
that way and takes 44.2 and 44.5 s this way (2 cores, ``bench.bench_cold_start``). The sentences depend only on the
chunks, the concepts and the relations, so they are read here directly, and the server's warm-up uses the same
function: one list of what an answer can weigh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine import graph_reads as reads
from engine.graph_reads import QueryRunner
from planner import proposed_facts
from planner.answer_vectors import Encoder, WarmReport, warm, weighable_sentences
from planner.traversal import Adjacency


def live_sentences(db: QueryRunner, *, include_proposed: bool) -> list[str]:
    """Every sentence of the live graph a plan can weigh (proposed facts only with ``include_proposed``)."""
    concepts = proposed_facts.concept_names(db, include_proposed=include_proposed)
    names = {c.concept_id: c.name for c in concepts}
    adjacency = Adjacency.build(proposed_facts.edges(db, include_proposed=include_proposed), names)
    details = proposed_facts.concept_details(db, list(adjacency.names), include_proposed=include_proposed)
    chunks = (str(row.get("text") or "") for row in reads.all_chunk_details(db))
    return weighable_sentences(chunks, details, adjacency)


def warm_live_graph(
    db: QueryRunner,
    encoders: Sequence[Encoder | None],
    *,
    include_proposed: bool,
    progress: Callable[[int], None] | None = None,
) -> WarmReport:
    """Embed whichever live-graph sentences each encoder's cache lacks (None: an encoder that is turned off)."""
    sentences = live_sentences(db, include_proposed=include_proposed)
    return warm(sentences, [e for e in encoders if e is not None and hasattr(e, "missing")], progress)
