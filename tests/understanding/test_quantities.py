"""The quantity tagger: number formats, words, units, rates, pairs, splits and p-value lists (exact rules)."""

from __future__ import annotations

import pytest

from understanding.quantities import normalise, tag


def tags(question: str) -> list[tuple[str, float, str, str | None]]:
    return [(q.text, q.value, q.unit, q.per) for q in tag(normalise(question))]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("12,500 users", 12500, "count"),
        ("2.5k users", 2500, "count"),
        ("1.2M sessions", 1_200_000, "count"),
        ("eight percent", 8, "percent"),
        ("twenty-five subjects", 25, "count"),
        ("a thousand people", 1000, "count"),
        ("0.5pp", 0.5, "pp"),
        ("2 percentage points", 2, "pp"),
        ("$0.40", 0.4, "money"),
        ("€1,250", 1250, "money"),
        ("70 cents", 0.7, "money"),
        ("1.8 minutes", 1.8, "time"),
        ("120 ms", 120, "time"),
    ],
)
def test_number_formats(text: str, value: float, unit: str) -> None:
    ((_, got, got_unit, _),) = tags(text)
    assert got == pytest.approx(value) and got_unit == unit


def test_rates_per_day_and_week_and_durations() -> None:
    assert tags("we get 30k visitors a day")[0][1:] == (30000, "count", "day")
    assert tags("8,000 users/day")[0][3] == "day"
    assert tags("50k users per week")[0][3] == "week"
    assert tags("three weeks")[0][1:3] == (21, "days")


def test_pairs_splits_ratios_and_lists() -> None:
    assert [(t[2], t[1]) for t in tags("90 of 1,000 vs 118/1000")] == [("pair", 0.09), ("pair", 0.118)]
    assert tags("1,000 users and 90 signups")[0][2] == "pair"
    assert tags("a 90/10 split")[0][2] == "split"
    assert tags("2:1 allocation")[0][1:3] == (2.0, "ratio")
    (plist,) = tag(normalise("BH on p-values 0.01, 0.04, .03 and 0.2"))
    assert plist.unit == "list" and plist.values == (0.01, 0.04, 0.03, 0.2)


def test_formula_text_is_not_read_as_numbers() -> None:
    assert tags("n = 16 sigma^2 / delta^2 with sd 5") == [("5", 5.0, "count", None)]
