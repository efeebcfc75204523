"""arXiv collector against a stand-in HTTP response.

The feed in tests/recordings/arxiv_query.xml was written by hand in arXiv's Atom format (this machine has no
network), not captured from the live API; see tests/recordings/README.md. It is served through a requests transport
adapter mounted on the ``arxiv`` client's session, so the real ``arxiv`` package parses it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import arxiv
import pytest
import requests
from requests.adapters import BaseAdapter

from engine.db import Database
from engine.store import EventStore
from ingest.arxiv import ArxivError, papers_batch, read_papers, search_papers, write_papers
from ingest.pipeline import ingest_batches
from model.embedder import Embedder

RECORDINGS = Path(__file__).parent.parent / "recordings"


class _Replay(BaseAdapter):
    """Answers every request with one stored body and remembers the URLs asked for."""

    def __init__(self, body: bytes, status: int = 200) -> None:
        super().__init__()
        self.body, self.status, self.urls = body, status, []

    def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:
        self.urls.append(str(request.url))
        response = requests.Response()
        response.status_code, response.url = self.status, str(request.url)
        response.raw = io.BytesIO(self.body)  # requests reads .content from the public raw stream
        response.request = request
        return response

    def close(self) -> None:
        pass


def _client(adapter: _Replay) -> arxiv.Client:
    client = arxiv.Client(page_size=10, delay_seconds=0.0, num_retries=0)
    # arxiv.Client builds its requests.Session itself and offers no parameter to pass one in or to mount a
    # transport adapter, so the private session is the only seam for replaying the recorded response offline.
    client._session.mount("https://", adapter)
    client._session.mount("http://", adapter)
    return client


def test_papers_are_parsed_with_version_free_ids() -> None:
    adapter = _Replay((RECORDINGS / "arxiv_query.xml").read_bytes())
    papers = search_papers('abs:"A/B testing"', max_results=2, client=_client(adapter))
    assert [p.arxiv_id for p in papers] == ["2212.11366", "1512.04922"]
    first = papers[0]
    assert (
        first.title
        == "Statistical Challenges in Online Controlled Experiments: A Review of A/B Testing Methodology"
    )
    assert first.authors == ("Nicholas Larsen", "Jonathan Stallrich", "Srijan Sengupta")
    assert first.published == "2022-12-21"
    assert "stat.ME" in first.categories
    assert first.summary.startswith("The rise of internet-based services")
    assert "search_query=" in adapter.urls[0]


def test_an_http_error_becomes_an_arxiv_error_with_advice() -> None:
    with pytest.raises(ArxivError, match="check the network"):
        search_papers("x", max_results=1, client=_client(_Replay(b"", status=503)))


def test_max_results_is_validated() -> None:
    with pytest.raises(ValueError, match="between 1 and 500"):
        search_papers("x", max_results=0)


def test_papers_round_trip_through_jsonl(tmp_path: Path) -> None:
    papers = search_papers(
        "x", max_results=2, client=_client(_Replay((RECORDINGS / "arxiv_query.xml").read_bytes()))
    )
    assert write_papers(tmp_path / "p.jsonl", papers) == 2
    assert read_papers(tmp_path / "p.jsonl") == papers


def test_papers_become_paper_events_through_the_ingest_pipeline(db: Database, embedder: Embedder) -> None:
    papers = search_papers(
        "x", max_results=2, client=_client(_Replay((RECORDINGS / "arxiv_query.xml").read_bytes()))
    )
    batch = papers_batch([*papers, papers[0]])
    assert [d.doc_id for d in batch.documents] == ["arxiv-2212.11366", "arxiv-1512.04922"]
    assert batch.scope is None and all(d.kind == "paper" for d in batch.documents)
    store = EventStore(db)
    report = ingest_batches(db, store, embedder, [batch])
    assert report.events_by_type["DocumentIngested"] == 2
    assert report.events_by_type["ChunkAdded"] >= 2
    rows = db.query("SELECT doc_id, kind, uri FROM document ORDER BY doc_id")
    assert [(r["doc_id"], r["kind"]) for r in rows] == [
        ("arxiv-1512.04922", "paper"),
        ("arxiv-2212.11366", "paper"),
    ]
    again = ingest_batches(db, store, embedder, [papers_batch(papers)])
    assert not again.events_by_type, "re-ingesting the same papers appends nothing"
