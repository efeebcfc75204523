"""A chunk's sentences with their character spans, Markdown blanked out but every offset kept."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.chunking import sentence_spans
from ingest.extraction.candidates import ChunkLike, Evidence
from ingest.extraction.terms import clean


@dataclass(slots=True)
class Sentence:
    chunk_id: str
    start: int
    end: int
    raw: str  # the chunk text of the span
    clean: str  # same length, markdown blanked

    def evidence(self) -> Evidence:
        return Evidence(self.chunk_id, self.start, self.end, " ".join(self.raw.split()))


def split_into_sentences(chunk: ChunkLike) -> list[Sentence]:
    cleaned = clean(chunk.text)
    return [
        Sentence(chunk.chunk_id, s, e, chunk.text[s:e], cleaned[s:e]) for s, e in sentence_spans(chunk.text)
    ]
