"""Read-only endpoints behind the ``/graph`` explorer: a concept's relations as sentences, scored paths, the ontology.

Reads go through ``engine.graph_reads`` and the planner's cached graph view; no SurrealQL here.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from api.errors import NotFound, Unprocessable
from api.relation_wording import ontology_readings, sentence
from api.responses import GraphConcept, GraphConcepts, GraphPaths, Ontology
from api.security import require_read_access
from engine.graph_reads import MAX_HOPS, SurrealReadModel
from planner.traversal import connecting_paths
from services.answering import AnswerService

SLUG = r"^[a-z0-9][a-z0-9-]{0,120}$"
PATHS_PER_PAIR = 3


def _sources(reads: SurrealReadModel, doc_ids: list[str], titles: dict[str, str]) -> list[dict[str, str]]:
    out = []
    for doc_id in doc_ids:
        if doc_id not in titles:
            doc = reads.get_document(doc_id)
            titles[doc_id] = str((doc or {}).get("title") or doc_id)
        out.append({"id": doc_id, "title": titles[doc_id]})
    return out


def _relation(
    reads: SurrealReadModel, concept: dict[str, Any], n: dict[str, Any], titles: dict[str, str]
) -> dict[str, Any]:
    """One neighbour as a relation in its stored direction, worded as a sentence."""
    this, other = str(concept["name"]), str(n.get("name") or n["concept_id"])
    source, target = (this, other) if n["direction"] == "out" else (other, this)
    return {
        "concept_id": n["concept_id"],
        "name": other,
        "rel_type": n["rel_type"],
        "direction": n["direction"],
        "sentence": sentence(n["rel_type"], source, target),
        "justification": n.get("justification") or "",
        "weight": n.get("weight"),
        "relation_id": n.get("relation_id"),
        "status": n.get("status") or "accepted",
        "sources": _sources(reads, list(n.get("supported_by") or []), titles),
    }


def _require_concept(reads: SurrealReadModel, concept_id: str) -> dict[str, Any]:
    concept = reads.get_concept(concept_id)
    if concept is None:
        raise NotFound(f"no concept {concept_id!r}; search with GET /concepts?q=...")
    return concept


class GraphController(Controller):
    path = "/api/graph"
    tags = ["graph explorer"]
    guards = [require_read_access]

    @get("/ontology", summary="Relation types with their forward and inverse readings")
    async def ontology(self) -> Ontology:
        return Ontology(ontology_readings())

    @get("/concepts", summary="Every concept's id, name, aliases and category", sync_to_thread=True)
    def concepts(self, reads: SurrealReadModel) -> GraphConcepts:
        return GraphConcepts(reads.list_concepts())

    @get(
        "/concepts/{concept_id:str}",
        summary="A concept and each of its relations as a sentence, with justification and sources",
        sync_to_thread=True,
    )
    def concept(
        self, reads: SurrealReadModel, concept_id: Annotated[str, Parameter(pattern=SLUG)]
    ) -> GraphConcept:
        concept = _require_concept(reads, concept_id)
        titles: dict[str, str] = {}
        relations = [
            _relation(reads, concept, n, titles) for n in reads.concept_neighbours_by_relation(concept_id)
        ]
        relations.sort(key=lambda r: (-(r["weight"] or 0), r["sentence"]["text"]))
        public = {
            k: concept.get(k)
            for k in ("concept_id", "name", "category", "aliases", "definition", "formula_text", "status")
            if concept.get(k) is not None
        }
        public["concept_id"] = concept.get("concept_id", concept_id)
        return msgspec.convert({"concept": public, "relations": relations}, GraphConcept)

    @get(
        "/paths",
        summary="Scored paths between two concepts, each hop with its sentence, justification and sources",
        sync_to_thread=True,
    )
    def paths(
        self,
        reads: SurrealReadModel,
        answers: AnswerService,
        source: Annotated[str, Parameter(query="from", pattern=SLUG)],
        target: Annotated[str, Parameter(query="to", pattern=SLUG)],
        max_hops: Annotated[int, Parameter(ge=1, le=MAX_HOPS)] = 4,
    ) -> GraphPaths:
        if source == target:
            raise Unprocessable("pick two different concepts to connect", field="to")
        for cid in (source, target):
            _require_concept(reads, cid)
        view = answers.graph_view()
        adj = view.adjacency
        found = connecting_paths(adj, [source, target], max_hops=max_hops, per_pair=PATHS_PER_PAIR)
        titles: dict[str, str] = {}
        support: dict[str, list[str]] = {}
        paths = []
        for p in found:
            hops = []
            for hop in p.hops:
                if hop.relation_id not in support:
                    for n in reads.concept_neighbours_by_relation(hop.from_id):
                        support[str(n.get("relation_id"))] = list(n.get("supported_by") or [])
                src, dst = (hop.from_id, hop.to_id) if hop.forward else (hop.to_id, hop.from_id)
                hops.append(
                    {
                        "from": hop.from_id,
                        "to": hop.to_id,
                        "rel_type": hop.rel_type,
                        "sentence": sentence(hop.rel_type, adj.name(src), adj.name(dst)),
                        "weight": hop.weight,
                        "justification": hop.justification,
                        "sources": _sources(reads, support.get(hop.relation_id, []), titles),
                    }
                )
            paths.append(
                {
                    "node_ids": p.node_ids,
                    "nodes": [adj.name(n) for n in p.node_ids],
                    "score": round(p.score, 4),
                    "hops": hops,
                }
            )
        return msgspec.convert(
            {"from": source, "to": target, "max_hops": max_hops, "paths": paths}, GraphPaths
        )
