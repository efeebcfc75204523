"""Incremental detokenisation and stop strings (pure logic, byte-level tokens like the real BPE tokenizer)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from model.decoding import TextAssembler, find_stop


def byte_decode(ids: Sequence[int]) -> str:
    """A byte-level 'tokenizer': one token per byte, rendering incomplete UTF-8 as U+FFFD like HF tokenizers do."""
    return bytes(ids).decode("utf-8", errors="replace")


def stream_all(text: str, stops: Sequence[str] = ()) -> tuple[list[str], TextAssembler]:
    assembler = TextAssembler(byte_decode, stops)
    pieces = []
    for byte in text.encode("utf-8"):
        pieces.append(assembler.push(byte))
        if assembler.stopped:
            break
    else:
        pieces.append(assembler.finish())
    return pieces, assembler


@given(st.text(max_size=60))
def test_streamed_pieces_join_to_the_full_text_and_never_split_a_character(text: str) -> None:
    pieces, assembler = stream_all(text)
    assert "".join(pieces) == text == assembler.text
    assert all("\ufffd" not in piece for piece in pieces if "\ufffd" not in text)


@given(st.text(alphabet="ab#é", max_size=40), st.sampled_from(["##", "#a#", "é#"]))
def test_text_ends_just_before_the_first_stop_string(text: str, stop: str) -> None:
    pieces, assembler = stream_all(text, [stop])
    expected = text.split(stop, 1)[0]
    assert "".join(pieces) == expected == assembler.text
    assert assembler.stopped == (stop in text)


def test_possible_start_of_a_stop_string_is_held_back_until_resolved() -> None:
    assembler = TextAssembler(byte_decode, ["\nQuestion:"])
    shown = [assembler.push(b) for b in b"Yes.\nQue"]
    assert "".join(shown) == "Yes."
    assert assembler.push(ord("x")) == "\nQuex"


def test_find_stop_returns_the_earliest_occurrence_of_any_stop() -> None:
    assert find_stop("abc END def STOP", ["STOP", "END"]) == 4
    assert find_stop("nothing here", ["STOP", ""]) is None
