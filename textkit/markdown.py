"""Markdown to the plain text the model is shown, and a test for Markdown left in a sentence."""

from __future__ import annotations

import re

_HEADING = re.compile(r"(?m)^\s*#{1,6}\s+.*$")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
# A glossary entry, "**Term.** What it is.": the term stays the sentence's subject ("Term: what it is."), or the
# definition would be split off as a sentence without one ("Whether the effect is large enough to matter.").
_LEAD_TERM = re.compile(r"\*\*([^*\n]{1,80}?)(?:[.:]\*\*|\*\*[.:])[ \t]+")
_BULLET = re.compile(r"(^|\n)\s*(?:[-*+]|\d+\.)\s+")
_MARKUP = re.compile(r"\*\*|__|`|\||(?:^|\s)#{1,6}\s|(?:^|\s)[-*+]\s|(?:^|\s)\d+\.\s")


def plain_text(markdown: str) -> str:
    """Text without Markdown markup (headings, emphasis, links, bullets), whitespace collapsed.

    Headings are dropped, not kept: a chunk's heading path is already in its source title.
    """
    text = _LINK.sub(r"\1", markdown)
    text = _LEAD_TERM.sub(r"\1: ", text)
    text = _BULLET.sub(r"\1", text)
    text = _HEADING.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def has_markup(text: str) -> bool:
    """Whether ``text`` carries Markdown: emphasis, code, a table bar, a heading, a bullet or a numbered item."""
    return _MARKUP.search(text) is not None
