"""The reranker's share in the focused evidence: a shift of the blend's best sentences by the reranker's standardised
score, nothing for the sentences it never read."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from planner.reranking import RERANK_CANDIDATES, RERANK_WEIGHT, reranked

TEXTS = [f"sentence {i}" for i in range(RERANK_CANDIDATES + 5)]
SCORES = [0.9 - i / 100 for i in range(len(TEXTS))]  # sentence 0 best


def test_only_the_blends_best_are_read_and_the_rest_keep_their_score() -> None:
    read: list[str] = []

    def opinion(question: str, sentences: Sequence[str]) -> list[float]:
        read.extend(sentences)
        return [1.0 if s == "sentence 29" else 0.0 for s in sentences]

    out, scores = reranked("q", TEXTS, SCORES, opinion)
    assert read == TEXTS[:RERANK_CANDIDATES]
    assert out[RERANK_CANDIDATES:] == SCORES[RERANK_CANDIDATES:]
    assert set(scores) == set(range(RERANK_CANDIDATES)) and scores[29] == 1.0
    # one sentence backed among thirty: sqrt(29) standard deviations above their mean, the others 1/sqrt(29) below
    assert out[29] == pytest.approx(SCORES[29] + RERANK_WEIGHT * 29**0.5)
    assert out[0] == pytest.approx(SCORES[0] - RERANK_WEIGHT / 29**0.5)
    assert max(range(len(out)), key=out.__getitem__) == 29


def test_a_reranker_without_an_opinion_changes_nothing() -> None:
    out, _ = reranked("q", TEXTS, SCORES, lambda q, ss: [0.3] * len(ss))
    assert out == SCORES


def test_a_single_sentence_is_not_reranked() -> None:
    def never(question: str, sentences: Sequence[str]) -> list[float]:
        raise AssertionError("one sentence has nothing to be ranked against")

    assert reranked("q", ["only"], [0.5], never) == ([0.5], {})
