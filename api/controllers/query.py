"""``POST /query``, ``POST /query/stream`` (server-sent events) and ``GET /traces/{id}``."""

from __future__ import annotations

import functools
import json
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api.answer_cache import AnswerKey
from api.answer_stream import StreamClock, verified_sentences
from api.dependencies import provide_runtime
from api.errors import Busy, NotFound, Unprocessable, error_body
from api.metrics import count_cache, observe_planner_timings
from api.runtime import Runtime
from api.schemas import QueryRequest
from api.security import require_read_access
from api.trace_view import trace_graph
from model.generator import GeneratorBusyError, cancellation
from planner.service import PlannerInputError
from planner.trace_store import TraceNotFoundError, get_trace, valid_trace_id

# Uncached questions run concurrently, one worker thread each (bounded by ``runtime.admission``): the database
# reads are fast, and the generator batches the questions that reach it into one forward pass per step.


def _check_question(runtime: Runtime, data: QueryRequest) -> None:
    limit = runtime.settings.max_question_chars
    if not data.question.strip():
        raise Unprocessable("the question is empty; ask something about experimentation", field="question")
    if len(data.question) > limit:
        raise Unprocessable(
            f"the question has {len(data.question)} characters; the limit is {limit}", field="question"
        )


def _cache_key(runtime: Runtime, data: QueryRequest) -> AnswerKey:
    position = data.as_of if data.as_of is not None else runtime.head()
    return AnswerKey.of(data.question, position, runtime.generator.model_id, data.max_hops)


def answer(runtime: Runtime, data: QueryRequest, *, use_cache: bool = True) -> tuple[dict[str, Any], bool]:
    """The response JSON for a question, from the cache when the log and model have not changed."""
    key = _cache_key(runtime, data)
    # A turn of a conversation depends on earlier turns: never from the cache.
    use_cache = use_cache and data.conversation_id is None
    cached = runtime.cache.get(key) if use_cache else None
    count_cache(cached is not None)
    if cached is not None:
        return cached, True
    try:
        with runtime.admission.place():
            response = runtime.planner.ask(
                data.question, as_of=data.as_of, max_hops=data.max_hops, conversation_id=data.conversation_id
            ).to_dict()
    except PlannerInputError as exc:
        field = next((f for f in ("as_of", "conversation_id") if f in str(exc)), "max_hops")
        raise Unprocessable(str(exc), field=field) from exc
    except GeneratorBusyError as exc:
        raise Busy(str(exc), retry_after=exc.retry_after) from exc
    observe_planner_timings(response.get("timings_ms", {}))
    runtime.cache.put(key, response)
    return response, False


class QueryController(Controller):
    path = "/query"
    tags = ["query"]
    guards = [require_read_access]
    dependencies = {"runtime": Provide(provide_runtime, sync_to_thread=False)}

    @post("/", summary="Ask a question; returns the cited, verified answer", status_code=200)
    async def query(
        self, data: QueryRequest, runtime: Runtime, request: Request[Any, Any, Any]
    ) -> Response[dict[str, Any]]:
        """``Cache-Control: no-cache`` computes a fresh answer (and refreshes the cache)."""
        _check_question(runtime, data)
        use_cache = "no-cache" not in request.headers.get("cache-control", "").lower()
        body, hit = await anyio.to_thread.run_sync(
            functools.partial(answer, runtime, data, use_cache=use_cache)
        )
        return Response(body, headers={"X-Answer-Cache": "hit" if hit else "miss"})

    @post(
        "/stream",
        summary="Ask a question; trace steps, verified answer sentences and the final response as SSE",
        status_code=200,
    )
    async def stream(self, data: QueryRequest, runtime: Runtime) -> ServerSentEvent:
        """503 with Retry-After when every answer place is taken; a client who leaves frees its place."""
        _check_question(runtime, data)
        release = _place(runtime)
        events = _events(runtime, data, release)
        weakref.finalize(events, release)  # a stream never started never reaches its own ``finally``
        return ServerSentEvent(events)


def _sse(event: str, payload: dict[str, Any]) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=json.dumps(payload, ensure_ascii=False, default=str))


def _place(runtime: Runtime) -> Callable[[], None]:
    """Take an answer place (raises ``Busy``); returns its release, safe to call more than once."""
    started = runtime.admission.acquire()
    lock = threading.Lock()
    held = [True]

    def release() -> None:
        with lock:
            if held[0]:
                held[0] = False
                runtime.admission.release(started)

    return release


def _events(
    runtime: Runtime, data: QueryRequest, release: Callable[[], None]
) -> Iterator[ServerSentEventMessage]:
    """Runs in a worker thread (Litestar iterates sync generators off the event loop).

    Steps (with elapsed time), then the verified answer sentence by sentence, then ``final``; raw draft tokens
    only advance ``progress`` (api/answer_stream.py says why). When the client disconnects, the generator is
    closed: the cancel event stops this request's decoding at the next step and its place is released.
    """
    cancel = threading.Event()
    try:
        yield from _answer_events(runtime, data, cancel)
    finally:
        cancel.set()
        release()


def _answer_events(
    runtime: Runtime, data: QueryRequest, cancel: threading.Event
) -> Iterator[ServerSentEventMessage]:
    key = _cache_key(runtime, data)
    # A turn of a conversation depends on earlier turns and must be stored: never from (or into) the cache.
    cached = runtime.cache.get(key) if data.conversation_id is None else None
    count_cache(cached is not None)
    clock = StreamClock()
    if cached is not None:
        yield _sse("step", clock.step({"node": "cache", "ms": 0.0, "hit": True}))
        for sentence in verified_sentences(cached):
            yield _sse("sentence", sentence)
        yield _sse("final", cached)
        return
    items = runtime.planner.stream(
        data.question, as_of=data.as_of, max_hops=data.max_hops, conversation_id=data.conversation_id
    )
    try:
        while True:
            # Each step of the planner may submit generation; it does so under this request's cancel event.
            with cancellation(cancel):
                item = next(items, None)
            if item is None:
                break
            if item.event == "answer":
                observe_planner_timings(item.data.get("timings_ms", {}))
                if data.conversation_id is None:
                    runtime.cache.put(key, item.data)
                for sentence in verified_sentences(item.data):
                    yield _sse("sentence", sentence)
                yield _sse("final", item.data)
            elif item.event == "token":
                progress = clock.token()
                if progress is not None:
                    yield _sse("progress", progress)
            else:
                yield _sse(item.event, clock.step(item.data))
    except PlannerInputError as exc:
        yield _sse("error", error_body(422, "invalid_input", str(exc)))
    except GeneratorBusyError as exc:
        yield _sse("error", error_body(503, "busy", str(exc), retry_after=exc.retry_after))
    except Exception:  # the stream has started: report in-band, never leak the stack trace
        import logging

        logging.getLogger("expgraph.api").exception("stream failed")
        yield _sse("error", error_body(500, "internal_error", "the answer could not be completed; try again"))
    finally:
        cancel.set()  # before closing the planner's stream, which waits for its running node to return
        items.close()


class TraceController(Controller):
    path = "/traces"
    tags = ["query"]
    guards = [require_read_access]
    dependencies = {"runtime": Provide(provide_runtime, sync_to_thread=False)}

    @get("/{trace_id:str}", summary="A stored planner trace", sync_to_thread=True)
    def trace(self, runtime: Runtime, trace_id: Annotated[str, Parameter(max_length=100)]) -> dict[str, Any]:
        if not valid_trace_id(trace_id):
            raise NotFound(f"{trace_id!r} is not a trace id; use the trace_id of a /query response")
        try:
            trace = get_trace(runtime.db, trace_id)
        except TraceNotFoundError as exc:
            raise NotFound(f"no trace {trace_id!r}; traces are kept for answered questions only") from exc
        names = runtime.planner.graph_view(runtime.db, runtime.head()).adjacency.names
        return {**trace, "graph": trace_graph(trace, names)}
