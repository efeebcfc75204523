"""Answers for the same question at the same graph position, model and options, kept in a bounded LRU.

The key holds the projection position (the log position the graph reflects, where the planner answers), so a
projected event makes older entries unreachable (and they age out), while an event appended but not yet projected
leaves the answer as valid as it is.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from planner.response import AnswerResponse


@dataclass(frozen=True, slots=True)
class AnswerKey:
    question: str
    graph_position: int
    model_id: str
    max_hops: int | None

    @classmethod
    def of(cls, question: str, graph_position: int, model_id: str, max_hops: int | None) -> AnswerKey:
        return cls(" ".join(question.split()).casefold(), graph_position, model_id, max_hops)


class AnswerCache:
    def __init__(self, capacity: int = 512) -> None:
        self._capacity = capacity
        self._items: OrderedDict[AnswerKey, AnswerResponse] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: AnswerKey) -> AnswerResponse | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: AnswerKey, value: AnswerResponse) -> None:
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
