"""Every sentence an answer plan can weigh, embedded before a question needs it.

A plan compares the question with each sentence of the passages, concepts and relations it weighs (hundreds per
answer), with the embedder and the answer-relevance embedder, through their content-addressed cache
(``model.embedder``). The ingest embeds whole passages, not their sentences, so on a cold cache every answer encoded
its sentences itself: 12 s for one answer on 2 cores, measured on a fresh set-up, against about 0.2 s once they are
cached. This module lists those sentences from the graph so that the ingest (and a server's start) embeds them once.

Pure apart from the encoders it is handed: it reads the graph through the planner's own item builders, so the texts
are exactly the ones a plan splits (``planner.context``), and a change there changes what is warmed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from planner.context import chunk_text, concept_item, relation_items, sentences_of
from planner.traversal import Adjacency
from planner.types import ConceptPath

# Texts per encoder call: the encoder's lock is released between slices, so questions asked meanwhile interleave.
SLICE = 256


class Encoder(Protocol):
    def embed(self, texts: Sequence[str]) -> Sequence[Sequence[float]]: ...

    def missing(self, texts: Sequence[str]) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class WarmReport:
    sentences: int  # distinct sentences a plan can weigh
    embedded: int  # vectors computed now (the rest were cached), over every encoder

    def summary(self) -> str:
        return f"answer vectors: {self.sentences} sentence(s), {self.embedded} newly embedded"


def weighable_sentences(
    chunk_texts: Iterable[str], details: Mapping[str, Mapping[str, Any]], adjacency: Adjacency
) -> list[str]:
    """The distinct sentences of every passage, concept (with and without its formula) and relation (read either
    way) that a plan can weigh, in a stable order."""
    texts: list[str] = [chunk_text(t) for t in chunk_texts]
    for detail in details.values():
        texts += [concept_item(detail, with_formula=f).text for f in (False, True)]
    for concept_id in sorted(adjacency.neighbours):
        for hop in adjacency.neighbours[concept_id]:
            texts += [
                i.text
                for i in relation_items(adjacency, ConceptPath(concept_id, hop.to_id, (hop,), hop.weight))
            ]
    return list(dict.fromkeys(s for t in texts for s in sentences_of(t)))


def warm(
    sentences: Sequence[str], encoders: Sequence[Encoder], progress: Callable[[int], None] | None = None
) -> WarmReport:
    """Embed whichever of ``sentences`` each encoder's cache lacks, a slice at a time; ``progress(n)`` per slice."""
    embedded = 0
    for encoder in encoders:
        todo = encoder.missing(sentences)
        for start in range(0, len(todo), SLICE):
            part = todo[start : start + SLICE]
            encoder.embed(part)
            embedded += len(part)
            if progress is not None:
                progress(len(part))
    return WarmReport(len(sentences), embedded)
