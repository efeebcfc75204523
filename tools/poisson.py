"""Counts and rates (events per user, per day, per exposure): the two-sample Poisson test and its power.

Library choice: statsmodels (``test_poisson_2indep``, ``confint_poisson_2indep``, ``power_poisson_ratio_2indep``),
which implements the score, Wald and exact-conditional tests of Gu, Ng, Tang & Schucany (2008) and is checked there
against their published examples and against PASS; the power is solved for the sample size with scipy's brentq.
"""

from __future__ import annotations

from scipy import optimize
from statsmodels.stats.rates import (
    confint_poisson_2indep,
    power_poisson_ratio_2indep,
    test_poisson_2indep,
)

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, ceil_n, library_version

TEST_METHODS = ("score", "wald", "exact-cond", "cond-midp", "sqrt")
_SM_ALT = {"two-sided": "two-sided", "larger": "larger", "smaller": "smaller"}


def poisson_test_result(
    count_a: float,
    exposure_a: float,
    count_b: float,
    exposure_b: float,
    method: str = "score",
    alternative: str = "two-sided",
    alpha: float = 0.05,
) -> CalculationResult:
    """Rate ratio B/A with its CI and the p-value of H0: equal rates."""
    ca, cb = checks.count("count_a", count_a), checks.count("count_b", count_b)
    ea, eb = checks.positive("exposure_a", exposure_a), checks.positive("exposure_b", exposure_b)
    if ca + cb == 0:
        raise CalculationInputError("count_a", "no events in either group; the rate ratio is undefined")
    chosen = str(method).strip().lower()
    if chosen not in TEST_METHODS:
        raise CalculationInputError("method", f"must be one of {', '.join(TEST_METHODS)}; got {method!r}")
    alt = checks.alternative(alternative)
    a = checks.alpha(alpha)
    res = test_poisson_2indep(cb, eb, ca, ea, method=chosen, compare="ratio", alternative=_SM_ALT[alt])
    ci_method = (
        "score" if chosen in ("score", "wald") else "exact-cond" if chosen == "exact-cond" else "score"
    )
    low, high = confint_poisson_2indep(cb, eb, ca, ea, method=ci_method, compare="ratio", alpha=a)
    rate_a, rate_b = ca / ea, cb / eb
    p = float(res.pvalue)
    outputs = {
        "rate_a": rate_a,
        "rate_b": rate_b,
        "rate_ratio": rate_b / rate_a if rate_a > 0 else float("inf"),
        "ci_low": float(low),
        "ci_high": float(high),
        "statistic": float(res.statistic),
        "p_value": p,
        "significant": p < a,
    }
    return CalculationResult(
        tool="poisson_test",
        method=f"two-sample Poisson rate test ({chosen}; Gu et al. 2008)",
        inputs={
            "count_a": ca,
            "exposure_a": ea,
            "count_b": cb,
            "exposure_b": eb,
            "method": chosen,
            "alternative": alt,
            "alpha": a,
        },
        outputs=outputs,
        outputs_rounded={
            k: (float(f"{v:.4g}") if k == "p_value" else round(v, 6) if isinstance(v, float) else v)
            for k, v in outputs.items()
        },
        formula="score: z = (y_B − d·y_A·… )/√V₀ under λ_B/λ_A = 1 (Gu et al. 2008, eq. 2); CI by the same method",
        library=library_version("statsmodels"),
        assumptions=(
            "events are Poisson (variance equals the mean); overdispersion needs a negative binomial",
        ),
    )


def poisson_power_result(
    rate_a: float,
    rate_b: float,
    n_per_group: float | None = None,
    power: float | None = None,
    exposure: float = 1.0,
    ratio: float = 1.0,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    null_ratio: float = 1.0,
) -> CalculationResult:
    """Power of the Poisson rate-ratio test for n per group, or n per group for a target power.

    Rates are events per unit of exposure; each unit is observed for ``exposure``; n_per_group is the control's
    size and ratio is n_B/n_A.
    """
    ra, rb = checks.positive("rate_a", rate_a), checks.positive("rate_b", rate_b)
    e = checks.positive("exposure", exposure)
    k = checks.positive("ratio", ratio)
    a = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    null = checks.positive("null_ratio", null_ratio)
    if rb / ra == null:
        raise CalculationInputError(
            "rate_b", "rate_b/rate_a equals the null ratio; there is no effect to detect"
        )

    def power_at(n: float) -> float:
        # statsmodels: H1 on rate1/rate2 with rate1 = B.
        result = power_poisson_ratio_2indep(
            rb, ra, n * k, nobs_ratio=1 / k, exposure=e, value=null, alpha=a, alternative=_SM_ALT[alt]
        )
        return float(result.power)

    if n_per_group is None and power is None:
        power = 0.8
    if n_per_group is not None:
        n = checks.sample_size("n_per_group", n_per_group)
        pw = power_at(n)
        outputs: dict[str, object] = {"power": pw}
        rounded: dict[str, object] = {"power": round(pw, 4)}
    else:
        target = checks.power(power, a)  # type: ignore[arg-type]
        hi = 10.0
        while power_at(hi) < target:
            hi *= 2
            if hi > 1e12:
                raise CalculationInputError("rate_b", "the effect is too small to reach that power")
        n = float(optimize.brentq(lambda x: power_at(x) - target, 1.0, hi, xtol=1e-6))
        outputs = {"n_per_group": n, "power": power_at(ceil_n(n))}
        rounded = {
            "n_per_group": ceil_n(n),
            "n_b": ceil_n(ceil_n(n) * k),
            "power": round(power_at(ceil_n(n)), 4),
        }
    return CalculationResult(
        tool="poisson_power",
        method="power of the two-sample Poisson rate-ratio test (Zhu & Lakkis 2014 / PASS)",
        inputs={
            "rate_a": ra,
            "rate_b": rb,
            "exposure": e,
            "ratio": k,
            "alpha": a,
            "alternative": alt,
            "null_ratio": null,
        },
        outputs=outputs,
        outputs_rounded=rounded,
        formula="power = Φ((|ln(λ_B/λ_A) − ln R₀| − z₁₋α·√V₀)/√V₁), V = (1/(λ_A) + 1/(k·λ_B))/(n·exposure)",
        library=library_version("statsmodels"),
    )
