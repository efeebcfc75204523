"""The Litestar application: ``create_app(settings, runtime=None)``; ``expgraph serve`` runs it with uvicorn."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

from api.controllers.admin import AdminController
from api.controllers.calculate import CalculateController
from api.controllers.concepts import ConceptController
from api.controllers.events import EventController
from api.controllers.health import HealthController
from api.controllers.pages import index, static_router
from api.controllers.query import QueryController, TraceController
from api.errors import EXCEPTION_HANDLERS
from api.runtime import Runtime
from config import Settings

MAX_BODY_BYTES = 2 * 1024 * 1024


def create_app(settings: Settings, runtime: Runtime | None = None) -> Litestar:
    """Build the app. Without ``runtime`` it starts one on startup (opens the DB, bootstraps, loads models)."""

    def start_runtime(app: Litestar) -> None:
        if getattr(app.state, "runtime", None) is None:
            app.state.runtime = Runtime.start(settings)
            app.state.owns_runtime = True

    def stop_runtime(app: Litestar) -> None:
        if getattr(app.state, "owns_runtime", False):
            app.state.runtime.close()

    prometheus = PrometheusConfig(
        app_name="expgraph", prefix="expgraph", group_path=True, exclude=["/metrics"]
    )
    rate_limit = RateLimitConfig(
        rate_limit=("minute", settings.rate_limit_per_minute),
        exclude=["/health", "/ready", "/metrics", "/static", "/schema"],
    )
    cors = CORSConfig(allow_origins=list(settings.cors_origins)) if settings.cors_origins else None
    state: dict[str, Any] = {"settings": settings, "runtime": runtime, "owns_runtime": False}
    return Litestar(
        route_handlers=[
            index,
            static_router,
            QueryController,
            TraceController,
            ConceptController,
            CalculateController,
            EventController,
            AdminController,
            HealthController,
            PrometheusController,
        ],
        on_startup=[start_runtime],
        on_shutdown=[stop_runtime],
        middleware=[rate_limit.middleware, prometheus.middleware],
        cors_config=cors,
        exception_handlers=EXCEPTION_HANDLERS,
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


def _state(values: dict[str, Any]) -> Any:
    from litestar.datastructures import State

    return State(values)


def create_app_from_env() -> Litestar:
    """uvicorn factory for ``expgraph serve``: settings from the environment."""
    return create_app(Settings())
