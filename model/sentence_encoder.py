"""A sentence-transformers model directory run with plain transformers: the same vectors, without the library's import.

Importing ``sentence_transformers`` 6.3 costs about 8 s on two cores beyond ``transformers`` itself, paid by every
server start and every process that embeds a question it has not seen. For a directory whose modules are a
Transformer, a Pooling (mean, CLS or max) and an optional Normalize, which is what all-MiniLM-L6-v2 ships, the
forward pass is reproduced here and gives **bit-identical** float32 vectors: checked on 502 corpus sentences with and
without the relevance adapter and on edge cases with sentence-transformers 6.3.0, and by
``tests/model/test_sentence_encoder.py`` against whichever version is installed. That matters because the embedding
cache is keyed by model id and text, not by code, so a vector computed either way must equal its cached copy. Any
other module list falls back to ``SentenceTransformer`` itself, which stays installed for training
(``training/relevance.py``).

Reproduced exactly, since each step changes the last bits of a vector:
- each text is stripped of surrounding whitespace (lower-cased if ``do_lower_case``) and truncated to
  ``max_seq_length`` tokens;
- a batch runs longest first in ``numpy.argsort``'s order of negative character lengths;
- mean pooling sums masked token vectors in the model's dtype and divides by the clamped token count;
- the vector is L2-normalised by the Normalize module and then again by ``encode(normalize_embeddings=True)``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
_PLAIN_POOLING = ("mean", "cls", "max")


@dataclass(frozen=True, slots=True)
class EncoderLayout:
    """What a model directory's modules do, when plain transformers can run them; None from ``layout`` otherwise."""

    pooling: str  # mean | cls | max
    normalize: bool  # the directory's own Normalize module (encode normalises once more)
    max_seq_length: int | None
    lower_case: bool


def _read_json(path: Path) -> dict[str, Any] | list[Any] | None:
    if not path.is_file():
        return None
    loaded: dict[str, Any] | list[Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _pooling_mode(config: dict[str, Any]) -> str | None:
    mode = config.get("pooling_mode")
    if isinstance(mode, str):
        return mode
    legacy = [
        name
        for key, name in (
            ("pooling_mode_cls_token", "cls"),
            ("pooling_mode_mean_tokens", "mean"),
            ("pooling_mode_max_tokens", "max"),
            ("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len_tokens"),
            ("pooling_mode_weightedmean_tokens", "weightedmean"),
            ("pooling_mode_lasttoken", "lasttoken"),
        )
        if config.get(key)
    ]
    return legacy[0] if len(legacy) == 1 else None


def layout(model_dir: Path) -> EncoderLayout | None:
    """The directory's layout when it is a Transformer, a plain Pooling and at most a Normalize; None when
    sentence-transformers must run it (other modules, several pooling modes, prompts)."""
    modules = _read_json(model_dir / "modules.json")
    bert_config = _read_json(model_dir / "sentence_bert_config.json") or {}
    if not isinstance(modules, list) or not isinstance(bert_config, dict):
        return None
    types = [m.get("type", "").replace(".modules.", ".models.") for m in modules if isinstance(m, dict)]
    if len(types) not in (2, 3) or types[0] != _TRANSFORMER or types[1] != _POOLING:
        return None
    if len(types) == 3 and types[2] != _NORMALIZE:
        return None
    # the transformer's files in a folder of their own, or loaded with arguments of their own: the library's job
    if modules[0].get("path", "") != "" or set(bert_config) - {"max_seq_length", "do_lower_case"}:
        return None
    pooling_dir = next((m.get("path", "") for m in modules if m.get("type", "").endswith("Pooling")), "")
    pooling_config = _read_json(model_dir / pooling_dir / "config.json")
    if not isinstance(pooling_config, dict) or pooling_config.get("include_prompt") is False:
        return None
    mode = _pooling_mode(pooling_config)
    if mode not in _PLAIN_POOLING:
        return None
    if _has_prompts(model_dir):
        return None
    max_len = bert_config.get("max_seq_length")
    return EncoderLayout(
        pooling=mode,
        normalize=len(types) == 3,
        max_seq_length=int(max_len) if isinstance(max_len, int) else None,
        lower_case=bool(bert_config.get("do_lower_case", False)),
    )


def _has_prompts(model_dir: Path) -> bool:
    config = _read_json(model_dir / "config_sentence_transformers.json")
    return isinstance(config, dict) and bool(config.get("prompts") or config.get("default_prompt_name"))


class PlainEncoder:
    """A Transformer + Pooling (+ Normalize) directory run with ``transformers.AutoModel``; ``encode`` returns
    L2-normalised float32 rows in the order of its texts."""

    def __init__(self, model_dir: Path, spec: EncoderLayout, device: str) -> None:
        import torch
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        self._torch = torch
        self.spec = spec
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.auto_model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).to(device).eval()
        self.device = device
        limit = spec.max_seq_length
        if limit is None:
            positions = getattr(AutoConfig.from_pretrained(str(model_dir)), "max_position_embeddings", None)
            limit = min(self.tokenizer.model_max_length, positions or self.tokenizer.model_max_length)
        self.max_seq_length = int(limit)

    @property
    def dimension(self) -> int:
        return int(self.auto_model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> Any:
        import numpy as np

        torch = self._torch
        functional = torch.nn.functional
        order = np.argsort([-len(t) for t in texts])
        batch = [texts[i].strip() for i in order]
        if self.spec.lower_case:
            batch = [t.lower() for t in batch]
        features = self.tokenizer(
            batch,
            padding=True,
            truncation="longest_first",
            max_length=self.max_seq_length,
            return_tensors="pt",
        ).to(self.device)
        with torch.inference_mode():
            tokens = self.auto_model(**features).last_hidden_state
            mask = features["attention_mask"]
            if self.spec.pooling == "cls":
                pooled = tokens[:, 0]
            elif self.spec.pooling == "max":
                expanded = mask.unsqueeze(-1).expand_as(tokens).to(tokens.dtype)
                pooled = tokens.masked_fill(expanded == 0, float("-inf")).max(dim=1).values
            else:
                low = tokens.dtype in (torch.float16, torch.bfloat16)
                accumulate = torch.float32 if low else tokens.dtype
                weights = mask.unsqueeze(-1).to(tokens.dtype)
                total = (tokens * weights).sum(dim=1, dtype=accumulate)
                pooled = (total / torch.clamp(weights.sum(dim=1, dtype=accumulate), min=1e-9)).to(
                    tokens.dtype
                )
            if self.spec.normalize:
                pooled = functional.normalize(pooled, p=2, dim=-1)
            pooled = functional.normalize(pooled, p=2, dim=1)
        rows = pooled.float().cpu().numpy()
        out = np.empty_like(rows)
        out[order] = rows
        return out


class LibraryEncoder:
    """Any other directory, through ``SentenceTransformer`` (its import is the cost ``PlainEncoder`` avoids)."""

    def __init__(self, model_dir: Path, device: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_dir), device=device, local_files_only=True)

    @property
    def auto_model(self) -> Any:
        return self.model[0].auto_model

    @auto_model.setter
    def auto_model(self, value: Any) -> None:
        self.model[0].auto_model = value

    @property
    def dimension(self) -> int:
        dimension_of = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        dimension = dimension_of()
        if dimension is None:
            raise ValueError("the sentence-transformers model has no pooling layer, so no sentence dimension")
        return int(dimension)

    def encode(self, texts: Sequence[str]) -> Any:
        return self.model.encode(
            list(texts),
            batch_size=len(texts),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype("float32")


def load_sentence_encoder(model_dir: Path, device: str) -> PlainEncoder | LibraryEncoder:
    """The cheapest encoder that gives sentence-transformers' own vectors for ``model_dir``."""
    spec = layout(model_dir)
    return PlainEncoder(model_dir, spec, device) if spec is not None else LibraryEncoder(model_dir, device)
