"""Every write the API makes, one at a time under one lock: uploads, replay, review decisions and analyses.

A write that changes what answers read (a replay, a review decision) drops the cached answers; an upload or a
decision also moves the projection position, which the answer cache keys on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.request import AnalysisRequest
from config import Settings
from engine.db import Database
from engine.projection import catch_up_projection
from engine.replay import check_as_of, graph_hash, replay
from engine.review import review_proposal
from engine.store import EventStore
from ingest.pipeline import IngestReport, ingest_batches, load_sources
from planner.analysis import analyse_and_store
from services.answer_cache import AnswerCache
from services.uploads import staged_upload


def ingest_paths(db: Database, embedder: Any, *, corpus_dir: Path | None, paths: list[Path]) -> IngestReport:
    """Validate then ingest the corpus and/or files; returns the ingest report (raises on invalid input)."""
    batches, _skipped = load_sources(corpus_dir, paths)
    return ingest_batches(db, EventStore(db), embedder, batches)


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    """Where a replay built, up to which position, how many events, how long, and the graph hash when verified."""

    namespace: str
    database: str
    position: int
    events: int
    seconds: float
    hash: str | None = None


class GraphWriter:
    """The API's writes over one database; ``lock`` serialises them (``/ready`` reads it to tell a lag apart)."""

    def __init__(self, settings: Settings, db: Database, embedder: Any, cache: AnswerCache) -> None:
        self.settings = settings
        self.db = db
        self.embedder = embedder
        self.cache = cache
        self.lock = threading.Lock()

    def ingest_upload(self, filename: str, content: str) -> IngestReport:
        """Ingest one uploaded document through the same validation as files on disk.

        Uploads are kept under ``<data_dir>/uploads/`` so that uploading the same filename again is the same
        document (unchanged: nothing appended; changed: the difference). ``filename`` must already be a safe
        basename (``api.uploads.safe_upload_name``). The file is written atomically and put back as it was (or
        removed) if the append fails; a crash in between is rolled back on the next start (``services.uploads``).
        """
        uploads = self.settings.data_dir / "uploads"
        with self.lock, staged_upload(uploads, filename, content) as path:
            self.db.crash_point("upload_written")
            return ingest_paths(self.db, self.embedder, corpus_dir=None, paths=[path])

    def replay(self, *, as_of: int | None, verify: bool) -> ReplayOutcome:
        """Rebuild the graph from the log (``as_of``: into its own namespace); raises ``ReplayRangeError``."""
        if as_of is not None:
            check_as_of(as_of, EventStore(self.db).head())
        with self.lock:
            report = replay(self.settings, as_of=as_of, db=self.db)
            digest = None
            if verify:
                if as_of is None:
                    digest = graph_hash(self.db)
                else:
                    with self.db.sibling(report.ns, report.name) as target:
                        digest = graph_hash(target)
        self.cache.clear()
        return ReplayOutcome(
            report.ns, report.name, report.position, report.events, round(report.seconds, 3), digest
        )

    def review(self, kind: str, target_id: str, *, accept: bool, reviewer: str, note: str) -> int:
        """Record a review decision and project it; returns its position (see ``engine.review``)."""
        with self.lock:
            position = review_proposal(
                self.db, EventStore(self.db), kind, target_id, accept=accept, reviewer=reviewer, note=note
            )
        self.cache.clear()
        return position

    def analyse(self, request: AnalysisRequest) -> dict[str, Any]:
        """Run and store an analysis (raises ``AnalysisInputError`` and stores nothing on bad input)."""
        with self.lock:
            return analyse_and_store(self.db, request, self.settings.max_analysis_bytes)

    def catch_up(self) -> int:
        """Fold whatever the projection is behind on."""
        with self.lock:
            return catch_up_projection(self.db)
