"""The decoder's prompt cache: longest shared prefix wins, least recently used goes first, bytes are bounded."""

from __future__ import annotations

import torch

from config import Settings
from model.backends.batched_decoder import PromptCache
from model.backends.generation_process import child_threads


def _kv(length: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    # 2 layers of keys and values, each [batch 1, 1 head, length, 4] float32: 16 bytes a tensor, 64 bytes a token
    return [(torch.zeros(1, 1, length, 4), torch.zeros(1, 1, length, 4)) for _ in range(2)]


def test_the_longest_shared_prefix_is_found() -> None:
    cache = PromptCache()
    short, long = _kv(3), _kv(6)
    cache.put([1, 2, 3], short)
    cache.put([1, 2, 3, 4, 5, 6], long)
    shared, kv = cache.longest([1, 2, 3, 4, 9])
    assert shared == 4 and kv is long
    assert cache.longest([1, 2, 7])[0] == 2
    assert cache.longest([5, 1]) == (0, None)


def test_least_recently_used_prompts_go_first_beyond_the_byte_bound() -> None:
    cache = PromptCache(max_bytes=64 * 10)  # ten tokens
    cache.put([1, 1, 1, 1], _kv(4))
    cache.put([2, 2, 2, 2], _kv(4))
    assert cache.longest([1, 1])[0] == 2  # touching [1...] makes [2...] the oldest
    cache.put([3, 3, 3, 3], _kv(4))  # twelve tokens: the oldest goes
    assert len(cache) == 2
    assert cache.longest([2, 2])[0] == 0
    assert cache.longest([1, 1, 1, 1])[0] == 4
    cache.put([4] * 11, _kv(11))  # larger than the whole bound: not kept, nothing evicted for it
    assert len(cache) == 2 and cache.longest([4])[0] == 0


def test_the_generator_process_leaves_a_core_to_the_planner_unless_told() -> None:
    assert child_threads(Settings(torch_threads=3)) == 3
    import os

    assert child_threads(Settings()) == max(1, len(os.sched_getaffinity(0)) - 1)
