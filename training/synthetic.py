"""Synthetic question/answer pairs from paper abstracts through the Anthropic API (needs network and a key; optional).

For each paper (``ingest.arxiv.ArxivPaper``) the model writes a few questions a practitioner might ask that the
abstract answers, each with a short answer grounded in the abstract. Before a run ``estimate_cost`` prices it;
during a run the cost is tracked from the API's reported usage. Requests are rate limited (requests per minute),
retried with exponential backoff on rate limits, overload, 5xx and connection errors (honouring ``retry-after``),
and every finished paper is appended to a JSONL checkpoint, so an interrupted run resumes where it stopped.
Output lines are ``{"question", "answer", ...}``, which ``training.sft_data.load_external_examples`` reads.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.arxiv import ArxivPaper
from model.prompts import SYNTHETIC_PROMPT_VERSION, SYNTHETIC_SYSTEM_PROMPT, synthetic_user_prompt

DEFAULT_MODEL = "claude-haiku-4-5"
# USD per million tokens (input, output), from Anthropic's public price list; pass prices= for other models.
PRICES: dict[str, tuple[float, float]] = {
    "claude-haiku-4-5": (1.0, 5.0),
    "claude-sonnet-4-5": (3.0, 15.0),
    "claude-opus-4-1": (15.0, 75.0),
}
CHARS_PER_TOKEN = 4.0


class SyntheticError(RuntimeError):
    """The run cannot continue (no key, API refused after all retries, unknown price); the message says why."""


@dataclass(frozen=True, slots=True)
class SyntheticConfig:
    """Model, size of each request and pacing."""

    model: str = DEFAULT_MODEL
    questions_per_paper: int = 3
    max_tokens: int = 700
    requests_per_minute: float = 30.0
    max_retries: int = 5
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    budget_usd: float | None = None


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """Expected tokens and USD for a run (input estimated from text length, output from ``max_tokens`` × 0.6)."""

    requests: int
    input_tokens: int
    output_tokens: int
    usd: float


def price_of(model: str, prices: dict[str, tuple[float, float]] | None = None) -> tuple[float, float]:
    """(input, output) USD per million tokens for ``model``."""
    table = {**PRICES, **(prices or {})}
    for name, price in table.items():
        if model == name or model.startswith(name):
            return price
    raise SyntheticError(f"no price known for model {model!r}; pass prices={{'{model}': (input, output)}}")


def user_prompt(paper: ArxivPaper, n: int) -> str:
    """The user turn for one paper."""
    return synthetic_user_prompt(paper.title, paper.summary, n)


def estimate_cost(
    papers: Sequence[ArxivPaper],
    config: SyntheticConfig,
    prices: dict[str, tuple[float, float]] | None = None,
) -> CostEstimate:
    """Price a run before making it."""
    p_in, p_out = price_of(config.model, prices)
    system = len(SYNTHETIC_SYSTEM_PROMPT) / CHARS_PER_TOKEN
    tokens_in = sum(
        math.ceil(system + len(user_prompt(p, config.questions_per_paper)) / CHARS_PER_TOKEN) for p in papers
    )
    tokens_out = int(len(papers) * config.max_tokens * 0.6)
    return CostEstimate(len(papers), tokens_in, tokens_out, (tokens_in * p_in + tokens_out * p_out) / 1e6)


def parse_pairs(text: str) -> list[dict[str, str]]:
    """The JSON list in a reply (tolerating prose or code fences around it); items without both keys drop out."""
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        raise ValueError("the reply holds no JSON list")
    data = json.loads(text[start : end + 1])
    pairs: list[dict[str, str]] = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict):
            q, a = str(item.get("question") or "").strip(), str(item.get("answer") or "").strip()
            if q and a:
                pairs.append({"question": q, "answer": a})
    return pairs


def backoff_delay(
    attempt: int, config: SyntheticConfig, retry_after: float | None, rng: random.Random
) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): ``retry-after`` if given, else jittered exponential."""
    if retry_after is not None:
        return min(retry_after, config.backoff_max_s)
    return min(config.backoff_base_s * 2 ** (attempt - 1) * (1 + rng.random() * 0.25), config.backoff_max_s)


def done_paper_ids(checkpoint: Path) -> set[str]:
    """Papers already finished in a checkpoint file."""
    if not checkpoint.is_file():
        return set()
    with checkpoint.open(encoding="utf-8") as handle:
        return {json.loads(line)["paper_id"] for line in handle if line.strip()}


@dataclass(slots=True)
class RunStats:
    """What a run did and cost so far."""

    papers_done: int = 0
    papers_skipped: int = 0
    papers_failed: int = 0
    pairs: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    usd: float = 0.0
    failures: list[str] = field(default_factory=list)


class SyntheticQAGenerator:
    """Runs papers through the Messages API; ``client`` is an ``anthropic.Anthropic`` (build it with max_retries=0:
    retries are ours)."""

    def __init__(
        self,
        client: Any,
        config: SyntheticConfig,
        *,
        prices: dict[str, tuple[float, float]] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        seed: int = 0,
    ) -> None:
        self._client = client
        self._config = config
        self._price = price_of(config.model, prices)
        self._sleep = sleep
        self._clock = clock
        self._rng = random.Random(seed)
        self._last_request: float | None = None

    def _pace(self) -> None:
        interval = 60.0 / self._config.requests_per_minute
        now = self._clock()
        if self._last_request is not None and now - self._last_request < interval:
            self._sleep(interval - (now - self._last_request))
        self._last_request = self._clock()

    def _call(self, paper: ArxivPaper, stats: RunStats) -> Any:
        import anthropic

        retryable: Exception
        for attempt in range(1, self._config.max_retries + 2):
            self._pace()
            try:
                return self._client.messages.create(
                    model=self._config.model,
                    max_tokens=self._config.max_tokens,
                    system=SYNTHETIC_SYSTEM_PROMPT,
                    messages=[
                        {"role": "user", "content": user_prompt(paper, self._config.questions_per_paper)}
                    ],
                )
            except (
                anthropic.RateLimitError,
                anthropic.InternalServerError,
                anthropic.APIConnectionError,
            ) as exc:
                retryable = exc
            except anthropic.APIStatusError as exc:
                if exc.status_code not in (408, 409, 429, 529) and exc.status_code < 500:
                    raise SyntheticError(
                        f"Anthropic API refused the request ({exc.status_code}: {exc.message})"
                    ) from exc
                retryable = exc
            if attempt > self._config.max_retries:
                raise SyntheticError(f"gave up after {attempt} attempts: {retryable}") from retryable
            stats.retries += 1
            self._sleep(backoff_delay(attempt, self._config, _retry_after(retryable), self._rng))
        raise AssertionError("unreachable")

    def run(
        self,
        papers: Iterable[ArxivPaper],
        checkpoint: Path,
        *,
        on_paper: Callable[[RunStats], None] | None = None,
    ) -> RunStats:
        """Generate pairs for every paper not yet in ``checkpoint``, appending each finished paper's pairs."""
        stats = RunStats()
        done = done_paper_ids(checkpoint)
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        with checkpoint.open("a", encoding="utf-8") as out:
            for paper in papers:
                if paper.arxiv_id in done:
                    stats.papers_skipped += 1
                    continue
                if self._config.budget_usd is not None and stats.usd >= self._config.budget_usd:
                    stats.failures.append(f"budget of ${self._config.budget_usd:.2f} reached; stopped")
                    break
                message = self._call(paper, stats)
                usage = getattr(message, "usage", None)
                tokens_in = int(getattr(usage, "input_tokens", 0) or 0)
                tokens_out = int(getattr(usage, "output_tokens", 0) or 0)
                stats.input_tokens += tokens_in
                stats.output_tokens += tokens_out
                stats.usd += (tokens_in * self._price[0] + tokens_out * self._price[1]) / 1e6
                text = "".join(getattr(b, "text", "") for b in message.content)
                try:
                    pairs = parse_pairs(text)
                except ValueError as exc:
                    stats.papers_failed += 1
                    stats.failures.append(f"{paper.arxiv_id}: {exc}")
                    continue
                for pair in pairs:
                    record = {
                        **pair,
                        "paper_id": paper.arxiv_id,
                        "paper_title": paper.title,
                        "paper_url": paper.url,
                        "model": self._config.model,
                        "prompt_version": SYNTHETIC_PROMPT_VERSION,
                    }
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                if not pairs:
                    # An empty reply still marks the paper done, so a resumed run does not pay for it again.
                    out.write(
                        json.dumps({"paper_id": paper.arxiv_id, "question": "", "answer": "", "empty": True})
                        + "\n"
                    )
                out.flush()
                stats.papers_done += 1
                stats.pairs += len(pairs)
                if on_paper is not None:
                    on_paper(stats)
        return stats


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def usable_pairs(checkpoint: Path, out: Path) -> int:
    """Copy the non-empty pairs of a checkpoint to ``out`` (external SFT data); returns how many."""
    n = 0
    with checkpoint.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line) if line.strip() else {}
            if record.get("question") and record.get("answer"):
                dst.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
    return n
