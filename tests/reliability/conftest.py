"""Reliability fixtures: an app over a fresh database with the real models, and a small document set on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from api.security import hash_api_key
from config import Settings
from engine.db import open_database
from engine.migrations import migrate

API_KEY = "reliability-key"


@pytest.fixture(scope="session")
def reliability_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return settings.model_copy(
        update={
            "api_key_hash": hash_api_key(API_KEY),
            "rate_limit_per_minute": 1_000_000,
            "data_dir": tmp_path_factory.mktemp("reliability-data"),
        }
    )


@pytest.fixture(scope="session")
def hostile_client(
    reliability_settings: Settings, embedder: object, generator: object
) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """One app for the hostile-input and fuzz suites: a fresh mem:// database, the real embedder and generator."""
    with open_database(reliability_settings) as db:
        migrate(db)
        runtime = Runtime.from_parts(reliability_settings, db, embedder, generator)
        with TestClient(app=create_app(reliability_settings, runtime)) as client:
            client.headers["X-API-Key"] = API_KEY
            yield client


SMALL_DOCS = {
    "holdout-decay.md": "# Holdout decay\n\nA long-running holdout group is kept out of every experiment for a year "
    "so that the cumulative effect of launched changes can be measured against it.\n\n## Why it decays\n\n"
    "Users leave and join, so the holdout drifts from the population it was drawn from.\n",
    "peeking.md": "# Peeking at results\n\nChecking a fixed-horizon test every day and stopping at the first "
    "significant result inflates the false positive rate well above alpha.\n\n## What to do instead\n\n"
    "Use a sequential design with alpha spending, or decide the sample size up front and wait for it.\n",
    "novelty.txt": "Novelty effects\n\nA new feature can lift engagement for a week just because it is new. "
    "Compare the first week with later weeks before trusting the lift.\n",
}


@pytest.fixture
def small_docs(tmp_path: Path) -> Path:
    """Three short documents (a few chunks each): enough for several appends, quick to embed."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in SMALL_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
