"""The answer-relevance embedder: the real MiniLM with the bundled LoRA adapter merged, on by default, off by
``none``, and a clear error for an adapter directory it cannot use."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import REPO_ROOT, Settings
from model.embedder import Embedder, EmbedderError, load_relevance_embedder

BUNDLED = REPO_ROOT / "adapters" / "answer-relevance-lora"
QUESTION = "our split came out 52/48 instead of 50/50, is the test broken?"
ANSWERS = "A chi-square goodness-of-fit test compares the observed split with the configured one."
SHARES_WORDS = "A 50/50 split is the usual allocation for a test."


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_the_bundled_adapter_is_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXPGRAPH_RELEVANCE_ADAPTER", raising=False)
    assert Settings(_env_file=None).relevance_adapter == BUNDLED  # type: ignore[call-arg]


@pytest.mark.parametrize("value", ["none", "NONE", ""])
def test_none_turns_the_relevance_embedder_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EXPGRAPH_RELEVANCE_ADAPTER", value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.relevance_adapter is None
    assert load_relevance_embedder(settings) is None


def test_a_missing_adapter_directory_names_the_trainer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXPGRAPH_RELEVANCE_ADAPTER", str(tmp_path / "gone"))
    with pytest.raises(
        ValidationError, match=r"RELEVANCE_ADAPTER=.*gone is not a directory.*expgraph train-relevance"
    ):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_an_adapter_directory_without_weights_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match=r"no adapter_model\.safetensors.*or set it to none"):
        load_relevance_embedder(settings.model_copy(update={"relevance_adapter": tmp_path}))


def test_the_adapted_encoder_ranks_the_answering_sentence_higher_than_the_plain_one(
    settings: Settings, embedder: Embedder
) -> None:
    relevance = load_relevance_embedder(settings)
    assert relevance is not None and relevance is load_relevance_embedder(settings)  # one per process
    # its vectors are cached apart from the plain embedder's: the adapter's weight hash is in the model id
    assert relevance.model_id.startswith(embedder.model_id + "+answer-relevance-lora@")
    q, answers, shares = relevance.embed([QUESTION, ANSWERS, SHARES_WORDS])
    assert math.isclose(sum(x * x for x in q), 1.0, rel_tol=1e-5)
    pq, panswers, pshares = embedder.embed([QUESTION, ANSWERS, SHARES_WORDS])
    assert q != pq
    # the margin of the sentence that answers over the one that shares the question's words grows with the adapter
    assert cosine(q, answers) - cosine(q, shares) > cosine(pq, panswers) - cosine(pq, pshares)
