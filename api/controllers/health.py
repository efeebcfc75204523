"""Liveness (``/health``) and readiness (``/ready``: database reachable, model loaded)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State


class HealthController(Controller):
    path = "/"
    tags = ["health"]

    @get("/health", summary="The process is up")
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready", summary="Database reachable and models loaded", sync_to_thread=True)
    def ready(self, state: State) -> Response[dict[str, Any]]:
        runtime = state.get("runtime")
        checks: dict[str, Any] = {"runtime": runtime is not None}
        if runtime is not None:
            try:
                checks["log_position"] = runtime.head()
                checks["database"] = True
            except Exception as exc:  # readiness must report, not raise
                checks["database"] = False
                checks["database_error"] = type(exc).__name__
            checks["model"] = getattr(runtime.generator, "model_id", None)
            checks["model_loaded"] = bool(getattr(runtime.generator, "loaded", True))
        ok = bool(checks.get("database")) and bool(checks.get("model_loaded"))
        return Response({"ready": ok, "checks": checks}, status_code=200 if ok else 503)
