"""The answer reranker: a cross-encoder that reads a question and one passage sentence together and scores how well
the sentence answers it.

It is the bundled all-MiniLM-L6-v2 encoder with a LoRA adapter and a one-output head (``adapters/answer-reranker-lora``,
trained by ``training/reranker.py`` on the dev splits' key facts), run with transformers and peft directly:
sentence-transformers 6's ``CrossEncoder`` wraps the model in a module of its own, which a peft model does not
replace cleanly, and its trainer failed on one here (``AttributeError`` reading the batch).
The relevance bi-encoder (``model.embedder``) compares two vectors made apart, so a sentence that shares the
question's surface words ("p-value", "lift", "ship") scores as high as one that answers it; a cross-encoder attends
across both texts. Measured on two dev splits neither model trained on (dev10, dev12: 94 questions, 350 key facts),
the weighed sentences' top five held 184 key facts by the bi-encoders' blend and 226 with this reranker's score added
(``training/reranker.py`` has the method). Its cost is a forward pass per pair: for the 30 sentences a plan reranks,
on 2 CPU cores, about 0.12 s in bfloat16 on an AVX-512 machine and 0.6 s in float32 on an AVX2-only one
(``model.cpu_features``), which is why it reranks only the blend's best and is not a retrieval index.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.cpu_features import native_bfloat16
from model.embedder import EmbedderError, resolve_model
from model.library_noise import head_supplied_by_adapter, silence_library_noise
from model.merged_weights import merged_model

if TYPE_CHECKING:
    from config import Settings

MAX_LENGTH = 128  # question plus sentence, in word pieces: the longest passage sentences fit
BATCH_SIZE = 8


class RerankerError(RuntimeError):
    """The reranker's base model or adapter could not be loaded."""


class Reranker:
    """Scores (question, sentence) pairs; thread-safe, the model loads on first use."""

    def __init__(self, model_dir: Path, adapter_dir: Path, merge_cache: Path | None = None) -> None:
        self.model_dir = model_dir
        self.adapter_dir = adapter_dir
        self.merge_cache = merge_cache
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> tuple[Any, Any]:
        """The tokenizer and the model with the adapter merged (loaded once)."""
        with self._lock:
            if self._model is None:
                self._model = _load(self.model_dir, self.adapter_dir, self.merge_cache)
            return self._model

    def scores(self, question: str, sentences: Sequence[str]) -> list[float]:
        """The reranker's logit per sentence: higher answers ``question`` better (comparable within one call)."""
        if not sentences:
            return []
        import torch

        tokenizer, model = self.load()
        # shortest first, in small batches, so each pads to a length close to its own pairs': 30 passage sentences
        # took 0.73 s instead of 1.02 s in one batch (float32, 2 cores; the same scores)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        out = [0.0] * len(sentences)
        with (
            self._lock,
            torch.inference_mode(),
        ):  # one forward pass at a time: two would only share the same cores
            for start in range(0, len(order), BATCH_SIZE):
                at = order[start : start + BATCH_SIZE]
                encoded = tokenizer(
                    [question] * len(at),
                    [sentences[i] for i in at],
                    truncation=True,
                    max_length=MAX_LENGTH,
                    padding=True,
                    return_tensors="pt",
                )
                for i, x in zip(at, model(**encoded).logits[:, 0].float(), strict=True):
                    out[i] = float(x)
        return out


def _load(model_dir: Path, adapter_dir: Path, merge_cache: Path | None) -> tuple[Any, Any]:
    silence_library_noise()
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        with head_supplied_by_adapter():
            base = AutoModelForSequenceClassification.from_pretrained(
                str(model_dir), num_labels=1, local_files_only=True
            )
        model = merged_model(base, adapter_dir, base_dir=model_dir, cache_dir=merge_cache)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:  # RuntimeError: weights of another shape
        raise RerankerError(
            f"cannot load the answer reranker from {model_dir} with the adapter in {adapter_dir}: {exc}; retrain "
            "it (expgraph train-reranker) or set EXPGRAPH_RERANKER_ADAPTER=none"
        ) from exc
    # bfloat16 where the CPU has it natively: 0.12 s instead of 0.31 s for 30 sentences on a 2-core AVX-512 machine,
    # the same order of the 30 (mean Spearman 0.9996 against float32 over 12 dev questions); torch.ao's dynamic int8
    # took 0.15 s at 0.97. Emulated (AVX2 only) it took 3.4 s against float32's 0.59 s.
    return tokenizer, model.to(torch.bfloat16 if native_bfloat16() else torch.float32).eval()


_SHARED: dict[tuple[str, str], Reranker] = {}
_SHARED_LOCK = threading.Lock()


def load_reranker(settings: Settings) -> Reranker | None:
    """The process-wide reranker for these settings (the model loads on first use), or None when it is off."""
    adapter_dir = settings.reranker_adapter
    if adapter_dir is None:
        return None
    try:
        _, model_dir = resolve_model(settings)
    except EmbedderError as exc:
        raise RerankerError(str(exc)) from exc
    key = (str(model_dir), str(adapter_dir))
    with _SHARED_LOCK:
        reranker = _SHARED.get(key)
        if reranker is None:
            reranker = _SHARED[key] = Reranker(model_dir, adapter_dir, settings.merged_model_dir)
        return reranker
