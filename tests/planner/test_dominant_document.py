"""The document that leads retrieval lends its other sections to the plan's focused evidence."""

from __future__ import annotations

from planner.answering import dominant_document
from planner.types import Candidate


def _cand(doc: str, n: int, duplicate_of: str | None = None) -> Candidate:
    return Candidate(
        chunk_id=f"{doc}#{n}", doc_id=doc, title=doc, heading="", text="x", duplicate_of=duplicate_of
    )


def test_a_document_holding_the_first_passage_and_another_of_the_first_three_leads() -> None:
    ranked = [_cand("spread", 1), _cand("other", 1), _cand("spread", 2), _cand("third", 1)]
    assert dominant_document(ranked) == "spread"


def test_one_passage_of_a_document_is_no_lead_and_duplicates_do_not_count() -> None:
    assert dominant_document([_cand("a", 1), _cand("b", 1), _cand("c", 1), _cand("a", 2)]) is None
    assert dominant_document([_cand("a", 1), _cand("a", 2, duplicate_of="a#1"), _cand("b", 1)]) is None
    assert dominant_document([]) is None
