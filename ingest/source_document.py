"""What every source hands the ingestion pipeline: typed, validated, chunked documents. Pure.

A source (the bundled corpus, a folder of text/PDF files, arXiv, Stack Exchange, ...) reads its input, validates
it and returns a ``SourceBatch``. The pipeline turns batches into events; sources never touch the database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.chunking import Chunk, chunk_markdown
from ingest.corpus_format import ConceptSpec, CorpusFormatError

DOCUMENT_EVENT_KINDS = ("concept", "guide", "worked_example", "reference", "paper", "qa", "text")


class IngestValidationError(ValueError):
    """Input failed validation; nothing was appended. ``problems`` lists every problem (file and line each)."""

    def __init__(self, problems: Sequence[CorpusFormatError]) -> None:
        self.problems = list(problems)
        head = str(self.problems[0]) if self.problems else "invalid input"
        more = f" (and {len(self.problems) - 1} more problem(s))" if len(self.problems) > 1 else ""
        super().__init__(head + more)


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One document ready for ingestion.

    ``content_hash`` covers everything that ends up in events (raw file bytes for files), so an equal hash means
    nothing to append. ``concept`` is set for concept files; ``mentions`` are the concept slugs the text discusses.
    """

    doc_id: str
    title: str
    kind: str
    source: str
    uri: str
    content_hash: str
    chunks: tuple[Chunk, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)
    mentions: tuple[str, ...] = ()
    concept: ConceptSpec | None = None
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class SourceBatch:
    """Documents from one source run.

    ``scope`` names what the batch covers completely (e.g. ``corpus`` or ``dir:/abs/folder``): a document previously
    ingested under the same scope but absent now was deleted and gets retracted. ``None`` means a partial batch
    (single files) that retracts nothing.
    """

    extractor: str
    extractor_version: str
    documents: tuple[SourceDocument, ...]
    scope: str | None = None


def sha256_hex(data: bytes | str) -> str:
    """sha256 hex digest of bytes or UTF-8 text."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def slugify(text: str, max_len: int = 60) -> str:
    """Lowercase ASCII slug of ``text`` (letters, digits, single hyphens)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "document"


def build_markdown_document(
    *,
    doc_id: str,
    title: str,
    kind: str,
    source: str,
    uri: str,
    markdown: str,
    metadata: Mapping[str, Any] | None = None,
    mentions: Sequence[str] = (),
    content_hash: str | None = None,
    path: Path | None = None,
) -> SourceDocument:
    """A ``SourceDocument`` from Markdown text (chunked by headings and paragraphs); for sources other than files.

    ``content_hash`` defaults to the sha256 of everything that shapes the events (title, kind, metadata, text).
    """
    if kind not in DOCUMENT_EVENT_KINDS:
        raise ValueError(f"document kind {kind!r} is not one of {', '.join(DOCUMENT_EVENT_KINDS)}")
    meta = dict(metadata or {})
    if content_hash is None:
        content_hash = sha256_hex(
            f"{title}\n{kind}\n{sorted(meta.items())!r}\n{sorted(mentions)!r}\n{markdown}"
        )
    chunks = tuple(
        chunk_markdown(doc_id, markdown, base_path=(title,) if not markdown.lstrip().startswith("#") else ())
    )
    return SourceDocument(
        doc_id=doc_id,
        title=title,
        kind=kind,
        source=source,
        uri=uri,
        content_hash=content_hash,
        chunks=chunks,
        metadata=meta,
        mentions=tuple(dict.fromkeys(mentions)),
        path=path,
    )
