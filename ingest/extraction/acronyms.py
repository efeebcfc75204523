"""Acronyms introduced in parentheses ("minimum detectable effect (MDE)"): the pattern and the initials check."""

from __future__ import annotations

import re

from ingest.extraction.terms import ABBR

ACRONYM = re.compile(rf"\((?P<abbr>{ABBR})\)")


def initials_match(term: str, abbr: str) -> bool:
    letters = [c.lower() for c in abbr if c.isalpha()]
    initials = [p[0].lower() for p in re.split(r"[\s-]+", term) if p]
    digits_ok = all(c in term.lower() or c in "".join(w for w in term.split()) for c in abbr if c.isdigit())
    i = 0
    for ch in initials:
        if i < len(letters) and ch == letters[i]:
            i += 1
    return i == len(letters) and len(letters) >= 2 and digits_ok
