"""Review of extracted facts: ``GET /proposals`` (read access) and ``POST /proposals/{id}/accept|reject`` (admin key).

A proposal id is ``concept:<slug>`` or ``relation:<source>:<type>:<target>``. Each decision is an event
(``ProposalAccepted`` / ``ProposalRejected``); the graph is projected before the response returns. The graph
explorer page can show each proposal's evidence sentences (document, chunk, character span) from this listing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.errors import NotFound, Unprocessable
from api.security import require_api_key, require_read_access
from engine.graph_reads import SurrealReadModel
from engine.review import ProposalAlreadyDecidedError, ProposalNotFoundError
from services.writes import GraphWriter


class EvidenceOut(msgspec.Struct, frozen=True):
    doc_id: str
    chunk_id: str
    start: int
    end: int
    sentence: str
    extractor: str
    extractor_version: str
    confidence: float


class ProposedConcept(msgspec.Struct, frozen=True):
    id: str
    concept_id: str
    name: str
    aliases: list[str]
    category: str
    definition: str
    status: str
    supported_by: list[str]
    evidence: list[EvidenceOut]


class ProposedRelation(msgspec.Struct, frozen=True):
    id: str
    relation_id: str
    source_id: str
    rel_type: str
    target_id: str
    source_name: str | None
    target_name: str | None
    status: str
    supported_by: list[str]
    evidence: list[EvidenceOut]


class ProposalList(msgspec.Struct, frozen=True):
    concepts: list[ProposedConcept]
    relations: list[ProposedRelation]


class ReviewRequest(msgspec.Struct, forbid_unknown_fields=True):
    reviewer: Annotated[str, msgspec.Meta(max_length=200)] = ""
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ReviewDecision(msgspec.Struct, frozen=True):
    id: str
    decision: Literal["accepted", "rejected"]
    position: int


def _evidence(rows: Any) -> list[EvidenceOut]:
    return [msgspec.convert(e, EvidenceOut) for e in rows or []]


def _split(proposal_id: str) -> tuple[str, str]:
    kind, _, target = proposal_id.partition(":")
    if kind not in ("concept", "relation") or not target:
        raise Unprocessable(
            f"proposal id {proposal_id!r} must be concept:<slug> or relation:<source>:<type>:<target>",
            field="proposal_id",
        )
    return kind, target


class ProposalController(Controller):
    path = "/proposals"
    tags = ["proposals"]

    @get(
        "/",
        summary="Extracted concepts and relations awaiting review",
        guards=[require_read_access],
        sync_to_thread=True,
    )
    def index(
        self,
        reads: SurrealReadModel,
        status: Annotated[
            Literal["proposed", "accepted", "all"], Parameter(description="Which review status to list.")
        ] = "proposed",
    ) -> ProposalList:
        found = reads.list_proposals(None if status == "all" else status)
        return ProposalList(
            concepts=[
                ProposedConcept(
                    id=f"concept:{c['concept_id']}",
                    concept_id=c["concept_id"],
                    name=c["name"],
                    aliases=list(c.get("aliases") or []),
                    category=c["category"],
                    definition=c["definition"],
                    status=c["status"],
                    supported_by=list(c.get("supported_by") or []),
                    evidence=_evidence(c.get("evidence")),
                )
                for c in found["concepts"]
            ],
            relations=[
                ProposedRelation(
                    id=f"relation:{r['relation_id']}",
                    relation_id=r["relation_id"],
                    source_id=r["source_id"],
                    rel_type=r["rel_type"],
                    target_id=r["target_id"],
                    source_name=r.get("source_name"),
                    target_name=r.get("target_name"),
                    status=r["status"],
                    supported_by=list(r.get("supported_by") or []),
                    evidence=_evidence(r.get("evidence")),
                )
                for r in found["relations"]
            ],
        )

    def _decide(
        self, writer: GraphWriter, proposal_id: str, data: ReviewRequest | None, accept: bool
    ) -> ReviewDecision:
        kind, target = _split(proposal_id)
        body = data or ReviewRequest()
        try:
            position = writer.review(kind, target, accept=accept, reviewer=body.reviewer, note=body.note)
        except ProposalNotFoundError as exc:
            raise NotFound(str(exc)) from None
        except ProposalAlreadyDecidedError as exc:
            raise Unprocessable(str(exc), field="proposal_id") from None
        return ReviewDecision(
            id=proposal_id, decision="accepted" if accept else "rejected", position=position
        )

    @post(
        "/{proposal_id:str}/accept",
        summary="Accept a proposal (admin key)",
        guards=[require_api_key],
        status_code=200,
        sync_to_thread=True,
    )
    def accept(
        self, writer: GraphWriter, proposal_id: str, data: ReviewRequest | None = None
    ) -> ReviewDecision:
        return self._decide(writer, proposal_id, data, accept=True)

    @post(
        "/{proposal_id:str}/reject",
        summary="Reject a proposal (admin key)",
        guards=[require_api_key],
        status_code=200,
        sync_to_thread=True,
    )
    def reject(
        self, writer: GraphWriter, proposal_id: str, data: ReviewRequest | None = None
    ) -> ReviewDecision:
        return self._decide(writer, proposal_id, data, accept=False)
