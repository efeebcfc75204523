"""``expgraph ask`` and ``trace`` through a running server (the real app on a loopback port, real models)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from api.app import create_app
from api.runtime import Runtime
from cli.main import app
from cli.server_client import find_server
from config import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(api_settings: Settings, corpus_runtime: Runtime) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(api_settings, corpus_runtime), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_no_server_on_the_configured_port_means_answer_in_process(tmp_path: Path) -> None:
    assert find_server(Settings(data_dir=tmp_path, port=_free_port())) is None


def test_ask_and_trace_go_through_the_server(
    server_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # An empty data dir of its own: the answer can only have come from the server's graph.
    monkeypatch.setenv("EXPGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EXPGRAPH_SERVER_URL", server_url)
    asked = CliRunner().invoke(app, ["ask", "What sample size do I need for 5% MDE at 80% power?", "--json"])
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)
    assert answer["answer"] and answer["trace_id"]
    assert not (tmp_path / "expgraph.db").exists()  # no local database was opened
    traced = CliRunner().invoke(app, ["trace", answer["trace_id"], "--json"])
    assert traced.exit_code == 0, traced.output
    assert json.loads(traced.stdout)["trace_id"] == answer["trace_id"]
