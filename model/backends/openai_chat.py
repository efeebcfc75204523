"""A generator served over HTTP by any OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp server).

``generate`` sends one non-streaming request; ``stream`` reads the server-sent events of a streaming one. Greedy
decoding is requested with ``temperature=0``. Every transport or server failure becomes a
``GeneratorUnavailableError`` that names the server and says what to check.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import httpx

from model.generator import (
    FinishReason,
    Generation,
    GeneratorConfigError,
    GeneratorUnavailableError,
    validate_request,
)

if TYPE_CHECKING:
    from config import Settings
    from model.prompts import ChatMessage

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=120.0, write=30.0, pool=10.0)
# The OpenAI API rejects more than four stop sequences; sending at most four works on every server.
MAX_STOP_SEQUENCES = 4


class OpenAIChatGenerator:
    """Chat completions against ``base_url`` (which usually ends in ``/v1``)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        max_new_tokens: int = 160,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise GeneratorConfigError(
                f"openai_base_url must be an http(s) URL like http://localhost:8000/v1; got {base_url!r}"
            )
        if not model:
            raise GeneratorConfigError(
                "openai_model is empty; set EXPGRAPH_OPENAI_MODEL to the served model name"
            )
        self._base_url = base_url.rstrip("/")
        self._model = model
        self._max_new_tokens = max_new_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=self._base_url, headers=headers, timeout=timeout, transport=transport
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.BaseTransport | None = None
    ) -> OpenAIChatGenerator:
        """Build from ``openai_base_url``, ``openai_model`` and ``openai_api_key``."""
        if not settings.openai_base_url or not settings.openai_model:
            raise GeneratorConfigError(
                "generator_backend=openai needs EXPGRAPH_OPENAI_BASE_URL (e.g. http://localhost:8000/v1) "
                "and EXPGRAPH_OPENAI_MODEL (the name the server serves)"
            )
        return cls(
            settings.openai_base_url,
            settings.openai_model,
            api_key=settings.openai_api_key,
            max_new_tokens=settings.generator_max_new_tokens,
            transport=transport,
        )

    @property
    def model_id(self) -> str:
        return f"openai:{self._model}@{urlsplit(self._base_url).netloc}"

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _body(
        self, messages: Sequence[ChatMessage], max_new_tokens: int, stop: Sequence[str] | None, stream: bool
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_new_tokens,
            "temperature": 0.0,
            "stream": stream,
        }
        if stop:
            body["stop"] = list(stop)[:MAX_STOP_SEQUENCES]
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body

    def generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        """One non-streaming completion. ``time_to_first_token`` equals ``seconds`` (the server sends it all at once)."""
        limit = validate_request(messages, max_new_tokens, self._max_new_tokens)
        started = time.perf_counter()
        with self._transport_errors():
            response = self._client.post(
                "/chat/completions", json=self._body(messages, limit, stop, stream=False)
            )
        self._raise_for_status(response)
        payload = self._json(response.text)
        try:
            choice = payload["choices"][0]
            text = choice["message"].get("content") or ""
            finish = choice.get("finish_reason")
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise self._unexpected(f"no choices[0].message in {response.text[:300]!r}") from exc
        usage = payload.get("usage") or {}
        seconds = time.perf_counter() - started
        return Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            seconds=seconds,
            time_to_first_token=seconds,
            finish_reason=_finish_reason(finish),
        )

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """Yield content deltas from the server's event stream as they arrive."""
        limit = validate_request(messages, max_new_tokens, self._max_new_tokens)
        return self._stream(self._body(messages, limit, stop, stream=True))

    def _stream(self, body: dict[str, Any]) -> Iterator[str]:
        with (
            self._transport_errors(),
            self._client.stream("POST", "/chat/completions", json=body) as response,
        ):
            if response.status_code >= 400:
                response.read()
                self._raise_for_status(response)
            for event in _sse_data(response.iter_lines()):
                if event == "[DONE]":
                    return
                payload = self._json(event)
                if "error" in payload:
                    raise GeneratorUnavailableError(
                        f"{self._base_url} reported an error mid-stream: {_error_message(payload)}"
                    )
                for choice in payload.get("choices") or []:
                    content = (choice.get("delta") or {}).get("content")
                    if content:
                        yield content

    # --- errors ---------------------------------------------------------------------------------------------

    def _transport_errors(self) -> _TransportErrors:
        return _TransportErrors(self._base_url)

    def _raise_for_status(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        detail = _error_message(_try_json(response.text)) or response.text[:300]
        hint = {
            401: "check EXPGRAPH_OPENAI_API_KEY",
            403: "check EXPGRAPH_OPENAI_API_KEY",
            404: f"check that the URL ends in /v1 and that the server serves model {self._model!r}",
            429: "the server is overloaded; retry later",
        }.get(response.status_code, "see the server's log")
        raise GeneratorUnavailableError(
            f"{self._base_url}/chat/completions answered HTTP {response.status_code}: {detail} ({hint})"
        )

    def _json(self, text: str) -> dict[str, Any]:
        payload = _try_json(text)
        if not isinstance(payload, dict):
            raise self._unexpected(f"not a JSON object: {text[:300]!r}")
        return payload

    def _unexpected(self, what: str) -> GeneratorUnavailableError:
        return GeneratorUnavailableError(
            f"{self._base_url} is not answering like an OpenAI-compatible chat server ({what})"
        )


class _TransportErrors:
    """Context manager turning httpx transport failures into ``GeneratorUnavailableError``."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> Literal[False]:
        if isinstance(exc, httpx.TimeoutException):
            raise GeneratorUnavailableError(
                f"{self._base_url} timed out ({type(exc).__name__}); the server may be overloaded or the model "
                "still loading"
            ) from exc
        if isinstance(exc, httpx.TransportError):
            raise GeneratorUnavailableError(
                f"cannot reach the generator server at {self._base_url} ({exc}); is it running? "
                "check EXPGRAPH_OPENAI_BASE_URL"
            ) from exc
        return False


def _sse_data(lines: Iterator[str]) -> Iterator[str]:
    """The ``data`` payloads of a server-sent event stream (multi-line data joined with newlines)."""
    buffer: list[str] = []
    for line in lines:
        if not line:
            if buffer:
                yield "\n".join(buffer)
                buffer = []
            continue
        if line.startswith(":"):
            continue  # comment / keep-alive
        field, _, value = line.partition(":")
        if field == "data":
            buffer.append(value[1:] if value.startswith(" ") else value)
    if buffer:
        yield "\n".join(buffer)


def _try_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _error_message(payload: Any) -> str:
    if not isinstance(payload, dict):
        return ""
    error = payload.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error)
    if error:
        return str(error)
    return str(payload.get("message") or payload.get("detail") or "")


def _finish_reason(value: object) -> FinishReason:
    return "length" if value == "length" else "stop"
