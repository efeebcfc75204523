"""The entity linker (pure: built from concept names and aliases)."""

from __future__ import annotations

import pytest

from planner.entity_linking import EntityLinker, merge_embedding_links, name_variants, without_setting
from planner.types import ConceptName, LinkedEntity

CONCEPTS = [
    ConceptName("sample-size", "Sample size"),
    ConceptName("variance", "Variance"),
    ConceptName("significance-level", "Significance level (alpha)", ("alpha", "α")),
    ConceptName("minimum-detectable-effect", "Minimum detectable effect", ("MDE", "minimum detectable lift")),
    ConceptName("multiple-testing", "Multiple testing problem", ("multiple comparisons",)),
    ConceptName("statistical-power", "Statistical power", ("power",)),
    ConceptName("a-a-test", "A/A test", ("AA test",)),
    ConceptName("interaction", "Interaction effect", ("IT",)),
    ConceptName("complier-average-causal-effect", "Complier average causal effect", ("CACE", "LATE")),
    ConceptName("ab-test", "A/B test", ("AB test", "A/B testing")),
]


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    return EntityLinker(CONCEPTS, position=7)


def ids(linker: EntityLinker, question: str) -> list[str]:
    return [e.concept_id for e in linker.link(question)]


def test_names_and_aliases_match_case_insensitively(linker: EntityLinker) -> None:
    assert ids(linker, "How does VARIANCE affect Sample Size?") == ["variance", "sample-size"]
    (mde,) = linker.link("mde for a checkout test")
    assert (mde.concept_id, mde.mention, mde.method, mde.confidence) == (
        "minimum-detectable-effect",
        "mde",
        "phrase",
        0.95,
    )


def test_inflected_forms_match_by_lemma(linker: EntityLinker) -> None:
    found = {e.concept_id: e for e in linker.link("sample sizes and variances")}
    assert found["sample-size"].method == "lemma" and found["variance"].method == "lemma"


def test_typos_match_fuzzily_with_lower_confidence(linker: EntityLinker) -> None:
    (ent,) = linker.link("what is the minimum detectible efect")
    assert ent.concept_id == "minimum-detectable-effect" and ent.method == "fuzzy"
    assert 0.6 < ent.confidence < 0.9


def test_shortened_names_and_parentheticals_match(linker: EntityLinker) -> None:
    assert ids(linker, "multiple testing and the significance level") == [
        "multiple-testing",
        "significance-level",
    ]


def test_longest_match_wins_and_each_concept_appears_once(linker: EntityLinker) -> None:
    assert ids(linker, "power, statistical power and power again") == ["statistical-power"]


def test_stop_word_aliases_need_exact_case(linker: EntityLinker) -> None:
    assert ids(linker, "is it significant?") == []
    assert ids(linker, "the IT of two tests") == ["interaction"]


def test_acronym_aliases_that_spell_an_english_word_need_exact_case(linker: EntityLinker) -> None:
    assert ids(linker, "we started the test late, is the power still fine?") == ["statistical-power"]
    assert ids(linker, "whats a LATE") == ["complier-average-causal-effect"]
    assert ids(linker, "whats a cace") == ["complier-average-causal-effect"]


def test_unknown_text_links_nothing(linker: EntityLinker) -> None:
    assert linker.link("What is the capital of France?") == []
    assert linker.link("") == []


def test_embedding_links_need_similarity_and_a_small_margin() -> None:
    neighbours = [
        ("variance", "Variance", 0.71),
        ("sample-size", "Sample size", 0.69),
        ("cuped", "CUPED", 0.5),
    ]
    linked, decisions = merge_embedding_links([], neighbours, min_similarity=0.55, margin=0.05, max_new=2)
    assert [e.concept_id for e in linked] == ["variance", "sample-size"]
    assert [d["linked"] for d in decisions] == [True, True, False]


def test_name_variants() -> None:
    assert name_variants("Multiple testing problem") == ["Multiple testing"]
    assert name_variants("Significance level (alpha)") == ["Significance level"]
    assert name_variants("Sample size") == []


def test_topic_concepts_are_the_closest_unlinked_neighbours() -> None:
    from planner.entity_linking import topic_concepts
    from planner.types import LinkedEntity

    linked = [LinkedEntity("ab-test", "A/B test", "a/b test", 1.0, "phrase")]
    # cosines of "how long should i run my a/b test?" with concept vectors (MiniLM, bundled corpus)
    neighbours = [
        ("test-duration", "Test duration", 0.498),
        ("ab-test", "A/B test", 0.446),
        ("external-validity", "External validity", 0.422),
    ]
    assert topic_concepts(linked, neighbours, min_similarity=0.3, margin=0.06, max_topics=2) == [
        ("test-duration", 0.498)
    ]
    # a vague question: nothing close enough to steer by
    assert (
        topic_concepts([], [("a-a-test", "A/A test", 0.25)], min_similarity=0.3, margin=0.06, max_topics=2)
        == []
    )
    # within the margin of the best, several topics
    near = [("peeking", "Peeking", 0.42), ("sequential-testing", "Sequential testing", 0.40)]
    assert [c for c, _ in topic_concepts([], near, min_similarity=0.3, margin=0.06, max_topics=2)] == [
        "peeking",
        "sequential-testing",
    ]


def test_a_modifier_sharing_the_next_names_head_noun_names_its_own_concept() -> None:
    linker = EntityLinker(
        [
            ConceptName("type-i-error", "Type I error", ("type 1 error", "false positive")),
            ConceptName("type-ii-error", "Type II error", ("type 2 error",)),
            ConceptName("one-sided-test", "One-sided test"),
            ConceptName("two-sided-test", "Two-sided test"),
            ConceptName("a-a-test", "A/A test"),
            ConceptName("ab-test", "A/B test"),
            ConceptName("power-analysis", "Power analysis"),
        ],
        position=1,
    )
    question = "type 1 vs type 2 errors, which is worse?"
    first, second = linker.link(question)
    assert (first.concept_id, first.mention, question[first.start : first.end]) == (
        "type-i-error",
        "type 1",
        "type 1",
    )
    assert second.concept_id == "type-ii-error"
    assert ids(linker, "one-sided or two-sided test for checkout?") == ["one-sided-test", "two-sided-test"]
    assert ids(linker, "A/A vs A/B test") == ["a-a-test", "ab-test"]
    # the words before "and" must name a concept with the head: "cats and power analysis" names one concept
    assert ids(linker, "cats and power analysis") == ["power-analysis"]
    assert ids(linker, "type 1 or a type 2 error") == ["type-ii-error"]  # "a" is no modifier of "error"


def test_the_experiment_itself_is_left_out_when_the_question_is_about_something_else(
    linker: EntityLinker,
) -> None:
    # named alongside another concept: the A/B test is the setting
    question = "what mde should i use for my ab test"
    assert without_setting(question, linker.link(question)) == linker.link("what mde should i use")
    # linked only by embedding, the other concept still makes the A/B test the setting
    duration = LinkedEntity("test-duration", "Test duration", "", 0.56, "embedding")
    question = "how long should i run my ab test"
    (ab,) = linker.link(question)
    assert ab.concept_id == "ab-test"
    assert without_setting(question, [ab, duration]) == [duration]
    # alone, named as the place the question is set in, it is still the setting
    question = "how do you choose metrics for an ab test"
    assert without_setting(question, linker.link(question)) == []
    # alone and asked about, it is the topic
    for question in (
        "what is an ab test",
        "why bother with an ab test instead of before vs after",
        "why not just compare before and after instead of an ab test",
    ):
        assert [e.concept_id for e in without_setting(question, linker.link(question))] == ["ab-test"]
