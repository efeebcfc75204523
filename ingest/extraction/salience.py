"""Salient terms: names a document keeps using without defining them, proposed with low confidence."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.extraction.candidates import CandidateConcept
from ingest.extraction.definitions import candidate
from ingest.extraction.sentences import Sentence
from ingest.extraction.terms import normalise, term_ok

SALIENT_MIN_COUNT = 3
_SALIENT = re.compile(r"(?<![\w-])(?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,3}|[A-Z][A-Z0-9]{1,5}s?)(?![\w-])")


def salient_terms(sentences: Sequence[Sentence], taken: set[str]) -> list[CandidateConcept]:
    """Names the document keeps using without defining (capitalised phrases, acronyms; ``SALIENT_MIN_COUNT``+ times
    and never only at a sentence start), unknown to the graph and to the other candidates: low confidence."""
    counts: dict[str, int] = {}
    inner: set[str] = set()
    first: dict[str, Sentence] = {}
    for sentence in sentences:
        for m in _SALIENT.finditer(sentence.clean):
            term = m.group(0)
            counts[term] = counts.get(term, 0) + 1
            first.setdefault(term, sentence)
            if sentence.clean[: m.start()].strip():
                inner.add(term)
    out = []
    for term, n in sorted(counts.items()):
        if n >= SALIENT_MIN_COUNT and term in inner and normalise(term) not in taken and term_ok(term):
            out.append(candidate(term, (), first[term].raw, first[term], 0.4, "salient"))
    return out
