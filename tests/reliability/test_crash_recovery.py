"""Crash tests with real processes: ``kill -9`` the CLI ingest and the server at named points, then check the log.

Each point is reached with the ``EXPGRAPH_TEST_CRASH_AT`` test seam (``Settings.test_crash_at``; the process
SIGKILLs itself there, as a power cut would), because from outside no moment between "the append committed" and
"the projection ran" can be observed reliably. After each kill the test asserts:
- no gap: positions run 1..head; no half document: every document in the log has all its events, the same events a
  clean run appends;
- the projection catches up on restart (a graph-reading command, or the server before it reports ready);
- the caught-up graph's hash equals a full replay (``replay --verify`` says it matches);
- no data lost: re-running the ingest appends exactly what was missing (or nothing, if the append had committed).
A small document set keeps each run short; the database is a ``surrealkv://`` file, as in production.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from engine.db import open_database
from engine.projection import projection_status
from engine.store import EventStore
from tests.conftest import TEST_CACHE_DIR, suite_embedding_cache
from tests.reliability.conftest import API_KEY

CLI = Path(sys.executable).with_name("expgraph")
REPO = Path(__file__).resolve().parents[2]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPGRAPH_")}
    env.update(
        EXPGRAPH_DATA_DIR=str(data_dir),
        EXPGRAPH_CACHE_DIR=str(TEST_CACHE_DIR),
        EXPGRAPH_EMBEDDING_CACHE=str(suite_embedding_cache()),
        EXPGRAPH_BOOTSTRAP_CORPUS="false",
        # `ask` would send the question to a server answering on host:port; nothing listens on port 1.
        EXPGRAPH_PORT="1",
        EXPGRAPH_RATE_LIMIT_PER_MINUTE="100000",
        EXPGRAPH_API_KEY_HASH=__import__("hashlib").sha256(API_KEY.encode()).hexdigest(),
        **extra,
    )
    return env


def expgraph(data_dir: Path, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    extra = {"EXPGRAPH_TEST_CRASH_AT": crash_at} if crash_at else {}
    return subprocess.run(
        [str(CLI), *args], cwd=REPO, env=_env(data_dir, **extra), capture_output=True, text=True, timeout=400
    )


def log_facts(data_dir: Path) -> dict[str, Any]:
    """What the log and projection hold, read by this process once the other one is gone."""
    with open_database(Settings(data_dir=data_dir)) as db:
        store = EventStore(db)
        events = list(store.read())
        status = projection_status(db)
    return {
        "positions": [e.position for e in events],
        "head": status.log_position,
        "checkpoint": status.projection_position,
        "by_type": Counter(e.event_type for e in events),
        "documents": {e.payload.doc_id for e in events if e.event_type == "DocumentIngested"},  # type: ignore[attr-defined]
    }


def assert_whole(facts: dict[str, Any], clean: dict[str, Any] | None) -> None:
    """No gap, and either nothing or everything a clean run appends (no half document)."""
    assert facts["positions"] == list(range(1, facts["head"] + 1))
    if clean is not None and facts["head"]:
        assert facts["by_type"] == clean["by_type"], "a crashed ingest left part of its documents in the log"
        assert facts["documents"] == clean["documents"]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The small document set ingested once without a crash: what a complete ingest appends."""
    from tests.reliability.conftest import SMALL_DOCS

    root = tmp_path_factory.mktemp("crash")
    docs = root / "docs"
    docs.mkdir()
    for name, text in SMALL_DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    data = root / "clean"
    done = expgraph(data, "ingest", str(docs))
    assert done.returncode == 0, done.stderr[-800:]
    facts = log_facts(data)
    assert facts["head"] >= 6 and facts["checkpoint"] == facts["head"]
    return docs, facts


@pytest.mark.parametrize(
    ("point", "appended"),
    [("before_append", False), ("after_append", True), ("projection_folded", True)],
)
def test_kill_9_during_cli_ingest_loses_nothing_and_the_projection_catches_up(
    clean_run: tuple[Path, dict[str, Any]], tmp_path: Path, point: str, appended: bool
) -> None:
    docs, clean = clean_run
    data = tmp_path / "data"
    killed = expgraph(data, "ingest", str(docs), crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-600:]

    facts = log_facts(data)
    assert_whole(facts, clean)
    assert facts["head"] == (clean["head"] if appended else 0)
    assert facts["checkpoint"] == 0, "the kill came before any projection batch committed"

    # Restart: a graph-reading command catches the projection up before it reads.
    hashed = expgraph(data, "graph", "hash")
    assert hashed.returncode == 0, hashed.stderr[-600:]
    after = log_facts(data)
    assert after["checkpoint"] == after["head"]
    # The caught-up graph equals a full replay of the log.
    verified = expgraph(data, "replay", "--verify")
    assert verified.returncode == 0, verified.stderr[-600:]
    assert "live projection hash matches" in verified.stderr
    assert hashed.stdout.strip() == verified.stdout.strip().splitlines()[-1]

    # No data lost: running the ingest again appends exactly what the crash prevented.
    again = expgraph(data, "ingest", str(docs))
    assert again.returncode == 0, again.stderr[-600:]
    final = log_facts(data)
    assert_whole(final, clean)
    assert final["head"] == clean["head"] and final["checkpoint"] == final["head"]


# ----------------------------------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data: Path, crash_at: str | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        extra = {"EXPGRAPH_TEST_CRASH_AT": crash_at} if crash_at else {}
        self.log = open(data.parent / f"serve-{self.port}.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(CLI), "serve", "--no-bootstrap", "--port", str(self.port)],
            cwd=REPO, env=_env(data, **extra), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.readiness: list[tuple[int, dict[str, Any]]] = []

    def call(self, method: str, path: str, body: Any = None, timeout: float = 120) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "X-API-Key": API_KEY}
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def wait_ready(self, limit: float = 400) -> dict[str, Any]:
        started = time.monotonic()
        while time.monotonic() - started < limit:
            assert self.proc.poll() is None, Path(self.log.name).read_text()[-2000:]
            try:
                status, body = self.call("GET", "/ready", timeout=5)
                self.readiness.append((status, body))
                if status == 200:
                    return body  # type: ignore[no-any-return]
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise AssertionError("server never became ready: " + Path(self.log.name).read_text()[-2000:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


UPLOAD = {
    "filename": "crash-upload.md",
    "content": "# Crash upload\n\nA document uploaded while the server dies.\n",
}


def _children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc: Linux, like the crash seams themselves)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped by whoever adopted it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pids: list[int], limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not [p for p in pids if _running(p)]:
            return True
        time.sleep(0.2)
    return False


def test_kill_9_of_the_server_mid_upload_leaves_no_file_and_no_events(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data, crash_at="upload_written")
    try:
        server.wait_ready()
        children = _children_of(server.proc.pid)
        assert children, "serve runs its generator in a child process"
        with pytest.raises((urllib.error.URLError, ConnectionError, TimeoutError)):
            server.call("POST", "/ingest", UPLOAD)
        server.proc.wait(30)
        assert server.proc.returncode == -signal.SIGKILL
        # The generator's process does not outlive a server killed without any chance to clean up.
        assert _wait_gone(children, 30), f"orphaned children still running: {children}"
    finally:
        server.stop()
    uploads = data / "uploads"
    assert (uploads / UPLOAD["filename"]).exists(), "the kill came after the file was written"
    facts = log_facts(data)
    assert facts["head"] == 0

    server = Server(data)
    try:
        ready = server.wait_ready()
        assert ready["checks"]["lag"] == 0
        # The restart rolled the half-done upload back: no file that the log never accepted.
        assert not (uploads / UPLOAD["filename"]).exists()
        assert not [p for p in uploads.rglob("*") if p.is_file()]
        status, body = server.call("POST", "/ingest", UPLOAD)
        assert status == 201, body
        assert body["events_appended"] > 0 and body["positions"][0] == 1
    finally:
        server.stop()
    final = log_facts(data)
    assert final["positions"] == list(range(1, final["head"] + 1))
    assert final["checkpoint"] == final["head"]
    verified = expgraph(data, "replay", "--verify")
    assert verified.returncode == 0 and "matches" in verified.stderr, verified.stderr[-600:]


def test_the_server_catches_up_before_it_reports_ready(
    clean_run: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Defect 1: events appended by ``ingest --no-project`` (a crash after the append) are projected on start."""
    docs, clean = clean_run
    data = tmp_path / "data"
    appended = expgraph(data, "ingest", "--no-project", str(docs))
    assert appended.returncode == 0, appended.stderr[-600:]
    assert log_facts(data)["checkpoint"] == 0
    server = Server(data)
    try:
        ready = server.wait_ready()
        assert ready["checks"]["log_position"] == clean["head"]
        assert ready["checks"]["projection_position"] == clean["head"]
        assert ready["checks"]["lag"] == 0
        # Every 503 seen while starting said why and (once the database was open) how far the projection was.
        for status, body in server.readiness:
            if status == 503:
                assert body["ready"] is False and body["checks"]["phase"]
        status, events = server.call("GET", "/events?limit=1")
        assert status == 200 and events["head"] == clean["head"]
    finally:
        server.stop()


def test_replay_verify_never_passes_silently_when_the_projection_lags(
    clean_run: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Defect 2: after ``ingest --no-project`` the old ``replay --verify`` printed one hash and exited 0."""
    docs, clean = clean_run
    data = tmp_path / "data"
    assert expgraph(data, "ingest", "--no-project", str(docs)).returncode == 0
    verified = expgraph(data, "replay", "--verify")
    assert verified.returncode == 0, verified.stderr[-600:]
    said = verified.stderr.replace("\n", " ")
    assert f"{clean['head']} event(s) behind the log; caught it up first" in said
    assert "live projection hash matches the rebuild" in said
