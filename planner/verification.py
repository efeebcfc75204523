"""Answer verification (pure): citations must point to sources, numbers must be supported, the rest is removed.

A sentence survives if it cites at least one provided source (or can be attributed to one by word overlap), every
number in it equals a calculator value, a number in a cited source or a number in the question (``57,756`` ==
``57756``, ``5%`` == ``0.05``, rounding to the answer's precision allowed), and enough of its content words appear in
its cited sources. If too little survives, the caller builds an extractive fallback (``extractive_answer``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from planner.types import Source
from textkit.citations import CITATION as _CITATION
from textkit.citations import citation_markers
from textkit.numbers import number_supported, numeric_values, parse_numbers
from textkit.sentences import split_sentences

MIN_WORD_SUPPORT = 0.4  # share of a sentence's content words that must appear in its cited sources
ATTRIBUTE_MIN_SUPPORT = 0.7  # an uncited sentence this well supported by one source gets that source's marker
MIN_SURVIVING_WORDS = 6

_WORD = re.compile(r"[a-z][a-z\-']+")


@dataclass(slots=True)
class Verification:
    """The verified answer and every decision behind it."""

    answer: str
    citations_valid: bool
    numbers_verified: bool
    removed_sentences: list[str] = field(default_factory=list)
    removed_reasons: list[str] = field(default_factory=list)
    invalid_citations: list[int] = field(default_factory=list)
    unsupported_numbers: list[str] = field(default_factory=list)
    attributed: list[str] = field(default_factory=list)
    cited_markers: list[int] = field(default_factory=list)
    fallback_used: bool = False


def content_words(text: str) -> set[str]:
    words = {w.strip("'-") for w in _WORD.findall(_CITATION.sub(" ", text.lower()))}
    return {
        w[:-1] if w.endswith("s") and len(w) > 4 else w
        for w in words
        if w and w not in STOP_WORDS and len(w) > 2
    }


def _strip_markers(sentence: str, keep: set[int]) -> str:
    def repl(m: re.Match[str]) -> str:
        kept = [x for x in re.split(r"\s*[,;]\s*", m.group(1)) if int(x) in keep]
        return f"[{', '.join(kept)}]" if kept else ""

    return re.sub(r"\s+([.!?])", r"\1", re.sub(r"\s{2,}", " ", _CITATION.sub(repl, sentence))).strip()


def verify_answer(
    answer: str,
    sources: Sequence[Source],
    *,
    calculation_values: Iterable[float] = (),
    question: str = "",
) -> Verification:
    """Check every sentence of ``answer`` against ``sources``; drop what is unsupported (see module doc)."""
    by_marker = {s.marker: s for s in sources}
    src_words = {m: content_words(s.title + " " + s.text) for m, s in by_marker.items()}
    src_numbers = {m: numeric_values(s.text) + numeric_values(s.title) for m, s in by_marker.items()}
    calc_values = list(calculation_values)
    question_values = numeric_values(question)
    result = Verification(answer="", citations_valid=True, numbers_verified=True)
    kept: list[str] = []
    seen_words: list[set[str]] = []
    for sentence in split_sentences(answer):
        markers = citation_markers(sentence)
        invalid = [m for m in markers if m not in by_marker]
        result.invalid_citations.extend(invalid)
        valid = [m for m in dict.fromkeys(markers) if m in by_marker]
        body = _strip_markers(sentence, set())
        words = content_words(body)
        if not words and not parse_numbers(body):
            continue  # a stray marker or punctuation
        if any(len(words & prev) / max(1, len(words | prev)) >= 0.8 for prev in seen_words):
            result.removed_sentences.append(sentence)
            result.removed_reasons.append("repeated")
            continue
        if not valid:
            best = max(
                by_marker, key=lambda m: (len(words & src_words[m]) / max(1, len(words)), -m), default=None
            )
            if (
                best is not None
                and words
                and len(words & src_words[best]) / len(words) >= ATTRIBUTE_MIN_SUPPORT
            ):
                valid = [best]
                result.attributed.append(sentence)
                sentence = f"{_strip_markers(sentence, set()).rstrip('.!?')} [{best}]."
            else:
                result.removed_sentences.append(sentence)
                result.removed_reasons.append("no valid citation")
                continue
        cited_words = set().union(*(src_words[m] for m in valid))
        support = len(words & cited_words) / len(words) if words else 1.0
        allowed = [*calc_values, *question_values, *(v for m in valid for v in src_numbers[m])]
        # calculation sources' numbers may be cited by any sentence that cites the calculation
        bad_numbers = [t.text for t in parse_numbers(body) if not number_supported(t, allowed)]
        if bad_numbers:
            result.unsupported_numbers.extend(bad_numbers)
            result.removed_sentences.append(sentence)
            result.removed_reasons.append(f"unsupported numbers: {', '.join(bad_numbers)}")
            continue
        cites_calculation = any(by_marker[m].kind == "calculation" for m in valid)
        if support < MIN_WORD_SUPPORT and not (cites_calculation and parse_numbers(body)):
            result.removed_sentences.append(sentence)
            result.removed_reasons.append(f"weak support by cited sources ({support:.2f})")
            continue
        seen_words.append(words)
        kept.append(_strip_markers(sentence, set(valid)) if invalid else sentence)
        result.cited_markers.extend(m for m in valid if m not in result.cited_markers)
    result.answer = " ".join(kept)
    final = check_answer(result.answer, sources, calculation_values=calc_values, question=question)
    result.citations_valid, result.numbers_verified = final
    return result


def check_answer(
    answer: str, sources: Sequence[Source], *, calculation_values: Iterable[float] = (), question: str = ""
) -> tuple[bool, bool]:
    """(every ``[n]`` points to a provided source, every number in a cited sentence is supported) for ``answer``.

    Sentences without a citation are the planner's own (a refusal, a request for missing inputs) and carry no
    numbers of their own beyond the question's.
    """
    by_marker = {s.marker: s for s in sources}
    calc_values = list(calculation_values)
    question_values = numeric_values(question)
    citations_ok = True
    numbers_ok = True
    for sentence in split_sentences(answer):
        markers = citation_markers(sentence)
        if any(m not in by_marker for m in markers):
            citations_ok = False
        allowed = [*calc_values, *question_values]
        for m in markers:
            if m in by_marker:
                allowed.extend(numeric_values(by_marker[m].text) + numeric_values(by_marker[m].title))
        if any(not number_supported(t, allowed) for t in parse_numbers(_strip_markers(sentence, set()))):
            numbers_ok = False
    return citations_ok, numbers_ok


def surviving_words(answer: str) -> int:
    return len(content_words(answer))


def needs_fallback(verification: Verification) -> bool:
    """Too little survived verification to stand as the answer."""
    return surviving_words(verification.answer) < MIN_SURVIVING_WORDS


def first_sentences(text: str, max_words: int = 60) -> str:
    """Leading whole sentences of ``text`` within ``max_words`` (at least one sentence)."""
    out: list[str] = []
    count = 0
    for sentence in split_sentences(" ".join(text.split())):
        n = len(sentence.split())
        if out and count + n > max_words:
            break
        out.append(sentence)
        count += n
    return " ".join(out)


def extractive_answer(
    sources: Sequence[Source], *, max_sources: int = 2, max_words: int = 60, max_sentences: int = 4
) -> str:
    """A fallback answer built from the top sources' leading sentences, each cited, without repeating itself."""
    parts: list[str] = []
    seen: list[set[str]] = []
    for src in [s for s in sources if s.kind != "calculation"][:max_sources]:
        for sentence in split_sentences(first_sentences(src.text, max_words)):
            sentence = sentence.rstrip()
            words = content_words(sentence)
            if not words or len(parts) >= max_sentences:
                continue
            if any(len(words & prev) / len(words | prev) >= 0.4 for prev in seen):
                continue  # the second source restating the first
            seen.append(words)
            if sentence[-1] not in ".!?":
                sentence += "."
            parts.append(f"{sentence[:-1]} [{src.marker}]{sentence[-1]}")
    return " ".join(parts)
