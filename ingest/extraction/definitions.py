"""Term definitions: "X is a … that", "X, defined as", "X (ABC) means", glossary lines, "also called", acronyms.

Each sentence yields the candidates its definition cues state; ``merge_candidates`` keeps one per concept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ingest.extraction.acronyms import ACRONYM, initials_match
from ingest.extraction.candidates import CandidateConcept, ChunkLike
from ingest.extraction.categories import category_hint
from ingest.extraction.sentences import Sentence
from ingest.extraction.terms import ABBR, clean, display, normalise, scan_back, strip_lead, term_ok

# Each cue follows the term (and an optional "(ABC)" or ", ABC for short,"); ``anchored`` cues need the term to
# open the sentence, because "X is a …" anywhere else is usually not a definition.
_TAIL = rf"(?P<tail>\s*\((?:aka |a\.k\.a\. |also called |we (?:all )?(?:just )?(?:say|call it) )?(?P<abbr>{ABBR})\)|,\s*(?P<abbr2>{ABBR}) for short,)?"
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
    rf"^\s*(?P<term>[A-Za-z][\w'’/ -]{{1,60}}?)\s*(?:\((?P<abbr>{ABBR})\))?\s*:\s+(?P<def>\S.*)$"
)


def glossary_lines(chunk: ChunkLike) -> set[int]:
    """Start offsets of lines that read as glossary entries: bulleted, or one of several ``Term: definition`` lines."""
    entries: list[tuple[int, bool, bool]] = []  # (line start, bulleted, has abbreviation)
    offset = 0
    for line in chunk.text.split("\n"):
        m = _GLOSSARY.match(clean(line))
        if m and term_ok(m.group("term")) and len(m.group("def").split()) >= 3:
            entries.append((offset, bool(re.match(r"\s*[-*+•]\s", line)), bool(m.group("abbr"))))
        offset += len(line) + 1
    plain = sum(1 for _, bulleted, abbr in entries if not bulleted and not abbr)
    return {start for start, bulleted, abbr in entries if bulleted or abbr or plain >= 2}


def definitions_in(sentence: Sentence, glossary: set[int]) -> list[CandidateConcept]:
    text = sentence.clean
    found: list[CandidateConcept] = []
    if sentence.start in glossary or any(sentence.start == g + 2 for g in glossary):
        m = _GLOSSARY.match(text)
        if m and term_ok(m.group("term")):
            aliases = (m.group("abbr"),) if m.group("abbr") else ()
            found.append(candidate(m.group("term"), aliases, m.group("def"), sentence, 0.9, "glossary"))
            return found
    opening = strip_lead(text, 0)
    for pattern, cue, confidence, anchored in _DEFINITION_CUES:
        for m in cue.finditer(text):
            scanned = scan_back(text, m.start())
            if scanned is None:
                continue
            start, term = scanned
            if anchored and strip_lead(text, 0) != start and not _LEAD_VERBS.search(text[:start]):
                continue
            # Not anchored: anywhere after a lead-in verb ("we propose X, a …") or, for relative and appositive
            # definitions, after "the"; otherwise the term must open the sentence.
            after_the = pattern in ("which-is-when", "appositive") and re.search(r"\bthe\s+$", text[:start])
            if not anchored and start != opening and not _LEAD_VERBS.search(text[:start]) and not after_the:
                continue
            if not term_ok(term):
                continue
            abbr = m.group("abbr") or m.group("abbr2")
            aliases = (abbr,) if abbr and abbr.lower() != term.lower() else ()
            definition = text[m.start("def") :] if m.group("def") else text
            found.append(candidate(term, aliases, definition, sentence, confidence, pattern))
        if found:
            return found
    for m in _AKA.finditer(text):
        scanned = scan_back(text, m.start())
        if scanned and term_ok(scanned[1]):
            found.append(
                candidate(scanned[1], (m.group("alias").strip(),), text, sentence, 0.75, "also-called")
            )
    if found:
        return found
    called = _CALLED.search(text)
    if called and term_ok(called.group("term")):
        found.append(candidate(called.group("term"), (), text, sentence, 0.8, "called"))
        return found
    for m in ACRONYM.finditer(text):
        scanned = scan_back(text, m.start())
        if scanned and term_ok(scanned[1]) and initials_match(scanned[1], m.group("abbr")):
            found.append(candidate(scanned[1], (m.group("abbr"),), text, sentence, 0.7, "acronym"))
    return found


def candidate(
    term: str, aliases: Iterable[str], definition: str, sentence: Sentence, confidence: float, pattern: str
) -> CandidateConcept:
    name = display(term)
    definition = " ".join(definition.split()).strip()
    return CandidateConcept(
        name=name,
        aliases=tuple(a for a in dict.fromkeys(aliases) if a and a.lower() != name.lower()),
        # The whole sentence reads as a definition on its own ("X (ABC) is defined as …"); the cue's tail gives the
        # category hint its anchor.
        definition=plain(sentence.raw),
        category=category_hint(name, definition),
        evidence=sentence.evidence(),
        confidence=confidence,
        pattern=pattern,
    )


def plain(text: str) -> str:
    """A sentence without Markdown emphasis or a list bullet."""
    return " ".join(clean(text).split())


def merge_candidates(candidates: Sequence[CandidateConcept], known_terms: set[str]) -> list[CandidateConcept]:
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
