"""The ask of a question that first sets a scene, and the advice answer it steers."""

from __future__ import annotations

import pytest

from planner.ask_clause import ask_clause


@pytest.mark.parametrize(
    ("question", "ask"),
    [
        (
            "our test shows +0.3% revenue per user, p=0.01, 2M users per arm. but the feature is expensive to "
            "maintain. ship or not?",
            "ship or not?",
        ),
        # the last sentence that asks, not a trailing remark; decimals and "e.g." stay inside their sentence
        ("we got p=0.04 on a 2.5% lift. can we ship? asking for a friend.", "can we ship?"),
        ("the split was 50.4 vs 49.6. is that fine", "is that fine"),
        # one sentence has no separate setting
        ("is it ok to peek at p=0.03 on day 3?", ""),
    ],
)
def test_the_ask_is_the_last_sentence_that_asks(question: str, ask: str) -> None:
    assert ask_clause(question) == ask
