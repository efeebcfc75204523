"""Non-inferiority and equivalence (TOST) tests for two proportions or two means, and their sample sizes.

Library choice: statsmodels. Proportions use ``test_proportions_2indep(value=−margin, alternative='larger')`` and
``tost_proportions_2indep`` with the score method (Farrington-Manning / Miettinen-Nurminen), the method regulators and
rpact use for margins on a difference of rates. statsmodels' ``ttost_ind`` needs raw observations, so the means test is
the same two one-sided Welch t tests written over summary statistics (checked against R ``equivalence::tost``).
``spotify-confidence`` was not installed (see ``tools.bayesian``: 42 packages and a pandas downgrade).

Sample sizes are the normal-approximation formulas of Chow, Shao & Wang (2008, §3.2 and §4.2): non-inferiority
n = (z₁₋α + z₁₋β)²·V/(δ + M)², equivalence n = (z₁₋α + z₁₋β/₂)²·V/(M − |δ|)², with V = 2σ² (means) or
p_a(1−p_a) + p_b(1−p_b) (proportions), δ the true difference and M the margin.
"""

from __future__ import annotations

import math

from scipy.special import ndtri, stdtr
from statsmodels.stats.proportion import test_proportions_2indep, tost_proportions_2indep

from tools import checks
from tools.errors import CalculationInputError
from tools.intervals import welch_df
from tools.result import CalculationResult, ceil_n, library_version

TESTS = ("non_inferiority", "equivalence")
METRICS = ("proportion", "mean")


def _margin(margin: float) -> float:
    m = checks.positive("margin", margin)
    return m


def _two_counts(
    conversions_a: float, n_a: float, conversions_b: float, n_b: float
) -> tuple[int, int, int, int]:
    na, nb = checks.count("n_a", n_a, minimum=1), checks.count("n_b", n_b, minimum=1)
    xa, xb = checks.count("conversions_a", conversions_a), checks.count("conversions_b", conversions_b)
    if xa > na:
        raise CalculationInputError("conversions_a", f"{xa} exceeds the group size n_a={na}")
    if xb > nb:
        raise CalculationInputError("conversions_b", f"{xb} exceeds the group size n_b={nb}")
    return xa, na, xb, nb


def _verdict(test: str, p: float, a: float, margin: float) -> str:
    if test == "non_inferiority":
        return (
            f"Non-inferior: B is not worse than A by {margin:g} or more (p = {p:.3g} < {a:g})."
            if p < a
            else f"Non-inferiority not shown at margin {margin:g} (p = {p:.3g} ≥ {a:g})."
        )
    return (
        f"Equivalent within ±{margin:g} (TOST p = {p:.3g} < {a:g})."
        if p < a
        else f"Equivalence within ±{margin:g} not shown (TOST p = {p:.3g} ≥ {a:g})."
    )


def equivalence_test_result(
    margin: float,
    test: str = "non_inferiority",
    conversions_a: float | None = None,
    n_a: float | None = None,
    conversions_b: float | None = None,
    n_b: float | None = None,
    mean_a: float | None = None,
    sd_a: float | None = None,
    mean_b: float | None = None,
    sd_b: float | None = None,
    alpha: float = 0.05,
) -> CalculationResult:
    """Non-inferiority (H0: B − A ≤ −margin) or TOST equivalence (H0: |B − A| ≥ margin), higher is better.

    Give conversions and n for rates, or means, SDs and n for a continuous metric; margin is absolute.
    """
    m = _margin(margin)
    kind = checks.choice("test", test, TESTS)
    a = checks.alpha(alpha)
    if n_a is None or n_b is None:
        raise CalculationInputError("n_a", "give the size of both groups (n_a and n_b)")
    if conversions_a is not None and conversions_b is not None:
        xa, na, xb, nb = _two_counts(conversions_a, n_a, conversions_b, n_b)
        diff = xb / nb - xa / na
        if kind == "non_inferiority":
            res = test_proportions_2indep(
                xb, nb, xa, na, value=-m, compare="diff", alternative="larger", method="score"
            )
            p, stat = float(res.pvalue), float(res.statistic)
        else:
            tost = tost_proportions_2indep(xb, nb, xa, na, -m, m, compare="diff", method="score")
            p, stat = float(tost.pvalue), float(tost.statistic)
        inputs: dict[str, object] = {"conversions_a": xa, "n_a": na, "conversions_b": xb, "n_b": nb}
        method = "score test (Farrington-Manning / Miettinen-Nurminen) on the difference of proportions"
        library = library_version("statsmodels")
        formula = "z = (p̂b − p̂a − δ₀)/SE₀ with SE₀ from the restricted MLE under δ₀ = −M (and +M for TOST)"
        df_out: float | None = None
    elif None not in (mean_a, sd_a, mean_b, sd_b):
        ma, mb = checks.finite("mean_a", mean_a), checks.finite("mean_b", mean_b)  # type: ignore[arg-type]
        sa, sb = checks.positive("sd_a", sd_a), checks.positive("sd_b", sd_b)  # type: ignore[arg-type]
        na, nb = checks.count("n_a", n_a, minimum=2), checks.count("n_b", n_b, minimum=2)
        diff = mb - ma
        se = math.sqrt(sa**2 / na + sb**2 / nb)
        df_out = welch_df(sa**2, na, sb**2, nb)
        t_low = (diff + m) / se
        p_low = float(stdtr(df_out, -t_low))
        if kind == "non_inferiority":
            p, stat = p_low, t_low
        else:
            t_upp = (diff - m) / se
            p_upp = float(stdtr(df_out, t_upp))
            p, stat = max(p_low, p_upp), (t_low if p_low >= p_upp else t_upp)
        inputs = {"mean_a": ma, "sd_a": sa, "n_a": na, "mean_b": mb, "sd_b": sb, "n_b": nb}
        method = "two one-sided Welch t tests (Schuirmann 1987)"
        library = library_version("scipy")
        formula = "t_low = (x̄b − x̄a + M)/SE, t_upp = (x̄b − x̄a − M)/SE, SE = √(sa²/na + sb²/nb); p = max"
    else:
        raise CalculationInputError(
            "conversions_a", "give conversions_a/conversions_b (rates) or mean_a, sd_a, mean_b, sd_b (means)"
        )
    inputs.update({"margin": m, "test": kind, "alpha": a})
    outputs: dict[str, object] = {"difference": diff, "statistic": stat, "p_value": p, "conclusive": p < a}
    if df_out is not None:
        outputs["df"] = df_out
    verdict = _verdict(kind, p, a, m)
    outputs["verdict"] = verdict
    return CalculationResult(
        tool="equivalence_test",
        method=("non-inferiority " if kind == "non_inferiority" else "TOST equivalence ") + method,
        inputs=inputs,
        outputs=outputs,
        outputs_rounded={
            "difference": round(diff, 6),
            "statistic": round(stat, 4),
            "p_value": float(f"{p:.4g}"),
            "conclusive": p < a,
            "verdict": verdict,
        },
        formula=formula,
        library=library,
        assumptions=("higher values of the metric are better",),
    )


def equivalence_sample_size_result(
    margin: float,
    test: str = "non_inferiority",
    baseline: float | None = None,
    sd: float | None = None,
    true_difference: float = 0.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> CalculationResult:
    """Users per group for a non-inferiority or equivalence test (Chow, Shao & Wang 2008).

    baseline (a rate) makes it a proportions design, sd a means design; alpha is one-sided per test.
    """
    m = _margin(margin)
    kind = checks.choice("test", test, TESTS)
    a = checks.alpha(alpha)
    pw = checks.power(power, a)
    delta = checks.finite("true_difference", true_difference)
    if baseline is not None:
        pa = checks.proportion("baseline", baseline)
        pb = pa + delta
        if not 0 < pb < 1:
            raise CalculationInputError(
                "true_difference", f"baseline + true_difference must be a rate in (0, 1); got {pb:g}"
            )
        variance = pa * (1 - pa) + pb * (1 - pb)
        metric = "proportion"
    elif sd is not None:
        variance = 2 * checks.positive("sd", sd) ** 2
        metric = "mean"
    else:
        raise CalculationInputError("baseline", "give baseline (a conversion rate) or sd (for a mean)")
    z_a = float(ndtri(1 - a))
    if kind == "non_inferiority":
        gap = delta + m
        z_b = float(ndtri(pw))
        formula = "n = (z₁₋α + z₁₋β)²·V/(δ + M)²"
    else:
        gap = m - abs(delta)
        z_b = float(ndtri(1 - (1 - pw) / 2))
        formula = "n = (z₁₋α + z₁₋β/₂)²·V/(M − |δ|)²"
    if gap <= 0:
        raise CalculationInputError(
            "true_difference",
            f"the true difference {delta:g} lies outside the margin {m:g}; no sample size can show it",
        )
    n = (z_a + z_b) ** 2 * variance / gap**2
    return CalculationResult(
        tool="equivalence_sample_size",
        method=f"{kind.replace('_', '-')} sample size for two {metric}s (normal approximation)",
        inputs={
            "margin": m,
            "test": kind,
            "baseline": baseline,
            "sd": sd,
            "true_difference": delta,
            "alpha": a,
            "power": pw,
        },
        outputs={"n_per_group": n, "total": 2 * n},
        outputs_rounded={"n_per_group": ceil_n(n), "total": 2 * ceil_n(n)},
        formula=formula + ("; V = p_a(1−p_a) + p_b(1−p_b)" if metric == "proportion" else "; V = 2σ²"),
        library=library_version("scipy"),
        assumptions=("Chow, Shao & Wang (2008) normal approximation; equal group sizes",),
    )
