"""What the API serves from: database, event store, models, planner and answer cache, built once per process.

``Runtime.start`` opens the database, applies migrations, ingests the bundled corpus into an empty log (when
``settings.bootstrap_corpus``) and loads the models. Tests build it from an already populated database instead.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from api.answer_cache import AnswerCache
from config import Settings
from engine.db import Database, open_database
from engine.migrations import migrate
from engine.store import EventStore
from planner.service import Planner, PlannerDeps

log = logging.getLogger("expgraph.api")


class Runtime:
    """Not a dataclass on purpose: Litestar would try to validate an injected dataclass field by field."""

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
        self.owns_db = owns_db
        self.write_lock = threading.Lock()

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        """Open everything the service needs; ingest the bundled corpus into an empty log first."""
        from model.embedder import load_embedder
        from model.generator import load_generator

        db = open_database(settings)
        try:
            migrate(db)
            embedder = load_embedder(settings)
            store = EventStore(db)
            if settings.bootstrap_corpus and store.head() == 0:
                log.info("empty event log: ingesting the bundled corpus from %s", settings.corpus_dir)
                report = ingest_paths(db, embedder, corpus_dir=settings.corpus_dir, paths=[])
                log.info("bootstrap: %s", report.summary())
            generator = load_generator(settings)
        except BaseException:
            db.close()
            raise
        return cls.from_parts(settings, db, embedder, generator, owns_db=True)

    @classmethod
    def from_parts(
        cls, settings: Settings, db: Database, embedder: Any, generator: Any, *, owns_db: bool = False
    ) -> Runtime:
        planner = Planner(PlannerDeps(settings=settings, db=db, embedder=embedder, generator=generator))
        return cls(settings, db, embedder, generator, planner, owns_db=owns_db)

    @property
    def store(self) -> EventStore:
        return EventStore(self.db)

    def head(self) -> int:
        return self.store.head()

    def close(self) -> None:
        if self.owns_db:
            self.db.close()


def ingest_paths(db: Database, embedder: Any, *, corpus_dir: Path | None, paths: list[Path]) -> Any:
    """Validate then ingest the corpus and/or files; returns the ingest report (raises on invalid input)."""
    from ingest.pipeline import ingest_batches, load_sources

    batches, _skipped = load_sources(corpus_dir, paths)
    return ingest_batches(db, EventStore(db), embedder, batches)


def ingest_upload(runtime: Runtime, filename: str, content: str) -> Any:
    """Ingest one uploaded document through the same validation as files on disk.

    Uploads are kept under ``<data_dir>/uploads/`` so that uploading the same filename again is the same document
    (unchanged: nothing appended; changed: the difference). A rejected upload leaves the previous file as it was.
    """
    uploads = runtime.settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    path = uploads / filename
    with runtime.write_lock:
        previous = path.read_bytes() if path.exists() else None
        path.write_text(content, encoding="utf-8")
        try:
            return ingest_paths(runtime.db, runtime.embedder, corpus_dir=None, paths=[path])
        except BaseException:
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(previous)
            raise
