"""The semantic faithfulness gate (pure given an embedding function): a sentence survives only if the passage it
cites supports it.

Word overlap alone lets through sentences that reuse a passage's words to say something else ("a p-value is a
probability that is used to determine the probability of the observed data"). Each sentence is therefore checked,
in this order, and the first failing check removes it with its reason and score:

1. **fragment**: too short, cut off ("... used to [1]."), or a list item lifted without its lead (a gerund opening
   and no finite verb: "Reporting the one significant metric out of 50 as the finding [2].");
2. **repeated**: the same content words as a sentence already kept;
3. **citation**: no marker, or a marker that points to no source;
4. **numbers**: a number the cited passages (or the calculation it cites) do not contain — a number that appears
   only in the question is never accepted in a cited sentence (issue 13, defect 6);
5. **negation mismatch**: the sentence negates what its closest passage sentence affirms, or the reverse;
6. **concept not in the passage**: the sentence names a known concept its cited passages never mention (a swapped
   concept: "type II error" where the passage says "type I error");
7. **reversed relation**: the sentence says a quantity rises where the closest passage sentence says it falls;
8. **semantic support**: cosine between the sentence and its closest cited passage sentence, from the bundled MiniLM
   sentence embedder (the planner's own embedder: no second model to load), below ``MIN_SUPPORT_COSINE``.

A sentence whose body appears verbatim in its cited passage scores 1.0 without being embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from planner.types import Source
from planner.verification import (
    citation_markers,
    content_words,
    number_supported,
    numeric_values,
    parse_numbers,
    split_sentences,
    strip_markers,
)
from textkit.fragments import DANGLING_END_WORDS
from textkit.sentences import loose_sentences

Embed = Callable[[list[str]], Sequence[Sequence[float]]]

MIN_SUPPORT_COSINE = 0.6  # tuned on the dev half of eval/answers_dev.jsonl
REPEAT_JACCARD = 0.8
MIN_WORDS = 4
MIN_CONCEPT_NAME_CHARS = 5  # shorter aliases ("mde", "srm") are too ambiguous to call a swap

_NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|cannot|without|n't)\b|n't\b", re.IGNORECASE)
_UP = re.compile(r"\b(increas\w*|rais\w*|rise\w*|rising|higher|grow\w*|inflat\w*|larger|more|longer)\b", re.I)
_DOWN = re.compile(
    r"\b(decreas\w*|reduc\w*|lower\w*|fall\w*|fewer|less|smaller|shrink\w*|shorten\w*|cut\w*)\b", re.I
)
_FINITE = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "has",
        "have",
        "had",
        "does",
        "do",
        "did",
        "can",
        "could",
        "should",
        "would",
        "will",
        "may",
        "might",
        "must",
        "shall",
    ]
)
_PLAN_LEAD = re.compile(r"^(step \d+: )", re.IGNORECASE)  # the plan's own numbering of a guide's steps


@dataclass(frozen=True, slots=True)
class Removal:
    sentence: str
    reason: str
    score: float | None = None


@dataclass(slots=True)
class GateResult:
    kept: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)  # support score of each kept sentence

    def trace(self) -> list[dict[str, object]]:
        return [
            {
                "sentence": r.sentence,
                "reason": r.reason,
                "score": None if r.score is None else round(r.score, 4),
            }
            for r in self.removed
        ]


def is_fragment(sentence: str) -> bool:
    """Too short, cut off, lower-case opening, unbalanced brackets, or a lead-less list item."""
    body = strip_markers(sentence, set()).strip().rstrip(".!?:;").strip()
    words = body.split()
    if len(words) < MIN_WORDS:
        return True
    if body[:1].islower() or words[-1].lower() in DANGLING_END_WORDS or sentence.rstrip().endswith(":"):
        return True
    if body.count("(") != body.count(")"):
        return True
    lowered = [w.lower().strip(",;") for w in words]
    return lowered[0].endswith("ing") and not any(w in _FINITE for w in lowered[1:])


def passage_sentences(text: str) -> list[str]:
    return [s.strip() for s in loose_sentences(text) if len(s.split()) >= 3]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%.,;:()'/-]+", " ", text.lower()).split()).rstrip(".")


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b, strict=False)))


def _name_words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9/%'\-]+", " ", text.lower()).replace("' ", " ").split())


def _mentions(text: str, names: Iterable[str]) -> set[str]:
    """The known concept names (already normalised) written in ``text``: whole words, punctuation ignored."""
    low = f" {_name_words(text)} "
    return {n for n in names if f" {n} " in low}


def gate(
    sentences: Sequence[str],
    sources: Sequence[Source],
    embed: Embed | None,
    *,
    calculation_values: Iterable[float] = (),
    concept_names: Iterable[str] = (),
    min_cosine: float = MIN_SUPPORT_COSINE,
    trusted: Iterable[str] = (),
) -> GateResult:
    """Keep the sentences their cited passages support (see the module docstring for the checks).

    ``trusted`` sentences (the calculator's templated sentence) skip the semantic checks but not the duplicate check.
    """
    by_marker: Mapping[int, Source] = {s.marker: s for s in sources}
    calc_values = list(calculation_values)
    trusted_set = set(trusted)
    # a name that reads as a bare number once its symbols are gone ("1 − β" → "1") would claim every "Step 1"
    names = sorted(
        {
            w
            for n in concept_names
            if len(n) >= MIN_CONCEPT_NAME_CHARS and re.search(r"[a-z]", w := _name_words(n))
        }
    )
    result = GateResult()
    seen: list[set[str]] = []
    pending: list[tuple[str, list[int], str, list[str]]] = []  # (sentence, markers, body, passage sentences)

    def repeated(words: set[str]) -> bool:
        return bool(words) and any(len(words & p) / len(words | p) >= REPEAT_JACCARD for p in seen)

    for sentence in sentences:
        body = strip_markers(sentence, set())
        words = content_words(body)
        if sentence in trusted_set:
            if repeated(words):
                result.removed.append(Removal(sentence, "repeated"))
                continue
            seen.append(words)
            pending.append((sentence, [], body, []))
            continue
        if is_fragment(sentence):
            result.removed.append(Removal(sentence, "fragment"))
            continue
        if repeated(words):
            result.removed.append(Removal(sentence, "repeated"))
            continue
        markers = list(dict.fromkeys(citation_markers(sentence)))
        if not markers or any(m not in by_marker for m in markers):
            result.removed.append(Removal(sentence, "no valid citation"))
            continue
        cited = [by_marker[m] for m in markers]
        allowed = [v for s in cited for v in numeric_values(s.text) + numeric_values(s.title)]
        if any(s.kind == "calculation" for s in cited):
            allowed += calc_values
        bad = [t.text for t in parse_numbers(_PLAN_LEAD.sub("", body)) if not number_supported(t, allowed)]
        if bad:
            result.removed.append(Removal(sentence, f"numbers not in the cited passage: {', '.join(bad)}"))
            continue
        passage_text = " ".join(f"{s.title}. {s.text}" for s in cited)
        missing = _mentions(body, names) - _mentions(passage_text, names)
        # a name that is part of a longer mentioned name ("power" in "statistical power") is not a swap
        missing = {n for n in missing if not any(n != m and n in m for m in _mentions(body, names))}
        if missing:
            result.removed.append(
                Removal(sentence, f"concept not in the cited passage: {', '.join(sorted(missing))}")
            )
            continue
        seen.append(words)
        pending.append((sentence, markers, body, [p for s in cited for p in passage_sentences(s.text)]))

    to_embed: list[str] = []
    for sentence, markers, body, passages in pending:
        if sentence in trusted_set or not markers or _verbatim(body, passages):
            continue
        to_embed.append(body)
        to_embed.extend(passages)
    vectors: dict[str, Sequence[float]] = {}
    if to_embed and embed is not None:
        unique = list(dict.fromkeys(to_embed))
        vectors = dict(zip(unique, embed(unique), strict=True))

    for sentence, markers, body, passages in pending:
        if sentence in trusted_set or not markers:
            result.kept.append(sentence)
            result.scores.append(1.0)
            continue
        if _verbatim(body, passages):
            result.kept.append(sentence)
            result.scores.append(1.0)
            continue
        if not vectors:
            result.kept.append(sentence)  # no embedder: the lexical checks above stand alone
            result.scores.append(0.0)
            continue
        scored = sorted(((_cosine(vectors[body], vectors[p]), p) for p in passages), reverse=True)
        score, best = scored[0] if scored else (0.0, "")
        if bool(_NEGATION.search(body)) != bool(_NEGATION.search(best)):
            result.removed.append(Removal(sentence, "negation mismatch with the cited passage", score))
            continue
        if _direction(body) and _direction(best) and _direction(body) != _direction(best):
            result.removed.append(Removal(sentence, "reversed relation", score))
            continue
        if score < min_cosine:
            result.removed.append(Removal(sentence, "not supported by the cited passage", score))
            continue
        result.kept.append(sentence)
        result.scores.append(score)
    # removals above may have dropped a sentence that an earlier one repeated: order is preserved by construction
    order = {s: i for i, s in enumerate(sentences)}
    paired = sorted(zip(result.kept, result.scores, strict=True), key=lambda p: order.get(p[0], 0))
    result.kept = [p[0] for p in paired]
    result.scores = [p[1] for p in paired]
    return result


def _verbatim(body: str, passages: Sequence[str]) -> bool:
    text = _normal(_PLAN_LEAD.sub("", body.strip()))
    return bool(text) and any(text in _normal(p) for p in passages)


def _direction(text: str) -> str:
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    if up == down:
        return ""
    return "up" if up else "down"


def gate_text(text: str, sources: Sequence[Source], embed: Embed | None, **kwargs: object) -> GateResult:
    """``gate`` over the sentences of ``text``."""
    return gate(split_sentences(text), sources, embed, **kwargs)  # type: ignore[arg-type]
