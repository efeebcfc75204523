"""A retrieved passage: whole for the answer plan and citations, clipped only in the generator's prompt."""

from __future__ import annotations

from typing import Any

from engine.db import Database
from planner.context import (
    MAX_PASSAGE_WORDS,
    SOURCE_OVERHEAD_TOKENS,
    chunk_item,
    estimate_tokens,
    number_sources,
    shown_text,
)
from planner.generation import answer_messages, plan_messages
from planner.service import Planner
from planner.trace_store import get_trace
from planner.types import Candidate

LONG = " ".join(f"Sentence {i} says how the variance of the metric moves." for i in range(30))


def test_a_passage_is_whole_in_its_source_and_clipped_in_the_prompt() -> None:
    item = chunk_item(Candidate("doc#1", "doc", "Variance notes", "Variance notes", f"**{LONG}**"))
    assert item.text == LONG  # plain text, every sentence
    shown = shown_text("chunk", item.text)
    assert len(shown.split()) <= MAX_PASSAGE_WORDS < len(LONG.split())
    assert shown.endswith("moves.") and "Sentence 29" not in shown

    # a plan sentence or a concept is told whole
    assert shown_text("fact", LONG) == LONG and shown_text("concept", LONG) == LONG

    # the context budget counts what the prompt shows, so the whole text costs no place in the context
    [source], _ = number_sources([item], None, budget=200, count=estimate_tokens)
    assert source.text == LONG
    assert source.tokens == estimate_tokens(f"Variance notes: {shown}") + SOURCE_OVERHEAD_TOKENS

    # the generator's prompt shows the clipped passage; a plan's facts go to the model whole
    prompt = answer_messages("why?", [source], [])[1].content
    assert "Sentence 0 says" in prompt and "Sentence 29" not in prompt
    plan_prompt = plan_messages("why?", [(1, "Variance notes", LONG)])[1].content
    assert "Sentence 29 says" in plan_prompt


def _considered(trace: Any) -> list[dict[str, Any]]:
    if isinstance(trace, dict):
        if isinstance(trace.get("considered"), list):
            return list(trace["considered"])
        trace = list(trace.values())
    if isinstance(trace, list):
        for value in trace:
            if found := _considered(value):
                return found
    return []


def test_an_answer_plan_weighs_a_passage_past_the_prompts_clip(
    short_planner: Planner, corpus_db: Database
) -> None:
    # the DiD page's "When to use" section says to check parallel trends after its first 110 words
    response = short_planner.ask("how do we analyse a diff-in-diff when the feature launched in one country")
    weighed = [c["sentence"] for c in _considered(get_trace(corpus_db, response.trace_id))]
    told = [s for s in weighed if s.startswith("Check parallel trends by plotting both groups")]
    assert told, weighed
