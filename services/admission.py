"""Admission for uncached questions: at most what the generator can batch plus its queue are in flight.

A question over that bound is refused at once with the generator's own ``GeneratorBusyError`` (the API answers 503
with ``Retry-After``) instead of waiting for a thread or a batch slot with no end in sight; cached answers never
need a place.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from model.generator import GeneratorBusyError

# Until a question has been answered, Retry-After assumes an answer takes this long.
INITIAL_ANSWER_SECONDS = 5.0


class Admission:
    """A counter of questions in flight with a hard capacity; thread-safe."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"admission capacity must be at least 1; got {capacity}")
        self.capacity = capacity
        self._in_flight = 0
        self._lock = threading.Lock()
        self._mean_seconds = INITIAL_ANSWER_SECONDS

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def retry_after(self) -> int:
        """Seconds until a place is likely free: about one answer's time."""
        return max(1, math.ceil(self._mean_seconds))

    def acquire(self) -> float:
        """Take a place or raise ``GeneratorBusyError``; returns the start time to hand back to ``release``."""
        with self._lock:
            if self._in_flight >= self.capacity:
                raise GeneratorBusyError(
                    f"all {self.capacity} answer places are taken; retry in {self.retry_after()} s",
                    retry_after=self.retry_after(),
                )
            self._in_flight += 1
        return time.perf_counter()

    def release(self, started: float) -> None:
        with self._lock:
            self._in_flight -= 1
            self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * (time.perf_counter() - started)

    @contextmanager
    def place(self) -> Iterator[None]:
        """Hold a place for the block (raises ``GeneratorBusyError`` when none is free)."""
        started = self.acquire()
        try:
            yield
        finally:
            self.release(started)
