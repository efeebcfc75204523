"""Answer admission: with every place taken, a question is refused at once with 503 and Retry-After."""

from __future__ import annotations

import time

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from config import Settings
from engine.db import Database
from model.generator import GeneratorBusyError
from services.admission import Admission


def test_admission_counts_places_and_refuses_beyond_capacity() -> None:
    admission = Admission(2)
    first, second = admission.acquire(), admission.acquire()
    with pytest.raises(GeneratorBusyError) as refused:
        admission.acquire()
    assert refused.value.retry_after >= 1
    admission.release(first)
    with admission.place():
        assert admission.in_flight == 2
    admission.release(second)
    assert admission.in_flight == 0


def test_a_full_house_answers_503_with_retry_after_at_once(
    api_settings: Settings, db: Database, embedder: object, generator: object
) -> None:
    runtime = Runtime.from_parts(api_settings, db, embedder, generator)
    assert runtime.admission.capacity == api_settings.generator_max_batch + api_settings.generator_max_queue
    held = [runtime.admission.acquire() for _ in range(runtime.admission.capacity)]
    try:
        with TestClient(app=create_app(api_settings, runtime)) as client:
            for path in ("/query", "/query/stream"):
                started = time.monotonic()
                reply = client.post(
                    path, json={"question": "What is a p-value?"}, headers={"Cache-Control": "no-cache"}
                )
                assert time.monotonic() - started < 5.0  # refused, never left waiting
                assert reply.status_code == 503
                assert reply.json()["error"]["code"] == "busy"
                assert int(reply.headers["retry-after"]) >= 1
    finally:
        for started_at in held:
            runtime.admission.release(started_at)
    assert runtime.admission.in_flight == 0
