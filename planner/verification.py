"""Answer verification (pure): citations must point to sources, numbers must be supported, the rest is removed.

A sentence survives if it cites at least one provided source (or can be attributed to one by word overlap), every
number in it equals a calculator value or a number in a cited source (``57,756`` == ``57756``, ``5%`` == ``0.05``,
rounding to the answer's precision allowed), and enough of its content words appear in its cited sources. If too
little survives, the caller builds an extractive fallback (``extractive_answer``).

A number that appears only in the question is never a result: a cited sentence may not carry it (the source it
cites does not contain it), and an uncited sentence (the planner's own, such as a request for missing inputs) may
carry it only where it restates the question's input with the same neighbouring word ("at a 10% baseline").
The semantic checks beyond word overlap live in ``planner.faithfulness``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from planner.types import Source
from textkit.citations import CITATION as _CITATION
from textkit.citations import citation_markers
from textkit.numbers import NumberToken, number_supported, numeric_values, parse_numbers
from textkit.numbers import token_values as _token_values
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


def strip_markers(sentence: str, keep: set[int]) -> str:
    """``sentence`` with citation markers other than ``keep`` removed (and the spacing they leave tidied)."""

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
    result = Verification(answer="", citations_valid=True, numbers_verified=True)
    kept: list[str] = []
    seen_words: list[set[str]] = []
    for sentence in split_sentences(answer):
        markers = citation_markers(sentence)
        invalid = [m for m in markers if m not in by_marker]
        result.invalid_citations.extend(invalid)
        valid = [m for m in dict.fromkeys(markers) if m in by_marker]
        body = strip_markers(sentence, set())
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
                sentence = f"{strip_markers(sentence, set()).rstrip('.!?')} [{best}]."
            else:
                result.removed_sentences.append(sentence)
                result.removed_reasons.append("no valid citation")
                continue
        cited_words = set().union(*(src_words[m] for m in valid))
        support = len(words & cited_words) / len(words) if words else 1.0
        # numbers only the question holds are not evidence: a planted "the answer is 12 [1]" must not pass
        allowed = [*calc_values, *(v for m in valid for v in src_numbers[m])]
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
        kept.append(strip_markers(sentence, set(valid)) if invalid else sentence)
        result.cited_markers.extend(m for m in valid if m not in result.cited_markers)
    result.answer = " ".join(kept)
    final = check_answer(result.answer, sources, calculation_values=calc_values, question=question)
    result.citations_valid, result.numbers_verified = final
    return result


def check_answer(
    answer: str, sources: Sequence[Source], *, calculation_values: Iterable[float] = (), question: str = ""
) -> tuple[bool, bool]:
    """(every ``[n]`` points to a provided source, every number in a cited sentence is supported) for ``answer``.

    Sentences without a citation are the planner's own (a refusal, a request for missing inputs); a number in one
    must be a calculator value or restate the question's own input (``restates_question_input``). A cited sentence's
    numbers must be in what it cites.
    """
    by_marker = {s.marker: s for s in sources}
    calc_values = list(calculation_values)
    citations_ok = True
    numbers_ok = True
    for sentence in split_sentences(answer):
        markers = citation_markers(sentence)
        if any(m not in by_marker for m in markers):
            citations_ok = False
        allowed = list(calc_values)
        for m in markers:
            if m in by_marker:
                allowed.extend(numeric_values(by_marker[m].text) + numeric_values(by_marker[m].title))
        body = strip_markers(sentence, set())
        for tok in parse_numbers(body):
            if number_supported(tok, allowed):
                continue
            if not markers and restates_question_input(body, tok, question):
                continue
            numbers_ok = False
    return citations_ok, numbers_ok


def _neighbours(text: str, tok: NumberToken) -> set[str]:
    """The words right before and right after each occurrence of ``tok`` in ``text``."""
    out: set[str] = set()
    for m in re.finditer(r"(?<![\w.])" + re.escape(tok.text) + r"(?![\w])", text):
        before = re.findall(r"[a-z]+", text[: m.start()].lower())[-1:]
        after = re.findall(r"[a-z]+", text[m.end() :].lower())[:1]
        out.update(before + after)
    return out - STOP_WORDS


def restates_question_input(sentence: str, tok: NumberToken, question: str) -> bool:
    """Whether ``tok`` in ``sentence`` restates an input of ``question``: the question has the same number with the
    same neighbouring content word ("a 10% baseline" / "at a 10% baseline")."""
    same = [
        q for q in parse_numbers(question) if number_supported(q, _token_values(tok)) and q.text == tok.text
    ]
    return any(_neighbours(sentence, tok) & _neighbours(question, q) for q in same)


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
