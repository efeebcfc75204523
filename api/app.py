"""The Litestar application: ``create_app(settings, runtime=None)``; ``expgraph serve`` runs it with uvicorn."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

from api.controllers.admin import AdminController
from api.controllers.analyze import AnalyzeController
from api.controllers.calculate import CalculateController
from api.controllers.calculators import CurveController
from api.controllers.concepts import ConceptController
from api.controllers.events import EventController
from api.controllers.graph import GraphController
from api.controllers.health import HealthController
from api.controllers.log import LogController
from api.controllers.pages import PAGES, static_router
from api.controllers.proposals import ProposalController
from api.controllers.query import QueryController, TraceController
from api.dependencies import DEPENDENCIES
from api.errors import EXCEPTION_HANDLERS
from api.request_body import guard_json_body
from api.runtime import Runtime, Startup
from config import Settings
from engine.db import Database, open_database
from engine.migrations import migrate

MAX_BODY_BYTES = 2 * 1024 * 1024
log = logging.getLogger("expgraph.api")


def create_app(settings: Settings, runtime: Runtime | None = None) -> Litestar:
    """Build the app. Without ``runtime`` it starts one on startup (opens the DB, bootstraps, loads models)."""

    def start_runtime(app: Litestar) -> None:
        if getattr(app.state, "runtime", None) is not None:
            return
        # Open the database here so that a database held by another process fails the start at once; the slow
        # part (bootstrap, projection catch-up, models) runs in a thread while /ready answers 503 with the lag.
        db = open_database(settings)
        migrate(db)
        startup = Startup()
        app.state.startup = startup
        app.state.owns_runtime = True
        threading.Thread(
            target=_start_in_background, args=(app, settings, startup, db), name="expgraph-start", daemon=True
        ).start()

    def stop_runtime(app: Litestar) -> None:
        runtime = getattr(app.state, "runtime", None)
        if getattr(app.state, "owns_runtime", False) and runtime is not None:
            runtime.close()

    prometheus = PrometheusConfig(
        app_name="expgraph", prefix="expgraph", group_path=True, exclude=["/metrics"]
    )
    rate_limit = RateLimitConfig(
        rate_limit=("minute", settings.rate_limit_per_minute),
        exclude=["/health", "/ready", "/metrics", "/static", "/schema", "/favicon.ico"],
    )
    cors = CORSConfig(allow_origins=list(settings.cors_origins)) if settings.cors_origins else None
    state: dict[str, Any] = {"settings": settings, "runtime": runtime, "owns_runtime": False}
    return Litestar(
        route_handlers=[
            *PAGES,
            static_router,
            QueryController,
            TraceController,
            ConceptController,
            CalculateController,
            AnalyzeController,
            CurveController,
            GraphController,
            LogController,
            EventController,
            AdminController,
            ProposalController,
            HealthController,
            PrometheusController,
        ],
        dependencies=DEPENDENCIES,
        on_startup=[start_runtime],
        on_shutdown=[stop_runtime],
        middleware=[rate_limit.middleware, prometheus.middleware],
        cors_config=cors,
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=guard_json_body,
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="expgraph",
            version="0.1.0",
            description="Cited, verified answers to experimentation and A/B-testing questions.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        state=_state(state),
        debug=False,
    )


def _start_in_background(app: Litestar, settings: Settings, startup: Startup, db: Database) -> None:
    try:
        app.state.runtime = Runtime.start(settings, startup, db=db)
        # A model still loading in its own process (ready without it): its failure stops the service too.
        wait_loaded = getattr(app.state.runtime.generator, "wait_loaded", None)
        if wait_loaded is not None:
            wait_loaded()
    except BaseException as exc:
        startup.error = f"{type(exc).__name__}: {exc}"
        startup.phase = "failed"
        log.exception("the service could not start; stopping")
        # A service that cannot start must not linger half-alive: stop the server as Ctrl-C would.
        os.kill(os.getpid(), signal.SIGTERM)


def _state(values: dict[str, Any]) -> Any:
    from litestar.datastructures import State

    return State(values)


def create_app_from_env() -> Litestar:
    """uvicorn factory for ``expgraph serve``: settings from the environment."""
    return create_app(Settings())
