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
