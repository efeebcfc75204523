"""Split Markdown (or plain text) into retrieval chunks; pure.

Sections come from headings; inside a section, paragraphs (code blocks, lists and tables kept whole) are packed
into chunks of about ``target_min``-``target_max`` words. A paragraph longer than the limit is split at sentence
boundaries. Consecutive chunks of the same section overlap by the last sentence of the previous chunk (or its
last ~20% of words when that sentence is long), so a fact cut at a boundary is still retrievable. Chunk ids are
``<doc_id>#<16 hex>`` from the document id and the chunk's content, so unchanged text keeps its id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

TARGET_MIN_WORDS = 120
TARGET_MAX_WORDS = 220
OVERLAP_FRACTION = 0.2
HEADING_SEPARATOR = " > "

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
# A block: text up to a blank line or the next list item (a sentence never spans two).
_BLOCK_RE = re.compile(
    r"(?:^|(?<=\n))(?:[ \t]*(?:[-*+•]|\d+[.)])[ \t]+)?.*?(?=\n[ \t]*\n|\n[ \t]*(?:[-*+•]|\d+[.)])[ \t]+|\Z)",
    re.S,
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Section:
    """Text under one heading path."""

    heading_path: tuple[str, ...]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One retrievable piece of a document."""

    chunk_id: str
    doc_id: str
    position: int
    heading_path: tuple[str, ...]
    text: str
    content_hash: str
    overlap_words: int = 0

    @property
    def heading(self) -> str:
        """The heading path joined with ``' > '`` (empty when the text has no heading)."""
        return HEADING_SEPARATOR.join(self.heading_path)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def embedding_text(self, title: str = "") -> str:
        """What gets embedded: the heading context, then the text."""
        parts = list(self.heading_path)
        if title and (not parts or parts[0] != title):
            parts.insert(0, title)
        context = HEADING_SEPARATOR.join(p for p in parts if p)
        return f"{context}\n{self.text}" if context else self.text


def content_hash(text: str) -> str:
    """sha256 hex of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunk_id_for(doc_id: str, heading: str, text: str) -> str:
    """Deterministic chunk id from the document id and the chunk's heading and text."""
    digest = hashlib.sha256(f"{doc_id}\n{heading}\n{text}".encode()).hexdigest()[:16]
    return f"{doc_id}#{digest}"


def _clean_heading(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip()


def split_sections(markdown: str, base_path: Sequence[str] = ()) -> list[Section]:
    """Sections of a Markdown body by heading level; text before the first heading sits under ``base_path``."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    block: list[str] = []
    in_fence = False

    def path() -> tuple[str, ...]:
        return (*base_path, *(title for _, title in stack))

    def end_block() -> None:
        if block:
            text = "\n".join(block).strip()
            if text:
                paragraphs.append(text)
            block.clear()

    def end_section() -> None:
        end_block()
        if paragraphs:
            sections.append(Section(path(), tuple(paragraphs)))
            paragraphs.clear()

    for line in markdown.replace("\r\n", "\n").split("\n"):
        if _FENCE_RE.match(line):
            if not in_fence:
                end_block()
            block.append(line)
            in_fence = not in_fence
            if not in_fence:
                end_block()
            continue
        if in_fence:
            block.append(line)
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            end_section()
            level = len(heading.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, _clean_heading(heading.group(2))))
            continue
        if not line.strip():
            end_block()
        else:
            block.append(line)
    end_section()
    return sections


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a simple splitter: terminal punctuation followed by a capital or digit)."""
    parts = [p.strip() for p in _SENTENCE_END_RE.split(" ".join(text.split()))]
    return [p for p in parts if p]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of the sentences of ``text`` (same rule as ``split_sentences``).

    Blank lines and list items always end a sentence; a single line break inside a paragraph does not. Offsets
    index ``text`` itself, so a span can be stored as provenance and cut out of the chunk again.
    """
    spans: list[tuple[int, int]] = []
    for block in _BLOCK_RE.finditer(text):
        cut = block.start()
        for boundary in [*_SENTENCE_END_RE.finditer(text, block.start(), block.end()), None]:
            end = boundary.start() if boundary is not None else block.end()
            piece = text[cut:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((cut + lead, cut + len(piece.rstrip())))
            if boundary is not None:
                cut = boundary.end()
    return spans


def _words(text: str) -> int:
    return len(text.split())


def _split_long(paragraph: str, max_words: int) -> list[str]:
    """Break a paragraph longer than ``max_words`` into sentence-aligned pieces (words as a last resort)."""
    if _words(paragraph) <= max_words or paragraph.lstrip().startswith(("```", "~~~", "|")):
        return [paragraph]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(paragraph):
        words = sentence.split()
        if len(words) > max_words:
            if current:
                pieces.append(" ".join(current))
                current = []
            for start in range(0, len(words), max_words):
                pieces.append(" ".join(words[start : start + max_words]))
            continue
        if current and _words(" ".join(current)) + len(words) > max_words:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _overlap_tail(text: str, max_words: int) -> str:
    """The last sentence of ``text``, or its last ~20% of words when that sentence is too long to repeat."""
    if text.lstrip().startswith(("```", "~~~", "|")):
        return ""
    sentences = split_sentences(text.split("\n\n")[-1])
    budget = max(1, int(max_words * OVERLAP_FRACTION))
    if sentences and _words(sentences[-1]) <= budget:
        return sentences[-1]
    words = text.split()
    return " ".join(words[-budget:]) if len(words) > budget else ""


def _pack(paragraphs: Sequence[str], target_min: int, target_max: int) -> list[str]:
    """Greedy packing of paragraphs into bodies of at most ``target_max`` words (never splitting a paragraph)."""
    bodies: list[list[str]] = []
    current: list[str] = []
    count = 0
    for paragraph in paragraphs:
        n = _words(paragraph)
        if current and count + n > target_max:
            bodies.append(current)
            current, count = [], 0
        current.append(paragraph)
        count += n
    if current:
        # A short tail joins the previous body when the result stays within ~1.25x the limit.
        if bodies and count < target_min // 2 and sum(map(_words, bodies[-1])) + count <= target_max * 5 // 4:
            bodies[-1].extend(current)
        else:
            bodies.append(current)
    return ["\n\n".join(body) for body in bodies]


def _section_words(section: Section) -> int:
    return sum(_words(p) for p in section.paragraphs)


def _common_prefix(paths: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    return prefix


def merge_short_sections(sections: Sequence[Section], target_min: int, target_max: int) -> list[Section]:
    """Join runs of short consecutive sections (while under ``target_min`` words and within ``target_max``).

    The merged section keeps the common heading path; each merged sub-section's own heading stays in the text
    as a Markdown heading line, so nothing about where the text came from is lost.
    """
    groups: list[list[Section]] = []
    for section in sections:
        if groups:
            group = groups[-1]
            words = sum(_section_words(s) for s in group)
            if words < target_min and words + _section_words(section) <= target_max:
                group.append(section)
                continue
        groups.append([section])
    merged: list[Section] = []
    for group in groups:
        if len(group) == 1:
            merged.append(group[0])
            continue
        prefix = _common_prefix([s.heading_path for s in group]) or group[0].heading_path
        paragraphs: list[str] = []
        for section in group:
            extra = section.heading_path[len(prefix) :]
            if extra:
                paragraphs.append(
                    "#" * min(6, len(section.heading_path)) + " " + HEADING_SEPARATOR.join(extra)
                )
            paragraphs.extend(section.paragraphs)
        merged.append(Section(prefix, tuple(paragraphs)))
    return merged


def chunk_sections(
    doc_id: str,
    sections: Sequence[Section],
    *,
    target_min: int = TARGET_MIN_WORDS,
    target_max: int = TARGET_MAX_WORDS,
) -> list[Chunk]:
    """Chunks of ``sections`` in reading order with deterministic ids (a repeated chunk gets a ``-2`` suffix)."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section in merge_short_sections(sections, target_min, target_max):
        pieces: list[str] = []
        for paragraph in section.paragraphs:
            pieces.extend(_split_long(paragraph, target_max))
        previous = ""
        for body in _pack(pieces, target_min, target_max):
            overlap = _overlap_tail(previous, target_max) if previous else ""
            text = f"{overlap}\n\n{body}" if overlap else body
            heading = HEADING_SEPARATOR.join(section.heading_path)
            cid = chunk_id_for(doc_id, heading, text)
            seen[cid] = seen.get(cid, 0) + 1
            if seen[cid] > 1:
                cid = f"{cid}-{seen[cid]}"
            chunks.append(
                Chunk(
                    chunk_id=cid,
                    doc_id=doc_id,
                    position=len(chunks),
                    heading_path=section.heading_path,
                    text=text,
                    content_hash=content_hash(text),
                    overlap_words=_words(overlap),
                )
            )
            previous = body
    return chunks


def chunk_markdown(
    doc_id: str,
    markdown: str,
    *,
    base_path: Sequence[str] = (),
    target_min: int = TARGET_MIN_WORDS,
    target_max: int = TARGET_MAX_WORDS,
) -> list[Chunk]:
    """Chunk a Markdown body: headings, then paragraphs, with one-sentence overlap inside a section."""
    return chunk_sections(
        doc_id, split_sections(markdown, base_path), target_min=target_min, target_max=target_max
    )
