"""Heavy-tailed metrics: Yuen's trimmed-mean t test and bootstrap confidence intervals for B − A.

Library choice: scipy. ``scipy.stats.ttest_ind(trim=γ)`` is Yuen's (1974) test (Welch-type t on trimmed means with
winsorized variances), and ``scipy.stats.bootstrap`` gives percentile/BCa intervals; both are maintained and
reproducible with a seed. No third-party bootstrap package is needed.

``tail_diagnostics`` flags a metric as heavy-tailed when the top 1% of units carry more than a quarter of the total
or the sample excess kurtosis exceeds 20: then one whale can move the mean, and the scorecard adds these views.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, library_version

SEED = 1974
METHODS = ("yuen", "bootstrap")
TOP_SHARE_LIMIT = 0.25
KURTOSIS_LIMIT = 20.0


def tail_diagnostics(values: Sequence[float] | np.ndarray) -> dict[str, float | bool]:
    """Share of the total carried by the top 1% of units, excess kurtosis, and whether the tail is heavy."""
    x = np.sort(np.asarray(values, dtype=float))
    total = float(np.abs(x).sum())
    top = max(1, round(0.01 * x.size))
    share = float(np.abs(x[-top:]).sum() / total) if total > 0 else 0.0
    kurt = float(stats.kurtosis(x)) if x.size > 3 and np.ptp(x) > 0 else 0.0
    return {
        "top_1pct_share": share,
        "excess_kurtosis": kurt,
        "heavy": share > TOP_SHARE_LIMIT or kurt > KURTOSIS_LIMIT,
    }


def _sample(name: str, values: Sequence[float]) -> np.ndarray:
    if len(values) < 5:
        raise CalculationInputError(name, f"give at least 5 observations; got {len(values)}")
    arr = np.asarray([checks.finite(name, v) for v in values], dtype=float)
    return arr


def yuen(a: np.ndarray, b: np.ndarray, trim: float, alternative: str) -> tuple[float, float, float]:
    """(trimmed-mean difference B − A, t, p) by Yuen's test."""
    alt = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alternative]
    res = stats.ttest_ind(b, a, equal_var=False, trim=trim, alternative=alt)
    diff = float(stats.trim_mean(b, trim) - stats.trim_mean(a, trim))
    return diff, float(res.statistic), float(res.pvalue)


def bootstrap_mean_difference(
    a: np.ndarray, b: np.ndarray, confidence: float, resamples: int = 4000, method: str = "BCa"
) -> tuple[float, float, float, float]:
    """(mean difference B − A, CI low, CI high, bootstrap SE) by resampling each arm independently (seeded)."""
    res = stats.bootstrap(
        (b, a),
        lambda x, y, axis=-1: np.mean(x, axis=axis) - np.mean(y, axis=axis),
        n_resamples=resamples,
        confidence_level=confidence,
        method=method,
        vectorized=True,
        rng=np.random.default_rng(SEED),
    )
    ci = res.confidence_interval
    return float(b.mean() - a.mean()), float(ci.low), float(ci.high), float(res.standard_error)


def heavy_tails_result(
    values_a: Sequence[float],
    values_b: Sequence[float],
    method: str = "yuen",
    trim: float = 0.2,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    resamples: int = 4000,
) -> CalculationResult:
    """Yuen's trimmed-mean test or a BCa bootstrap CI of the mean difference, from per-unit values."""
    a, b = _sample("values_a", values_a), _sample("values_b", values_b)
    chosen = checks.choice("method", method, METHODS)
    g = checks.finite("trim", trim)
    if not 0 <= g < 0.5:
        raise CalculationInputError(
            "trim", f"must be in [0, 0.5), the share cut from each end (e.g. 0.2); got {g:g}"
        )
    conf = checks.proportion("confidence", confidence)
    alt = checks.alternative(alternative)
    n_boot = checks.count("resamples", resamples, minimum=200)
    tails = {"a": tail_diagnostics(a), "b": tail_diagnostics(b)}
    t_diff, t_stat, t_p = yuen(a, b, g, alt)
    yuen_out = {"trimmed_difference": t_diff, "t": t_stat, "p_value": t_p}
    if chosen == "yuen":
        outputs: dict[str, object] = {**yuen_out, "mean_difference": float(b.mean() - a.mean())}
        method_text = f"Yuen's trimmed-mean t test ({g:.0%} trimmed from each end)"
        formula = "t = (x̄_t,B − x̄_t,A)/√(d_A + d_B), d = (n−1)·s²_w/(h(h−1)), h = n − 2⌊γn⌋; Welch df"
        alternatives: tuple[Alternative, ...] = ()
    else:
        diff, low, high, se = bootstrap_mean_difference(a, b, conf, n_boot)
        outputs = {"mean_difference": diff, "ci_low": low, "ci_high": high, "standard_error": se}
        method_text = f"BCa bootstrap CI of the mean difference ({n_boot} resamples, seeded)"
        formula = "resample each arm with replacement; BCa interval of x̄*_B − x̄*_A (Efron 1987)"
        alternatives = (
            Alternative(
                f"Yuen's trimmed-mean test ({g:.0%})",
                yuen_out,
                {k: round(v, 6) for k, v in yuen_out.items()},
            ),
        )
    outputs["heavy_tail_a"] = bool(tails["a"]["heavy"])
    outputs["heavy_tail_b"] = bool(tails["b"]["heavy"])
    return CalculationResult(
        tool="heavy_tails",
        method=method_text,
        inputs={
            "n_a": int(a.size),
            "n_b": int(b.size),
            "method": chosen,
            "trim": g,
            "confidence": conf,
            "alternative": alt,
        },
        outputs=outputs,
        outputs_rounded={
            k: (round(v, 6) if isinstance(v, float) and k != "p_value" else v) for k, v in outputs.items()
        },
        formula=formula,
        library=library_version("scipy"),
        alternatives=alternatives,
        notes=tuple(
            f"arm {k.upper()}: top 1% of units carry {v['top_1pct_share']:.0%} of the total"
            for k, v in tails.items()
            if v["heavy"]
        ),
    )
