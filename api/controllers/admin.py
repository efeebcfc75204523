"""Write endpoints behind the API key: ``POST /ingest`` and ``POST /admin/replay``."""

from __future__ import annotations

from litestar import Controller, post

from api.errors import Unprocessable
from api.responses import Ingested, Replayed
from api.schemas import IngestRequest, ReplayRequest
from api.security import require_api_key
from api.uploads import safe_upload_name
from engine.replay import ReplayRangeError
from engine.store import EventStore
from ingest.source_document import IngestValidationError
from services.writes import GraphWriter


class AdminController(Controller):
    path = "/"
    tags = ["admin"]
    guards = [require_api_key]

    @post(
        "/ingest",
        summary="Ingest one Markdown or text document; returns the appended positions",
        status_code=201,
        sync_to_thread=True,
    )
    def ingest(self, data: IngestRequest, writer: GraphWriter, store: EventStore) -> Ingested:
        safe_upload_name(data.filename)
        if "\x00" in data.content:
            raise Unprocessable(
                "the content looks binary (NUL bytes); send UTF-8 text or Markdown", field="content"
            )
        try:
            report = writer.ingest_upload(data.filename, data.content)
        except IngestValidationError as exc:
            problems = [{"line": p.line, "message": p.message} for p in exc.problems]
            raise Unprocessable(
                f"{data.filename}: {problems[0]['message']} (line {problems[0]['line']})", field="content"
            ) from exc
        first, last = report.first_position, report.last_position
        positions = list(range(first, last + 1)) if report.events_appended and first and last else []
        return Ingested(
            filename=data.filename,
            events_appended=report.events_appended,
            positions=positions,
            summary=report.summary(),
            head=store.head(),
        )

    @post(
        "/admin/replay",
        summary="Rebuild the graph from the log (as_of: into a separate namespace)",
        status_code=200,
        sync_to_thread=True,
    )
    def replay(self, data: ReplayRequest, writer: GraphWriter) -> Replayed:
        try:
            done = writer.replay(as_of=data.as_of, verify=data.verify)
        except ReplayRangeError as exc:
            raise Unprocessable(str(exc), field="as_of") from None
        return Replayed(done.namespace, done.database, done.position, done.events, done.seconds, done.hash)
