"""Answer plans per intent, grounded in the graph (pure given a sentence-similarity function).

A plan is the answer's skeleton: each item is one sentence taken from a numbered source (a concept's curated
definition, when-to-use or common-mistake text, a relation's justification, a guide's steps), with its marker, so the
key facts are in the answer by construction and every sentence is supported by the passage it cites.

- **definition**: the curated definition, why it matters / when to use it, one common mistake;
- **comparison**: both definitions, the relation between them, when to use each;
- **methodology**: the concept's definition, then the best guide passage's steps in order (or its opening sentences),
  how the concept is handled (a relation), when to use it;
- **best practice**: the recommendation (the guide passage that answers the question), how the concept is handled,
  the pitfall it avoids (a common mistake), how to check (when to use);
- **multi-hop**: the best path between the named concepts told hop by hop, each hop with its justification;
- **calculation**: the calculator's numbers, method and meaning are the calculation module's; when the question also
  asks why or what the numbers mean ("how does such a low baseline blow up the sample size?"), the plan adds the
  passage sentences that answer that part, told after the numbers.

Every plan but multi-hop then takes the passage sentences that best answer what the question asks and that it has not
said (``planner.answer_focus``; for how-to and best-practice questions, a "when to use", "how to check" or "common
mistakes" section first), up to ``MAX_SENTENCES`` in all: ranked by the embedders' blend, the best of them reread by
the cross-encoder reranker (``planner.reranking``). Relations are told in plain words
(``planner.plan_sentences``).

The generator writes only a short synthesis where one adds something (``GENERATION_BUDGET``: new tokens per plan
kind, 0 = the plan is the answer and generation is skipped).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from planner.answer_focus import comparison_sides, question_parts, question_terms, select, sides_named
from planner.context import (
    GERUND_SUBJECT,
    mistake_sentence,
    plain_text,
    purpose_hops,
    remedy_hops,
    sentences_of,
    usage_sentence,
)
from planner.faithfulness import is_fragment
from planner.intent import asks_explanation, asks_judgement
from planner.plan_sentences import (
    hop_sentence,
    near_duplicate,
    running_case,
    says_relation,
    stands_alone,
    step_sentence,
)
from planner.reranking import Rerank, reranked
from planner.traversal import Adjacency, parallel_hops
from planner.types import EXPERIMENT_WORDS, Candidate, ConceptPath, Hop, LinkedEntity, Source
from textkit.markdown import headings, inner_sections

# Scores each candidate sentence against the question (higher = more relevant); the planner passes an
# embedding cosine, tests may pass any deterministic function.
Similarity = Callable[[str, Sequence[str]], Sequence[float]]

# New tokens the model may write after the plan, per plan kind (0: the plan is the answer; no generation).
GENERATION_BUDGET: dict[str, int] = {
    "definition": 0,
    "methodology": 0,
    "best_practice": 0,
    "comparison": 0,
    "multi_hop": 0,
}
MAX_STEPS = 6
LEAD_PASSAGES = 5  # top passages that compete to lead a practical answer
LEAD_SENTENCES = 3
MAX_REMEDY_ITEMS = 2  # relations saying how the concept is handled: the closest to the question
MIN_LEAD_SIMILARITY = 0.3
RANK_PENALTY = (
    0.01  # per retrieval rank: between passages about as close to the question, the higher-ranked leads
)
MAX_EVIDENCE = 3
# a multi-hop answer defines each named concept in one sentence and gives the room to one more focused sentence (dev
# splits: dev..dev8 963 -> 963 of 1070 key facts, dev9 144 -> 145 of 182, the same length)
MULTI_HOP_EVIDENCE = 4
MULTI_HOP_DEFINED = 3  # named concepts of a multi-hop question that are defined (the path's start first)
PRACTICAL_EVIDENCE = 2  # sentences from the other passages after the lead passage
EVIDENCE_PASSAGES = 4  # top passages whose sentences compete to answer the question
MIN_EVIDENCE_SIMILARITY = 0.35
PRACTICAL_PASSAGES = (
    6  # how-to and best-practice questions: more passages compete (guides rank below concept pages)
)
GUIDE_BONUS = 0.05  # cosine points for a guide's sentence over a concept page's, for how-to questions
# cosine points for a passage about the answer's primary concept, when passages compete to lead (dev splits: 0.05 ->
# 0.10 +2 of 920 key facts, 7 answers changed, none lost; 0.15 the same)
TOPIC_BONUS = 0.1
# cosine points for a passage whose heading and opening use every content word of the question: the lead is
# hybrid like retrieval, since MiniLM puts "the paid traffic mix shifted during the test" closer to "change the
# traffic split in the middle of a test" than the section that answers it (dev splits: 0.1 1888 -> 1888 of 2164, 17
# answers changed; 0.2 1890, 27 changed, 3 gained a key fact and 1 lost one)
LEAD_WORDS_WEIGHT = 0.2
# cosine points per cosine point of the question's closeness to a competing section's whole text, when choosing the
# lead (not when judging whether any is close enough): a heading and opening say what a section is about, and the
# rest of it whether it answers the question ("latency guardrail is red ... PM says ship it" led with personalization).
# Dev splits: 1890 -> 1893 of 2164 key facts, 54 answers changed (5 gained, 3 lost); on the four splits no adapter
# was trained on, 564 -> 569 of 700 (0.5: 568, 1.5: 569)
SECTION_TEXT_WEIGHT = 1.0
# a relation whose justification says it in plain words is told before one that needs its reading
PLAIN_RELATION_BONUS = 0.05
DEFINED_SUBJECT_WORDS = (
    6  # a longer head is a clause ("Stopping the test on the first day is a ..."), not a term
)
NEAR_DUPLICATE = (
    0.75  # share of a sentence's content words one sentence of the plan already has: a near-duplicate
)
REPEAT_OVERLAP = 0.6  # share of a sentence's content words already said by the plan: it adds nothing
DEFINITION_SENTENCES = 3
# an answer that is not a multi-hop walk stays short; at 8 the focused evidence, the sentences closest to what was
# asked, was the part most often left out (dev splits: +10 of 672 key facts at 10, +3 of 119 on dev6); 11 gives a
# how-to or comparison answer its one more focused sentence (dev splits: +4 of 920 key facts, 0.5 sentences longer;
# 12 sentences with one more focused pick for every kind: +8, 1.2 sentences longer)
MAX_SENTENCES = 11
MIN_FOCUS_COSINE = 0.35  # a passage sentence further from the question than this does not answer it
OWN_PAGE_BONUS = 0.03
SECTION_BONUS = 0.05
SIDES_BONUS = 0.1
# a definition question often asks a second thing ("and who picks it?", "why do people care?"): two focused
# sentences answer it (dev splits: +3 of 920 key facts at 2, none more at 3)
FOCUS_DEFINITION = 2
# share of the answer-relevance embedder's cosine in a focused sentence's score, the plain cosine the rest
RELEVANCE_WEIGHT = 0.5
FOCUS_BEST_PRACTICE = 3
# one more focused pick gave how-to answers +5 of 202 key facts on the dev splits, best-practice answers +1 of 202
FOCUS_METHODOLOGY = 4
FOCUS_COMPARISON = 4
FOCUS_CALCULATION = 4  # the explanation a calculation question also asks for, after the calculator's numbers
_PRACTICAL_SECTION = re.compile(
    r"\b(when to|how to|check|mistakes?|pitfalls?|practice|recommend\w*|guidelines?|before|diagnos\w*|trust\w*|"
    r"avoid\w*|choos\w*|decid\w*)\b",
    re.IGNORECASE,
)
# the part of a question that asks what to do about a problem: a fix, a guard, a method that avoids it
_ASKS_REMEDY = re.compile(
    r"\b(?:fix(?:es|ed)?|avoid|prevent|guard against|protect against|mitigat\w*|correct for|get around|"
    r"what (?:methods?|approaches|options|alternatives)|what (?:can|should|do) (?:i|we|you) do|"
    r"how (?:do|can|should|would) (?:i|we|you) (?:handle|deal with|fix|avoid|prevent|guard)|"
    r"(?:would|does|do|can) \w+(?: \w+)? help)\b",
    re.IGNORECASE,
)
_SIDE_CUE = re.compile(r"\b(?:vs\.?|versus)(?=\W)", re.IGNORECASE)
# "different" sets two things apart only as "different from" or "(how) are they different"; "users who signed up on
# different days" compares nothing, nor does "ship or not"
_CONTRAST = re.compile(
    r"\b(vs\.?|versus|or(?!\s+not\b)|difference|differences|differ|differs|different (?:from|than)|(?:is|are) (?:\w+ )?different"
    r"|compar\w*|which)\b",
    re.IGNORECASE,
)
_BETWEEN_CUES = frozenset({"or", "vs", "vs.", "versus"})  # contrast words that stand between the two sides
_GERUND = re.compile(r"^[A-Z][a-z]+ing\b")
# "They come from heavy users ...": lifted out of its passage, the sentence has lost what it is about
_PRONOUN_OPENING = re.compile(r"^(it|its|they|their|them|this|these|those|he|she|such)\b", re.IGNORECASE)
_FINITE = re.compile(r"\b(is|are|was|were|has|have|does|do|can|should|will|may|must)\b")
_MISTAKES = re.compile(r"\b(mistakes?|pitfalls?|traps?|avoid|errors?|anti-?patterns?)\b", re.IGNORECASE)
_STEP = re.compile(r"(?m)^\s*\d+[.)]\s+(.+?)\s*$")
# "what is X?", "what's an X", "define X", "what does X mean", "what is meant by X": X is the asked term
_ASKED_TERM = re.compile(
    r"^\s*(?:(?:so\s+|and\s+|ok\s+)?what(?:\s+is\s+meant\s+by|'s|s|\s+is|\s+are|\s+does)|define|definition\s+of|"
    r"meaning\s+of|explain\s+what)\s+(?P<term>.{2,80}?)(?:\s+(?:mean|means|stand\s+for|is|are))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)
_TERM_TAIL = re.compile(
    r"\s+(?:in|for|when|within)\s+(?:an?\s+|the\s+)?(?:a/?b|ab|online|experiment|test|statistic)\S*.*$", re.I
)
_DEFINING_VERB = (
    r"(?:\s*\([^)]{1,60}\))?,?\s+(?:is|are|was|means|denotes|describes|refers\s+to|stands\s+for|"
    r"(?:is\s+)?defined\s+as|(?:is\s+)?called)\b"
)
_RELATION_WORDS = re.compile(
    # "impact" and "change" as nouns ("estimate its impact", "a seller fee change") name no relation
    r"\b(relat\w*|connect\w*|link\w*|affect\w*|(?<!its )(?<!the )(?<!their )(?<!overall )(?<!an )impact\w*|"
    r"influenc\w*|have to do with|protect\w*|break\w*|"
    r"help\w*|(?<!a )(?<!the )(?<!this )(?<!that )(?<!our )change\w*|lead\w*|cause\w*|depend\w*|"
    # how one thing moves another: "how does bot traffic hurt power", "how does that turn into power"
    r"hurt\w*|cut\w*|reduc\w*|increas\w*|inflat\w*|shrink\w*|lower\w*|rais\w*|turn\w* into|translat\w*|"
    # "why do novelty effects bias short tests": bias as a verb
    r"bias(?:es|ed|ing)|bias (?:the|a|an|our|my|short|long|results?|estimates?|lift)|"
    r"walk me through)\b|->|→",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One sentence of the plan: its role, its text with the marker, and the source it comes from."""

    role: str
    text: str
    marker: int
    source_kind: str
    source_id: str


@dataclass(frozen=True, slots=True)
class Considered:
    """A passage sentence the focused evidence weighed: its source, plain cosine and answer relevance (None: the
    relevance embedder is off) with the question, and the reranker's score (None: not among the sentences it read,
    or it is off)."""

    source: str
    sentence: str
    cosine: float
    relevance: float | None
    rerank: float | None = None


@dataclass(slots=True)
class AnswerPlan:
    kind: str  # definition | comparison | methodology | best_practice | multi_hop | none
    items: list[PlanItem] = field(default_factory=list)
    max_new_tokens: int = 0
    reason: str = ""
    # every sentence the focused evidence weighed, so the trace shows what was passed over and why
    considered: list[Considered] = field(default_factory=list)

    @property
    def generate(self) -> bool:
        return self.max_new_tokens > 0

    def text(self) -> str:
        return " ".join(i.text for i in self.items)

    def to_trace(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "items": [
                {
                    "role": i.role,
                    "text": i.text,
                    "marker": i.marker,
                    "source": f"{i.source_kind}:{i.source_id}",
                }
                for i in self.items
            ],
            "generate": self.generate,
            "max_new_tokens": self.max_new_tokens,
            "reason": self.reason,
            "considered": [
                {
                    "source": c.source,
                    "sentence": c.sentence,
                    "cosine": round(c.cosine, 4),
                    "relevance": None if c.relevance is None else round(c.relevance, 4),
                    "rerank": None if c.rerank is None else round(c.rerank, 4),
                }
                for c in self.considered
            ],
        }


# "p-hacking is ...", "t-tests assume ...": a lower-case term with a one-letter prefix opens the sentence
_LOWER_TERM_OPENING = re.compile(r"^[a-z]-[a-z]")
# code, a command or a formula opens in lower case ("statsmodels implements ...", "d = ..."); a term such as
# "p-hacking" or "mSPRT" does not make a sentence code
_CODE_OPENING = re.compile(r"^(?![a-z]-[a-z])(?![a-z][\w-]*[A-Z])[^\W\d_A-Z]")
_PROBLEM_LABEL = re.compile(r"^(question|problem|exercise|task)\s*:", re.IGNORECASE)


def cite(sentence: str, marker: int) -> str:
    """``sentence`` with ``[marker]`` before its final punctuation; a sentence opening on a lower-case term
    ("p-hacking is ...") is capitalised as a sentence is, so it does not read as a fragment cut from its passage."""
    body = sentence.strip()
    if _LOWER_TERM_OPENING.match(body):
        body = body[:1].upper() + body[1:]
    end = body[-1] if body and body[-1] in ".!?" else "."
    body = body.rstrip(".!?").rstrip()
    return f"{body} [{marker}]{end}"


def steps_of(markdown: str) -> list[str]:
    """The numbered list items of a passage, in order, as plain sentences."""
    return [plain_text(m.group(1)) for m in _STEP.finditer(markdown)]


class _Builder:
    def __init__(
        self,
        question: str,
        sources: Sequence[Source],
        details: Mapping[str, Mapping[str, Any]],
        candidates: Sequence[Candidate],
        similarity: Similarity,
        adj: Adjacency | None = None,
        focus: str = "",
        focus_only: frozenset[str] = frozenset(),
        relevance: Similarity | None = None,
        rerank: Rerank | None = None,
    ) -> None:
        self.question = question
        self.focus = focus or question
        self.details = details
        self.similarity = similarity
        self.relevance = relevance
        self.rerank = rerank
        self.adj = adj if adj is not None else Adjacency(names={})
        # running text the plan's sources write: how a concept's name is cased mid-sentence
        self.corpus = " ".join(
            [s.text for s in sources if s.kind == "chunk"]
            + [str(d.get("definition") or "") for d in details.values()]
        )
        self.by_id = {(s.kind, s.id): s for s in sources}
        # passages numbered only for the focused evidence do not compete to lead or in ``evidence``
        self.chunks = [s for s in sources if s.kind == "chunk" and s.id not in focus_only]
        self.focus_passages = [s for s in sources if s.kind == "chunk" and s.id in focus_only]
        self.raw = {c.chunk_id: c.text for c in candidates}
        self.mentions = {c.chunk_id: set(c.mentions) for c in candidates}
        self.items: list[PlanItem] = []
        self.considered: list[Considered] = []
        self.primary: str | None = None
        # a best-practice answer says what to do, not what things are: no sentence defining a term
        self.advice_only = False
        # the concepts' names and aliases, as a definition sentence's subject reads them
        self.terms = {
            " ".join(str(t).lower().split())
            for d in details.values()
            for t in [d.get("name") or "", *(d.get("aliases") or [])]
            if t
        }

    def defining(self, sentence: str) -> bool:
        """Whether a passage sentence says what a term is ("A guardrail metric is a ...", "Outliers are
        observations ..."); a relation's sentence ("Outliers are mitigated by ...") is not a passage's."""
        if defined_subject(sentence) is not None:
            return True
        return any(defines(term, sentence, opening=True) for term in self.terms)

    def about_primary(self, chunk_id: str) -> bool:
        """Whether a passage is about the plan's primary concept: its own page, or a passage that mentions it."""
        if self.primary is None:
            return False
        return chunk_id.startswith(f"concept-{self.primary}#") or self.primary in self.mentions.get(
            chunk_id, ()
        )

    def add(self, role: str, sentence: str, source: Source) -> bool:
        """Add ``sentence`` cited to ``source`` unless the plan already says it (or nearly: ``NEAR_DUPLICATE``)."""
        if not sentence or any(i.text.startswith(sentence.rstrip(".")[:60]) for i in self.items):
            return False
        if near_duplicate(_content(sentence), [_content(i.text) for i in self.items], NEAR_DUPLICATE):
            return False
        subject = defined_subject(sentence)
        if subject in self.terms and any(defined_subject(i.text) == subject for i in self.items):
            return False  # a second definition of the same concept, from another source, in other words
        self.items.append(
            PlanItem(role, cite(sentence, source.marker), source.marker, source.kind, source.id)
        )
        return True

    def as_told(self, sentence: str, src: Source) -> str:
        """``sentence`` of ``src`` as the answer tells it (``as_mistake``), read against the chunk's stored text."""
        return as_mistake(sentence, src.title, self.raw.get(src.id, src.text))

    def case(self, name: str) -> str:
        return running_case(name, self.corpus)

    def tell_hop(self, role: str, hop: Hop, src: Source, *, topic_known: bool = False) -> bool:
        """A relation as plain sentences (``planner.plan_sentences``), each cited to the relation."""
        added = False
        told = hop_sentence(hop, self.adj.name, self.case, topic_known=topic_known)
        for sentence in sentences_of(told):
            added = self.add(role, sentence, src) or added
        return added

    def concept(self, concept_id: str) -> Source | None:
        return self.by_id.get(("concept", concept_id))

    def definition(self, concept_id: str, n: int = DEFINITION_SENTENCES) -> None:
        src, detail = self.concept(concept_id), self.details.get(concept_id)
        if src is None or detail is None:
            return
        for sentence in sentences_of(str(detail.get("definition") or ""))[:n]:
            self.add("definition", sentence, src)

    def passage_definition(self, term: str, follow: int = 1) -> str:
        """The first numbered passage's sentence that defines ``term``, then ``follow`` sentences after it.

        Returns the defining sentence ('' when no passage defines the term).
        """
        for src in self.by_id.values():
            if src.kind == "calculation":
                continue
            sentences = sentences_of(src.text)
            for i, sentence in enumerate(sentences):
                if defines(term, sentence) and _prose(sentence):
                    self.add("definition", sentence, src)
                    for after in sentences[i + 1 : i + 1 + follow]:
                        if _prose(after) and not _GERUND.match(after):
                            self.add("definition", after, src)
                    return sentence
        return ""

    def usage(self, concept_id: str, role: str = "when_to_use") -> None:
        src, detail = self.concept(concept_id), self.details.get(concept_id)
        if src is None or detail is None:
            return
        closer = self.closest_item(concept_id, str(detail.get("when_to_use") or ""))
        if closer is not None:
            self.add(role, closer[0], closer[1])
        else:
            self.add(role, usage_sentence(detail), src)

    def mistake(self, concept_id: str, role: str = "common_mistake") -> None:
        src, detail = self.concept(concept_id), self.details.get(concept_id)
        if src is None or detail is None:
            return
        closer = self.closest_item(concept_id, str(detail.get("mistakes") or ""))
        if closer is not None:
            self.add(role, mistake_sentence({"mistakes": closer[0]}), closer[1])
        else:
            self.add(role, mistake_sentence(detail), src)

    def closest_item(self, concept_id: str, curated: str) -> tuple[str, Source] | None:
        """The item of a concept's curated list ("when to use", "common mistakes") closest to the question, with the
        numbered passage of the concept's own page that holds it; None when that is the list's first item (which the
        concept's own source holds and cites) or no numbered passage holds a closer one.

        "our ramp is 1% -> 5% -> 50%, how long at each stage?" is answered by the ramp's second usage sentence (a
        day at 1-5%, then one to two weeks at 50/50), not by its first (which changes to ramp at all).
        """
        items = later_items(curated)
        holders = [
            s for s in self.by_id.values() if s.kind == "chunk" and s.id.startswith(f"concept-{concept_id}#")
        ]
        pool = [
            (item, src)
            for item in items[1:]
            for src in holders
            if " ".join(item.split()) in " ".join(src.text.split()) and _lifts_alone(src.id, item)
        ]
        if not pool:
            return None
        # the first item competes too, wherever it is held: it wins the ties
        texts = [items[0], *(item for item, _ in pool)]
        scores = list(self.similarity(self.question, texts))
        if self.relevance is not None:
            scores = blend(scores, list(self.relevance(self.question, texts)))
        best = max(range(len(texts)), key=lambda i: (scores[i], -i))
        return None if best == 0 else pool[best - 1]

    def evidence(
        self,
        role: str,
        limit: int = MAX_EVIDENCE,
        chunks: Sequence[Source] | None = None,
        *,
        practical: bool = False,
    ) -> None:
        """The chunk sentences most similar to the question (in passage order within each passage).

        ``practical`` (how-to and best-practice questions): the top ``PRACTICAL_PASSAGES`` passages compete, a
        guide's passage gets ``GUIDE_BONUS`` over a concept page (guides say how; concept pages say what), a
        list of mistakes is left to the pitfall, and a sentence saying what the plan already says is skipped.
        """
        passages = (
            chunks
            if chunks is not None
            else self.chunks[: PRACTICAL_PASSAGES if practical else EVIDENCE_PASSAGES]
        )
        if practical:
            passages = [src for src in passages if not _MISTAKES.search(src.title)]
        pool = [(src, s) for src in passages for s in sentences_of(src.text)]
        pool = [(src, s) for src, s in pool if _prose(s) and _lifts_alone(src.id, s)]
        if not pool:
            return
        scores = list(self.similarity(self.question, [s for _, s in pool]))
        if practical:
            scores = [
                x + (GUIDE_BONUS if _is_guide(src.id) else 0.0)
                for x, (src, _) in zip(scores, pool, strict=True)
            ]
        ranked = sorted(range(len(pool)), key=lambda i: -scores[i])
        chosen: list[int] = []
        taken = [_content(i.text) for i in self.items]
        for i in ranked:
            if len(chosen) >= limit or scores[i] < MIN_EVIDENCE_SIMILARITY:
                break
            words = _content(pool[i][1])
            if practical and any(_overlap(words, t) >= REPEAT_OVERLAP for t in taken):
                continue
            chosen.append(i)
            taken.append(words)
        for i in sorted(chosen):
            src, sentence = pool[i]
            if _GERUND.match(sentence) and not GERUND_SUBJECT.match(sentence):
                if _MISTAKES.search(src.title):  # an item of a list of mistakes: give it its lead
                    sentence = with_mistake_lead(sentence)
                elif not _FINITE.search(sentence):
                    continue  # a list item without its lead is a fragment
            self.add(role, sentence, src)

    def lead(self, role: str, step_role: str = "step") -> Source | None:
        """The passage that best answers a practical question, told from its start: its numbered steps in order
        when it has them, else its first ``LEAD_SENTENCES`` sentences.

        Passages compete on their heading and opening sentence (what a guide section is about), a guide's over a
        concept page's; a list of mistakes is left to the pitfall. None when no passage is close enough.
        """
        # A chunk packed from several short sections competes section by section: its first section's heading is not
        # in its title, and the section that answers ("Should we stop a test early ...?", the second of a packed
        # chunk) is told from its own start
        opened: list[tuple[Source, str, str, list[str]]] = []
        for src in self.chunks[:LEAD_PASSAGES]:
            if _MISTAKES.search(src.title):
                continue
            for heading, part in inner_sections(self.raw.get(src.id, src.text), MIN_HEADING_WORDS):
                if heading and _MISTAKES.search(heading):
                    continue
                ss = [s for s in sentences_of(part) if _prose(s) and not _example_numbers(src.id, s)]
                if ss:
                    opened.append((src, heading or section_heading(src.title), part, ss))
        if not opened:
            return None
        # an inner section's heading and opening, without the document's title: the title is shared by all its
        # sections and decided between them on a short opening ("Sticking to the plan: Fix the stop date ...")
        heads = [
            f"{heading}: {ss[0]}" if heading != section_heading(src.title) else f"{src.title}: {ss[0]}"
            for src, heading, _, ss in opened
        ]
        cosines = list(self.similarity(self.question, heads))
        # a section headed by the question itself ("How to test whether the plan mix changed") answers it, however
        # its opening sentence reads; a short generic heading ("When to use") is no such question
        sections = [(i, h) for i, (_, h, _, _) in enumerate(opened) if len(h.split()) >= MIN_HEADING_WORDS]
        if sections:
            headed = self.similarity(self.question, [h for _, h in sections])
            for (i, _), x in zip(sections, headed, strict=True):
                cosines[i] = max(cosines[i], x)
        ranks = {src.id: rank for rank, src in enumerate(self.chunks[:LEAD_PASSAGES])}
        asked = _content(self.focus)
        scores = [
            x
            + LEAD_WORDS_WEIGHT * _overlap(asked, _content(head))
            + (GUIDE_BONUS if _is_guide(src.id) else 0.0)
            + (TOPIC_BONUS if self.about_primary(src.id) else 0.0)
            - RANK_PENALTY * ranks[src.id]
            for x, head, (src, _, _, _) in zip(cosines, heads, opened, strict=True)
        ]
        whole = self.similarity(self.question, [plain_text(part) for _, _, part, _ in opened])
        choice = [x + SECTION_TEXT_WEIGHT * w for x, w in zip(scores, whole, strict=True)]
        # Not the cross-encoder's shift on these openings as on the focused evidence (``reranked``): over 396 dev
        # questions 2 answers gained a key fact and 9 lost one; it was trained on sentences, not section openings.
        # a guide section close enough to the question leads; a concept page (its definition) only when none is. A guide
        # about something else has no such priority over the answer's concept's own page: a section on running whole
        # weeks led "how do we measure long-term effects when our tests only run 2 weeks"
        own = any(self.primary and src.id.startswith(f"concept-{self.primary}#") for src, _, _, _ in opened)
        guides = [
            i
            for i, (src, _, _, _) in enumerate(opened)
            if _is_guide(src.id)
            and scores[i] >= MIN_LEAD_SIMILARITY
            and (not own or self.about_primary(src.id))
        ]
        close = guides or [i for i in range(len(opened)) if scores[i] >= MIN_LEAD_SIMILARITY]
        if not close:
            return None
        best = max(close, key=lambda i: choice[i])
        src, _, part, opening = opened[best]
        steps = steps_of(part)
        if len(steps) >= 2:
            n = 1  # steps are numbered as told: one the passage no longer holds leaves no gap ("Step 2" first)
            for step in steps[:MAX_STEPS]:
                told = step_sentence(step, n)
                # only what the numbered (clipped) passage still holds: the citation must support it
                held = bool(told) and _content(told.removeprefix(f"Step {n}: ")) <= _content(src.text)
                if held and self.add(step_role, told, src):
                    n += 1
            return src
        said = [_content(i.text) for i in self.items]
        added = 0
        # whether what the sentence before this one said is in the answer (told now, or already said): a sentence
        # after one left out ("In experiments they can come from ..." after the definition a best-practice answer
        # does not give) must keep its meaning alone
        follows = True
        for sentence in opening:
            if added >= LEAD_SENTENCES:
                break
            if any(_overlap(_content(sentence), t) >= REPEAT_OVERLAP for t in said):
                continue
            if (
                (
                    _GERUND.match(sentence)
                    and not GERUND_SUBJECT.match(sentence)
                    and not _FINITE.search(sentence)
                )
                or (self.advice_only and self.defining(sentence))
                or (not follows and not _lifts_alone(src.id, sentence))
            ):
                follows = False
                continue
            self.add(role, self.as_told(sentence, src), src)
            follows = True
            added += 1
        return src

    def remedies(self, adj: Adjacency, concepts: Sequence[str], role: str) -> None:
        """The relations saying how the question's concept is handled, checked or corrected, with their reasons."""
        found = [
            (hop, src)
            for concept_id in concepts[:2]
            for hop in remedy_hops(adj, concept_id, limit=None)
            if (src := self.by_id.get(("relation", hop.relation_id))) is not None
        ]
        if not found:
            return
        cosines = self.similarity(self.question, [src.text for _, src in found])
        scores = [
            x
            + (
                PLAIN_RELATION_BONUS
                if says_relation(adj.name(h.from_id), adj.name(h.to_id), h.justification)
                else 0
            )
            for x, (h, _) in zip(cosines, found, strict=True)
        ]
        told: set[frozenset[str]] = set()
        for i in sorted(range(len(found)), key=lambda i: -scores[i]):
            hop, src = found[i]
            pair = frozenset((hop.from_id, hop.to_id))
            if pair in told:  # two relations between the same two concepts say nearly the same: one is told
                continue
            if len(told) >= MAX_REMEDY_ITEMS:
                break
            told.add(pair)
            self.tell_hop(role, hop, src, topic_known=True)

    def purpose(self, adj: Adjacency, concept_id: str) -> None:
        """The relation saying how the concept is handled or what it is for, with its reason."""
        told: set[str] = set()
        for hop in purpose_hops(adj, concept_id):
            src = self.by_id.get(("relation", hop.relation_id))
            if src is not None and hop.to_id not in told:
                told.add(hop.to_id)
                self.tell_hop("purpose", hop, src, topic_known=True)

    def last(self, *roles: str) -> None:
        """Move the items of ``roles`` to the end, in that order (the plan's closing parts)."""
        rest = [i for i in self.items if i.role not in roles]
        self.items = rest + [i for r in roles for i in self.items if i.role == r]

    def focused(
        self,
        role: str,
        limit: int,
        *,
        practical: bool = False,
        sides: Sequence[set[str]] = (),
        uncapped: bool = False,
    ) -> None:
        """Up to ``limit`` passage sentences that answer what the question asks and say what the plan has not
        (``planner.answer_focus``), while the answer is under ``MAX_SENTENCES``.

        Candidates are the whole prose sentences of the numbered passages and concept sources; the concept's own
        page gets ``OWN_PAGE_BONUS``; for a practical question a section saying when, how or what to check gets
        ``SECTION_BONUS``; for a comparison, a sentence naming its ``sides`` gets ``SIDES_BONUS`` per share of them
        (one that names both says how they differ).
        """
        room = limit if uncapped else min(limit, MAX_SENTENCES - len(self.items))
        if room <= 0:
            return
        passages = [
            *self.chunks,
            *self.focus_passages,
            *(s for s in self.by_id.values() if s.kind == "concept"),
        ]
        pool: list[tuple[Source, str]] = []
        seen: set[str] = set()
        for src in passages:
            for sentence in sentences_of(src.text):
                if (
                    sentence in seen
                    or not _prose(sentence)
                    or not _lifts_alone(src.id, sentence)
                    or is_fragment(sentence)
                    # a list item without its lead; a list of mistakes is the pitfall's, told with its lead
                    or (_GERUND.match(sentence) and not GERUND_SUBJECT.match(sentence))
                    or (self.advice_only and self.defining(sentence))
                ):
                    continue
                seen.add(sentence)
                pool.append((src, sentence))
        if not pool:
            return
        texts = [s for _, s in pool]
        plain = list(self.similarity(self.question, texts))
        relevance = list(self.relevance(self.question, texts)) if self.relevance is not None else None
        cosines = blend(plain, relevance) if relevance is not None else plain
        read: dict[int, float] = {}
        if self.rerank is not None:
            cosines, read = reranked(self.question, texts, cosines, self.rerank)
        self.considered += [
            Considered(
                f"{src.kind}:{src.id}", sentence, c, None if relevance is None else relevance[i], read.get(i)
            )
            for i, ((src, sentence), c) in enumerate(zip(pool, plain, strict=True))
        ]
        bonus = [
            (OWN_PAGE_BONUS if src.id == self.primary or self.about_primary(src.id) else 0.0)
            + (SECTION_BONUS if practical and _PRACTICAL_SECTION.search(src.title) else 0.0)
            + SIDES_BONUS * sides_named(sentence, sides)
            for src, sentence in pool
        ]
        asks = question_parts(self.focus)
        parts: list[list[float]] = []
        covered: list[float] = []
        said = [i.text for i in self.items]
        for ask in asks:
            scores = list(self.similarity(ask, [*texts, *said]))
            if self.relevance is not None:
                scores = blend(scores, list(self.relevance(ask, [*texts, *said])))
            parts.append(scores[: len(texts)])
            covered.append(max(scores[len(texts) :], default=0.0))
        for pick in select(
            [s for _, s in pool],
            cosines,
            question_terms(self.focus),
            [_content(i.text) for i in self.items],
            limit=room,
            min_cosine=MIN_FOCUS_COSINE,
            bonus=bonus,
            parts=parts,
            covered=covered,
        ):
            src, sentence = pool[pick.index]
            self.add(role, self.as_told(sentence, src), src)

    def path(self, adj: Adjacency, path: ConceptPath) -> None:
        for hop in path.hops:
            src = self.by_id.get(("relation", hop.relation_id or f"{hop.from_id}:{hop.rel_type}:{hop.to_id}"))
            if src is not None:
                self.tell_hop("hop", hop, src)


MIN_HEADING_WORDS = 4


def blend(cosines: Sequence[float], relevance: Sequence[float]) -> list[float]:
    """Each sentence's plain cosine with the question, moved ``RELEVANCE_WEIGHT`` of the way to its relevance."""
    return [
        (1 - RELEVANCE_WEIGHT) * c + RELEVANCE_WEIGHT * r for c, r in zip(cosines, relevance, strict=True)
    ]


def section_heading(title: str) -> str:
    """A passage's own section heading, the last part of its title ("Guide — Guide > How to test X" -> "How to
    test X"); '' for a passage with none."""
    return title.rsplit(" > ", 1)[1].strip() if " > " in title else ""


def with_mistake_lead(item: str) -> str:
    """An item of a list of mistakes ("Replacing ITT with ...") as a sentence: "A common mistake is replacing ..."."""
    return f"A common mistake is {item[:1].lower()}{item[1:]}"


def asked_term(question: str) -> str | None:
    """The term a definition question asks about ("What is the quillfeather holdout?" -> "quillfeather holdout")."""
    m = _ASKED_TERM.match(question)
    if m is None:
        return None
    term = _TERM_TAIL.sub("", _ARTICLE.sub("", m.group("term").strip(" \"'`"))).strip(" \"'`")
    return term if 0 < len(term.split()) <= 6 else None


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _term_pattern(term: str) -> re.Pattern[str]:
    words = re.findall(r"[a-z0-9]+", term.lower())
    return re.compile(r"\b" + r"[\s\-]+".join(map(re.escape, words)) + r"(?:e?s)?\b", re.IGNORECASE)


def defines(term: str, sentence: str, *, opening: bool = False) -> bool:
    """Whether ``sentence`` defines ``term`` ("The X is ...", "X, defined as ...", "X means ..."); with ``opening``,
    only a sentence that opens on the term ("Outliers are ...", "The p-value is ...")."""
    words = re.findall(r"[a-z0-9]+", term.lower())
    if not words:
        return False
    head = r"[\s\-]+".join(map(re.escape, words)) + r"(?:e?s)?"
    if opening:
        return re.match(r"(?:an?\s+|the\s+)?" + head + _DEFINING_VERB, sentence, re.IGNORECASE) is not None
    lead = r"(?:^|[,:;(]\s*|\b(?:the|a|an|our|this|that|so-called)\s+)"
    return re.search(lead + head + _DEFINING_VERB, sentence, re.IGNORECASE) is not None


def _same_term(term: str, names: Sequence[str]) -> bool:
    """``term`` names the concept (its name or the question's mention of it), plural or singular."""
    t = _norm(term)
    for name in names:
        n = _norm(name)
        if n and (t == n or t.rstrip("s") == n.rstrip("s")):
            return True
    return False


BROADER = frozenset({"special_case_of", "part_of"})


def _broader(adj: Adjacency, concept_id: str, other: str) -> bool:
    """Whether ``other`` is a broader concept than ``concept_id`` in the graph (it is a kind or a part of it)."""
    return any(
        h.forward and h.rel_type in BROADER and h.to_id == other for h in adj.neighbours.get(concept_id, [])
    )


def _with_primary(primary: str | None, concepts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([primary, *concepts] if primary else concepts))


def later_items(curated: str) -> list[str]:
    """The sentences of a curated list, the first and then those that stand without it: a later sentence opening on
    "it" or "Use it" speaks of the concept the list's heading names, which a sentence quoted alone does not."""
    items = [s for s in sentences_of(curated) if _prose(s) or _GERUND.match(s)]
    return items[:1] + [s for s in items[1:] if not _PRONOUN_OPENING.match(s) and not _VERB_IT.match(s)]


_VERB_IT = re.compile(r"^[A-Z][a-z]+ (it|them|this)\b")


def _lifts_alone(chunk_id: str, sentence: str) -> bool:
    """Whether a passage sentence keeps its meaning quoted alone, away from its passage: no opening pronoun, nothing
    it points back or forward to (``stands_alone``), no worked example's numbers."""
    return (
        not _PRONOUN_OPENING.match(sentence)
        and stands_alone(sentence)
        and not _example_numbers(chunk_id, sentence)
    )


def _example_numbers(chunk_id: str, sentence: str) -> bool:
    """A worked example's sentence carrying its numbers ("t = 1.117 and p = 0.264"): lifted into an answer that never
    set the example up, the numbers mean nothing (the hand judgements of test2 marked such sentences partial)."""
    return chunk_id.startswith("worked-") and any(ch.isdigit() for ch in sentence)


def _is_guide(chunk_id: str) -> bool:
    """A chunk of a guide or any other document, not a concept page (``concept-``) or a worked example."""
    return not chunk_id.startswith(("concept-", "worked-"))


def _content(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z][a-z0-9\-]+", text.lower()) if w not in STOP_WORDS}


# "A guardrail metric is a ...", not "Credible interval is an alternative to confidence interval: ..." (a relation)
_DEFINITION_HEAD = re.compile(
    r"^(?:an?|the)?\s*([\w'’/() -]{2,60}?)\s+(?:is|are)\s+(?:an?|the)\b(?![^:]*:)", re.IGNORECASE
)


_PRONOUNS = frozenset(
    {"it", "this", "that", "these", "those", "they", "there", "which", "what", "one", "each"}
)


def defined_subject(sentence: str) -> str | None:
    """The term a sentence defines ("A guardrail metric is a ..." → "guardrail metric"), or None."""
    m = _DEFINITION_HEAD.match(sentence.strip())
    if m is None or len(m.group(1).split()) > DEFINED_SUBJECT_WORDS:
        return None
    subject = " ".join(m.group(1).lower().split())
    return None if subject in _PRONOUNS else subject


def as_mistake(sentence: str, title: str, markdown: str) -> str:
    """An item of a list of mistakes reads as advice without its lead ("Launching on the strength of a secondary
    metric when the primary was flat."): under a mistakes heading of the passage's ``markdown`` (a chunk's stored
    text keeps its headings; the numbered source's plain text does not), or in a passage titled so, it is told as
    the mistake it is ("A common mistake is launching on ..."); any other sentence is returned as it is."""
    if not _GERUND.match(sentence):
        return sentence
    at = markdown.find(sentence.rstrip(".")[:40])
    above = headings(markdown[: max(at, 0)]) if at >= 0 else []
    under = bool(above) and _MISTAKES.search(above[-1]) is not None
    if not under and not _MISTAKES.search(title):
        return sentence
    return f"A common mistake is {sentence[:1].lower()}{sentence[1:]}"


def _overlap(words: set[str], other: set[str]) -> float:
    """Share of ``words`` that ``other`` already has."""
    return len(words & other) / len(words) if words else 1.0


def _prose(sentence: str) -> bool:
    """A sentence worth quoting: not a table row, not a clipped end, not mostly numbers, not a run-on list, not code
    or a formula (it opens in lower case), not a worked example's problem statement."""
    words = sentence.split()
    if not 6 <= len(words) <= 60 or "|" in sentence or sentence.rstrip().endswith("…"):
        return False
    if _CODE_OPENING.match(sentence) or _PROBLEM_LABEL.match(sentence):
        return False
    return sum(any(ch.isdigit() for ch in w) for w in words) <= len(words) // 4


# where a definition question starts asking: "can someone explain SUTVA like I'm a PM? the causal inference person
# keeps saying ..." defines SUTVA, the first concept named after the cue, however strongly the other one links
_DEFINITION_CUE = re.compile(
    r"\b(?:what(?:'s| is| are| does| do)|whats|explain|define|definition of|meaning of|eli5|tell me about)\b",
    re.IGNORECASE,
)


def defined_first(question: str, named: Sequence[str], entities: Sequence[LinkedEntity]) -> list[str]:
    """``named`` with the concept a definition question asks about first: the first one named after the question's
    definition cue (or after its start when it has none); the others keep their order."""
    cue = _DEFINITION_CUE.search(question)
    start = cue.end() if cue else 0
    at = {}
    for e in entities:
        if e.concept_id in named and e.start >= start and e.concept_id not in at:
            at[e.concept_id] = e.start
    if not at:
        return list(named)
    first = min(at, key=lambda c: (at[c], named.index(c)))
    return [first, *(c for c in named if c != first)]


def _named(entities: Sequence[LinkedEntity]) -> list[str]:
    named = [e.concept_id for e in entities if e.method != "embedding"]
    rest = [e.concept_id for e in entities if e.method == "embedding"]
    return list(dict.fromkeys([*named, *rest]))


def concept_evidence(scores: Mapping[str, float], candidates: Sequence[Candidate]) -> dict[str, float]:
    """How close the question is to each concept: its cosine with the concept's vector, or with a retrieved chunk
    of the concept's own page when that is closer (a page's passage on stopping early answers "should I stop my test
    as soon as it is significant?" better than the one-line definition of peeking does)."""
    out = dict(scores)
    for cand in candidates:
        if cand.doc_id.startswith("concept-") and cand.vector_score is not None:
            concept_id = cand.doc_id.removeprefix("concept-")
            out[concept_id] = max(out.get(concept_id, 0.0), float(cand.vector_score))
    return out


TOPIC_SUPPORT_PASSAGES = 3
# the question's cosine with an unnamed concept below which retrieval must back it as the topic
WEAK_TOPIC = 0.45


def retrieval_supports(concept_id: str, candidates: Sequence[Candidate]) -> bool:
    """Whether one of the ``TOPIC_SUPPORT_PASSAGES`` passages retrieval ranks first is about ``concept_id``: its own
    page, or a passage that mentions it."""
    return any(
        c.doc_id == f"concept-{concept_id}" or concept_id in c.mentions
        for c in candidates[:TOPIC_SUPPORT_PASSAGES]
    )


SPECIFIC_MENTION_WORDS = 3  # "too good to be true": a mention this long says what the question is about


def specifically_named(question: str, entities: Sequence[LinkedEntity]) -> str | None:
    """The concept the question names in so many words (its words in the question, ``SPECIFIC_MENTION_WORDS`` or
    more that are not just experiment words), which no closer unnamed concept displaces as its topic; else None."""
    for e in entities:
        if e.method == "embedding" or e.start < 0:
            continue
        words = [
            w
            for w in re.findall(r"[a-z0-9]+", question[e.start : e.end].lower())
            if w not in EXPERIMENT_WORDS
        ]
        if len(words) >= SPECIFIC_MENTION_WORDS:
            return e.concept_id
    return None


def primary_topic(named: Sequence[str], pool: Sequence[str], scores: Mapping[str, float]) -> str | None:
    """The unnamed concept a practical question is about, when the question is closer to it than to any concept it
    names ("how long should I run my A/B test?" names A/B test but is about test duration); else None."""
    unnamed = [c for c in pool if c not in named and c in scores]
    if not unnamed or any(c not in scores for c in named):
        return None  # a named concept we cannot score keeps the lead: the question says what it is about
    best = max(unnamed, key=lambda c: (scores[c], -pool.index(c)))
    return best if scores[best] > max((scores.get(c, 0.0) for c in named), default=0.0) else None


_OBJECT_AFTER_VERB = r"(?:the|a|an|our|my|their|its|it|them|short|long|results?|estimates?|lift|things)\b"


def used_as_verb(question: str, mention: str) -> bool:
    """Whether a one-word concept name is used as a verb in ``question``: "effects bias short tests", "what biases
    the lift", as against "selection bias" or "what is bias"."""
    if not mention or " " in mention.strip():
        return False
    word = re.escape(mention.strip().lower())
    return bool(re.search(rf"\b{word}(?:es|ed|ing|s)?\s+{_OBJECT_AFTER_VERB}", question.lower()))


def plan_kind(
    intent: str,
    question: str,
    entities: Sequence[LinkedEntity],
    connecting: Sequence[ConceptPath],
    calculated: bool = False,
) -> str:
    """Which plan answers the question: multi-hop when it asks how two named concepts relate and a path joins them."""
    if intent == "calculation" and calculated:
        return "calculation" if asks_explanation(question) or asks_judgement(question) else "none"
    if (
        intent == "calculation"
    ):  # "how is a z test computed?" has nothing to calculate: it asks for the method
        intent = "methodology"
    named = {e.concept_id for e in entities if e.method != "embedding"}
    if (
        intent != "comparison"
        and len(named) >= 2
        and sets_against(question, entities)
        and not _RELATION_WORDS.search(question)
    ):
        return (
            "comparison"  # "welch's t test or student's t test?": two named concepts set against each other
        )
    if (
        intent != "comparison"
        and connecting
        and {connecting[0].start_id, connecting[0].end_id} <= named
        and _RELATION_WORDS.search(question)
    ):
        return "multi_hop"
    return intent


def sets_against(question: str, entities: Sequence[LinkedEntity]) -> bool:
    """Whether the question sets named concepts against each other: "what's the difference between ..." does
    wherever they are named, while an "or" ("welch's t test or student's?") needs one named on each side of it. "...
    still not significant. keep going or call it?" weighs two courses of action, not the concepts its situation
    brought up."""
    lowered = question.lower()
    spans = [
        (at, at + len(e.mention))
        for e in entities
        if e.method != "embedding" and e.mention and (at := lowered.find(e.mention.lower())) >= 0
    ]
    for cue in _CONTRAST.finditer(question):
        if cue.group(0).lower() not in _BETWEEN_CUES:
            return True
        if any(end <= cue.start() for _, end in spans) and any(start >= cue.end() for start, _ in spans):
            return True
    return False


def build_plan(
    intent: str,
    question: str,
    *,
    sources: Sequence[Source],
    details: Mapping[str, Mapping[str, Any]],
    entities: Sequence[LinkedEntity],
    connecting: Sequence[ConceptPath],
    candidates: Sequence[Candidate],
    adj: Adjacency,
    similarity: Similarity,
    retrieved_concepts: Sequence[str] = (),
    calculated: bool = False,
    concept_scores: Mapping[str, float] | None = None,
    focus: str = "",
    focus_only: Sequence[str] = (),
    relevance: Similarity | None = None,
    asked_concepts: Sequence[str] = (),
    rerank: Rerank | None = None,
) -> AnswerPlan:
    """The plan for ``question`` from the numbered ``sources`` (see the module docstring).

    ``retrieved_concepts``: concepts the question may be about without naming them (its closest unnamed concepts
    first, then those whose pages retrieval ranked high); ``concept_scores``: the question's cosine with the
    concepts closest to it (the concept index), which decides between a named and an unnamed topic; ``focus``: the
    question as ``planner.question_focus`` reads it (typos fixed, chat words dropped), whose words the focused
    evidence looks for; ``focus_only``: passages numbered for the focused evidence alone (retrieved, but left out of
    the context), which do not compete to lead the plan; ``asked_concepts``: the concepts the ask of a question that
    first sets a scene names or describes (``planner.ask_clause``), one of which an advice answer is about;
    ``rerank``: the cross-encoder that rereads the focused evidence's best sentences (``planner.reranking``).
    """
    kind = plan_kind(intent, question, entities, connecting, calculated)
    if kind == "none":
        return AnswerPlan("none", reason=f"no plan for intent {intent}: the model answers from the sources")
    b = _Builder(
        question,
        sources,
        details,
        candidates,
        similarity,
        adj,
        focus,
        frozenset(focus_only),
        relevance,
        rerank,
    )
    concepts = [c for c in _named(entities) if b.concept(c) is not None]
    if kind == "definition":
        concepts = defined_first(question, concepts, entities)
    primary = concepts[0] if concepts else None
    if kind in ("best_practice", "methodology") or primary is None:
        # practical questions often name no concept or only a generic one ("is it ok to run two a/b tests at
        # once?"): the concept the question is about is the linked or retrieved one closest to it
        pool = list(dict.fromkeys([*concepts, *(c for c in retrieved_concepts if b.concept(c) is not None)]))
        # the broader concept a named one is a kind or part of ("A/B test" for "A/A test") is not its topic
        pool = [c for c in pool if c in concepts or not any(_broader(adj, n, c) for n in concepts)]
        evidence = concept_evidence(concept_scores or {}, candidates)
        topic = primary_topic(concepts, pool, evidence)
        specific = specifically_named(question, entities)
        if specific is not None:
            # "looks too good to be true, what should I check first?" is about Twyman's law, however close the
            # question's checking words bring it to the SRM check
            primary = specific
        elif topic is not None:
            primary = topic
        elif pool:
            # no unnamed concept is closer than the named ones (``primary_topic``): the choice is among those named
            choices = concepts or pool
            heads = [
                f"{details[c].get('name', c)}: {next(iter(sentences_of(str(details[c].get('definition') or ''))), '')}"
                for c in choices
            ]
            scores = similarity(question, heads)
            primary = choices[max(range(len(choices)), key=lambda i: (scores[i], -i))]
        asked = [c for c in asked_concepts if c in concepts]
        if kind == "best_practice" and asked and primary not in asked_concepts:
            # "+0.3% revenue per user, p=0.01 ... ship or not?": the setting names the metric, the ask the decision
            primary = asked[0]
        if (
            primary is not None
            and primary not in concepts
            and evidence.get(primary, 0.0) < WEAK_TOPIC
            and not retrieval_supports(primary, candidates)
        ):
            # an unnamed concept only weakly close to the question, which none of the passages retrieval ranks
            # first is about ("users pick a plan ... did the plan mix change" is not about group sequential designs,
            # whatever the word "plan" does to MiniLM): the passages answer without it
            primary = concepts[0] if concepts else None
    b.primary = primary
    term = asked_term(question) if kind == "definition" else None
    names = [str((details.get(primary) or {}).get("name") or primary)] if primary else []
    names += [e.mention for e in entities if e.concept_id == primary and e.method != "embedding"]
    defining = "" if term is None or _same_term(term, names) else b.passage_definition(term)
    if defining:
        # a passage defines the asked term, which is not the curated concept the question was linked to (a user
        # document's own term, say): the answer is that definition; the broader concept follows only when the
        # definition names it ("the X holdout is a long-running holdout group ...")
        if primary and _term_pattern(names[0]).search(defining):
            b.definition(primary, n=1)
    elif kind == "definition":
        if primary:
            b.definition(primary)
            b.purpose(adj, primary)
            b.usage(primary)
            b.mistake(primary)
            b.focused("evidence", FOCUS_DEFINITION)
        else:
            b.evidence("evidence")
    elif kind == "comparison":
        # "diff-in-diff vs regression discontinuity vs interrupted time series": each side is defined and placed
        pair = concepts[:3] if len(_SIDE_CUE.findall(question)) >= 2 else concepts[:2]
        for c in pair:
            b.definition(c, n=1)
        joining = [p for p in connecting if {p.start_id, p.end_id} <= set(pair)]
        if joining:
            b.path(adj, joining[0])
        for c in pair:
            b.usage(c)
        if len(pair) < 2:
            b.evidence("evidence", limit=2)
        b.focused("evidence", FOCUS_COMPARISON, sides=comparison_sides(b.focus))
    elif kind == "methodology":
        if primary:
            b.definition(primary, n=1)
        b.lead("evidence")
        b.remedies(adj, _with_primary(primary, concepts), "method")
        if primary:
            b.usage(primary)
        b.focused("evidence", FOCUS_METHODOLOGY + PRACTICAL_EVIDENCE, practical=True)
        b.last("when_to_use")
    elif kind == "best_practice":
        b.advice_only = True
        b.lead("recommendation", step_role="recommendation")
        b.remedies(adj, _with_primary(primary, concepts), "method")
        if primary:
            b.mistake(primary, role="pitfall")
            b.usage(primary, role="how_to_check")
        b.focused("recommendation", FOCUS_BEST_PRACTICE + PRACTICAL_EVIDENCE, practical=True)
        b.last("pitfall", "how_to_check")
    elif kind == "calculation":
        b.focused("evidence", FOCUS_CALCULATION, practical=True)
    elif kind == "multi_hop":
        path = connecting[0]
        b.definition(path.start_id, n=1)
        b.path(adj, path)
        for hop in parallel_hops(adj, path):  # another relation between the same two: a second reason
            b.path(adj, ConceptPath(hop.from_id, hop.to_id, (hop,), hop.weight))
        verbs = {e.concept_id for e in entities if used_as_verb(question, e.mention)}
        for concept_id in concepts[
            :MULTI_HOP_DEFINED
        ]:  # what the other named concepts are, and how they vary
            # "why do novelty effects bias short tests" asks how, not what bias is
            if concept_id != path.start_id and concept_id not in verbs:
                b.definition(concept_id, n=1)
        if _ASKS_REMEDY.search(question):
            # "why does peeking inflate false positives, and what methods let us look legitimately?": the walk says
            # why; the relations that handle the path's concepts say what to do about it
            b.remedies(adj, [path.start_id, path.end_id], "method")
        # a walk is as long as its path: its evidence is not capped by the answer's length
        b.focused("evidence", MULTI_HOP_EVIDENCE, practical=True, uncapped=True)
    budget = GENERATION_BUDGET.get(kind, 0)
    if not b.items:
        return AnswerPlan(
            kind, reason="the graph gave this plan nothing to say: the model answers from the sources"
        )
    reason = (
        "the plan is the answer: generation skipped"
        if budget == 0
        else f"the model writes a synthesis of at most {budget} new tokens after the plan"
    )
    return AnswerPlan(kind, b.items, budget, reason, b.considered)
