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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from engine.ontology import RELATION_TYPES
from ingest.chunking import sentence_spans
from ingest.source_document import slugify

EXTRACTOR = "pattern-extractor"
EXTRACTOR_VERSION = "1"


class ChunkLike(Protocol):
    @property
    def chunk_id(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence that states a fact: its chunk, its character span in the chunk text, and the text itself."""

    chunk_id: str
    start: int
    end: int
    sentence: str


@dataclass(frozen=True, slots=True)
class CandidateConcept:
    name: str
    aliases: tuple[str, ...]
    definition: str
    category: str | None  # None: the wording gave no cue; resolution picks one by embedding neighbours
    evidence: Evidence
    confidence: float
    pattern: str

    @property
    def concept_id(self) -> str:
        return slugify(self.name, 80)

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class CandidateRelation:
    source_id: str
    target_id: str
    rel_type: str
    evidence: Evidence
    confidence: float
    cue: str


@dataclass(slots=True)
class Extraction:
    concepts: list[CandidateConcept] = field(default_factory=list)
    relations: list[CandidateRelation] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- vocabulary
_STOP = frozenset(
    """a an the this that these those it its it's they their them we our us you your he she his her i my me
    there here so and or but also which what when where why how who whom whose some any each every all
    one no not is are was were be been being has have had do does did can could will would should may
    might must shall of to in on at by for with from as into onto over under about after before between
    than then if because while though although just only very really more most less least much many such
    other another same use using used let lets let's see sees saw get gets got make makes made run runs
    ran go goes went say says""".split()  # noqa: SIM905  (a word list reads better as text)
)
_LEAD_INS = frozenset({"the", "a", "an", "our", "your", "their", "its", "this", "that", "so", "also", "and"})
_GENERIC_HEADS = frozenset(
    """thing things fix version problem problems idea way ways reason point answer question caveat note
    trick catch result results goal team page step section part kind type sort lot bit case example rule
    abstract summary heads owner q a tl;dr update edit ps""".split()  # noqa: SIM905  (a word list reads better as text)
)
# Verbs that introduce a term ("we propose X, a …"): a term never extends back over them.
_INTRODUCERS = frozenset(
    """propose proposes introduce introduces study studies formalize formalise define call present""".split()  # noqa: SIM905  (a word list reads better as text)
)
_ADVERBS = frozenset(
    """upstream downstream temporarily first later too again instead overall today there here ago""".split()  # noqa: SIM905  (a word list reads better as text)
)
_WORD = r"[A-Za-z0-9][\w'’/.+-]*"
_ABBR = r"[A-Z0-9][A-Za-z0-9]{1,7}"
_PRONOUNS = re.compile(r"(?<![\w'’-])(?:it|its|it's|it’s|they|their)(?![\w-])", re.IGNORECASE)

# Category cues in the name's last word or the definition's first words; None when nothing fires.
_CATEGORY_HEADS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "metric_type",
        frozenset(
            [
                "rate",
                "ratio",
                "score",
                "index",
                "days",
                "buyers",
                "listeners",
                "users",
                "sellers",
                "metric",
                "share",
                "count",
            ]
        ),
    ),
    ("test", frozenset({"test", "check"})),
    (
        "pitfall",
        frozenset(
            ["bias", "churn", "imbalance", "lag", "leakage", "contamination", "paradox", "drift", "mismatch"]
        ),
    ),
    (
        "analysis_method",
        frozenset(
            ["estimator", "method", "shrinkage", "regression", "adjustment", "correction", "methodology"]
        ),
    ),
    (
        "design_choice",
        frozenset(
            ["design", "interleaving", "ramp", "rollout", "pool", "period", "schedule", "split", "allocation"]
        ),
    ),
    (
        "practice",
        frozenset(
            ["logging", "log", "launch", "switch", "contract", "stitching", "event", "registration", "review"]
        ),
    ),
)
_CATEGORY_DEFINITIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "metric_type",
        re.compile(
            r"^(?:the )?(?:number|count|share|fraction|percentage|proportion|sum|ratio|average) (?:of\b)|"
            r"\bdivided by\b|\bcomposite of\b|\bpercentage of\b",
            re.I,
        ),
    ),
    ("pitfall", re.compile(r"^when\b|\b(?:overstates?|exaggerat\w*|wrong|mistake)\b", re.I)),
    ("analysis_method", re.compile(r"\b(?:method|methodology|estimator|technique|procedure)\b", re.I)),
)


def _clean(text: str) -> str:
    """Markdown emphasis and list bullets blanked out, keeping every character's offset."""
    text = re.sub(r"[*`]|(?<![\w])_|_(?![\w])", " ", text)
    return re.sub(r"^(\s*)[-+•](\s)", r"\1 \2", text, flags=re.MULTILINE)


def _tokens(term: str) -> list[str]:
    return term.split()


def _display(term: str) -> str:
    term = " ".join(term.split()).strip(" ,.;:")
    return term[:1].upper() + term[1:] if term[:1].islower() else term


def _term_ok(term: str) -> bool:
    words = _tokens(term)
    if not 1 <= len(words) <= 6:
        return False
    low = [w.lower().strip(",.;:") for w in words]
    if low[0] in _STOP or low[-1] in _STOP or low[-1] in _GENERIC_HEADS or low[0] in _GENERIC_HEADS:
        return False
    if any(w in _STOP and w not in {"of", "to"} for w in low):
        return False
    if len(words) == 1 and len(low[0]) < 3:
        return False
    return not all(re.fullmatch(r"[\d.%,]+", w) for w in low)


def _scan_back(text: str, end: int, max_words: int = 6) -> tuple[int, str] | None:
    """The term ending at ``end``: term-like words back to a stop word, punctuation or ``max_words``."""
    words = list(re.finditer(_WORD, text[:end]))
    start = None
    for taken, match in enumerate(reversed(words)):
        between = text[match.end() : (start if start is not None else end)]
        if between.strip():  # punctuation between words ends the term
            break
        if match.group(0).lower() in _STOP or match.group(0).lower() in _INTRODUCERS or taken == max_words:
            break
        start = match.start()
    if start is None:
        return None
    return start, text[start:end]


def _strip_lead(text: str, start: int) -> int:
    """Skip lead-in words (the, a, our, so, ...) at ``start``."""
    while True:
        m = re.match(r"\s*(\w+)\s+", text[start:])
        if m and m.group(1).lower() in _LEAD_INS:
            start += m.end()
        else:
            return start + (len(text[start:]) - len(text[start:].lstrip()))


def _initials_match(term: str, abbr: str) -> bool:
    letters = [c.lower() for c in abbr if c.isalpha()]
    initials = [p[0].lower() for p in re.split(r"[\s-]+", term) if p]
    digits_ok = all(c in term.lower() or c in "".join(w for w in term.split()) for c in abbr if c.isdigit())
    i = 0
    for ch in initials:
        if i < len(letters) and ch == letters[i]:
            i += 1
    return i == len(letters) and len(letters) >= 2 and digits_ok


# ---------------------------------------------------------------------------------------------- definitions
# Each cue follows the term (and an optional "(ABC)" or ", ABC for short,"); ``anchored`` cues need the term to
# open the sentence, because "X is a …" anywhere else is usually not a definition.
_TAIL = rf"(?P<tail>\s*\((?:aka |a\.k\.a\. |also called |we (?:all )?(?:just )?(?:say|call it) )?(?P<abbr>{_ABBR})\)|,\s*(?P<abbr2>{_ABBR}) for short,)?"
_DEFINITION_CUES: tuple[tuple[str, re.Pattern[str], float, bool], ...] = (
    (
        "defined-as",
        re.compile(
            _TAIL
            + r"\s*(?:,\s*)?(?:(?:is|are) )?(?:defined as|means|refers to|is when|are when|is where|denotes)\s+(?P<def>\S)",
            re.I,
        ),
        0.9,
        False,
    ),
    (
        "which-is-when",
        re.compile(_TAIL + r",\s*which (?:is|are) (?:when|where|a|an)\s+(?P<def>\S)", re.I),
        0.8,
        False,
    ),
    (
        "appositive",
        re.compile(
            _TAIL
            + r",\s*(?:(?:a|an)\s+(?:[\w'’-]+\s+){0,4}?(?:where|that|which|whose|in which)|in which)\s+(?P<def>\S)",
            re.I,
        ),
        0.75,
        False,
    ),
    (
        "copula",
        re.compile(
            _TAIL
            + r"\s+(?:is|are)\s+(?:a|an|the|our)\s+(?:[\w'’/-]+\s+){0,5}?(?:where|that|which|whose|in which|of|for)\b(?P<def>)",
            re.I,
        ),
        0.75,
        True,
    ),
    (
        "copula-colon",
        re.compile(_TAIL + r"\s+(?:is|are)\s+(?:our|the)\s+[\w'’ -]{1,40}:(?P<def>)", re.I),
        0.8,
        True,
    ),
    ("which-clause", re.compile(_TAIL + r",\s*which\s+(?P<def>\S)", re.I), 0.6, True),
    ("colon", re.compile(_TAIL + r":\s+(?P<def>[a-z])"), 0.7, False),
)
_LEAD_VERBS = re.compile(
    r"(?:\b(?:we|i|they)\s+(?:propose|introduce|study|formalize|formalise|define|call|present|use)\s+|"
    r"\b(?:use|watch out for|beware of)\s+|\b(?:was|is|are|were)\s+)$",
    re.I,
)
_CALLED = re.compile(
    r"\b(?:is|are) (?:called|known as|termed)\s+(?:the |a |an )?(?P<term>[\w'’ -]{2,60}?)\s*[.,;]"
)
_AKA = re.compile(
    r",\s*(?:commonly |also |often |sometimes |usually )?(?:called|known as|referred to as)\s+"
    r"(?P<alias>[A-Za-z0-9][\w'’/ -]{1,40}?)\s*(?:[.,;)]|$)"
)
_GLOSSARY = re.compile(
    rf"^\s*(?P<term>[A-Za-z][\w'’/ -]{{1,60}}?)\s*(?:\((?P<abbr>{_ABBR})\))?\s*:\s+(?P<def>\S.*)$"
)
_ACRONYM = re.compile(rf"\((?P<abbr>{_ABBR})\)")


@dataclass(slots=True)
class _Sentence:
    chunk_id: str
    start: int
    end: int
    raw: str  # the chunk text of the span
    clean: str  # same length, markdown blanked

    def evidence(self) -> Evidence:
        return Evidence(self.chunk_id, self.start, self.end, " ".join(self.raw.split()))


def _sentences(chunk: ChunkLike) -> list[_Sentence]:
    cleaned = _clean(chunk.text)
    return [
        _Sentence(chunk.chunk_id, s, e, chunk.text[s:e], cleaned[s:e]) for s, e in sentence_spans(chunk.text)
    ]


def _glossary_lines(chunk: ChunkLike) -> set[int]:
    """Start offsets of lines that read as glossary entries: bulleted, or one of several ``Term: definition`` lines."""
    entries: list[tuple[int, bool, bool]] = []  # (line start, bulleted, has abbreviation)
    offset = 0
    for line in chunk.text.split("\n"):
        m = _GLOSSARY.match(_clean(line))
        if m and _term_ok(m.group("term")) and len(m.group("def").split()) >= 3:
            entries.append((offset, bool(re.match(r"\s*[-*+•]\s", line)), bool(m.group("abbr"))))
        offset += len(line) + 1
    plain = sum(1 for _, bulleted, abbr in entries if not bulleted and not abbr)
    return {start for start, bulleted, abbr in entries if bulleted or abbr or plain >= 2}


def _category_hint(name: str, definition: str) -> str | None:
    last = name.lower().split()[-1].strip(",.;:") if name.split() else ""
    last = re.split(r"-", last)[-1]
    for category, heads in _CATEGORY_HEADS:
        if last in heads or last.rstrip("s") in heads:
            return category
    for category, pattern in _CATEGORY_DEFINITIONS:
        if pattern.search(definition):
            return category
    return None


def _definitions(sentence: _Sentence, glossary: set[int]) -> list[CandidateConcept]:
    text = sentence.clean
    found: list[CandidateConcept] = []
    if sentence.start in glossary or any(sentence.start == g + 2 for g in glossary):
        m = _GLOSSARY.match(text)
        if m and _term_ok(m.group("term")):
            aliases = (m.group("abbr"),) if m.group("abbr") else ()
            found.append(_candidate(m.group("term"), aliases, m.group("def"), sentence, 0.9, "glossary"))
            return found
    opening = _strip_lead(text, 0)
    for pattern, cue, confidence, anchored in _DEFINITION_CUES:
        for m in cue.finditer(text):
            scanned = _scan_back(text, m.start())
            if scanned is None:
                continue
            start, term = scanned
            if anchored and _strip_lead(text, 0) != start and not _LEAD_VERBS.search(text[:start]):
                continue
            # Not anchored: anywhere after a lead-in verb ("we propose X, a …") or, for relative and appositive
            # definitions, after "the"; otherwise the term must open the sentence.
            after_the = pattern in ("which-is-when", "appositive") and re.search(r"\bthe\s+$", text[:start])
            if not anchored and start != opening and not _LEAD_VERBS.search(text[:start]) and not after_the:
                continue
            if not _term_ok(term):
                continue
            abbr = m.group("abbr") or m.group("abbr2")
            aliases = (abbr,) if abbr and abbr.lower() != term.lower() else ()
            definition = text[m.start("def") :] if m.group("def") else text
            found.append(_candidate(term, aliases, definition, sentence, confidence, pattern))
        if found:
            return found
    for m in _AKA.finditer(text):
        scanned = _scan_back(text, m.start())
        if scanned and _term_ok(scanned[1]):
            found.append(
                _candidate(scanned[1], (m.group("alias").strip(),), text, sentence, 0.75, "also-called")
            )
    if found:
        return found
    called = _CALLED.search(text)
    if called and _term_ok(called.group("term")):
        found.append(_candidate(called.group("term"), (), text, sentence, 0.8, "called"))
        return found
    for m in _ACRONYM.finditer(text):
        scanned = _scan_back(text, m.start())
        if scanned and _term_ok(scanned[1]) and _initials_match(scanned[1], m.group("abbr")):
            found.append(_candidate(scanned[1], (m.group("abbr"),), text, sentence, 0.7, "acronym"))
    return found


def _candidate(
    term: str, aliases: Iterable[str], definition: str, sentence: _Sentence, confidence: float, pattern: str
) -> CandidateConcept:
    name = _display(term)
    definition = " ".join(definition.split()).strip()
    return CandidateConcept(
        name=name,
        aliases=tuple(a for a in dict.fromkeys(aliases) if a and a.lower() != name.lower()),
        # The whole sentence reads as a definition on its own ("X (ABC) is defined as …"); the cue's tail gives the
        # category hint its anchor.
        definition=_plain(sentence.raw),
        category=_category_hint(name, definition),
        evidence=sentence.evidence(),
        confidence=confidence,
        pattern=pattern,
    )


def _plain(text: str) -> str:
    """A sentence without Markdown emphasis or a list bullet."""
    return " ".join(_clean(text).split())


def _merge_candidates(
    candidates: Sequence[CandidateConcept], known_terms: set[str]
) -> list[CandidateConcept]:
    """One candidate per concept: the most confident first statement; an acronym already known as a candidate's
    alias, or a term that is only another candidate's alias, adds nothing."""
    merged: dict[str, CandidateConcept] = {}
    alias_of: dict[str, str] = {}
    for cand in sorted(candidates, key=lambda c: (-c.confidence, c.evidence.chunk_id, c.evidence.start)):
        key = normalise(cand.name)
        owner = alias_of.get(key)
        if owner is not None and owner != cand.concept_id:
            continue
        have = merged.get(cand.concept_id)
        if have is None:
            merged[cand.concept_id] = cand
        else:
            merged[cand.concept_id] = replace(
                have, aliases=tuple(dict.fromkeys([*have.aliases, *cand.aliases]))
            )
        for alias in merged[cand.concept_id].aliases:
            alias_of.setdefault(normalise(alias), cand.concept_id)
    out = [c for cid, c in merged.items() if alias_of.get(normalise(c.name), cid) == cid]
    return sorted(out, key=lambda c: (c.evidence.chunk_id, c.evidence.start, c.concept_id))


def normalise(term: str) -> str:
    """Case, punctuation, hyphens and a plural ``s`` folded away: how names are compared."""
    words = re.sub(r"[^a-z0-9]+", " ", term.casefold().replace("’", "'").replace("'s", "")).split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


# ---------------------------------------------------------------------------------------------- relations
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
    return word not in _STOP and word not in _ADVERBS and not word.endswith("ly")


def _inside_phrase(text: str, mention: _Mention) -> bool:
    """A one-word lowercase term right after another content word is the head of a longer, unknown phrase
    ("position bias" is not "bias")."""
    term = text[mention.start : mention.end]
    if " " in term or "-" in term or term.isupper():
        return False
    before = re.search(r"([A-Za-z][\w'’-]*)\s+$", text[: mention.start])
    return (
        before is not None
        and before.group(1).lower() not in _STOP
        and before.group(1).lower() not in _ADVERBS
    )


def _relations(
    sentence: _Sentence, index: TermIndex, topic: str | None
) -> tuple[list[CandidateRelation], str | None]:
    text = sentence.clean
    mentions = [m for m in index.find(text) if not _inside_phrase(text, m)]
    mentions += [
        _Mention(m.start(), m.end(), None)
        for m in _PRONOUNS.finditer(text)
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


# ---------------------------------------------------------------------------------------------- salient terms
SALIENT_MIN_COUNT = 3
_SALIENT = re.compile(r"(?<![\w-])(?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,3}|[A-Z][A-Z0-9]{1,5}s?)(?![\w-])")


def _salient(sentences: Sequence[_Sentence], taken: set[str]) -> list[CandidateConcept]:
    """Names the document keeps using without defining (capitalised phrases, acronyms; ``SALIENT_MIN_COUNT``+ times
    and never only at a sentence start), unknown to the graph and to the other candidates: low confidence."""
    counts: dict[str, int] = {}
    inner: set[str] = set()
    first: dict[str, _Sentence] = {}
    for sentence in sentences:
        for m in _SALIENT.finditer(sentence.clean):
            term = m.group(0)
            counts[term] = counts.get(term, 0) + 1
            first.setdefault(term, sentence)
            if sentence.clean[: m.start()].strip():
                inner.add(term)
    out = []
    for term, n in sorted(counts.items()):
        if n >= SALIENT_MIN_COUNT and term in inner and normalise(term) not in taken and _term_ok(term):
            out.append(_candidate(term, (), first[term].raw, first[term], 0.4, "salient"))
    return out


# ---------------------------------------------------------------------------------------------- entry point
def extract(chunks: Sequence[ChunkLike], known: Iterable[tuple[str, Sequence[str]]]) -> Extraction:
    """Candidates from ``chunks``; ``known`` is ``(concept_id, names and aliases)`` of the concepts the graph has.

    A candidate whose name or alias is a known term is still returned (resolution turns it into support of the
    known concept); relations use known ids and candidate ids alike.
    """
    known = list(known)
    known_terms = {normalise(t) for _, terms in known for t in terms}
    sentences = [(chunk, _sentences(chunk)) for chunk in chunks]
    raw: list[CandidateConcept] = []
    for chunk, chunk_sentences in sentences:
        glossary = _glossary_lines(chunk)
        for sentence in chunk_sentences:
            raw.extend(_definitions(sentence, glossary))
    concepts = _merge_candidates(raw, known_terms)
    taken = known_terms | {normalise(term) for c in concepts for term in c.terms}
    concepts += _salient([s for _, chunk_sentences in sentences for s in chunk_sentences], taken)
    index = TermIndex(
        [(cid, t) for cid, terms in known for t in terms]
        + [(c.concept_id, t) for c in concepts for t in c.terms]
    )
    relations: dict[tuple[str, str, str], CandidateRelation] = {}
    for _, chunk_sentences in sentences:
        topic: str | None = None
        for sentence in chunk_sentences:
            found, topic = _relations(sentence, index, topic)
            for rel in found:
                key = (rel.source_id, rel.rel_type, rel.target_id)
                if key not in relations or relations[key].confidence < rel.confidence:
                    relations[key] = rel
    return Extraction(
        concepts, sorted(relations.values(), key=lambda r: (r.source_id, r.rel_type, r.target_id))
    )
