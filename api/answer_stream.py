"""What ``POST /query/stream`` shows a reader: node steps with elapsed time, then verified sentences, then the answer.

The generator's raw tokens are an unverified draft (the verifier may drop or replace every sentence), so they never
leave the server; they only advance a ``progress`` count so the page can show that writing is under way. The answer's
sentences are streamed only after verification, split with the verifier's own sentence splitter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from planner.verification import split_sentences

PROGRESS_EVERY_TOKENS = 8  # one progress event per this many tokens keeps the stream light


class StreamClock:
    """Elapsed time since the request started, stamped on every event."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._start = clock()
        self._tokens = 0

    def elapsed_ms(self) -> float:
        return round((self._clock() - self._start) * 1000, 1)

    def step(self, step: dict[str, Any]) -> dict[str, Any]:
        """A finished node's public step with the time since the request began."""
        return {**step, "elapsed_ms": self.elapsed_ms()}

    def token(self) -> dict[str, Any] | None:
        """A progress event every ``PROGRESS_EVERY_TOKENS`` draft tokens (the text itself is withheld)."""
        self._tokens += 1
        if self._tokens % PROGRESS_EVERY_TOKENS != 1:
            return None
        return {"node": "generate", "tokens": self._tokens, "elapsed_ms": self.elapsed_ms()}


def verified_sentences(response: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The verified answer, sentence by sentence (``index``, ``text``), in order."""
    for index, text in enumerate(split_sentences(str(response.get("answer") or ""))):
        yield {"index": index, "text": text}
