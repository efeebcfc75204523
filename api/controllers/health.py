"""Liveness (``/health``) and readiness (``/ready``: database reachable, projection caught up with the log).

The answer model may still be loading when the service is ready: answers that need no model (most of them) are
served at once and those that do wait for it. ``model_loaded`` says which; a model that failed to load makes the
service not ready (503, with the reason in ``error``).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State

from api.errors import ErrorCatalogue, error_catalogue
from api.responses import Health, Readiness, ReadyChecks
from api.runtime import Runtime, Startup


def _positions(checks: ReadyChecks, status: Any) -> None:
    if status is not None:
        checks.log_position = status.log_position
        checks.projection_position = status.projection_position
        checks.lag = status.lag


class HealthController(Controller):
    path = "/"
    tags = ["health"]

    @get("/health", summary="The process is up")
    async def health(self) -> Health:
        return Health("ok")

    @get(
        "/errors",
        summary="Every error code the API answers with (a stable set), what it means, and the shape",
    )
    async def errors(self) -> ErrorCatalogue:
        return error_catalogue()

    @get(
        "/ready",
        summary="Ready: database reachable, projection caught up with the log (lag 0), model not failed; else 503",
        sync_to_thread=True,
    )
    def ready(self, state: State) -> Response[Readiness]:
        runtime: Runtime | None = state.get("runtime")
        startup: Startup | None = state.get("startup")
        checks = ReadyChecks(runtime=runtime is not None)
        if runtime is None:
            # Still starting: say what it is doing and how far the projection has to go.
            checks.phase = startup.phase if startup is not None else "starting"
            if startup is not None and startup.error:
                checks.error = startup.error
            try:
                _positions(checks, startup.status() if startup is not None else None)
            except Exception as exc:  # readiness must report, not raise
                checks.database_error = type(exc).__name__
            return Response(Readiness(False, checks), status_code=503)
        try:
            status = runtime.projection()
            _positions(checks, status)
            checks.database = True
        except Exception as exc:  # readiness must report, not raise
            status = None
            checks.database = False
            checks.database_error = type(exc).__name__
        checks.phase = "ready"
        checks.model = getattr(runtime.generator, "model_id", None)
        checks.model_loaded = bool(getattr(runtime.generator, "loaded", True))
        failure = getattr(runtime.generator, "failure", None)
        if failure:
            checks.error = f"the answer model could not load: {failure}"
        # A lag while a write holds the lock is an ingest between its append and its projection; a lag with no
        # writer means events nobody will project, so the graph being served is stale.
        stale = status is not None and status.lag > 0 and not runtime.write_lock.locked()
        if stale:
            checks.phase = "projection behind the log"
        ok = bool(checks.database) and not failure and not stale
        return Response(Readiness(ok, checks), status_code=200 if ok else 503)
