"""Ingest time per document with extraction on and off (for ``eval.extraction_eval``).

One in-memory graph holds the bundled corpus's concepts. Each document is ingested twice under two file names (so
both are new documents): first with extraction on, then off. The second run finds the chunk embeddings cached, so
the added cost is taken over the stages extraction can change, everything but chunk embedding:
``(on - on.embed) - (off - off.embed)``; "on" is reported whole.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config import Settings


def time_ingest(settings: Settings, embedder: Any, paths: Sequence[Path]) -> tuple[list[float], list[float]]:
    """(seconds to ingest with extraction on, seconds extraction added) per document."""
    from engine.db import open_database
    from engine.migrations import migrate
    from engine.store import EventStore
    from ingest.corpus_source import CORPUS_SCOPE, load_corpus_batch
    from ingest.pipeline import ingest_batches, load_sources

    mem = settings.model_copy(update={"db_url": "mem://"})
    totals: list[float] = []
    added: list[float] = []
    with open_database(mem) as db, tempfile.TemporaryDirectory() as tmp:
        migrate(db)
        store = EventStore(db)
        ingest_batches(db, store, embedder, [load_corpus_batch(settings.corpus_dir, CORPUS_SCOPE)])
        for path in paths:
            without_embedding: dict[bool, float] = {}
            for extract in (True, False):
                copy = Path(tmp) / f"{'on' if extract else 'off'}-{path.name}"
                shutil.copy(path, copy)
                batches, _ = load_sources(None, [copy])
                started = time.perf_counter()
                report = ingest_batches(db, store, embedder, batches, extract=extract)
                total = time.perf_counter() - started
                if extract:
                    totals.append(total)
                without_embedding[extract] = total - report.seconds["embed"]
            added.append(without_embedding[True] - without_embedding[False])
    return totals, added
