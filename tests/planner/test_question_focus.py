"""The question focus (chat spellings, openers, sign-offs, typos, described situations) and its wiring into the
planner's understand and entities nodes, over the real corpus graph and the real embedder."""

from __future__ import annotations

import pytest

from planner.entity_linking import EntityLinker, spelling_variants
from planner.practitioner_phrases import PhrasingMatcher
from planner.question_focus import Speller, focus_question, speller_for
from planner.service import Planner
from planner.types import ConceptName


def test_openers_sign_offs_and_chat_spellings_are_dropped_or_rewritten() -> None:
    focus = focus_question(
        "hey all, noob question: wat are the odds u get a false positive w/ 2 metrics?? thx"
    )
    assert focus.text == "what are the odds you get a false positive with 2 metrics?"
    assert focus.removed == ["hey all, noob question:", "thx"]
    assert ("u", "you") in focus.rewrites and ("w/", "with") in focus.rewrites


def test_contractions_typed_without_an_apostrophe_are_spelled_out() -> None:
    focus = focus_question("lots of users havent churned yet and we didnt wait, arent they lost?")
    assert focus.text == "lots of users have not churned yet and we did not wait, are not they lost?"
    assert ("havent", "have not") in focus.rewrites and ("didnt", "did not") in focus.rewrites
    assert focus_question("we wanna stop b4 2 wks").text == "we want to stop before 2 weeks"


def test_a_result_that_turns_green_is_a_significant_one() -> None:
    focus = focus_question("is it ok to stop the test as soon as it turns green?")
    assert focus.text == "is it ok to stop the test as soon as it becomes significant?"
    assert (
        focus_question("the dashboard went green on day 2").text
        == "the dashboard became significant on day 2"
    )
    assert focus_question("we are going green on energy").text == "we are going green on energy"


def test_self_introductions_and_chat_verbs_are_normalised() -> None:
    focus = focus_question("hiya, newbie here - how long shud we keep a test running?")
    assert focus.text == "how long should we keep a test running?"


def test_a_self_introduction_without_here_is_dropped() -> None:
    focus = focus_question("new to this: what's the control group even for lol")
    assert focus.text == "what's the control group even for"


def test_a_clean_question_is_left_as_it_is() -> None:
    question = "How does variance affect the sample size of a test?"
    focus = focus_question(question)
    assert focus.text == question and not focus.changed


def test_a_question_that_is_only_filler_keeps_its_text() -> None:
    assert focus_question("thoughts??").text == "thoughts?"  # nothing else to keep: the words stay


def test_the_speller_corrects_to_frequent_corpus_words_and_leaves_english_alone() -> None:
    corpus = ["randomization of users keeps the groups comparable; randomization is done by hashing"] * 2
    speller = Speller(corpus, known_words=["heard", "comparable"])
    assert speller.correct("randomizaton") == "randomization"
    assert (
        speller.correct("heard") is None
    )  # a known English word, though one edit from nothing in the corpus
    assert speller.correct("hashng") == "hashing"
    assert speller.correct("grups") is None  # five letters: too short to correct safely
    assert speller.correct("xandomization") is None  # first letters are not guessed


def test_the_speller_leaves_inflections_of_known_words_alone() -> None:
    speller = Speller(["creating groups, creating metrics"] * 2, known_words=["cheat"])
    assert (
        speller.correct("cheating") is None
    )  # "cheat" + "ing", though one letter from the corpus's "creating"
    assert speller.correct("creatng") == "creating"


def test_phrasings_match_by_content_words_in_any_order_and_inflection() -> None:
    matcher = PhrasingMatcher(
        [
            ConceptName(
                "peeking",
                "Peeking",
                (),
                ("stop the test early", "keeps checking the results", "stop as soon as it is significant"),
            ),
            ConceptName("novelty", "Novelty effect", (), ("the lift wore off",)),
            ConceptName("lost", "Launch decision", (), ("the experiment lost",)),
        ]
    )
    (hit,) = matcher.match("the PM wants to stop the experiment early because it looks good")
    assert (hit.concept_id, hit.phrasing, hit.matched) == (
        "peeking",
        "stop the test early",
        "stop experiment early",
    )
    # inflections and another order; "test" is not needed when the situation's own words are there
    assert [m.concept_id for m in matcher.match("we stopped early, was that bad?")] == ["peeking"]
    assert [m.concept_id for m in matcher.match("pm keeps checking results hourly")] == ["peeking"]
    assert [m.concept_id for m in matcher.match("our uplift wore off after a week")] == ["novelty"]
    # "once" and "as soon as" are both "when"
    assert [m.concept_id for m in matcher.match("ok to stop my ab test once it hits 95% significance?")] == [
        "peeking"
    ]
    # a typo of a phrasing word still counts
    (typo,) = matcher.match("can we stop as soon as its signficant")
    assert (typo.phrasing, typo.matched) == ("stop as soon as it is significant", "stop signficant")
    # a phrasing of one situation word needs its object too; words far apart do not make a phrasing
    assert matcher.match("we lost a lot of users") == []
    assert [m.concept_id for m in matcher.match("the experiment lost, now what")] == ["lost"]
    assert matcher.match("stop worrying about the sample size and plan the next test so it ends early") == []


def test_a_count_of_ten_or_more_reads_as_many_but_how_many_and_shares_do_not() -> None:
    matcher = PhrasingMatcher(
        [
            ConceptName("multiple", "Multiple testing problem", (), ("many metrics and one is significant",)),
            ConceptName("success", "Experiment success rate", (), ("how many A/B tests win",)),
        ]
    )
    for question in (
        "we tracked twenty metrics and 1 came out significant. can I report that as a win?",
        "40 metrics on the scorecard, one is significant",
    ):
        assert [m.concept_id for m in matcher.match(question)] == ["multiple"]
    # a share, a small count and "how many" are not "many"
    assert matcher.match("20% of the metrics moved and one is significant") == []
    assert matcher.match("3 metrics and one is significant") == []
    assert matcher.match("how many metrics does a test need? one is significant") == []
    # "how many tests win" asks for a count: three tests that won are not that question
    assert matcher.match("we ran 30 tests and one will win") == []
    assert [m.concept_id for m in matcher.match("roughly how many a/b tests actually win?")] == ["success"]


def test_the_corpus_phrasings_name_the_situations_practitioners_describe(context_planner: Planner) -> None:
    db, position = context_planner.graph_at(None)
    phrasings = context_planner.graph_view(db, position).linker.phrasings
    cases = {
        "the PM wants to call the test early because it looks good": "peeking",
        "the uplift faded over time after launch": "novelty-effect",
        "can we use last month's revenue to reduce variance": "cuped",
        "half the users in treatment never opened the email": "intention-to-treat",
        "we see way more users in control than in treatment": "sample-ratio-mismatch",
        "how long should the experiment run?": "test-duration",
    }
    for question, concept in cases.items():
        assert [m.concept_id for m in phrasings.match(question)][:1] == [concept], question
    assert phrasings.match("how do I compute a confidence interval for a ratio") == []
    # read through the focus: "turns green" is "becomes significant"
    green = focus_question("we check results daily and stop as soon as it turns green", phrasings=phrasings)
    assert [m.concept_id for m in green.hints][:1] == ["peeking"]


def test_a_slash_name_is_not_corrected_or_linked_as_another(context_planner: Planner) -> None:
    db, position = context_planner.graph_at(None)
    view = context_planner.graph_view(db, position)
    question = "how do i run an a/a test properly and what am i looking for"
    focus = focus_question(question, speller_for(view), view.linker.phrasings)
    assert focus.text == question  # "a/a" stays "a/a"
    assert [e.concept_id for e in view.linker.link(focus.text)] == ["a-a-test"]
    assert [e.concept_id for e in view.linker.link("is an aa test worth it before every a/b test")] == [
        "a-a-test",
        "ab-test",
    ]


def test_spelling_variants_let_hyphens_apostrophes_and_long_aliases_match() -> None:
    assert spelling_variants("intent-to-treat") == ["intent to treat"]
    assert spelling_variants("Winner's curse") == ["Winners curse"]
    assert spelling_variants("too good to be true result") == ["too good to be true"]
    linker = EntityLinker(
        [
            ConceptName("itt", "Intention-to-treat analysis", ("intent-to-treat",)),
            ConceptName("twyman", "Twyman's law", ("too good to be true result",)),
        ]
    )
    assert [e.concept_id for e in linker.link("intent to treat or per protocol?")] == ["itt"]
    assert [e.concept_id for e in linker.link("the lift looks too good to be true")] == ["twyman"]
    assert [e.concept_id for e in linker.link("twymans law")] == ["twyman"]


def test_a_letter_pair_is_also_matched_without_its_slash() -> None:
    assert spelling_variants("Bayesian A/B testing") == ["Bayesian AB testing"]
    linker = EntityLinker(
        [
            ConceptName("ab", "A/B test", ("AB testing", "A/B testing")),
            ConceptName("bayes", "Bayesian A/B testing", ()),
            ConceptName("p", "p-value", ()),
        ]
    )
    linked = linker.link("whats the deal with bayesian ab testing vs regular p-values")
    # the longer name wins over "ab testing" inside it
    assert [e.concept_id for e in linked] == ["bayes", "p"]


def test_a_mention_of_the_experiment_itself_goes_after_the_concept_the_question_is_about() -> None:
    linker = EntityLinker(
        [ConceptName("ab", "A/B test", ("AB test",)), ConceptName("srm", "Sample ratio mismatch", ("SRM",))]
    )
    assert [e.concept_id for e in linker.link("does my ab test have an SRM")] == ["srm", "ab"]
    assert [e.concept_id for e in linker.link("what is an A/B test")] == ["ab"]


def test_a_correct_english_word_is_not_a_typo_of_a_name_and_an_excluded_name_goes_last() -> None:
    linker = EntityLinker(
        [
            ConceptName("p-value", "p-value", ("pvalue",)),
            ConceptName("srm", "Sample ratio mismatch", ("SRM",)),
            ConceptName("power", "Statistical power", ()),
        ]
    )
    assert linker.link("how do i analyze average order value in a test") == []  # "value" is not "pvalue"
    assert [e.concept_id for e in linker.link("is my pvalu right")] == ["p-value"]
    question = "besides SRM, how does bot traffic hurt the statistical power of my test"
    assert [e.concept_id for e in linker.link(question)] == ["power", "srm"]


def test_a_short_name_is_also_matched_without_its_hyphen() -> None:
    linker = EntityLinker([ConceptName("avi", "Always-valid inference (mSPRT)", ("mSPRT",))])
    (entity,) = linker.link("what is 'always valid inference'? the vendor keeps bragging about it")
    assert (entity.concept_id, entity.mention, entity.method) == ("avi", "always valid inference", "phrase")


def test_the_graph_speller_fixes_typos_of_corpus_words(context_planner: Planner) -> None:
    db, position = context_planner.graph_at(None)
    speller = speller_for(context_planner.graph_view(db, position))
    assert speller.correct("varience") == "variance"
    assert speller.correct("signficance") == "significance"
    assert speller.correct("because") is None


@pytest.mark.parametrize(
    ("question", "intent", "concept"),
    [
        (
            "sorry if this is a dumb question but my manager keeps checking the dashboard every day and wants to "
            "end the experiment early. how do i explain why thats bad?",
            "best_practice",
            "peeking",
        ),
        (
            "quick q: is it ok to reuse the same buckets for the next experiment",
            "best_practice",
            "carryover-effect",
        ),
        (
            "whats the practical diff between intent to treat and per protocol",
            "comparison",
            "intention-to-treat",
        ),
    ],
)
def test_casual_questions_reach_their_concept_and_intent(
    context_planner: Planner, question: str, intent: str, concept: str
) -> None:
    state = context_planner.prepare(question)
    assert state["intent"] == intent
    assert concept in [e.concept_id for e in state["entities"]]
    understand = next(step for step in state["trace"] if step["node"] == "understand")
    assert understand["inputs"]["question"] == question  # the trace keeps the original
    assert understand["outputs"]["focus"] == state["focus"] != question


def test_a_surprisingly_large_lift_asked_to_be_trusted_reads_as_twymans_situation(
    context_planner: Planner,
) -> None:
    from planner.practitioner_phrases import content_words

    db, position = context_planner.graph_at(None)
    phrasings = context_planner.graph_view(db, position).linker.phrasings
    shipped = "tiny copy tweak on the signup page and the test shows +40% signups. ship it?"
    assert [m.concept_id for m in phrasings.match(shipped)][:1] == ["twymans-law"]
    assert "suspici" in [w for _, w, _ in content_words("conversion doubled in treatment, is this real?")]
    # a small lift, or a planned one, is no such situation
    assert "suspici" not in [w for _, w, _ in content_words("we saw +3% on clicks, can we ship?")]
    assert "suspici" not in [
        w for _, w, _ in content_words("can we detect a +30% lift with 2k users per arm?")
    ]
