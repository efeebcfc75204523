"""The ``expgraph`` command through its real entry point (typer's runner in-process, a subprocess for ``serve``).

Real parts: a surrealkv data directory per test, the real embedder for ingest. Bad arguments exit 2 with a message;
``--json`` output parses and has the documented keys.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from config import REPO_ROOT, Settings
from engine.db import open_database
from engine.migrations import migrate
from planner.trace_store import save_trace
from tests.conftest import cache_env

runner = CliRunner()

DOC = """# Guardrail metrics

A guardrail metric is a metric that must not get worse while the experiment optimises its goal metric.
Teams stop a test when a guardrail such as page load time or unsubscribe rate degrades significantly.
"""


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "EXPGRAPH_DATA_DIR": str(data_dir),
        "EXPGRAPH_DB_URL": f"surrealkv://{data_dir / 'expgraph.db'}",
        **cache_env(),
        "EXPGRAPH_PORT": "1",  # no server to find: the commands use the data directory
        "COLUMNS": "80",
        **extra,
    }


def invoke(args: list[str], data_dir: Path, **extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, args, env=_env(data_dir, **extra))


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["ask"],
        ["trace"],
        ["serve"],
        ["train"],
        ["eval"],
        ["events", "tail"],
        ["replay"],
        ["collect", "arxiv"],
    ],
)
def test_help_has_no_type_tags_on_flags(command: list[str], tmp_path: Path) -> None:
    result = invoke([*command, "--help"], tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert not (tmp_path / "data").exists(), "--help must not create a data directory"


def test_root_help_offers_verbose(tmp_path: Path) -> None:
    result = invoke(["--help"], tmp_path / "data")
    assert "--verbose" in result.output and "logs" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "question is empty"),
        (["ask", "   "], "question is empty"),
        (["ask", "what is power?", "--max-hops", "many"], "Invalid value for '--max-hops'"),
        (["replay", "--as-of", "-3"], "1 or more"),
        (["events", "tail", "-n", "ten"], "Invalid value for '-n'"),
        (["train", "--lora-r", "eight"], "Invalid value for '--lora-r'"),
        (["collect", "arxiv", "--max-results", "lots"], "Invalid value for '--max-results'"),
        (["trace"], "Missing argument"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args: list[str], message: str, tmp_path: Path) -> None:
    result = invoke(args, tmp_path / "data")
    assert result.exit_code == 2, result.output
    assert message in _unboxed(result.output)


def _unboxed(text: str) -> str:
    """rich draws errors in a box and wraps them; the words, joined back."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def test_trace_without_a_data_directory_says_so_and_creates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "nowhere"
    result = invoke(["trace", "0" * 32], data)
    assert result.exit_code == 1
    assert "no database at" in result.output and "EXPGRAPH_DATA_DIR" in result.output
    assert not data.exists()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with a database (migrated) and one stored trace."""
    data = tmp_path / "data"
    settings = Settings(data_dir=data, db_url=f"surrealkv://{data / 'expgraph.db'}")
    with open_database(settings) as db:
        migrate(db)
        save_trace(
            db,
            {
                "trace_id": "a" * 32,
                "question": "What is CUPED?",
                "intent": "conceptual",
                "as_of": 0,
                "route": ["understand", "respond"],
                "nodes": [{"node": "understand", "ms": 1.5, "outputs": {"intent": "conceptual"}}],
            },
        )
    return data


def test_trace_prints_a_stored_trace_and_its_json(data_dir: Path) -> None:
    shown = invoke(["trace", "a" * 32], data_dir)
    assert shown.exit_code == 0, shown.output
    assert "What is CUPED?" in shown.output and "understand" in shown.output
    as_json = invoke(["trace", "a" * 32, "--json"], data_dir)
    body = json.loads(as_json.stdout)
    assert body["trace_id"] == "a" * 32 and body["nodes"][0]["node"] == "understand"
    missing = invoke(["trace", "b" * 32], data_dir)
    assert missing.exit_code == 1 and "no trace" in missing.output


def test_ingest_then_events_tail_fits_80_columns_and_json_lines(data_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "guardrails.md"
    doc.write_text(DOC)
    ingested = invoke(["ingest", str(doc)], data_dir)
    assert ingested.exit_code == 0, ingested.output
    assert "pip install kernels" not in ingested.output and "Loading weights" not in ingested.output
    tail = invoke(["events", "tail", "-n", "5"], data_dir)
    assert tail.exit_code == 0, tail.output
    lines = [ln for ln in tail.stdout.splitlines() if ln.strip()]
    assert len(lines) >= 2  # header and events
    assert max(len(ln) for ln in lines) <= 80, "\n".join(lines)
    assert "DocumentIngested" in tail.stdout
    as_json = invoke(["events", "tail", "-n", "3", "--json"], data_dir)
    events = [json.loads(ln) for ln in as_json.stdout.splitlines()]
    assert 1 <= len(events) <= 3
    assert {"position", "event_type", "stream_id", "payload", "provenance"} <= set(events[0])
    positions = [e["position"] for e in events]
    assert positions == sorted(positions)
    head = positions[-1]
    past = invoke(["replay", "--as-of", str(head + 100)], data_dir)
    assert past.exit_code == 2 and "past the log head" in past.output


def test_ingest_embeds_the_sentences_answers_weigh_and_says_how_many(data_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "guardrails.md"
    doc.write_text(DOC)
    first = invoke(["ingest", str(doc)], data_dir, EXPGRAPH_WARM_ANSWER_VECTORS="true")
    assert first.exit_code == 0, first.output
    assert re.search(r"answer vectors: 2 sentence\(s\), \d+ newly embedded", first.stdout), first.stdout
    again = invoke(["ingest", str(doc)], data_dir, EXPGRAPH_WARM_ANSWER_VECTORS="true")
    assert "answer vectors: 2 sentence(s), 0 newly embedded" in again.stdout, again.stdout
    off = invoke(["ingest", str(doc)], data_dir, EXPGRAPH_WARM_ANSWER_VECTORS="false")
    assert off.exit_code == 0 and "answer vectors" not in off.stdout


def test_eval_reports_default_outside_the_source_tree(tmp_path: Path) -> None:
    result = invoke(["eval", "--help"], tmp_path / "data")
    assert "<data_dir>/eval-reports" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.timeout(900)
def test_serve_starts_answers_ready_and_stops_quietly(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EXPGRAPH_")},
        **_env(tmp_path / "data"),
    }
    env["EXPGRAPH_PORT"] = str(port)
    log = tmp_path / "serve.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-bootstrap",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600
        ready = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as reply:
                    ready = json.load(reply)
                    break
            except OSError:
                time.sleep(1)
        assert ready is not None, log.read_text()[-2000:]
        assert ready["ready"] is True
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
    output = log.read_text()
    assert "pip install kernels" not in output and "FutureWarning" not in output
    assert "Application shutdown complete" in output


def test_the_calculator_commands_load_only_when_named() -> None:
    """`ingest`, `ask` and the rest start without scipy.stats/statsmodels; `calc` and `analyze` still work."""
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cli.main import app\n"
        "runner = CliRunner()\n"
        "assert runner.invoke(app, ['version']).exit_code == 0\n"
        "print('statsmodels' in sys.modules, 'tools.registry' in sys.modules)\n"
        "listed = runner.invoke(app, ['--help']).stdout\n"
        "print('calc' in listed and 'analyze' in listed)\n"
        "done = runner.invoke(app, ['calc', 'srm_check', '--counts', '5000,5200', '--json'])\n"
        "print(done.exit_code, 'tools.registry' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=True
    ).stdout.split("\n")
    assert out[:3] == ["False False", "True", "0 True"], out
