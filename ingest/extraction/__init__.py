"""Propose concepts and typed relations from a user document's chunks. Pure: text in, candidates out.

Why patterns and not the generator: the bundled generator (SmolLM2-135M) under schema-constrained decoding costs
seconds per chunk on CPU and, at that size, invents relations its text never states; no spaCy model package is
installed (and none may be downloaded at run time), so there is no parser either. Definitions in the documents users
ingest are written in a handful of shapes ("X is a … that", "X, defined as", "X (ABC)", "Term: definition" lists,
"X means"), and relations are stated with a verb that names the ontology type ("requires", "is a special case of",
"mitigates"). Matching those shapes costs well under a millisecond per chunk and every proposal points at the exact
sentence that states it. The bundled MiniLM embedder does the rest (``ingest.resolution``): whether a candidate is
a concept the graph already has, and which category a candidate belongs to when its wording does not say.

``extract(chunks, known)`` returns ``CandidateConcept`` s (name, aliases, definition sentence, category hint, span)
and ``CandidateRelation`` s (source and target as concept ids, an ontology type, the evidence sentence and span).

The modules, in the order ``extract`` uses them: ``sentences`` (spans), ``definitions`` (with ``terms``,
``acronyms`` and ``categories``), ``salience``, ``relations``; ``candidates`` holds the types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ingest.extraction.candidates import (
    EXTRACTOR,
    EXTRACTOR_VERSION,
    CandidateConcept,
    CandidateRelation,
    ChunkLike,
    Evidence,
    Extraction,
)
from ingest.extraction.definitions import definitions_in, glossary_lines, merge_candidates
from ingest.extraction.relations import TermIndex, relations_in
from ingest.extraction.salience import salient_terms
from ingest.extraction.sentences import split_into_sentences
from ingest.extraction.terms import normalise

__all__ = [
    "EXTRACTOR",
    "EXTRACTOR_VERSION",
    "CandidateConcept",
    "CandidateRelation",
    "ChunkLike",
    "Evidence",
    "Extraction",
    "extract",
    "normalise",
]


def extract(chunks: Sequence[ChunkLike], known: Iterable[tuple[str, Sequence[str]]]) -> Extraction:
    """Candidates from ``chunks``; ``known`` is ``(concept_id, names and aliases)`` of the concepts the graph has.

    A candidate whose name or alias is a known term is still returned (resolution turns it into support of the
    known concept); relations use known ids and candidate ids alike.
    """
    known = list(known)
    known_terms = {normalise(t) for _, terms in known for t in terms}
    sentences = [(chunk, split_into_sentences(chunk)) for chunk in chunks]
    raw: list[CandidateConcept] = []
    for chunk, chunk_sentences in sentences:
        glossary = glossary_lines(chunk)
        for sentence in chunk_sentences:
            raw.extend(definitions_in(sentence, glossary))
    concepts = merge_candidates(raw, known_terms)
    taken = known_terms | {normalise(term) for c in concepts for term in c.terms}
    concepts += salient_terms([s for _, chunk_sentences in sentences for s in chunk_sentences], taken)
    index = TermIndex(
        [(cid, t) for cid, terms in known for t in terms]
        + [(c.concept_id, t) for c in concepts for t in c.terms]
    )
    relations: dict[tuple[str, str, str], CandidateRelation] = {}
    for _, chunk_sentences in sentences:
        topic: str | None = None
        for sentence in chunk_sentences:
            found, topic = relations_in(sentence, index, topic)
            for rel in found:
                key = (rel.source_id, rel.rel_type, rel.target_id)
                if key not in relations or relations[key].confidence < rel.confidence:
                    relations[key] = rel
    return Extraction(
        concepts, sorted(relations.values(), key=lambda r: (r.source_id, r.rel_type, r.target_id))
    )
