"""Concept endpoints: search, one concept with its neighbours, and connecting paths between two concepts."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from api.errors import NotFound
from api.responses import ConceptDetail, ConceptPathOut, ConceptPaths, ConceptSearch, Neighbour
from api.security import require_read_access
from engine.graph_reads import MAX_HOPS, SurrealReadModel
from planner.traversal import connecting_paths, hop_records
from services.answering import AnswerService

SLUG = r"^[a-z0-9][a-z0-9-]{0,120}$"


def _public(concept: dict[str, Any]) -> dict[str, Any]:
    hidden = {"embedding", "search_text", "id"}
    return {k: v for k, v in concept.items() if k not in hidden}


class ConceptController(Controller):
    path = "/concepts"
    tags = ["concepts"]
    guards = [require_read_access]

    @get("/", summary="Search concepts by name, alias or definition", sync_to_thread=True)
    def search(
        self,
        reads: SurrealReadModel,
        q: Annotated[str, Parameter(min_length=1, max_length=200)],
        limit: Annotated[int, Parameter(ge=1, le=50)] = 10,
    ) -> ConceptSearch:
        return ConceptSearch(q, reads.search_concepts(q, limit))

    @get(
        "/{concept_id:str}",
        summary="A concept: definition, aliases, sources, neighbours by relation type",
        sync_to_thread=True,
    )
    def detail(
        self, reads: SurrealReadModel, concept_id: Annotated[str, Parameter(pattern=SLUG)]
    ) -> ConceptDetail:
        concept = reads.get_concept(concept_id)
        if concept is None:
            raise NotFound(f"no concept {concept_id!r}; search with GET /concepts?q=...")
        neighbours = msgspec.convert(reads.concept_neighbours_by_relation(concept_id), list[Neighbour])
        by_type: dict[str, list[Neighbour]] = {}
        for n in neighbours:
            by_type.setdefault(n.reads_as, []).append(n)
        return ConceptDetail(_public(concept), neighbours, by_type)

    @get(
        "/{concept_id:str}/paths/{other_id:str}",
        summary="The best connecting path between two concepts",
        sync_to_thread=True,
    )
    def paths(
        self,
        reads: SurrealReadModel,
        answers: AnswerService,
        concept_id: Annotated[str, Parameter(pattern=SLUG)],
        other_id: Annotated[str, Parameter(pattern=SLUG)],
        max_hops: Annotated[int, Parameter(ge=1, le=MAX_HOPS)] = 4,
    ) -> ConceptPaths:
        for cid in (concept_id, other_id):
            if reads.get_concept(cid) is None:
                raise NotFound(f"no concept {cid!r}; search with GET /concepts?q=...")
        view = answers.graph_view()
        found = connecting_paths(view.adjacency, [concept_id, other_id], max_hops=max_hops)
        paths = [
            ConceptPathOut(
                nodes=[view.adjacency.name(n) for n in p.node_ids],
                node_ids=list(p.node_ids),
                score=p.score,
                hops=hop_records(view.adjacency, p),
            )
            for p in found
        ]
        return ConceptPaths(from_=concept_id, to=other_id, max_hops=max_hops, paths=paths)
