"""Calculator scenarios for the fine-tuning set: a question, the calculator run on it, and an answer that copies numbers.

Each scenario draws its parameters from a seeded ``random.Random``, runs the real calculator through
``tools.registry.run_tool`` and words the answer from ``outputs_rounded`` formatted exactly as the prompt shows them
(``model.prompts.format_sources``), so every number in a target appears verbatim in its prompt.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from model.prompts import PromptCalculation
from tools.registry import run_tool
from tools.result import CalculationResult


@dataclass(frozen=True, slots=True)
class CalculationScenario:
    """One calculator question with its result as the prompt shows it and answer sentences (without markers)."""

    tool: str
    concept: str
    question: str
    calculation: PromptCalculation
    sentences: tuple[str, ...]


def format_number(value: Any) -> str:
    """A value as ``format_sources`` prints it (floats with 6 significant digits), so answers copy it verbatim."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


Draw = Callable[[random.Random], tuple[str, dict[str, Any]]]
Words = Callable[[Mapping[str, str]], list[str]]


def _sample_size(rng: random.Random) -> tuple[str, dict[str, Any]]:
    baseline = rng.choice([0.02, 0.03, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3])
    mde = rng.choice([0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2])
    power = rng.choice([0.8, 0.8, 0.9])
    q = (
        f"How many users per group do I need to detect a {_pct(mde)} relative lift on a {_pct(baseline)} "
        f"baseline conversion rate with {_pct(power)} power?"
    )
    return q, {"baseline": baseline, "mde": mde, "power": power}


def _power(rng: random.Random) -> tuple[str, dict[str, Any]]:
    baseline = rng.choice([0.03, 0.05, 0.1, 0.15, 0.2])
    mde = rng.choice([0.05, 0.1, 0.2])
    n = rng.choice([2000, 5000, 10000, 20000, 40000, 80000])
    q = (
        f"What power does a test with {n} users per group have to detect a {_pct(mde)} relative lift "
        f"on a {_pct(baseline)} conversion rate?"
    )
    return q, {"baseline": baseline, "mde": mde, "n_per_group": n}


def _mde(rng: random.Random) -> tuple[str, dict[str, Any]]:
    baseline = rng.choice([0.02, 0.05, 0.1, 0.2, 0.3])
    n = rng.choice([1000, 5000, 10000, 25000, 50000, 100000])
    q = f"What is the minimum detectable effect with {n} users per group and a {_pct(baseline)} baseline rate?"
    return q, {"baseline": baseline, "n_per_group": n}


def _means(rng: random.Random) -> tuple[str, dict[str, Any]]:
    sd = rng.choice([5.0, 10.0, 20.0, 40.0])
    delta = rng.choice([0.5, 1.0, 2.0, 3.0, 5.0])
    q = f"How many observations per group are needed to detect a difference in means of {delta:g} when the standard deviation is {sd:g}?"
    return q, {"delta": delta, "sd": sd}


def _duration(rng: random.Random) -> tuple[str, dict[str, Any]]:
    baseline = rng.choice([0.03, 0.05, 0.1, 0.2])
    mde = rng.choice([0.05, 0.1, 0.2])
    traffic = rng.choice([1000, 2500, 5000, 10000, 20000, 50000])
    q = (
        f"How long must a test run with {traffic} daily users to detect a {_pct(mde)} relative lift "
        f"on a {_pct(baseline)} baseline?"
    )
    return q, {"daily_traffic": traffic, "baseline": baseline, "mde": mde}


def _ci(rng: random.Random) -> tuple[str, dict[str, Any]]:
    n = rng.choice([200, 500, 1000, 2500, 10000])
    successes = int(n * rng.choice([0.02, 0.05, 0.1, 0.12, 0.3, 0.5]))
    q = f"What is the 95% confidence interval for a conversion rate with {successes} conversions out of {n} users?"
    return q, {"successes": successes, "n": n}


def _two_counts(rng: random.Random) -> dict[str, Any]:
    n_a = rng.choice([1000, 2000, 5000, 10000, 20000])
    n_b = n_a + rng.choice([0, 0, 13, -21, 40])
    rate = rng.choice([0.04, 0.08, 0.1, 0.15, 0.2])
    lift = rng.choice([0.0, 0.05, 0.1, 0.15, 0.25])
    return {
        "conversions_a": int(n_a * rate),
        "n_a": n_a,
        "conversions_b": int(n_b * rate * (1 + lift)),
        "n_b": n_b,
    }


def _diff_ci(rng: random.Random) -> tuple[str, dict[str, Any]]:
    p = _two_counts(rng)
    q = (
        f"Control had {p['conversions_a']} conversions from {p['n_a']} users and treatment {p['conversions_b']} "
        f"from {p['n_b']}. What is the confidence interval for the difference?"
    )
    return q, p


def _z_test(rng: random.Random) -> tuple[str, dict[str, Any]]:
    p = _two_counts(rng)
    q = (
        f"Is {p['conversions_b']} out of {p['n_b']} significantly different from {p['conversions_a']} "
        f"out of {p['n_a']}?"
    )
    return q, p


def _welch(rng: random.Random) -> tuple[str, dict[str, Any]]:
    mean_a = rng.choice([10.0, 25.0, 50.0, 100.0])
    sd = mean_a * rng.choice([0.3, 0.5, 1.0])
    n = rng.choice([100, 300, 1000, 5000])
    p = {
        "mean_a": mean_a,
        "sd_a": round(sd, 2),
        "n_a": n,
        "mean_b": round(mean_a * (1 + rng.choice([0.0, 0.01, 0.03, 0.05])), 2),
        "sd_b": round(sd * rng.choice([0.9, 1.0, 1.2]), 2),
        "n_b": n + rng.choice([0, 7, -11]),
    }
    q = (
        f"Group A has mean {p['mean_a']:g} (SD {p['sd_a']:g}, n {p['n_a']}) and group B mean {p['mean_b']:g} "
        f"(SD {p['sd_b']:g}, n {p['n_b']}). Is the difference significant?"
    )
    return q, p


def _srm(rng: random.Random) -> tuple[str, dict[str, Any]]:
    n = rng.choice([10000, 50000, 100000, 200000])
    skew = rng.choice([0.0, 0.002, 0.005, 0.01, 0.02])
    a = int(n * (0.5 + skew))
    counts = [a, n - a]
    q = f"We intended a 50/50 split and got {counts[0]} and {counts[1]} users. Is there a sample ratio mismatch?"
    return q, {"counts": counts}


def _cuped(rng: random.Random) -> tuple[str, dict[str, Any]]:
    corr = rng.choice([0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    n = rng.choice([10000, 20000, 50000])
    q = f"How much does CUPED shrink the required sample of {n} users per group if the pre-period correlation is {corr:g}?"
    return q, {"correlation": corr, "n_per_group": n}


def _words_sample_size(o: Mapping[str, str]) -> list[str]:
    return [
        f"You need {o['n_control']} users in the control group and {o['n_per_variant']} per variant, {o['n_total']} in total"
    ]


def _words_power(o: Mapping[str, str]) -> list[str]:
    return [f"The test has a power of {o['power']} to detect that effect"]


def _words_mde(o: Mapping[str, str]) -> list[str]:
    return [
        f"The minimum detectable effect is {o['mde_absolute']} in absolute terms, a relative change of "
        f"{o['mde_relative']}, so the treatment rate would have to reach {o['p2']}"
    ]


def _words_means(o: Mapping[str, str]) -> list[str]:
    return [f"You need {o['n_group1']} observations in each group, {o['n_total']} in total"]


def _words_duration(o: Mapping[str, str]) -> list[str]:
    return [
        f"The test needs {o['n_per_group']} users per group, {o['total_sample']} in total, which takes {o['days']} days",
        f"Rounded up to whole weeks that is {o['weeks']} weeks ({o['days_in_whole_weeks']} days)",
    ]


def _words_ci(o: Mapping[str, str]) -> list[str]:
    return [
        f"The conversion rate is {o['estimate']} with a confidence interval from {o['lower']} to {o['upper']}"
    ]


def _words_diff_ci(o: Mapping[str, str]) -> list[str]:
    return [
        f"The rates are {o['p_a']} in control and {o['p_b']} in treatment, a difference of {o['difference']}",
        f"The confidence interval for the difference runs from {o['lower']} to {o['upper']}",
    ]


def _words_z(o: Mapping[str, str]) -> list[str]:
    verdict = (
        "is statistically significant" if o["significant"] == "True" else "is not statistically significant"
    )
    return [
        f"The difference of {o['difference']} gives z = {o['z']} and a p-value of {o['p_value']}",
        f"At the chosen significance level the difference {verdict}",
    ]


def _words_welch(o: Mapping[str, str]) -> list[str]:
    verdict = (
        "is statistically significant" if o["significant"] == "True" else "is not statistically significant"
    )
    return [
        f"The difference in means is {o['difference']} with t = {o['t']} on {o['df']} degrees of freedom "
        f"and a p-value of {o['p_value']}",
        f"The difference {verdict}",
    ]


def _words_srm(o: Mapping[str, str]) -> list[str]:
    first = f"The chi-square statistic is {o['chi2']} with a p-value of {o['p_value']}" if "chi2" in o else ""
    verdict = (
        "This indicates a sample ratio mismatch"
        if o.get("mismatch") == "True"
        else "There is no evidence of a sample ratio mismatch"
    )
    return [s for s in (first, verdict) if s]


def _words_cuped(o: Mapping[str, str]) -> list[str]:
    return [
        f"CUPED removes a share of {o['variance_reduction']} of the variance, leaving a factor of {o['variance_factor']}",
        f"The sample needed falls to {o['n_per_group_cuped']} users per group, saving {o['n_saved_per_group']} per group",
    ]


# tool -> (concept slug the question is about, parameter draw, answer wording)
SCENARIOS: dict[str, tuple[str, Draw, Words]] = {
    "proportions_sample_size": ("sample-size", _sample_size, _words_sample_size),
    "proportions_power": ("statistical-power", _power, _words_power),
    "proportions_mde": ("minimum-detectable-effect", _mde, _words_mde),
    "means_sample_size": ("power-analysis", _means, _words_means),
    "test_duration": ("test-duration", _duration, _words_duration),
    "ci_proportion": ("wilson-score-interval", _ci, _words_ci),
    "ci_proportion_difference": ("newcombe-interval", _diff_ci, _words_diff_ci),
    "two_proportion_z_test": ("two-proportion-z-test", _z_test, _words_z),
    "welch_t_test": ("welch-t-test", _welch, _words_welch),
    "srm_check": ("srm-check", _srm, _words_srm),
    "cuped": ("cuped", _cuped, _words_cuped),
}


def prompt_calculation(result: CalculationResult, marker: int) -> PromptCalculation:
    """The calculation as the planner hands it to the prompt (rounded outputs, inputs, assumptions)."""
    return PromptCalculation(
        marker=marker,
        tool=result.tool,
        method=result.method,
        outputs=dict(result.outputs_rounded or result.outputs),
        inputs=dict(result.inputs),
        assumptions=tuple(str(a) for a in result.assumptions),
    )


def draw_scenario(tool: str, rng: random.Random) -> CalculationScenario:
    """Draw parameters for ``tool``, run it and word the answer (marker 0: the caller renumbers)."""
    concept, draw, words = SCENARIOS[tool]
    question, params = draw(rng)
    result = run_tool(tool, params)
    calc = prompt_calculation(result, 0)
    outputs = {k: format_number(v) for k, v in calc.outputs.items()}
    sentences = [s for s in words(outputs) if s]
    if calc.assumptions:
        sentences.append(f"This assumes {calc.assumptions[0]}")
    return CalculationScenario(tool, concept, question, calc, tuple(sentences))
