"""LoRA adapters merged once by peft, then read back without it.

The relevance embedder and the answer reranker are the bundled MiniLM with a LoRA adapter merged into its weights.
Importing peft took 5.6 s after torch and transformers on a 2-core AVX2 machine (twice, `import peft` alone), and
every process that loads either model paid it, with the merge itself, to compute the same weights again: each
`expgraph ask` without a server, each server start, each evaluation run. The merge stays peft's (no LoRA arithmetic
of ours); its result, the merged model's state dict, is kept in a safetensors file under the cache dir, named by
what decides it: the base model's weight files, the adapter's files, the model class and the torch, transformers and
peft versions. A later load builds the base model as before and loads that state dict over it, strictly (every key,
shape and dtype), so the model is the merged one bit for bit without importing peft. A file that cannot be read is
merged again and rewritten; the write is a rename, so two processes merging at once each leave a whole file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import uuid
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

_WEIGHTS = ("*.safetensors", "*.bin")
_ADAPTER_FILES = ("adapter_model.safetensors", "adapter_config.json")


@functools.cache
def _file_digest(path: Path, size: int, mtime_ns: int) -> bytes:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").digest()


def _digest(path: Path) -> bytes:
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "none"


def merge_key(model: Any, base_dir: Path, adapter_dir: Path) -> str:
    """What decides the merged weights, hashed: base weights, adapter files, model class, library versions."""
    digest = hashlib.sha256(type(model).__name__.encode())
    for package in ("torch", "transformers", "peft"):
        digest.update(f"{package} {_version(package)};".encode())
    weights = sorted({p for pattern in _WEIGHTS for p in base_dir.rglob(pattern) if p.is_file()})
    for path in [*weights, *(adapter_dir / name for name in _ADAPTER_FILES)]:
        digest.update(
            str(path.relative_to(base_dir) if path.is_relative_to(base_dir) else path.name).encode()
        )
        digest.update(_digest(path) if path.is_file() else b"absent")
    return digest.hexdigest()[:20]


def _same(kept: Any, own: Any) -> bool:
    return bool(kept.shape == own.shape and kept.dtype == own.dtype)


def peft_merge(model: Any, adapter_dir: Path) -> Any:
    """``model`` with the peft adapter in ``adapter_dir`` merged into its weights. An adapter that trained a head of
    its own (peft's ``modules_to_save``, as the reranker's) replaces the base's fresh one."""
    from peft import PeftModel

    return PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()


def merged_model(
    model: Any, adapter_dir: Path, *, base_dir: Path | None = None, cache_dir: Path | None = None
) -> Any:
    """``model`` (the base, as loaded from ``base_dir``) with the adapter in ``adapter_dir`` merged: read from
    ``cache_dir`` when an earlier process stored it, else merged by peft (``peft_merge``, whose errors the caller
    reports) and stored there for the next one. Without a cache dir it always merges."""
    if cache_dir is None:
        return peft_merge(model, adapter_dir)
    if base_dir is None:
        raise ValueError("a kept merge is named by its base weights: pass base_dir with cache_dir")
    from safetensors import SafetensorError
    from safetensors.torch import load_file, save_file

    path = cache_dir / f"{type(model).__name__}-{merge_key(model, base_dir, adapter_dir)}.safetensors"
    try:
        kept = load_file(path) if path.is_file() else None
    except (OSError, ValueError, SafetensorError):  # a truncated file: merged again below
        kept = None
    own = model.state_dict()
    # checked before loading: a load that fails half-way would leave the base changed under the merge, and a tensor
    # of another dtype would be cast, not read back bit for bit
    if kept is not None and kept.keys() == own.keys() and all(_same(kept[k], own[k]) for k in own):
        model.load_state_dict(kept, strict=True)
        return model
    merged = peft_merge(model, adapter_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = cache_dir / f".{path.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        # tied or shared tensors are stored once each: safetensors refuses two names for one buffer
        save_file({k: v.contiguous().clone() for k, v in merged.state_dict().items()}, staging)
        os.replace(staging, path)
    except OSError:  # a read-only cache: the merge is still right, only not kept
        staging.unlink(missing_ok=True)
    return merged
