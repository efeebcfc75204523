"""Typed relations between mentioned concepts: a verb cue that names an ontology type, read left to right.

"X requires Y", "X is a special case of Y", "X is mitigated by Y": the nearest mentions on each side of a cue are its
ends (a pronoun stands for the sentence's subject or the chunk's topic); negation, clause breaks and long gaps veto.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from engine.ontology import RELATION_TYPES
from ingest.extraction.candidates import CandidateRelation
from ingest.extraction.sentences import Sentence
from ingest.extraction.terms import ADVERBS, STOP

PRONOUNS = re.compile(r"(?<![\w'’-])(?:it|its|it's|it’s|they|their)(?![\w-])", re.IGNORECASE)
_Direction = bool  # True: left mention is the source
_CUES: tuple[tuple[re.Pattern[str], str, _Direction], ...] = tuple(
    (re.compile(pattern, re.I), rel_type, forward)
    for pattern, rel_type, forward in (
        (r"\b(?:reduces?|reducing|cuts?|lowers?|shrinks?) the variance of\b", "reduces_variance_of", True),
        (r"\b(?:is|are) (?:an? )?prerequisites? (?:of|for)\b", "prerequisite_of", True),
        (
            r"\b(?:is|are) (?:an? )?(?:special case|specialization|specialisation|variant) of\b",
            "special_case_of",
            True,
        ),
        (r"\b(?:is|are|'s|’s) (?:an? )?(?:alternative|substitute) (?:to|for)\b", "alternative_to", True),
        (r"\b(?:is|are) similar to\b", "similar_to", True),
        (r"\b(?:is|are) (?:a )?(?:part|component|step) of\b", "part_of", True),
        (r"\b(?:is|are|'s|’s) required (?:by|for)\b", "requires", False),
        (r"\b(?:requires?|needs|depends on|relies on)\b", "requires", True),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?(?:measured|quantified|tracked) by\b", "measured_by", True),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?(?:detected|caught|flagged|spotted) by\b", "detected_by", True),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?caused by\b", "causes", False),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?estimated (?:by|with)\b", "estimates", False),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?used (?:in|by|for)\b", "used_in", True),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?mitigated by\b", "mitigated_by", True),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?assumed by\b", "assumes", False),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?controlled by\b", "controls", False),
        (r"\b(?:is|are|'s|’s) (?:\w+ly )?corrected (?:by|for)\b", "corrects_for", False),
        (r"\b(?:corrects? for|adjusts? for)\b", "corrects_for", True),
        (r"\b(?:increases?|raises?|inflates?|boosts?)\b", "increases", True),
        (r"\b(?:decreases?|lowers?|reduces?)\b", "decreases", True),
        (r"\b(?:measures?|quantifies)\b", "measured_by", False),
        (r"\b(?:invalidates?|violates?|breaks?)\b", "invalidates", True),
        (r"\b(?:detects?|catches)\b", "detected_by", False),
        (r"\b(?:causes?|leads? to|results? in)\b", "causes", True),
        (r"\bestimates?\b", "estimates", True),
        (r"\buses?\b", "used_in", False),
        (r"\bmitigates?\b", "mitigated_by", False),
        (r"\bassumes?\b", "assumes", True),
        (r"\bcontrols\b", "controls", True),
    )
)
assert all(rel in RELATION_TYPES for _, rel, _ in _CUES), "every cue names an ontology relation type"
_NEGATION = re.compile(r"\b(?:not|never|no|cannot)\b|n't\b|n’t\b", re.I)
_CLAUSE_BREAK = re.compile(r";|,\s*(?:and|but|so|while|because)\b|\bthat\b|:", re.I)
MAX_LEFT_WORDS = 8
MAX_APPOSITIVE_WORDS = 22
MAX_RIGHT_WORDS = 3


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    concept_id: str | None  # None: a pronoun, resolved by position


class TermIndex:
    """Finds concept names and aliases in text, longest match first, plurals included."""

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        by_term: dict[str, str] = {}
        for concept_id, term in terms:
            term = " ".join(term.split())
            if term and len(term) >= 2:
                by_term.setdefault(term, concept_id)
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for term, concept_id in sorted(by_term.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            flags = 0 if len(term) < 4 or term.isupper() else re.IGNORECASE
            plural = "(?:s|es)?" if len(term) >= 4 and term[-1].isalpha() else ""
            self._patterns.append(
                (re.compile(rf"(?<![\w-]){re.escape(term)}{plural}(?![\w-])", flags), concept_id)
            )
        self._folded = [(p, c, p.pattern) for p, c in self._patterns]

    def find(self, text: str) -> list[_Mention]:
        taken: list[_Mention] = []
        for pattern, concept_id in self._patterns:
            for m in pattern.finditer(text):
                if all(m.end() <= t.start or m.start() >= t.end for t in taken):
                    taken.append(_Mention(m.start(), m.end(), concept_id))
        return sorted(taken, key=lambda m: m.start)


def _word_count(text: str) -> int:
    return len(re.findall(r"[\w'’/-]+", text))


def _np_continues(text: str, end: int) -> bool:
    """True when the word after a right-hand mention continues its noun phrase ("guardrail monitor")."""
    m = re.match(r"\s+([A-Za-z][\w-]*)", text[end:])
    if m is None:
        return False
    word = m.group(1).lower()
    return word not in STOP and word not in ADVERBS and not word.endswith("ly")


def _inside_phrase(text: str, mention: _Mention) -> bool:
    """A one-word lowercase term right after another content word is the head of a longer, unknown phrase
    ("position bias" is not "bias")."""
    term = text[mention.start : mention.end]
    if " " in term or "-" in term or term.isupper():
        return False
    before = re.search(r"([A-Za-z][\w'’-]*)\s+$", text[: mention.start])
    return (
        before is not None and before.group(1).lower() not in STOP and before.group(1).lower() not in ADVERBS
    )


def relations_in(
    sentence: Sentence, index: TermIndex, topic: str | None
) -> tuple[list[CandidateRelation], str | None]:
    text = sentence.clean
    mentions = [m for m in index.find(text) if not _inside_phrase(text, m)]
    mentions += [
        _Mention(m.start(), m.end(), None)
        for m in PRONOUNS.finditer(text)
        if all(m.end() <= t.start or m.start() >= t.end for t in mentions)
    ]
    mentions.sort(key=lambda m: m.start)
    found: list[CandidateRelation] = []
    subject: str | None = None
    first_named = next((m.concept_id for m in mentions if m.concept_id), None)

    def resolve(m: _Mention) -> str | None:
        if m.concept_id is not None:
            return m.concept_id
        earlier = next((x.concept_id for x in mentions if x.concept_id and x.end <= m.start), None)
        return subject or earlier or topic

    # Cues in priority order claim their words (a longer cue owns them even when it yields no relation), then are
    # read left to right, so "X estimates Y and corrects for Z" knows X is the subject by the time it reaches Z.
    claimed: list[tuple[re.Match[str], str, bool]] = []
    for cue, rel_type, forward in _CUES:
        for m in cue.finditer(text):
            if all(m.end() <= c.start() or m.start() >= c.end() for c, _, _ in claimed):
                claimed.append((m, rel_type, forward))
    for m, rel_type, forward in sorted(claimed, key=lambda c: c[0].start()):
        left = [x for x in mentions if x.end <= m.start()]
        right = [x for x in mentions if x.start >= m.end()]
        if not left or not right:
            continue
        a, b = left[-1], right[0]
        gap_left, gap_right = text[a.end : m.start()], text[m.end() : b.start]
        coordinated = re.search(r"\band\s+(?:it\s+|they\s+)?$", gap_left, re.I) is not None
        appositive = re.match(r"\s*[,(]", gap_left) and re.search(r"[,)]\s*$", gap_left)
        limit = MAX_APPOSITIVE_WORDS if appositive else MAX_LEFT_WORDS
        if _NEGATION.search(gap_left[-12:] + m.group(0) + gap_right):
            continue
        if _word_count(gap_right) > MAX_RIGHT_WORDS or re.search(r"[,;:.]", gap_right):
            continue
        if b.concept_id is not None and _np_continues(text, b.end):
            continue
        source: str | None
        if coordinated and subject is not None:
            source = subject
        else:
            if _word_count(gap_left) > limit or (not appositive and _CLAUSE_BREAK.search(gap_left)):
                continue
            source = resolve(a)
        target = resolve(b)
        if source is None or target is None or source == target:
            continue
        src, dst = (source, target) if forward else (target, source)
        gaps = _word_count(gap_left) + _word_count(gap_right)
        confidence = round(
            max(0.5, 0.85 - 0.03 * max(0, gaps - 2) - (0.1 if None in (a.concept_id, b.concept_id) else 0)),
            3,
        )
        found.append(CandidateRelation(src, dst, rel_type, sentence.evidence(), confidence, m.group(0)))
        subject = source
    next_topic = subject or first_named or topic
    return found, next_topic
