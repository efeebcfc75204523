"""Experiment analyses as a service: run the pure scorecard, store it with its inputs' hash, read it back.

Analyses live in the ``analysis`` table (migration 0018), never in the event log: uploaded results are not knowledge,
so replay neither needs nor rebuilds them. The stored record is the scorecard (with its calculator trace), the
options, the inputs hash and the source format; the uploaded data itself is not kept.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from analysis.request import AnalysisRequest
from analysis.scorecard import analyse
from engine.graph_reads import QueryRunner
from planner.trace_store import jsonable

_ID = re.compile(r"^[0-9a-f]{32}$")


class AnalysisNotFoundError(LookupError):
    """No stored analysis with this id; the message says where ids come from."""


def run_analysis(request: AnalysisRequest, limit: int) -> dict[str, Any]:
    """The analysis record (not stored): id, inputs hash, format, options, scorecard with its trace."""
    data = request.load(limit)
    scorecard = analyse(data, request.options)
    return _without_none(
        {
            "analysis_id": uuid.uuid4().hex,
            "inputs_hash": request.inputs_hash,
            "format": request.format,
            "options": asdict(request.options),
            "created_at": datetime.now(UTC).isoformat(),
            **scorecard.to_dict(),
        }
    )


def _without_none(value: Any) -> Any:
    """JSON-safe and without null fields, which the database drops: what POST returns, GET returns too."""
    value = jsonable(value)
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def save_analysis(db: QueryRunner, record: dict[str, Any]) -> str:
    analysis_id = str(record["analysis_id"])
    db.query("UPSERT type::thing('analysis', $id) CONTENT $doc", {"id": analysis_id, "doc": jsonable(record)})
    return analysis_id


def analyse_and_store(db: QueryRunner, request: AnalysisRequest, limit: int) -> dict[str, Any]:
    """Run the analysis and keep it; nothing is stored when the input is rejected."""
    record = run_analysis(request, limit)
    save_analysis(db, record)
    return record


def get_analysis(db: QueryRunner, analysis_id: str) -> dict[str, Any]:
    if not _ID.match(analysis_id):
        raise AnalysisNotFoundError(
            f"{analysis_id!r} is not an analysis id; ids are 32 hex characters, returned as analysis_id by POST /analyze"
        )
    rows = db.query("SELECT * OMIT id FROM type::thing('analysis', $id)", {"id": analysis_id})
    if not rows:
        raise AnalysisNotFoundError(
            f"no analysis {analysis_id}; analyses are kept in the database they ran on"
        )
    row = rows[0] if isinstance(rows, list) else rows
    return dict(row)
