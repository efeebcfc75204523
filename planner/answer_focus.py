"""Question-focused evidence: the passage sentences that best answer what the question asks (pure).

After a plan's graph facts, a few whole sentences from the numbered passages are added when they answer the question
and say something the plan has not. Each candidate scores its embedding cosine with the question (the planner's
MiniLM encoder, the vector retrieval already computed for the question), plus a share of the question's own words
that it contains (a comparison's second side, "median", is often a word no concept is named for), plus small bonuses
the caller gives (the concept's own page, a practical section for a how-to question). Selection is greedy in the
manner of maximal marginal relevance (Carbonell & Goldstein 1998), with redundancy measured as the share of a
candidate's content words already said: a sentence the plan already says, or nearly, is never taken.

Not used: a centrality bonus (0.3 × a sentence's mean cosine with the pool's other sentences, on the idea that the
facts experts repeat recur across passages) put more key facts in the top two to five of the dev pools offline, but
end to end the thirteen dev splits went from 1757 to 1751 of 2006 key facts (eval/README.md, thirty-first session).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from planner.types import EXPERIMENT_WORDS

LEXICAL_WEIGHT = 0.15  # cosine points for a sentence holding every content word of the question
REDUNDANCY_WEIGHT = 0.2  # cosine points taken per share of a sentence's words already said
REPEAT_SHARE = 0.6  # a sentence with this share of its words already said in one sentence adds nothing
# cosine points for meeting every ask of a question that asks several things, in full (dev splits: 0.5 +2 of 1,252 key
# facts, 1.5 -4)
PART_WEIGHT = 0.5
# words every question here uses: they say nothing about what it asks
GENERIC_WORDS = EXPERIMENT_WORDS | frozenset(
    [
        "result",
        "results",
        "run",
        "running",
        "use",
        "using",
        "good",
        "best",
        "way",
        "ok",
        "okay",
        "actually",
        "really",
        "thing",
        "things",
        "need",
        "want",
        "know",
        "just",
        "like",
        "also",
    ]
)
_WORD = re.compile(r"[a-z][a-z0-9\-]+")


def content(text: str) -> set[str]:
    """Content words of ``text``, cut to their first six letters (a crude stem: "randomis" ~ "randomiz")."""
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in STOP_WORDS}


def question_terms(question: str) -> set[str]:
    """The question's content words that say what it asks (generic experiment words left out)."""
    return {w[:6] for w in _WORD.findall(question.lower()) if w not in STOP_WORDS and w not in GENERIC_WORDS}


_SIDES = re.compile(r"\b(?:vs\.?|versus|or|compared (?:to|with)|against)\b", re.IGNORECASE)
# the kind of thing both sides are ("leading metric vs north star metric"): it tells neither side
KIND_WORDS = frozenset(
    ["metric", "metrics", "analysis", "analyses", "method", "methods", "approach", "procedure"]
)
SIDE_WORDS = (
    2  # content words of each side nearest the "vs": "mean vs median for revenue" -> {mean}, {median, revenu}
)


def comparison_sides(question: str) -> list[set[str]]:
    """The two things a comparison sets against each other, each as the content words nearest its "vs"/"or";
    [] when the question names no such pair."""
    parts = _SIDES.split(question, maxsplit=1)
    if len(parts) != 2:
        return []
    left, right = ([w[:6] for w in _WORD.findall(p.lower()) if w not in _NOT_A_SIDE] for p in parts)
    sides = [set(left[-SIDE_WORDS:]), set(right[:SIDE_WORDS])]
    return sides if all(sides) else []


_NOT_A_SIDE = STOP_WORDS | GENERIC_WORDS | KIND_WORDS


def sides_named(sentence: str, sides: Sequence[set[str]]) -> float:
    """Share of the comparison's sides a sentence names (a word of each)."""
    words = content(sentence)
    return sum(bool(side & words) for side in sides) / len(sides) if sides else 0.0


def _share(words: set[str], other: set[str]) -> float:
    return len(words & other) / len(words) if words else 1.0


# a new ask inside one question: "..., and what does that mean for ...", "... slowly, and how does ..."
_ASK_BREAK = re.compile(
    r"[?;!]+\s*|\.+\s+|,?\s+and\s+(?=(?:how|why|what|when|which|where|who|does|do|is|are|can|should|would|will)\b)"
    r"|,\s+(?=(?:how|why|what|when|which|where|does|do|is|are|can|should|would|will)\b)",
    re.IGNORECASE,
)
MIN_PART_TERMS = 2  # a part with fewer of its own content words ("or not?") asks nothing of its own


def question_parts(question: str) -> list[str]:
    """The separate asks of a question that asks several things, in order; [] when it asks one."""
    parts = [p.strip(" ,") for p in _ASK_BREAK.split(question) if p and p.strip(" ,")]
    parts = [p for p in parts if len(question_terms(p)) >= MIN_PART_TERMS]
    return parts if len(parts) >= 2 else []


@dataclass(frozen=True, slots=True)
class Scored:
    index: int
    relevance: float


def select(
    sentences: Sequence[str],
    cosines: Sequence[float],
    terms: set[str],
    said: Sequence[set[str]],
    *,
    limit: int,
    min_cosine: float,
    bonus: Sequence[float] | None = None,
    parts: Sequence[Sequence[float]] = (),
    covered: Sequence[float] = (),
) -> list[Scored]:
    """Up to ``limit`` of ``sentences`` that answer the question and repeat nothing, best first.

    ``cosines``: each sentence's cosine with the question; ``terms``: the question's content words
    (``question_terms``); ``said``: the content words of what the answer already says; ``bonus``: extra points per
    sentence. A sentence below ``min_cosine`` is never taken, whatever its words. ``parts``: for a question that
    asks several things, each sentence's cosine with each ask; ``covered``: how close the answer already comes to
    each ask. A sentence then also earns ``PART_WEIGHT`` times its mean gain in closeness over the asks, so an ask
    the answer has not met yet pulls in the sentence that meets it.
    """
    extra = list(bonus) if bonus is not None else [0.0] * len(sentences)
    words = [content(s) for s in sentences]
    relevance = [
        c + LEXICAL_WEIGHT * (len(terms & w) / len(terms) if terms else 0.0) + b
        for c, w, b in zip(cosines, words, extra, strict=True)
    ]
    taken: list[set[str]] = list(said)
    chosen: list[Scored] = []
    open_ = [i for i in range(len(sentences)) if cosines[i] >= min_cosine]
    cover = list(covered) if covered else [0.0] * len(parts)
    while open_ and len(chosen) < limit:
        best, best_value = -1, float("-inf")
        for i in open_:
            overlap = max((_share(words[i], t) for t in taken), default=0.0)
            if overlap >= REPEAT_SHARE:
                continue
            gain = (
                sum(max(0.0, p[i] - c) for p, c in zip(parts, cover, strict=True)) / len(parts)
                if parts
                else 0.0
            )
            value = relevance[i] - REDUNDANCY_WEIGHT * overlap + PART_WEIGHT * gain
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(Scored(best, relevance[best]))
        taken.append(words[best])
        open_.remove(best)
        cover = [max(c, p[best]) for p, c in zip(parts, cover, strict=True)]
    return chosen
