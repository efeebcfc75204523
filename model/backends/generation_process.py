"""The local generator in a child process: batched decoding away from the API's threads and their GIL.

A decode step is hundreds of small torch ops, each releasing and re-taking the GIL; in the API process the
planner threads answering other questions hold the GIL in between, so every step waits on them. In a child process
the decode loop has an interpreter of its own (one core for it, one for the planner on a 2-core machine). The
parent keeps only the tokenizer: it renders prompts, enforces the batch and queue limits (``GeneratorBusyError``),
and relays text pieces; a reader who leaves, or a cancel scope that is set, cancels the request in the child.
``multiprocessing`` queues are the transport (the standard library's, no server to run).

Unless ``torch_threads`` is set, the child decodes with one thread less than the CPUs this process may use (one
on a 2-core machine), leaving a core to the planner. torch's default (every core) makes its OpenMP threads spin
at each op's barrier while the API process holds the other core: measured on 2026-12-03 on this 2-core machine at
load average 4-6, a 499-token prefill took 4.5-10.2 s with 2 threads and 1.5-2.3 s with 1, a batch-of-8 decode
step 1.6-3.8 s against 0.35-0.48 s.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from model.generator import (
    Generation,
    GeneratorBusyError,
    GeneratorError,
    GeneratorUnavailableError,
    current_cancellation,
    validate_request,
)

if TYPE_CHECKING:
    from config import Settings
    from model.prompts import ChatMessage

START_TIMEOUT_S = 900.0
CANCEL_POLL_S = 0.05


def child_threads(settings: Settings) -> int:
    """torch threads for the child: ``settings.torch_threads``, else one less than the usable CPUs (at least 1)."""
    if settings.torch_threads:
        return settings.torch_threads
    return max(1, len(os.sched_getaffinity(0)) - 1)


def _exit_with_parent() -> None:
    """End this child when its parent ends, however it ended (a ``kill -9`` runs no clean-up that could stop us)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(0)


def _child(settings: Settings, requests: Any, events: Any) -> None:
    """The child's main: load the model, then submit requests to its scheduler and relay their pieces."""
    from model.backends.transformers_local import load_transformers_generator
    from model.library_noise import silence_library_noise

    silence_library_noise()
    threading.Thread(target=_exit_with_parent, name="expgraph-parent-watch", daemon=True).start()
    try:
        generator = load_transformers_generator(settings)
    except Exception as exc:
        events.put((0, "failed", f"{type(exc).__name__}: {exc}"))
        return
    events.put((0, "ready", (generator.model_id, generator.load_info.path)))
    running: dict[int, Any] = {}

    def relay(request_id: int, request: Any) -> None:
        try:
            for piece in request.pieces():
                events.put((request_id, "piece", piece))
            stats = request.stats
            events.put((request_id, "done", {k: getattr(stats, k) for k in stats.__slots__}))
        except Exception as exc:
            events.put((request_id, "error", f"{type(exc).__name__}: {exc}"))
        finally:
            running.pop(request_id, None)

    while True:
        message = requests.get()
        if message is None:
            return
        kind, request_id, *rest = message
        if kind == "cancel":
            request = running.get(request_id)
            if request is not None:
                request.abandoned.set()
            continue
        ids, max_new_tokens, stop, prefix_length = rest
        request = generator.scheduler.submit(
            ids, max_new_tokens=max_new_tokens, stop=stop, prefix_length=prefix_length
        )
        running[request_id] = request
        threading.Thread(target=relay, args=(request_id, request), daemon=True).start()


class ProcessGenerator:
    """The ``Generator`` protocol over a child process that owns the model and its ``BatchScheduler``.

    Construction does not wait for the model: the weights are located, the tokenizer loaded and the child started,
    and the child loads the model meanwhile (5-20 s on the 2-core machine, beside the corpus bootstrap), so a
    service can answer what needs no model at once. ``generate`` and ``stream`` wait for the load; ``loaded`` and
    ``failure`` say where it stands and ``wait_loaded`` blocks until it ends.
    """

    def __init__(self, settings: Settings) -> None:
        import torch
        from transformers import AutoTokenizer

        from model.backends.transformers_local import model_identity

        identity = model_identity(settings, cuda=torch.cuda.is_available())
        self._model_id = identity.model_id
        self._tokenizer = AutoTokenizer.from_pretrained(identity.source, local_files_only=True)
        child_settings = settings.model_copy(
            update={"generator_in_subprocess": False, "torch_threads": child_threads(settings)}
        )
        context = multiprocessing.get_context("spawn")
        self._requests: Any = context.Queue()
        self._events: Any = context.Queue()
        self._process = context.Process(
            target=_child,
            args=(child_settings, self._requests, self._events),
            name="expgraph-generator",
            daemon=True,
        )
        self._max_new_tokens = settings.generator_max_new_tokens
        self._capacity = settings.generator_max_batch + settings.generator_max_queue
        self._max_batch = settings.generator_max_batch
        self._pending: dict[int, queue.SimpleQueue[tuple[str, Any]]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._mean_seconds = 5.0
        self._load_ended = threading.Event()
        self._failure: str | None = None
        self._process.start()
        threading.Thread(target=self._dispatch, name="expgraph-generator-events", daemon=True).start()

    @property
    def model_id(self) -> str:
        return str(self._model_id)

    @property
    def loaded(self) -> bool:
        """True once the child holds the model and takes requests."""
        return self._load_ended.is_set() and self._failure is None

    @property
    def failure(self) -> str | None:
        """Why the child could not load the model, once it has said so."""
        return self._failure

    def wait_loaded(self, timeout: float = START_TIMEOUT_S) -> None:
        """Block until the child has loaded the model; raise ``GeneratorUnavailableError`` if it cannot."""
        deadline = time.monotonic() + timeout
        while not self._load_ended.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
            if not self._process.is_alive():
                self._failure = self._failure or f"it exited with code {self._process.exitcode}"
                self._load_ended.set()
            elif time.monotonic() >= deadline:
                raise GeneratorUnavailableError(
                    f"the generator process did not load the model within {timeout:.0f} s"
                )
        if self._failure is not None:
            raise GeneratorUnavailableError(
                f"the generator process could not load the model: {self._failure}"
            )

    def _dispatch(self) -> None:
        while True:
            request_id, kind, value = self._events.get()
            if request_id == 0:  # the child's load: ("ready", (model_id, path)) or ("failed", message)
                if kind == "ready":
                    self._model_id = value[0]
                else:
                    self._failure = str(value)
                self._load_ended.set()
                continue
            with self._lock:
                inbox = self._pending.get(request_id)
            if inbox is not None:
                inbox.put((kind, value))

    def _render(self, messages: Sequence[ChatMessage], *, add_generation_prompt: bool) -> list[int]:
        rendered = self._tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in messages],
            tokenize=False,
            add_generation_prompt=add_generation_prompt,
        )
        return list(self._tokenizer(rendered, add_special_tokens=False)["input_ids"])

    def count_tokens(self, text: str) -> int:
        """Number of tokens ``text`` takes (for the planner's context budget)."""
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def _submit(
        self, messages: Sequence[ChatMessage], max_new_tokens: int | None, stop: Sequence[str] | None
    ) -> tuple[int, queue.SimpleQueue[tuple[str, Any]]]:
        limit = validate_request(messages, max_new_tokens, self._max_new_tokens)
        self.wait_loaded()
        ids = self._render(messages, add_generation_prompt=True)
        system = [m for m in messages[:1] if m.role == "system"]
        prefix = self._render(system, add_generation_prompt=False) if system else []
        prefix_length = (
            len(prefix) if prefix and ids[: len(prefix)] == prefix and len(prefix) < len(ids) else 0
        )
        inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        with self._lock:
            if len(self._pending) >= self._capacity:
                retry = max(
                    1,
                    round(self._mean_seconds * (len(self._pending) + 1 - self._max_batch) / self._max_batch),
                )
                raise GeneratorBusyError(
                    f"the generator is busy: {len(self._pending)} answers are being written or waiting "
                    f"(limit {self._capacity}); retry shortly",
                    retry_after=retry,
                )
            request_id = next(self._ids)
            self._pending[request_id] = inbox
        self._requests.put(("submit", request_id, ids, limit, list(stop or ()), prefix_length))
        return request_id, inbox

    def _pieces(
        self,
        request_id: int,
        inbox: queue.SimpleQueue[tuple[str, Any]],
        stats: dict[str, Any],
        cancel: threading.Event | None,
    ) -> Iterator[str]:
        finished = False
        try:
            while True:
                try:
                    kind, value = inbox.get(timeout=CANCEL_POLL_S)
                except queue.Empty:
                    if cancel is not None and cancel.is_set():
                        self._requests.put(("cancel", request_id))
                        cancel = None  # asked once; the child answers with done
                    continue
                if kind == "piece":
                    yield value
                elif kind == "done":
                    finished = True
                    stats.update(value)
                    return
                else:
                    finished = True
                    raise GeneratorError(f"generation failed in the generator process: {value}")
        finally:
            if not finished:
                self._requests.put(("cancel", request_id))
            with self._lock:
                self._pending.pop(request_id, None)
                if stats.get("seconds"):
                    self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * float(stats["seconds"])

    def generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        """Complete the conversation greedily, batched in the child; see ``model.generator.Generator``."""
        started = time.perf_counter()
        stats: dict[str, Any] = {}
        request_id, inbox = self._submit(messages, max_new_tokens, stop)
        text = "".join(self._pieces(request_id, inbox, stats, current_cancellation()))
        return Generation(
            text=text,
            prompt_tokens=int(stats.get("prompt_tokens", 0)),
            completion_tokens=int(stats.get("completion_tokens", 0)),
            seconds=time.perf_counter() - started,
            time_to_first_token=float(stats.get("time_to_first_token", 0.0)),
            finish_reason=stats.get("finish_reason", "stop"),
            queue_seconds=float(stats.get("queue_seconds", 0.0)),
            batch_size=int(stats.get("batch_size", 0)),
        )

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as the child decodes them; closing the iterator cancels the request there."""
        request_id, inbox = self._submit(messages, max_new_tokens, stop)
        return self._pieces(request_id, inbox, {}, current_cancellation())

    def close(self) -> None:
        """Stop the child process."""
        self._requests.put(None)
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
