"""Continuous batching: one worker thread decodes every active request together, one forward pass per step.

Requests are submitted from any thread and wait in a bounded queue. Between steps the worker admits waiting
requests into free batch slots (each prompt is prefilled alone, then joins the batch), runs one step for all rows,
and hands each request its new text through its own queue. A request leaves when it hits end-of-sequence, one of
its stop strings, its ``max_new_tokens``, or when its consumer stops reading (closes the stream, or the cancel event
it was submitted under is set), which frees the slot at the next step. A full queue is refused at once with
``GeneratorBusyError`` (the API's 503 with Retry-After), never by a timeout.

The tensor work is behind the small ``Decoder`` protocol (``model.backends.batched_decoder``); this module is the
bookkeeping: queue, slots, per-request text assembly and stopping rules, statistics.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from model.decoding import TextAssembler
from model.generator import FinishReason, GeneratorBusyError, current_cancellation

# Until a request has finished, the Retry-After estimate assumes answers take this long.
DEFAULT_REQUEST_SECONDS = 5.0


class Decoder(Protocol):
    """The tensor side: prefill one prompt, hold rows in a batch, step them all."""

    @property
    def rows(self) -> list[Hashable]: ...

    def prefill(self, ids: Sequence[int], prefix_length: int = 0) -> Any: ...

    def join(self, key: Hashable, row: Any) -> None: ...

    def step(self) -> list[int]: ...

    def leave(self, keys: set[Hashable]) -> None: ...


@dataclass(slots=True)
class RequestStats:
    """What one request cost; filled in by the worker, read after ``done``."""

    prompt_tokens: int = 0
    cached_prompt_tokens: int = 0  # prompt tokens whose keys/values came from the decoder's prompt cache
    completion_tokens: int = 0
    queue_seconds: float = 0.0
    time_to_first_token: float = 0.0
    seconds: float = 0.0
    finish_reason: FinishReason = "stop"
    batch_size: int = 0


@dataclass(eq=False, slots=True)
class DecodeRequest:
    """One submitted prompt. ``events`` carries ``("piece", str)``, then ``("done", None)`` or ``("error", exc)``."""

    prompt_ids: list[int]
    prefix_length: int
    max_new_tokens: int
    assembler: TextAssembler
    cancel: threading.Event | None = None  # the submitter's scope (e.g. one API request); never set here
    abandoned: threading.Event = field(default_factory=threading.Event)  # set when the reader stops early
    submitted: float = field(default_factory=time.perf_counter)
    events: queue.SimpleQueue[tuple[str, Any]] = field(default_factory=queue.SimpleQueue)
    stats: RequestStats = field(default_factory=RequestStats)

    def pieces(self) -> Iterator[str]:
        """The text as it is decoded. Closing this iterator early cancels the request and frees its slot."""
        try:
            while True:
                kind, value = self.events.get()
                if kind == "piece":
                    yield value
                elif kind == "done":
                    return
                else:
                    raise value
        finally:
            self.abandoned.set()  # no effect once finished; frees the slot when the reader leaves early

    @property
    def cancelled(self) -> bool:
        return self.abandoned.is_set() or (self.cancel is not None and self.cancel.is_set())


class BatchScheduler:
    """Owns a ``Decoder`` through one daemon worker thread; ``submit`` is safe from any thread."""

    def __init__(
        self,
        decoder: Decoder,
        *,
        detokenize: Callable[[Sequence[int]], str],
        eos_ids: frozenset[int],
        max_batch: int,
        max_queue: int,
        name: str = "expgraph-generation",
    ) -> None:
        if max_batch < 1 or max_queue < 0:
            raise ValueError(f"max_batch must be >= 1 and max_queue >= 0; got {max_batch} and {max_queue}")
        self._decoder = decoder
        self._detokenize = detokenize
        self._eos_ids = eos_ids
        self.max_batch = max_batch
        self.max_queue = max_queue
        self._name = name
        self._waiting: deque[DecodeRequest] = deque()
        self._active: dict[int, DecodeRequest] = {}
        self._admitting = 0  # taken from the queue, being prefilled: they hold a slot already
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._mean_seconds = DEFAULT_REQUEST_SECONDS
        self.steps = 0
        self.finished: Counter[FinishReason] = (
            Counter()
        )  # requests ended, by reason (stop, length, cancelled)

    # ------------------------------------------------------------------ any thread
    def submit(
        self,
        prompt_ids: Sequence[int],
        *,
        max_new_tokens: int,
        stop: Sequence[str] = (),
        prefix_length: int = 0,
    ) -> DecodeRequest:
        """Queue a prompt; raises ``GeneratorBusyError`` when every slot and queue place is taken."""
        request = DecodeRequest(
            prompt_ids=list(prompt_ids),
            prefix_length=prefix_length,
            max_new_tokens=max_new_tokens,
            assembler=TextAssembler(self._detokenize, stop),
            cancel=current_cancellation(),
        )
        with self._wake:
            free_slots = self.max_batch - len(self._active) - self._admitting
            if len(self._waiting) >= free_slots + self.max_queue:
                raise GeneratorBusyError(
                    f"the generator is busy: {len(self._active)} answers are being written and {len(self._waiting)} "
                    f"are waiting (limits {self.max_batch} and {self.max_queue}); retry shortly",
                    retry_after=self._retry_after(),
                )
            self._waiting.append(request)
            self._ensure_worker()
            self._wake.notify()
        return request

    def load(self) -> tuple[int, int]:
        """(active rows, waiting requests) right now; a request being prefilled counts as active."""
        with self._wake:
            return len(self._active) + self._admitting, len(self._waiting)

    def _retry_after(self) -> int:
        rounds = (len(self._waiting) + 1) / self.max_batch
        return max(1, math.ceil(self._mean_seconds * rounds))

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    # ------------------------------------------------------------------ worker thread
    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._waiting and not self._active:
                    self._wake.wait()
                admitted: list[DecodeRequest] = []
                while self._waiting and len(self._active) + len(admitted) < self.max_batch:
                    admitted.append(self._waiting.popleft())
                self._admitting += len(admitted)
            try:
                for request in admitted:
                    self._admit(request)
                self._step()
            except Exception as exc:  # a failed forward pass fails the requests in it, not the worker
                self._fail_all(exc)

    def _admit(self, request: DecodeRequest) -> None:
        try:
            self._prefill(request)
        finally:
            with self._wake:  # it is in ``_active`` by now, or finished: always counted in one place
                self._admitting -= 1

    def _prefill(self, request: DecodeRequest) -> None:
        started = time.perf_counter()
        request.stats.queue_seconds = started - request.submitted
        request.stats.prompt_tokens = len(request.prompt_ids)
        if request.cancelled:
            self._finish(request, "cancelled")
            return
        try:
            row = self._decoder.prefill(request.prompt_ids, request.prefix_length)
            request.stats.cached_prompt_tokens = int(getattr(row, "reused", 0))
            request.stats.time_to_first_token = time.perf_counter() - request.submitted
            if not self._accept(request, row.first_token):
                self._decoder.join(id(request), row)
                with self._wake:
                    self._active[id(request)] = request
        except Exception as exc:  # this prompt failed (e.g. out of memory); the batch goes on
            request.events.put(("error", exc))

    def _step(self) -> None:
        keys = self._decoder.rows
        if not keys:
            return
        tokens = self._decoder.step()
        self.steps += 1
        leaving: set[Hashable] = set()
        for key, token in zip(keys, tokens, strict=True):
            request = self._active[key]  # type: ignore[index]
            request.stats.batch_size = max(request.stats.batch_size, len(keys))
            if self._accept(request, token):
                leaving.add(key)
        for key, request in list(self._active.items()):
            if key not in leaving and request.cancelled:
                self._finish(request, "cancelled")
                leaving.add(key)
        if leaving:
            self._decoder.leave(leaving)

    def _accept(self, request: DecodeRequest, token: int) -> bool:
        """Record one generated token; True when the request is finished."""
        if token in self._eos_ids:
            self._finish(request, "stop")
            return True
        request.stats.completion_tokens += 1
        piece = request.assembler.push(token)
        if piece:
            request.events.put(("piece", piece))
        if request.assembler.stopped:
            self._finish(request, "stop")
            return True
        if request.stats.completion_tokens >= request.max_new_tokens:
            self._finish(request, "length")
            return True
        return False

    def _finish(self, request: DecodeRequest, reason: FinishReason) -> None:
        if reason != "cancelled":
            rest = request.assembler.finish()
            if rest:
                request.events.put(("piece", rest))
        request.stats.finish_reason = reason
        request.stats.seconds = time.perf_counter() - request.submitted
        with self._wake:  # its slot is free before its reader hears it is done
            self._active.pop(id(request), None)
            self.finished[reason] += 1
            self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * request.stats.seconds
        request.events.put(("done", None))

    def _fail_all(self, exc: Exception) -> None:
        with self._wake:
            failed = list(self._active.values())
            self._active.clear()
        self._decoder.leave(set(self._decoder.rows))
        for request in failed:
            request.events.put(("error", exc))
