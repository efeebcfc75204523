"""Picks and builds the configured generator backend, once per process and configuration.

``load_generator(settings)`` is the only way the rest of the product gets a generator. Concurrent first calls wait
on a lock instead of loading the model twice.

``load_generator(settings, defer_weights=True)`` is for one-shot commands (``expgraph ask`` without a server): most
answers are their plan and never generate (``planner.answer_plans.GENERATION_BUDGET``), while reading SmolLM2's
weights and merging its adapter took 7 s on 2 cores. The planner still counts tokens with the model's own tokenizer,
so that loads at once, and the weights on the first generation. Measured on the bundled corpus: one ``ask`` in a new
process 26.0-28.5 s before, 24.7-26.6 s after (the reranker then pays the library imports the model load paid).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config import Settings
    from model.generator import Generation, Generator
    from model.prompts import ChatMessage

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
        settings.generator_max_batch,
        settings.generator_max_queue,
        settings.generator_in_subprocess,
        str(settings.model_cache_dir),
        settings.openai_base_url,
        settings.openai_model,
    )


def build_generator(settings: Settings, *, tokenizer: Any = None) -> Generator:
    """Build a new generator for ``settings`` (loads the model). Prefer ``load_generator``, which shares one.

    ``tokenizer``: the in-process model's tokenizer, when a ``DeferredGenerator`` read it already.
    """
    if settings.generator_backend == "openai":
        from model.backends.openai_chat import OpenAIChatGenerator

        return OpenAIChatGenerator.from_settings(settings)
    if settings.generator_in_subprocess:
        from model.backends.generation_process import ProcessGenerator

        return ProcessGenerator(settings)
    from model.backends.transformers_local import load_transformers_generator

    return load_transformers_generator(settings, tokenizer=tokenizer)


def _shared(settings: Settings, build: Callable[[], Generator]) -> Generator:
    key = _config_key(settings)
    with _instances_lock:
        generator = _instances.get(key)
        if generator is None:
            generator = build()
            _instances[key] = generator
        return generator


def load_generator(settings: Settings, *, defer_weights: bool = False) -> Generator:
    """The process-wide generator for this configuration, loaded on first use.

    Thread-safe: callers arriving while the model loads wait for it instead of loading a second copy.
    ``defer_weights``: an in-process local model not loaded yet comes back as a ``DeferredGenerator``.
    """
    local = settings.generator_backend == "transformers" and not settings.generator_in_subprocess
    if defer_weights and local:
        with _instances_lock:
            loaded = _instances.get(_config_key(settings))
        if loaded is None:
            from model.backends.transformers_local import load_tokenizer

            return DeferredGenerator(settings, load_tokenizer(settings))
        return loaded
    return _shared(settings, lambda: build_generator(settings))


class DeferredGenerator:
    """The in-process local generator with its tokenizer read and its weights loaded on the first generation."""

    def __init__(self, settings: Settings, tokenizer: Any) -> None:
        self._settings = settings
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self._generator: Generator | None = None

    @property
    def tokenizer(self) -> Any:
        return self._tokenizer

    @property
    def weights_loaded(self) -> bool:
        return self._generator is not None

    def load(self) -> Generator:
        """The shared generator, loading its weights if this is the first call."""
        with self._lock:
            if self._generator is None:
                self._generator = _shared(
                    self._settings, lambda: build_generator(self._settings, tokenizer=self._tokenizer)
                )
            return self._generator

    @property
    def model_id(self) -> str:
        return self.load().model_id

    def generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        return self.load().generate(messages, max_new_tokens=max_new_tokens, stop=stop)

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        return self.load().stream(messages, max_new_tokens=max_new_tokens, stop=stop)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])
