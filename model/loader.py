"""Picks and builds the configured generator backend, once per process and configuration.

``load_generator(settings)`` is the only way the rest of the product gets a generator. Concurrent first calls wait
on a lock instead of loading the model twice.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config import Settings
    from model.generator import Generator

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


def build_generator(settings: Settings) -> Generator:
    """Build a new generator for ``settings`` (loads the model). Prefer ``load_generator``, which shares one."""
    if settings.generator_backend == "openai":
        from model.backends.openai_chat import OpenAIChatGenerator

        return OpenAIChatGenerator.from_settings(settings)
    if settings.generator_in_subprocess:
        from model.backends.generation_process import ProcessGenerator

        return ProcessGenerator(settings)
    from model.backends.transformers_local import TransformersGenerator

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
