"""Multi-hop traversal over typed relations: related concepts and connecting paths.

The adjacency (both directions, with the ontology's inverse readings) is fetched from SurrealDB once per graph
version and searched in Python: a layered best-path search (Bellman-Ford bounded by ``max_hops``) over
``-log(weight)``. bench/bench_planner.py measures this against per-hop SurrealQL graph queries.

Path score = product of relation weights × ``HOP_DECAY ** (hops - 1)``: a direct relation keeps its weight, every
further hop costs a little more than its weight alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from engine.ontology import RELATION_TYPES, SYMMETRIC_RELATIONS
from planner.types import ConceptPath, Edge, Hop

HOP_DECAY = 0.85
DEFAULT_FAN_OUT = 8


@dataclass(slots=True)
class Adjacency:
    """Outgoing and incoming typed edges per concept, with names; built once per graph version."""

    names: dict[str, str]
    neighbours: dict[str, list[Hop]] = field(default_factory=dict)
    edge_count: int = 0

    @classmethod
    def build(cls, edges: Iterable[Edge], names: dict[str, str]) -> Adjacency:
        """Index each edge both ways; the reverse step reads with the relation's inverse reading."""
        adj = cls(names=dict(names))
        for edge in edges:
            rel = RELATION_TYPES.get(edge.rel_type)
            if rel is None or edge.source_id == edge.target_id:
                continue
            weight = min(1.0, max(1e-6, float(edge.weight)))
            fwd = Hop(
                edge.source_id,
                edge.target_id,
                edge.rel_type,
                rel.reads_as,
                True,
                weight,
                edge.relation_id,
                edge.justification,
            )
            inverse = rel.reads_as if edge.rel_type in SYMMETRIC_RELATIONS else rel.inverse_reads_as
            back = Hop(
                edge.target_id,
                edge.source_id,
                edge.rel_type,
                inverse,
                False,
                weight,
                edge.relation_id,
                edge.justification,
            )
            adj.neighbours.setdefault(edge.source_id, []).append(fwd)
            adj.neighbours.setdefault(edge.target_id, []).append(back)
            adj.edge_count += 1
        for hops in adj.neighbours.values():
            hops.sort(key=lambda h: (-h.weight, not h.forward, h.to_id, h.rel_type))
        return adj

    def name(self, concept_id: str) -> str:
        return self.names.get(concept_id, concept_id)


def path_score(weights: Sequence[float], decay: float = HOP_DECAY) -> float:
    """Product of the weights with hop decay; 1.0 for the empty path."""
    score = 1.0
    for w in weights:
        score *= w
    return score * decay ** max(0, len(weights) - 1)


def best_paths_from(
    adj: Adjacency,
    start: str,
    *,
    max_hops: int,
    fan_out: int | None = DEFAULT_FAN_OUT,
    decay: float = HOP_DECAY,
    exclude: frozenset[str] = frozenset(),
) -> dict[str, ConceptPath]:
    """Best-scoring path from ``start`` to every concept within ``max_hops`` hops.

    ``fan_out`` keeps only the strongest edges out of each concept (None: all). Deterministic: ties break on ids.
    """
    best: dict[str, ConceptPath] = {}
    frontier: dict[str, tuple[float, tuple[Hop, ...]]] = {start: (1.0, ())}
    for hop_count in range(1, max_hops + 1):
        nxt: dict[str, tuple[float, tuple[Hop, ...]]] = {}
        for node in sorted(frontier):
            product, hops = frontier[node]
            visited = {start, *exclude, *(h.to_id for h in hops)}
            edges = adj.neighbours.get(node, [])
            for hop in edges[:fan_out] if fan_out else edges:
                if hop.to_id in visited:
                    continue
                cand = product * hop.weight
                cur = nxt.get(hop.to_id)
                if cur is None or cand > cur[0] + 1e-12:
                    nxt[hop.to_id] = (cand, (*hops, hop))
        for node, (product, hops) in nxt.items():
            score = product * decay ** (hop_count - 1)
            if node not in best or score > best[node].score + 1e-12:
                best[node] = ConceptPath(start, node, hops, score)
        frontier = nxt
        if not frontier:
            break
    return best


def related_concepts(
    adj: Adjacency,
    seeds: Sequence[str],
    *,
    max_hops: int,
    fan_out: int = DEFAULT_FAN_OUT,
    limit: int = 10,
    prefer: Collection[str] = (),
) -> list[ConceptPath]:
    """Concepts reachable from any seed, best path each, strongest first (seeds themselves excluded); concepts in
    ``prefer`` (the question's unnamed topics) first, so weaker links to what the question is about are kept."""
    best: dict[str, ConceptPath] = {}
    for seed in seeds:
        if seed not in adj.neighbours:
            continue
        for node, path in best_paths_from(adj, seed, max_hops=max_hops, fan_out=fan_out).items():
            if node in seeds:
                continue
            if node not in best or path.score > best[node].score:
                best[node] = path
    ranked = sorted(best.values(), key=lambda p: (p.end_id not in prefer, -p.score, len(p.hops), p.end_id))
    return ranked[:limit]


def connecting_paths(
    adj: Adjacency, seeds: Sequence[str], *, max_hops: int, per_pair: int = 2
) -> list[ConceptPath]:
    """The best paths (up to ``per_pair``, through different first steps) between each pair of linked concepts.

    No fan-out limit here: a connection is worth finding even through a weak edge.
    """
    out: list[ConceptPath] = []
    for a, b in itertools.combinations(dict.fromkeys(seeds), 2):
        if a not in adj.neighbours or b not in adj.neighbours:
            continue
        found: dict[tuple[str, ...], ConceptPath] = {}
        for first in adj.neighbours[a]:
            if first.to_id == b:
                hops: tuple[Hop, ...] = (first,)
            elif max_hops > 1:
                rest = best_paths_from(
                    adj, first.to_id, max_hops=max_hops - 1, fan_out=None, exclude=frozenset({a})
                ).get(b)
                if rest is None:
                    continue
                hops = (first, *rest.hops)
            else:
                continue
            path = ConceptPath(a, b, hops, path_score([h.weight for h in hops]))
            key = tuple(path.node_ids)
            if key not in found or path.score > found[key].score:
                found[key] = path
        ranked = sorted(found.values(), key=lambda p: (-p.score, len(p.hops), p.node_ids))
        out.extend(ranked[:per_pair])
    return sorted(out, key=lambda p: (-p.score, p.start_id, p.end_id, p.node_ids))


def parallel_hops(adj: Adjacency, path: ConceptPath) -> list[Hop]:
    """The other direct relations between the two ends of a one-hop path (the graph may record several reasons why
    two concepts are related, e.g. "baseline rate decreases sample size" and "sample size depends on the baseline
    rate through p(1 − p)"); connecting paths keep one per route."""
    if len(path.hops) != 1:
        return []
    only = path.hops[0]
    return [
        h
        for h in adj.neighbours.get(path.start_id, [])
        if h.to_id == path.end_id and (h.relation_id, h.rel_type) != (only.relation_id, only.rel_type)
    ]


def describe_path(adj: Adjacency, path: ConceptPath) -> str:
    """``variance —increases→ sample size`` style text for traces and relation sources."""
    parts = [adj.name(path.start_id)]
    for hop in path.hops:
        parts.append(f"{hop.reading} {adj.name(hop.to_id)}")
    return " → ".join(parts)


def hop_records(adj: Adjacency, path: ConceptPath) -> list[dict[str, object]]:
    """Each hop as a trace record: from, relation, to, cumulative score."""
    records: list[dict[str, object]] = []
    weights: list[float] = []
    for hop in path.hops:
        weights.append(hop.weight)
        records.append(
            {
                "from": hop.from_id,
                "relation": hop.rel_type,
                "reading": hop.reading,
                "direction": "forward" if hop.forward else "inverse",
                "to": hop.to_id,
                "weight": hop.weight,
                "score": round(path_score(weights), 6),
            }
        )
    return records
