"""Entity resolution and categories for extracted candidates, over the bundled MiniLM embedder's vectors. Pure.

A candidate the graph already knows is not proposed again: it matches an existing concept by an alias or its name
(compared after ``ingest.extraction.normalise``: case, hyphens, a plural s), or by embedding similarity of
``name: definition`` against the concept's own vector (the same text shape ``ingest.planning`` embeds) at or above
``threshold``. A candidate whose wording gave no category takes the weighted vote of its nearest known concepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.ontology import ConceptCategory
from ingest.extraction import CandidateConcept, normalise

DEFAULT_THRESHOLD = 0.72  # dev: new candidates scored <= 0.61 against their nearest known concept, rewordings of known ones 0.60-0.70
CATEGORY_NEIGHBOURS = 5
FALLBACK_CATEGORY = ConceptCategory.STATISTICAL_CONCEPT.value
Search = Callable[[list[float], int], list[tuple[str, str, float]]]


@dataclass(frozen=True, slots=True)
class KnownConcept:
    concept_id: str
    name: str
    aliases: tuple[str, ...]
    category: str
    embedding: Sequence[float] | None = None


@dataclass(frozen=True, slots=True)
class Match:
    concept_id: str
    reason: str  # alias | normalised_name | embedding
    score: float


@dataclass(frozen=True, slots=True)
class Resolved:
    """A candidate with its match (None: a new concept), its category and the vector of ``name: definition``."""

    candidate: CandidateConcept
    match: Match | None
    category: str
    vector: list[float]


def candidate_text(candidate: CandidateConcept) -> str:
    """What a candidate's vector encodes (the shape of ``ingest.planning.concept_embedding_text``)."""
    return f"{candidate.name}: {candidate.definition}"


class Resolver:
    """Matches candidates against the known concepts; build once per ingest run."""

    def __init__(
        self,
        known: Sequence[KnownConcept],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        search: Search | None = None,
    ) -> None:
        """``known`` with embeddings are compared in memory; ``search(vector, k)`` -> ``[(id, category, cosine)]``
        finds the rest (the graph's vector index), so an ingest never reads every concept's vector."""
        self.known = list(known)
        self.threshold = threshold
        self._search = search
        self._by_name: dict[str, str] = {}
        self._by_alias: dict[str, str] = {}
        for concept in self.known:
            self._by_name.setdefault(normalise(concept.name), concept.concept_id)
            for alias in concept.aliases:
                self._by_alias.setdefault(normalise(alias), concept.concept_id)
        with_vectors = [c for c in self.known if c.embedding is not None]
        self._ids = [c.concept_id for c in with_vectors]
        self._categories = [c.category for c in with_vectors]
        self._matrix = (
            np.asarray([c.embedding for c in with_vectors], dtype=np.float32)
            if with_vectors
            else np.zeros((0, 0), dtype=np.float32)
        )

    def by_terms(self, candidate: CandidateConcept) -> Match | None:
        for term in candidate.terms:
            key = normalise(term)
            if key in self._by_name:
                return Match(self._by_name[key], "normalised_name", 1.0)
            if key in self._by_alias and (term == candidate.name or len(key) > 4):
                # An acronym alias ("SRM") names a known concept only when it is the candidate's own name.
                return Match(self._by_alias[key], "alias", 1.0)
        return None

    def resolve(
        self, candidates: Sequence[CandidateConcept], vectors: Mapping[str, list[float]]
    ) -> list[Resolved]:
        """Each candidate resolved; ``vectors`` maps ``candidate_text(c)`` to its (normalised) embedding."""
        out: list[Resolved] = []
        for cand in candidates:
            vector = list(vectors[candidate_text(cand)])
            nearest = self._nearest(vector)
            match = self.by_terms(cand)
            if match is None and nearest and nearest[0][2] >= self.threshold:
                match = Match(nearest[0][0], "embedding", round(nearest[0][2], 4))
            category = cand.category or _vote(nearest)
            out.append(Resolved(cand, match, category, vector))
        return out

    def _nearest(self, vector: list[float]) -> list[tuple[str, str, float]]:
        """The ``CATEGORY_NEIGHBOURS`` closest known concepts, closest first: ``(id, category, cosine)``."""
        best: dict[str, tuple[str, str, float]] = {}
        if len(self._ids):
            sims = self._matrix @ np.asarray(vector, dtype=np.float32)
            for i in np.argsort(-sims)[:CATEGORY_NEIGHBOURS]:
                best[self._ids[int(i)]] = (self._ids[int(i)], self._categories[int(i)], float(sims[int(i)]))
        for hit in self._search(vector, CATEGORY_NEIGHBOURS) if self._search is not None else []:
            if hit[0] not in best or best[hit[0]][2] < hit[2]:
                best[hit[0]] = hit
        return sorted(best.values(), key=lambda h: (-h[2], h[0]))[:CATEGORY_NEIGHBOURS]


def _vote(nearest: Sequence[tuple[str, str, float]]) -> str:
    """The category with the largest summed similarity among the nearest known concepts."""
    if not nearest:
        return FALLBACK_CATEGORY
    votes: dict[str, float] = {}
    for _, category, sim in nearest:
        votes[category] = votes.get(category, 0.0) + sim
    return max(sorted(votes), key=lambda c: votes[c])
