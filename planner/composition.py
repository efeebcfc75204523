"""Composing the final answer from what survived verification (pure).

The small model is weak, so the answer is anchored on the graph: a calculation's exact numbers come first as a
templated sentence; otherwise, when the model did not cite the top source, that source's leading sentence leads
(cited). If too little of the model's text survived, an extractive answer from the top sources replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from planner.types import Source
from planner.verification import (
    MIN_SURVIVING_WORDS,
    citation_markers,
    extractive_answer,
    split_sentences,
    surviving_words,
)

MAX_MODEL_SENTENCES = 3
LEAD_MAX_WORDS = 45
NO_ANSWER = "I could not find sources that answer this question in the knowledge base."


@dataclass(slots=True)
class Composition:
    answer: str
    fallback_used: bool = False
    grounded_lead: int | None = None
    template_used: bool = False
    dropped_for_length: list[str] = field(default_factory=list)


def compose_answer(verified: str, sources: Sequence[Source], *, template: str = "") -> Composition:
    """The final answer from the verified model text, the sources and an optional calculation ``template``."""
    sentences = split_sentences(verified)
    kept, dropped = sentences[:MAX_MODEL_SENTENCES], sentences[MAX_MODEL_SENTENCES:]
    model_text = " ".join(kept)
    text_sources = [s for s in sources if s.kind != "calculation"]
    result = Composition(answer="", dropped_for_length=dropped, template_used=bool(template))
    parts: list[str] = [template] if template else []
    if surviving_words(model_text) < MIN_SURVIVING_WORDS:
        result.fallback_used = True
        parts.append(extractive_answer(text_sources, max_sources=1 if template else 2))
    else:
        cited = {m for s in kept for m in citation_markers(s)}
        top = text_sources[0] if text_sources else None
        if top is not None and not template and top.marker not in cited:
            lead = extractive_answer([top], max_sources=1, max_words=LEAD_MAX_WORDS)
            if lead:
                parts.append(lead)
                result.grounded_lead = top.marker
        parts.append(model_text)
    result.answer = " ".join(p for p in parts if p).strip() or NO_ANSWER
    return result
