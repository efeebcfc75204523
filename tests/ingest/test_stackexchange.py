"""Cross Validated collector against stand-in API responses.

The JSON in tests/recordings/stackexchange_*.json was written by hand in the Stack Exchange API 2.3 wrapper format
(this machine has no network), not captured from the live API; see tests/recordings/README.md. It is served with
``httpx.MockTransport``, so the real client code builds, sends and decodes every request.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from ingest.stackexchange import (
    StackExchangeClient,
    StackExchangeError,
    collect_pairs,
    html_to_text,
    pairs_batch,
    write_pairs,
)
from training.sft_data import load_external_examples

RECORDINGS = Path(__file__).parent.parent / "recordings"


def _replay(requests_seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        requests_seen.append(request)
        if request.url.path.endswith("/answers"):
            name = "stackexchange_answers.json"
        elif request.url.params.get("tagged") == "statistical-power":
            name = "stackexchange_questions_power.json"
        else:
            name = "stackexchange_questions.json"
        return httpx.Response(200, content=(RECORDINGS / name).read_bytes())

    return httpx.MockTransport(handle)


def test_questions_are_joined_with_the_accepted_or_top_answer() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    with StackExchangeClient(transport=_replay(seen), sleep=sleeps.append) as client:
        pairs = collect_pairs(client, ("a-b-testing", "statistical-power"))
        quota = client.quota_remaining
    assert [(p.question_id, p.answer_id, p.accepted) for p in pairs] == [
        (9001, 9002, True),
        (9010, 9011, False),
    ]
    assert pairs[0].title == "How many users do I need for an A/B test?"
    assert "14,750 users per group" in pairs[0].answer
    assert "sample size per group & what power" in pairs[0].question
    assert pairs[1].answer_author == "seq_fan" and pairs[1].license == "CC BY-SA 4.0"
    assert sleeps == [2.0], "the API's backoff field is honoured"
    assert quota == 295
    first = seen[0].url.params
    assert (first["site"], first["tagged"], first["sort"], first["filter"]) == (
        "stats",
        "a-b-testing",
        "votes",
        "withbody",
    )
    assert seen[-1].url.path == "/2.3/questions/9001;9010/answers"


def test_an_api_error_is_raised_with_its_message() -> None:
    transport = httpx.MockTransport(
        lambda _r: httpx.Response(
            400,
            json={"error_id": 502, "error_name": "throttle_violation", "error_message": "too many requests"},
        )
    )
    with (
        StackExchangeClient(transport=transport) as client,
        pytest.raises(StackExchangeError, match="throttle_violation"),
    ):
        client.questions("a-b-testing")


def test_html_bodies_become_plain_text() -> None:
    text = html_to_text("<p>Use <code>n = 16σ²/δ²</code> &amp; check.</p><ul><li>One</li><li>Two</li></ul>")
    assert text == "Use `n = 16σ²/δ²` & check.\n\nOne\n\nTwo"


def test_pairs_are_usable_as_external_training_data_and_as_qa_documents(tmp_path: Path) -> None:
    with StackExchangeClient(transport=_replay([]), sleep=lambda _s: None) as client:
        pairs = collect_pairs(client, ("a-b-testing",))
    path = tmp_path / "qa.jsonl"
    assert write_pairs(path, pairs) == 2
    record = json.loads(path.read_text().splitlines()[0])
    assert record["link"].startswith("https://stats.stackexchange.com/questions/9001")
    examples = load_external_examples(path)
    assert examples[0].question.startswith("How many users do I need for an A/B test?")
    assert "14,750" in examples[0].target
    batch = pairs_batch(pairs)
    assert [d.doc_id for d in batch.documents] == ["stats-se-9001", "stats-se-9010"]
    assert all(d.kind == "qa" and d.chunks for d in batch.documents)
    assert "answer by stat_helper (CC BY-SA 4.0)" in batch.documents[0].chunks[-1].text
