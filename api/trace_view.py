"""The graph a trace walked, as nodes and edges the page can draw (a stored trace keeps paths, not a drawing).

Edges come from the ``traverse`` step's connecting paths and related-concept paths, each in its stored direction and
worded with the ontology's active reading (``api.relation_wording``); nodes are the linked concepts (seeds) and every
concept those paths reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.relation_wording import sentence


def _step(trace: Mapping[str, Any], node: str) -> Mapping[str, Any]:
    for step in trace.get("nodes") or []:
        if step.get("node") == node:
            return step.get("outputs") or {}
    return {}


def trace_graph(trace: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """``{"nodes": [{id, name, seed, depth}], "edges": [{from, to, rel_type, sentence, weight, kind}]}``."""
    label = dict(names)
    for entity in trace.get("entities") or _step(trace, "entities").get("entities") or []:
        label.setdefault(entity["concept_id"], entity.get("name") or entity["concept_id"])
    seeds = [e["concept_id"] for e in trace.get("entities") or []]
    depth: dict[str, int] = dict.fromkeys(seeds, 0)
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    outputs = _step(trace, "traverse")
    walked = [("connecting", p) for p in outputs.get("connecting_paths") or []]
    walked += [("related", p) for p in outputs.get("related") or []]
    for kind, path in walked:
        for index, hop in enumerate(path.get("hops") or []):
            a, b, rel = (
                str(hop["from"]),
                str(hop["to"]),
                str(hop.get("relation") or hop.get("rel_type") or ""),
            )
            depth[b] = min(depth.get(b, index + 1), depth.get(a, index) + 1)
            src, dst = (a, b) if hop.get("direction", "forward") == "forward" else (b, a)
            key = (src, dst, rel)
            if key in edges:
                continue
            edges[key] = {
                "from": src,
                "to": dst,
                "rel_type": rel,
                "sentence": sentence(rel, label.get(src, src), label.get(dst, dst)),
                "weight": hop.get("weight"),
                "kind": kind,
            }
    nodes = [
        {"id": cid, "name": label.get(cid, cid), "seed": cid in seeds, "depth": d}
        for cid, d in sorted(depth.items(), key=lambda item: (item[1], label.get(item[0], item[0])))
    ]
    return {"nodes": nodes, "edges": list(edges.values())}
