"""Uploaded documents on disk: atomic writes, and a journal that undoes a crash between write and append.

An upload is the file ``<data_dir>/uploads/<name>`` plus the events its ingestion appends. The file must never
outlive a failed append (the next ingest of the folder would read a document the log never accepted), so:

1. the previous file (or "there was none") is recorded in ``uploads/.pending/`` before anything changes;
2. the new content is written to a temporary file, flushed, and renamed over the old one (atomic on POSIX);
3. the caller appends; on success the journal entry is dropped, on an exception the old file is put back;
4. after a crash (``kill -9`` between 2 and 3), ``recover_uploads`` at the next start compares the file with the
   log: if its content is what the log last recorded for that document the append committed and the file stays,
   otherwise the old file is put back (or the new one removed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.db import Database
from engine.events import DocumentIngested, DocumentRetracted
from engine.store import EventStore
from ingest.corpus_format import CorpusFormatError
from ingest.text_source import MARKDOWN_SUFFIXES, TEXT_SUFFIXES, document_id_for, read_file

UPLOAD_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES
_PENDING = ".pending"
_NEW_MARKER = ".new"
_PREVIOUS = ".prev"


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _restore(path: Path, journal: Path) -> None:
    previous = journal.with_name(path.name + _PREVIOUS)
    if previous.exists():
        os.replace(previous, path)
    else:
        path.unlink(missing_ok=True)
    journal.with_name(path.name + _NEW_MARKER).unlink(missing_ok=True)


def _forget(path: Path, journal: Path) -> None:
    journal.with_name(path.name + _PREVIOUS).unlink(missing_ok=True)
    journal.with_name(path.name + _NEW_MARKER).unlink(missing_ok=True)


@contextmanager
def staged_upload(uploads: Path, filename: str, content: str) -> Iterator[Path]:
    """Write ``uploads/filename`` atomically for the block; undo the write if the block raises."""
    if not filename or filename.startswith(".") or Path(filename).name != filename:
        # The API checks names first (api.uploads.safe_upload_name); this guards the folder from other callers.
        raise ValueError(f"an upload name must be a plain file name such as notes.md; got {filename[:60]!r}")
    name = filename
    pending = uploads / _PENDING
    pending.mkdir(parents=True, exist_ok=True)
    path = uploads / name
    journal = pending / name
    if path.exists():
        _write_atomically(journal.with_name(name + _PREVIOUS), path.read_bytes())
    else:
        _write_atomically(journal.with_name(name + _NEW_MARKER), b"")
    try:
        _write_atomically(path, content.encode("utf-8"))
        yield path
    except BaseException:
        _restore(path, journal)
        raise
    _forget(path, journal)


def _logged_content_hash(store: EventStore, doc_id: str) -> str | None:
    """The content hash the log last recorded for a document (None if it has none or was retracted)."""
    recorded: str | None = None
    for event in store.read_stream(f"document:{doc_id}"):
        if isinstance(event.payload, DocumentIngested):
            recorded = event.payload.content_hash
        elif isinstance(event.payload, DocumentRetracted):
            recorded = None
    return recorded


def recover_uploads(db: Database, uploads: Path) -> list[str]:
    """Undo uploads a crash left written but never appended; returns the names put back or removed."""
    pending = uploads / _PENDING
    if not pending.is_dir():
        return []
    for stale in uploads.glob(".*.tmp-*"):
        stale.unlink(missing_ok=True)
    names = sorted({p.name.removesuffix(_PREVIOUS).removesuffix(_NEW_MARKER) for p in pending.iterdir()})
    store = EventStore(db)
    undone: list[str] = []
    for name in names:
        path = uploads / name
        journal = pending / name
        committed = False
        if path.exists():
            try:
                committed = _logged_content_hash(store, document_id_for(path)) == read_file(path).content_hash
            except (CorpusFormatError, OSError):
                committed = False
        if committed:
            _forget(path, journal)
        else:
            _restore(path, journal)
            undone.append(name)
    return undone
