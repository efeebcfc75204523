"""The evaluation question set: loading, the corpus concept graph it is checked against, and schema validation."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from eval.scoring import CATEGORIES, is_graph_path, is_shortest_path, undirected_adjacency

QUESTIONS_PATH = Path(__file__).resolve().parent / "questions.jsonl"
# Share of the set each category should hold (within PROPORTION_SLACK).
CATEGORY_SHARES: dict[str, float] = {
    "definition": 0.20,
    "calculation": 0.30,
    "methodology": 0.30,
    "best_practice": 0.20,
}
PROPORTION_SLACK = 0.03
MIN_QUESTIONS = 110
MIN_MULTI_HOP = 20
REQUIRED_KEYS = ("id", "category", "question", "expected_concepts", "key_facts", "multi_hop")


class QuestionFileError(ValueError):
    """The question file cannot be read; the message names the line and what to fix."""


def load_questions(path: Path = QUESTIONS_PATH) -> list[dict[str, Any]]:
    """Every question of the JSONL file, in order."""
    questions: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(
                f"{path}:{number}: not valid JSON ({exc.msg}); one object per line"
            ) from exc
        if not isinstance(item, dict):
            raise QuestionFileError(f"{path}:{number}: expected a JSON object, got {type(item).__name__}")
        questions.append(item)
    return questions


@dataclass(frozen=True)
class ConceptGraph:
    """The concepts of the corpus (slug → name and aliases) and their relations as (source, target) pairs."""

    names: dict[str, str]
    aliases: dict[str, list[str]]
    relations: list[tuple[str, str]]

    @property
    def adjacency(self) -> dict[str, set[str]]:
        return undirected_adjacency(self.relations)

    def name_to_id(self) -> dict[str, str]:
        """Lower-cased canonical name → slug (related-concept paths in answers carry names)."""
        return {name.lower(): slug for slug, name in self.names.items()}


def _front_matter(text: str) -> dict[str, Any]:
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    data = yaml.safe_load(text[3:end]) if end > 0 else None
    return data if isinstance(data, dict) else {}


def load_concept_graph(concepts_dir: Path) -> ConceptGraph:
    """Read ``corpus/concepts/*.md`` front matter into a ``ConceptGraph``."""
    names: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    relations: list[tuple[str, str]] = []
    for path in sorted(concepts_dir.glob("*.md")):
        data = _front_matter(path.read_text(encoding="utf-8"))
        slug = str(data.get("id") or path.stem)
        names[slug] = str(data.get("name", slug))
        aliases[slug] = [str(a) for a in data.get("aliases", []) or []]
        for rel in data.get("relations", []) or []:
            relations.append((slug, str(rel["target"])))
    return ConceptGraph(names, aliases, relations)


def validate_question(item: Mapping[str, Any], graph: ConceptGraph) -> list[str]:
    """Problems with one question (empty: valid)."""
    qid = str(item.get("id", "?"))
    problems = [f"{qid}: missing key {key!r}" for key in REQUIRED_KEYS if key not in item]
    if problems:
        return problems
    if item["category"] not in CATEGORIES:
        problems.append(f"{qid}: category {item['category']!r} is not one of {CATEGORIES}")
    if not str(item["question"]).strip():
        problems.append(f"{qid}: empty question")
    concepts = list(item["expected_concepts"])
    if not concepts:
        problems.append(f"{qid}: expected_concepts must name at least one concept")
    problems += [
        f"{qid}: expected concept {c!r} is not in corpus/concepts" for c in concepts if c not in graph.names
    ]
    if not isinstance(item["key_facts"], list) or not item["key_facts"]:
        problems.append(f"{qid}: key_facts must be a non-empty list")
    path = item.get("expected_path")
    if item["multi_hop"]:
        if not path or len(path) < 3:
            problems.append(f"{qid}: a multi-hop question needs an expected_path of at least 3 concepts")
        elif not is_graph_path(path, graph.adjacency):
            problems.append(f"{qid}: expected_path {path} is not a path in the relation graph")
        elif not is_shortest_path(path, graph.adjacency):
            problems.append(
                f"{qid}: expected_path {path} has a shortcut; use a shortest path between its ends"
            )
    elif path:
        problems.append(f"{qid}: expected_path given but multi_hop is false")
    if item["category"] == "calculation":
        numbers = item.get("expected_numbers") or {}
        needs = item.get("expected_needs") or []
        if not numbers and not needs:
            problems.append(f"{qid}: a calculation question needs expected_numbers or expected_needs")
        if numbers and needs:
            problems.append(f"{qid}: give expected_numbers or expected_needs, not both")
        if numbers and not str(item.get("reference", "")).strip():
            problems.append(f"{qid}: expected_numbers need a reference (published source or cross-check)")
        tolerance = item.get("tolerance") or {}
        if numbers and not ({"relative", "absolute"} & set(tolerance)):
            problems.append(f"{qid}: tolerance must give 'relative' and/or 'absolute'")
        for name, value in numbers.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"{qid}: expected number {name!r} is not a number")
    elif item.get("expected_numbers"):
        problems.append(f"{qid}: only calculation questions carry expected_numbers")
    return problems


def validate_set(questions: Sequence[Mapping[str, Any]], graph: ConceptGraph) -> list[str]:
    """Problems with the whole set: each question, unique ids, size, category shares, multi-hop count."""
    problems: list[str] = []
    for item in questions:
        problems += validate_question(item, graph)
    ids = [str(q.get("id")) for q in questions]
    problems += [f"duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if len(questions) < MIN_QUESTIONS:
        problems.append(f"{len(questions)} questions; at least {MIN_QUESTIONS} required")
    for category, share in CATEGORY_SHARES.items():
        actual = sum(1 for q in questions if q.get("category") == category) / max(1, len(questions))
        if abs(actual - share) > PROPORTION_SLACK:
            problems.append(f"category {category}: {actual:.1%} of the set, expected {share:.0%}")
    multi = sum(1 for q in questions if q.get("multi_hop"))
    if multi < MIN_MULTI_HOP:
        problems.append(f"{multi} multi-hop questions; at least {MIN_MULTI_HOP} required")
    return problems
