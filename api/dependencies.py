"""The dependencies controllers receive, registered once on the app: narrow services, never the whole runtime.

Each is a part of the ``Runtime`` the app was started with; before it exists every one answers 503 ``not_ready``.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State
from litestar.di import Provide

from api.errors import NotReady
from api.runtime import Runtime
from config import Settings
from engine.as_of_graphs import AsOfGraphs
from engine.graph_reads import SurrealReadModel
from engine.store import EventStore
from services.answering import AnswerService
from services.calculators import Calculators
from services.writes import GraphWriter


def provide_runtime(state: State) -> Runtime:
    runtime = state.get("runtime")
    if runtime is None:
        raise NotReady("the service is still starting (database and models loading); retry in a few seconds")
    return runtime  # type: ignore[no-any-return]


def provide_answers(runtime: Runtime) -> AnswerService:
    return runtime.answers


def provide_reads(runtime: Runtime) -> SurrealReadModel:
    return runtime.reads


def provide_store(runtime: Runtime) -> EventStore:
    return runtime.store


def provide_writer(runtime: Runtime) -> GraphWriter:
    return runtime.writer


def provide_as_of_graphs(runtime: Runtime) -> AsOfGraphs:
    return runtime.as_of_graphs


def provide_settings(runtime: Runtime) -> Settings:
    """The settings the runtime was built with (the guards read the app's, which are the same when served)."""
    return runtime.settings


_CALCULATORS = Calculators()


def provide_calculators() -> Calculators:
    return _CALCULATORS


# Litestar resolves a dependency only for a handler that names it, so a calculator never waits for the runtime.
DEPENDENCIES: dict[str, Any] = {
    "runtime": Provide(provide_runtime, sync_to_thread=False),
    "answers": Provide(provide_answers, sync_to_thread=False),
    "reads": Provide(provide_reads, sync_to_thread=False),
    "store": Provide(provide_store, sync_to_thread=False),
    "writer": Provide(provide_writer, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "as_of_graphs": Provide(provide_as_of_graphs, sync_to_thread=False),
    "calculators": Provide(provide_calculators, sync_to_thread=False),
}
