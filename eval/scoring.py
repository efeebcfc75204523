"""Pure scoring of one planner answer against one evaluation question, and the summary over many.

Every function here takes plain data (the question dict from ``eval/questions.jsonl``, the response dict from
``AnswerResponse.to_dict()``, hop pairs from the stored trace) and returns plain data: no database, no model.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from textkit.citations import citation_markers

CATEGORIES: tuple[str, ...] = ("definition", "calculation", "methodology", "best_practice")

_KEY_INDEX = re.compile(r"^(?P<name>[A-Za-z_][\w]*)(?:\[(?P<index>\d+)\])?$")


# --- numbers ------------------------------------------------------------------------------------------------


def within_tolerance(actual: float, expected: float, tolerance: Mapping[str, float]) -> bool:
    """True when ``actual`` matches ``expected`` under ``{"relative": r}`` and/or ``{"absolute": a}``.

    With both given, either suffices. With neither, the match must be exact to 1e-9 relative.
    """
    if isinstance(actual, bool) or not isinstance(actual, int | float) or math.isnan(float(actual)):
        return False
    diff = abs(float(actual) - float(expected))
    rel = tolerance.get("relative")
    absolute = tolerance.get("absolute")
    if rel is None and absolute is None:
        return diff <= 1e-9 * max(1.0, abs(float(expected)))
    if absolute is not None and diff <= float(absolute) + 1e-12:
        return True
    return rel is not None and diff <= float(rel) * abs(float(expected)) + 1e-12


def lookup_output(outputs: Mapping[str, Any], key: str) -> Any:
    """The value at ``key`` (``"power"`` or ``"z_boundaries[4]"``) in a calculation's outputs, or None."""
    match = _KEY_INDEX.match(key)
    if match is None:
        return None
    value = outputs.get(match.group("name"))
    index = match.group("index")
    if index is None:
        return value
    if isinstance(value, list | tuple) and int(index) < len(value):
        return value[int(index)]
    return None


@dataclass(frozen=True)
class NumberCheck:
    """One expected number: what was expected, the closest value found, and whether it matched."""

    name: str
    expected: float
    actual: float | None
    ok: bool


def check_numbers(
    expected: Mapping[str, float], tolerance: Mapping[str, float], calculations: Sequence[Mapping[str, Any]]
) -> list[NumberCheck]:
    """Check each expected number against every calculation's outputs; a match in any calculation counts."""
    checks: list[NumberCheck] = []
    for name, value in expected.items():
        found: float | None = None
        ok = False
        for calc in calculations:
            actual = lookup_output(calc.get("outputs", {}) or {}, name)
            if isinstance(actual, bool):
                actual = int(actual)
            if isinstance(actual, int | float):
                found = float(actual) if found is None else found
                if within_tolerance(actual, value, tolerance):
                    found, ok = float(actual), True
                    break
        checks.append(NumberCheck(name, float(value), found, ok))
    return checks


# --- concepts, citations, needs, paths -----------------------------------------------------------------------


def response_concepts(response: Mapping[str, Any], name_to_id: Mapping[str, str]) -> set[str]:
    """Every concept id the answer surfaces: linked entities, related concepts (and the nodes on their paths),
    and citations of concepts, relations or concept-document chunks."""
    found: set[str] = set()
    for ent in response.get("entities", []) or []:
        found.add(str(ent.get("concept_id", "")))
    for rel in response.get("related_concepts", []) or []:
        found.add(str(rel.get("concept_id", "")))
        for node in rel.get("path", []) or []:
            found.add(name_to_id.get(str(node).lower(), str(node)))
    for cit in response.get("citations", []) or []:
        found.update(citation_concepts(cit))
    found.discard("")
    return found


def citation_concepts(citation: Mapping[str, Any]) -> set[str]:
    """Concept ids a citation stands for: a concept citation's id, a concept URI, a concept document's chunk."""
    out: set[str] = set()
    cid = str(citation.get("id", ""))
    uri = str(citation.get("uri", ""))
    if citation.get("kind") == "concept" and cid:
        out.add(cid)
    if uri.startswith("concept:"):
        out.add(uri.split(":", 1)[1].split("#", 1)[0])
    match = re.match(r"^(?:chunk:)?concept-([a-z0-9-]+?)(?:[#:/].*)?$", cid)
    if match:
        out.add(match.group(1))
    return out


def concept_hit(expected: Sequence[str], surfaced: set[str]) -> tuple[bool, bool]:
    """(any expected concept surfaced, all expected concepts surfaced)."""
    hits = [c in surfaced for c in expected]
    return any(hits), all(hits)


def citation_problems(response: Mapping[str, Any]) -> list[str]:
    """Why the answer's citations are not valid (empty list: all valid).

    Valid means: the verifier says so, no marker in the answer points outside the citation list, every citation
    has an id and a quote, and an answer that is not just a question for missing inputs cites something.
    ``verification.invalid_citations`` lists markers the verifier found in the model's raw output and removed; they
    count only if the final answer is not valid as well.
    """
    problems: list[str] = []
    verification = response.get("verification", {}) or {}
    citations = response.get("citations", []) or []
    markers = {int(c.get("marker", -1)) for c in citations}
    if not verification.get("citations_valid", False):
        problems.append("verifier: citations_valid is false")
    if verification.get("invalid_citations") and not verification.get("citations_valid", False):
        problems.append(f"verifier: invalid citations {verification['invalid_citations']}")
    used = set(citation_markers(str(response.get("answer", ""))))
    dangling = sorted(used - markers)
    if dangling:
        problems.append(f"answer cites {dangling} but the citation list has {sorted(markers)}")
    for cit in citations:
        if not cit.get("id") or not str(cit.get("quote", "")).strip():
            problems.append(f"citation [{cit.get('marker')}] has no id or no quote")
    if not citations and not response.get("needs"):
        problems.append("the answer cites nothing")
    return problems


def needs_correct(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """The planner asked for exactly the missing inputs (names as the calculator parser reports them)."""
    return {str(n) for n in expected} == {str(n) for n in actual}


def response_hops(response: Mapping[str, Any], name_to_id: Mapping[str, str]) -> set[frozenset[str]]:
    """Unordered concept pairs adjacent on some related-concept path of the response."""
    pairs: set[frozenset[str]] = set()
    for rel in response.get("related_concepts", []) or []:
        nodes = [name_to_id.get(str(n).lower(), str(n)) for n in rel.get("path", []) or []]
        for a, b in itertools.pairwise(nodes):
            pairs.add(frozenset((a, b)))
    return pairs


def trace_hops(trace: Any) -> set[frozenset[str]]:
    """Unordered concept pairs of every hop record (``{"from": .., "to": ..}``) anywhere in a stored trace."""
    pairs: set[frozenset[str]] = set()
    stack = [trace]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if isinstance(item.get("from"), str) and isinstance(item.get("to"), str) and "relation" in item:
                pairs.add(frozenset((item["from"], item["to"])))
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return pairs


def path_found(expected_path: Sequence[str], hops: set[frozenset[str]]) -> tuple[bool, list[tuple[str, str]]]:
    """Whether every consecutive pair of ``expected_path`` is a hop the planner walked; and the missing pairs."""
    missing = [(a, b) for a, b in itertools.pairwise(expected_path) if frozenset((a, b)) not in hops]
    return not missing, missing


def key_fact_coverage(key_facts: Sequence[str], answer: str) -> float:
    """Share of key facts appearing (case-insensitive substring) in the answer; 1.0 when there are none."""
    if not key_facts:
        return 1.0
    text = answer.lower()
    return sum(1 for fact in key_facts if fact.lower() in text) / len(key_facts)


# --- graph checks for the question file ---------------------------------------------------------------------


def undirected_adjacency(relations: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Adjacency of the concept graph read in both directions."""
    adj: dict[str, set[str]] = {}
    for source, target in relations:
        adj.setdefault(source, set()).add(target)
        adj.setdefault(target, set()).add(source)
    return adj


def is_graph_path(path: Sequence[str], adjacency: Mapping[str, set[str]]) -> bool:
    """True when consecutive concepts of ``path`` are related (either direction) and no concept repeats."""
    if len(path) < 2 or len(set(path)) != len(path):
        return False
    return all(b in adjacency.get(a, set()) for a, b in itertools.pairwise(path))


def shortest_distance(adjacency: Mapping[str, set[str]], start: str, end: str) -> int | None:
    """Number of hops on a shortest path between two concepts (None when unconnected)."""
    seen = {start: 0}
    frontier = [start]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for other in adjacency.get(node, set()):
                if other not in seen:
                    seen[other] = seen[node] + 1
                    nxt.append(other)
        frontier = nxt
    return seen.get(end)


def is_shortest_path(path: Sequence[str], adjacency: Mapping[str, set[str]]) -> bool:
    """A real path with no shortcut: a traversal that prefers short paths can be expected to walk it."""
    return is_graph_path(path, adjacency) and shortest_distance(adjacency, path[0], path[-1]) == len(path) - 1


# --- one question's result and the summary ------------------------------------------------------------------


@dataclass
class QuestionResult:
    """Everything measured for one question (``None``: the metric does not apply to this question)."""

    id: str
    category: str
    multi_hop: bool
    error: str | None = None
    concept_any: bool | None = None
    concept_all: bool | None = None
    missing_concepts: list[str] = field(default_factory=list)
    citations_valid: bool | None = None
    citation_problems: list[str] = field(default_factory=list)
    numbers_ok: bool | None = None
    number_checks: list[dict[str, Any]] = field(default_factory=list)
    needs_ok: bool | None = None
    needs_expected: list[str] = field(default_factory=list)
    needs_actual: list[str] = field(default_factory=list)
    path_ok: bool | None = None
    missing_hops: list[list[str]] = field(default_factory=list)
    key_facts: float | None = None
    total_ms: float | None = None
    pre_generation_ms: float | None = None
    intent: str | None = None
    tool: str | None = None
    answer: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


GENERATION_STEPS = ("generate", "verify", "respond")


def score_response(
    question: Mapping[str, Any],
    response: Mapping[str, Any],
    name_to_id: Mapping[str, str],
    trace_pairs: set[frozenset[str]] | None = None,
    wall_ms: float | None = None,
    *,
    generated: bool = True,
) -> QuestionResult:
    """Score one response dict against one question dict (``generated=False``: no answer was generated)."""
    result = QuestionResult(
        id=str(question["id"]), category=str(question["category"]), multi_hop=bool(question.get("multi_hop"))
    )
    surfaced = response_concepts(response, name_to_id)
    expected_concepts = list(question.get("expected_concepts", []))
    result.concept_any, result.concept_all = concept_hit(expected_concepts, surfaced)
    result.missing_concepts = [c for c in expected_concepts if c not in surfaced]
    if generated:
        result.citation_problems = citation_problems(response)
        result.citations_valid = not result.citation_problems
    calculations = list(response.get("calculations", []) or [])
    result.tool = str(calculations[0].get("tool")) if calculations else None
    expected_numbers = question.get("expected_numbers") or {}
    if expected_numbers:
        checks = check_numbers(expected_numbers, question.get("tolerance") or {}, calculations)
        result.number_checks = [asdict(c) for c in checks]
        result.numbers_ok = all(c.ok for c in checks)
    expected_needs = list(question.get("expected_needs") or [])
    result.needs_actual = [str(n) for n in response.get("needs", []) or []]
    result.needs_expected = expected_needs
    # a question with every input (or no calculation at all) must not ask; one without must ask for exactly what
    # is missing
    result.needs_ok = needs_correct(expected_needs, result.needs_actual)
    if question.get("multi_hop") and question.get("expected_path"):
        hops = response_hops(response, name_to_id) | (trace_pairs or set())
        ok, missing = path_found(question["expected_path"], hops)
        result.path_ok = ok
        result.missing_hops = [list(p) for p in missing]
    if generated:
        result.key_facts = key_fact_coverage(question.get("key_facts", []), str(response.get("answer", "")))
    timings = response.get("timings_ms", {}) or {}
    result.total_ms = wall_ms if wall_ms is not None else float(sum(timings.values()))
    result.pre_generation_ms = float(sum(v for k, v in timings.items() if k not in GENERATION_STEPS))
    result.intent = str(response.get("intent", "")) or None
    result.answer = str(response.get("answer", ""))
    return result


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (``q`` in [0, 100]) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _rate(flags: Iterable[bool | None]) -> dict[str, Any]:
    applicable = [f for f in flags if f is not None]
    passed = sum(1 for f in applicable if f)
    return {
        "passed": passed,
        "total": len(applicable),
        "rate": (passed / len(applicable)) if applicable else None,
    }


TARGETS: dict[str, float] = {
    "concept_any": 0.95,
    "numbers_ok": 1.0,
    "citations_valid": 1.0,
    "needs_ok": 1.0,
    "path_ok": 0.90,
}


def summarise(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """Rates, latency percentiles and failing ids, overall and per category."""

    def block(items: Sequence[QuestionResult]) -> dict[str, Any]:
        ok = [r for r in items if r.error is None]
        totals = [r.total_ms for r in ok if r.total_ms is not None]
        pre = [r.pre_generation_ms for r in ok if r.pre_generation_ms is not None]
        out: dict[str, Any] = {"questions": len(items), "errors": len(items) - len(ok)}
        for metric in ("concept_any", "concept_all", "citations_valid", "numbers_ok", "needs_ok", "path_ok"):
            out[metric] = _rate(getattr(r, metric) for r in ok)
            out[metric]["failed_ids"] = [r.id for r in ok if getattr(r, metric) is False]
        facts = [r.key_facts for r in ok if r.key_facts is not None]
        out["key_facts_mean"] = sum(facts) / len(facts) if facts else None
        out["latency_ms"] = {
            "total_p50": percentile(totals, 50),
            "total_p95": percentile(totals, 95),
            "pre_generation_p50": percentile(pre, 50),
            "pre_generation_p95": percentile(pre, 95),
        }
        return out

    summary: dict[str, Any] = {"overall": block(results), "targets": dict(TARGETS)}
    summary["by_category"] = {c: block([r for r in results if r.category == c]) for c in CATEGORIES}
    summary["multi_hop"] = block([r for r in results if r.multi_hop])
    summary["errors"] = {r.id: r.error for r in results if r.error is not None}
    summary["meets_targets"] = {
        metric: (
            summary["overall"][metric]["rate"] is not None and summary["overall"][metric]["rate"] >= target
        )
        for metric, target in TARGETS.items()
    }
    return summary


# --- why a question failed ----------------------------------------------------------------------------------

FAILURE_CAUSES = (
    "crash",
    "entity_linking",
    "traversal",
    "retrieval",
    "parser",
    "calculation",
    "verification",
)


def failure_causes(
    result: QuestionResult,
    question: Mapping[str, Any],
    response: Mapping[str, Any] | None,
    parser_ok: bool | None = None,
) -> list[str]:
    """The pipeline stages a failed question points at (empty list: nothing failed).

    entity_linking: no expected concept surfaced at all, or a multi-hop path's concepts were never linked;
    traversal: the concepts were linked but the expected hops were not walked; retrieval: some expected concepts
    are missing although one was found; parser: a calculation was not (or wrongly) parsed, or the needs differ;
    calculation: the right calculator ran but a number is off; intent: the calculator parser reads the question
    right (``parser_ok``) but the planner did not use that reading (routing or gating); verification: a citation is
    invalid.
    """
    if result.error is not None or response is None:
        return ["crash"]
    causes: list[str] = []
    linked = {str(e.get("concept_id")) for e in response.get("entities", []) or []}
    if result.concept_any is False:
        causes.append("entity_linking")
    elif result.concept_all is False:
        causes.append("retrieval")
    if result.path_ok is False:
        missing_nodes = {n for pair in result.missing_hops for n in pair}
        if not (missing_nodes & linked):
            causes.append("entity_linking")
        else:
            causes.append("traversal")
    if result.numbers_ok is False or result.needs_ok is False:
        calculations = response.get("calculations", []) or []
        if parser_ok:
            causes.append("intent")
        elif result.numbers_ok is False and calculations and not result.needs_actual and parser_ok is None:
            causes.append("calculation")
        else:
            causes.append("parser")
    if result.citations_valid is False:
        causes.append("verification")
    return list(dict.fromkeys(causes))
