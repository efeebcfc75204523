"""Answering for the API: the answer cache, the admission bound and the planner, composed once.

The cache key holds the projection position, the log position the graph reflects, which is where the planner
answers (``as_of`` when one is asked). Keying on the log head instead would miss while an appended event waits for
projection and, worse, reuse an answer read from an older graph once the projection catches up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import msgspec

from engine.graph_reads import log_position
from planner.response import AnswerResponse, PlannerEvent
from planner.service import Planner
from planner.trace_store import get_trace
from services.admission import Admission
from services.answer_cache import AnswerCache, AnswerKey


@dataclass(frozen=True, slots=True)
class Question:
    """One question as asked: the text and its options."""

    text: str
    as_of: int | None = None
    max_hops: int | None = None
    # A turn of a conversation depends on earlier turns and must be stored: never from (or into) the cache.
    conversation_id: str | None = None


class AnswerService:
    """Answers from the cache while the graph and model are unchanged, else from the planner within admission."""

    def __init__(self, planner: Planner, *, cache: AnswerCache, admission: Admission) -> None:
        self.planner = planner
        self.db = planner.deps.db
        self.cache = cache
        self.admission = admission

    def graph_position(self) -> int:
        """The projection checkpoint: the log position the live graph reflects."""
        return log_position(self.db)

    def key(self, question: Question) -> AnswerKey:
        position = question.as_of if question.as_of is not None else self.graph_position()
        model_id = str(getattr(self.planner.deps.generator, "model_id", ""))
        return AnswerKey.of(question.text, position, model_id, question.max_hops)

    def cached(self, question: Question) -> AnswerResponse | None:
        """The cached answer, or ``None`` (always for a conversation turn)."""
        return None if question.conversation_id is not None else self.cache.get(self.key(question))

    def answer(self, question: Question, *, use_cache: bool = True) -> tuple[AnswerResponse, bool]:
        """The answer and whether it came from the cache; ``use_cache=False`` computes afresh and refreshes it.

        Raises ``GeneratorBusyError`` when every answer place is taken, ``PlannerInputError`` for bad options.
        """
        key = self.key(question)
        use_cache = use_cache and question.conversation_id is None
        cached = self.cache.get(key) if use_cache else None
        if cached is not None:
            return cached, True
        with self.admission.place():
            response = self.planner.ask(
                question.text,
                as_of=question.as_of,
                max_hops=question.max_hops,
                conversation_id=question.conversation_id,
            )
        self.cache.put(key, response)
        return response, False

    def take_place(self) -> Callable[[], None]:
        """Take an answer place (raises ``GeneratorBusyError``); returns its release, safe to call more than once."""
        started = self.admission.acquire()
        lock = threading.Lock()
        held = [True]

        def release() -> None:
            with lock:
                if held[0]:
                    held[0] = False
                    self.admission.release(started)

        return release

    def stream(self, question: Question) -> Generator[PlannerEvent, None, None]:
        """The planner's steps, tokens and answer; the answer is cached on its way out (not a conversation turn)."""
        key = self.key(question)
        items = self.planner.stream(
            question.text,
            as_of=question.as_of,
            max_hops=question.max_hops,
            conversation_id=question.conversation_id,
        )
        try:
            for item in items:
                if item.event == "answer" and question.conversation_id is None:
                    self.cache.put(key, msgspec.convert(item.data, AnswerResponse))
                yield item
        finally:
            items.close()

    def trace(self, trace_id: str) -> tuple[dict[str, Any], dict[str, str]]:
        """A stored trace and the concept names of the live graph (raises ``TraceNotFoundError``)."""
        return get_trace(self.db, trace_id), self.planner.graph_view(
            self.db, self.graph_position()
        ).adjacency.names

    def warm(self) -> None:
        """Load what the first question would wait for (see ``Planner.warm``)."""
        self.planner.warm()

    def graph_view(self) -> Any:
        """The planner's view of the live graph (adjacency with names), cached per projection position."""
        return self.planner.graph_view(self.db, self.graph_position())
