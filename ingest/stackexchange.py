"""Cross Validated (stats.stackexchange.com) questions with accepted or top answers (needs network; optional).

Uses the public Stack Exchange API 2.3 over httpx: questions per tag (a-b-testing, experimental-design,
sample-size, statistical-power by default) with their bodies, then the accepted (else highest-voted) answer of each.
Results become Q&A pairs (JSONL, CC BY-SA with attribution kept) and/or ``qa`` documents for the ingest pipeline.
The API's ``backoff`` field is honoured and the daily quota is reported.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from ingest.source_document import SourceBatch, SourceDocument, build_markdown_document

API_ROOT = "https://api.stackexchange.com/2.3"
SITE = "stats"
DEFAULT_TAGS = ("a-b-testing", "experimental-design", "sample-size", "statistical-power")
# The built-in "withbody" filter adds question and answer bodies (HTML) to the default fields.
FILTER = "withbody"
EXTRACTOR = "stackexchange"
EXTRACTOR_VERSION = "1"
LICENSE = "CC BY-SA 4.0"


class StackExchangeError(RuntimeError):
    """The API refused or failed; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class QAPair:
    """One question with its chosen answer, attribution included."""

    question_id: int
    title: str
    question: str
    answer: str
    answer_id: int
    answer_score: int
    accepted: bool
    tags: tuple[str, ...]
    link: str
    question_author: str
    answer_author: str
    license: str = LICENSE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|br|li|ul|ol|pre|blockquote|h\d)[^>]*>", re.IGNORECASE)


def html_to_text(body: str) -> str:
    """Stack Exchange HTML bodies as plain text: block tags become line breaks, entities are decoded."""
    text = _BLOCK.sub("\n", body)
    text = re.sub(r"<code>(.*?)</code>", r"`\1`", text, flags=re.DOTALL)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


class StackExchangeClient:
    """A small client for the endpoints we use. Pass ``transport`` (e.g. ``httpx.MockTransport``) in tests."""

    def __init__(
        self,
        *,
        key: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = httpx.Client(
            base_url=API_ROOT, transport=transport, timeout=timeout, headers={"Accept-Encoding": "gzip"}
        )
        self._key = key
        self._sleep = sleep
        self.quota_remaining: int | None = None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> StackExchangeClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        """One API call; honours ``backoff`` and raises ``StackExchangeError`` on ``error_id`` or HTTP failure."""
        query = {"site": SITE, "filter": FILTER, **params}
        if self._key:
            query["key"] = self._key
        try:
            response = self._client.get(path, params=query)
        except httpx.HTTPError as exc:
            raise StackExchangeError(f"Stack Exchange API unreachable ({exc}); check the network") from exc
        try:
            data: dict[str, Any] = response.json()
        except ValueError as exc:
            raise StackExchangeError(
                f"Stack Exchange API answered HTTP {response.status_code} without JSON"
            ) from exc
        if "error_id" in data:
            raise StackExchangeError(
                f"Stack Exchange API error {data.get('error_id')} {data.get('error_name')}: "
                f"{data.get('error_message')} (throttled? wait and retry, or pass an API key)"
            )
        self.quota_remaining = data.get("quota_remaining", self.quota_remaining)
        if data.get("backoff"):
            self._sleep(float(data["backoff"]))
        return data

    def questions(
        self, tag: str, *, pages: int = 1, page_size: int = 30, min_score: int = 1
    ) -> list[dict[str, Any]]:
        """Answered questions with ``tag``, highest-voted first."""
        items: list[dict[str, Any]] = []
        for page in range(1, pages + 1):
            data = self.get(
                "/questions",
                {"tagged": tag, "sort": "votes", "order": "desc", "page": page, "pagesize": page_size},
            )
            items.extend(
                q for q in data.get("items", []) if q.get("is_answered") and q.get("score", 0) >= min_score
            )
            if not data.get("has_more"):
                break
        return items

    def answers(self, question_ids: Sequence[int]) -> list[dict[str, Any]]:
        """All answers of up to 100 questions per call, highest-voted first."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(question_ids), 100):
            ids = ";".join(str(i) for i in question_ids[start : start + 100])
            data = self.get(f"/questions/{ids}/answers", {"sort": "votes", "order": "desc", "pagesize": 100})
            out.extend(data.get("items", []))
        return out


def pair_questions(questions: Iterable[dict[str, Any]], answers: Iterable[dict[str, Any]]) -> list[QAPair]:
    """Join questions with their accepted answer (else the top-scored one); questions without answers drop out."""
    by_question: dict[int, list[dict[str, Any]]] = {}
    for a in answers:
        by_question.setdefault(int(a["question_id"]), []).append(a)
    pairs: list[QAPair] = []
    seen: set[int] = set()
    for q in questions:
        qid = int(q["question_id"])
        candidates = by_question.get(qid)
        if qid in seen or not candidates:
            continue
        seen.add(qid)
        accepted_id = q.get("accepted_answer_id")
        best = next((a for a in candidates if a["answer_id"] == accepted_id), None)
        best = best or max(candidates, key=lambda a: int(a.get("score", 0)))
        pairs.append(
            QAPair(
                question_id=qid,
                title=html.unescape(str(q["title"])),
                question=html_to_text(str(q.get("body", ""))),
                answer=html_to_text(str(best.get("body", ""))),
                answer_id=int(best["answer_id"]),
                answer_score=int(best.get("score", 0)),
                accepted=best["answer_id"] == accepted_id,
                tags=tuple(q.get("tags", ())),
                link=str(q.get("link", f"https://stats.stackexchange.com/q/{qid}")),
                question_author=str((q.get("owner") or {}).get("display_name", "unknown")),
                answer_author=str((best.get("owner") or {}).get("display_name", "unknown")),
            )
        )
    return pairs


def collect_pairs(
    client: StackExchangeClient,
    tags: Sequence[str] = DEFAULT_TAGS,
    *,
    pages: int = 1,
    min_score: int = 1,
) -> list[QAPair]:
    """Questions for every tag (deduplicated across tags) joined with their best answers."""
    questions: dict[int, dict[str, Any]] = {}
    for tag in tags:
        for q in client.questions(tag, pages=pages, min_score=min_score):
            questions.setdefault(int(q["question_id"]), q)
    answers = client.answers(sorted(questions))
    return pair_questions(questions.values(), answers)


def qa_document(pair: QAPair) -> SourceDocument:
    """A ``qa`` document (doc id ``stats-se-<question id>``) with question, answer and attribution."""
    markdown = (
        f"# {pair.title}\n\n## Question\n\n{pair.question}\n\n## Answer\n\n{pair.answer}\n\n"
        f"Source: {pair.link} — question by {pair.question_author}, answer by {pair.answer_author} ({pair.license}).\n"
    )
    return build_markdown_document(
        doc_id=f"stats-se-{pair.question_id}",
        title=pair.title,
        kind="qa",
        source=f"stats.stackexchange.com/q/{pair.question_id}",
        uri=pair.link,
        markdown=markdown,
        metadata={
            "tags": list(pair.tags),
            "answer_id": pair.answer_id,
            "answer_score": pair.answer_score,
            "accepted": pair.accepted,
            "license": pair.license,
        },
    )


def pairs_batch(pairs: Sequence[QAPair]) -> SourceBatch:
    """A partial batch of ``qa`` documents (retracts nothing)."""
    return SourceBatch(EXTRACTOR, EXTRACTOR_VERSION, tuple(qa_document(p) for p in pairs), scope=None)


def write_pairs(path: Path, pairs: Iterable[QAPair]) -> int:
    """Q&A pairs as JSONL records ``{"question", "answer", ...}`` (``training.sft_data.load_external_examples`` reads
    them as external training data); returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            record = {**pair.to_dict(), "question": f"{pair.title}\n\n{pair.question}"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n
