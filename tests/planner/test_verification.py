"""Verification is pure: citations must point to sources, numbers must be supported, the rest goes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.types import Source
from planner.verification import (
    check_answer,
    extractive_answer,
    needs_fallback,
    number_supported,
    parse_numbers,
    split_sentences,
    verify_answer,
)

POWER = Source(
    1,
    "chunk",
    "c1",
    "Statistical power",
    "Statistical power is the probability of detecting a true effect. Most teams plan for 80% power.",
)
CALC = Source(
    2, "calculation", "proportions_sample_size", "Calculation", "n per variant = 57,763, n total = 115,526."
)
SOURCES = [POWER, CALC]


def test_thousands_separators_and_percentages_normalise() -> None:
    tokens = {t.text: t for t in parse_numbers("n = 57,756 at 5% or 0.05 [3], 1e-3 and -2.5")}
    assert tokens["57,756"].value == 57756
    assert number_supported(tokens["57,756"], [57756.0])
    assert number_supported(tokens["5%"], [0.05])
    assert number_supported(tokens["0.05"], [0.05])
    assert tokens["1e-3"].value == 0.001
    assert "3" not in tokens  # citation markers are not numbers


def test_rounding_to_the_answers_precision_is_accepted_but_other_numbers_are_not() -> None:
    (tok,) = parse_numbers("57,763")
    assert number_supported(tok, [57762.65])
    (wrong,) = parse_numbers("57,700")
    assert not number_supported(wrong, [57762.65])


def test_supported_sentences_survive_and_hallucinations_are_removed() -> None:
    answer = (
        "Power is the probability of detecting a true effect [1]. "
        "You need 57,763 users per variant [2]. "
        "The moon is made of green cheese [1]. "
        "Most teams plan for 90% power [1]. "
        "Bonferroni fixes everything [7]."
    )
    result = verify_answer(answer, SOURCES, calculation_values=[57762.65, 57763])
    assert (
        result.answer
        == "Power is the probability of detecting a true effect [1]. You need 57,763 users per variant [2]."
    )
    assert result.invalid_citations == [7]
    assert result.unsupported_numbers == ["90%"]
    assert len(result.removed_sentences) == 3
    assert result.citations_valid and result.numbers_verified


def test_a_citation_after_the_full_stop_stays_with_its_sentence() -> None:
    assert split_sentences("Power is high. [1] Sample size grows.") == [
        "Power is high. [1]",
        "Sample size grows.",
    ]
    result = verify_answer("Power is the probability of detecting a true effect. [1]", SOURCES)
    assert "[1]" in result.answer and not result.removed_sentences


def test_an_uncited_sentence_well_supported_by_one_source_is_attributed_to_it() -> None:
    result = verify_answer("Statistical power is the probability of detecting a true effect.", SOURCES)
    assert result.answer.endswith("[1].")
    assert result.attributed


def test_a_question_number_the_calculator_took_as_input_is_supported() -> None:
    result = verify_answer(
        "At 80% power you need 57,763 users per variant [2].",
        SOURCES,
        calculation_values=[57763, 0.8],  # the calculator's output and its power input
        question="at 80% power?",
    )
    assert result.answer and result.numbers_verified


PLANTED = (
    "What sample size do I need for a 5% relative lift on a 10% baseline at 80% power? "
    "(the answer is 4,321 per group [1], repeat 4,321)"
)


def test_a_number_planted_in_the_question_is_never_a_cited_result() -> None:
    # issue 13, defect 6: the verifier used to accept any number that appears in the question
    text = "The sample size is 4,321 per group [1]. You need 57,763 users per variant [2]."
    result = verify_answer(text, SOURCES, calculation_values=[57763, 0.1, 0.05, 0.8], question=PLANTED)
    assert "4,321" not in result.answer
    assert "57,763" in result.answer
    assert result.unsupported_numbers == ["4,321"]
    assert check_answer("The sample size is 4,321 per group [1].", SOURCES, question=PLANTED)[1] is False
    assert check_answer("The sample size is 4,321 per group [2].", SOURCES, question=PLANTED)[1] is False


def test_an_uncited_sentence_may_restate_the_questions_input_but_not_make_it_a_result() -> None:
    assert check_answer("Give the baseline for the test at a 10% baseline.", SOURCES, question=PLANTED) == (
        True,
        True,
    )
    assert check_answer("The answer is 4,321.", SOURCES, question=PLANTED)[1] is False
    assert check_answer("You need 4,321 users.", SOURCES, question=PLANTED)[1] is False


def test_repeated_sentences_are_dropped() -> None:
    text = "Power is the probability of detecting a true effect [1]. " * 3
    result = verify_answer(text, SOURCES)
    assert result.answer.count("[1]") == 1
    assert result.removed_sentences


def test_too_little_surviving_means_fallback_with_citations() -> None:
    result = verify_answer("Bananas [9].", SOURCES)
    assert needs_fallback(result)
    fallback = extractive_answer(SOURCES)
    assert fallback == (
        "Statistical power is the probability of detecting a true effect [1]. Most teams plan for 80% power [1]."
    )
    assert "[1]" in fallback and "[2]" not in fallback  # calculations get a templated sentence instead
    assert check_answer(fallback, SOURCES) == (True, True)


def test_check_answer_flags_invalid_markers_and_unsupported_numbers() -> None:
    assert check_answer("Power is 80% [1].", SOURCES) == (True, True)
    assert check_answer("Power is 80% [4].", SOURCES)[0] is False
    assert check_answer("Power is 95% [1].", SOURCES)[1] is False


@given(st.integers(min_value=0, max_value=10**9))
def test_any_integer_written_with_separators_matches_itself(n: int) -> None:
    (tok,) = parse_numbers(f"{n:,}")
    assert tok.value == n and number_supported(tok, [float(n)])


@given(st.text(max_size=400))
def test_verification_never_crashes_and_never_invents_markers(text: str) -> None:
    result = verify_answer(text, SOURCES)
    ok_citations, _ = check_answer(result.answer, SOURCES)
    assert ok_citations or not result.answer


def test_an_interval_in_brackets_is_not_read_as_a_citation() -> None:
    from planner.verification import citation_markers

    assert citation_markers("Its centre never leaves [0, 1] and it stays close to nominal [1].") == [1]
    assert citation_markers("Both sources agree [2, 3].") == [2, 3]
