"""Write endpoints behind the API key: ``POST /ingest`` and ``POST /admin/replay``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, post
from litestar.di import Provide

from api.dependencies import provide_runtime
from api.errors import Unprocessable
from api.runtime import Runtime, ingest_upload
from api.schemas import IngestRequest, ReplayRequest
from api.security import require_api_key
from api.uploads import safe_upload_name
from engine.replay import ReplayRangeError, check_as_of, graph_hash, replay
from ingest.source_document import IngestValidationError


class AdminController(Controller):
    path = "/"
    tags = ["admin"]
    guards = [require_api_key]
    dependencies = {"runtime": Provide(provide_runtime, sync_to_thread=False)}

    @post(
        "/ingest",
        summary="Ingest one Markdown or text document; returns the appended positions",
        status_code=201,
        sync_to_thread=True,
    )
    def ingest(self, data: IngestRequest, runtime: Runtime) -> dict[str, Any]:
        safe_upload_name(data.filename)
        if "\x00" in data.content:
            raise Unprocessable(
                "the content looks binary (NUL bytes); send UTF-8 text or Markdown", field="content"
            )
        try:
            report = ingest_upload(runtime, data.filename, data.content)
        except IngestValidationError as exc:
            problems = [{"line": p.line, "message": p.message} for p in exc.problems]
            raise Unprocessable(
                f"{data.filename}: {problems[0]['message']} (line {problems[0]['line']})", field="content"
            ) from exc
        positions = (
            list(range(report.first_position, report.last_position + 1)) if report.events_appended else []
        )
        return {
            "filename": data.filename,
            "events_appended": report.events_appended,
            "positions": positions,
            "summary": report.summary(),
            "head": runtime.head(),
        }

    @post(
        "/admin/replay",
        summary="Rebuild the graph from the log (as_of: into a separate namespace)",
        status_code=200,
        sync_to_thread=True,
    )
    def replay(self, data: ReplayRequest, runtime: Runtime) -> dict[str, Any]:
        if data.as_of is not None:
            try:
                check_as_of(data.as_of, runtime.head())
            except ReplayRangeError as exc:
                raise Unprocessable(str(exc), field="as_of") from None
        with runtime.write_lock:
            report = replay(runtime.settings, as_of=data.as_of, db=runtime.db)
            result: dict[str, Any] = {
                "namespace": report.ns,
                "database": report.name,
                "position": report.position,
                "events": report.events,
                "seconds": round(report.seconds, 3),
            }
            if data.verify:
                if data.as_of is None:
                    result["hash"] = graph_hash(runtime.db)
                else:
                    with runtime.db.sibling(report.ns, report.name) as target:
                        result["hash"] = graph_hash(target)
        runtime.cache.clear()
        return result
