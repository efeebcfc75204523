"""Concepts, calculators, the event log, admin writes, health, metrics and the API's guards."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from config import Settings
from engine.db import Database
from engine.store import EventStore
from tests.api.conftest import API_KEY
from tests.engine.sample_events import document


def test_concept_search_detail_and_paths(client: TestClient) -> None:  # type: ignore[type-arg]
    found = client.get("/concepts", params={"q": "CUPED"}).json()["concepts"]
    assert found[0]["concept_id"] == "cuped"
    detail = client.get("/concepts/cuped").json()
    assert detail["concept"]["name"] == "CUPED"
    assert "embedding" not in detail["concept"]
    assert detail["neighbours"], "CUPED is related to other concepts"
    assert all(n["reads_as"] for n in detail["neighbours"])
    paths = client.get("/concepts/variance/paths/sample-size").json()["paths"]
    assert paths[0]["node_ids"][0] == "variance"
    assert paths[0]["node_ids"][-1] == "sample-size"
    missing = client.get("/concepts/no-such-concept")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_calculators_run_and_reject_bad_parameters_with_the_field(client: TestClient) -> None:  # type: ignore[type-arg]
    tools = client.get("/calculate").json()["tools"]
    assert any(t["name"] == "srm_check" for t in tools)
    # R stats docs example: power.prop.test(p1 = .50, p2 = .75, power = .90) prints n = 76.7 per group
    ok = client.post(
        "/calculate/proportions_sample_size",
        json={"baseline": 0.5, "p2": 0.75, "power": 0.9, "method": "pooled"},
    )
    assert ok.status_code == 200, ok.text
    assert round(ok.json()["outputs"]["n_control"], 1) == 76.7
    assert ok.json()["outputs_rounded"]["n_control"] == 77
    bad = client.post("/calculate/proportions_sample_size", json={"baseline": 1.7, "mde": 0.05})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "baseline"
    assert client.post("/calculate/astrology", json={}).status_code == 404
    # a reported interval, read back: a 95% interval touching 0 is significant at exactly p = 0.05
    read = client.post("/calculate/interval_reading", json={"lower": 0.0, "upper": 2.0})
    assert read.status_code == 200, read.text
    assert abs(read.json()["outputs"]["p_value"] - 0.05) < 1e-9
    backwards = client.post("/calculate/interval_reading", json={"lower": 2.0, "upper": 1.0})
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "upper"


def test_the_event_log_pages_by_position(client: TestClient) -> None:  # type: ignore[type-arg]
    first = client.get("/events", params={"limit": 5}).json()
    assert [e["position"] for e in first["events"]] == [1, 2, 3, 4, 5]
    second = client.get("/events", params={"after": first["next_after"], "limit": 5}).json()
    assert second["events"][0]["position"] == 6
    assert client.get("/events", params={"limit": 100_000}).status_code == 400


def test_ingest_and_replay_need_the_api_key(writable_client: TestClient) -> None:  # type: ignore[type-arg]
    doc = {
        "filename": "notes.md",
        "content": "# Holdouts\n\nA long-term holdout keeps 5% of users on the old experience.\n",
    }
    assert writable_client.post("/ingest", json=doc).status_code == 401
    assert writable_client.post("/ingest", json=doc, headers={"X-API-Key": "wrong"}).status_code == 401
    created = writable_client.post("/ingest", json=doc, headers={"X-API-Key": API_KEY})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["positions"] and body["positions"][0] == 1
    again = writable_client.post("/ingest", json=doc, headers={"X-API-Key": API_KEY}).json()
    assert again["events_appended"] == 0, "re-ingesting an unchanged document appends nothing"
    events = writable_client.get("/events").json()["events"]
    assert [e["position"] for e in events] == body["positions"]
    replayed = writable_client.post("/admin/replay", json={}, headers={"X-API-Key": API_KEY})
    assert replayed.status_code == 200, replayed.text
    as_of = writable_client.post(
        "/admin/replay", json={"as_of": body["positions"][-1]}, headers={"X-API-Key": API_KEY}
    )
    assert as_of.json()["hash"] == replayed.json()["hash"], "as-of the head equals the live graph"


def test_ingesting_bad_content_is_refused_and_writes_nothing(writable_client: TestClient) -> None:  # type: ignore[type-arg]
    headers = {"X-API-Key": API_KEY}
    binary = writable_client.post("/ingest", json={"filename": "x.md", "content": "a\x00b"}, headers=headers)
    assert binary.status_code == 422
    bad_front_matter = "---\nid: [unclosed\n---\n# Title\n\nBody text.\n"
    bad = writable_client.post(
        "/ingest", json={"filename": "bad.md", "content": bad_front_matter}, headers=headers
    )
    assert bad.status_code == 422
    assert "bad.md" in bad.json()["error"]["message"]
    assert writable_client.get("/events").json()["events"] == []
    traversal = writable_client.post(
        "/ingest", json={"filename": "../etc.md", "content": "x"}, headers=headers
    )
    assert traversal.status_code == 400


def test_health_ready_metrics_and_openapi(client: TestClient) -> None:  # type: ignore[type-arg]
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready").json()
    assert ready["ready"] is True and ready["checks"]["log_position"] > 0
    assert ready["checks"]["projection_position"] == ready["checks"]["log_position"]
    assert ready["checks"]["lag"] == 0
    client.post("/query", json={"question": "What is a p-value?"})
    metrics = client.get("/metrics").text
    assert "expgraph_requests_total" in metrics
    assert 'expgraph_planner_node_seconds_count{node="retrieve"}' in metrics
    spec = client.get("/schema/openapi.json").json()
    assert "/query" in spec["paths"] and "/calculate/{tool}" in spec["paths"]
    page = client.get("/")
    assert page.status_code == 200 and '<form id="ask-form"' in page.text
    external = re.compile(
        r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|fetch\(\s*["'`]https?:|from\s+["']https?:"""
    )
    for asset in ("/", "/static/app.js", "/static/style.css"):
        text = client.get(asset).text
        assert not external.search(text), f"{asset} must not load anything from the network"


def test_reads_can_be_closed_and_clients_are_rate_limited(
    api_settings: Settings, corpus_runtime: Runtime
) -> None:
    closed = api_settings.model_copy(update={"open_reads": False, "rate_limit_per_minute": 3})
    with TestClient(app=create_app(closed, corpus_runtime)) as client:
        assert client.get("/concepts/cuped").status_code == 401
        assert client.get("/concepts/cuped", headers={"X-API-Key": API_KEY}).status_code == 200
        statuses = [
            client.get("/concepts/cuped", headers={"X-API-Key": API_KEY}).status_code for _ in range(4)
        ]
        assert 429 in statuses
        limited = client.get("/concepts/cuped", headers={"X-API-Key": API_KEY})
        assert limited.json()["error"]["status"] == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert limited.headers["Retry-After"].isdigit()
        assert client.get("/health").status_code == 200, "health is never rate limited"


def test_ready_is_503_with_the_lag_while_the_projection_is_behind_the_log(
    api_settings: Settings, db: Database, embedder: object, generator: object
) -> None:
    """Defect 1 of issue 13: a runtime over a log whose projection lags (a crash after an append) was "ready"."""
    store = EventStore(db)
    doc = document("lagging", chunks=3)
    store.append(doc.stream_id, doc.events)
    runtime = Runtime.from_parts(api_settings, db, embedder, generator)
    with TestClient(app=create_app(api_settings, runtime)) as client:
        behind = client.get("/ready")
        assert behind.status_code == 503
        checks = behind.json()["checks"]
        assert (checks["log_position"], checks["projection_position"], checks["lag"]) == (4, 0, 4)
        assert runtime.catch_up() == 4
        ready = client.get("/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"]["lag"] == 0


def test_ready_while_the_answer_model_loads_and_503_with_the_reason_when_it_cannot(
    api_settings: Settings, db: Database, embedder: object, tmp_path: Path
) -> None:
    from model.backends.generation_process import ProcessGenerator
    from model.backends.transformers_local import model_identity
    from model.generator import GeneratorUnavailableError

    broken = tmp_path / "broken-model"
    shutil.copytree(model_identity(api_settings, cuda=False).source, broken)
    (broken / "model.safetensors").write_bytes(b"these are not weights")
    child = ProcessGenerator(api_settings.model_copy(update={"generator_model": str(broken)}))
    runtime = Runtime.from_parts(api_settings, db, embedder, child)
    try:
        with TestClient(app=create_app(api_settings, runtime)) as client:
            loading = client.get("/ready")
            assert loading.status_code == 200, loading.text  # nothing to catch up; the model is still loading
            assert loading.json()["checks"]["model_loaded"] is False
            with pytest.raises(GeneratorUnavailableError):
                child.wait_loaded(timeout=300)
            failed = client.get("/ready")
            assert failed.status_code == 503
            assert "the answer model could not load" in failed.json()["checks"]["error"]
    finally:
        child.close()
