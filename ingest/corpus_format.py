"""Parse corpus files (docs/corpus-format.md) into typed specs; pure, no I/O beyond the bytes handed in.

Every problem is a ``CorpusFormatError(path, line, message)`` naming the file and the 1-based line, so a writer can
jump straight to it. ``check_concept``/``check_document`` return all problems of one file; ``parse_concept`` and
``parse_document`` raise the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.ontology import RELATION_TYPES, ConceptCategory

MAX_FILE_BYTES = 1_000_000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOCUMENT_KINDS: tuple[str, ...] = ("guide", "worked_example", "reference")
CONCEPT_DOC_PREFIX = "concept-"
MIN_PHRASING_WORDS = 2

_CONCEPT_KEYS = frozenset(
    {"id", "name", "aliases", "phrasings", "category", "definition", "formula", "sources", "relations"}
)
MAX_SETTING_NAMES = 12
_DOCUMENT_KEYS = frozenset({"id", "title", "kind", "concepts", "sources", "setting"})
_SOURCE_KEYS = frozenset({"title", "authors", "year", "locator", "url"})
_RELATION_KEYS = frozenset({"type", "target", "justification", "weight"})
_FORMULA_KEYS = frozenset({"text", "latex"})


class CorpusFormatError(ValueError):
    """A corpus file breaks the format: ``path``, 1-based ``line`` (0 when the whole file) and what to fix."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A bibliographic source backing a concept or document."""

    title: str
    authors: str | None = None
    year: int | None = None
    locator: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": self.authors,
            "year": self.year,
            "locator": self.locator,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class RelationSpec:
    """An outgoing typed relation declared in a concept file."""

    source: str
    rel_type: str
    target: str
    justification: str
    weight: float
    line: int = 0

    @property
    def relation_id(self) -> str:
        return relation_id(self.source, self.rel_type, self.target)


@dataclass(frozen=True, slots=True)
class ConceptSpec:
    """A parsed ``corpus/concepts/<slug>.md``."""

    path: Path
    slug: str
    name: str
    aliases: tuple[str, ...]
    category: str
    definition: str
    sources: tuple[SourceRef, ...]
    relations: tuple[RelationSpec, ...]
    body: str
    body_line: int
    formula_text: str | None = None
    formula_latex: str | None = None
    when_to_use: str = ""
    mistakes: str = ""
    phrasings: tuple[str, ...] = ()  # how practitioners describe the situation without naming the concept

    @property
    def doc_id(self) -> str:
        """Concept files are documents too: ``concept-<slug>``."""
        return CONCEPT_DOC_PREFIX + self.slug


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A parsed ``corpus/documents/<slug>.md``."""

    path: Path
    doc_id: str
    title: str
    kind: str
    concepts: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    body: str
    body_line: int
    concept_lines: Mapping[str, int] = field(default_factory=dict)
    setting: tuple[str, ...] = ()  # the one setting the document is written for ("mobile app"); empty: any


def relation_id(source: str, rel_type: str, target: str) -> str:
    """The stable id of a relation: ``<source>:<type>:<target>``."""
    return f"{source}:{rel_type}:{target}"


# --- raw file handling ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The front matter of one file: values, the line of each top-level key, the node tree, and the body."""

    data: dict[str, Any]
    key_lines: dict[str, int]
    node: yaml.MappingNode
    yaml_first_line: int
    body: str
    body_line: int


def decode_text(path: Path, raw: bytes) -> str:
    """Bytes of a corpus or text file as text; rejects empty, binary and huge files with a clear message."""
    if len(raw) > MAX_FILE_BYTES:
        raise CorpusFormatError(
            path,
            0,
            f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,} — split it into smaller files",
        )
    if not raw.strip():
        raise CorpusFormatError(path, 0, "file is empty; add front matter and a body or delete the file")
    if b"\x00" in raw:
        raise CorpusFormatError(
            path, 0, "file is binary (contains NUL bytes); corpus files must be UTF-8 Markdown"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusFormatError(
            path, line, f"file is not valid UTF-8 (byte {exc.start}); save it as UTF-8 text"
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# libyaml's parser when PyYAML was built with it: 1.9 s of a cold ingest's 2.3 s of corpus reading was the pure-Python
# parser. Both give the same nodes and marks (line numbers in errors).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(path: Path, text: str) -> FrontMatter:
    """Split ``---`` YAML front matter from the Markdown body and parse it, keeping line numbers."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusFormatError(
            path, 1, "file must start with '---' and YAML front matter (see docs/corpus-format.md)"
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise CorpusFormatError(path, 1, "front matter is not closed: add a line '---' after the YAML block")
    yaml_text = "\n".join(lines[1:end])
    try:
        loader = _LOADER(yaml_text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 2
        problem = exc.problem or "malformed YAML"
        raise CorpusFormatError(path, line, f"malformed YAML front matter: {problem}") from None
    except yaml.YAMLError as exc:
        raise CorpusFormatError(path, 2, f"malformed YAML front matter: {exc}") from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise CorpusFormatError(path, 2, "front matter must be a YAML mapping of keys to values")
    key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    body = "\n".join(lines[end + 1 :]).strip("\n")
    body_line = end + 2
    # Count the blank lines stripped from the start so body line numbers stay exact.
    for rest in lines[end + 1 :]:
        if rest.strip():
            break
        body_line += 1
    return FrontMatter(data, key_lines, node, 2, body, body_line)


def _value_node(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if k.value == key:
            return v
    return None


class _Collector:
    """Gathers problems of one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[CorpusFormatError] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(CorpusFormatError(self.path, line, message))


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split()) if "\n" in value else value.strip()
    return None


def _required_text(fm: FrontMatter, key: str, out: _Collector) -> str:
    if key not in fm.data:
        out.add(1, f"missing required field '{key}'")
        return ""
    value = _text(fm.data[key])
    if value is None:
        out.add(fm.key_lines.get(key, 1), f"'{key}' must be a non-empty string")
        return ""
    return value


def _check_keys(fm: FrontMatter, allowed: frozenset[str], out: _Collector) -> None:
    for key in fm.data:
        if key not in allowed:
            out.add(
                fm.key_lines.get(str(key), 1),
                f"unknown field '{key}'; allowed fields: {', '.join(sorted(allowed))}",
            )


def _string_list(fm: FrontMatter, key: str, out: _Collector) -> list[str]:
    value = fm.data.get(key)
    if value is None:
        return []
    line = fm.key_lines.get(key, 1)
    if not isinstance(value, list):
        out.add(line, f"'{key}' must be a list, e.g. {key}: [a, b]")
        return []
    items: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
            out.add(line, f"'{key}' must contain non-empty strings; got {item!r}")
            continue
        items.append(str(item).strip())
    return items


def _sources(fm: FrontMatter, out: _Collector) -> list[SourceRef]:
    line = fm.key_lines.get("sources", 1)
    value = fm.data.get("sources")
    if value is None:
        out.add(
            1, "missing required field 'sources': list at least one source (title, authors, year, locator)"
        )
        return []
    if not isinstance(value, list) or not value:
        out.add(line, "'sources' must be a non-empty list of {title, authors, year, locator}")
        return []
    seq = _value_node(fm.node, "sources")
    refs: list[SourceRef] = []
    for index, item in enumerate(value):
        item_line = line
        if isinstance(seq, yaml.SequenceNode) and index < len(seq.value):
            item_line = seq.value[index].start_mark.line + fm.yaml_first_line
        if not isinstance(item, dict):
            out.add(item_line, f"source #{index + 1} must be a mapping with at least a 'title'")
            continue
        unknown = sorted(str(k) for k in item if k not in _SOURCE_KEYS)
        if unknown:
            out.add(
                item_line,
                f"source #{index + 1} has unknown field(s) {', '.join(unknown)}; allowed: "
                f"{', '.join(sorted(_SOURCE_KEYS))}",
            )
        title = _text(item.get("title"))
        if title is None:
            out.add(item_line, f"source #{index + 1} needs a non-empty 'title'")
            continue
        year = item.get("year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not 1600 <= year <= 2100
        ):
            out.add(item_line, f"source #{index + 1} 'year' must be a four-digit year; got {year!r}")
            year = None
        authors = item.get("authors")
        if isinstance(authors, list):
            authors = ", ".join(str(a) for a in authors)
        refs.append(
            SourceRef(
                title=title,
                authors=_text(authors) if authors is not None else None,
                year=year,
                locator=_text(str(item["locator"])) if item.get("locator") is not None else None,
                url=_text(item.get("url")),
            )
        )
    return refs


def _slug(fm: FrontMatter, path: Path, out: _Collector) -> str:
    slug = _required_text(fm, "id", out)
    if not slug:
        return path.stem
    line = fm.key_lines.get("id", 1)
    if not SLUG_RE.match(slug):
        out.add(line, f"id {slug!r} is not a slug: use lowercase ASCII letters, digits and single hyphens")
    if slug != path.stem:
        out.add(line, f"id {slug!r} must equal the file name ({path.stem!r}); rename the file or fix the id")
    return slug


def _sections(body: str) -> dict[str, str]:
    """Level-2 sections of a body by lower-cased heading."""
    sections: dict[str, str] = {}
    current: str | None = None
    buf: list[str] = []
    for line in body.split("\n"):
        match = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if match:
            if current is not None:
                sections[current] = "\n".join(buf).strip()
            current = match.group(1).strip().lower()
            buf = []
        elif current is not None:
            buf.append(line)
    if current is not None:
        sections[current] = "\n".join(buf).strip()
    return sections


def _relations(fm: FrontMatter, slug: str, out: _Collector) -> list[RelationSpec]:
    value = fm.data.get("relations")
    if value is None:
        return []
    line = fm.key_lines.get("relations", 1)
    if not isinstance(value, list):
        out.add(line, "'relations' must be a list of {type, target, justification, weight}")
        return []
    seq = _value_node(fm.node, "relations")
    relations: list[RelationSpec] = []
    for index, item in enumerate(value):
        item_line = line
        if isinstance(seq, yaml.SequenceNode) and index < len(seq.value):
            item_line = seq.value[index].start_mark.line + fm.yaml_first_line
        label = f"relation #{index + 1}"
        if not isinstance(item, dict):
            out.add(item_line, f"{label} must be a mapping with type, target and justification")
            continue
        unknown = sorted(str(k) for k in item if k not in _RELATION_KEYS)
        if unknown:
            out.add(
                item_line,
                f"{label} has unknown field(s) {', '.join(unknown)}; allowed: "
                f"{', '.join(sorted(_RELATION_KEYS))}",
            )
        rel_type = _text(item.get("type"))
        target = _text(item.get("target"))
        justification = _text(item.get("justification"))
        ok = True
        if rel_type is None:
            out.add(item_line, f"{label} needs a 'type'")
            ok = False
        elif rel_type not in RELATION_TYPES:
            out.add(
                item_line,
                f"{label}: unknown relation type {rel_type!r}; use one of: "
                f"{', '.join(sorted(RELATION_TYPES))}",
            )
            ok = False
        if target is None:
            out.add(item_line, f"{label} needs a 'target' (a concept slug)")
            ok = False
        elif not SLUG_RE.match(target):
            out.add(item_line, f"{label}: target {target!r} is not a concept slug")
            ok = False
        if justification is None:
            out.add(item_line, f"{label} needs a one-sentence 'justification'")
            ok = False
        weight_value = item.get("weight")
        weight = RELATION_TYPES[rel_type].weight if rel_type in RELATION_TYPES else 0.0
        if weight_value is not None:
            if (
                isinstance(weight_value, bool)
                or not isinstance(weight_value, int | float)
                or not (0.0 < float(weight_value) <= 1.0)
            ):
                out.add(item_line, f"{label}: weight must be a number in (0, 1]; got {weight_value!r}")
                ok = False
            else:
                weight = float(weight_value)
        if ok and rel_type is not None and target is not None and justification is not None:
            relations.append(RelationSpec(slug, rel_type, target, justification, weight, item_line))
    return relations


def check_concept(path: Path, raw: bytes) -> tuple[ConceptSpec | None, list[CorpusFormatError]]:
    """Parse a concept file; returns the spec (``None`` if unusable) and every problem found in it."""
    out = _Collector(path)
    try:
        fm = split_front_matter(path, decode_text(path, raw))
    except CorpusFormatError as exc:
        return None, [exc]
    _check_keys(fm, _CONCEPT_KEYS, out)
    slug = _slug(fm, path, out)
    name = _required_text(fm, "name", out)
    aliases = _string_list(fm, "aliases", out)
    phrasings = _string_list(fm, "phrasings", out)
    for phrasing in phrasings:
        if len(phrasing.split()) < MIN_PHRASING_WORDS:
            out.add(
                fm.key_lines.get("phrasings", 1),
                f"phrasing {phrasing!r} is too short to describe a situation; use at least"
                f" {MIN_PHRASING_WORDS} words (a name or abbreviation belongs in 'aliases')",
            )
    category = _required_text(fm, "category", out)
    if category and category not in {c.value for c in ConceptCategory}:
        out.add(
            fm.key_lines.get("category", 1),
            f"unknown category {category!r}; use one of: {', '.join(c.value for c in ConceptCategory)}",
        )
    definition = _required_text(fm, "definition", out)
    sources = _sources(fm, out)
    formula_text = formula_latex = None
    formula = fm.data.get("formula")
    if formula is not None:
        fline = fm.key_lines.get("formula", 1)
        if not isinstance(formula, dict):
            out.add(fline, "'formula' must be a mapping with 'text' and optionally 'latex'")
        else:
            unknown = sorted(str(k) for k in formula if k not in _FORMULA_KEYS)
            if unknown:
                out.add(fline, f"'formula' has unknown field(s) {', '.join(unknown)}; allowed: latex, text")
            formula_text = _text(formula.get("text"))
            formula_latex = _text(formula.get("latex"))
            if formula_text is None:
                out.add(fline, "'formula' needs a plain-text 'text' (omit 'formula' when there is none)")
    relations = _relations(fm, slug, out)
    for alias in aliases:
        if alias.casefold() == name.casefold():
            out.add(fm.key_lines.get("aliases", 1), f"alias {alias!r} repeats the name; remove it")
    if not fm.body.strip():
        out.add(fm.body_line, "the body is empty; add '## When to use' and '## Common mistakes' sections")
    sections = _sections(fm.body)
    if out.problems:
        return None, out.problems
    spec = ConceptSpec(
        path=path,
        slug=slug,
        name=name,
        aliases=tuple(dict.fromkeys(aliases)),
        category=category,
        definition=definition,
        sources=tuple(sources),
        relations=tuple(relations),
        body=fm.body,
        body_line=fm.body_line,
        formula_text=formula_text,
        formula_latex=formula_latex,
        when_to_use=sections.get("when to use", ""),
        mistakes=sections.get("common mistakes", ""),
        phrasings=tuple(dict.fromkeys(" ".join(p.split()) for p in phrasings)),
    )
    return spec, []


def check_document(path: Path, raw: bytes) -> tuple[DocumentSpec | None, list[CorpusFormatError]]:
    """Parse a document file; returns the spec (``None`` if unusable) and every problem found in it."""
    out = _Collector(path)
    try:
        fm = split_front_matter(path, decode_text(path, raw))
    except CorpusFormatError as exc:
        return None, [exc]
    _check_keys(fm, _DOCUMENT_KEYS, out)
    doc_id = _slug(fm, path, out)
    if doc_id.startswith(CONCEPT_DOC_PREFIX):
        out.add(
            fm.key_lines.get("id", 1),
            f"document ids must not start with {CONCEPT_DOC_PREFIX!r} (reserved for concept files)",
        )
    title = _required_text(fm, "title", out)
    kind = _required_text(fm, "kind", out)
    if kind and kind not in DOCUMENT_KINDS:
        out.add(
            fm.key_lines.get("kind", 1), f"unknown kind {kind!r}; use one of: {', '.join(DOCUMENT_KINDS)}"
        )
    concepts = _string_list(fm, "concepts", out)
    concept_lines: dict[str, int] = {}
    seq = _value_node(fm.node, "concepts")
    for index, slug in enumerate(concepts):
        line = fm.key_lines.get("concepts", 1)
        if isinstance(seq, yaml.SequenceNode) and index < len(seq.value):
            line = seq.value[index].start_mark.line + fm.yaml_first_line
        concept_lines.setdefault(slug, line)
        if not SLUG_RE.match(slug):
            out.add(line, f"concepts: {slug!r} is not a concept slug")
    sources = _sources(fm, out)
    setting = _string_list(fm, "setting", out)
    if len(setting) > MAX_SETTING_NAMES:
        out.add(
            fm.key_lines.get("setting", 1),
            f"'setting' names the setting the document is written for in at most {MAX_SETTING_NAMES} words or "
            "phrases, e.g. setting: [mobile app, iOS, Android]",
        )
    if not fm.body.strip():
        out.add(fm.body_line, "the body is empty; write the document text below the front matter")
    if out.problems:
        return None, out.problems
    spec = DocumentSpec(
        path=path,
        doc_id=doc_id,
        title=title,
        kind=kind,
        concepts=tuple(dict.fromkeys(concepts)),
        sources=tuple(sources),
        body=fm.body,
        body_line=fm.body_line,
        concept_lines=concept_lines,
        setting=tuple(dict.fromkeys(" ".join(x.split()) for x in setting)),
    )
    return spec, []


def parse_concept(path: Path, raw: bytes) -> ConceptSpec:
    """Parse a concept file or raise its first ``CorpusFormatError``."""
    spec, problems = check_concept(path, raw)
    if problems or spec is None:
        raise problems[0]
    return spec


def parse_document(path: Path, raw: bytes) -> DocumentSpec:
    """Parse a document file or raise its first ``CorpusFormatError``."""
    spec, problems = check_document(path, raw)
    if problems or spec is None:
        raise problems[0]
    return spec
