"""Cutting a text to a number of words, at a sentence end when one is near."""

from __future__ import annotations


def clip_words(text: str, max_words: int) -> str:
    """The leading ``max_words`` words (whitespace collapsed), cut at a sentence end in their second half if any.

    Otherwise the cut is marked with `` …``.
    """
    words = " ".join(text.split()).split(" ")
    if len(words) <= max_words:
        return " ".join(words)
    clipped = " ".join(words[:max_words])
    end = max(clipped.rfind(". "), clipped.rfind("? "), clipped.rfind("! "))
    if end > len(clipped) // 2:
        return clipped[: end + 1]
    return clipped + " …"
