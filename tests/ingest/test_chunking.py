"""Chunking: headings, then paragraphs, ~120-220 words, one-sentence overlap, deterministic ids."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunking import (
    TARGET_MAX_WORDS,
    chunk_id_for,
    chunk_markdown,
    split_sections,
    split_sentences,
)


def sentence(i: int, words: int = 12) -> str:
    return "Sentence " + str(i) + " " + " ".join(f"w{i}x{j}" for j in range(words - 3)) + " ends."


def paragraph(start: int, sentences: int) -> str:
    return " ".join(sentence(start + k) for k in range(sentences))


def test_sections_follow_the_heading_path() -> None:
    md = "# Title\n\nIntro.\n\n## A\n\nText a.\n\n### A1\n\nText a1.\n\n## B\n\nText b.\n"
    paths = [s.heading_path for s in split_sections(md)]
    assert paths == [("Title",), ("Title", "A"), ("Title", "A", "A1"), ("Title", "B")]


def test_code_fences_are_kept_whole_and_their_hashes_are_not_headings() -> None:
    md = "## Code\n\n```python\n# not a heading\n\nx = 1\n```\n\nAfter.\n"
    (section,) = split_sections(md)
    assert section.paragraphs[0].startswith("```python\n# not a heading\n\nx = 1")
    assert section.paragraphs[1] == "After."


def test_long_sections_split_into_chunks_within_the_target_and_overlap_by_one_sentence() -> None:
    md = "# Doc\n\n## Long\n\n" + "\n\n".join(paragraph(10 * k, 5) for k in range(8))
    chunks = chunk_markdown("doc", md)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert chunk.heading == "Doc > Long"
        assert chunk.word_count <= TARGET_MAX_WORDS + 40  # the overlap sentence rides on top of the limit
    for previous, current in itertools.pairwise(chunks):
        last_sentence = split_sentences(previous.text)[-1]
        assert current.text.startswith(last_sentence)
        assert current.overlap_words == len(last_sentence.split())
    assert chunks[0].overlap_words == 0


def test_short_sibling_sections_merge_and_keep_their_headings_in_the_text() -> None:
    md = "# Doc\n\n## One\n\nShort one.\n\n## Two\n\nShort two.\n"
    (chunk,) = chunk_markdown("doc", md)
    assert chunk.heading == "Doc"
    assert "## One" in chunk.text and "## Two" in chunk.text


def test_chunk_ids_depend_only_on_document_and_content() -> None:
    md = "# Doc\n\n## A\n\n" + paragraph(0, 20) + "\n\n## B\n\n" + paragraph(100, 20)
    first = chunk_markdown("doc", md)
    again = chunk_markdown("doc", md)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    edited = chunk_markdown("doc", md.replace("Sentence 100 ", "Sentence hundred "))
    kept = {c.chunk_id for c in first} & {c.chunk_id for c in edited}
    assert {c.chunk_id for c in first if c.heading == "Doc > A"} <= kept
    assert {c.chunk_id for c in chunk_markdown("other", md)}.isdisjoint(c.chunk_id for c in first)
    assert first[0].chunk_id == chunk_id_for("doc", first[0].heading, first[0].text)


def test_a_single_huge_paragraph_is_split_at_sentences() -> None:
    chunks = chunk_markdown("doc", paragraph(0, 60))
    assert len(chunks) > 2
    assert all(c.text.rstrip().endswith("ends.") for c in chunks)


def test_repeated_identical_chunks_get_distinct_ids() -> None:
    body = paragraph(0, 15)
    md = f"## A\n\n{body}\n\n## A\n\n{body}\n"
    ids = [c.chunk_id for c in chunk_markdown("doc", md)]
    assert len(ids) == len(set(ids))


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
sentences = st.lists(words, min_size=3, max_size=30).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraphs = st.lists(sentences, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), paragraphs), min_size=1, max_size=12))
def test_every_word_of_the_body_lands_in_some_chunk(blocks: list[tuple[bool, str]]) -> None:
    md_parts = []
    for index, (heading, text) in enumerate(blocks):
        if heading:
            md_parts.append(f"## Heading {index}")
        md_parts.append(text)
    md = "\n\n".join(md_parts)
    chunks = chunk_markdown("prop", md)
    body_words = [w for part in md_parts if not part.startswith("## ") for w in part.split()]
    chunk_words = {w for c in chunks for w in re.sub(r"^#+ .*$", "", c.text, flags=re.M).split()}
    assert set(body_words) <= chunk_words
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)
