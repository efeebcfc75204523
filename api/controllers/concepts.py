"""Concept endpoints: search, one concept with its neighbours, and connecting paths between two concepts."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import Parameter

from api.dependencies import provide_runtime
from api.errors import NotFound
from api.runtime import Runtime
from api.security import require_read_access
from engine.graph_reads import MAX_HOPS, concept_neighbours_by_relation, get_concept, search_concepts
from planner.traversal import connecting_paths, hop_records

SLUG = r"^[a-z0-9][a-z0-9-]{0,120}$"


def _public(concept: dict[str, Any]) -> dict[str, Any]:
    hidden = {"embedding", "search_text", "id"}
    return {k: v for k, v in concept.items() if k not in hidden}


class ConceptController(Controller):
    path = "/concepts"
    tags = ["concepts"]
    guards = [require_read_access]
    dependencies = {"runtime": Provide(provide_runtime, sync_to_thread=False)}

    @get("/", summary="Search concepts by name, alias or definition", sync_to_thread=True)
    def search(
        self,
        runtime: Runtime,
        q: Annotated[str, Parameter(min_length=1, max_length=200)],
        limit: Annotated[int, Parameter(ge=1, le=50)] = 10,
    ) -> dict[str, Any]:
        return {"query": q, "concepts": search_concepts(runtime.db, q, limit)}

    @get(
        "/{concept_id:str}",
        summary="A concept: definition, aliases, sources, neighbours by relation type",
        sync_to_thread=True,
    )
    def detail(self, runtime: Runtime, concept_id: Annotated[str, Parameter(pattern=SLUG)]) -> dict[str, Any]:
        concept = get_concept(runtime.db, concept_id)
        if concept is None:
            raise NotFound(f"no concept {concept_id!r}; search with GET /concepts?q=...")
        neighbours = concept_neighbours_by_relation(runtime.db, concept_id)
        by_type: dict[str, list[dict[str, Any]]] = {}
        for n in neighbours:
            by_type.setdefault(n["reads_as"], []).append(n)
        return {"concept": _public(concept), "neighbours": neighbours, "neighbours_by_relation": by_type}

    @get(
        "/{concept_id:str}/paths/{other_id:str}",
        summary="The best connecting path between two concepts",
        sync_to_thread=True,
    )
    def paths(
        self,
        runtime: Runtime,
        concept_id: Annotated[str, Parameter(pattern=SLUG)],
        other_id: Annotated[str, Parameter(pattern=SLUG)],
        max_hops: Annotated[int, Parameter(ge=1, le=MAX_HOPS)] = 4,
    ) -> dict[str, Any]:
        for cid in (concept_id, other_id):
            if get_concept(runtime.db, cid) is None:
                raise NotFound(f"no concept {cid!r}; search with GET /concepts?q=...")
        view = runtime.planner.graph_view(runtime.db, runtime.head())
        found = connecting_paths(view.adjacency, [concept_id, other_id], max_hops=max_hops)
        paths = [
            {
                "nodes": [view.adjacency.name(n) for n in p.node_ids],
                "node_ids": p.node_ids,
                "score": p.score,
                "hops": hop_records(view.adjacency, p),
            }
            for p in found
        ]
        return {"from": concept_id, "to": other_id, "max_hops": max_hops, "paths": paths}
