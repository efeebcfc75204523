"""API fixtures: the app over the session's corpus graph and real models, and a writable app on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from api.security import hash_api_key
from config import Settings
from engine.db import Database

API_KEY = "test-admin-key"


@pytest.fixture(scope="session")
def api_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"api_key_hash": hash_api_key(API_KEY), "rate_limit_per_minute": 10_000}
    )


@pytest.fixture(scope="session")
def corpus_runtime(
    api_settings: Settings, corpus_db: Database, embedder: object, generator: object
) -> Runtime:
    return Runtime.from_parts(api_settings, corpus_db, embedder, generator)


@pytest.fixture(scope="module")
def client(api_settings: Settings, corpus_runtime: Runtime) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(app=create_app(api_settings, corpus_runtime)) as test_client:
        yield test_client


@pytest.fixture
def writable_client(
    api_settings: Settings, db: Database, embedder: object, generator: object
) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """An app over a fresh, empty database (per test) for ingestion and replay."""
    runtime = Runtime.from_parts(api_settings, db, embedder, generator)
    with TestClient(app=create_app(api_settings, runtime)) as test_client:
        yield test_client
