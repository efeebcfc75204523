"""``expgraph ask`` answering end to end, and ``expgraph collect arxiv`` then ``expgraph ingest`` growing the graph.

Both run through typer's runner against a real surrealkv data directory, the real embedder and the real model.

``ask`` on a fresh data directory ingests the bundled corpus first (about a minute), so one data directory serves
the whole module. ``collect arxiv`` talks HTTP to a server on 127.0.0.1 (``EXPGRAPH_ARXIV_API_URL``) that answers
with the feed in tests/recordings/arxiv_query.xml: a real HTTP exchange through the real ``arxiv`` client, with a
hand-written body in arXiv's Atom format (see tests/recordings/README.md; not captured from the live API).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.cli.test_cli import invoke

RECORDINGS = Path(__file__).parent.parent / "recordings"

# R 4.3: power.prop.test(p1 = 0.10, p2 = 0.11, power = 0.80) gives n = 14750.8 per group, which rounds up to 14,751.
SAMPLE_SIZE_QUESTION = "How many users per variant to detect a lift from 10% to 11% conversion at 80% power?"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ask") / "data"


@pytest.mark.timeout(1200)
def test_ask_answers_a_sample_size_question_with_the_exact_number(data_dir: Path) -> None:
    result = invoke(["ask", SAMPLE_SIZE_QUESTION], data_dir)
    assert result.exit_code == 0, result.output[-2000:]
    assert "14,751" in result.stdout, result.stdout
    assert "trace: expgraph trace" in result.stdout
    assert "pip install kernels" not in result.output and "FutureWarning" not in result.output


@pytest.mark.timeout(900)
def test_ask_json_has_the_response_shape(data_dir: Path) -> None:
    result = invoke(["ask", "--json", SAMPLE_SIZE_QUESTION], data_dir)
    assert result.exit_code == 0, result.output[-2000:]
    body = json.loads(result.stdout)
    assert {
        "question",
        "answer",
        "intent",
        "citations",
        "calculations",
        "related_concepts",
        "verification",
        "trace_id",
        "as_of",
        "timings_ms",
    } <= set(body)
    assert body["question"] == SAMPLE_SIZE_QUESTION
    assert "14,751" in body["answer"]
    assert body["as_of"] > 0, "the bundled corpus was ingested into the fresh data directory"
    calc = body["calculations"][0]
    assert calc["outputs"]["n_per_variant"] == pytest.approx(14750.8, abs=0.05), calc["outputs"]
    assert calc["outputs"]["n_total"] == pytest.approx(2 * 14750.8, abs=0.1)
    assert len(body["trace_id"]) == 32


class _RecordedArxiv(BaseHTTPRequestHandler):
    body = (RECORDINGS / "arxiv_query.xml").read_bytes()
    paths: list[str] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def arxiv_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RecordedArxiv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _RecordedArxiv.paths.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/query"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _documents(data_dir: Path) -> list[str]:
    tail = invoke(["events", "tail", "-n", "1000", "--json"], data_dir)
    assert tail.exit_code == 0, tail.output
    events = [json.loads(line) for line in tail.stdout.splitlines() if line.strip()]
    return [e["stream_id"] for e in events if e["event_type"] == "DocumentIngested"]


@pytest.mark.timeout(900)
def test_collect_arxiv_then_ingest_grows_the_graph(arxiv_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    papers = tmp_path / "papers.jsonl"
    collected = invoke(
        [
            "collect",
            "arxiv",
            "--query",
            "A/B testing",
            "--max-results",
            "2",
            "--out",
            str(papers),
            "--no-ingest",
        ],
        data,
        EXPGRAPH_ARXIV_API_URL=arxiv_url,
    )
    assert collected.exit_code == 0, collected.output
    assert "2 papers from arXiv" in collected.output
    assert _RecordedArxiv.paths and "search_query=" in _RecordedArxiv.paths[0]
    saved = [json.loads(line) for line in papers.read_text(encoding="utf-8").splitlines()]
    assert [p["arxiv_id"] for p in saved] == ["2212.11366", "1512.04922"]
    assert not data.exists(), "--no-ingest writes nothing to the data directory"

    ingested = invoke(["ingest", str(papers)], data)
    assert ingested.exit_code == 0, ingested.output
    docs = _documents(data)
    assert sorted(d for d in docs if "arxiv" in d) == sorted(d for d in docs), docs
    assert len(docs) == 2 and {"2212.11366", "1512.04922"} == {d.rsplit("arxiv-", 1)[-1] for d in docs}, docs

    again = invoke(["ingest", str(papers)], data)
    assert again.exit_code == 0, again.output
    assert len(_documents(data)) == 2, "unchanged papers append no new documents"
