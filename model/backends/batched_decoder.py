"""The tensor side of batched decoding: one padded KV cache for every active sequence, one forward pass per step.

Rows are left-padded so that every row's next token lands in the same cache column; each row keeps its own
position ids and attention-mask row, so padding never changes what a row attends to. A row joins after its own
prompt is prefilled alone (batch of one), and leaves by being dropped from the cache; the common left padding is
then trimmed. The system-prompt prefix shared by every answer is prefilled once and its keys/values reused.

Why this and not ``transformers``' own continuous batching (``generate_batch``, paged attention): on this 2-core
CPU it decoded 24.5 tok/s for 8 requests, slower than one request alone (30 tok/s), while a padded batch of 8
through the model's plain forward decoded 185 tok/s (reported earlier on this machine; bench/bench_generation.py
measures batch 1/4/8 today). Decoding a 135M model is bound by reading the weights once per step, so a padded batch
shares that read; paged attention's per-token bookkeeping costs more than it saves at this size. Measured again on
2026-12-03 with the machine at load average 11 (``python -m bench.bench_generation --batching --dtype int8
--no-cold --new-tokens 32 --repeats 1``): aggregate decode 5.8 tok/s at batch 1, 24.2 at batch 4, 19.5 at batch 8;
one request's own decode speed falls from 5.8 to 3.7 tok/s at batch 4 (the cost of sharing a step).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from transformers import DynamicCache
from transformers.cache_utils import DynamicLayer

KV = list[
    tuple[torch.Tensor, torch.Tensor]
]  # per layer: keys and values, [batch, kv_heads, length, head_dim]
PREFIX_CACHE_ENTRIES = 4


@dataclass(slots=True)
class PrefilledRow:
    """A prompt after prefill: its first generated token and its keys/values (batch of one)."""

    first_token: int
    kv: KV
    length: int


class GrowingLayer(DynamicLayer):
    """A cache layer that writes each step's keys/values into spare capacity instead of concatenating.

    ``DynamicLayer`` concatenates, which allocates and copies the whole cache every step: for 8 rows of 900
    tokens that is ~170 MB per step over 30 layers, measured at 0.4-1.8 s per step on this loaded 2-core machine,
    more than the forward pass itself. Here capacity grows by half when full, so a step copies only the new token.
    """

    def __init__(self) -> None:
        super().__init__()
        self._key_buffer: torch.Tensor | None = None
        self._value_buffer: torch.Tensor | None = None
        self._length = 0

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        end = self._length + key_states.shape[-2]
        if self._key_buffer is None or self._value_buffer is None or end > self._key_buffer.shape[-2]:
            capacity = end + max(64, end // 2)
            keys = key_states.new_empty((*key_states.shape[:2], capacity, key_states.shape[-1]))
            values = value_states.new_empty((*value_states.shape[:2], capacity, value_states.shape[-1]))
            if self._key_buffer is not None and self._value_buffer is not None and self._length:
                keys[:, :, : self._length] = self._key_buffer[:, :, : self._length]
                values[:, :, : self._length] = self._value_buffer[:, :, : self._length]
            self._key_buffer, self._value_buffer = keys, values
        self._key_buffer[:, :, self._length : end] = key_states
        self._value_buffer[:, :, self._length : end] = value_states
        self._length = end
        self.keys = self._key_buffer[:, :, :end]
        self.values = self._value_buffer[:, :, :end]
        return self.keys, self.values


def _kv_of(cache: DynamicCache) -> KV:
    layers: list[Any] = list(cache.layers)  # every layer is a GrowingLayer (see ``_new_cache``)
    return [(layer.keys, layer.values) for layer in layers]


def _left_pad(kv: KV, columns: int) -> KV:
    if columns == 0:
        return kv
    return [
        (torch.nn.functional.pad(k, (0, 0, columns, 0)), torch.nn.functional.pad(v, (0, 0, columns, 0)))
        for k, v in kv
    ]


class BatchedDecoder:
    """Holds the active rows of one model; not thread-safe (the scheduler's worker thread is its only caller)."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._config = model.config
        self._device = next(model.parameters()).device
        self._keys: list[Hashable] = []
        self._cache: DynamicCache | None = None
        self._mask = torch.zeros((0, 0), dtype=torch.long, device=self._device)
        self._positions = torch.zeros((0,), dtype=torch.long, device=self._device)
        self._next = torch.zeros((0,), dtype=torch.long, device=self._device)
        self._prefixes: OrderedDict[tuple[int, ...], KV] = OrderedDict()

    @property
    def rows(self) -> list[Hashable]:
        """Row keys in batch order (the order ``step`` returns tokens in)."""
        return list(self._keys)

    def _new_cache(self, kv: KV | None = None) -> DynamicCache:
        return (
            DynamicCache(ddp_cache_data=kv, config=self._config) if kv else DynamicCache(config=self._config)
        )

    def _prefix_kv(self, prefix: tuple[int, ...]) -> KV:
        kv = self._prefixes.get(prefix)
        if kv is None:
            cache = self._new_cache()
            self._model(
                input_ids=torch.tensor([prefix], device=self._device),
                cache=cache,
                use_cache=True,
                logits_to_keep=1,
            )
            kv = _kv_of(cache)
            self._prefixes[prefix] = kv
            while len(self._prefixes) > PREFIX_CACHE_ENTRIES:
                self._prefixes.popitem(last=False)
        else:
            self._prefixes.move_to_end(prefix)
        return kv

    @torch.inference_mode()
    def prefill(self, ids: Sequence[int], prefix_length: int = 0) -> PrefilledRow:
        """Process a prompt alone; ``prefix_length`` leading ids (the system turn) come from the prefix cache."""
        prefix_length = prefix_length if 0 < prefix_length < len(ids) else 0
        cache = self._new_cache(self._prefix_kv(tuple(ids[:prefix_length])) if prefix_length else None)
        rest = list(ids[prefix_length:])
        positions = torch.arange(prefix_length, len(ids), device=self._device)[None, :]
        logits = self._model(
            input_ids=torch.tensor([rest], device=self._device),
            position_ids=positions,
            cache=cache,
            use_cache=True,
            logits_to_keep=1,
        ).logits
        return PrefilledRow(int(logits[0, -1].argmax()), _kv_of(cache), len(ids))

    def join(self, key: Hashable, row: PrefilledRow) -> None:
        """Add a prefilled row; its first token is the next input it is fed."""
        width = int(self._mask.shape[1])
        total = max(width, row.length)
        batch_kv = _left_pad(_kv_of(self._cache), total - width) if self._cache is not None else []
        row_kv = _left_pad(row.kv, total - row.length)
        merged = (
            [
                (torch.cat([bk, rk]), torch.cat([bv, rv]))
                for (bk, bv), (rk, rv) in zip(batch_kv, row_kv, strict=True)
            ]
            if batch_kv
            else row_kv
        )
        self._cache = self._new_cache(merged)
        mask = torch.nn.functional.pad(self._mask, (total - width, 0))
        row_mask = torch.zeros((1, total), dtype=torch.long, device=self._device)
        row_mask[0, total - row.length :] = 1
        self._mask = torch.cat([mask, row_mask])
        self._positions = torch.cat([self._positions, torch.tensor([row.length], device=self._device)])
        self._next = torch.cat([self._next, torch.tensor([row.first_token], device=self._device)])
        self._keys.append(key)

    @torch.inference_mode()
    def step(self) -> list[int]:
        """One forward pass for every row; returns each row's next token (greedy), in ``rows`` order."""
        if self._cache is None or not self._keys:
            return []
        rows = len(self._keys)
        mask = torch.cat([self._mask, torch.ones((rows, 1), dtype=torch.long, device=self._device)], dim=1)
        logits = self._model(
            input_ids=self._next[:, None],
            attention_mask=mask,
            position_ids=self._positions[:, None],
            cache=self._cache,
            use_cache=True,
            logits_to_keep=1,
        ).logits
        tokens = logits[:, -1].argmax(dim=-1)
        self._mask = mask
        self._positions = self._positions + 1
        self._next = tokens
        return [int(t) for t in tokens.tolist()]

    def leave(self, keys: set[Hashable]) -> None:
        """Drop rows; trims the left padding no remaining row needs."""
        if not keys:
            return
        keep = [i for i, key in enumerate(self._keys) if key not in keys]
        self._keys = [self._keys[i] for i in keep]
        if not keep or self._cache is None:
            self._cache = None
            self._mask = self._mask[:0, :0]
            self._positions = self._positions[:0]
            self._next = self._next[:0]
            return
        index = torch.tensor(keep, device=self._device)
        mask = self._mask.index_select(0, index)
        used = torch.nonzero(mask.any(dim=0))
        start = int(used[0]) if used.numel() else 0
        self._mask = mask[:, start:]
        self._positions = self._positions.index_select(0, index)
        self._next = self._next.index_select(0, index)
        self._cache = self._new_cache(
            [
                (k.index_select(0, index)[:, :, start:], v.index_select(0, index)[:, :, start:])
                for k, v in _kv_of(self._cache)
            ]
        )
