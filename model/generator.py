"""The answer generator's contract: one protocol, its result type and its errors. Backends live in ``model.backends``.

This module imports no backend: ``model.loader.load_generator(settings)`` picks and builds one, so the backends can
import the types here without an import loop.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from model.prompts import ChatMessage

FinishReason = Literal["stop", "length", "cancelled"]


class GeneratorError(Exception):
    """Base class for everything that can go wrong producing text."""


class GeneratorConfigError(GeneratorError, ValueError):
    """The configured model, adapter, dtype or endpoint cannot be used; the message says what to change."""


class GeneratorInputError(GeneratorError, ValueError):
    """The request itself is invalid (no messages, prompt longer than the model's context)."""


class GeneratorUnavailableError(GeneratorError):
    """A remote backend could not be reached or answered with an error."""


class GeneratorBusyError(GeneratorError):
    """Every batch slot and queue place is taken; retry after ``retry_after`` seconds (an HTTP 503 with Retry-After)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Generation:
    """One finished completion.

    ``seconds`` covers the whole call (queueing, prompt processing and decoding); ``time_to_first_token`` is the time
    until the first generated token existed. ``finish_reason`` is ``"length"`` when ``max_new_tokens`` cut it short.
    ``queue_seconds`` is the wait for a batch slot and ``batch_size`` the largest batch this request decoded in
    (both 0 for backends without a scheduler).
    """

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    time_to_first_token: float
    finish_reason: FinishReason = "stop"
    queue_seconds: float = 0.0
    batch_size: int = 0

    @property
    def tokens_per_second(self) -> float:
        """Decode speed after the first token (0 when fewer than two tokens were generated)."""
        decode_seconds = self.seconds - self.time_to_first_token
        if self.completion_tokens < 2 or decode_seconds <= 0:
            return 0.0
        return (self.completion_tokens - 1) / decode_seconds


@runtime_checkable
class Generator(Protocol):
    """A chat model. Decoding is greedy, so the same messages give the same text."""

    @property
    def model_id(self) -> str:
        """A stable name for the model (and adapter) that produced the text, recorded in traces."""
        ...

    def generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        """Complete the conversation. ``stop`` strings end the text early and are not part of it."""
        ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """Yield the completion in pieces as they are decoded; the pieces join to ``generate``'s text."""
        ...


def validate_request(messages: Sequence[ChatMessage], max_new_tokens: int | None, default: int) -> int:
    """Check a request at the edge and return the effective ``max_new_tokens``."""
    if not messages:
        raise GeneratorInputError("no messages to complete; pass at least one user message")
    if messages[-1].role == "assistant":
        raise GeneratorInputError(
            "the last message is the assistant's; end with a user message to get a reply"
        )
    limit = default if max_new_tokens is None else max_new_tokens
    if limit < 1:
        raise GeneratorInputError(f"max_new_tokens must be at least 1; got {limit}")
    return limit


# Set by whoever serves a client (the API's streaming handler) so that a client who leaves frees its batch slot:
# a request submitted while the event is in scope stops decoding once the event is set. A context variable rather
# than a parameter because the request passes through the planner graph, which copies the context into its tasks.
_cancel_scope: ContextVar[threading.Event | None] = ContextVar("expgraph_generation_cancel", default=None)


@contextmanager
def cancellation(event: threading.Event) -> Iterator[None]:
    """Generation requests submitted inside this block stop (finish reason ``cancelled``) once ``event`` is set."""
    token = _cancel_scope.set(event)
    try:
        yield
    finally:
        _cancel_scope.reset(token)


def current_cancellation() -> threading.Event | None:
    """The cancel event in scope for the calling code, if any."""
    return _cancel_scope.get()
