"""The CLI's way to a running server: ``expgraph ask`` and ``trace`` go through it instead of loading models.

A server is used when ``EXPGRAPH_SERVER_URL`` is set, or when the configured host and port answer ``/ready`` within
a moment. It already holds the embedder, the generator and the database, so a question costs one HTTP request
instead of loading both models (and the embedded database can be opened by one process only anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from config import Settings

# A local server answers /ready in milliseconds; waiting longer only delays the no-server path.
PROBE_TIMEOUT_S = 0.5
# Generous: an answer can wait for a batch slot on a busy machine.
ANSWER_TIMEOUT_S = 300.0


class ServerError(RuntimeError):
    """The server answered with an error (the message carries its error body) or could not be reached."""


@dataclass(frozen=True, slots=True)
class Server:
    url: str

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            reply = httpx.request(method, self.url + path, timeout=ANSWER_TIMEOUT_S, **kwargs)
        except httpx.HTTPError as exc:
            raise ServerError(
                f"the server at {self.url} could not be reached ({exc}); is it still running?"
            ) from exc
        body: Any = (
            reply.json() if reply.headers.get("content-type", "").startswith("application/json") else {}
        )
        if reply.status_code != 200:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            message = error.get("message") or reply.text[:200]
            retry = (
                f" (retry after {reply.headers['Retry-After']} s)" if "Retry-After" in reply.headers else ""
            )
            raise ServerError(f"the server at {self.url} answered {reply.status_code}: {message}{retry}")
        return dict(body)

    def ask(
        self, question: str, *, as_of: int | None, max_hops: int | None, conversation_id: str | None
    ) -> dict[str, Any]:
        """``POST /query``: the response JSON, as ``AnswerResponse.to_dict`` gives it in-process."""
        payload: dict[str, Any] = {"question": question}
        for key, value in (("as_of", as_of), ("max_hops", max_hops), ("conversation_id", conversation_id)):
            if value is not None:
                payload[key] = value
        return self._call("POST", "/query", json=payload)

    def trace(self, trace_id: str) -> dict[str, Any]:
        """``GET /traces/{id}``."""
        return self._call("GET", f"/traces/{trace_id}")


def find_server(settings: Settings) -> Server | None:
    """The server to use: ``settings.server_url`` if set, else the configured host/port if it is ready."""
    if settings.server_url:
        return Server(settings.server_url.rstrip("/"))
    url = f"http://{settings.host}:{settings.port}"
    try:
        ready = httpx.get(url + "/ready", timeout=PROBE_TIMEOUT_S).status_code == 200
    except httpx.HTTPError:
        return None
    return Server(url) if ready else None
