"""Session-wide fixtures. Area fixtures live in tests/fixtures/<area>.py (one owner each) and load as plugins."""

from __future__ import annotations

import hashlib
import os
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

# Warming every sentence of the bundled corpus (8,000, two encoders: minutes on 2 cores) at each server start and
# CLI ingest: the suite's questions need a fraction of them, embedded as they ask. Set here, before any Settings(),
# so servers and CLI runs in subprocesses inherit it; tests/planner/test_answer_vectors.py turns it back on.
os.environ.setdefault("EXPGRAPH_WARM_ANSWER_VECTORS", "false")


def embedder_fingerprint() -> str:
    """Hash of the embedding code and the bundled model's weights.

    The embedding cache is keyed by model id and text only, so a run that reused vectors from an earlier run would
    hide a regression in the embedding code; keying the test cache's folder by this fingerprint means any change to
    the code or the weights starts from an empty cache.
    """
    from model import embedder, sentence_encoder

    digest = hashlib.sha256(Path(embedder.__file__).read_bytes())
    digest.update(Path(sentence_encoder.__file__).read_bytes())
    for path in sorted(embedder.bundled_model_dir().glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def cache_env() -> dict[str, str]:
    """The environment a CLI or server subprocess needs to share the suite's fingerprinted caches."""
    return {
        "EXPGRAPH_CACHE_DIR": str(TEST_CACHE_DIR),
        "EXPGRAPH_EMBEDDING_CACHE": str(TEST_CACHE_DIR / f"embeddings-{embedder_fingerprint()}"),
    }


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir: Path = tmp_path_factory.mktemp("expgraph-data")
    return Settings(
        data_dir=data_dir,
        db_url="mem://",
        cache_dir=TEST_CACHE_DIR,
        embedding_cache=TEST_CACHE_DIR / f"embeddings-{embedder_fingerprint()}",
    )
