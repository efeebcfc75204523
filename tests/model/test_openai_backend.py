"""The OpenAI-compatible HTTP backend against hand-written server responses.

The bodies under tests/model/openai_responses/ were written by hand in the documented formats of vLLM and the
llama.cpp server (see its README.md); they were not captured from a live exchange, since no such server can run
here. ``httpx.MockTransport`` serves them. Transport failures (refused connection, timeout) are raised by the mock
transport because they cannot be caused otherwise offline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from config import Settings
from model.backends.openai_chat import OpenAIChatGenerator
from model.generator import GeneratorConfigError, GeneratorUnavailableError
from model.loader import build_generator
from model.prompts import ChatMessage, PromptSource, build_answer_messages

RESPONSES = Path(__file__).parent / "openai_responses"
BASE_URL = "http://vllm.internal:8000/v1"
MESSAGES = build_answer_messages(
    "What does a p-value mean in an A/B test?",
    [PromptSource(1, "p-value", "The probability of data at least as extreme as observed under the null.")],
)


def response_body(name: str) -> str:
    return (RESPONSES / name).read_text()


def serve(handler: Callable[[httpx.Request], httpx.Response]) -> OpenAIChatGenerator:
    return OpenAIChatGenerator(
        BASE_URL,
        "HuggingFaceTB/SmolLM2-360M-Instruct",
        api_key="sk-test",
        transport=httpx.MockTransport(handler),
    )


def documented_server(seen: list[dict[str, object]]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url == httpx.URL(f"{BASE_URL}/chat/completions")
        assert request.headers["authorization"] == "Bearer sk-test"
        body = json.loads(request.content)
        seen.append(body)
        if body["stream"]:
            return httpx.Response(
                200,
                headers={"content-type": "text/event-stream"},
                content=response_body("chat_completion_stream.sse"),
            )
        return httpx.Response(200, json=json.loads(response_body("chat_completion.json")))

    return handler


EXPECTED = (
    "A p-value is the probability of seeing a difference at least this large if the variants truly "
    "performed the same [1]."
)


def test_generate_sends_a_greedy_chat_request_and_reads_text_and_usage() -> None:
    seen: list[dict[str, object]] = []
    generation = serve(documented_server(seen)).generate(MESSAGES, max_new_tokens=64, stop=["\n\n"])
    assert generation.text == EXPECTED
    assert (generation.prompt_tokens, generation.completion_tokens) == (87, 26)
    assert generation.finish_reason == "stop"
    body = seen[0]
    assert body["temperature"] == 0.0 and body["max_tokens"] == 64 and body["stop"] == ["\n\n"]
    assert body["messages"] == [{"role": m.role, "content": m.content} for m in MESSAGES]


def test_stream_yields_the_server_sent_deltas_in_order() -> None:
    seen: list[dict[str, object]] = []
    pieces = list(serve(documented_server(seen)).stream(MESSAGES))
    assert "".join(pieces) == EXPECTED
    assert pieces[:3] == ["A", " p", "-value"]
    assert seen[0]["stream"] is True and seen[0]["stream_options"] == {"include_usage": True}


def test_http_error_names_the_server_status_and_what_to_check() -> None:
    generator = serve(
        lambda request: httpx.Response(404, json=json.loads(response_body("error_model_not_found.json")))
    )
    with pytest.raises(
        GeneratorUnavailableError, match=r"HTTP 404: The model `llama-3.2-3b` does not exist.*/v1"
    ):
        generator.generate(MESSAGES)
    with pytest.raises(GeneratorUnavailableError, match="HTTP 404"):
        list(generator.stream(MESSAGES))


def test_error_event_in_the_middle_of_a_stream_is_raised_after_the_text_so_far() -> None:
    generator = serve(
        lambda request: httpx.Response(200, content=response_body("chat_completion_stream_error.sse"))
    )
    stream = generator.stream(MESSAGES)
    assert next(stream) == "A p-value"
    with pytest.raises(GeneratorUnavailableError, match="exceeds the available context size"):
        next(stream)


def test_unreachable_server_and_timeout_give_clear_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(GeneratorUnavailableError, match=r"cannot reach .*is it running"):
        serve(refuse).generate(MESSAGES)
    with pytest.raises(GeneratorUnavailableError, match="timed out"):
        list(serve(slow).stream(MESSAGES))


def test_a_server_that_does_not_speak_the_protocol_is_reported() -> None:
    generator = serve(lambda request: httpx.Response(200, text="<html>nginx welcome</html>"))
    with pytest.raises(GeneratorUnavailableError, match="not answering like an OpenAI-compatible"):
        generator.generate(MESSAGES)


def test_openai_backend_needs_url_and_model_in_settings(tmp_path: Path) -> None:
    with pytest.raises(GeneratorConfigError, match="EXPGRAPH_OPENAI_BASE_URL"):
        build_generator(Settings(data_dir=tmp_path, generator_backend="openai"))
    with pytest.raises(GeneratorConfigError, match="http"):
        OpenAIChatGenerator("localhost:8000", "m")
    generator = build_generator(
        Settings(data_dir=tmp_path, generator_backend="openai", openai_base_url=BASE_URL, openai_model="smol")
    )
    assert generator.model_id == "openai:smol@vllm.internal:8000"
    with pytest.raises(ValueError, match="at least one user message"):
        generator.generate([])
    with pytest.raises(ValueError, match="at least 1"):
        generator.generate([ChatMessage("user", "hi")], max_new_tokens=0)
