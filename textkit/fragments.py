"""Words that cannot end a sentence: a sentence whose last word is one of them was cut off ("It is used to [1].")."""

from __future__ import annotations

DANGLING_END_WORDS = frozenset(
    [
        "to",
        "of",
        "the",
        "a",
        "an",
        "and",
        "or",
        "is",
        "are",
        "that",
        "which",
        "with",
        "for",
        "by",
        "as",
        "in",
        "on",
        "at",
        "from",
        "than",
    ]
)
