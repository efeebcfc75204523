"""Markdown to the plain text the model is shown, and a test for Markdown left in a sentence."""

from __future__ import annotations

import re

_HEADING = re.compile(r"(?m)^\s*#{1,6}\s+.*$")
_HEADING_LINE = re.compile(r"(?m)^\s*#{1,6}\s+(.+?)\s*$")
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


def headings(markdown: str) -> list[str]:
    """The Markdown's headings, in order, without their '#' marks."""
    return [m.group(1) for m in _HEADING_LINE.finditer(markdown)]


def inner_sections(markdown: str, min_heading_words: int = 1) -> list[tuple[str, str]]:
    """A passage's parts under its own headings of ``min_heading_words`` or more, in order, as (heading, Markdown):
    the part before the first such heading has the heading ''; empty parts are left out.

    A chunk packed from several short sections keeps their headings in its text, and its title is only the part
    they share; a shorter heading ("Remedies") stays inside the part it is in.
    """
    marks = [m for m in _HEADING_LINE.finditer(markdown) if len(m.group(1).split()) >= min_heading_words]
    ends = [m.start() for m in marks[1:]] + [len(markdown)] if marks else []
    parts = [("", markdown[: marks[0].start()] if marks else markdown)]
    parts += [(m.group(1), markdown[m.end() : end]) for m, end in zip(marks, ends, strict=True)]
    return [(h, t) for h, t in parts if t.strip()]
