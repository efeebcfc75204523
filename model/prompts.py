"""Every prompt the product sends to a model, in one place and versioned.

The planner sends ``build_answer_messages``; the fine-tuning set (training/sft_data.py) trains on exactly the same
format, so a change here is a change of ``ANSWER_PROMPT_VERSION`` and needs a retrained adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ANSWER_PROMPT_VERSION = "answer-v1"

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class PromptSource:
    """One numbered source shown to the model: the planner's citation ``marker`` is its number."""

    marker: int
    title: str
    text: str
    kind: str = "chunk"  # chunk | concept | relation | calculation


@dataclass(frozen=True, slots=True)
class PromptCalculation:
    """A calculator result as the model sees it: numbers to copy exactly."""

    marker: int
    tool: str
    method: str
    outputs: dict[str, Any]
    inputs: dict[str, Any] = field(default_factory=dict)
    assumptions: Sequence[str] = ()


ANSWER_SYSTEM_PROMPT = (
    "You answer questions about A/B testing, experimentation and statistics. "
    "Use only the numbered sources. Cite every sentence with its source number in square brackets, like [1]. "
    "Copy numbers exactly as they appear in the sources; never compute or invent numbers. "
    "If the sources do not answer the question, say so. Answer in at most four sentences."
)


# Where an answer ends: the small model tends to start a new "Question:" turn (or a new source block) after
# answering. Serving, training's held-out evaluation and the question-only comparison all stop here.
ANSWER_STOP_STRINGS: tuple[str, ...] = ("\nQuestion:", "\nSources:", "<|im_end|>")


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def format_sources(sources: Sequence[PromptSource], calculations: Sequence[PromptCalculation] = ()) -> str:
    """The numbered source block, the same text in serving and in training."""
    lines: list[str] = []
    for src in sources:
        lines.append(f"[{src.marker}] {src.title}: {' '.join(src.text.split())}")
    for calc in calculations:
        outs = ", ".join(f"{k} = {_format_value(v)}" for k, v in calc.outputs.items())
        ins = ", ".join(f"{k} = {_format_value(v)}" for k, v in calc.inputs.items())
        line = f"[{calc.marker}] Calculation ({calc.tool}, {calc.method}): {outs}"
        if ins:
            line += f". Inputs: {ins}"
        if calc.assumptions:
            line += f". Assumptions: {'; '.join(calc.assumptions)}"
        lines.append(line)
    return "\n".join(lines)


def build_answer_messages(
    question: str,
    sources: Sequence[PromptSource],
    calculations: Sequence[PromptCalculation] = (),
) -> list[ChatMessage]:
    """Messages for the answer generator: system rules, then sources and the question in one user turn."""
    user = f"Sources:\n{format_sources(sources, calculations)}\n\nQuestion: {' '.join(question.split())}\nAnswer:"
    return [ChatMessage("system", ANSWER_SYSTEM_PROMPT), ChatMessage("user", user)]


PLAN_PROMPT_VERSION = "plan-synthesis-v1"

PLAN_SYSTEM_PROMPT = (
    "You add one closing sentence to an answer about A/B testing that is already written from numbered facts. "
    "Write a single sentence that ties the facts together for the question, using only the facts, and cite the "
    "facts it uses with their numbers in square brackets, like [1]. Never write a number that is not in the facts."
)


def build_plan_messages(question: str, facts: Sequence[PromptSource]) -> list[ChatMessage]:
    """Messages for the short synthesis written after an answer plan: the plan's facts, then the question."""
    user = f"Facts:\n{format_sources(facts)}\n\nQuestion: {' '.join(question.split())}\nOne closing sentence:"
    return [ChatMessage("system", PLAN_SYSTEM_PROMPT), ChatMessage("user", user)]


SYNTHETIC_PROMPT_VERSION = "synthetic-qa-v1"

SYNTHETIC_SYSTEM_PROMPT = (
    "You write training data for an assistant that answers questions about A/B testing and experimentation. "
    "Given a paper abstract, write questions a practitioner could ask that the abstract itself answers, each with "
    "a concise answer (at most three sentences) that uses only facts stated in the abstract and copies any numbers "
    'exactly. Reply with JSON only: a list of objects with keys "question" and "answer".'
)


def synthetic_user_prompt(title: str, abstract: str, n: int) -> str:
    """The user turn asking the synthetic-data model for ``n`` Q&A pairs about one paper."""
    return f"Title: {title}\n\nAbstract: {abstract}\n\nWrite {n} question-answer pairs."
