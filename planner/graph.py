"""The planner's route, wired as a LangGraph ``StateGraph``.

    understand ──(empty question)──────────────────────────────────────────────→ refuse ──┐
        └→ entities → traverse → retrieve ──(out of scope, nothing relevant)───→ refuse ──┤
                                    ├──(calculation)→ calculate ─→ assemble               │
                                    └──────────────────────────→ assemble                 │
                                       assemble ──(calculator inputs missing)→ clarify ───┤
                                       assemble ──→ generate → verify ────────────────────┴→ respond → END

Definition, methodology, comparison and best-practice questions skip ``calculate``; ``respond`` stores the trace. A
calculation missing inputs whose question also asks why or what happens takes ``generate → verify``: the explanation,
then the same request for the inputs that ``clarify`` makes.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.graph import END, START, StateGraph

from planner import answering, nodes
from planner.intent import asks_explanation
from planner.state import PlannerState


def after_understand(state: PlannerState) -> Literal["entities", "refuse"]:
    """An empty question (no words at all) gets a clear message without touching the graph."""
    return "entities" if state.get("question_vector") else "refuse"


def after_retrieve(state: PlannerState) -> Literal["refuse", "calculate", "assemble"]:
    """Refuse only when the question looked out of scope and retrieval found nothing relevant either."""
    if state.get("intent") == "out_of_scope" and not state.get("relevant"):
        return "refuse"
    if state.get("intent") == "calculation" and state.get("calculable"):
        return "calculate"
    return "assemble"


def after_assemble(state: PlannerState) -> Literal["clarify", "generate"]:
    """Missing calculator inputs: ask for exactly those instead of generating a guess; a question that also asks why
    or what happens gets its explanation first, and verify then asks for the inputs."""
    outcome = state.get("calculation")
    if outcome is None or not outcome.needs or asks_explanation(state["question"]):
        return "generate"
    return "clarify"


def _add(g: StateGraph[PlannerState], name: str, fn: Any) -> None:
    # LangGraph's overloads cannot see that our (state, config) functions are config-taking nodes.
    g.add_node(name, fn)


def build_graph(*, through: Literal["respond", "assemble"] = "respond") -> Any:
    """Compile the planner graph. ``through="assemble"`` stops before generation (the benchmark's path)."""
    g = StateGraph(PlannerState)
    _add(g, "understand", nodes.understand)
    _add(g, "entities", nodes.link_entities)
    _add(g, "traverse", nodes.traverse)
    _add(g, "retrieve", nodes.retrieve)
    _add(g, "calculate", nodes.calculate)
    _add(g, "assemble", nodes.assemble)
    _add(g, "refuse", answering.refuse)

    g.add_edge(START, "understand")
    g.add_conditional_edges("understand", after_understand)
    g.add_edge("entities", "traverse")
    g.add_edge("traverse", "retrieve")
    g.add_conditional_edges("retrieve", after_retrieve)
    g.add_edge("calculate", "assemble")

    if through == "assemble":
        g.add_edge("assemble", END)
        g.add_edge("refuse", END)
        return g.compile()

    _add(g, "clarify", answering.clarify)
    _add(g, "generate", answering.generate)
    _add(g, "verify", answering.verify)
    _add(g, "respond", answering.respond)
    g.add_conditional_edges("assemble", after_assemble)
    g.add_edge("generate", "verify")
    g.add_edge("verify", "respond")
    g.add_edge("clarify", "respond")
    g.add_edge("refuse", "respond")
    g.add_edge("respond", END)
    return g.compile()
