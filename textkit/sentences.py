"""Sentence splitting for answers and sources."""

from __future__ import annotations

import re

from textkit.citations import LEADING_CITATIONS

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'])|\n+")
_ANY_END = re.compile(r"(?<=[.!?])\s+")
# A curated passage (already plain text): a sentence may also start with a digit ("... size. 95% of ..."), or in
# lower case where Markdown code or a formula opened it ("... beforehand. `expgraph calc ...`", "... use. d = ..."),
# and a line break without a full stop before it does not end one.
_PASSAGE_END = re.compile(r"(?<=[.!?])\s+(?=[\w(\"'])")
_ABBREV = re.compile(r"\b(e\.g|i\.e|vs|etc|approx|cf|al)\.$", re.IGNORECASE)
# A locator's abbreviation ("Kohavi, Tang & Xu 2020, ch. 21", "pp. 12-19") ends no sentence before its number.
_NUMBERED_ABBREV = re.compile(r"\b(chs?|pp?|secs?|eqs?|figs?|vol|tab|app)\.$", re.IGNORECASE)


def _continues(previous: str, piece: str) -> bool:
    """Whether ``piece`` continues ``previous`` rather than starting a sentence: an abbreviation ended it."""
    return bool(_ABBREV.search(previous) or (_NUMBERED_ABBREV.search(previous) and piece[:1].isdigit()))


def split_sentences(text: str) -> list[str]:
    """Sentences, with a citation written after the full stop (``... size. [1]``) kept with its sentence.

    A sentence ends at ``.``/``!``/``?`` followed by a capital, a bracket or a quote, or at a line break; an
    abbreviation such as ``e.g.`` does not end one.
    """
    pieces = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        lead = LEADING_CITATIONS.match(piece)
        if lead and merged:
            merged[-1] = f"{merged[-1]} {lead.group(1).strip()}"
            piece = piece[lead.end() :].strip()
            if not piece:
                continue
        if merged and _continues(merged[-1], piece):
            merged[-1] = f"{merged[-1]} {piece}"
            continue
        merged.append(piece)
    return merged


def prose_sentences(text: str) -> list[str]:
    """``split_sentences`` of ``text`` with its whitespace (line breaks included) collapsed first."""
    return split_sentences(" ".join(text.split()))


def loose_sentences(text: str) -> list[str]:
    """``text`` (whitespace collapsed) cut after every ``.``, ``!`` or ``?`` that whitespace follows.

    For quoting a source, where cutting too often is harmless and cutting too rarely quotes a whole paragraph
    (a calculation source's "outputs. inputs: ..." must yield the outputs alone).
    """
    return [s for s in _ANY_END.split(" ".join(text.split())) if s]


def source_sentences(text: str) -> list[str]:
    """The sentences of a plain-text source passage, each ending in its own punctuation.

    Unlike ``split_sentences`` (written for answers), a digit or a lower-case word (code, a formula) may start a
    sentence and a line break alone does not end one; an abbreviation such as ``e.g.`` does not end one either.
    """
    out: list[str] = []
    for piece in _PASSAGE_END.split(text):
        piece = piece.strip()
        if out and piece and _continues(out[-1], piece):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out
