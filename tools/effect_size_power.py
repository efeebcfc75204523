"""Power and sample size from standardised effect sizes: ANOVA (Cohen's f), chi-square (Cohen's w), correlation (r).

Each solves for whichever of n and power is missing, as R's pwr package (pwr.anova.test, pwr.chisq.test,
pwr.r.test) and statsmodels ``FTestAnovaPower`` / ``GofChisquarePower``.
"""

from __future__ import annotations

import math

from scipy import optimize
from scipy.special import chdtri, chndtr, fdtri, ncfdtr, ndtr, stdtrit

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, ceil_n, library_version


def anova_power(f: float, n_per_group: float, k_groups: int, alpha: float) -> float:
    """Power of the one-way ANOVA F test: noncentral F with λ = k·n·f², df = (k − 1, k(n − 1))."""
    df1, df2 = k_groups - 1, k_groups * (n_per_group - 1)
    crit = fdtri(df1, df2, 1 - alpha)
    return float(1 - ncfdtr(df1, df2, k_groups * n_per_group * f**2, crit))


def chisq_power(w: float, n_total: float, df: int, alpha: float) -> float:
    """Power of a chi-square test: noncentral χ² with λ = N·w²."""
    crit = chdtri(df, alpha)
    return float(1 - chndtr(crit, df, n_total * w**2))


def correlation_power(r: float, n: float, alpha: float, alternative: str) -> float:
    """Power of the test of zero correlation, Fisher z with bias term, exactly as R pwr.r.test."""
    if alternative == "smaller":
        r = -r
    tail = alpha / 2 if alternative == "two-sided" else alpha
    t_crit = stdtrit(n - 2, 1 - tail)
    r_crit = math.sqrt(t_crit**2 / (t_crit**2 + n - 2))
    z_r = math.atanh(r) + r / (2 * (n - 1))
    z_crit = math.atanh(r_crit)
    result = ndtr((z_r - z_crit) * math.sqrt(n - 3))
    if alternative == "two-sided":
        result += ndtr((-z_r - z_crit) * math.sqrt(n - 3))
    return float(result)


def _solve_n(power_of_n: object, target: float, lower: float) -> float:
    def gap(n: float) -> float:
        return power_of_n(n) - target  # type: ignore[operator]

    if gap(lower) >= 0:
        return lower
    upper = max(lower * 2, 10.0)
    while gap(upper) < 0:
        upper *= 2
        if upper > 1e12:
            raise CalculationInputError(
                "effect_size", "too small to reach the target power with any sample size"
            )
    return float(optimize.brentq(gap, lower, upper, xtol=1e-10))


def _one_of(n: float | None, power_target: float | None, n_field: str) -> None:
    if (n is None) == (power_target is None):
        raise CalculationInputError(
            n_field, f"give exactly one of {n_field} (to get power) or power (to get {n_field})"
        )


def anova_result(
    effect_size_f: float,
    k_groups: int,
    n_per_group: float | None = None,
    power_target: float | None = None,
    alpha: float = 0.05,
) -> CalculationResult:
    """One-way ANOVA: power for n per group, or n per group for a target power."""
    f = checks.positive("effect_size_f", effect_size_f)
    k = checks.count("k_groups", k_groups, minimum=2)
    a = checks.alpha(alpha)
    _one_of(n_per_group, power_target, "n_per_group")
    inputs: dict[str, object] = {"effect_size_f": f, "k_groups": k, "alpha": a}
    if n_per_group is not None:
        n = checks.sample_size("n_per_group", n_per_group)
        value = anova_power(f, n, k, a)
        inputs["n_per_group"] = n
        outputs, rounded = {"power": value}, {"power": round(value, 4)}
    else:
        target = checks.power(power_target, a)  # type: ignore[arg-type]
        inputs["power"] = target
        n = _solve_n(lambda x: anova_power(f, x, k, a), target, 2.0)
        outputs = {"n_per_group": n, "n_total": n * k}
        rounded = {"n_per_group": ceil_n(n), "n_total": ceil_n(n) * k}
    return CalculationResult(
        tool="anova_power",
        method="one-way ANOVA F test, noncentral F (R pwr.anova.test)",
        inputs=inputs,
        outputs=outputs,
        outputs_rounded=rounded,
        formula="power = P(F' > F(1 − α; k − 1, k(n − 1))), F' noncentral with λ = k·n·f²",
        library=library_version("scipy"),
    )


def chi_square_power_result(
    effect_size_w: float,
    df: int,
    n_total: float | None = None,
    power_target: float | None = None,
    alpha: float = 0.05,
) -> CalculationResult:
    """Chi-square test (goodness of fit or association): power for N, or N for a target power."""
    w = checks.positive("effect_size_w", effect_size_w)
    dof = checks.count("df", df, minimum=1)
    a = checks.alpha(alpha)
    _one_of(n_total, power_target, "n_total")
    inputs: dict[str, object] = {"effect_size_w": w, "df": dof, "alpha": a}
    if n_total is not None:
        n = checks.sample_size("n_total", n_total, 1)
        value = chisq_power(w, n, dof, a)
        inputs["n_total"] = n
        outputs, rounded = {"power": value}, {"power": round(value, 4)}
    else:
        target = checks.power(power_target, a)  # type: ignore[arg-type]
        inputs["power"] = target
        n = _solve_n(lambda x: chisq_power(w, x, dof, a), target, 1.0)
        outputs, rounded = {"n_total": n}, {"n_total": ceil_n(n)}
    return CalculationResult(
        tool="chi_square_power",
        method="chi-square test, noncentral χ² (R pwr.chisq.test)",
        inputs=inputs,
        outputs=outputs,
        outputs_rounded=rounded,
        formula="power = P(χ'² > χ²(1 − α; df)), χ'² noncentral with λ = N·w²",
        library=library_version("scipy"),
    )


def correlation_result(
    r: float,
    n: float | None = None,
    power_target: float | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> CalculationResult:
    """Test of zero correlation: power for n, or n for a target power."""
    rho = checks.finite("r", r)
    if not -1 < rho < 1 or rho == 0:
        raise CalculationInputError(
            "r", f"must be a non-zero correlation strictly between -1 and 1; got {rho:g}"
        )
    a = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    if alt == "two-sided":
        rho = abs(rho)
    _one_of(n, power_target, "n")
    inputs: dict[str, object] = {"r": rho, "alpha": a, "alternative": alt}
    if n is not None:
        size = checks.sample_size("n", n, 4)
        value = correlation_power(rho, size, a, alt)
        inputs["n"] = size
        outputs, rounded = {"power": value}, {"power": round(value, 4)}
    else:
        target = checks.power(power_target, a)  # type: ignore[arg-type]
        inputs["power"] = target
        size = _solve_n(lambda x: correlation_power(rho, x, a, alt), target, 4.0)
        outputs, rounded = {"n": size}, {"n": ceil_n(size)}
    return CalculationResult(
        tool="correlation_power",
        method="test of zero correlation, Fisher z approximation (R pwr.r.test)",
        inputs=inputs,
        outputs=outputs,
        outputs_rounded=rounded,
        formula=(
            "r_c = √(t²/(t² + n − 2)), t = t(1 − α/2; n − 2); z_r = atanh(r) + r/(2(n − 1)); "
            "power = Φ((z_r − atanh(r_c))·√(n − 3)) [+ Φ((−z_r − atanh(r_c))·√(n − 3)) two-sided]"
        ),
        library=library_version("scipy"),
    )
