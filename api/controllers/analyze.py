"""Experiment analysis: ``POST /analyze`` (CSV, Parquet or a question in, scorecard out), ``GET /analyses/{id}``,
and the page at ``GET /analyze``."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import anyio
import msgspec
from litestar import Controller, MediaType, get, post
from litestar.response import File

from analysis.data import AnalysisInputError
from analysis.request import FORMATS, AnalysisRequest, options_from_mapping
from api.controllers.pages import STATIC_DIR
from api.errors import NotFound, Unprocessable
from api.security import require_read_access
from engine.graph_reads import SurrealReadModel
from planner.analysis import AnalysisNotFoundError, get_analysis
from services.writes import GraphWriter


class AnalyzeBody(msgspec.Struct, forbid_unknown_fields=True):
    """One of ``data`` (CSV text), ``data_base64`` (a Parquet or CSV file) or ``question``; ``options`` as in the CLI."""

    data: str | None = None
    data_base64: str | None = None
    question: str | None = None
    format: str | None = None
    options: dict[str, Any] = msgspec.field(default_factory=dict)


class AnalysisRecord(msgspec.Struct):
    """A stored analysis: its id, inputs hash, options, decision and verdict, findings (with citations) and trace."""

    analysis_id: str
    inputs_hash: str
    format: str
    created_at: str
    decision: str
    verdict: str
    options: dict[str, Any]
    summary: dict[str, Any]
    findings: list[dict[str, Any]]
    trace: list[dict[str, Any]]


def _record(data: dict[str, Any]) -> AnalysisRecord:
    return msgspec.convert(data, AnalysisRecord)


def _request(body: AnalyzeBody) -> AnalysisRequest:
    given = [name for name in ("data", "data_base64", "question") if getattr(body, name)]
    if len(given) != 1:
        raise AnalysisInputError(
            "give exactly one of data (CSV text), data_base64 (a file) or question", column="data"
        )
    fmt = (body.format or ("question" if body.question else "csv")).strip().lower()
    if fmt not in FORMATS:
        raise AnalysisInputError(
            f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", column="format"
        )
    if body.data_base64:
        try:
            content = base64.b64decode(body.data_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise AnalysisInputError("is not valid base64", column="data_base64") from exc
    else:
        content = (body.data or body.question or "").encode("utf-8")
    return AnalysisRequest(content, fmt, options_from_mapping(body.options))  # type: ignore[arg-type]


def _analyse(writer: GraphWriter, body: AnalyzeBody) -> dict[str, Any]:
    try:
        return writer.analyse(_request(body))
    except AnalysisInputError as exc:
        raise Unprocessable(str(exc), field=exc.field) from exc


class AnalyzeController(Controller):
    path = "/"
    tags = ["analysis"]
    guards = [require_read_access]

    @get("/analyze", media_type=MediaType.HTML, include_in_schema=False)
    async def page(self) -> File:
        return File(STATIC_DIR / "analyze.html", content_disposition_type="inline", media_type=MediaType.HTML)

    @post(
        "/analyze",
        summary="Analyse an experiment's results: trust checks, metrics, verdict, trace",
        status_code=200,
    )
    async def analyze(self, data: AnalyzeBody, writer: GraphWriter) -> AnalysisRecord:
        """Bad input answers 422 naming the row and column; nothing is stored then. Data never enters the event log."""
        return _record(await anyio.to_thread.run_sync(_analyse, writer, data))

    @get(
        "/analyses/{analysis_id:str}",
        summary="A stored analysis: scorecard, inputs hash and trace",
        sync_to_thread=True,
    )
    def stored(self, analysis_id: str, reads: SurrealReadModel) -> AnalysisRecord:
        try:
            return _record(get_analysis(reads.db, analysis_id))
        except AnalysisNotFoundError as exc:
            raise NotFound(str(exc)) from exc
