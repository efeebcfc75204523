"""Session-wide fixtures. Area fixtures live in tests/fixtures/<area>.py (one owner each) and load as plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import REPO_ROOT, Settings

pytest_plugins = [
    "tests.fixtures.engine",  # db, store: a fresh embedded mem:// database per test
    "tests.fixtures.corpus",  # corpus_db: the bundled corpus ingested and projected once per session
    "tests.fixtures.models",  # embedder, generator: the real models, loaded once per session
]

# Converted model weights and content-addressed embeddings survive between runs; the database never does.
TEST_CACHE_DIR = REPO_ROOT / ".data" / "test-cache"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir: Path = tmp_path_factory.mktemp("expgraph-data")
    return Settings(data_dir=data_dir, db_url="mem://", cache_dir=TEST_CACHE_DIR)
