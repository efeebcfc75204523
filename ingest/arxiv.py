"""arXiv papers on experimentation methodology as documents for the ingest pipeline (needs network; optional).

``search_papers`` queries the arXiv API through the ``arxiv`` package; ``papers_batch`` turns the papers into a
``SourceBatch`` of ``paper`` documents (title, authors, abstract, links), which ``ingest.pipeline.ingest_batches``
turns into events like any other source. Abstracts only: full texts are not fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest.source_document import SourceBatch, SourceDocument, build_markdown_document

EXTRACTOR = "arxiv"
EXTRACTOR_VERSION = "1"
DEFAULT_QUERY = (
    'abs:"A/B testing" OR abs:"A/B test" OR abs:"online controlled experiments" OR abs:"online experiments" '
    'OR (abs:"sequential testing" AND abs:experiment) OR (abs:"variance reduction" AND abs:"A/B")'
)
MAX_RESULTS_LIMIT = 500


class ArxivError(RuntimeError):
    """The arXiv API could not be queried; the message says what to try."""


@dataclass(frozen=True, slots=True)
class ArxivPaper:
    """The metadata and abstract of one arXiv paper."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    summary: str
    published: str
    categories: tuple[str, ...]
    url: str
    pdf_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArxivPaper:
        return cls(
            arxiv_id=str(data["arxiv_id"]),
            title=str(data["title"]),
            authors=tuple(data.get("authors") or ()),
            summary=str(data["summary"]),
            published=str(data.get("published") or ""),
            categories=tuple(data.get("categories") or ()),
            url=str(data.get("url") or ""),
            pdf_url=data.get("pdf_url"),
        )


def paper_from_result(result: Any) -> ArxivPaper:
    """Convert an ``arxiv.Result`` (version suffix dropped from the id so a new version updates the document)."""
    short = str(result.get_short_id())
    base_id = short.split("v")[0] if "v" in short and short.rsplit("v", 1)[-1].isdigit() else short
    return ArxivPaper(
        arxiv_id=base_id,
        title=" ".join(str(result.title).split()),
        authors=tuple(str(a) for a in result.authors),
        summary=" ".join(str(result.summary).split()),
        published=result.published.date().isoformat() if result.published else "",
        categories=tuple(result.categories or ()),
        url=str(result.entry_id),
        pdf_url=result.pdf_url,
    )


def search_papers(
    query: str = DEFAULT_QUERY,
    *,
    max_results: int = 50,
    client: Any = None,
    api_url: str | None = None,
) -> list[ArxivPaper]:
    """Papers matching ``query`` (arXiv search syntax), newest first. ``client``: an ``arxiv.Client`` to reuse.

    The client waits 3 s between pages and retries, as arXiv's terms of use ask. ``api_url`` replaces the
    endpoint (``arxiv.Client.query_url_format``, a public attribute): a mirror, or a local replay in tests.
    """
    import arxiv
    import requests

    if not 1 <= max_results <= MAX_RESULTS_LIMIT:
        raise ValueError(f"max_results must be between 1 and {MAX_RESULTS_LIMIT}; got {max_results}")
    client = client or arxiv.Client(page_size=min(max_results, 100), delay_seconds=3.0, num_retries=3)
    if api_url is not None:
        client.query_url_format = api_url + "?{}"
    search = arxiv.Search(query=query, max_results=max_results, sort_by=arxiv.SortCriterion.SubmittedDate)
    try:
        return [paper_from_result(r) for r in client.results(search)]
    except (arxiv.ArxivError, requests.RequestException) as exc:
        raise ArxivError(
            f"arXiv query failed ({exc}); check the network connection and try again later"
        ) from exc


def paper_markdown(paper: ArxivPaper) -> str:
    """The document text: title heading, bibliographic line, abstract."""
    authors = ", ".join(paper.authors[:8]) + (" et al." if len(paper.authors) > 8 else "")
    return (
        f"# {paper.title}\n\n{authors} ({paper.published[:4]}). arXiv:{paper.arxiv_id}.\n\n{paper.summary}\n"
    )


def paper_document(paper: ArxivPaper) -> SourceDocument:
    """A ``paper`` document for the ingest pipeline (doc id ``arxiv-<id>``)."""
    return build_markdown_document(
        doc_id=f"arxiv-{paper.arxiv_id.replace('/', '-')}",
        title=paper.title,
        kind="paper",
        source=f"arXiv:{paper.arxiv_id}",
        uri=paper.url,
        markdown=paper_markdown(paper),
        metadata={
            "authors": list(paper.authors),
            "published": paper.published,
            "categories": list(paper.categories),
            "pdf_url": paper.pdf_url,
            "sources": [
                {
                    "title": paper.title,
                    "authors": ", ".join(paper.authors),
                    "year": _year(paper),
                    "locator": f"arXiv:{paper.arxiv_id}",
                    "url": paper.url,
                }
            ],
        },
    )


def _year(paper: ArxivPaper) -> int | None:
    return int(paper.published[:4]) if paper.published[:4].isdigit() else None


def papers_batch(papers: Sequence[ArxivPaper]) -> SourceBatch:
    """A partial batch (``scope=None``: retracts nothing) of paper documents, duplicates removed."""
    unique = {p.arxiv_id: p for p in papers}
    return SourceBatch(
        extractor=EXTRACTOR,
        extractor_version=EXTRACTOR_VERSION,
        documents=tuple(paper_document(p) for p in unique.values()),
        scope=None,
    )


def write_papers(path: Path, papers: Iterable[ArxivPaper]) -> int:
    """Save papers as JSONL (for ``training.synthetic`` and re-ingestion without network); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for paper in papers:
            handle.write(json.dumps(paper.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n


def read_papers(path: Path) -> list[ArxivPaper]:
    """Papers saved by ``write_papers``."""
    with path.open(encoding="utf-8") as handle:
        return [ArxivPaper.from_dict(json.loads(line)) for line in handle if line.strip()]
