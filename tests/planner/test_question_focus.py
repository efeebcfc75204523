"""The question focus (chat spellings, openers, sign-offs, typos, described situations) and its wiring into the
planner's understand and entities nodes, over the real corpus graph and the real embedder."""

from __future__ import annotations

import pytest

from planner.entity_linking import EntityLinker, spelling_variants
from planner.practitioner_phrases import concept_hints
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


def test_self_introductions_and_chat_verbs_are_normalised() -> None:
    focus = focus_question("hiya, newbie here - how long shud we keep a test running?")
    assert focus.text == "how long should we keep a test running?"


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


def test_situations_name_their_concepts() -> None:
    assert [
        c for c, _ in concept_hints("the PM wants to stop the experiment early because it looks good")
    ] == ["Peeking"]
    assert [c for c, _ in concept_hints("the uplift faded after the first week")] == ["Novelty effect"]
    assert [c for c, _ in concept_hints("only 3% of visitors ever see the new filter")] == ["Effect dilution"]
    assert [c for c, _ in concept_hints("can we use last month's spend as a covariate")] == ["CUPED"]
    assert [c for c, _ in concept_hints("half the users in treatment never opened the email")] == [
        "Intention-to-treat analysis"
    ]
    assert [c for c, _ in concept_hints("only 10% of our experiments win, does that change anything")] == [
        "False positive risk"
    ]
    assert concept_hints("how do I compute a confidence interval for a ratio") == []


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
