"""Results typed in a question: parsed when present, None when the question carries none."""

from __future__ import annotations

from analysis.question import asks_for_a_decision, parse_results_from_question


def _counts(text: str) -> dict[str, tuple[int, int | None]] | None:
    data = parse_results_from_question(text)
    if data is None:
        return None
    return {v: (arm.n, arm.conversions) for v, arm in data.metrics["conversion"].items()}


def test_the_issue_example() -> None:
    text = "control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we ship?"
    assert _counts(text) == {"control": (10000, 1000), "treatment": (10050, 1090)}
    assert asks_for_a_decision(text)


def test_letters_rates_and_thousands() -> None:
    assert _counts("A: 5000 visitors, 250 signups. B: 5100 visitors, 300 signups. is B the winner?") == {
        "a": (5000, 250),
        "b": (5100, 300),
    }
    assert _counts("control had 12k users with 3.1% conversion and the variant 12.1k users at 3.4%") == {
        "control": (12000, 372),
        "variant": (12100, 411),
    }


def test_planning_questions_carry_no_results() -> None:
    assert _counts("What sample size do I need for a 2% lift on a 10% baseline?") is None
    assert _counts("What is a sample ratio mismatch?") is None
