"""``POST /query``, ``POST /query/stream`` (server-sent events) and ``GET /traces/{id}``."""

from __future__ import annotations

import functools
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import anyio
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api.answer_stream import StreamClock, verified_sentences
from api.errors import NotFound, Unprocessable, error_body
from api.metrics import count_cache, observe_planner_timings
from api.responses import Trace
from api.schemas import QueryRequest
from api.security import require_read_access
from api.trace_view import trace_graph
from config import Settings
from model.generator import GeneratorBusyError, cancellation
from planner.response import AnswerResponse
from planner.service import PlannerInputError
from planner.trace_store import TraceNotFoundError, valid_trace_id
from services.answering import AnswerService, Question

# Uncached questions run concurrently, one worker thread each (bounded by the answer service's admission): the
# database reads are fast, and the generator batches the questions that reach it into one forward pass per step.


def _question(settings: Settings, data: QueryRequest) -> Question:
    limit = settings.max_question_chars
    if not data.question.strip():
        raise Unprocessable("the question is empty; ask something about experimentation", field="question")
    if len(data.question) > limit:
        raise Unprocessable(
            f"the question has {len(data.question)} characters; the limit is {limit}", field="question"
        )
    return Question(data.question, data.as_of, data.max_hops, data.conversation_id)


def answer(
    answers: AnswerService, question: Question, *, use_cache: bool = True
) -> tuple[AnswerResponse, bool]:
    """The answer and whether it came from the cache (metrics recorded)."""
    response, hit = answers.answer(question, use_cache=use_cache)
    count_cache(hit)
    if not hit:
        observe_planner_timings(response.timings_ms)
    return response, hit


class QueryController(Controller):
    path = "/query"
    tags = ["query"]
    guards = [require_read_access]

    @post("/", summary="Ask a question; returns the cited, verified answer", status_code=200)
    async def query(
        self, data: QueryRequest, answers: AnswerService, settings: Settings, request: Request[Any, Any, Any]
    ) -> Response[AnswerResponse]:
        """``Cache-Control: no-cache`` computes a fresh answer (and refreshes the cache)."""
        question = _question(settings, data)
        use_cache = "no-cache" not in request.headers.get("cache-control", "").lower()
        body, hit = await anyio.to_thread.run_sync(
            functools.partial(answer, answers, question, use_cache=use_cache)
        )
        return Response(body, headers={"X-Answer-Cache": "hit" if hit else "miss"})

    @post(
        "/stream",
        summary="Ask a question; trace steps, verified answer sentences and the final response as SSE",
        status_code=200,
    )
    async def stream(self, data: QueryRequest, answers: AnswerService, settings: Settings) -> ServerSentEvent:
        """503 with Retry-After when every answer place is taken; a client who leaves frees its place."""
        question = _question(settings, data)
        release = answers.take_place()
        events = _events(answers, question, release)
        weakref.finalize(events, release)  # a stream never started never reaches its own ``finally``
        return ServerSentEvent(events)


def _sse(event: str, payload: dict[str, Any]) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=json.dumps(payload, ensure_ascii=False, default=str))


def _events(
    answers: AnswerService, question: Question, release: Callable[[], None]
) -> Iterator[ServerSentEventMessage]:
    """Runs in a worker thread (Litestar iterates sync generators off the event loop).

    Steps (with elapsed time), then the verified answer sentence by sentence, then ``final``; raw draft tokens
    only advance ``progress`` (api/answer_stream.py says why). When the client disconnects, the generator is
    closed: the cancel event stops this request's decoding at the next step and its place is released.
    """
    cancel = threading.Event()
    try:
        yield from _answer_events(answers, question, cancel, release)
    finally:
        cancel.set()
        release()


def _answer_events(
    answers: AnswerService, question: Question, cancel: threading.Event, release: Callable[[], None]
) -> Iterator[ServerSentEventMessage]:
    """The stream's events. ``release`` frees the answer place as soon as the answer exists: what is left is writing
    to the socket, and a client who leaves then would otherwise hold the place until the garbage collector closes
    this iterator (seen: a place still held 60 s after the reader left)."""
    cached = answers.cached(question)
    count_cache(cached is not None)
    clock = StreamClock()
    if cached is not None:
        release()
        body = cached.to_dict()
        yield _sse("step", clock.step({"node": "cache", "ms": 0.0, "hit": True}))
        for sentence in verified_sentences(body):
            yield _sse("sentence", sentence)
        yield _sse("final", body)
        return
    items = answers.stream(question)
    try:
        while True:
            # Each step of the planner may submit generation; it does so under this request's cancel event.
            with cancellation(cancel):
                item = next(items, None)
            if item is None:
                break
            if item.event == "answer":
                release()
                observe_planner_timings(item.data.get("timings_ms", {}))
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
        logging.getLogger("expgraph.api").exception("stream failed")
        yield _sse("error", error_body(500, "internal_error", "the answer could not be completed; try again"))
    finally:
        cancel.set()  # the running node's decoding stops at its next step
        # Closing the planner's stream waits for its running node to return. A disconnected client's stream may be
        # finalised by the garbage collector on any thread, the generation worker's included, which would then
        # wait on itself for ever; so the wait happens on a thread of its own.
        threading.Thread(target=items.close, name="expgraph-stream-close", daemon=True).start()


class TraceController(Controller):
    path = "/traces"
    tags = ["query"]
    guards = [require_read_access]

    @get("/{trace_id:str}", summary="A stored planner trace", sync_to_thread=True)
    def trace(self, answers: AnswerService, trace_id: Annotated[str, Parameter(max_length=100)]) -> Trace:
        if not valid_trace_id(trace_id):
            raise NotFound(f"{trace_id!r} is not a trace id; use the trace_id of a /query response")
        try:
            trace, names = answers.trace(trace_id)
        except TraceNotFoundError as exc:
            raise NotFound(f"no trace {trace_id!r}; traces are kept for answered questions only") from exc
        return msgspec.convert({**trace, "graph": trace_graph(trace, names)}, Trace)
