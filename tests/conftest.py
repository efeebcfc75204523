"""Session-wide fixtures. Area fixtures live in tests/fixtures/<area>.py (one owner each) and load as plugins."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from pathlib import Path

import pytest

from config import REPO_ROOT, Settings
from model.embedder import encoder_fingerprint

# Under pytest-xdist (scripts/test.sh runs two workers) each worker and the servers it starts get an even share of
# the cores: two processes each running torch on every core slow each other's matrix products down.
if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    _share = max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))
    os.environ.setdefault("OMP_NUM_THREADS", str(_share))

pytest_plugins = [
    "tests.fixtures.engine",  # db, store: a fresh embedded mem:// database per test
    "tests.fixtures.corpus",  # corpus_db: the bundled corpus ingested and projected once per session
    "tests.fixtures.models",  # embedder, generator: the real models, loaded once per session
]

# Converted model weights and content-addressed embeddings survive between runs; the database never does.
TEST_CACHE_DIR = REPO_ROOT / ".data" / "test-cache"

# Warming every sentence of the bundled corpus (8,000, two encoders: minutes on 2 cores) at each server start and
# CLI ingest: the suite's questions need a fraction of them, embedded as they ask. Set here, before any Settings(),
# so servers and CLI runs in subprocesses inherit it; tests/planner/test_answer_vectors.py turns it back on.
os.environ.setdefault("EXPGRAPH_WARM_ANSWER_VECTORS", "false")


@functools.cache
def suite_embedding_cache() -> Path:
    """The suite's embedding cache folder, keyed by ``encoder_fingerprint`` (the embedding code, the libraries that
    run it and the bundled model's weights).

    The cache is keyed by model id and text only, so a run that reused vectors from an earlier run would hide a
    regression in the embedding code; a folder per fingerprint means any such change starts from a cache this code
    alone filled. That is a copy of the set-up's cache (``scripts/setup.sh`` embeds the whole bundled corpus) when
    every writer of it had this fingerprint, as on a fresh checkout in CI, so the suite does not embed the corpus
    again; otherwise the folder starts empty.
    """
    fingerprint = encoder_fingerprint()
    directory = TEST_CACHE_DIR / f"embeddings-{fingerprint}"
    target = directory / "embeddings.sqlite3"
    source = Settings().embedding_cache_dir / "embeddings.sqlite3"
    if target.exists() or not source.is_file():
        return directory
    try:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as setup_cache:
            writers = {row[0] for row in setup_cache.execute("SELECT fingerprint FROM writer")}
            if writers == {fingerprint}:
                directory.mkdir(parents=True, exist_ok=True)
                # another test worker may be seeding the same folder: each copies aside and links its copy in only
                # if none is there yet. A rename would replace a copy the other worker already has open and has
                # written a WAL for, which pairs that WAL with another file: "database disk image is malformed"
                staging = directory / f"seeding-{os.getpid()}.sqlite3"
                with contextlib.closing(sqlite3.connect(staging)) as copy:
                    setup_cache.backup(copy)
                with contextlib.suppress(FileExistsError):
                    os.link(staging, target)
                staging.unlink()
    except sqlite3.OperationalError:  # a cache from before writers were recorded: start empty
        pass
    return directory


def cache_env() -> dict[str, str]:
    """The environment a CLI or server subprocess needs to share the suite's fingerprinted caches."""
    return {
        "EXPGRAPH_CACHE_DIR": str(TEST_CACHE_DIR),
        "EXPGRAPH_EMBEDDING_CACHE": str(suite_embedding_cache()),
    }


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir: Path = tmp_path_factory.mktemp("expgraph-data")
    return Settings(
        data_dir=data_dir,
        db_url="mem://",
        cache_dir=TEST_CACHE_DIR,
        embedding_cache=suite_embedding_cache(),
    )
