"""The read endpoints behind /calculators, /graph and /log, and the pages themselves, on the real corpus graph."""

from __future__ import annotations

from typing import Any

import pytest

from api.power_curves import power_curves
from tools.registry import run_tool


@pytest.mark.parametrize("path", ["/", "/calculators", "/graph", "/log"])
def test_pages_answer_html(client: Any, path: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "<nav" in reply.text


def test_favicon_is_served(client: Any) -> None:
    reply = client.get("/favicon.ico")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("image/svg+xml")
    assert reply.text.startswith("<svg")


def test_curve_passes_through_the_calculators_answer(client: Any) -> None:
    params = {"baseline": 0.1, "p2": 0.11}
    body = client.post("/api/calculators/proportions_sample_size/curve", json=params).json()
    n = run_tool("proportions_sample_size", params).outputs["n_control"]
    power_series, effect_series = body["series"]
    assert power_series["id"] == "power_vs_n"
    assert power_series["marked"] == {"x": pytest.approx(n), "y": pytest.approx(0.8)}
    ys = [p["y"] for p in power_series["points"]]
    assert ys == sorted(ys), "power rises with n"
    assert ys[0] < 0.8 < ys[-1]
    # n against the effect: a 10% relative lift (10% -> 11%) is the marked point, and bigger effects need fewer users
    assert effect_series["marked"]["x"] == pytest.approx(10.0)
    ns = [p["y"] for p in effect_series["points"]]
    assert ns == sorted(ns, reverse=True)


def test_curve_points_are_the_power_calculator_itself() -> None:
    curve = power_curves("means_power", {"cohens_d": 0.2, "n_per_group": 300})
    first = curve["series"][0]["points"][0]
    expected = run_tool("means_power", {"cohens_d": 0.2, "n_per_group": first["x"]}).outputs["power"]
    assert first["y"] == pytest.approx(expected, abs=1e-6)
    assert curve["design"]["power"] == pytest.approx(
        run_tool("means_power", {"cohens_d": 0.2, "n_per_group": 300}).outputs["power"]
    )


def test_curve_accepts_an_answers_inputs_with_derived_values(client: Any) -> None:
    """A calculation in an answer carries derived inputs (mde_relative, per_comparison_alpha); the curve ignores them."""
    inputs = run_tool("proportions_sample_size", {"baseline": 0.1, "mde": 0.1}).to_dict()["inputs"]
    assert "per_comparison_alpha" in inputs
    reply = client.post("/api/calculators/proportions_sample_size/curve", json=inputs)
    assert reply.status_code == 200, reply.text


def test_curve_refuses_a_calculator_without_one(client: Any) -> None:
    reply = client.post("/api/calculators/srm_check/curve", json={"counts": [50, 50]})
    assert reply.status_code == 404
    assert "no power curve" in reply.json()["error"]["message"]


def test_concept_relations_read_in_their_stored_direction(client: Any) -> None:
    body = client.get("/api/graph/concepts/cuped").json()
    texts = [r["sentence"]["text"] for r in body["relations"]]
    assert "CUPED decreases Sample size" in texts  # corpus/concepts/cuped.md: decreases -> sample-size
    incoming = [r for r in body["relations"] if r["direction"] == "in"]
    assert incoming, "the corpus has relations into CUPED"
    for r in incoming:  # never the passive inverse ("... is used in by ...")
        assert r["sentence"]["object"] == "CUPED"
    assert all(r["sources"] and r["sources"][0]["title"] for r in body["relations"])


def test_paths_carry_justification_and_source(client: Any) -> None:
    body = client.get("/api/graph/paths", params={"from": "variance", "to": "sample-size"}).json()
    direct = body["paths"][0]
    assert direct["node_ids"] == ["variance", "sample-size"]
    hop = direct["hops"][0]
    assert hop["sentence"]["text"] == "Variance increases Sample size"
    assert "variance" in hop["justification"].lower()
    assert hop["sources"] == [{"id": "concept-variance", "title": "Variance"}]
    scores = [p["score"] for p in body["paths"]]
    assert scores == sorted(scores, reverse=True)


def test_paths_need_two_different_concepts(client: Any) -> None:
    assert client.get("/api/graph/paths", params={"from": "cuped", "to": "cuped"}).status_code == 422
    assert client.get("/api/graph/paths", params={"from": "cuped", "to": "no-such-thing"}).status_code == 404


def test_log_filters_by_type_and_document(client: Any) -> None:
    body = client.get("/api/log/events", params={"type": "RelationAsserted", "limit": 5}).json()
    assert len(body["events"]) == 5
    assert {e["event_type"] for e in body["events"]} == {"RelationAsserted"}
    assert body["next_after"] == body["events"][-1]["position"]
    doc = client.get("/api/log/events", params={"document": "concept-cuped", "limit": 500}).json()["events"]
    assert doc and {e["provenance"]["document_id"] for e in doc} == {"concept-cuped"}
    assert "DocumentIngested" in {e["event_type"] for e in doc}


def test_log_facets_count_every_event(client: Any) -> None:
    body = client.get("/api/log/facets").json()
    assert sum(t["count"] for t in body["types"]) == body["head"]


def test_as_of_summary_is_the_engines_past_graph(client: Any) -> None:
    facets = client.get("/api/log/facets").json()
    head = facets["head"]
    now = client.get(f"/api/log/as-of/{head}").json()
    first_concept = client.get("/api/log/events", params={"type": "ConceptDefined", "limit": 1}).json()[
        "events"
    ][0]
    before = client.get(f"/api/log/as-of/{first_concept['position'] - 1}").json()
    assert before["namespace"].endswith(f"_asof_{first_concept['position'] - 1}")
    assert before["counts"]["concept"] == 0 and before["concepts"] == []
    assert 0 < before["counts"]["document"] <= now["counts"]["document"]
    assert before["counts"]["relation"] == 0 < now["counts"]["relation"]
    assert now["counts"]["concept"] == len(now["concepts"]) > 0
    again = client.get(f"/api/log/as-of/{first_concept['position'] - 1}").json()
    assert again["cached"] is True and again["counts"] == before["counts"]
    assert client.get(f"/api/log/as-of/{head + 1}").status_code == 422
