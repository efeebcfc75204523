"""Ingest test helpers: a fresh migrated ``mem://`` database per test and a writable copy of the fixture corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from config import Settings
from engine.db import Database, open_database
from engine.migrations import migrate
from engine.store import EventStore

FIXTURE_CORPUS = Path(__file__).parent.parent / "corpus" / "fixtures" / "good"


@dataclass(frozen=True, slots=True)
class Graph:
    db: Database
    store: EventStore


@pytest.fixture
def graph(settings: Settings) -> Iterator[Graph]:
    """A fresh, migrated, private ``mem://`` database and its event store."""
    db = open_database(settings)
    try:
        migrate(db)
        yield Graph(db, EventStore(db))
    finally:
        db.close()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fixture corpus (4 concepts, 2 documents)."""
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, root)
    return root
