"""Composing the final answer around what the model got right (pure)."""

from __future__ import annotations

from planner.composition import MAX_MODEL_SENTENCES, NO_ANSWER, compose_answer
from planner.types import Source

DEF = Source(
    1,
    "concept",
    "sample-ratio-mismatch",
    "Sample ratio mismatch",
    "A sample ratio mismatch occurs when the observed split differs from the designed split. It signals a bug.",
)
REL = Source(
    2, "relation", "r", "SRM is detected by SRM check", "An SRM check uses a chi-square goodness-of-fit test."
)
CALC = Source(3, "calculation", "proportions_sample_size", "Calculation", "n per variant = 57,763.")


def test_the_top_source_leads_when_the_model_did_not_cite_it() -> None:
    out = compose_answer("An SRM check uses a chi-square goodness-of-fit test to find it [2].", [DEF, REL])
    assert out.grounded_lead == 1
    assert out.answer.startswith("A sample ratio mismatch occurs when the observed split differs")
    assert out.answer.endswith("[2].")


def test_no_lead_when_the_model_already_cites_the_top_source() -> None:
    verified = "A sample ratio mismatch occurs when the observed split differs from the design [1]."
    out = compose_answer(verified, [DEF, REL])
    assert out.answer == verified and out.grounded_lead is None


def test_too_little_left_falls_back_to_an_extractive_answer() -> None:
    out = compose_answer("", [DEF, REL])
    assert out.fallback_used
    assert "[1]" in out.answer and "[2]" in out.answer


def test_a_calculation_template_leads_and_keeps_the_model_text() -> None:
    template = "You need 57,763 users per variant [3]."
    out = compose_answer(
        "An SRM check uses a chi-square goodness-of-fit test to find it [2].",
        [DEF, REL, CALC],
        template=template,
    )
    assert out.answer.startswith(template) and out.template_used and out.grounded_lead is None


def test_model_text_is_capped_and_nothing_at_all_says_so() -> None:
    many = " ".join(f"An SRM check uses a chi-square goodness-of-fit test number {i} [2]." for i in range(6))
    out = compose_answer(many, [DEF, REL])
    assert len(out.dropped_for_length) == 6 - MAX_MODEL_SENTENCES
    assert compose_answer("", []).answer == NO_ANSWER


def test_the_calculators_sentence_leads_when_verification_removed_the_models_numbers() -> None:
    from planner.answering import numbers_kept

    lead = "You need 14,751 per group (14,750.79, R power.prop.test), 29,502 in total [6]."
    # the model wrote 14751, in a sentence the gate removed: only its definition sentence is left
    left = "Sample size is the number of independent randomisation units in each arm [1]."
    assert numbers_kept(left, lead, [[14751.0]]) == f"{lead} {left}"
    # a verified sentence that states the number needs no second copy of it
    stated = "So 14,751 users per variant detect a lift from 10% to 11% [6]."
    assert numbers_kept(stated, lead, [[14751.0]]) == stated
    # a chain of steps: every step's main number must be there
    assert numbers_kept(stated, lead, [[14751.0], [21.0]]).startswith(lead)
    assert numbers_kept("", lead, [[14751.0]]) == lead
