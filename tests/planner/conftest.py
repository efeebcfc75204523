"""Planner fixtures: one planner over the session's corpus graph with the real embedder and the real model."""

from __future__ import annotations

import pytest

from config import Settings
from engine.db import Database
from model.embedder import Embedder
from planner.service import Planner, PlannerDeps


@pytest.fixture(scope="session")
def context_planner(settings: Settings, corpus_db: Database, embedder: Embedder) -> Planner:
    """A planner without a generator: runs understand → assemble (``prepare``) only."""
    return Planner(PlannerDeps(settings, corpus_db, embedder, None))


@pytest.fixture(scope="session")
def planner(settings: Settings, corpus_db: Database, embedder: Embedder, generator: object) -> Planner:
    """The full planner with the real SmolLM2-135M generator."""
    return Planner(PlannerDeps(settings, corpus_db, embedder, generator))


@pytest.fixture(scope="session")
def short_planner(settings: Settings, corpus_db: Database, embedder: Embedder, generator: object) -> Planner:
    """The full planner with the real model, answers capped at 96 new tokens to keep the suite quick."""
    capped = settings.model_copy(update={"generator_max_new_tokens": 96})
    return Planner(PlannerDeps(capped, corpus_db, embedder, generator))
