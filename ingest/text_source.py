"""Plain text, Markdown and PDF files (or folders of them) a user points at, as validated ``SourceBatch`` es.

A folder is a complete scope: a file ingested from it before and deleted since is retracted on the next run.
Single files are partial batches and retract nothing. Document ids are stable per absolute path
(``text-<name>-<8 hex>``), so editing a file updates its document instead of adding a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ingest.chunking import Section, chunk_markdown, chunk_sections
from ingest.corpus_format import CorpusFormatError, decode_text
from ingest.source_document import IngestValidationError, SourceBatch, SourceDocument, sha256_hex, slugify

EXTRACTOR = "text-files"
EXTRACTOR_VERSION = "1"
TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | PDF_SUFFIXES
MAX_PDF_BYTES = 50_000_000
MAX_EXTRACTED_CHARS = 2_000_000


def document_id_for(path: Path) -> str:
    """Stable id of a file's document: name slug plus a short hash of its absolute path."""
    resolved = path.resolve()
    return f"text-{slugify(resolved.stem, 40)}-{sha256_hex(str(resolved))[:8]}"


def _title_from_stem(path: Path) -> str:
    words = re.sub(r"[_\-]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """Optional YAML front matter of a Markdown file (only ``title`` is used); malformed YAML is an error."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise CorpusFormatError(
            path, 1, "front matter starts with '---' but is never closed; add a closing '---'"
        )
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise CorpusFormatError(
            path, (mark.line + 2) if mark else 2, f"malformed YAML front matter: {exc.problem or exc}"
        ) from None
    if data is not None and not isinstance(data, dict):
        raise CorpusFormatError(path, 2, "front matter must be a YAML mapping")
    return data or {}, "\n".join(lines[end + 1 :])


def _markdown_document(path: Path, raw: bytes) -> SourceDocument:
    text = decode_text(path, raw)
    meta, body = _split_front_matter(path, text)
    if not body.strip():
        raise CorpusFormatError(path, 0, "the file has no text to ingest")
    heading = re.search(r"^#\s+(.+)$", body, flags=re.MULTILINE)
    front_title = meta.get("title")
    title = (
        str(front_title).strip()
        if isinstance(front_title, str) and front_title.strip()
        else heading.group(1).strip()
        if heading
        else _title_from_stem(path)
    )
    doc_id = document_id_for(path)
    base = () if body.lstrip().startswith("# ") else (title,)
    return _document(
        path, raw, doc_id, title, "markdown", tuple(chunk_markdown(doc_id, body, base_path=base))
    )


def _text_document(path: Path, raw: bytes) -> SourceDocument:
    text = decode_text(path, raw)
    title = _title_from_stem(path)
    doc_id = document_id_for(path)
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
    if not paragraphs:
        raise CorpusFormatError(path, 0, "the file has no text to ingest")
    chunks = chunk_sections(doc_id, [Section((title,), paragraphs)])
    return _document(path, raw, doc_id, title, "text", tuple(chunks))


def _pdf_document(path: Path, raw: bytes) -> SourceDocument:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if len(raw) > MAX_PDF_BYTES:
        raise CorpusFormatError(path, 0, f"PDF is {len(raw):,} bytes; the limit is {MAX_PDF_BYTES:,}")
    if not raw.startswith(b"%PDF"):
        raise CorpusFormatError(path, 0, "not a PDF file (no %PDF header); fix the file or its extension")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise CorpusFormatError(path, 0, "PDF is encrypted; decrypt it before ingesting")
        info_title = (reader.metadata.title if reader.metadata else None) or ""
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise CorpusFormatError(path, 0, f"cannot read PDF: {exc}") from None
    total = sum(len(p) for p in pages)
    if not any(p.strip() for p in pages):
        raise CorpusFormatError(path, 0, "PDF has no extractable text (scanned images?); run OCR on it first")
    if total > MAX_EXTRACTED_CHARS:
        raise CorpusFormatError(
            path, 0, f"PDF text is {total:,} characters; the limit is {MAX_EXTRACTED_CHARS:,}"
        )
    title = info_title.strip() or _title_from_stem(path)
    doc_id = document_id_for(path)
    sections = []
    for number, page in enumerate(pages, start=1):
        paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", page) if p.strip())
        if paragraphs:
            sections.append(Section((title, f"Page {number}"), paragraphs))
    return _document(
        path, raw, doc_id, title, "pdf", tuple(chunk_sections(doc_id, sections)), pages=len(pages)
    )


def _document(
    path: Path, raw: bytes, doc_id: str, title: str, fmt: str, chunks: tuple[Any, ...], **extra: Any
) -> SourceDocument:
    resolved = path.resolve()
    return SourceDocument(
        doc_id=doc_id,
        title=title,
        kind="text",
        source=str(resolved),
        uri=resolved.as_uri(),
        content_hash=sha256_hex(f"{EXTRACTOR}/{EXTRACTOR_VERSION}\n".encode() + raw),
        chunks=chunks,
        metadata={"format": fmt, "file_name": resolved.name, "bytes": len(raw), **extra},
        path=resolved,
    )


def read_file(path: Path) -> SourceDocument:
    """One text, Markdown or PDF file as a document; raises ``CorpusFormatError`` naming the file (and line)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusFormatError(
            path,
            0,
            f"unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUPPORTED_SUFFIXES))}",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusFormatError(path, 0, f"cannot read file: {exc.strerror or exc}") from None
    if suffix in PDF_SUFFIXES:
        return _pdf_document(path, raw)
    if suffix in MARKDOWN_SUFFIXES:
        return _markdown_document(path, raw)
    return _text_document(path, raw)


def folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """``(supported files, skipped files)`` under ``folder``, recursively, hidden entries excluded."""
    supported: list[Path] = []
    skipped: list[Path] = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
            continue
        (supported if path.suffix.lower() in SUPPORTED_SUFFIXES else skipped).append(path)
    return supported, skipped


def folder_scope(folder: Path) -> str:
    """The retraction scope of a folder batch."""
    return f"dir:{folder.resolve()}"


def load_text_batches(paths: Sequence[Path]) -> tuple[list[SourceBatch], list[Path]]:
    """Batches for the given files/folders (one per argument) and the skipped unsupported files.

    Everything is read and validated first; raises ``IngestValidationError`` listing every bad file.
    """
    problems: list[CorpusFormatError] = []
    batches: list[SourceBatch] = []
    skipped_all: list[Path] = []
    for raw_path in paths:
        path = raw_path.expanduser()
        if not path.exists():
            problems.append(CorpusFormatError(path, 0, "no such file or folder"))
            continue
        files: Iterable[Path]
        if path.is_dir():
            files, skipped = folder_files(path)
            skipped_all.extend(skipped)
            scope: str | None = folder_scope(path)
        else:
            files, scope = [path], None
        documents: list[SourceDocument] = []
        for file in files:
            try:
                documents.append(read_file(file))
            except CorpusFormatError as exc:
                problems.append(exc)
        if scope is not None:
            documents = [_with_scope(d, scope) for d in documents]
        batches.append(SourceBatch(EXTRACTOR, EXTRACTOR_VERSION, tuple(documents), scope=scope))
    if problems:
        raise IngestValidationError(problems)
    return batches, skipped_all


def _with_scope(doc: SourceDocument, scope: str) -> SourceDocument:
    from dataclasses import replace

    return replace(doc, metadata={**doc.metadata, "scope": scope})
