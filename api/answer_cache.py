"""Answers for the same question at the same log position, model and options, kept in a bounded LRU.

The key holds the log head, so any new event makes older entries unreachable (and they age out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AnswerKey:
    question: str
    log_position: int
    model_id: str
    max_hops: int | None

    @classmethod
    def of(cls, question: str, log_position: int, model_id: str, max_hops: int | None) -> AnswerKey:
        return cls(" ".join(question.split()).casefold(), log_position, model_id, max_hops)


class AnswerCache:
    def __init__(self, capacity: int = 512) -> None:
        self._capacity = capacity
        self._items: OrderedDict[AnswerKey, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: AnswerKey) -> dict[str, Any] | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: AnswerKey, value: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
