"""The supervised fine-tuning set, built from our own corpus and calculators in the planner's exact prompt format.

Four kinds of example, each a prompt from ``model.prompts.build_answer_messages`` (numbered sources, shuffled, with
distractor sources) and a target answer that cites the right ``[n]`` after every sentence and copies numbers exactly:

- ``definition``: a concept as a concept source (definition, formula, when to use, first common mistake);
- ``relation``: a typed relation with its justification as a relation source, plus the subject concept;
- ``methodology``: a document chunk (guides, worked examples, concept prose) as a chunk source;
- ``calculation``: a calculator result (``tools.registry.run_tool``) as a ``PromptCalculation``, plus its concept.

Optional external ChatML/JSONL data joins the training split only (its concepts are unknown).

**Split by concept.** A seeded hash puts each concept into the held-out set or not. An example's concepts are the
ones it is about (definition: the concept; relation: both ends; calculation: the tool's concept; methodology: the
concept names and aliases occurring in the chunk plus the concept a concept file describes) together with those of
its distractors. An example is held out if all its concepts are held out, trains if none is, and is dropped
otherwise; so no concept of the held-out split appears in any training example.

Every source text is built by the planner's own functions (``planner.context.concept_item``, ``relation_items``,
``chunk_item``'s normalisation ``plain_text``, clipped as ``planner.context.shown_text`` clips a passage for the
prompt), so training shows the model exactly what serving sends; ``tests/training`` checks the texts against the
planner's.

Deterministic for a given corpus, configuration and seed; deduplicated on the normalised question and on
the normalised target; written as JSONL with a sha256 data hash over the records.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.ontology import relation_type
from ingest.chunking import HEADING_SEPARATOR
from ingest.corpus_format import ConceptSpec, RelationSpec
from ingest.source_document import SourceDocument
from model.prompts import (
    ANSWER_PROMPT_VERSION,
    ChatMessage,
    PromptCalculation,
    PromptSource,
    build_answer_messages,
)
from planner.context import concept_item, relation_items, sentences_of, shown_text
from planner.traversal import Adjacency
from planner.types import ConceptPath, Hop
from textkit.citations import citation_markers, cite
from textkit.markdown import has_markup, plain_text
from textkit.numbers import number_strings
from textkit.sentences import prose_sentences
from training.sft_calculations import SCENARIOS, draw_scenario

ExampleKind = Literal["definition", "relation", "methodology", "calculation", "external"]
Split = Literal["train", "held_out"]
SFT_FORMAT_VERSION = "sft-v1"


class SFTDataError(ValueError):
    """The fine-tuning data cannot be built or read as asked; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class SFTConfig:
    """How to build the set. ``held_out_fraction`` is the share of concepts (not examples) held out."""

    seed: int = 13
    held_out_fraction: float = 0.2
    distractors: int = 2
    calculations_per_tool: int = 12
    max_answer_sentences: int = 3
    include_methodology: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.held_out_fraction < 1.0:
            raise SFTDataError(f"held_out_fraction must be in (0, 1); got {self.held_out_fraction}")
        if self.distractors < 0:
            raise SFTDataError(f"distractors must be 0 or more; got {self.distractors}")


@dataclass(frozen=True, slots=True)
class SFTExample:
    """One prompt/answer pair.

    ``answer_markers`` are the markers the answer cites (the sources that hold the answer); ``valid_markers`` every
    marker in the prompt; ``numbers`` the numbers the answer must copy exactly from the prompt.
    """

    id: str
    kind: ExampleKind
    split: Split
    question: str
    messages: tuple[ChatMessage, ...]
    target: str
    concepts: tuple[str, ...]
    valid_markers: tuple[int, ...]
    answer_markers: tuple[int, ...]
    numbers: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The JSONL record: TRL's conversational prompt/completion format plus our metadata."""
        return {
            "id": self.id,
            "kind": self.kind,
            "split": self.split,
            "question": self.question,
            "prompt": [{"role": m.role, "content": m.content} for m in self.messages],
            "completion": [{"role": "assistant", "content": self.target}],
            "concepts": list(self.concepts),
            "valid_markers": list(self.valid_markers),
            "answer_markers": list(self.answer_markers),
            "numbers": list(self.numbers),
            "prompt_version": ANSWER_PROMPT_VERSION,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SFTExample:
        """Read a record written by ``to_record`` back."""
        try:
            return cls(
                id=str(record["id"]),
                kind=record["kind"],
                split=record["split"],
                question=str(record["question"]),
                messages=tuple(ChatMessage(m["role"], m["content"]) for m in record["prompt"]),
                target=str(record["completion"][0]["content"]),
                concepts=tuple(record["concepts"]),
                valid_markers=tuple(int(m) for m in record["valid_markers"]),
                answer_markers=tuple(int(m) for m in record["answer_markers"]),
                numbers=tuple(str(n) for n in record.get("numbers", ())),
            )
        except (KeyError, IndexError, TypeError) as exc:
            raise SFTDataError(
                f"not an SFT record written by expgraph ({exc!r} missing or malformed)"
            ) from exc


@dataclass(slots=True)
class SFTDataset:
    """Both splits, what was dropped and why, and the data hash."""

    train: list[SFTExample]
    held_out: list[SFTExample]
    held_out_concepts: tuple[str, ...]
    config: SFTConfig
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def data_hash(self) -> str:
        """sha256 over every record of both splits in order (what an adapter manifest records)."""
        return records_hash(e.to_record() for e in [*self.train, *self.held_out])

    def counts(self) -> dict[str, dict[str, int]]:
        """Examples per split and kind."""
        out: dict[str, dict[str, int]] = {}
        for split, items in (("train", self.train), ("held_out", self.held_out)):
            per: dict[str, int] = {}
            for e in items:
                per[e.kind] = per.get(e.kind, 0) + 1
            out[split] = per
        return out


def records_hash(records: Iterable[dict[str, Any]]) -> str:
    """sha256 of records as canonical JSON lines."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


# --- small pure pieces -----------------------------------------------------------------------------------------------


def is_held_out(slug: str, config: SFTConfig) -> bool:
    """Whether ``slug`` belongs to the held-out concepts (a seeded hash: stable as the corpus grows)."""
    digest = hashlib.sha256(f"{config.seed}:{slug}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < config.held_out_fraction


def clean_leading_sentences(markdown: str, shown: str) -> list[str]:
    """The chunk's opening sentences up to the first one carrying Markdown (lists, headings, tables, emphasis) or
    not shown to the model as written (``shown`` is the source text the prompt holds)."""
    out: list[str] = []
    for s in prose_sentences(markdown):
        if has_markup(s) or s.endswith("…") or s not in shown:
            break
        out.append(s)
    return out


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _example_id(kind: str, key: str) -> str:
    return f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


# --- building --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A source with the concepts it carries, before numbering."""

    title: str
    text: str
    kind: str
    concepts: frozenset[str]
    key: str
    markdown: str = ""  # a chunk's own text before the serving normalisation (answers are drawn from it)


@dataclass(slots=True)
class _Draft:
    kind: ExampleKind
    key: str
    question: str
    answer_sources: list[_Candidate]
    # for each answer sentence: (text, index into answer_sources)
    answer: list[tuple[str, int]]
    concepts: frozenset[str]
    calculation: PromptCalculation | None = None
    calculation_sentences: tuple[str, ...] = ()


class _Corpus:
    """The corpus read for example building: concepts, their names, chunks and source candidates."""

    def __init__(self, documents: Sequence[SourceDocument]) -> None:
        self.concepts: dict[str, ConceptSpec] = {d.concept.slug: d.concept for d in documents if d.concept}
        self.documents = list(documents)
        self.names = {slug: c.name for slug, c in self.concepts.items()}
        terms: list[tuple[str, str]] = []
        for slug, c in self.concepts.items():
            for term in (c.name, *c.aliases):
                if len(term) >= 3:
                    terms.append((slug, term))
        # Each term's lower-cased text goes first: a chunk that does not contain it skips the regex (which
        # checks the word boundaries). 1,100 patterns searched over every chunk took 20 s of `expgraph train`.
        self._term_patterns = [
            (slug, term.lower(), re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE))
            for slug, term in terms
        ]

    def concept_source(self, slug: str, *, with_formula: bool) -> _Candidate:
        item = concept_item(concept_detail(self.concepts[slug]), with_formula=with_formula)
        return _Candidate(item.title, item.text, "concept", frozenset({slug}), f"concept:{slug}")

    def relation_source(self, slug: str, rel: RelationSpec) -> _Candidate:
        """The relation as the planner shows a hop: "A reads-as B: justification." (``relation_items``)."""
        rt = relation_type(rel.rel_type)
        hop = Hop(slug, rel.target, rel.rel_type, rt.reads_as, True, 1.0, rel.relation_id, rel.justification)
        item = relation_items(Adjacency(names=self.names), ConceptPath(slug, rel.target, (hop,), 1.0))[0]
        return _Candidate(item.title, item.text, "relation", frozenset({slug, rel.target}), rel.relation_id)

    def mentioned(self, text: str) -> frozenset[str]:
        lowered = text.lower()
        return frozenset(
            slug for slug, term, pattern in self._term_patterns if term in lowered and pattern.search(text)
        )


def concept_detail(c: ConceptSpec) -> dict[str, Any]:
    """A concept file as the graph's concept detail row (the fields ``planner.context.concept_item`` reads)."""
    return {
        "concept_id": c.slug,
        "name": c.name,
        "definition": c.definition,
        "formula_text": c.formula_text,
        "when_to_use": c.when_to_use,
        "mistakes": c.mistakes,
    }


def _definition_drafts(corpus: _Corpus, rng: random.Random, config: SFTConfig) -> Iterator[_Draft]:
    templates = ("What is {name}?", "What does {name} mean?", "Define {name}.", "Explain {name} briefly.")
    for slug in sorted(corpus.concepts):
        c = corpus.concepts[slug]
        src = corpus.concept_source(slug, with_formula=True)
        # the definition, then the source's other sentences (why it matters, a common mistake), as the
        # definition plan orders them; every sentence is one the source holds
        definition = prose_sentences(c.definition)
        body = definition[: max(1, config.max_answer_sentences - 1)]
        extra = [
            s for s in sentences_of(src.text) if s not in definition and "Formula:" not in s and s in src.text
        ]
        body += extra[: max(0, config.max_answer_sentences + 1 - len(body))]
        names = [c.name, *(a for a in c.aliases if len(a) > 2)]
        for i, name in enumerate(names[:2]):
            question = rng.choice(templates).format(name=name)
            yield _Draft(
                "definition", f"{slug}:{i}", question, [src], [(s, 0) for s in body], frozenset({slug})
            )


def _relation_drafts(corpus: _Corpus, rng: random.Random, config: SFTConfig) -> Iterator[_Draft]:
    templates = (
        "How is {a} related to {b}?",
        "What is the relationship between {a} and {b}?",
        "How does {a} connect to {b}?",
    )
    for slug in sorted(corpus.concepts):
        for rel in corpus.concepts[slug].relations:
            if rel.target not in corpus.concepts:
                continue
            a, b = corpus.names[slug], corpus.names[rel.target]
            rel_src = corpus.relation_source(slug, rel)
            subject = corpus.concept_source(slug, with_formula=False)
            answer = [(s, 0) for s in sentences_of(rel_src.text)[:2]]
            answer.append((prose_sentences(corpus.concepts[slug].definition)[0], 1))
            question = rng.choice(templates).format(a=a, b=b)
            yield _Draft(
                "relation",
                rel.relation_id,
                question,
                [rel_src, subject],
                answer,
                frozenset({slug, rel.target}),
            )


def _chunk_candidates(corpus: _Corpus) -> list[tuple[_Candidate, str]]:
    """(candidate, question) for every chunk that is more than the bare definition."""
    out: list[tuple[_Candidate, str]] = []
    for doc in corpus.documents:
        for chunk in doc.chunks:
            if doc.concept is not None and chunk.position == 0:
                continue  # the definition itself: covered by definition examples
            # exactly what the generator is shown for a chunk: plain text, clipped
            text = shown_text("chunk", plain_text(chunk.text))
            heading = HEADING_SEPARATOR.join(chunk.heading_path)
            title = doc.title if not heading or heading == doc.title else f"{doc.title} — {heading}"
            concepts = corpus.mentioned(text)
            if doc.concept is not None:
                concepts = concepts | {doc.concept.slug}
            if not concepts:
                continue
            last = (chunk.heading_path[-1] if chunk.heading_path else doc.title).strip().rstrip("?.:")
            out.append(
                (
                    _Candidate(title, text, "chunk", concepts, chunk.chunk_id, chunk.text),
                    _chunk_question(doc, last),
                )
            )
    return out


def _chunk_question(doc: SourceDocument, heading: str) -> str:
    """A question the chunk under ``heading`` answers, naming the concept or document it belongs to."""
    lower = heading.lower()
    if doc.concept is not None:
        name = doc.concept.name
        if "mistake" in lower or "pitfall" in lower:
            return f"What are common mistakes with {name}?"
        if lower.startswith("when"):
            return f"When should I use {name}?"
        if lower == name.lower():
            return f"What else should I know about {name}?"
        return f"What should I know about {lower} for {name}?"
    if lower == doc.title.lower():
        return f"What does the guide '{doc.title}' explain?"
    return f"In '{doc.title}', what is said about {lower}?"


def _methodology_drafts(chunks: Sequence[tuple[_Candidate, str]], config: SFTConfig) -> Iterator[_Draft]:
    for cand, question in chunks:
        body = clean_leading_sentences(cand.markdown, cand.text)[: config.max_answer_sentences]
        if len(body) < 1 or sum(len(s.split()) for s in body) < 12:
            continue
        yield _Draft("methodology", cand.key, question, [cand], [(s, 0) for s in body], cand.concepts)


def _calculation_drafts(corpus: _Corpus, rng: random.Random, config: SFTConfig) -> Iterator[_Draft]:
    for tool in sorted(SCENARIOS):
        concept = SCENARIOS[tool][0]
        if concept not in corpus.concepts:
            continue
        for i in range(config.calculations_per_tool):
            scenario = draw_scenario(tool, rng)
            src = corpus.concept_source(concept, with_formula=True)
            first = prose_sentences(corpus.concepts[concept].definition)[0]
            yield _Draft(
                "calculation",
                f"{tool}:{i}:{scenario.question}",
                scenario.question,
                [src],
                [(first, 0)],
                frozenset({concept}),
                calculation=scenario.calculation,
                calculation_sentences=scenario.sentences,
            )


def _split_of(concepts: Iterable[str], held: frozenset[str]) -> Split | None:
    flags = {c in held for c in concepts}
    if flags == {True}:
        return "held_out"
    if flags == {False}:
        return "train"
    return None


def _assemble(
    draft: _Draft,
    split: Split,
    pool: Sequence[_Candidate],
    rng: random.Random,
    config: SFTConfig,
) -> SFTExample:
    """Number the sources (answer sources and distractors shuffled, calculation last) and cite the answer."""
    used = {c.key for c in draft.answer_sources}
    used_concepts = set(draft.concepts)
    distractors: list[_Candidate] = []
    for cand in rng.sample(list(pool), min(len(pool), config.distractors * 4)):
        if len(distractors) >= config.distractors:
            break
        if cand.key in used or cand.concepts & used_concepts:
            continue
        distractors.append(cand)
        used.add(cand.key)
    ordered = [*draft.answer_sources, *distractors]
    rng.shuffle(ordered)
    marker_of = {c.key: i for i, c in enumerate(ordered, start=1)}
    sources = [PromptSource(marker_of[c.key], c.title, c.text, c.kind) for c in ordered]
    calcs: list[PromptCalculation] = []
    parts: list[str] = []
    answer_markers: list[int] = []
    numbers: list[str] = []
    if draft.calculation is not None:
        calc_marker = len(sources) + 1
        calc = draft.calculation
        calcs.append(
            PromptCalculation(
                calc_marker, calc.tool, calc.method, calc.outputs, calc.inputs, calc.assumptions
            )
        )
        for s in draft.calculation_sentences:
            parts.append(cite(s, calc_marker))
        answer_markers.append(calc_marker)
        numbers = _numbers_in(" ".join(draft.calculation_sentences))
    for text, idx in draft.answer:
        marker = marker_of[draft.answer_sources[idx].key]
        parts.append(cite(text, marker))
        if marker not in answer_markers:
            answer_markers.append(marker)
    # The system prompt allows at most four sentences.
    target = " ".join(parts[:4])
    messages = build_answer_messages(draft.question, sources, calcs)
    concepts = set(draft.concepts).union(*(c.concepts for c in distractors))
    valid = tuple(range(1, len(sources) + len(calcs) + 1))
    return SFTExample(
        id=_example_id(draft.kind, draft.key),
        kind=draft.kind,
        split=split,
        question=draft.question,
        messages=tuple(messages),
        target=target,
        concepts=tuple(sorted(concepts)),
        valid_markers=valid,
        answer_markers=tuple(m for m in answer_markers if f"[{m}]" in target),
        numbers=tuple(n for n in dict.fromkeys([*numbers, *_numbers_in(target)]) if n in target),
    )


def _numbers_in(text: str) -> list[str]:
    """Numeric tokens in ``text`` (not citation markers), each once."""
    return list(dict.fromkeys(number_strings(text)))


def build_sft_dataset(documents: Sequence[SourceDocument], config: SFTConfig | None = None) -> SFTDataset:
    """Build both splits from corpus documents (``ingest.corpus_source.load_corpus_batch(dir).documents``)."""
    config = config or SFTConfig()
    corpus = _Corpus(documents)
    if not corpus.concepts:
        raise SFTDataError(
            "the corpus has no concept files; point corpus_dir at a corpus with corpus/concepts/*.md"
        )
    rng = random.Random(config.seed)
    held = frozenset(s for s in corpus.concepts if is_held_out(s, config))
    chunks = _chunk_candidates(corpus)
    drafts: list[_Draft] = [
        *_definition_drafts(corpus, rng, config),
        *_relation_drafts(corpus, rng, config),
        *(_methodology_drafts(chunks, config) if config.include_methodology else ()),
        *_calculation_drafts(corpus, rng, config),
    ]
    # Distractor pools per split: concept definitions and chunks wholly inside that split.
    all_candidates = [corpus.concept_source(s, with_formula=False) for s in sorted(corpus.concepts)]
    all_candidates += [c for c, _ in chunks]
    pools: dict[Split, list[_Candidate]] = {
        "train": [c for c in all_candidates if _split_of(c.concepts, held) == "train"],
        "held_out": [c for c in all_candidates if _split_of(c.concepts, held) == "held_out"],
    }
    dataset = SFTDataset([], [], tuple(sorted(held)), config)
    seen_questions: set[str] = set()
    seen_targets: set[str] = set()
    for draft in drafts:
        split = _split_of(draft.concepts, held)
        if split is None:
            dataset.dropped["spans_both_splits"] = dataset.dropped.get("spans_both_splits", 0) + 1
            continue
        example = _assemble(draft, split, pools[split], rng, config)
        q, t = _normalise(example.question), _normalise(example.target)
        if q in seen_questions or t in seen_targets:
            dataset.dropped["duplicate"] = dataset.dropped.get("duplicate", 0) + 1
            continue
        seen_questions.add(q)
        seen_targets.add(t)
        (dataset.train if split == "train" else dataset.held_out).append(example)
    return dataset


# --- external data ---------------------------------------------------------------------------------------------------


def load_external_examples(path: Path) -> list[SFTExample]:
    """Read external chat data (JSONL) as training examples.

    Accepted per line: ``{"messages": [{"role", "content"}, ...]}`` (ChatML; the last message must be the
    assistant's), ``{"prompt": [...], "completion": [...]}`` (TRL conversational), or ``{"question", "answer"}``
    (answered without sources). Raises ``SFTDataError`` naming the file and line of the first bad record.
    """
    examples: list[SFTExample] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                messages, target = _external_turns(record)
            except (json.JSONDecodeError, SFTDataError, TypeError, KeyError) as exc:
                raise SFTDataError(f"{path}:{lineno}: {exc}") from exc
            question = next((m.content for m in reversed(messages) if m.role == "user"), "")
            examples.append(
                SFTExample(
                    id=_example_id("external", f"{path.name}:{question}:{target}"),
                    kind="external",
                    split="train",
                    question=question,
                    messages=tuple(messages),
                    target=target,
                    concepts=(),
                    valid_markers=(),
                    answer_markers=tuple(dict.fromkeys(citation_markers(target))),
                )
            )
    return examples


def _external_turns(record: Any) -> tuple[list[ChatMessage], str]:
    if not isinstance(record, dict):
        raise SFTDataError("each line must be a JSON object")
    if "messages" in record:
        turns = list(record["messages"])
    elif "prompt" in record and "completion" in record:
        turns = [*record["prompt"], *record["completion"]]
    elif "question" in record and "answer" in record:
        turns = [
            {"role": "user", "content": record["question"]},
            {"role": "assistant", "content": record["answer"]},
        ]
    else:
        raise SFTDataError("expected 'messages', 'prompt'+'completion' or 'question'+'answer'")
    messages: list[ChatMessage] = []
    for turn in turns:
        role, content = turn.get("role"), turn.get("content")
        if role not in ("system", "user", "assistant") or not isinstance(content, str) or not content.strip():
            raise SFTDataError(
                f"a turn needs role system/user/assistant and non-empty text; got {turn!r:.80}"
            )
        messages.append(ChatMessage(role, content))
    if len(messages) < 2 or messages[-1].role != "assistant":
        raise SFTDataError("the conversation must end with the assistant's answer")
    return messages[:-1], messages[-1].content


# --- files -----------------------------------------------------------------------------------------------------------


def write_jsonl(path: Path, examples: Iterable[SFTExample]) -> int:
    """Write examples as JSONL; returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example.to_record(), ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n


def read_jsonl(path: Path) -> list[SFTExample]:
    """Read examples written by ``write_jsonl``."""
    if not path.is_file():
        raise SFTDataError(f"{path} does not exist; build the set first (expgraph train --data-only)")
    with path.open(encoding="utf-8") as handle:
        return [SFTExample.from_record(json.loads(line)) for line in handle if line.strip()]


def write_dataset(dataset: SFTDataset, out_dir: Path, external: Sequence[SFTExample] = ()) -> dict[str, Any]:
    """Write ``train.jsonl``, ``held_out.jsonl`` and ``dataset.json`` (config, counts, hashes) into ``out_dir``."""
    train = [*dataset.train, *external]
    write_jsonl(out_dir / "train.jsonl", train)
    write_jsonl(out_dir / "held_out.jsonl", dataset.held_out)
    info = {
        "format": SFT_FORMAT_VERSION,
        "prompt_version": ANSWER_PROMPT_VERSION,
        "config": asdict(dataset.config),
        "counts": dataset.counts(),
        "external_examples": len(external),
        "dropped": dataset.dropped,
        "held_out_concepts": list(dataset.held_out_concepts),
        "data_hash": records_hash(e.to_record() for e in [*train, *dataset.held_out]),
        "train_hash": records_hash(e.to_record() for e in train),
        "held_out_hash": records_hash(e.to_record() for e in dataset.held_out),
    }
    (out_dir / "dataset.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return info


def sample_examples(examples: Sequence[SFTExample], limit: int | None, seed: int) -> list[SFTExample]:
    """Up to ``limit`` examples, balanced across kinds (round-robin over seeded shuffles); all when ``limit`` is None."""
    if limit is None or limit >= len(examples):
        return list(examples)
    rng = random.Random(seed)
    by_kind: dict[str, list[SFTExample]] = {}
    for e in examples:
        by_kind.setdefault(e.kind, []).append(e)
    for kind in sorted(by_kind):
        rng.shuffle(by_kind[kind])
    out: list[SFTExample] = []
    queues = [by_kind[k] for k in sorted(by_kind)]
    while len(out) < limit and any(queues):
        for queue in queues:
            if queue and len(out) < limit:
                out.append(queue.pop())
    rng.shuffle(out)
    return out
