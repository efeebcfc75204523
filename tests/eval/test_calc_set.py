"""The frozen calculation-question set: unchanged since it was written, well-formed, and large enough."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from config import REPO_ROOT
from eval.calc_eval import _stated, _within, load

EVAL = REPO_ROOT / "eval"


def test_the_set_is_frozen() -> None:
    for line in (EVAL / "calc_set.sha256").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((REPO_ROOT / name).read_bytes()).hexdigest() == digest, f"{name} was edited"


def test_items_are_complete_and_test_items_have_three_paraphrases() -> None:
    dev, test = load("dev"), load("test")
    assert len(dev) + len(test) >= 200
    classes = {i["class"] for i in dev} & {i["class"] for i in test}
    assert {"two_rates", "money_units", "solve_power", "solve_p2", "solve_d", "mde_in_days", "one_sample", "paired",
            "allocation", "anova", "chi_square", "compromise", "method_named", "ci_methods", "duration_total",
            "multi_output", "srm", "cuped", "missing", "invalid"} <= classes  # fmt: skip
    for item in [*dev, *test]:
        assert item["source"].strip()
        assert item.get("expected") or item.get("needs") or item.get("invalid")
    assert all(len(i["paraphrases"]) == 3 for i in test)
    ids = [i["id"] for i in [*dev, *test]]
    assert len(ids) == len(set(ids))
    assert not {json.dumps(i["question"]) for i in dev} & {json.dumps(i["question"]) for i in test}


def test_scoring_helpers_accept_rounding_and_reject_other_numbers() -> None:
    assert _within(76.9, 76.707, {"relative": 0.003, "absolute": 1.0})
    assert not _within(80, 76.707, {"relative": 0.003, "absolute": 1.0})
    assert _stated("z = 2.53, p = 0.012: significant", 0.01234, {"relative": 0.01, "absolute": 0.0005})
    assert _stated("77 per group (76.71, R power.prop.test)", 76.707, {"relative": 0.003, "absolute": 1.0})
    assert not _stated("p = 0.02", 0.01234, {"relative": 0.01, "absolute": 0.0005})


def test_the_runner_drives_the_calculation_path() -> None:
    from eval.calc_eval import evaluate, summary
    from planner import calculation as calc
    from planner.intent import wants_calculation

    items = [i for i in load("dev") if i["class"] in ("two_rates", "missing")][:6]
    report = summary(evaluate(items, calc, wants_calculation))
    assert report["items"] == 6 and report["exact_pct"] is not None


def test_paths_exist() -> None:
    assert Path(EVAL / "calc_build.py").exists()


def test_every_dev_round_is_frozen_and_shares_no_phrasing_with_the_test_halves() -> None:
    for sha in sorted(EVAL.glob("calc_set*.sha256")):
        for line in sha.read_text().splitlines():
            digest, name = line.split()
            assert hashlib.sha256((REPO_ROOT / name).read_bytes()).hexdigest() == digest, f"{name} was edited"

    def phrasings(split: str) -> set[str]:
        return {p.strip().lower() for i in load(split) for p in [i["question"], *i.get("paraphrases", [])]}

    held_out = phrasings("test") | phrasings("test2")
    for n in range(4, 10):
        assert not phrasings(f"dev{n}") & held_out
