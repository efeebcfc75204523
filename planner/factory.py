"""A planner over a database holding the bundled corpus: the one place that composes ingest, models and planner.

What the evaluation, the benchmarks, ``expgraph eval`` and the test fixtures build. The database is ``mem://``
unless the settings name another; the corpus is ingested through the real pipeline (a no-op when the log already
holds it unchanged) and projected before the planner sees it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config import Settings
from engine.as_of_graphs import AsOfGraphs
from engine.db import Database, open_database
from engine.migrations import migrate
from ingest.pipeline import IngestReport, ingest_corpus
from planner.service import Planner, PlannerDeps


@dataclass(slots=True)
class CorpusPlanner:
    """The planner and what it was built over; ``timings_s`` says how long each setup step took."""

    settings: Settings
    db: Database
    embedder: Any
    planner: Planner
    ingest: IngestReport
    timings_s: dict[str, float] = field(default_factory=dict)

    def close(self) -> None:
        self.db.close()


def planner_over(
    settings: Settings, db: Database, embedder: Any, generator: Any, *, as_of_graphs: AsOfGraphs | None = None
) -> Planner:
    """The planner over an open database (the API's, or one ``corpus_planner`` prepared); no generator plans only."""
    return Planner(
        PlannerDeps(
            settings=settings, db=db, embedder=embedder, generator=generator, as_of_graphs=as_of_graphs
        )
    )


def in_memory_settings(base: Settings | None = None, *, cache_dir: Path | None = None) -> Settings:
    """``base`` (default: from the environment) over a private ``mem://`` database and a fresh data directory.

    The cache directory (converted models, embedding cache) stays the base's unless ``cache_dir`` is given.
    """
    base = base or Settings()
    return base.model_copy(
        update={
            "data_dir": Path(tempfile.mkdtemp(prefix="expgraph-corpus-")),
            "db_url": "mem://",
            "cache_dir": cache_dir or base.cache_dir or (base.data_dir / "cache"),
        }
    )


def open_corpus_database(settings: Settings, embedder: Any) -> tuple[Database, IngestReport]:
    """Open ``settings``' database, apply migrations and ingest the bundled corpus (``settings.corpus_dir``)."""
    db = open_database(settings)
    try:
        migrate(db)
        return db, ingest_corpus(settings, db, embedder=embedder)
    except BaseException:
        db.close()
        raise


def corpus_planner(
    settings: Settings,
    *,
    embedder: Any = None,
    generator: Any = None,
    load_generator: Callable[[Settings], Any] | None = None,
) -> CorpusPlanner:
    """A planner over ``settings``' database holding the bundled corpus; no generator plans without answering.

    ``embedder`` defaults to the shared one (``model.embedder.load_embedder``). Pass ``in_memory_settings()`` for a
    private, reproducible graph whatever the user's database holds. ``load_generator`` (e.g.
    ``model.loader.load_generator``) is called after the ingest, the order the evaluation has always used, so
    its figures stay comparable run to run.
    """
    from model.embedder import load_embedder

    timings: dict[str, float] = {}
    start = time.perf_counter()
    embedder = embedder or load_embedder(settings)
    db, report = open_corpus_database(settings, embedder)
    timings["ingest_s"] = time.perf_counter() - start
    if load_generator is not None:
        start = time.perf_counter()
        generator = load_generator(settings)
        timings["generator_load_s"] = time.perf_counter() - start
    planner = planner_over(settings, db, embedder, generator)
    return CorpusPlanner(settings, db, embedder, planner, report, timings)
