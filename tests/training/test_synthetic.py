"""Synthetic Q&A through the real Anthropic SDK against stand-in HTTP responses.

tests/recordings/anthropic_*.json were written by hand in the Messages API response format (this machine has no
network and no key), not captured from the live API; see tests/recordings/README.md. They are served through
``httpx2.MockTransport`` given to ``anthropic.Anthropic(http_client=...)``, so the SDK's request and error handling run.
"""

from __future__ import annotations

import json
from pathlib import Path

import anthropic
import httpx2 as httpx  # the Anthropic SDK is built on httpx2, which mirrors httpx's API
import pytest

from ingest.arxiv import ArxivPaper
from training.sft_data import load_external_examples
from training.synthetic import (
    SyntheticConfig,
    SyntheticError,
    SyntheticQAGenerator,
    backoff_delay,
    estimate_cost,
    parse_pairs,
    usable_pairs,
)

RECORDINGS = Path(__file__).parent.parent / "recordings"
PAPERS = [
    ArxivPaper(
        "1512.04922",
        "Always Valid Inference",
        ("R. Johari",),
        "A/B tests are typically analyzed ...",
        "2015-12-15",
        ("math.ST",),
        "http://arxiv.org/abs/1512.04922v4",
    ),
    ArxivPaper(
        "2212.11366",
        "Statistical Challenges",
        ("N. Larsen",),
        "The rise of online experiments ...",
        "2022-12-21",
        ("stat.ME",),
        "http://arxiv.org/abs/2212.11366v2",
    ),
]


def _client(responses: list[httpx.Response], seen: list[httpx.Request]) -> anthropic.Anthropic:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses.pop(0)

    return anthropic.Anthropic(
        api_key="test-key", max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(handle))
    )


def _ok() -> httpx.Response:
    return httpx.Response(200, content=(RECORDINGS / "anthropic_message.json").read_bytes())


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def test_overload_is_retried_with_backoff_then_pairs_and_cost_are_recorded(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    overloaded = httpx.Response(
        529, content=(RECORDINGS / "anthropic_overloaded.json").read_bytes(), headers={"retry-after": "4"}
    )
    clock = _Clock()
    config = SyntheticConfig(requests_per_minute=60.0)
    generator = SyntheticQAGenerator(
        _client([overloaded, _ok(), _ok()], seen), config, sleep=clock.sleep, clock=clock
    )
    stats = generator.run(PAPERS, tmp_path / "ckpt.jsonl")
    assert (stats.papers_done, stats.pairs, stats.retries) == (2, 4, 1)
    assert 4.0 in clock.sleeps, "retry-after is honoured"
    assert (stats.input_tokens, stats.output_tokens) == (624, 192)
    assert stats.usd == pytest.approx((624 * 1.0 + 192 * 5.0) / 1e6)
    body = json.loads(seen[0].content)
    assert body["model"] == "claude-haiku-4-5" and "Always Valid Inference" in body["messages"][0]["content"]
    lines = [json.loads(x) for x in (tmp_path / "ckpt.jsonl").read_text().splitlines()]
    assert [x["paper_id"] for x in lines] == ["1512.04922"] * 2 + ["2212.11366"] * 2


def test_a_rerun_resumes_from_the_checkpoint_without_new_requests(tmp_path: Path) -> None:
    checkpoint = tmp_path / "ckpt.jsonl"
    SyntheticQAGenerator(_client([_ok()], []), SyntheticConfig(), sleep=lambda _s: None).run(
        PAPERS[:1], checkpoint
    )
    seen: list[httpx.Request] = []
    stats = SyntheticQAGenerator(_client([_ok()], seen), SyntheticConfig(), sleep=lambda _s: None).run(
        PAPERS, checkpoint
    )
    assert (stats.papers_skipped, stats.papers_done, len(seen)) == (1, 1, 1)
    out = tmp_path / "pairs.jsonl"
    assert usable_pairs(checkpoint, out) == 4
    assert load_external_examples(out)[0].question.startswith("Why are p-values unreliable")


def test_an_invalid_key_fails_at_once_without_retries(tmp_path: Path) -> None:
    bad = httpx.Response(401, content=(RECORDINGS / "anthropic_invalid_key.json").read_bytes())
    generator = SyntheticQAGenerator(_client([bad], []), SyntheticConfig(), sleep=lambda _s: None)
    with pytest.raises(SyntheticError, match="refused the request \\(401"):
        generator.run(PAPERS, tmp_path / "c.jsonl")


def test_requests_are_paced_to_the_rate_limit(tmp_path: Path) -> None:
    clock = _Clock()
    generator = SyntheticQAGenerator(
        _client([_ok(), _ok()], []), SyntheticConfig(requests_per_minute=12.0), sleep=clock.sleep, clock=clock
    )
    generator.run(PAPERS, tmp_path / "c.jsonl")
    assert clock.sleeps == [5.0]


def test_cost_is_estimated_before_a_run() -> None:
    estimate = estimate_cost(PAPERS, SyntheticConfig(max_tokens=500))
    assert estimate.requests == 2 and estimate.output_tokens == 600
    assert estimate.usd == pytest.approx((estimate.input_tokens * 1.0 + 600 * 5.0) / 1e6)
    with pytest.raises(SyntheticError, match="no price known"):
        estimate_cost(PAPERS, SyntheticConfig(model="mystery-model"))


def test_pairs_are_read_from_a_reply_with_prose_around_the_json() -> None:
    assert parse_pairs('Here:\n```json\n[{"question": "Q?", "answer": "A."}, {"question": ""}]\n```') == [
        {"question": "Q?", "answer": "A."}
    ]
    with pytest.raises(ValueError):
        parse_pairs("no json here")


def test_backoff_grows_exponentially_and_is_capped() -> None:
    import random

    config = SyntheticConfig(backoff_base_s=1.0, backoff_max_s=10.0)
    rng = random.Random(0)
    delays = [backoff_delay(a, config, None, rng) for a in (1, 2, 3, 6)]
    assert 1.0 <= delays[0] <= 1.25 and 2.0 <= delays[1] <= 2.5 and 4.0 <= delays[2] <= 5.0
    assert delays[3] == 10.0
