"""The answer generator: one protocol, two backends (local transformers, OpenAI-compatible HTTP), one shared instance.

``load_generator(settings)`` is the only way the rest of the product gets a generator. It builds the configured
backend lazily, once per process and configuration; concurrent first calls wait on a lock instead of loading twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from config import Settings
    from model.prompts import ChatMessage

FinishReason = Literal["stop", "length"]


class GeneratorError(Exception):
    """Base class for everything that can go wrong producing text."""


class GeneratorConfigError(GeneratorError, ValueError):
    """The configured model, adapter, dtype or endpoint cannot be used; the message says what to change."""


class GeneratorInputError(GeneratorError, ValueError):
    """The request itself is invalid (no messages, prompt longer than the model's context)."""


class GeneratorUnavailableError(GeneratorError):
    """A remote backend could not be reached or answered with an error."""


@dataclass(frozen=True, slots=True)
class Generation:
    """One finished completion.

    ``seconds`` covers the whole call (prompt processing and decoding); ``time_to_first_token`` is the time until
    the first generated token existed. ``finish_reason`` is ``"length"`` when ``max_new_tokens`` cut it short.
    """

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    time_to_first_token: float
    finish_reason: FinishReason = "stop"

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


_instances: dict[tuple[object, ...], Generator] = {}
_instances_lock = threading.Lock()


def _config_key(settings: Settings) -> tuple[object, ...]:
    return (
        settings.generator_backend,
        settings.generator_model,
        settings.generator_dtype,
        str(settings.generator_adapter) if settings.generator_adapter else None,
        settings.generator_load_in_4bit,
        settings.generator_max_new_tokens,
        str(settings.model_cache_dir),
        settings.openai_base_url,
        settings.openai_model,
    )


def build_generator(settings: Settings) -> Generator:
    """Build a new generator for ``settings`` (loads the model). Prefer ``load_generator``, which shares one."""
    if settings.generator_backend == "openai":
        from model.openai_backend import OpenAIChatGenerator

        return OpenAIChatGenerator.from_settings(settings)
    from model.local_backend import TransformersGenerator

    return TransformersGenerator.from_settings(settings)


def load_generator(settings: Settings) -> Generator:
    """The process-wide generator for this configuration, loaded on first use.

    Thread-safe: callers arriving while the model loads wait for it instead of loading a second copy.
    """
    key = _config_key(settings)
    with _instances_lock:
        generator = _instances.get(key)
        if generator is None:
            generator = build_generator(settings)
            _instances[key] = generator
        return generator
