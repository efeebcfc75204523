"""Follow-up calculations through the planner (real embedded DB, real embedder): a conversation's turns are stored
in ``conversation_turn`` and the next question reuses the earlier reading; the trace shows what came from where."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import power_proportions_2indep

from engine.db import Database
from planner import calculation as calc
from planner.conversations import last_calculation, new_conversation_id, save_turn
from planner.service import Planner, PlannerInputError


def _turn(planner: Planner, db: Database, conversation_id: str, question: str) -> dict:
    """One turn without generation: prepare (understand → assemble), then store it as ``respond`` does."""
    state = planner.prepare(question, conversation_id=conversation_id)
    save_turn(db, conversation_id, question, "0" * 32, calc.memory(state.get("parsed_calculation")))
    return dict(state)


def _understand_step(state: dict) -> dict:
    return next(s for s in state["trace"] if s["node"] == "understand")


def test_follow_ups_reuse_the_earlier_inputs_and_recompute(
    context_planner: Planner, corpus_db: Database
) -> None:
    cid = new_conversation_id()
    first = _turn(
        context_planner, corpus_db, cid, "sample size per group for a 6% baseline and a 15% relative lift?"
    )
    assert first["intent"] == "calculation" and first["calculation"].result is not None

    second = _turn(context_planner, corpus_db, cid, "and at 90% power?")
    assert second["intent"] == "calculation"
    roles = _understand_step(second)["decisions"]["parsed_calculation"]["roles"]
    assert roles["baseline"]["source"] == "earlier_turn" and roles["baseline"]["span"]["text"] == "6%"
    assert roles["power"]["source"] == "question"
    n = second["calculation"].result["outputs"]["n_per_variant"]
    power = power_proportions_2indep(
        0.06 - 0.069, 0.069, n, return_results=True
    ).power  # statsmodels, not tools/
    assert float(power) == pytest.approx(0.9, abs=1e-4)

    third = _turn(context_planner, corpus_db, cid, "how many days is that at 20k users a day?")
    steps = [s["tool"] for s in third["calculation"].steps]
    assert steps == ["proportions_sample_size", "test_duration"]
    assert third["calculation"].steps[1]["carried_from_earlier_step"] == ["n_per_group"]
    calc_step = next(s for s in third["trace"] if s["node"] == "calculate")
    assert [s["tool"] for s in calc_step["outputs"]["steps"]] == steps
    memory = last_calculation(corpus_db, cid)
    assert memory is not None and memory["roles"]["daily_traffic"]["value"] == 20000


def test_a_bad_conversation_id_is_refused_with_what_to_send(context_planner: Planner) -> None:
    with pytest.raises(PlannerInputError, match="conversation_id must be"):
        context_planner.prepare("and at 90% power?", conversation_id="x;DROP")
