"""The tensor side of batched decoding: one padded KV cache for every active sequence, one forward pass per step.

Rows are left-padded so that every row's next token lands in the same cache column; each row keeps its own
position ids and attention-mask row, so padding never changes what a row attends to. A row joins after its own
prompt is prefilled alone (batch of one), and leaves by being dropped from the cache; the common left padding is
then trimmed.

Prefill is nearly all of an answer's generation cost here: the planner's prompts are ~800-1000 tokens and the
answers it keeps are short (profiled under the 8-client load check on 2026-12-03: 1600 of 1607 decoder samples in
prefill, 7 in decode steps). So the keys/values of recent prompts are kept (``PromptCache``, the idea of vLLM's
automatic prefix caching): a new prompt reuses the longest token prefix it shares with one of them (the system
turn for every answer, the sources as well when a question retrieves the same ones first, the whole prompt when
the same question is asked again uncached) and prefills only the rest.

Attention runs in float32 when the model computes in bfloat16 on a CPU (``FLOAT32_ATTENTION``), and the batch's
keys/values are kept in float32 for it: PyTorch's CPU attention kernel is several times slower in bfloat16 on this
machine (measured 2026-12-03, 1 thread, 1,031-token rows, 30 layers: 77-98 ms per step at batch 1 and 585-823 ms
at batch 8 in bfloat16 against 7-15 and 174-211 ms in float32), which made a batch-of-8 decode step of the int8
model cost 0.96-1.30 s against 0.44-0.54 s with float32 attention. The weights stay int8/bfloat16.

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
from transformers import AttentionInterface, DynamicCache
from transformers.cache_utils import DynamicLayer
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

KV = list[
    tuple[torch.Tensor, torch.Tensor]
]  # per layer: keys and values, [batch, kv_heads, length, head_dim]
# Keys/values of recent prompts kept for reuse, as prefill leaves them. SmolLM2-135M holds 23 KB a token in
# bfloat16 (30 layers x keys and values x 3 heads x 64), so this is ~11,000 tokens: about eleven answer prompts.
PROMPT_CACHE_BYTES = 256 * 1024 * 1024
FLOAT32_ATTENTION = "expgraph_sdpa_float32"


def _sdpa_float32(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    *args: Any,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """Transformers' SDPA attention with float32 operands; the output goes back to the query's dtype."""
    dtype = query.dtype
    if attention_mask is not None and attention_mask.dtype != torch.bool:
        attention_mask = attention_mask.float()
    out, weights = sdpa_attention_forward(
        module, query.float(), key.float(), value.float(), attention_mask, *args, **kwargs
    )
    return out.to(dtype), weights


AttentionInterface.register(FLOAT32_ATTENTION, _sdpa_float32)
AttentionMaskInterface.register(FLOAT32_ATTENTION, sdpa_mask)


@dataclass(slots=True)
class PrefilledRow:
    """A prompt after prefill: its first generated token, its keys/values (batch of one), and how many of its
    tokens came from the prompt cache instead of the model."""

    first_token: int
    kv: KV
    length: int
    reused: int = 0


class GrowingLayer(DynamicLayer):
    """A cache layer that writes each step's keys/values into spare capacity instead of concatenating.

    ``DynamicLayer`` concatenates, which allocates and copies the whole cache every step: for 8 rows of 900
    tokens that is ~170 MB per step over 30 layers, measured at 0.4-1.8 s per step on this loaded 2-core machine,
    more than the forward pass itself. Here capacity grows by half when full, so a step copies only the new token.
    With ``dtype`` the buffers hold that dtype whatever the model writes (float32 for ``FLOAT32_ATTENTION``).
    """

    def __init__(self, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self._dtype = dtype
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
            dtype = self._dtype or key_states.dtype
            keys = key_states.new_empty((*key_states.shape[:2], capacity, key_states.shape[-1]), dtype=dtype)
            values = value_states.new_empty(
                (*value_states.shape[:2], capacity, value_states.shape[-1]), dtype=dtype
            )
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


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def _kv_bytes(kv: KV) -> int:
    return sum(k.numel() * k.element_size() + v.numel() * v.element_size() for k, v in kv)


class PromptCache:
    """Keys/values of recently prefilled prompts (batch of one), looked up by the longest shared token prefix.

    Least recently used entries go first once ``max_bytes`` is exceeded. Entries are never written to: a cache
    built from one copies it (``DynamicLayer.update`` and ``GrowingLayer.update`` both copy their input).
    """

    def __init__(self, max_bytes: int = PROMPT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[int, ...], tuple[KV, int]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.reused_tokens = 0

    def __len__(self) -> int:
        return len(self._entries)

    def longest(self, ids: Sequence[int]) -> tuple[int, KV | None]:
        """The longest prefix of ``ids`` any entry holds, and that entry's keys/values (``(0, None)``: none)."""
        best, found = 0, None
        for key in self._entries:
            shared = _common_prefix(key, ids)
            if shared > best:
                best, found = shared, key
        if found is None:
            return 0, None
        self._entries.move_to_end(found)
        return best, self._entries[found][0]

    def put(self, ids: Sequence[int], kv: KV) -> None:
        key = tuple(ids)
        size = _kv_bytes(kv)
        if key in self._entries or size > self.max_bytes:
            return
        self._entries[key] = (kv, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= dropped


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
        self._kv_dtype: torch.dtype | None = None
        if self._device.type == "cpu" and model.dtype in (torch.bfloat16, torch.float16):
            model.set_attn_implementation(FLOAT32_ATTENTION)  # see the module docstring
            self._kv_dtype = torch.float32
        self._keys: list[Hashable] = []
        self._cache: DynamicCache | None = None
        self._mask = torch.zeros((0, 0), dtype=torch.long, device=self._device)
        self._positions = torch.zeros((0,), dtype=torch.long, device=self._device)
        self._next = torch.zeros((0,), dtype=torch.long, device=self._device)
        self.prompts = PromptCache()

    @property
    def rows(self) -> list[Hashable]:
        """Row keys in batch order (the order ``step`` returns tokens in)."""
        return list(self._keys)

    def _new_cache(self, kv: KV | None = None) -> DynamicCache:
        """The batch's cache: every full-attention layer a ``GrowingLayer`` (so a step copies only its new token).

        Transformers picks layer classes from a registry by layer type; a subclass without ``_layer_type`` is not
        registered, so the layers are swapped here, for this cache only (never for the process).
        """
        cache = DynamicCache(config=self._config)
        layers: list[Any] = [
            GrowingLayer(self._kv_dtype) if type(layer) is DynamicLayer else layer for layer in cache.layers
        ]
        cache.layers = layers
        for layer, (keys, values) in zip(layers, kv or [], strict=False):
            layer.update(keys, values)
        return cache

    def _prefill_cache(self, kv: KV | None) -> DynamicCache:
        # Prefill writes once: plain concatenating layers leave exactly the prompt's length (nothing spare to keep).
        return (
            DynamicCache(ddp_cache_data=kv, config=self._config) if kv else DynamicCache(config=self._config)
        )

    def _run(self, ids: Sequence[int], start: int, kv: KV | None) -> tuple[int, KV]:
        """Feed ``ids[start:]`` after ``kv`` (the keys/values of ``ids[:start]``); the next token and all kv."""
        cache = self._prefill_cache(kv)
        logits = self._model(
            input_ids=torch.tensor([list(ids[start:])], device=self._device),
            position_ids=torch.arange(start, len(ids), device=self._device)[None, :],
            cache=cache,
            use_cache=True,
            logits_to_keep=1,
        ).logits
        return int(logits[0, -1].argmax()), _kv_of(cache)

    @torch.inference_mode()
    def prefill(self, ids: Sequence[int], prefix_length: int = 0) -> PrefilledRow:
        """Process a prompt alone, reusing the longest prefix the prompt cache holds.

        ``prefix_length`` leading ids (the system turn shared by every answer) are prefilled on their own and kept
        when no cached prompt covers them, so the next prompt with another question still starts from them.
        """
        prefix_length = prefix_length if 0 < prefix_length < len(ids) else 0
        shared, kv = self.prompts.longest(ids)
        reused = min(shared, len(ids) - 1)  # the last token always runs: its logits give the first new token
        if reused < prefix_length:
            _, kv = self._run(ids[:prefix_length], 0, None)
            self.prompts.put(ids[:prefix_length], kv)
            reused = prefix_length
        if kv is not None and reused:
            kv = [(k[:, :, :reused], v[:, :, :reused]) for k, v in kv]
            self.prompts.hits += 1
            self.prompts.reused_tokens += reused
        first, full = self._run(ids, reused, kv if reused else None)
        self.prompts.put(ids, full)
        return PrefilledRow(first, full, len(ids), reused)

    def join(self, key: Hashable, row: PrefilledRow) -> None:
        """Add a prefilled row; its first token is the next input it is fed."""
        width = int(self._mask.shape[1])
        total = max(width, row.length)
        batch_kv = _left_pad(_kv_of(self._cache), total - width) if self._cache is not None else []
        row_kv = _left_pad(row.kv, total - row.length)
        merged = (
            [
                (torch.cat([bk, rk.to(bk.dtype)]), torch.cat([bv, rv.to(bv.dtype)]))
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
