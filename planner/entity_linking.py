"""Entity linking: which graph concepts a question names.

Three passes, strongest first: an exact (case-insensitive) phrase match of names and aliases, a lemma match
(``sizes`` → ``size``) with spaCy's ``PhraseMatcher`` over a blank English pipeline with the lookup lemmatizer,
and a fuzzy match of word n-grams for typos. Embedding similarity for paraphrases is added by the caller
(``link_by_embedding``) because it needs the database's concept index. The concepts' ``phrasings`` (situations
described without a name) are matched by ``self.phrasings`` (``planner.practitioner_phrases``); the question focus
names what they find.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from planner.practitioner_phrases import PhrasingMatcher
from planner.types import EXPERIMENT_WORDS, ConceptName, LinkedEntity

CONF_NAME = 1.0
CONF_ALIAS = 0.95
CONF_LEMMA = 0.9
FUZZY_MIN_RATIO = 0.86
FUZZY_MIN_CHARS = 5
_ACRONYM = re.compile(r"^[A-Z0-9/\-]{2,4}$")

_NLP: Language | None = None


def _pipeline() -> Language:
    """A blank English pipeline with the lookup lemmatizer (tables from spacy-lookups-data), built once."""
    global _NLP
    if _NLP is None:
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        _NLP = nlp
    return _NLP


@dataclass(frozen=True, slots=True)
class _Pattern:
    concept_id: str
    name: str
    surface: str
    is_name: bool


_GENERIC_SUFFIXES = ("problem", "method", "procedure", "approach", "technique")


def name_variants(name: str) -> list[str]:
    """Shorter ways people write a concept's name: without a parenthetical ("Significance level (alpha)") or a
    generic last word ("Multiple testing problem" → "multiple testing")."""
    out: list[str] = []
    short = re.sub(r"\s*\([^)]*\)\s*", " ", name).strip()
    if short and short != name:
        out.append(short)
    words = short.split()
    if len(words) >= 3 and words[-1].lower() in _GENERIC_SUFFIXES:
        out.append(" ".join(words[:-1]))
    elif (
        len(words) == 2 and words[-1].lower() in _GENERIC_SUFFIXES and "-" in words[0] and len(words[0]) >= 8
    ):
        out.append(words[0])  # "Holm-Bonferroni method" → "Holm-Bonferroni"
    return out


_LETTER_PAIR = re.compile(r"\b([A-Za-z])/([A-Za-z])\b")
LONG_SURFACE_WORDS = 5  # an alias this long is a description; its words without the last one still name it


def spelling_variants(surface: str) -> list[str]:
    """Ways people write a name or alias that the tokenizer sees as different words: without hyphens
    ("intent-to-treat" → "intent to treat", "pre-registration" → "preregistration"), without apostrophes
    ("winner's curse" → "winners curse"), without the slash of a letter pair ("Bayesian A/B testing" →
    "Bayesian AB testing"), and a long descriptive alias without its last word
    ("too good to be true result" → "too good to be true")."""
    text = " ".join(surface.split())
    out: list[str] = []
    if "-" in text and not _ACRONYM.match(text):
        out.append(" ".join(text.replace("-", " ").split()))
        if text.count("-") == 1:
            out.append(text.replace("-", ""))
    if "'" in text or "’" in text:
        out.append(text.replace("'", "").replace("’", ""))
    if _LETTER_PAIR.search(text):
        out.append(_LETTER_PAIR.sub(r"\1\2", text))
    words = text.split()
    if len(words) >= LONG_SURFACE_WORDS:
        out.append(" ".join(words[:-1]))
    return [v for v in out if v and v != text]


class EntityLinker:
    """Links question text to concepts by name and alias; build one per graph version (``as_of`` log position)."""

    def __init__(self, concepts: Iterable[ConceptName], *, position: int = 0) -> None:
        concepts = list(concepts)
        self.position = position
        # the situations practitioners describe without naming the concept (the concepts' ``phrasings``)
        self.phrasings = PhrasingMatcher(concepts)
        self._nlp = _pipeline()
        lemmatizer: Any = self._nlp.get_pipe("lemmatizer")
        self._lookup = lemmatizer.lookups.get_table("lemma_lookup")
        self.concepts: dict[str, ConceptName] = {}
        self._keys: list[_Pattern] = []
        self._lower = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(self._nlp.vocab, attr="ORTH")
        self._exact = PhraseMatcher(
            self._nlp.vocab, attr="ORTH"
        )  # stop-word-like short aliases: exact case only
        self._fuzzy_index: dict[int, list[tuple[str, int]]] = {}
        for concept in concepts:
            self.concepts[concept.concept_id] = concept
            surfaces = [(concept.name, True)] + [(a, False) for a in concept.aliases]
            for surface, is_name in surfaces:
                surface = " ".join(surface.split())
                if not surface:
                    continue
                key = len(self._keys)
                self._keys.append(_Pattern(concept.concept_id, concept.name, surface, is_name))
                label = str(key)
                tokenized = self._nlp.make_doc(surface)
                if len(surface) <= 4 and (
                    surface.lower() in STOP_WORDS
                    or (_ACRONYM.match(surface) and surface.lower() in self.english_words)
                ):  # "LATE" and "ATE" are acronyms; "started late" and "ate" are English
                    self._exact.add(label, [tokenized])
                    continue
                self._lower.add(label, [tokenized])
                self._lemma.add(label, [self._lemma_doc(tokenized)])
                if len(surface) >= FUZZY_MIN_CHARS and not _ACRONYM.match(surface):
                    self._fuzzy_index.setdefault(len(tokenized), []).append((surface.lower(), key))
            plain = {" ".join(x.split()).lower() for x, _ in surfaces}
            short_names = name_variants(concept.name)  # "Always-valid inference" of "... (mSPRT)"
            variants = [
                *short_names,
                *(v for x in [*(s for s, _ in surfaces), *short_names] for v in spelling_variants(x)),
            ]
            for variant in dict.fromkeys(v for v in variants if v.lower() not in plain):
                key = len(self._keys)
                self._keys.append(_Pattern(concept.concept_id, concept.name, variant, False))
                tokenized = self._nlp.make_doc(variant)
                self._lower.add(str(key), [tokenized])
                self._lemma.add(str(key), [self._lemma_doc(tokenized)])
                if len(variant) >= FUZZY_MIN_CHARS:
                    self._fuzzy_index.setdefault(len(tokenized), []).append((variant.lower(), key))

    @functools.cached_property
    def english_words(self) -> frozenset[str]:
        """General English word forms (the lookup lemmatizer's table): words a speller must leave alone."""
        table: Any = self._lookup
        return frozenset(str(w) for pair in table.items() for w in pair)

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Lower-case names and aliases (the intent classifier's domain vocabulary)."""
        return frozenset(p.surface.lower() for p in self._keys)

    def _lemma_doc(self, doc: Doc) -> Doc:
        lemmas = [self._lookup.get(t.lower_, t.lower_) for t in doc]
        return Doc(self._nlp.vocab, words=lemmas, spaces=[bool(t.whitespace_) for t in doc])

    def link(self, question: str) -> list[LinkedEntity]:
        """Concepts named in ``question``: longest non-overlapping matches, one entity per concept."""
        entities = self._named(question)
        entities += self._coordinated(question, entities)
        return set_aside_excluded(question, setting_last(_best_per_concept(entities)))

    def _coordinated(self, question: str, entities: Sequence[LinkedEntity]) -> list[LinkedEntity]:
        """Concepts named by a modifier that shares its head noun with a linked name: "type 1 vs type 2 errors",
        "one-sided or two-sided test", "wilson or wald interval" name type I error, the one-sided test and the
        Wilson interval too. The words before the coordinator, with the linked name's head, must name a concept."""
        have = {e.concept_id for e in entities}
        out: list[LinkedEntity] = []
        for ent in entities:
            if ent.method == "fuzzy" or ent.start < 0:
                continue
            before = _COORDINATED.search(question[: ent.start])
            words = ent.mention.split()
            if before is None:
                continue
            left = before.group("left").split()
            for k in range(1, len(words)):
                if len(left) < k:
                    break
                modifier = left[-k:]
                candidate = " ".join([*modifier, *words[k:]])
                found = [e for e in self._named(candidate) if e.concept_id not in have and e.start == 0]
                if found and found[0].end == len(candidate):
                    at = before.start("left") + len(before.group("left")) - len(" ".join(modifier))
                    hit = found[0]
                    out.append(
                        LinkedEntity(
                            hit.concept_id,
                            hit.name,
                            " ".join(modifier),
                            hit.confidence,
                            hit.method,
                            at,
                            at + len(" ".join(modifier)),
                        )
                    )
                    have.add(hit.concept_id)
                    break
        return out

    def _named(self, question: str) -> list[LinkedEntity]:
        doc = self._nlp.make_doc(question)
        lemma_doc = self._lemma_doc(doc)
        found: dict[tuple[int, int], tuple[_Pattern, str]] = {}
        for matcher, doc_for, method in (
            (self._exact, doc, "phrase"),
            (self._lower, doc, "phrase"),
            (self._lemma, lemma_doc, "lemma"),
        ):
            for match_id, start, end in matcher(doc_for):
                pattern = self._keys[int(self._nlp.vocab.strings[match_id])]
                key = (start, end)
                if key not in found or (method == "phrase" and found[key][1] != "phrase"):
                    found[key] = (pattern, method)
        spans = filter_spans([doc[s:e] for s, e in found])
        entities: list[LinkedEntity] = []
        covered: set[int] = set()
        for span in spans:
            pattern, how = found[(span.start, span.end)]
            covered.update(range(span.start, span.end))
            conf = (CONF_NAME if pattern.is_name else CONF_ALIAS) if how == "phrase" else CONF_LEMMA
            entities.append(
                LinkedEntity(
                    pattern.concept_id, pattern.name, span.text, conf, how, span.start_char, span.end_char
                )
            )
        entities.extend(self._fuzzy(doc, covered))
        return entities

    def _fuzzy(self, doc: Doc, covered: set[int]) -> list[LinkedEntity]:
        """Typos: word n-grams (not already matched) close to a name or alias by edit ratio."""
        out: list[LinkedEntity] = []
        taken: set[int] = set(covered)
        for n in sorted(self._fuzzy_index, reverse=True):
            entries = self._fuzzy_index[n]
            surfaces = [s for s, _ in entries]
            for start in range(0, len(doc) - n + 1):
                idx = range(start, start + n)
                if any(i in taken for i in idx) or any(
                    doc[i].is_punct or doc[i].lower_ in STOP_WORDS or doc[i].like_num
                    for i in (start, start + n - 1)
                ):
                    continue
                span = doc[start : start + n]
                text = span.text.lower()
                if len(text) < FUZZY_MIN_CHARS:
                    continue
                if n == 1 and text in self.english_words:
                    continue  # a correctly spelt word is not a typo of a name ("value" is not "pvalue")
                close = difflib.get_close_matches(text, surfaces, n=1, cutoff=FUZZY_MIN_RATIO)
                if not close or close[0][0] != text[0]:  # typos rarely hit the first letter
                    continue
                ratio = difflib.SequenceMatcher(None, text, close[0]).ratio()
                key = next(k for s, k in entries if s == close[0])
                pattern = self._keys[key]
                taken.update(idx)
                out.append(
                    LinkedEntity(
                        pattern.concept_id,
                        pattern.name,
                        span.text,
                        round(0.85 * ratio, 4),
                        "fuzzy",
                        span.start_char,
                        span.end_char,
                    )
                )
        return out


# "type 1 vs type 2 errors": the modifier words just before a coordinator, whose head noun the next name shares
_COORDINATED = re.compile(r"(?P<left>[\w'’/-]+(?:\s+[\w'’/-]+){0,2})\s+(?:vs\.?|versus|or|and|&)\s+$", re.I)


# "besides SRM, how does bot traffic hurt power?" names SRM only to set it aside: such a mention goes last.
_EXCLUDING = re.compile(
    r"\b(?:besides|apart from|aside from|other than|except(?: for)?|not counting)\s+$", re.I
)


def names_only_the_experiment(entity: LinkedEntity) -> bool:
    """Whether a linked mention names nothing but the experiment itself ("ab test", "the experiment")."""
    return (
        bool(entity.mention)
        and entity.method != "embedding"
        and set(entity.mention.lower().split()) <= EXPERIMENT_WORDS
    )


def setting_last(entities: Sequence[LinkedEntity]) -> list[LinkedEntity]:
    """``entities`` with those whose mention only names the experiment itself moved last, when something else is
    linked by name."""
    setting = [e for e in entities if names_only_the_experiment(e)]
    named = [e for e in entities if e.method != "embedding" and e not in setting]
    if not setting or not named:
        return list(entities)
    return [e for e in entities if e not in setting] + setting


# "for an ab test", "in my a/b test", "during the experiment": the experiment as the place the question is set in
_SETTING_BEFORE = re.compile(
    r"\b(?:(?:for|in|on|during|within|from)\s+(?:a|an|the|my|our|your|this|that|each|every|any)|my|our|your)\s+$",
    re.IGNORECASE,
)


def without_setting(question: str, entities: Sequence[LinkedEntity]) -> list[LinkedEntity]:
    """``entities`` without those whose mention only names the experiment itself ("my ab test"), when any other
    concept is linked, by name or by embedding, or when the mention is the place the question is set in ("how do
    you choose metrics for an ab test"): the A/B test is then the question's setting, not its topic. Kept, it
    boosted every passage that mentions an A/B test (395 of 1,113), seeded the traversal with the domain's hub and
    opened the answer with what an A/B test is."""
    setting = [e for e in entities if names_only_the_experiment(e)]
    rest = [e for e in entities if e not in setting]
    if setting and rest:
        return rest
    if setting and all(e.start > 0 and _SETTING_BEFORE.search(question[: e.start]) for e in setting):
        return []
    return list(entities)


def set_aside_excluded(question: str, entities: Sequence[LinkedEntity]) -> list[LinkedEntity]:
    """``entities`` with those the question mentions only to exclude ("besides X", "other than X") moved last,
    when something else is linked: the question is about the rest."""
    excluded = [
        e for e in entities if e.start > 0 and _EXCLUDING.search(question[max(0, e.start - 20) : e.start])
    ]
    if not excluded or len(excluded) == len(entities):
        return list(entities)
    return [e for e in entities if e not in excluded] + excluded


def _best_per_concept(entities: Sequence[LinkedEntity]) -> list[LinkedEntity]:
    best: dict[str, LinkedEntity] = {}
    for ent in entities:
        if ent.concept_id not in best or ent.confidence > best[ent.concept_id].confidence:
            best[ent.concept_id] = ent
    return sorted(best.values(), key=lambda e: (e.start if e.start >= 0 else 10**9, -e.confidence))


def merge_embedding_links(
    linked: Sequence[LinkedEntity],
    neighbours: Sequence[tuple[str, str, float]],
    *,
    min_similarity: float,
    margin: float,
    max_new: int,
) -> tuple[list[LinkedEntity], list[dict[str, object]]]:
    """Add paraphrase links from concept-embedding neighbours ``(concept_id, name, cosine)``, best first.

    A neighbour is linked only if its similarity reaches ``min_similarity`` and is within ``margin`` of the best
    neighbour (so a vague question does not link a crowd of concepts). Returns the entities and the decisions.
    """
    have = {e.concept_id for e in linked}
    out = list(linked)
    decisions: list[dict[str, object]] = []
    top = neighbours[0][2] if neighbours else 0.0
    added = 0
    for concept_id, name, sim in neighbours:
        accept = concept_id not in have and sim >= min_similarity and sim >= top - margin and added < max_new
        decisions.append({"concept_id": concept_id, "similarity": round(sim, 4), "linked": accept})
        if accept:
            out.append(LinkedEntity(concept_id, name, "", round(sim, 4), "embedding"))
            have.add(concept_id)
            added += 1
    return out, decisions


def topic_concepts(
    linked: Sequence[LinkedEntity],
    neighbours: Sequence[tuple[str, str, float]],
    *,
    min_similarity: float,
    margin: float,
    max_topics: int,
) -> list[tuple[str, float]]:
    """The concepts a question is most likely about without naming them: ``(concept_id, cosine)``, best first.

    Practical questions rarely name their topic ("how long should I run my test?" is about test duration, "is it ok
    to change the split mid-experiment?" about traffic allocation), and their cosine with the concept stays below
    the linking threshold. The closest concept embedding neighbours (not already linked, within ``margin`` of the
    best one) then steer retrieval and the answer plan softly, weighted by their similarity, without being shown
    as linked entities.
    """
    have = {e.concept_id for e in linked}
    top = neighbours[0][2] if neighbours else 0.0
    out: list[tuple[str, float]] = []
    for concept_id, _name, sim in neighbours:
        if len(out) >= max_topics or sim < min_similarity or sim < top - margin:
            break
        if concept_id not in have:
            out.append((concept_id, round(sim, 4)))
    return out
