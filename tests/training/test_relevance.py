"""The answer-relevance adapter's data: labels from key facts, generic alternatives left out, dev splits only; and
the bundled adapter's manifest."""

from __future__ import annotations

import pytest

from config import REPO_ROOT
from eval.answers_eval import fact_present
from model.embedder import bundled_model_dir
from training.lora import read_manifest, weights_hash
from training.relevance import (
    Pool,
    facts_in_top,
    generic_alternatives,
    label,
    load_questions,
    ranking_report,
    training_pairs,
)

BUNDLED = REPO_ROOT / "adapters" / "answer-relevance-lora"

WELCH = Pool(
    "dev",
    "q1",
    "which t test do i use when the groups have different variances",
    (("welch", "unequal variance"), ("more",)),
    (
        "Use Welch's t-test when the two groups may have unequal variances.",
        "More users make the interval narrower.",
        "More traffic shortens the test.",
        "A guardrail metric protects what the business must not break.",
    ),
)
SRM = Pool(
    "dev2",
    "q2",
    "traffic split looks off, 52/48 instead of 50/50",
    (("chi-square", "goodness"),),
    (
        "A chi-square goodness-of-fit test compares the observed split with the configured one.",
        "More checks find more bugs.",
        "Novelty effects fade after a few weeks.",
    ),
)


def test_an_alternative_in_many_of_the_weighed_sentences_is_generic() -> None:
    # "more" opens 3 of the 7 distinct sentences; "welch" and "chi-square" one each
    assert generic_alternatives([WELCH, SRM], fact_present, share=0.2) == {"more"}
    assert generic_alternatives([WELCH, SRM], fact_present, share=0.5) == set()


def test_a_sentence_is_positive_by_a_specific_alternative_unknown_by_a_generic_one_else_negative() -> None:
    assert label(WELCH, {"more"}, fact_present) == [True, None, None, False]
    assert label(WELCH, set(), fact_present) == [True, True, True, False]


def test_one_triple_per_positive_with_a_negative_from_its_own_pool() -> None:
    pairs = training_pairs([WELCH, SRM], fact_present, seed=3, generic_share=0.2)
    # "more" is generic over these two pools (3 of 7 sentences > 20%), so WELCH's "more" sentences are no positives
    assert sorted(p["positive"][:20] for p in pairs) == ["A chi-square goodnes", "Use Welch's t-test w"]
    for p in pairs:
        pool = WELCH if p["anchor"] == WELCH.question else SRM
        assert p["negative"] in pool.sentences and not fact_present(
            p["negative"], [a for f in pool.key_facts for a in f]
        )
    assert training_pairs([WELCH, SRM], fact_present, seed=3, generic_share=0.2) == pairs
    assert len(training_pairs([WELCH, SRM], fact_present, seed=3, max_pairs=1, generic_share=0.2)) == 1


def test_a_pool_without_a_negative_gives_no_pairs() -> None:
    only_positive = Pool("dev", "q3", "welch?", (("welch",),), ("Welch's test is the default.",))
    assert training_pairs([only_positive], fact_present, generic_share=1.0) == []


def test_the_top_k_sentences_are_scored_by_the_facts_they_hold_together() -> None:
    scores = [0.1, 0.9, 0.8, 0.2]
    assert facts_in_top(WELCH, scores, 2, fact_present) == 1  # the two "more" sentences
    assert facts_in_top(WELCH, scores, 4, fact_present) == 2
    report = ranking_report([WELCH], {"fixed": lambda q, ss: scores}, fact_present, ks=(1, 3))
    assert report == {"questions": 1, "key_facts": 2, "fixed": {"top1": 1, "top3": 1}}


def test_only_dev_splits_train_the_adapter() -> None:
    assert len(load_questions("dev7")) == 41
    with pytest.raises(ValueError, match="not a dev split"):
        load_questions("test7")


def test_the_bundled_adapter_names_its_base_model_data_and_held_out_figures() -> None:
    for name in ("adapter_config.json", "adapter_model.safetensors", "manifest.json"):
        assert (BUNDLED / name).is_file(), name
    assert (BUNDLED / "adapter_model.safetensors").stat().st_size < 5_000_000
    manifest = read_manifest(BUNDLED)
    assert manifest["base_model"]["weights_sha256"] == weights_hash(bundled_model_dir())
    assert all(s.startswith("dev") for s in manifest["data"]["splits"])
    assert manifest["data"]["pairs"] > 500 and len(manifest["data"]["hash"]) == 64
