"""The evaluation question set: schema, category mix, concepts and paths that exist, numbers the calculators and
independent libraries reproduce, and must-ask questions that the parser really cannot answer."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import FTestAnovaPower, GofChisquarePower, NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize, proportions_ztest

from config import REPO_ROOT
from eval.question_set import (
    CATEGORY_SHARES,
    MIN_MULTI_HOP,
    MIN_QUESTIONS,
    ConceptGraph,
    load_concept_graph,
    load_questions,
    validate_question,
    validate_set,
)
from eval.scoring import check_numbers, is_graph_path, is_shortest_path
from understanding import parse_calculation, run_steps

QUESTIONS = load_questions()
GRAPH = load_concept_graph(REPO_ROOT / "corpus" / "concepts")
BY_ID = {q["id"]: q for q in QUESTIONS}
WITH_NUMBERS = [q for q in QUESTIONS if q.get("expected_numbers")]
MUST_ASK = [q for q in QUESTIONS if q["category"] == "calculation" and q.get("expected_needs")]


def test_the_set_is_valid_as_a_whole() -> None:
    assert validate_set(QUESTIONS, GRAPH) == []


def test_the_set_is_big_enough_with_the_planned_category_mix() -> None:
    assert len(QUESTIONS) >= MIN_QUESTIONS
    counts = Counter(q["category"] for q in QUESTIONS)
    for category, share in CATEGORY_SHARES.items():
        assert counts[category] / len(QUESTIONS) == pytest.approx(share, abs=0.03), category
    assert sum(1 for q in QUESTIONS if q["multi_hop"]) >= MIN_MULTI_HOP


def test_ids_are_unique() -> None:
    assert len(BY_ID) == len(QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q["id"])
def test_every_expected_concept_exists_in_the_corpus(question: dict[str, Any]) -> None:
    assert question["expected_concepts"]
    assert [c for c in question["expected_concepts"] if c not in GRAPH.names] == []


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q["multi_hop"]], ids=lambda q: q["id"])
def test_every_expected_path_is_a_real_path_in_the_relation_graph(question: dict[str, Any]) -> None:
    path = question["expected_path"]
    assert len(path) >= 3
    assert is_graph_path(path, GRAPH.adjacency), path
    assert is_shortest_path(path, GRAPH.adjacency), f"{path} has a shortcut between its ends"


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS if q["category"] == "calculation"], ids=lambda q: q["id"]
)
def test_calculation_questions_carry_numbers_with_a_reference_or_needs(question: dict[str, Any]) -> None:
    assert question.get("expected_numbers") or question.get("expected_needs")
    assert question.get("reference", "").strip()
    if question.get("expected_numbers"):
        assert {"relative", "absolute"} & set(question["tolerance"])


@pytest.mark.parametrize("question", WITH_NUMBERS, ids=lambda q: q["id"])
def test_parser_and_calculator_reproduce_the_expected_numbers(question: dict[str, Any]) -> None:
    parsed = parse_calculation(question["question"])
    assert parsed.calculable, parsed.to_dict()
    calcs = [{"outputs": r.outputs} for r in run_steps(parsed)]
    checks = check_numbers(question["expected_numbers"], question["tolerance"], calcs)
    assert [c for c in checks if not c.ok] == []


@pytest.mark.parametrize("question", MUST_ASK, ids=lambda q: q["id"])
def test_must_ask_questions_really_lack_exactly_the_expected_inputs(question: dict[str, Any]) -> None:
    parsed = parse_calculation(question["question"])
    assert parsed.tool is not None
    assert sorted(m.name for m in parsed.missing) == sorted(question["expected_needs"])


# Independent recomputation of each expected number with scipy/statsmodels (not our calculators).
def _z_sample_size(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> float:
    z = stats.norm.ppf
    pbar = (p1 + p2) / 2
    num = z(1 - alpha / 2) * math.sqrt(2 * pbar * (1 - pbar)) + z(power) * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return float(num**2 / (p1 - p2) ** 2)


def _prop_power(n: float, p1: float, p2: float, alpha: float = 0.05) -> float:
    """R power.prop.test's power equation."""
    z = stats.norm
    num = math.sqrt(n) * abs(p1 - p2) - z.ppf(1 - alpha / 2) * math.sqrt((p1 + p2) * (2 - p1 - p2) / 2)
    return float(z.cdf(num / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))))


def _newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    l1, u1 = proportion_confint(x1, n1, method="wilson")
    l2, u2 = proportion_confint(x2, n2, method="wilson")
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _mde_absolute(p1: float, n: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """The absolute lift whose pooled-normal sample size is exactly ``n`` (the sample-size formula inverted)."""
    return float(optimize.brentq(lambda d: _z_sample_size(p1, p1 + d, alpha, power) - n, 1e-6, 0.5))


def _relative_lift_ci(x1: int, n1: int, x2: int, n2: int) -> dict[str, float]:
    """Delta-method CI for (p2 - p1) / p1: Var ≈ V2/p1² + p2²·V1/p1⁴ with V = p(1 - p)/n."""
    p1, p2 = x1 / n1, x2 / n2
    se = math.sqrt(p2 * (1 - p2) / n2 / p1**2 + p2**2 * p1 * (1 - p1) / n1 / p1**4)
    lift = p2 / p1 - 1
    z = float(stats.norm.ppf(0.975))
    return {"lift": lift, "lower": lift - z * se, "upper": lift + z * se}


def _duration(p1: float, p2: float, visitors_per_day: float) -> dict[str, float]:
    n = math.ceil(_z_sample_size(p1, p2))
    return {"n_per_group": n, "days_rounded_up": math.ceil(2 * n / visitors_per_day)}


def _welch() -> dict[str, float]:
    res = stats.ttest_ind_from_stats(10.9, 4.5, 520, 10.2, 4.0, 500, equal_var=False)
    return {"t": float(res.statistic), "p_value": float(res.pvalue)}


BH_P = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0,
]
INDEPENDENT: dict[str, Any] = {
    "calc-01": lambda: {"n_per_variant": _z_sample_size(0.5, 0.75, power=0.9)},
    "calc-02": lambda: {"power": TTestIndPower().power(1.0, 20, 0.05)},
    "calc-03": lambda: {"n_group1": TTestIndPower().solve_power(1.0, power=0.9, alpha=0.05)},
    "calc-05": lambda: (
        dict(zip(["lower", "upper"], _newcombe(56, 70, 48, 80), strict=True)) | {"difference": 0.2}
    ),
    "calc-06": lambda: {"n_rejected": int(multipletests(BH_P, alpha=0.05, method="fdr_bh")[0].sum())},
    "calc-07": lambda: dict(
        zip(["lower", "upper"], proportion_confint(81, 263, method="wilson"), strict=True)
    ),
    "calc-08": lambda: dict(zip(["lower", "upper"], proportion_confint(15, 148, method="beta"), strict=True)),
    "calc-09": lambda: dict(zip(["lower", "upper"], proportion_confint(0, 20, method="wilson"), strict=True)),
    "calc-10": lambda: {"upper": proportion_confint(1, 29, method="agresti_coull")[1]},
    "calc-11": lambda: dict(
        zip(["z", "p_value"], proportions_ztest([250, 200], [10000, 10000]), strict=True)
    ),
    "calc-12": lambda: dict(zip(["chi2", "p_value"], stats.chisquare([50000, 51000]), strict=True)),
    "calc-16": lambda: {
        "n_per_group": FTestAnovaPower().solve_power(0.25, nobs=None, alpha=0.05, power=0.8, k_groups=4) / 4
    },
    "calc-17": lambda: {
        "n_total": GofChisquarePower().solve_power(0.3, nobs=None, alpha=0.05, power=0.8, n_bins=2)
    },
    "calc-18": lambda: _duration(0.05, 0.055, 10_000),
    "calc-19": lambda: {"n_per_variant": _z_sample_size(0.10, 0.105)},
    "calc-20": lambda: {"mde_absolute": _mde_absolute(0.03, 5000)},
    "calc-21": lambda: {"power": _prop_power(2000, 0.20, 0.22)},
    "calc-22": lambda: {
        "mde_delta": 30 * TTestIndPower().solve_power(None, nobs1=1000, alpha=0.05, power=0.8)
    },
    "calc-23": _welch,
    "calc-24": lambda: _relative_lift_ci(500, 10_000, 560, 10_000),
    "calc-25": lambda: (
        dict(
            zip(
                ["adjusted_p_values[0]", "adjusted_p_values[1]", "adjusted_p_values[3]"],
                multipletests([0.01, 0.04, 0.03, 0.005], method="bonferroni")[1][[0, 1, 3]],
                strict=True,
            )
        )
        | {"n_rejected": 2}
    ),
    "calc-26": lambda: (
        dict(
            zip(
                ["adjusted_p_values[0]", "adjusted_p_values[1]", "adjusted_p_values[2]"],
                multipletests([0.01, 0.04, 0.03, 0.005], method="holm")[1][:3],
                strict=True,
            )
        )
        | {"n_rejected": 2}
    ),
    "calc-27": lambda: {"n_group1": 16 * 10**2 / 2**2},
    "calc-28": lambda: {"n_group1": 16 * 0.05 * 0.95 / 0.0025**2},
    "calc-29": lambda: {
        "n_per_variant": NormalIndPower().solve_power(
            proportion_effectsize(0.65, 0.45), power=0.8, alpha=0.05
        )
    },
    "calc-30": lambda: {"n_per_variant": _z_sample_size(0.10, 0.11, alpha=0.05 / 3)},
}


@pytest.mark.parametrize("qid", sorted(INDEPENDENT))
def test_expected_numbers_agree_with_an_independent_computation(qid: str) -> None:
    question = BY_ID[qid]
    independent = INDEPENDENT[qid]()
    assert set(independent) <= set(question["expected_numbers"])
    checks = check_numbers(
        question["expected_numbers"], question["tolerance"], [{"outputs": _unflatten(independent)}]
    )
    compared = [c for c in checks if c.name in independent]
    assert compared and [c for c in compared if not c.ok] == []


def _unflatten(values: dict[str, float]) -> dict[str, Any]:
    """{'a[1]': x} → {'a': [None, x]} so ``check_numbers`` can look indexed names up."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if "[" in key:
            name, index = key[:-1].split("[")
            items = out.setdefault(name, [])
            items.extend([None] * (int(index) + 1 - len(items)))
            items[int(index)] = float(value)
        else:
            out[key] = float(value)
    return out


def test_validation_catches_a_broken_question() -> None:
    graph = ConceptGraph({"a": "A", "b": "B", "c": "C"}, {}, [("a", "b"), ("b", "c")])
    bad = {
        "id": "x",
        "category": "calculation",
        "question": "q",
        "expected_concepts": ["nope"],
        "key_facts": ["f"],
        "multi_hop": True,
        "expected_path": ["a", "c", "b"],
        "expected_numbers": {"n": 1},
        "tolerance": {},
    }
    problems = " | ".join(validate_question(bad, graph))
    assert "'nope' is not in corpus/concepts" in problems
    assert "not a path in the relation graph" in problems
    assert "need a reference" in problems
    assert "tolerance" in problems
    good = {
        **bad,
        "expected_concepts": ["a"],
        "expected_path": ["c", "b", "a"],
        "reference": "src",
        "tolerance": {"relative": 0.01},
    }
    assert validate_question(good, graph) == []
    shortcut = ConceptGraph({"a": "A", "b": "B", "c": "C"}, {}, [("a", "b"), ("b", "c"), ("a", "c")])
    assert "has a shortcut" in " ".join(validate_question(good, shortcut))
