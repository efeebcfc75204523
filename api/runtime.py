"""What the API serves from: database, event store, models, planner and answer cache, built once per process.

``Runtime.start`` opens the database, applies migrations, rolls back uploads a crash left half done, ingests the
bundled corpus into an empty log (when ``settings.bootstrap_corpus``), catches the projection up to the log head (a
process killed after an append, or an ``ingest --no-project``, leaves it behind) and loads the models; ``Startup``
records which of these it is doing so ``/ready`` can answer 503 with the log and projection positions meanwhile.
Tests build a runtime from an already populated database instead.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from config import Settings
from engine.db import Database, open_database
from engine.graph_reads import SurrealReadModel
from engine.migrations import migrate
from engine.projection import ProjectionStatus, catch_up_projection, projection_status
from engine.store import EventStore
from planner.factory import planner_over
from planner.service import Planner
from services.admission import Admission
from services.answer_cache import AnswerCache
from services.answering import AnswerService
from services.uploads import recover_uploads
from services.writes import GraphWriter, ingest_paths

log = logging.getLogger("expgraph.api")


class Startup:
    """What a starting service is doing (``/ready`` reports it); the database handle once it is open."""

    def __init__(self) -> None:
        self.phase = "opening the database"
        self.db: Database | None = None
        self.error: str | None = None

    def status(self) -> ProjectionStatus | None:
        return projection_status(self.db) if self.db is not None else None


class Runtime:
    """The process's parts, composed once; controllers receive the narrow services (``api.dependencies``).

    Not a dataclass on purpose: Litestar would try to validate an injected dataclass field by field.
    """

    def __init__(
        self,
        settings: Settings,
        db: Database,
        embedder: Any,
        generator: Any,
        planner: Planner,
        *,
        owns_db: bool = False,
    ) -> None:
        self.settings = settings
        self.db = db
        self.embedder = embedder
        self.generator = generator
        self.planner = planner
        self.cache = AnswerCache()
        # Uncached questions in flight: what the generator batches plus its queue; more get 503 + Retry-After.
        self.admission = Admission(settings.generator_max_batch + settings.generator_max_queue)
        self.answers = AnswerService(planner, cache=self.cache, admission=self.admission)
        self.writer = GraphWriter(settings, db, embedder, self.cache)
        self.reads = SurrealReadModel(db)
        self.as_of_graphs = planner.as_of_graphs  # one set of past-graph builds for answers and the /log page
        self.owns_db = owns_db

    @classmethod
    def start(
        cls, settings: Settings, startup: Startup | None = None, *, db: Database | None = None
    ) -> Runtime:
        """Open everything the service needs; ready only once the projection has caught up with the log.

        Pass ``db`` when the caller opened (and migrated) it already; the runtime then owns it either way.
        """
        from model.embedder import load_embedder
        from model.loader import load_generator

        startup = startup or Startup()
        db = db or open_database(settings)
        startup.db = db
        # An in-process answer model blocks while it loads, so it loads beside the bootstrap. A child-process one
        # returns at once and loads while the service is ready: it starts after the bootstrap and the encoder, so
        # that its load does not take their CPU (2 cores: /ready after 26 s when all three loaded together).
        loading = ThreadPoolExecutor(1, thread_name_prefix="expgraph-model-load")
        early = not settings.generator_in_subprocess
        generator_loaded = loading.submit(load_generator, settings) if early else None
        loading.shutdown(wait=False)
        loading_encoder = ThreadPoolExecutor(1, thread_name_prefix="expgraph-encoder-load")
        try:
            migrate(db)
            startup.phase = "recovering interrupted uploads"
            recover_uploads(db, settings.data_dir / "uploads")
            startup.phase = "loading the embedder"
            embedder = load_embedder(settings)
            # The corpus's vectors come from the cache, so the encoder itself loads meanwhile, for the questions.
            encoder_loaded = loading_encoder.submit(embedder.load)
            store = EventStore(db)
            if settings.bootstrap_corpus and store.head() == 0:
                startup.phase = "ingesting the bundled corpus"
                log.info("empty event log: ingesting the bundled corpus from %s", settings.corpus_dir)
                report = ingest_paths(db, embedder, corpus_dir=settings.corpus_dir, paths=[])
                log.info("bootstrap: %s", report.summary())
            startup.phase = "catching up the projection"
            folded = catch_up_projection(db)
            if folded:
                log.info("caught the projection up by %d event(s) left behind by an interrupted run", folded)
            startup.phase = "loading the question encoder"
            encoder_loaded.result()
            startup.phase = "starting the answer model"
            generator = (
                generator_loaded.result() if generator_loaded is not None else load_generator(settings)
            )
        except BaseException:
            db.close()
            raise
        finally:
            loading_encoder.shutdown(wait=False)
        runtime = cls.from_parts(settings, db, embedder, generator, owns_db=True)
        startup.phase = "indexing the graph for questions"
        # Linker, adjacency, kNN and BM25 indexes, a first encoder pass and calculation parse: not on the first
        # question's time (measured: a first question waited 7.4 s in `understand` without this).
        runtime.answers.warm()
        startup.phase = "ready"
        return runtime

    @classmethod
    def from_parts(
        cls, settings: Settings, db: Database, embedder: Any, generator: Any, *, owns_db: bool = False
    ) -> Runtime:
        planner = planner_over(settings, db, embedder, generator)
        return cls(settings, db, embedder, generator, planner, owns_db=owns_db)

    @property
    def write_lock(self) -> threading.Lock:
        """Held by every write (``/ready`` tells an ingest between append and projection from a stale graph)."""
        return self.writer.lock

    @property
    def store(self) -> EventStore:
        return EventStore(self.db)

    def head(self) -> int:
        return self.store.head()

    def projection(self) -> ProjectionStatus:
        """The log head, the projection checkpoint and the lag between them."""
        return projection_status(self.db)

    def catch_up(self) -> int:
        """Fold whatever the projection is behind on (under the write lock, like every write)."""
        return self.writer.catch_up()

    def close(self) -> None:
        if self.owns_db:
            self.db.close()
