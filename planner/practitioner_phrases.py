"""Practitioners' phrasings: a question that describes a concept's situation without naming it.

"We want to call the test early" is about peeking, "the lift wore off after a week" about a novelty effect. The
question embedding does not bridge these (the concept index holds definitions), so each concept file may list
``phrasings:``, how people in the field describe its situation; the ingest carries them in ``ConceptDefined`` and
the projection onto the concept row, where ``EntityLinker`` reads them with the names and aliases. A user's corpus
adds its own the same way, and a replay rebuilds them like any other field.

Matching is a bag of stemmed content words, not a pattern per phrase: a phrasing matches when its content words
(function words such as "the", "we", "it" dropped, each reduced by the Snowball stemmer the BM25 index uses, so
"stopping" is "stop") all occur close together in the question, in any order; one may be missing from a phrasing
of five or more, and the objects nearly every question names ("test", "results", "users") are not required. A question word also counts when it is a near spelling of a phrasing word (rapidfuzz's
``fuzz.ratio``, a C++ edit-distance scorer that checks a word against every phrasing word in microseconds), so
"stoping" still finds "stop". "Experiment" and "test" count as the same word, as practitioners use them.

``PhrasingMatcher.match`` returns the best phrasing per concept with the question words that matched it; the
question focus appends the concepts' names, so linking, intent and the embedding see them, and the trace shows
which phrasing brought each one in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from engine.text_index import stem
from planner.types import ConceptName

# Words that carry no situation: articles, pronouns, auxiliaries, question words and the most general
# prepositions ("once" and "as soon as" are "when"). Words such as "early", "off", "before", "not", "same" or
# "more" stay: they are the situation.
_FUNCTION_WORDS = """
    a an the this that these those it its it's i i'm me my mine we our ours us you your yours he she they them
    their his her is are was were be been being am do does did doing done have has had having will would shall
    should can could may might must to of in on at for with by from as and or but if so then than there here
    what which who whom whose when once soon where why how about into onto over up also just really very actually
    still
    some any one get gets got getting let lets please thing things something anything kind sort like"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
MANY = "multipl"
HOW_MANY = "how-many"
OR_NOT = "or-not"
# Stems of words practitioners use interchangeably, mapped to one ("experiments" stems to "experi").
SAME_STEM = {
    "experi": "test",
    "experiment": "test",
    "ab": "test",
    "uplift": "lift",
    "sever": MANY,
    "mani": MANY,
    "numer": MANY,
    "dozen": MANY,
}
# A count of ten or more is "many" as a situation reads it: "we tracked twenty metrics and one came out significant"
# is the phrasing "many metrics and one of them is significant"; a share ("20%") or a decimal is a value. Smaller
# counts stay numbers: "3 variants vs control" is an A/B/n design before it is a multiple-testing worry (dev splits).
MANY_FROM = 10
_COUNT_WORDS = frozenset(
    [
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "hundreds",
    ]
)
# Stems of the objects nearly every question has ("my test", "the results", "the control group"): a phrasing's other
# words describe the situation, so these are not required ("call it early" is "call the test early"), unless a
# phrasing has fewer than two other words ("the experiment lost").
WEAK_WORDS = frozenset({"test", "result", "user", "metric", "data", "group"})

FUZZY_MIN_CHARS = 5  # shorter stems have too many one-edit neighbours to guess ("stop" / "shop")
FUZZY_MIN_SCORE = 85.0  # fuzz.ratio; one edit in a six-letter word scores ~91, in a five-letter word 80-89
MIN_CONTENT_WORDS = 2  # a phrasing of one content word is a name: it belongs in aliases
ALL_WORDS_UP_TO = (
    4  # phrasings of up to this many content words must match all of them; longer ones all but one
)
WINDOW_SLACK = 3  # matched words may spread over the phrasing's length (or 2 tokens a word) plus this many
MAX_HINTS = 3
PAIR_SLACK = 2

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# "until something hits p<0.05" is "until something is significant", as the phrasings say it
_SIGNIFICANT = re.compile(r"\bp\s*(?:<|≤|<=)\s*(?:0?\.0[15]|0?\.1|[15]\s*%)(?![\d.])")
_MORE_THAN_FEW = re.compile(r"\s+than\s+(?:one|two|a single|[12])\b")
# A result of "+40%" or "doubled" asked to be trusted or shipped is the situation of Twyman's law, as an expert reads
# it: a lift that large is first a sign of a bug or of chance. A planned effect ("detect +30%") asks no such verdict.
SURPRISING_LIFT = 25.0  # percent, relative
_REPORTED_LIFT = re.compile(
    r"(?<![\w.])(?:\+\s*(?P<signed>\d+(?:\.\d+)?)\s*%"
    r"|(?:up|lift of|uplift of|increase of|increased by|jumped|grew)\s+(?P<worded>\d+(?:\.\d+)?)\s*%"
    r"|(?P<times>doubled|tripled|[23]x\b))"
)
_VERDICT_ASK = re.compile(
    r"\b(?:ship|launch|roll (?:it )?out|trust|believ\w*|real\b|legit\w*|too good|for real|valid)",
    re.IGNORECASE,
)


def _surprising_lift(lowered: str) -> str:
    """``lowered`` with a surprisingly large reported lift written as the phrasings say it, when the question asks
    whether to believe or ship it."""
    if not _VERDICT_ASK.search(lowered):
        return lowered

    def told(m: re.Match[str]) -> str:
        value = m.group("signed") or m.group("worded")
        if value is not None and float(value) < SURPRISING_LIFT:
            return m.group()
        return "suspiciously large lift"

    return _REPORTED_LIFT.sub(told, lowered)


@dataclass(frozen=True, slots=True)
class PhrasingMatch:
    """A concept a question describes: the phrasing it matched and the question's words that matched it."""

    concept_id: str
    name: str
    phrasing: str
    matched: str
    score: float  # the share of the phrasing's content words found

    def to_trace(self) -> dict[str, object]:
        return {
            "concept_id": self.concept_id,
            "name": self.name,
            "phrasing": self.phrasing,
            "matched": self.matched,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True, slots=True)
class _Phrasing:
    concept_id: str
    name: str
    text: str
    words: tuple[str, ...]  # distinct content stems
    key_words: tuple[str, ...]  # the words a question must have: those not weak, or all of them
    span: int  # how many question tokens the key words may spread over

    @property
    def required(self) -> int:
        n = len(self.key_words)
        return n if n <= ALL_WORDS_UP_TO else n - 1


def _normalise(token: str) -> str:
    token = token.replace("’", "'")
    if token.endswith("n't") or token in {"cannot", "never", "no"}:
        return "not"
    return token.split("'", 1)[0]


def content_words(text: str) -> list[tuple[int, str, str]]:
    """``(token position, stem, word as written)`` of ``text``'s content words, in order."""
    out: list[tuple[int, str, str]] = []
    lowered = _surprising_lift(_SIGNIFICANT.sub("significant", text.lower()))
    previous = ""
    skip_to = -1
    for position, m in enumerate(_TOKEN.finditer(lowered)):
        word, before, previous = _normalise(m.group()), previous, m.group()
        if position <= skip_to:
            continue
        beyond = _MORE_THAN_FEW.match(lowered, m.end()) if word == "more" else None
        if beyond is not None:
            # "more than one treatment group" is several of them; without its "than one" it would read as "more
            # treatment", which "more treatment users reach the page" also says
            out.append((position, MANY, m.group()))
            skip_to = position + len(_TOKEN.findall(beyond.group()))
            continue
        if word in FUNCTION_WORDS or (len(word) == 1 and not word.isdigit()):
            continue
        if word == "not" and before == "or":
            # "ship or not" asks for a verdict; the "not" of "we couldn't randomize ... it launched" is no such ask
            out.append((position, OR_NOT, m.group()))
            continue
        if word == "many" and before == "how":
            # "how many tests win" asks for a count; it is not "many tests" (nor "3 tests")
            out.append((position, HOW_MANY, m.group()))
            continue
        if _is_count(word, lowered, m.start(), m.end()):
            out.append((position, MANY, m.group()))
            continue
        root = stem(word)
        out.append((position, SAME_STEM.get(root, root), m.group()))
    return out


def _is_count(word: str, text: str, start: int, end: int) -> bool:
    """Whether ``word`` at ``text[start:end]`` counts ``MANY_FROM`` or more things: a number word, or a whole number that is
    no share, decimal, amount or range end ("20%", "0.05", "$30", "50/50")."""
    if word in _COUNT_WORDS:
        return True
    if not word.isdigit() or not MANY_FROM <= int(word) <= 100_000:
        return False
    before, after = text[max(0, start - 1) : start], text[end : end + 2]
    return not (
        before in {".", "$", "/", "-"} or after[:1] in {"%", ".", "/", ","} or after.strip().startswith("%")
    )


class PhrasingMatcher:
    """Finds the concepts whose phrasings a question describes; build one per graph version."""

    def __init__(self, concepts: Iterable[ConceptName]) -> None:
        self.phrasings: list[_Phrasing] = []
        self.skipped: list[tuple[str, str]] = []  # (concept id, phrasing) with too few content words
        for concept in concepts:
            for text in concept.phrasings:
                words = tuple(dict.fromkeys(s for _, s, _ in content_words(text)))
                if len(words) < MIN_CONTENT_WORDS:
                    self.skipped.append((concept.concept_id, text))
                    continue
                strong = tuple(w for w in words if w not in WEAK_WORDS)
                key_words = strong if len(strong) >= MIN_CONTENT_WORDS else words
                span = max(len(_TOKEN.findall(text.lower())), 2 * len(key_words)) + WINDOW_SLACK
                if len(key_words) == 2:
                    # two words alone are a situation only when they stand together ("run more experiments" is
                    # not "run the test for two more weeks"): as close as in the phrasing, give or take PAIR_SLACK
                    at = [p for p, stem, _ in content_words(text) if stem in key_words]
                    span = min(span, max(at) - min(at) + 1 + PAIR_SLACK)
                self.phrasings.append(
                    _Phrasing(concept.concept_id, concept.name, text, words, key_words, span)
                )
        self._by_word: dict[str, list[int]] = {}
        for index, phrasing in enumerate(self.phrasings):
            for word in phrasing.words:
                self._by_word.setdefault(word, []).append(index)
        self._fuzzy_choices = sorted(w for w in self._by_word if len(w) >= FUZZY_MIN_CHARS)

    @property
    def words(self) -> frozenset[str]:
        """The stems the phrasings are made of."""
        return frozenset(self._by_word)

    def _stems_of(self, question_stem: str) -> set[str]:
        """The phrasing stems a question word stands for: itself, or its near spellings."""
        found = {question_stem} if question_stem in self._by_word else set()
        if not found and len(question_stem) >= FUZZY_MIN_CHARS:
            for choice, _score, _ in process.extract(
                question_stem, self._fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=3
            ):
                if choice[0] == question_stem[0]:  # typos rarely hit the first letter
                    found.add(choice)
        return found

    def match(self, text: str, limit: int = MAX_HINTS) -> list[PhrasingMatch]:
        """The concepts ``text`` describes, best first: one match per concept, its best phrasing."""
        if not self.phrasings:
            return []
        tokens = content_words(text)
        positions: dict[str, list[tuple[int, str]]] = {}  # phrasing stem -> (token position, word as written)
        for position, root, written in tokens:
            for word in self._stems_of(root):
                positions.setdefault(word, []).append((position, written))
        touched = {i for word in positions for i in self._by_word[word]}
        best: dict[str, tuple[tuple[bool, float, int, int], PhrasingMatch]] = {}
        for index in sorted(touched):
            phrasing = self.phrasings[index]
            found = [w for w in phrasing.key_words if w in positions]
            if len(found) < phrasing.required:
                continue
            window = _smallest_window([positions[w] for w in found])
            if window is None or window[1] - window[0] + 1 > phrasing.span:
                continue
            found += [w for w in phrasing.words if w not in phrasing.key_words and w in positions]
            matched = " ".join(
                written
                for _, written in sorted(
                    {e for w in found for e in positions[w] if window[0] <= e[0] <= window[1]}
                )
            )
            score = len(found) / len(phrasing.words)
            key = (len(found) >= len(phrasing.key_words), score, len(found), -index)
            have = best.get(phrasing.concept_id)
            if have is None or key > have[0]:
                best[phrasing.concept_id] = (
                    key,
                    PhrasingMatch(phrasing.concept_id, phrasing.name, phrasing.text, matched, score),
                )
        ranked = sorted(best.values(), key=lambda kv: kv[0], reverse=True)
        return [m for _, m in ranked[:limit]]


def _smallest_window(lists: Sequence[list[tuple[int, str]]]) -> tuple[int, int] | None:
    """The narrowest token range holding one position from each list (each list's positions ascending)."""
    events = sorted((position, k) for k, entries in enumerate(lists) for position, _ in entries)
    need = len(lists)
    counts = [0] * need
    have = 0
    best: tuple[int, int] | None = None
    left = 0
    for right in range(len(events)):
        k = events[right][1]
        counts[k] += 1
        have += counts[k] == 1
        while have == need:
            span = (events[left][0], events[right][0])
            if best is None or span[1] - span[0] < best[1] - best[0]:
                best = span
            lk = events[left][1]
            counts[lk] -= 1
            have -= counts[lk] == 0
            left += 1
    return best
