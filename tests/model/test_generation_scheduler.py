"""Batched decoding with the real SmolLM2-135M-Instruct: same greedy text as alone, join/leave, queue, cancel."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from config import Settings
from model.backends.transformers_local import TransformersGenerator
from model.generator import GeneratorBusyError, GeneratorUnavailableError, cancellation
from model.prompts import ChatMessage, PromptSource, build_answer_messages

pytestmark = pytest.mark.slow

SOURCE = PromptSource(
    1,
    "Testing basics",
    "A p-value is the probability of data at least as extreme as observed if the null hypothesis holds. "
    "CUPED uses pre-experiment data of the same metric to reduce variance. A sample ratio mismatch means the "
    "observed split of users differs from the designed split.",
)
QUESTIONS = [
    "What is a p-value?",
    "Why does CUPED reduce variance?",
    "what's a sample ratio mismatch and why should I care about it in my test",
    "Explain the p-value and CUPED in one go, please.",
]


def _messages(question: str) -> list[ChatMessage]:
    return build_answer_messages(question, [SOURCE])


def _wait_for(condition: object, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_batched_greedy_text_equals_each_prompt_decoded_alone(generator_fp32: TransformersGenerator) -> None:
    alone = [generator_fp32.generate_unbatched(_messages(q), max_new_tokens=24) for q in QUESTIONS]
    generator = generator_fp32.with_limits(max_batch=4, max_queue=4)
    # ``stream`` submits at once, so all four prompts (different lengths) wait together and decode as one batch.
    streams = [generator.stream(_messages(q), max_new_tokens=24) for q in QUESTIONS]
    batched = ["".join(s) for s in streams]
    assert batched == [g.text for g in alone]
    assert generator.scheduler.load() == (0, 0)


def test_requests_join_and_leave_between_steps(generator_fp32: TransformersGenerator) -> None:
    generator = generator_fp32.with_limits(max_batch=4, max_queue=4)
    long_alone = generator_fp32.generate_unbatched(_messages(QUESTIONS[2]), max_new_tokens=40).text
    short_alone = generator_fp32.generate_unbatched(_messages(QUESTIONS[0]), max_new_tokens=6).text
    late_alone = generator_fp32.generate_unbatched(_messages(QUESTIONS[1]), max_new_tokens=12).text

    long_stream = generator.stream(_messages(QUESTIONS[2]), max_new_tokens=40)
    short_stream = generator.stream(_messages(QUESTIONS[0]), max_new_tokens=6)
    first = next(long_stream)  # the long one is decoding; the late one joins mid-way
    late = generator.generate(_messages(QUESTIONS[1]), max_new_tokens=12)
    assert late.batch_size >= 2, "the late request should have decoded beside the long one"
    assert "".join(short_stream) == short_alone  # left the batch after 6 tokens
    assert first + "".join(long_stream) == long_alone
    assert late.text == late_alone
    assert generator.scheduler.load() == (0, 0)


def test_a_full_queue_is_refused_at_once_with_a_retry_after(generator: TransformersGenerator) -> None:
    small = generator.with_limits(max_batch=1, max_queue=1)
    running = small.stream(_messages(QUESTIONS[2]), max_new_tokens=60)
    queued = small.stream(_messages(QUESTIONS[0]), max_new_tokens=4)
    started = time.monotonic()
    with pytest.raises(GeneratorBusyError) as refused:
        small.generate(_messages(QUESTIONS[1]), max_new_tokens=4)
    assert time.monotonic() - started < 1.0  # refused, not timed out
    assert refused.value.retry_after >= 1
    running.close()
    assert "".join(queued)  # the queued request still completes once the slot is free


def test_a_reader_who_leaves_frees_the_slot(generator: TransformersGenerator) -> None:
    small = generator.with_limits(max_batch=1, max_queue=0)
    prompt = small.prompt_ids(_messages(QUESTIONS[3]))
    request = small.scheduler.submit(prompt, max_new_tokens=2000)
    pieces = request.pieces()
    assert next(pieces)
    pieces.close()  # the client went away
    assert _wait_for(lambda: request.stats.finish_reason == "cancelled" and small.scheduler.load() == (0, 0))
    assert request.stats.completion_tokens < 2000
    assert small.generate(_messages(QUESTIONS[0]), max_new_tokens=4).completion_tokens >= 1


def test_a_cancel_event_in_scope_stops_a_request(generator: TransformersGenerator) -> None:
    small = generator.with_limits(max_batch=2, max_queue=0)
    event = threading.Event()
    with cancellation(event):  # what the API's stream handler wraps each planner step in
        request = small.scheduler.submit(small.prompt_ids(_messages(QUESTIONS[3])), max_new_tokens=2000)
    pieces = request.pieces()
    assert next(pieces)
    event.set()  # the client disconnected
    "".join(pieces)  # ends at the next step instead of running on
    assert request.stats.finish_reason == "cancelled"
    assert request.stats.completion_tokens < 2000
    assert small.scheduler.load() == (0, 0)


def test_the_child_process_generator_writes_the_same_text_and_honours_limits_and_cancel(
    settings: Settings, generator: TransformersGenerator
) -> None:
    from model.backends.generation_process import ProcessGenerator

    child = ProcessGenerator(
        settings.model_copy(
            update={"generator_in_subprocess": True, "generator_max_batch": 1, "generator_max_queue": 0}
        )
    )
    try:
        messages = _messages(QUESTIONS[0])
        assert child.model_id == generator.model_id  # known before the child has loaded anything
        child.wait_loaded()
        assert child.loaded and child.failure is None and child.model_id == generator.model_id
        assert (
            child.generate(messages, max_new_tokens=16).text
            == generator.generate(messages, max_new_tokens=16).text
        )
        event = threading.Event()
        with cancellation(event):
            pieces = child.stream(_messages(QUESTIONS[3]), max_new_tokens=2000)
        assert next(pieces)
        with pytest.raises(GeneratorBusyError):  # its one place is taken
            child.generate(messages, max_new_tokens=4)
        event.set()
        "".join(pieces)  # ends early: the child cancelled it
        assert child.generate(messages, max_new_tokens=4).completion_tokens >= 1  # the place is free again
    finally:
        child.close()


def test_the_child_process_generator_returns_before_its_model_loads_and_reports_a_model_that_cannot(
    settings: Settings, tmp_path: Path
) -> None:
    """A server is ready while its model loads; a model the child cannot load is an error, never a hang."""
    from model.backends.generation_process import ProcessGenerator
    from model.backends.transformers_local import model_identity

    broken = tmp_path / "broken-model"
    shutil.copytree(model_identity(settings, cuda=False).source, broken)
    (broken / "model.safetensors").write_bytes(
        b"these are not weights"
    )  # the tokenizer and config still load
    child = ProcessGenerator(settings.model_copy(update={"generator_model": str(broken)}))
    try:
        # Back at once: the child is still importing torch, seconds away from trying the weights.
        assert not child.loaded and child.failure is None
        with pytest.raises(GeneratorUnavailableError, match="could not load the model"):
            child.wait_loaded(timeout=300)
        assert child.failure and not child.loaded
        with pytest.raises(GeneratorUnavailableError, match="could not load the model"):
            child.generate(_messages(QUESTIONS[0]), max_new_tokens=2)
    finally:
        child.close()


def _shared(a: list[int], b: list[int]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def test_a_prompt_seen_before_reuses_its_keys_and_values_and_writes_the_same_text(
    generator_fp32: TransformersGenerator,
) -> None:
    generator = generator_fp32.with_limits(max_batch=2, max_queue=2)  # its own decoder: an empty prompt cache
    first_ids = generator.prompt_ids(_messages(QUESTIONS[0]))
    other_ids = generator.prompt_ids(_messages(QUESTIONS[1]))
    system = generator.shared_prefix_length(_messages(QUESTIONS[0]), first_ids)
    assert system > 0

    def run(ids: list[int]) -> tuple[str, int]:
        request = generator.scheduler.submit(ids, max_new_tokens=16, prefix_length=system)
        text = "".join(request.pieces())
        return text, request.stats.cached_prompt_tokens

    alone = generator_fp32.generate_unbatched(_messages(QUESTIONS[0]), max_new_tokens=16).text
    assert run(first_ids) == (alone, system)  # first time: only the system turn is reused
    assert run(first_ids) == (alone, len(first_ids) - 1)  # again: all but the last token
    # Another question over the same source shares everything up to the question.
    other_alone = generator_fp32.generate_unbatched(_messages(QUESTIONS[1]), max_new_tokens=16).text
    shared = _shared(first_ids, other_ids)
    assert shared > system + 20
    assert run(other_ids) == (other_alone, shared)


def test_the_batch_cache_grows_in_place(generator: TransformersGenerator) -> None:
    from model.backends.batched_decoder import BatchedDecoder, GrowingLayer

    small = generator.with_limits(max_batch=2, max_queue=0)
    decoder = small.scheduler._decoder
    assert isinstance(decoder, BatchedDecoder)
    row = decoder.prefill(small.prompt_ids(_messages(QUESTIONS[0])))
    decoder.join("a", row)
    decoder.step()
    layers = decoder._cache.layers  # type: ignore[union-attr]
    # Not transformers' concatenating DynamicLayer, which copies the whole cache at every step.
    assert layers and all(type(layer) is GrowingLayer for layer in layers)
    decoder.leave({"a"})
