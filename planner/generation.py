"""Answer generation: the numbered sources and calculations in the shared prompt format, then the generator."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from model.prompts import (
    ANSWER_STOP_STRINGS,
    ChatMessage,
    PromptCalculation,
    PromptSource,
    build_answer_messages,
    build_plan_messages,
)
from planner.context import shown_text
from planner.types import Source


@dataclass(frozen=True, slots=True)
class GeneratedAnswer:
    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    model_id: str


def answer_messages(
    question: str, sources: Sequence[Source], calculations: Sequence[dict[str, Any]]
) -> list[ChatMessage]:
    """Messages for the generator: non-calculation sources as ``PromptSource``, calculations as ``PromptCalculation``."""
    prompt_sources = [
        PromptSource(s.marker, s.title, shown_text(s.kind, s.text), s.kind)
        for s in sources
        if s.kind != "calculation"
    ]
    calc_markers = [s.marker for s in sources if s.kind == "calculation"]
    prompt_calcs = [
        PromptCalculation(
            marker=marker,
            tool=str(calc.get("tool")),
            method=str(calc.get("method")),
            outputs=dict(calc.get("outputs_rounded") or calc.get("outputs") or {}),
            inputs=dict(calc.get("inputs") or {}),
            assumptions=tuple(str(a) for a in calc.get("assumptions") or ()),
        )
        for marker, calc in zip(calc_markers, calculations, strict=False)
    ]
    return build_answer_messages(question, prompt_sources, prompt_calcs)


def plan_messages(question: str, items: Sequence[tuple[int, str, str]]) -> list[ChatMessage]:
    """Messages for the synthesis after a plan: each plan sentence as a numbered fact (marker, title, text)."""
    facts: dict[int, PromptSource] = {}
    for marker, title, text in items:
        prev = facts.get(marker)
        facts[marker] = PromptSource(marker, title, f"{prev.text} {text}" if prev else text)
    return build_plan_messages(question, [facts[m] for m in sorted(facts)])


def generate_answer(
    generator: Any,
    messages: Sequence[ChatMessage],
    *,
    max_new_tokens: int,
    on_token: Callable[[str], None] | None = None,
) -> GeneratedAnswer:
    """Run the generator (streaming pieces to ``on_token`` when given); greedy, so deterministic."""
    model_id = str(getattr(generator, "model_id", "unknown"))
    if on_token is None:
        gen = generator.generate(messages, max_new_tokens=max_new_tokens, stop=list(ANSWER_STOP_STRINGS))
        return GeneratedAnswer(gen.text, gen.prompt_tokens, gen.completion_tokens, gen.seconds, model_id)
    import time

    start = time.perf_counter()
    pieces: list[str] = []
    for piece in generator.stream(messages, max_new_tokens=max_new_tokens, stop=list(ANSWER_STOP_STRINGS)):
        pieces.append(piece)
        on_token(piece)
    return GeneratedAnswer("".join(pieces), 0, 0, time.perf_counter() - start, model_id)
