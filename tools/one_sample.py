"""Exact one-sample binomial test and G*Power's compromise power analysis for a two-sample t test.

scipy does both: ``scipy.stats.binomtest`` (exact, two-sided by the minimum-likelihood rule, as R binom.test) and
the noncentral t distribution ``scipy.stats.nct`` with ``brentq`` for the α that makes β = q·α (G*Power 3 manual,
"compromise" analysis, Faul et al. 2007).
"""

from __future__ import annotations

import math

from scipy import optimize, stats

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version


def binomial_test_result(
    successes: float, n: float, p0: float = 0.5, alternative: str = "two-sided", alpha: float = 0.05
) -> CalculationResult:
    """Exact binomial test of an observed rate against a known rate p0 (e.g. is this coin fair: p0 = 0.5)."""
    total = checks.count("n", n, minimum=1)
    x = checks.count("successes", successes)
    if x > total:
        raise CalculationInputError("successes", f"{x} exceeds the number of trials {total}")
    ref = checks.finite("p0", p0)
    if not 0 < ref < 1:
        raise CalculationInputError("p0", f"must be a rate strictly between 0 and 1 (e.g. 0.5); got {ref:g}")
    a = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    test = stats.binomtest(
        x, total, ref, alternative={"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alt]
    )
    p = float(test.pvalue)
    outputs = {"observed_rate": x / total, "p0": ref, "p_value": p, "significant": p < a}
    return CalculationResult(
        tool="binomial_test",
        method="exact binomial test (scipy.stats.binomtest, as R binom.test)",
        inputs={"successes": x, "n": total, "p0": ref, "alternative": alt, "alpha": a},
        outputs=outputs,
        outputs_rounded={
            "observed_rate": round(x / total, 4),
            "p0": ref,
            "p_value": float(f"{p:.4g}"),
            "significant": p < a,
        },
        formula="P(X as or less likely than x | X ~ Binomial(n, p0))",
        library=library_version("scipy"),
    )


def compromise_power_result(
    effect_size_d: float, n_per_group: float, beta_alpha_ratio: float = 1.0
) -> CalculationResult:
    """The α (and power) at which β = q·α for a two-sided two-sample t test with n per group."""
    d = checks.positive("effect_size_d", effect_size_d)
    n1 = checks.sample_size("n_per_group", n_per_group, 2)
    q = checks.positive("beta_alpha_ratio", beta_alpha_ratio)
    df, nc = 2 * n1 - 2, d * math.sqrt(n1 / 2)

    def beta(a: float) -> float:
        t = stats.t.ppf(1 - a / 2, df)
        return float(stats.nct.cdf(t, df, nc) - stats.nct.cdf(-t, df, nc))

    a = float(optimize.brentq(lambda x: beta(x) - q * x, 1e-9, 1 - 1e-9))
    b = beta(a)
    return CalculationResult(
        tool="compromise_power",
        method="compromise power analysis (G*Power), two-sided two-sample t test",
        inputs={"effect_size_d": d, "n_per_group": n1, "beta_alpha_ratio": q},
        outputs={"alpha": a, "beta": b, "power": 1 - b, "critical_t": float(stats.t.ppf(1 - a / 2, df))},
        outputs_rounded={"alpha": round(a, 4), "beta": round(b, 4), "power": round(1 - b, 4)},
        formula="solve β(α) = q·α with β from the noncentral t (df = 2n − 2, δ = d·√(n/2))",
        library=library_version("scipy"),
    )


def paired_t_result(
    mean_difference: float,
    sd_difference: float,
    n_pairs: float,
    alternative: str = "two-sided",
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> CalculationResult:
    """Paired t test from the mean and SD of the per-unit differences (after − before): a one-sample t test of the
    differences against 0, with the interval of the mean difference. scipy's ``ttest_rel`` needs every pair; results
    usually arrive as the mean and SD of the changes, so the same statistic is computed from them."""
    d = checks.finite("mean_difference", mean_difference)
    s = checks.positive("sd_difference", sd_difference)
    n = checks.count("n_pairs", n_pairs, minimum=2)
    a = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    if not 0 < confidence < 1:
        raise CalculationInputError("confidence", f"must be between 0 and 1 (e.g. 0.95); got {confidence}")
    se = s / math.sqrt(n)
    t = d / se
    df = n - 1
    p = {
        "two-sided": 2 * float(stats.t.sf(abs(t), df)),
        "larger": float(stats.t.sf(t, df)),
        "smaller": float(stats.t.cdf(t, df)),
    }[alt]
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, df)) * se
    raw = {
        "t": t,
        "df": float(df),
        "p_value": p,
        "significant": p < a,
        "standard_error": se,
        "lower": d - half,
        "upper": d + half,
    }
    return CalculationResult(
        tool="paired_t_test",
        method="paired t test (one-sample t on the per-unit differences)",
        inputs={
            "mean_difference": d,
            "sd_difference": s,
            "n_pairs": n,
            "alternative": alt,
            "alpha": a,
            "confidence": confidence,
        },
        outputs=raw,
        outputs_rounded={k: (round(v, 4) if isinstance(v, float) else v) for k, v in raw.items()},
        formula="t = d̄ / (s_d/√n), df = n − 1; d̄ ± t(1 − α/2, n − 1)·s_d/√n",
        library=library_version("scipy"),
    )
