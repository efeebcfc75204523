"""The bundled corpus's practitioner phrasings over the real corpus graph: each one brings its own concept, and a
situation described in a user's own words (questions written here, not taken from the corpus or the eval sets)
brings the concept it describes first."""

from __future__ import annotations

import pytest

from planner.practitioner_phrases import PhrasingMatcher
from planner.service import Planner


@pytest.fixture(scope="module")
def matcher(context_planner: Planner) -> PhrasingMatcher:
    db, position = context_planner.graph_at(None)
    return context_planner.graph_view(db, position).linker.phrasings


def test_every_corpus_phrasing_asked_as_a_question_brings_its_own_concept(matcher: PhrasingMatcher) -> None:
    assert matcher.skipped == []
    assert len(matcher.phrasings) > 500
    lost = [
        (p.concept_id, p.text)
        for p in matcher.phrasings
        if p.concept_id not in [m.concept_id for m in matcher.match(p.text, limit=len(matcher.phrasings))]
    ]
    assert lost == []


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("we flip a coin for each visitor to decide the arm, is that good enough?", "randomization"),
        # one extreme buyer, described by the gap to everyone else
        ("one account spent 40k in treatment, next highest is 2k. drop it?", "outliers"),
        (
            "is there a way to look at results whenever we want without inflating the error rate",
            "always-valid-inference",
        ),
        ("our tool says 95% chance to beat the original, can we ship?", "probability-to-beat-control"),
        (
            "customers in the same store behave alike, how does that change the sample size",
            "intracluster-correlation",
        ),
        ("what confidence interval do I report when nobody converted in control", "clopper-pearson-interval"),
        ("should we just divide alpha by the number of metrics we track?", "bonferroni-correction"),
        ("same threshold at every interim look, or a stricter one early on?", "pocock-boundary"),
        ("how many visitors does each arm need if our baseline is 4%", "sample-size"),
        (
            "our revenue numbers are not normally distributed, can we still use a t-test",
            "central-limit-theorem",
        ),
        ("what conversion rate should I plug into the sample size calculator", "baseline-conversion-rate"),
        ("we want to regress revenue on a treatment dummy plus country", "linear-regression"),
        ("the confidence interval crosses zero but the p-value is 0.04?", "confidence-interval"),
        ("how do I know the randomization worked before reading results", "srm-check"),
        # "group" is as generic as "users": the phrasing "compare adopters with the control group" needs no "group"
        ("is it fair to compare adopters against control?", "per-protocol-analysis"),
        # a change nobody could randomize, and a result far beyond the usual
        (
            "the new tax display was a feature we couldn't randomize for legal reasons, how do we evaluate it",
            "quasi-experiment",
        ),
        ("conversion is up 22%, way above anything we've seen, should we be suspicious", "twymans-law"),
        ("how do I get one overall number from the tests we ran in several markets?", "meta-analysis"),
        # "p<0.05" is how practitioners write "significant"
        ("the analyst tried different metrics until one hit p < 0.05", "p-hacking"),
    ],
)
def test_a_described_situation_brings_its_concept_first(
    matcher: PhrasingMatcher, question: str, concept: str
) -> None:
    assert [m.concept_id for m in matcher.match(question)][:1] == [concept]


def test_a_question_that_describes_no_situation_brings_none(matcher: PhrasingMatcher) -> None:
    assert matcher.match("we changed the button color and conversion went up 3%, is that real") == []
    assert matcher.match("how do I compute a confidence interval for a ratio") == []


def test_more_than_one_reads_as_several_not_as_more(matcher: PhrasingMatcher) -> None:
    # "more than one treatment group" is an A/B/n design; "more treatment users reach the page" is no such thing
    reach = "the treatment added an entry point so more treatment users reach the checkout page"
    assert "ab-n-test" not in [m.concept_id for m in matcher.match(reach)]
    several = "we have more than one treatment and a single control, how do we analyze it"
    assert [m.concept_id for m in matcher.match(several)][:1] == ["ab-n-test"]


def test_or_not_asks_for_a_verdict_while_a_bare_not_does_not(matcher: PhrasingMatcher) -> None:
    assert [m.concept_id for m in matcher.match("checkout +3%, guardrails flat. launch this or not?")][
        :1
    ] == ["launch-decision"]
    # "couldn't" reads as "not", which "do we launch this or not" no longer takes for its ask
    told = "we couldn't randomize the new pricing page, it launched in one go last week"
    assert "launch-decision" not in [m.concept_id for m in matcher.match(told)]
