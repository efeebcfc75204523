"""The answer reranker's data (the planner's best-ranked sentences of each dev pool, labelled by key facts) and the
bundled adapter's manifest."""

from __future__ import annotations

from config import REPO_ROOT
from eval.answers_eval import fact_present
from model.embedder import bundled_model_dir
from tests.training.test_relevance import SRM, WELCH
from training.lora import read_manifest, weights_hash
from training.reranker import training_examples

BUNDLED = REPO_ROOT / "adapters" / "answer-reranker-lora"


def by_position(pool: object) -> list[float]:
    """The planner's ranking stand-in: a pool's first sentence ranked first."""
    return [-i for i in range(len(pool.sentences))]  # type: ignore[attr-defined]


def test_the_best_ranked_sentences_of_each_pool_are_labelled_by_their_key_facts() -> None:
    examples = training_examples([WELCH, SRM], by_position, fact_present, candidates=2, seed=1)
    got = sorted((e["question"][:10], e["sentence"][:20], e["label"]) for e in examples)
    assert got == [
        ("traffic sp", "A chi-square goodnes", 1.0),
        ("traffic sp", "More checks find mor", 0.0),
        ("which t te", "More users make the ", 1.0),  # "more" is one of the question's key facts
        ("which t te", "Use Welch's t-test w", 1.0),
    ]
    assert training_examples([WELCH, SRM], by_position, fact_present, candidates=2, seed=1) == examples


def test_the_bundled_adapter_says_what_it_learnt_from_and_how_it_ranks_held_out_pools() -> None:
    manifest = read_manifest(BUNDLED)
    assert manifest["base_model"]["weights_sha256"] == weights_hash(bundled_model_dir())
    assert manifest["data"]["splits"] and all(s.startswith("dev") for s in manifest["data"]["splits"])
    assert 0 < manifest["data"]["positives"] < manifest["data"]["examples"]
    assert (BUNDLED / "adapter_model.safetensors").stat().st_size < 4_000_000
