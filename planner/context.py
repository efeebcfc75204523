"""Context assembly: choose, order, trim and number the sources the model sees (pure given a token counter)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.calculation import calculation_text
from planner.traversal import Adjacency, parallel_hops
from planner.types import Candidate, ConceptPath, Hop, LinkedEntity, Source, SourceKind
from textkit.clipping import clip_words
from textkit.markdown import plain_text
from textkit.sentences import loose_sentences, source_sentences

TokenCounter = Callable[[str], int]
# A retrieved passage as the generator sees it: its leading words, so that several passages fit the small model's
# context. Only the prompt is clipped (``shown_text``); answer plans, verification and citations read the whole passage.
MAX_PASSAGE_WORDS = 110
MAX_SOURCES = 8
SOURCE_OVERHEAD_TOKENS = 6  # "[n] Title: " framing per source


def estimate_tokens(text: str) -> int:
    """Word-based token estimate (≈1.35 tokens per word for English with a BPE tokenizer)."""
    return math.ceil(len(text.split()) * 1.35)


def token_counter(generator: Any) -> tuple[TokenCounter, str]:
    """The generator's tokenizer as a counter when it exposes one, else the word estimate; and which it is."""
    tokenizer = getattr(generator, "tokenizer", None)
    if tokenizer is not None and hasattr(tokenizer, "encode"):

        def count(text: str) -> int:
            return len(tokenizer.encode(text, add_special_tokens=False))

        return count, "tokenizer"
    counter = getattr(generator, "count_tokens", None)
    if callable(counter):
        return counter, "generator.count_tokens"
    return estimate_tokens, "word_estimate"


@dataclass(frozen=True, slots=True)
class Item:
    """A source before numbering."""

    kind: SourceKind
    id: str
    title: str
    text: str
    source: str = ""
    uri: str = ""


def sentences_of(text: str) -> list[str]:
    """The sentences of a passage (Markdown removed), each ending in its own punctuation."""
    return source_sentences(plain_text(text))


# "Use it for small samples ...": under its heading "it" is the concept; quoted alone, the concept is named
_USE_IT = re.compile(r"^([A-Z][a-z]+) it\b")


def usage_sentence(detail: Mapping[str, Any]) -> str:
    """The first sentence of a concept's curated "when to use" text (why it matters in practice), with the concept
    named where the text says "it" ("Use it for ..." -> "Use the Mann-Whitney U test for ...")."""
    first = next(iter(sentences_of(str(detail.get("when_to_use") or ""))), "")
    name = str(detail.get("name") or "")
    m = _USE_IT.match(first)
    if m is None or not name:
        return first
    return f"{m.group(1)} {named_object(name)}{first[m.end() :]}"


def named_object(name: str) -> str:
    """A concept's name as the object of a verb: "the chi-square test", "Welch's t-test", "CUPED"."""
    head = name.split(" ", 1)[0]
    if "'" in head or head.isupper():
        return name
    return f"the {name[:1].lower() + name[1:] if head[1:].islower() and head.replace('-', '').isalpha() else name}"


# "Skipping the SRM check lets broken logging pass as an effect": the gerund is the subject of a verb, so the
# sentence stands as it is
GERUND_SUBJECT = re.compile(
    r"^[A-Z][a-z]+ing\b(?:[^.;:]|\.\d){0,100}?\b(lets|inflates|makes|causes|hides|masks|turns|breaks|leads|biases|"
    r"creates|produces|reduces|increases|raises|lowers|doubles|ignores|misses|wastes|invalidates|costs|gives|means|"
    r"limits|removes|keeps|hurts|helps|protects|requires|changes|adds|shrinks|exposes)\b"
)


def mistake_sentence(detail: Mapping[str, Any]) -> str:
    """A concept's first curated common mistake, as a sentence that stands on its own.

    The curated list is written as items ("Eyeballing the split instead of testing it"); lifted out of the list an
    item is a fragment, so it is given its lead: "A common mistake is eyeballing the split ...".
    """
    first = next(iter(sentences_of(str(detail.get("mistakes") or ""))), "")
    if not first:
        return ""
    head = first.split(" ", 1)[0]
    if GERUND_SUBJECT.match(first):  # "Stopping early inflates ...": a clause, not an item to complete
        return f"A common mistake: {first[:1].lower()}{first[1:]}"
    if head.lower().endswith("ing"):
        lead = first if head[1:2].isupper() else first[:1].lower() + first[1:]
        return f"A common mistake is {lead}"
    return f"A common mistake: {first[:1].lower() + first[1:] if not head[1:2].isupper() else first}"


def concept_item(detail: Mapping[str, Any], *, with_formula: bool) -> Item:
    """A concept as a source: its curated definition, then when to use it and its first common mistake."""
    text = str(detail.get("definition") or "")
    if with_formula and detail.get("formula_text"):
        formula = str(detail["formula_text"]).strip()
        # its own sentence: the usage sentence after it must not read as the formula's tail
        text = f"{text} Formula: {formula if formula.endswith(('.', '!', '?')) else formula + '.'}"
    extra = [s for s in (usage_sentence(detail), mistake_sentence(detail)) if s]
    if extra:
        text = " ".join([" ".join(text.split()), *extra])
    refs = detail.get("sources") or []
    source = "; ".join(
        " ".join(str(r.get(k)) for k in ("authors", "year", "title") if r.get(k))
        for r in refs[:2]
        if isinstance(r, dict)
    )
    cid = str(detail["concept_id"])
    return Item("concept", cid, str(detail.get("name") or cid), text, source, f"concept:{cid}")


def relation_items(adj: Adjacency, path: ConceptPath) -> list[Item]:
    """One source per hop: the relation read in the path's direction, with its justification."""
    items: list[Item] = []
    for hop in path.hops:
        a, b = adj.name(hop.from_id), adj.name(hop.to_id)
        text = f"{a} {hop.reading} {b}."
        if hop.justification:
            # one sentence, so that a hop told in the answer is its relation and the reason together
            just = hop.justification
            just = just if just[1:2].isupper() else just[:1].lower() + just[1:]
            text = f"{a} {hop.reading} {b}: {just}"
            text = text if text.endswith((".", "!", "?")) else f"{text}."
        items.append(
            Item(
                "relation",
                hop.relation_id or f"{hop.from_id}:{hop.rel_type}:{hop.to_id}",
                f"{a} {hop.reading} {b}",
                text,
                "knowledge graph",
                f"relation:{hop.relation_id}",
            )
        )
    return items


# Relations that name what to do about a concept (read from the concept): how to handle, check or estimate it
REMEDY_FORWARD = frozenset({"mitigated_by", "detected_by", "measured_by"})
REMEDY_INVERSE = frozenset({"corrects_for", "reduces_variance_of", "estimates", "controls", "used_in"})
MAX_REMEDIES = 3


def remedy_hops(adj: Adjacency, concept_id: str, limit: int | None = MAX_REMEDIES) -> list[Hop]:
    """The strongest relations of ``concept_id`` that say how it is handled, detected, corrected or estimated (every
    one of them when ``limit`` is None)."""
    hops = [
        h
        for h in adj.neighbours.get(concept_id, [])
        if (h.forward and h.rel_type in REMEDY_FORWARD) or (not h.forward and h.rel_type in REMEDY_INVERSE)
    ]
    return hops[:limit]


# What a method is for, read from the method: it mitigates, corrects for, detects, measures or controls something
PURPOSE_FORWARD = frozenset({"corrects_for", "reduces_variance_of", "controls", "detects", "mitigates"})
PURPOSE_INVERSE = frozenset({"mitigated_by", "detected_by", "measured_by"})
MAX_PURPOSES = (
    2  # e.g. how a problem is detected and how it is measured (an SRM: the SRM check, the chi-square test)
)


def purpose_hops(adj: Adjacency, concept_id: str, limit: int = MAX_PURPOSES) -> list[Hop]:
    """Why the concept matters in the graph's words: how it is handled (a problem) or what it is for (a method)."""
    hops = [
        h
        for h in adj.neighbours.get(concept_id, [])
        if (h.forward and h.rel_type in PURPOSE_FORWARD | REMEDY_FORWARD)
        or (not h.forward and h.rel_type in PURPOSE_INVERSE)
    ]
    return hops[:limit]


def shown_text(kind: str, text: str) -> str:
    """A source's text as the generator's prompt shows it: a passage (``chunk``) clipped to ``MAX_PASSAGE_WORDS``."""
    return clip_words(text, MAX_PASSAGE_WORDS) if kind == "chunk" else " ".join(text.split())


def chunk_text(markdown: str) -> str:
    """A passage's text as a source holds it: plain text on one line."""
    return " ".join(plain_text(markdown).split())


def chunk_item(c: Candidate) -> Item:
    title = c.title if not c.heading or c.heading == c.title else f"{c.title} — {c.heading}"
    return Item("chunk", c.chunk_id, title, chunk_text(c.text), c.source, c.uri)


def further_passages(candidates: Sequence[Candidate], numbered: set[str], limit: int) -> list[Item]:
    """Up to ``limit`` retrieved passages, in retrieval order, that are not numbered yet (near-duplicates left out)."""
    return [chunk_item(c) for c in candidates if c.duplicate_of is None and c.chunk_id not in numbered][
        :limit
    ]


def order_items(
    intent: str,
    *,
    walks: bool = True,
    entities: Sequence[LinkedEntity],
    details: Mapping[str, Mapping[str, Any]],
    connecting: Sequence[ConceptPath],
    related: Sequence[ConceptPath],
    chunks: Sequence[Candidate],
    adj: Adjacency,
) -> list[Item]:
    """Candidate sources in priority order for the intent (duplicates removed); ``walks``: the answer walks the
    path between two named concepts (``planner.answer_plans.plan_kind``), so a how-to question's path comes first."""
    linked = [details[e.concept_id] for e in entities if e.concept_id in details]
    concepts = [concept_item(d, with_formula=intent in ("definition", "calculation")) for d in linked]
    paths = [i for p in connecting[:2] for i in relation_items(adj, p)]
    paths += [
        i
        for hop in (parallel_hops(adj, connecting[0]) if connecting else [])
        for i in relation_items(adj, ConceptPath(hop.from_id, hop.to_id, (hop,), hop.weight))
    ]
    near = [i for p in related[:3] if len(p.hops) == 1 for i in relation_items(adj, p)]
    texts = [chunk_item(c) for c in chunks if c.duplicate_of is None]
    remedies = [
        i
        for e in entities[:2]
        for hop in remedy_hops(adj, e.concept_id)
        for i in relation_items(adj, ConceptPath(e.concept_id, hop.to_id, (hop,), hop.weight))
    ]
    purposes = [
        i
        for e in entities[:1]
        for hop in purpose_hops(adj, e.concept_id)
        for i in relation_items(adj, ConceptPath(e.concept_id, hop.to_id, (hop,), hop.weight))
    ]
    if intent == "definition":
        ordered = [*concepts[:2], *purposes, *texts[:3], *paths, *concepts[2:], *near[:2]]
    elif intent == "calculation":
        ordered = [*concepts[:1], *texts[:2], *paths[:2], *concepts[1:2]]
    elif intent == "comparison":
        ordered = [*paths, *concepts[:3], *texts[:3], *near[:2], *texts[3:5]]
    elif intent == "methodology" and walks:
        ordered = [*paths, *concepts[:3], *texts[:3], *remedies[:3], *near[:1], *texts[3:5]]
    elif intent == "methodology":
        ordered = [*concepts[:3], *texts[:3], *remedies[:3], *paths, *near[:1], *texts[3:5]]
    elif intent == "best_practice":
        ordered = [*texts[:3], *concepts[:2], *remedies[:3], *paths, *near[:1], *texts[3:5]]
    else:
        ordered = [*texts[:3], *concepts[:2], *paths]
    seen: set[tuple[str, str]] = set()
    out: list[Item] = []
    for item in ordered:
        key = (item.kind, item.id)
        if key in seen or not item.text.strip():
            continue
        seen.add(key)
        out.append(item)
    return out


def number_sources(
    items: Sequence[Item],
    calculation: Mapping[str, Any] | None,
    *,
    budget: int,
    count: TokenCounter,
    max_sources: int = MAX_SOURCES,
) -> tuple[list[Source], list[dict[str, Any]]]:
    """Number items [1..n] within ``budget`` tokens (the calculation first in budget, last in number).

    Returns the sources and the trimming decisions (what was dropped and why) for the trace.
    """
    decisions: list[dict[str, Any]] = []
    used = 0
    calc_text = calculation_text(dict(calculation)) if calculation else ""
    if calculation:
        used += count(calc_text) + SOURCE_OVERHEAD_TOKENS
    chosen: list[tuple[Item, int]] = []
    for item in items:
        if len(chosen) >= max_sources - (1 if calculation else 0):
            decisions.append({"id": item.id, "kind": item.kind, "dropped": "max_sources"})
            continue
        tokens = count(f"{item.title}: {shown_text(item.kind, item.text)}") + SOURCE_OVERHEAD_TOKENS
        if used + tokens > budget:
            decisions.append({"id": item.id, "kind": item.kind, "dropped": "token_budget", "tokens": tokens})
            continue
        used += tokens
        chosen.append((item, tokens))
    sources = [
        Source(i, it.kind, it.id, it.title, it.text, it.source, it.uri, tokens)
        for i, (it, tokens) in enumerate(chosen, start=1)
    ]
    if calculation:
        marker = len(sources) + 1
        title = f"Calculation ({calculation.get('tool')}, {calculation.get('method')})"
        sources.append(
            Source(
                marker,
                "calculation",
                str(calculation.get("tool")),
                title,
                calc_text,
                str(calculation.get("library") or ""),
                "",
                count(calc_text),
            )
        )
    decisions.append({"tokens_used": used, "budget": budget})
    return sources, decisions


def quote_for(source: Source, answer: str, max_chars: int = 240) -> str:
    """The sentence of ``source`` sharing most words with the answer (the citation's quote)."""
    answer_words = set(re.findall(r"[a-z0-9]+", answer.lower()))
    sentences = loose_sentences(source.text)
    if not sentences:
        return ""
    if source.kind == "calculation":  # the outputs come first in a calculation source
        best = sentences[0]
        return best if len(best) <= max_chars else best[: max_chars - 1].rstrip() + "…"
    best = max(
        sentences, key=lambda s: (len(answer_words & set(re.findall(r"[a-z0-9]+", s.lower()))), -len(s))
    )
    return best if len(best) <= max_chars else best[: max_chars - 1].rstrip() + "…"
