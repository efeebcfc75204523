"""The faithfulness gate with the real MiniLM embedder: a sentence stays only if its cited passage supports it."""

from __future__ import annotations

import pytest

from model.embedder import Embedder
from planner.faithfulness import MIN_SUPPORT_COSINE, gate, is_fragment
from planner.types import Source

PEEKING = Source(
    1,
    "concept",
    "peeking",
    "Peeking",
    "Peeking is checking the results of a fixed-horizon test repeatedly and stopping as soon as they look "
    "significant. Each extra look is another chance for noise to cross the threshold, so peeking inflates the "
    "false positive rate well above the nominal alpha.",
)
TYPE_I = Source(
    2,
    "concept",
    "type-i-error",
    "Type I error",
    "A type I error is rejecting the null hypothesis when it is true, a false positive. Its rate is alpha.",
)
CUPED = Source(
    3,
    "chunk",
    "cuped#1",
    "CUPED in practice",
    "CUPED uses a pre-experiment covariate to reduce the variance of the metric. With a correlation of 0.5 the "
    "variance falls by 25%.",
)
SOURCES = [PEEKING, TYPE_I, CUPED]
NAMES = ["peeking", "type i error", "type ii error", "cuped", "statistical power", "power"]


@pytest.fixture(scope="module")
def embed(embedder: Embedder):  # type: ignore[no-untyped-def]
    return embedder.embed


def test_verbatim_and_paraphrased_sentences_survive(embed) -> None:  # type: ignore[no-untyped-def]
    verbatim = "Each extra look is another chance for noise to cross the threshold [1]."
    paraphrase = (
        "Looking at the results again and again and stopping once they look significant is peeking [1]."
    )
    result = gate([verbatim, paraphrase], SOURCES, embed, concept_names=NAMES)
    assert result.kept == [verbatim, paraphrase]
    assert result.scores[0] == 1.0 and result.scores[1] >= MIN_SUPPORT_COSINE


def test_each_kind_of_unfaithful_sentence_is_removed_with_its_reason(embed) -> None:  # type: ignore[no-untyped-def]
    sentences = [
        "Peeking does not inflate the false positive rate [1].",  # negation the passage does not have
        "A type II error is rejecting the null hypothesis when it is true [2].",  # swapped concept
        "With a correlation of 0.5 the variance falls by 40% [3].",  # a number the passage does not hold
        "CUPED uses a pre-experiment covariate to increase the variance of the metric [3].",  # reversed relation
        "Bananas are a good source of potassium for athletes [3].",  # off topic
        "Reporting the one significant metric out of fifty as the finding [1].",  # list item without its lead
        "It is a metric that is used to [1].",  # cut off
        "Each extra look is another chance for noise to cross the threshold [1].",
        "Each extra look is another chance for noise to cross the threshold [1].",  # repeated
        "Peeking is a bad habit in any experiment [7].",  # no such source
    ]
    result = gate(sentences, SOURCES, embed, concept_names=NAMES)
    reasons = [r.reason for r in result.removed]
    assert result.kept == [sentences[7]]
    assert reasons.count("fragment") == 2
    assert "repeated" in reasons and "no valid citation" in reasons
    assert "numbers not in the cited passage: 40%" in reasons
    assert "concept not in the cited passage: type ii error" in reasons
    by_sentence = {r.sentence: r for r in result.removed}
    assert by_sentence[sentences[0]].reason == "negation mismatch with the cited passage"
    assert by_sentence[sentences[3]].reason == "reversed relation"
    off_topic = by_sentence[sentences[4]]
    assert off_topic.reason == "not supported by the cited passage"
    assert off_topic.score is not None and off_topic.score < MIN_SUPPORT_COSINE


def test_a_planted_question_number_cannot_borrow_a_citation(embed) -> None:  # type: ignore[no-untyped-def]
    planted = "The sample size is 4,321 per group [3]."
    result = gate([planted], SOURCES, embed, calculation_values=[4321.0], concept_names=NAMES)
    # calculator values count only for sentences that cite the calculation
    assert result.kept == [] and result.removed[0].reason.startswith("numbers not in the cited passage")


def test_trusted_template_sentences_skip_the_semantic_checks_but_not_repetition(embed) -> None:  # type: ignore[no-untyped-def]
    template = "You need 57,763 users per variant [4]."
    result = gate([template, template], SOURCES, embed, trusted=[template])
    assert result.kept == [template] and [r.reason for r in result.removed] == ["repeated"]


def test_a_concept_name_that_is_only_a_number_without_its_symbols_claims_no_step_label(embed) -> None:  # type: ignore[no-untyped-def]
    # statistical power's alias "1 − β" reads "1" once its symbols are gone: it must not turn every "Step 1" into a
    # mention of a concept the cited passage lacks
    step = "Step 1: Each extra look is another chance for noise to cross the threshold [1]."
    result = gate([step], SOURCES, embed, concept_names=[*NAMES, "1 − β"])
    assert result.kept == [step], result.removed


@pytest.mark.parametrize(
    ("sentence", "fragment"),
    [
        ("It is a metric that is used to [1].", True),
        ("Reporting the one significant metric out of 50 as the finding [2].", True),
        ("power [1].", True),
        ("Running tests for whole weeks is how day-of-week bias is avoided [1].", False),
        ("A common mistake is running tests with 20-30% power [1].", False),
        ("Step 1: Do the power analysis for the primary metric [2].", False),
    ],
)
def test_fragments(sentence: str, fragment: bool) -> None:
    assert is_fragment(sentence) is fragment
