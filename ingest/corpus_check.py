"""Corpus-wide rules (docs/corpus-format.md) and statistics over parsed concept and document files.

``load_corpus`` reads a corpus directory; ``check_rules`` and ``corpus_stats`` are pure over the parsed specs.
Problems come in two severities: *integrity* problems make ingestion refuse the corpus (a relation to a concept that
does not exist would leave a dangling edge), *quality* problems (orphans, unlisted mentions, a disconnected graph)
only fail ``expgraph corpus check``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.corpus_format import (
    ConceptSpec,
    CorpusFormatError,
    DocumentSpec,
    check_concept,
    check_document,
)

INTEGRITY = "integrity"
QUALITY = "quality"


@dataclass(frozen=True, slots=True)
class CorpusProblem:
    """One broken rule: where, which rule, and what to do."""

    path: Path
    line: int
    rule: str
    message: str
    severity: str = INTEGRITY

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: [{self.rule}] {self.message}"

    def as_error(self) -> CorpusFormatError:
        return CorpusFormatError(self.path, self.line, f"[{self.rule}] {self.message}")


@dataclass(slots=True)
class LoadedCorpus:
    """The parsed files of a corpus directory and the problems found while parsing them."""

    root: Path
    concepts: list[ConceptSpec] = field(default_factory=list)
    documents: list[DocumentSpec] = field(default_factory=list)
    problems: list[CorpusProblem] = field(default_factory=list)
    # Concept files that exist but failed to parse: their slugs still count as existing concepts, so one broken
    # file reports its own problem instead of a cascade of "unknown target" problems in other files.
    unparsed_concepts: set[str] = field(default_factory=set)


def _from_format_error(err: CorpusFormatError) -> CorpusProblem:
    return CorpusProblem(err.path, err.line, "format", err.message)


def corpus_files(root: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """``(concept files, document files, stray files)`` under ``root/concepts`` and ``root/documents``."""
    concepts: list[Path] = []
    documents: list[Path] = []
    stray: list[Path] = []
    for sub, bucket in (("concepts", concepts), ("documents", documents)):
        folder = root / sub
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith("."):
                continue
            if path.is_file() and path.suffix == ".md":
                bucket.append(path)
            else:
                stray.append(path)
    return concepts, documents, stray


def load_corpus(root: Path) -> LoadedCorpus:
    """Read and parse every file of a corpus directory (``concepts/*.md``, ``documents/*.md``)."""
    loaded = LoadedCorpus(root=root)
    if not root.is_dir():
        loaded.problems.append(
            CorpusProblem(root, 0, "layout", "corpus directory does not exist; set EXPGRAPH_CORPUS_DIR")
        )
        return loaded
    concept_paths, document_paths, stray = corpus_files(root)
    if not concept_paths and not document_paths:
        loaded.problems.append(
            CorpusProblem(
                root, 0, "layout", "no concepts/*.md or documents/*.md files found in the corpus directory"
            )
        )
    for path in stray:
        loaded.problems.append(
            CorpusProblem(path, 0, "layout", "not a Markdown (.md) file; move it out of the corpus folder")
        )
    for path in concept_paths:
        spec, errors = check_concept(path, path.read_bytes())
        loaded.problems.extend(_from_format_error(e) for e in errors)
        if spec is not None:
            loaded.concepts.append(spec)
        else:
            loaded.unparsed_concepts.add(path.stem)
    for path in document_paths:
        doc, errors = check_document(path, path.read_bytes())
        loaded.problems.extend(_from_format_error(e) for e in errors)
        if doc is not None:
            loaded.documents.append(doc)
    return loaded


@functools.lru_cache(maxsize=8192)
def mention_pattern(term: str) -> re.Pattern[str]:
    """Whole-word pattern for a name or alias: case-insensitive, except aliases shorter than 4 characters.

    Cached: a corpus has a few hundred terms checked against every document, more than ``re``'s own cache holds.
    """
    escaped = re.escape(term.strip())
    flags = 0 if len(term.strip()) < 4 else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){escaped}(?![\w-])", flags)


def _strip_code(body: str) -> str:
    """Drop fenced code blocks: identifiers in code are not mentions."""
    return re.sub(r"```.*?```", " ", body, flags=re.DOTALL)


def mentioned_concepts(text: str, concepts: Sequence[ConceptSpec]) -> dict[str, str]:
    """Concepts whose name or an alias appears in ``text``: slug -> the matched term."""
    found: dict[str, str] = {}
    plain = _strip_code(text)
    folded = plain.casefold()
    for concept in concepts:
        for term in (concept.name, *concept.aliases):
            # The substring test is a cheap filter; the pattern decides (whole words, case rules).
            if term.strip() and term.strip().casefold() in folded and mention_pattern(term).search(plain):
                found[concept.slug] = term
                break
    return found


def undirected_adjacency(concepts: Iterable[ConceptSpec]) -> dict[str, set[str]]:
    """The concept graph as undirected adjacency over known slugs (relations to unknown targets are ignored)."""
    specs = list(concepts)
    adjacency: dict[str, set[str]] = {c.slug: set() for c in specs}
    for concept in specs:
        for rel in concept.relations:
            if rel.target in adjacency and rel.target != concept.slug:
                adjacency[concept.slug].add(rel.target)
                adjacency[rel.target].add(concept.slug)
    return adjacency


def connected_components(adjacency: dict[str, set[str]]) -> list[list[str]]:
    """Components, largest first; each sorted."""
    seen: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(adjacency):
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        members = [start]
        while queue:
            node = queue.popleft()
            for nxt in adjacency[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    members.append(nxt)
                    queue.append(nxt)
        components.append(sorted(members))
    components.sort(key=lambda c: (-len(c), c[0]))
    return components


def _eccentricity(adjacency: dict[str, set[str]], start: str) -> int:
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in adjacency[node]:
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return max(dist.values())


def diameter(adjacency: dict[str, set[str]], component: Sequence[str]) -> int:
    """Longest shortest path (in hops) inside one component."""
    return max((_eccentricity(adjacency, node) for node in component), default=0)


def check_rules(
    concepts: Sequence[ConceptSpec],
    documents: Sequence[DocumentSpec],
    unparsed_concepts: Iterable[str] = (),
) -> list[CorpusProblem]:
    """Every cross-file rule of docs/corpus-format.md over parsed specs (per-file rules ran at parse time).

    ``unparsed_concepts`` are slugs of concept files that failed to parse: they count as existing, and the graph
    shape rules (orphans, connectivity) wait until every concept file parses.
    """
    unparsed = set(unparsed_concepts)
    problems: list[CorpusProblem] = []
    by_slug: dict[str, ConceptSpec] = {}
    for concept in concepts:
        if concept.slug in by_slug:
            problems.append(
                CorpusProblem(
                    concept.path,
                    1,
                    "duplicate-id",
                    f"concept id {concept.slug!r} is also used by {by_slug[concept.slug].path}",
                )
            )
        by_slug.setdefault(concept.slug, concept)
    doc_ids: dict[str, DocumentSpec] = {}
    for doc in documents:
        if doc.doc_id in doc_ids:
            problems.append(
                CorpusProblem(
                    doc.path,
                    1,
                    "duplicate-id",
                    f"document id {doc.doc_id!r} is also used by {doc_ids[doc.doc_id].path}",
                )
            )
        doc_ids.setdefault(doc.doc_id, doc)

    # An alias or name identifies one concept only (case-insensitive).
    owners: dict[str, tuple[str, str]] = {}
    for concept in concepts:
        for term, what in ((concept.name, "name"), *((a, "alias") for a in concept.aliases)):
            key = term.casefold().strip()
            owner = owners.get(key)
            if owner is not None and owner[0] != concept.slug:
                problems.append(
                    CorpusProblem(
                        concept.path,
                        1,
                        "alias-unique",
                        f"{what} {term!r} is already the {owner[1]} of concept {owner[0]!r}; an alias belongs to one "
                        "concept only — remove it from one of them",
                    )
                )
            else:
                owners.setdefault(key, (concept.slug, what))

    # Relations: targets exist, no self-loops, no duplicates.
    incoming: Counter[str] = Counter()
    for concept in concepts:
        seen: set[tuple[str, str]] = set()
        for rel in concept.relations:
            if rel.target == concept.slug:
                problems.append(
                    CorpusProblem(
                        concept.path,
                        rel.line,
                        "self-relation",
                        f"relation {rel.rel_type} points at the concept itself; remove it",
                    )
                )
                continue
            if rel.target not in by_slug and rel.target not in unparsed:
                problems.append(
                    CorpusProblem(
                        concept.path,
                        rel.line,
                        "relation-target",
                        f"relation {rel.rel_type} -> {rel.target!r}: no concept file corpus/concepts/{rel.target}.md",
                    )
                )
            if (rel.rel_type, rel.target) in seen:
                problems.append(
                    CorpusProblem(
                        concept.path,
                        rel.line,
                        "duplicate-relation",
                        f"relation {rel.rel_type} -> {rel.target} is declared twice",
                    )
                )
            seen.add((rel.rel_type, rel.target))
            incoming[rel.target] += 1

    if unparsed:
        return problems
    for concept in concepts:
        if not concept.relations and incoming[concept.slug] == 0:
            problems.append(
                CorpusProblem(
                    concept.path,
                    1,
                    "orphan",
                    "concept has no incoming or outgoing relation; relate it to at least one other concept",
                    QUALITY,
                )
            )

    # Documents: listed concepts exist; mentioned concepts are listed.
    for doc in documents:
        for slug in doc.concepts:
            if slug not in by_slug:
                problems.append(
                    CorpusProblem(
                        doc.path,
                        doc.concept_lines.get(slug, 1),
                        "unknown-concept",
                        f"concepts: {slug!r} has no concept file corpus/concepts/{slug}.md",
                    )
                )
        listed = set(doc.concepts)
        for slug, term in sorted(mentioned_concepts(doc.body, concepts).items()):
            if slug not in listed:
                line = _line_of(doc.body, term, doc.body_line)
                problems.append(
                    CorpusProblem(
                        doc.path,
                        line,
                        "unlisted-mention",
                        f"the body mentions {term!r} (concept {slug!r}) but 'concepts:' does not list {slug!r}; add it",
                        QUALITY,
                    )
                )

    adjacency = undirected_adjacency(concepts)
    components = connected_components(adjacency)
    if len(components) > 1:
        main = components[0]
        for comp in components[1:]:
            first = by_slug[comp[0]]
            problems.append(
                CorpusProblem(
                    first.path,
                    1,
                    "connected",
                    f"the concept graph is not connected: {{{', '.join(comp)}}} ({len(comp)} concept(s)) has no path to "
                    f"the main component of {len(main)} concepts; add a relation linking them",
                    QUALITY,
                )
            )
    return problems


def _line_of(body: str, term: str, body_line: int) -> int:
    pattern = mention_pattern(term)
    for offset, line in enumerate(body.split("\n")):
        if pattern.search(line):
            return body_line + offset
    return body_line


def check_corpus(root: Path) -> tuple[LoadedCorpus, list[CorpusProblem]]:
    """Load a corpus directory and return it with every problem (parse problems first), sorted by file and line."""
    loaded = load_corpus(root)
    problems = loaded.problems + check_rules(loaded.concepts, loaded.documents, loaded.unparsed_concepts)
    problems.sort(key=lambda p: (str(p.path), p.line, p.rule))
    return loaded, problems


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Counts and graph shape of a corpus."""

    concepts: int
    per_category: dict[str, int]
    relations: int
    per_relation_type: dict[str, int]
    documents: int
    per_document_kind: dict[str, int]
    document_words: int
    concept_words: int
    components: int
    component_sizes: list[int]
    diameter: int
    aliases: int


def _words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def corpus_stats(concepts: Sequence[ConceptSpec], documents: Sequence[DocumentSpec]) -> CorpusStats:
    """Counts per category/relation type/kind, words, and the undirected concept graph's components and diameter."""
    adjacency = undirected_adjacency(concepts)
    components = connected_components(adjacency)
    return CorpusStats(
        concepts=len(concepts),
        per_category=dict(sorted(Counter(c.category for c in concepts).items())),
        relations=sum(len(c.relations) for c in concepts),
        per_relation_type=dict(sorted(Counter(r.rel_type for c in concepts for r in c.relations).items())),
        documents=len(documents),
        per_document_kind=dict(sorted(Counter(d.kind for d in documents).items())),
        document_words=sum(_words(d.body) for d in documents),
        concept_words=sum(_words(c.definition) + _words(c.body) for c in concepts),
        components=len(components),
        component_sizes=[len(c) for c in components],
        diameter=max((diameter(adjacency, comp) for comp in components), default=0),
        aliases=sum(len(c.aliases) for c in concepts),
    )
