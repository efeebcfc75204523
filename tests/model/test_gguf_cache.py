"""Converting a GGUF generator: a file that is no GGUF gets an error saying what to set, and conversion leaves
transformers' process-wide logging settings as it found them (a server that converts on first use keeps its
warnings)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from transformers.utils import logging as hf_logging

from model.backends.gguf_cache import ensure_converted
from model.generator import GeneratorConfigError


@pytest.fixture
def info_verbosity() -> Iterator[None]:
    before = hf_logging.get_verbosity()
    hf_logging.set_verbosity_info()
    try:
        yield
    finally:
        hf_logging.set_verbosity(before)


def test_a_file_that_is_no_gguf_says_what_to_set_and_leaves_no_cache(
    tmp_path: Path, info_verbosity: None
) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("these are meeting notes, not model weights\n" * 20)
    bars = hf_logging.is_progress_bar_enabled()
    with pytest.raises(GeneratorConfigError, match="EXPGRAPH_GENERATOR_MODEL") as raised:
        ensure_converted(bad, tmp_path / "cache")
    assert str(bad) in str(raised.value) and "GGUF" in str(raised.value)
    assert hf_logging.get_verbosity() == hf_logging.INFO
    assert hf_logging.is_progress_bar_enabled() == bars
    assert not any((tmp_path / "cache").rglob("*.safetensors"))
