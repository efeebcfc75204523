"""As-of answers end to end (issue 20): ingest a document, change it, ask the same question live and as of the
earlier log position, through the API and through ``expgraph ask --as-of``; the citations must follow the log.

The past graph comes from the engine's as-of projection (``engine.replay.as_of_projection``), never from the live
graph: a planner that answered from the live graph would cite the changed text for both questions and fail here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from config import Settings
from engine.db import Database
from tests.reliability.conftest import API_KEY
from tests.reliability.test_crash_recovery import expgraph, log_facts

QUESTION = "What is the zorbling threshold for the loyalty holdout?"
BEFORE = (
    "# Zorbling threshold\n\nThe zorbling threshold for the loyalty holdout is forty-two visits a month; "
    "below it a member counts as lapsed.\n"
)
AFTER = (
    "# Zorbling threshold\n\nThe zorbling threshold for the loyalty holdout was raised to ninety-seven visits a "
    "month; below it a member counts as lapsed.\n"
)


def _quotes(response: dict[str, Any]) -> str:
    return " ".join(c["quote"] + " " + c["title"] for c in response["citations"]).lower()


def test_the_api_answers_as_of_an_earlier_position_from_the_graph_as_it_was(
    settings: Settings, db: Database, embedder: object, generator: object, tmp_path: Path
) -> None:
    app_settings = settings.model_copy(
        update={
            "data_dir": tmp_path,
            "api_key_hash": __import__("hashlib").sha256(API_KEY.encode()).hexdigest(),
        }
    )
    runtime = Runtime.from_parts(app_settings, db, embedder, generator)
    with TestClient(app=create_app(app_settings, runtime)) as client:
        client.headers.update({"X-API-Key": API_KEY, "Cache-Control": "no-cache"})
        first = client.post("/ingest", json={"filename": "zorbling.md", "content": BEFORE})
        assert first.status_code == 201, first.text
        early = first.json()["head"]
        second = client.post("/ingest", json={"filename": "zorbling.md", "content": AFTER})
        assert second.status_code == 201, second.text
        assert second.json()["events_appended"] > 0 and second.json()["head"] > early

        live = client.post("/query", json={"question": QUESTION})
        past = client.post("/query", json={"question": QUESTION, "as_of": early})
        streamed = client.post("/query/stream", json={"question": QUESTION, "as_of": early})
    assert live.status_code == 200 and past.status_code == 200, (live.text[:300], past.text[:300])
    live_body, past_body = live.json(), past.json()
    assert past_body["as_of"] == early and live_body["as_of"] == second.json()["head"]
    assert "ninety-seven" in _quotes(live_body) and "forty-two" not in _quotes(live_body)
    assert "forty-two" in _quotes(past_body) and "ninety-seven" not in _quotes(past_body)
    assert streamed.status_code == 200
    final = [
        line for line in streamed.text.splitlines() if line.startswith("data:") and '"citations"' in line
    ]
    assert final and "forty-two" in final[-1].lower() and "ninety-seven" not in final[-1].lower()


def test_the_cli_asks_as_of_an_earlier_position(tmp_path: Path) -> None:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    doc = docs / "zorbling.md"
    doc.write_text(BEFORE, encoding="utf-8")
    assert expgraph(data, "ingest", str(docs)).returncode == 0
    early = log_facts(data)["head"]
    doc.write_text(AFTER, encoding="utf-8")
    assert expgraph(data, "ingest", str(docs)).returncode == 0
    assert log_facts(data)["head"] > early

    past = expgraph(data, "ask", "--json", "--as-of", str(early), QUESTION)
    live = expgraph(data, "ask", "--json", QUESTION)
    assert past.returncode == 0, past.stderr[-600:]
    assert live.returncode == 0, live.stderr[-600:]
    past_body, live_body = json.loads(past.stdout), json.loads(live.stdout)
    assert past_body["as_of"] == early
    assert "forty-two" in _quotes(past_body) and "ninety-seven" not in _quotes(past_body)
    assert "ninety-seven" in _quotes(live_body) and "forty-two" not in _quotes(live_body)

    beyond = expgraph(data, "ask", "--json", "--as-of", "999999", QUESTION)
    assert beyond.returncode == 2 and "as_of" in beyond.stderr


def test_replay_as_of_refuses_positions_outside_the_log(tmp_path: Path) -> None:
    """Defect 7: ``--as-of -3`` built an empty namespace and exited 0; ``--as-of 999999`` clamped silently."""
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "zorbling.md").write_text(BEFORE, encoding="utf-8")
    assert expgraph(data, "ingest", str(docs)).returncode == 0
    head = log_facts(data)["head"]
    negative = expgraph(data, "replay", "--as-of", "-3")
    assert negative.returncode == 2 and "--as-of" in negative.stderr
    beyond = expgraph(data, "replay", "--as-of", "999999")
    assert beyond.returncode == 2 and f"past the log head {head}" in beyond.stderr.replace("\n", " ")
    inside = expgraph(data, "replay", "--as-of", str(head - 1), "--verify")
    assert inside.returncode == 0, inside.stderr[-600:]
    assert f"incremental projection at {head - 1} hash matches" in inside.stderr.replace("\n", " ")
