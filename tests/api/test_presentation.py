"""Pure presentation rules: relation wording, the trace's drawable graph, and what a stream may show."""

from __future__ import annotations

from api.answer_stream import PROGRESS_EVERY_TOKENS, StreamClock, verified_sentences
from api.relation_wording import ontology_readings, sentence
from api.trace_view import trace_graph


def test_sentence_uses_the_active_reading() -> None:
    assert sentence("decreases", "CUPED", "Sample size")["text"] == "CUPED decreases Sample size"
    readings = {r["name"]: r for r in ontology_readings()}
    assert readings["decreases"]["inverse_reads_as"] == "is decreased by"
    assert readings["similar_to"]["symmetric"] is True


def test_trace_graph_draws_hops_in_their_stored_direction() -> None:
    # The shape planner/nodes.py::traverse records (hop_records): an inverse hop walked from power to mSPRT.
    trace = {
        "entities": [{"concept_id": "statistical-power", "name": "Statistical power"}],
        "nodes": [
            {
                "node": "traverse",
                "outputs": {
                    "connecting_paths": [],
                    "related": [
                        {
                            "hops": [
                                {
                                    "from": "statistical-power",
                                    "to": "always-valid-inference",
                                    "relation": "decreases",
                                    "direction": "inverse",
                                    "weight": 0.9,
                                }
                            ]
                        }
                    ],
                },
            }
        ],
    }
    graph = trace_graph(trace, {"always-valid-inference": "Always-valid inference"})
    assert [n["id"] for n in graph["nodes"]] == ["statistical-power", "always-valid-inference"]
    assert graph["nodes"][0]["seed"] is True and graph["nodes"][1]["depth"] == 1
    (edge,) = graph["edges"]
    assert (edge["from"], edge["to"]) == ("always-valid-inference", "statistical-power")
    assert edge["sentence"]["text"] == "Always-valid inference decreases Statistical power"


def test_progress_withholds_draft_text_and_thins_out() -> None:
    ticks = iter(float(i) for i in range(100))
    clock = StreamClock(lambda: next(ticks))
    events = [clock.token() for _ in range(2 * PROGRESS_EVERY_TOKENS)]
    shown = [e for e in events if e is not None]
    assert len(shown) == 2
    assert all(set(e) == {"node", "tokens", "elapsed_ms"} for e in shown)
    assert shown[0]["tokens"] == 1 and shown[1]["tokens"] == PROGRESS_EVERY_TOKENS + 1
    assert clock.step({"node": "verify", "ms": 2.0})["elapsed_ms"] > shown[-1]["elapsed_ms"]


def test_verified_sentences_keep_citations_with_their_sentence() -> None:
    answer = {"answer": "You need 14,751 users per group [1]. It grows with variance. [2]"}
    assert [s["text"] for s in verified_sentences(answer)] == [
        "You need 14,751 users per group [1].",
        "It grows with variance. [2]",
    ]
