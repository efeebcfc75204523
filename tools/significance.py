"""Test statistics and p-values from summary data: two-proportion z, Welch t, chi-square tests."""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import stats
from scipy.special import ndtr, stdtr

from tools import checks
from tools.errors import CalculationInputError
from tools.intervals import welch_df
from tools.result import CalculationResult, library_version


def _p_value(statistic: float, alt: str, df: float | None = None) -> float:
    """p-value of a z (df None) or t statistic for the given alternative."""

    def sf(x: float) -> float:
        return float(ndtr(-x)) if df is None else float(stdtr(df, -x))

    if alt == "two-sided":
        return 2 * sf(abs(statistic))
    return sf(statistic) if alt == "larger" else sf(-statistic)


def two_proportion_z_result(
    conversions_a: float,
    n_a: float,
    conversions_b: float,
    n_b: float,
    alternative: str = "two-sided",
    alpha: float = 0.05,
) -> CalculationResult:
    """Pooled two-proportion z test of p_b vs p_a ('larger' means B converts better)."""
    na = checks.count("n_a", n_a, minimum=1)
    nb = checks.count("n_b", n_b, minimum=1)
    xa = checks.count("conversions_a", conversions_a)
    xb = checks.count("conversions_b", conversions_b)
    if xa > na:
        raise CalculationInputError("conversions_a", f"{xa} exceeds the group size {na}")
    if xb > nb:
        raise CalculationInputError("conversions_b", f"{xb} exceeds the group size {nb}")
    a = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    pa, pb = xa / na, xb / nb
    pooled = (xa + xb) / (na + nb)
    if pooled in (0.0, 1.0):
        raise CalculationInputError(
            "conversions_a",
            "no variation: all or none of the users converted in both groups, so z is undefined",
        )
    se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    z = (pb - pa) / se
    p = _p_value(z, alt)
    outputs = {"p_a": pa, "p_b": pb, "difference": pb - pa, "z": z, "p_value": p, "significant": p < a}
    return CalculationResult(
        tool="two_proportion_z_test",
        method="two-proportion z test with pooled variance",
        inputs={
            "conversions_a": xa,
            "n_a": na,
            "conversions_b": xb,
            "n_b": nb,
            "alternative": alt,
            "alpha": a,
        },
        outputs=outputs,
        outputs_rounded={
            **{k: round(v, 4) for k, v in outputs.items() if k not in ("p_value", "significant")},
            "p_value": float(f"{p:.4g}"),
            "significant": p < a,
        },
        formula="z = (p̂b − p̂a)/√(p̂(1−p̂)(1/na + 1/nb)), p̂ = (xa + xb)/(na + nb)",
        library=library_version("scipy"),
    )


def welch_t_result(
    mean_a: float,
    sd_a: float,
    n_a: float,
    mean_b: float,
    sd_b: float,
    n_b: float,
    alternative: str = "two-sided",
    alpha: float = 0.05,
) -> CalculationResult:
    """Welch's unequal-variance t test of mean_b vs mean_a from summary statistics."""
    ma, mb = checks.finite("mean_a", mean_a), checks.finite("mean_b", mean_b)
    sa, sb = checks.non_negative("sd_a", sd_a), checks.non_negative("sd_b", sd_b)
    na, nb = checks.count("n_a", n_a, minimum=2), checks.count("n_b", n_b, minimum=2)
    a = checks.alpha(alpha)
    alt = checks.alternative(alternative)
    se = math.sqrt(sa**2 / na + sb**2 / nb)
    if se == 0:
        raise CalculationInputError("sd_a", "both standard deviations are 0; the t statistic is undefined")
    df = welch_df(sa**2, na, sb**2, nb)
    t = (mb - ma) / se
    p = _p_value(t, alt, df)
    outputs = {"difference": mb - ma, "t": t, "df": df, "p_value": p, "significant": p < a}
    return CalculationResult(
        tool="welch_t_test",
        method="Welch's t test (unequal variances)",
        inputs={
            "mean_a": ma,
            "sd_a": sa,
            "n_a": na,
            "mean_b": mb,
            "sd_b": sb,
            "n_b": nb,
            "alternative": alt,
            "alpha": a,
        },
        outputs=outputs,
        outputs_rounded={
            "difference": round(mb - ma, 4),
            "t": round(t, 4),
            "df": round(df, 2),
            "p_value": float(f"{p:.4g}"),
            "significant": p < a,
        },
        formula="t = (x̄b − x̄a)/√(sa²/na + sb²/nb), ν = (sa²/na + sb²/nb)²/((sa²/na)²/(na−1) + (sb²/nb)²/(nb−1))",
        library=library_version("scipy"),
    )


def _table(table: Sequence[Sequence[float]]) -> list[list[int]]:
    if len(table) < 2 or any(len(row) != len(table[0]) for row in table) or len(table[0]) < 2:
        raise CalculationInputError("table", "must be a rectangular table with at least 2 rows and 2 columns")
    rows = [[checks.count("table", v) for v in row] for row in table]
    if any(sum(row) == 0 for row in rows) or any(sum(col) == 0 for col in zip(*rows, strict=True)):
        raise CalculationInputError("table", "has a row or column of zeros; remove it")
    return rows


def chi_square_independence_result(
    table: Sequence[Sequence[float]], yates: bool = False, alpha: float = 0.05
) -> CalculationResult:
    """Pearson chi-square test of independence on a contingency table of counts."""
    rows = _table(table)
    a = checks.alpha(alpha)
    res = stats.chi2_contingency(rows, correction=yates)
    expected = res.expected_freq.tolist()
    notes = []
    if min(min(r) for r in expected) < 5:
        notes.append(
            "Some expected counts are below 5; the chi-square approximation is rough (consider Fisher's exact test)."
        )
    outputs = {
        "chi2": float(res.statistic),
        "df": int(res.dof),
        "p_value": float(res.pvalue),
        "significant": float(res.pvalue) < a,
        "expected": expected,
    }
    return CalculationResult(
        tool="chi_square_independence",
        method="Pearson chi-square test of independence"
        + (" with Yates continuity correction" if yates else ""),
        inputs={"table": rows, "yates": yates, "alpha": a},
        outputs=outputs,
        outputs_rounded={
            "chi2": round(float(res.statistic), 4),
            "df": int(res.dof),
            "p_value": float(f"{float(res.pvalue):.4g}"),
            "significant": float(res.pvalue) < a,
        },
        formula="χ² = Σ (O − E)²/E, E = row total · column total / N, df = (r − 1)(c − 1)",
        library=library_version("scipy"),
        notes=tuple(notes),
    )


def goodness_of_fit(
    observed: Sequence[float], expected_shares: Sequence[float] | None
) -> tuple[list[int], list[float], float, float, int]:
    """Observed counts, expected counts, chi-square statistic, p-value and df for a goodness-of-fit test."""
    counts = [checks.count("observed", v) for v in observed]
    if len(counts) < 2:
        raise CalculationInputError("observed", "needs at least two counts")
    total = sum(counts)
    if total == 0:
        raise CalculationInputError("observed", "all counts are zero")
    shares = (
        checks.weights("expected", expected_shares, len(counts))
        if expected_shares is not None
        else [1 / len(counts)] * len(counts)
    )
    expected = [total * s for s in shares]
    res = stats.chisquare(counts, expected)
    return counts, expected, float(res.statistic), float(res.pvalue), len(counts) - 1


def chi_square_gof_result(
    observed: Sequence[float], expected: Sequence[float] | None = None, alpha: float = 0.05
) -> CalculationResult:
    """Chi-square goodness of fit of observed counts to expected shares (uniform by default)."""
    a = checks.alpha(alpha)
    counts, exp, chi2, p, df = goodness_of_fit(observed, expected)
    return CalculationResult(
        tool="chi_square_goodness_of_fit",
        method="Pearson chi-square goodness-of-fit test",
        inputs={"observed": counts, "expected_shares": [e / sum(exp) for e in exp], "alpha": a},
        outputs={"chi2": chi2, "df": df, "p_value": p, "significant": p < a, "expected_counts": exp},
        outputs_rounded={
            "chi2": round(chi2, 4),
            "df": df,
            "p_value": float(f"{p:.4g}"),
            "significant": p < a,
        },
        formula="χ² = Σ (O − E)²/E, E_i = N · share_i, df = k − 1",
        library=library_version("scipy"),
    )
