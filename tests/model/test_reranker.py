"""The answer reranker: the real MiniLM cross-encoder with the bundled adapter, on by default, off by ``none``, one
per process, and a clear error for an adapter it cannot use."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError
from safetensors import safe_open

from config import REPO_ROOT, Settings
from model.reranker import Reranker, RerankerError, load_reranker

BUNDLED = REPO_ROOT / "adapters" / "answer-reranker-lora"


def test_the_bundled_reranker_is_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXPGRAPH_RERANKER_ADAPTER", raising=False)
    assert Settings(_env_file=None).reranker_adapter == BUNDLED  # type: ignore[call-arg]


@pytest.mark.parametrize("value", ["none", "None", ""])
def test_none_turns_the_reranker_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EXPGRAPH_RERANKER_ADAPTER", value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.reranker_adapter is None
    assert load_reranker(settings) is None


def test_a_missing_adapter_directory_names_the_trainer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXPGRAPH_RERANKER_ADAPTER", str(tmp_path / "gone"))
    with pytest.raises(
        ValidationError, match=r"RERANKER_ADAPTER=.*gone is not a directory.*expgraph train-reranker"
    ):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_an_adapter_directory_without_an_adapter_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    reranker = load_reranker(settings.model_copy(update={"reranker_adapter": tmp_path}))
    assert reranker is not None
    with pytest.raises(
        RerankerError, match=r"cannot load the answer reranker.*EXPGRAPH_RERANKER_ADAPTER=none"
    ):
        reranker.scores("is my test broken?", ["A chi-square test checks the split."])


def test_the_sentence_that_answers_outranks_the_ones_that_share_its_words(settings: Settings) -> None:
    reranker = load_reranker(settings)
    assert reranker is not None and reranker is load_reranker(settings)  # one per process
    question = "why does cuped make my experiment finish sooner"
    answers = (
        "CUPED reduces the variance of the metric by adjusting for a pre-experiment covariate, so the same effect "
        "is detected with fewer users."
    )
    history = "CUPED was introduced by Deng, Xu, Kohavi and Walker in 2013."
    shares_words = "An experiment that finishes sooner is cheaper to run."
    unrelated = "A guardrail metric protects what the business must not break."
    scores = reranker.scores(question, [history, shares_words, answers, unrelated])
    assert max(range(4), key=scores.__getitem__) == 2
    assert reranker.scores(question, []) == []


def test_scores_come_back_in_the_callers_order_whatever_the_lengths_and_the_precision_suits_the_cpu(
    settings: Settings,
) -> None:
    import torch

    from model.cpu_features import native_bfloat16

    reranker = load_reranker(settings)
    assert reranker is not None
    _, model = reranker.load()
    # emulated bfloat16 (an AVX2-only CPU) took 3.4 s against float32's 0.59 s for 30 pairs
    assert model.dtype == (torch.bfloat16 if native_bfloat16() else torch.float32)
    question = "is peeking at my test every day bad"
    # eleven sentences, longest first: batches of eight are formed shortest first and must be put back
    sentences = [
        f"Peeking {'and stopping early ' * (11 - i)}inflates false positives {i}." for i in range(11)
    ]
    together = reranker.scores(question, sentences)
    alone = [reranker.scores(question, [s])[0] for s in sentences]
    assert together == pytest.approx(alone, abs=0.05 if model.dtype == torch.bfloat16 else 1e-3)


@pytest.fixture
def load_warnings_shown() -> Iterator[logging.Logger]:
    """transformers' loading logger at its default level, whatever another test or a conversion set."""
    logger = logging.getLogger("transformers.modeling_utils")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield logger
    finally:
        logger.setLevel(level)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_loading_reports_no_missing_head_that_the_adapter_supplies(
    settings: Settings, load_warnings_shown: logging.Logger
) -> None:
    from transformers import AutoModelForSequenceClassification

    from model.embedder import resolve_model

    _, model_dir = resolve_model(settings)
    logger = load_warnings_shown
    collect = _Collect()
    logger.addHandler(collect)
    try:
        # the plain load names the head as missing and "newly initialized" ...
        AutoModelForSequenceClassification.from_pretrained(
            str(model_dir), num_labels=1, local_files_only=True
        )
        assert any("LOAD REPORT" in m and "classifier.weight" in m for m in collect.messages)
        collect.messages.clear()
        # ... the reranker's load does not, and its head is the adapter's, not a fresh one
        reranker = Reranker(model_dir, BUNDLED)
        _, model = reranker.load()
        assert not any("LOAD REPORT" in m for m in collect.messages)
    finally:
        logger.removeHandler(collect)
    with safe_open(str(BUNDLED / "adapter_model.safetensors"), "pt") as f:
        head = f.get_tensor("base_model.model.classifier.weight")
    assert torch.allclose(model.classifier.weight.float(), head.float(), atol=1e-2)


def test_a_load_report_naming_any_other_weight_still_shows(load_warnings_shown: logging.Logger) -> None:
    from model.library_noise import head_supplied_by_adapter

    logger = load_warnings_shown
    collect = _Collect()
    logger.addHandler(collect)
    table = "Key | Status |\n---+---\n{rows}"
    try:
        with head_supplied_by_adapter():
            logger.warning(
                "BertModel LOAD REPORT from: x\n" + table.format(rows="classifier.bias | MISSING |")
            )
            logger.warning(
                "BertModel LOAD REPORT from: x\n"
                + table.format(rows="classifier.bias | MISSING |\nencoder.layer.0.weight | MISSING |")
            )
            logger.warning("an unrelated warning")
        logger.warning("BertModel LOAD REPORT from: x\n" + table.format(rows="classifier.bias | MISSING |"))
    finally:
        logger.removeHandler(collect)
    assert [("encoder.layer.0" in m, "unrelated" in m) for m in collect.messages] == [
        (True, False),
        (False, True),
        (False, False),
    ]
