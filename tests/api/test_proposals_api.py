"""``GET /proposals`` and ``POST /proposals/{id}/accept|reject`` over a fresh database (issue 19)."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.conftest import API_KEY

DOC = (
    "# Ferncastle metrics\n\nFerncastle Weekly Bookers (FWB) is defined as the number of guests with a confirmed "
    "booking in a rolling 7-day window.\n\nCalendar drift is when a listing's calendar stops syncing. "
    "Calendar drift decreases FWB.\n"
)


def test_proposals_are_listed_with_evidence_and_reviewed_with_the_admin_key(
    writable_client: TestClient,  # type: ignore[type-arg]
) -> None:
    key = {"X-API-Key": API_KEY}
    assert (
        writable_client.post("/ingest", json={"filename": "fern.md", "content": DOC}, headers=key).status_code
        == 201
    )
    listed = writable_client.get("/proposals").json()
    by_id = {c["id"]: c for c in listed["concepts"]}
    assert set(by_id) == {"concept:ferncastle-weekly-bookers", "concept:calendar-drift"}
    fwb = by_id["concept:ferncastle-weekly-bookers"]
    assert fwb["aliases"] == ["FWB"] and fwb["evidence"][0]["sentence"].startswith(
        "Ferncastle Weekly Bookers (FWB)"
    )
    assert [r["id"] for r in listed["relations"]] == [
        "relation:calendar-drift:decreases:ferncastle-weekly-bookers"
    ]

    assert writable_client.post("/proposals/concept:calendar-drift/reject").status_code == 401
    decided = writable_client.post(
        "/proposals/concept:ferncastle-weekly-bookers/accept", json={"reviewer": "ana"}, headers=key
    )
    assert decided.status_code == 200 and decided.json()["decision"] == "accepted"
    rejected = writable_client.post("/proposals/concept:calendar-drift/reject", headers=key)
    assert rejected.status_code == 200
    now = writable_client.get("/proposals", params={"status": "all"}).json()
    assert [(c["id"], c["status"]) for c in now["concepts"]] == [
        ("concept:ferncastle-weekly-bookers", "accepted")
    ]
    assert now["relations"] == [], "rejecting a concept removes its relations"
    assert writable_client.post("/proposals/concept:nope/accept", headers=key).status_code == 404
    assert writable_client.post("/proposals/chunk:x/accept", headers=key).status_code == 422
    events = writable_client.get("/events", params={"after": 0, "limit": 500}).json()["events"]
    assert [e["event_type"] for e in events if e["event_type"].startswith("Proposal")] == [
        "ProposalAccepted",
        "ProposalRejected",
    ]
