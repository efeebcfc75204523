"""``POST /query/stream`` as a reader sees it: steps with elapsed time, verified sentences, the final answer.

Each test builds its own runtime, so each has its own answer cache: no test sees another's cached answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from config import Settings
from engine.db import Database
from planner.verification import split_sentences

CALC_QUESTION = "How many users per variant to detect a lift from 10% to 11% conversion at 80% power?"


@pytest.fixture
def own_client(
    api_settings: Settings, corpus_db: Database, embedder: object, generator: object
) -> Iterator[TestClient]:  # type: ignore[type-arg]
    # The calculation question is generated (not the default) so that progress events have something to report.
    settings = api_settings.model_copy(update={"generator_for_calculations": True})
    runtime = Runtime.from_parts(settings, corpus_db, embedder, generator)
    assert len(runtime.cache) == 0
    with TestClient(app=create_app(settings, runtime)) as test_client:
        yield test_client


def _events(client: TestClient, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[type-arg]
    with client.stream("POST", "/query/stream", json=body) as response:
        assert response.status_code == 200
        raw = "".join(response.iter_text()).replace("\r\n", "\n")
    out = []
    for block in raw.split("\n\n"):
        lines = block.strip().splitlines()
        name = next((ln[6:].strip() for ln in lines if ln.startswith("event:")), None)
        data = "".join(ln[5:].lstrip() for ln in lines if ln.startswith("data:"))
        if name and data:
            out.append((name, json.loads(data)))
    return out


def test_steps_then_verified_sentences_then_final_and_no_raw_draft(own_client: TestClient) -> None:  # type: ignore[type-arg]
    events = _events(own_client, {"question": CALC_QUESTION})
    names = [n for n, _ in events]
    assert "token" not in names, "raw draft tokens must not reach the reader"
    assert names[0] == "step" and names[-1] == "final"
    final = events[-1][1]
    # steps first (in route order, elapsed time never going back), then progress only while generating
    steps = [d for n, d in events if n == "step"]
    assert [s["node"] for s in steps][:3] == ["understand", "entities", "traverse"]
    assert "generate" in [s["node"] for s in steps] and "verify" in [s["node"] for s in steps]
    elapsed = [d["elapsed_ms"] for n, d in events if n in ("step", "progress")]
    assert elapsed == sorted(elapsed)
    progress = [d for n, d in events if n == "progress"]
    assert progress, "a generated answer reports progress while it is written"
    assert all(set(p) == {"node", "tokens", "elapsed_ms"} for p in progress), "progress carries no draft text"
    # the sentences come after the last step, and are exactly the verified answer's sentences
    first_sentence = names.index("sentence")
    assert first_sentence > max(i for i, n in enumerate(names) if n in ("step", "progress"))
    sentences = [d["text"] for n, d in events if n == "sentence"]
    assert sentences == split_sentences(final["answer"])
    assert any(
        "14,751" in s for s in sentences
    )  # R power.prop.test(p1=.10, p2=.11, power=.8) -> n = 14750.79


def test_a_repeated_question_streams_from_the_cache(own_client: TestClient) -> None:  # type: ignore[type-arg]
    question = {"question": "What is a sample ratio mismatch?"}
    first = _events(own_client, question)
    again = _events(own_client, question)
    assert again[0][0] == "step" and again[0][1]["node"] == "cache"
    assert [n for n, _ in again] == ["step", *["sentence"] * (len(again) - 2), "final"]
    assert again[-1][1] == first[-1][1]
    assert [d["text"] for n, d in again if n == "sentence"] == [
        d["text"] for n, d in first if n == "sentence"
    ]


def test_an_error_after_the_stream_started_arrives_in_band(own_client: TestClient) -> None:  # type: ignore[type-arg]
    events = _events(own_client, {"question": "What is statistical power?", "as_of": 10**8})
    assert events[-1][0] == "error"
    error = events[-1][1]["error"]
    assert error["status"] == 422 and error["code"] == "invalid_input"
    assert "as_of" in error["message"]
    assert "final" not in [n for n, _ in events]
