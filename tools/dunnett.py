"""Many-to-one comparisons: Dunnett's test of each variant against one control, from summary statistics.

Library choice: scipy. ``scipy.stats.dunnett`` implements Dunnett (1955) but needs every observation; experiment
results usually arrive as means, SDs and sizes per arm, so we compute the same statistic (pooled variance,
df = N − k) and the same multivariate-t p-values with ``scipy.stats.multivariate_t`` (seeded, so results are
reproducible), and check them against ``scipy.stats.dunnett`` and Dunnett's own example in the tests. Conversion rates
enter as means of 0/1 values (sd = √(p(1 − p)·n/(n − 1))). Per-unit values go to ``scipy.stats.dunnett`` itself
(``dunnett_units_result``), which also gives simultaneous confidence intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, library_version

SEED = 1955


def dunnett_from_summary(
    means: Sequence[float], sds: Sequence[float], ns: Sequence[float], alternative: str = "two-sided"
) -> tuple[list[float], list[float], int]:
    """(t statistics, p-values, df) of each arm 1..k against arm 0 (the control)."""
    m, s, n = (np.asarray(v, dtype=float) for v in (means, sds, ns))
    df = int(n.sum() - len(n))
    s2 = float(np.sum((n - 1) * s**2) / df)
    t = (m[1:] - m[0]) / math.sqrt(s2) / np.sqrt(1 / n[1:] + 1 / n[0])
    r = n[0] / n[1:] + 1
    rho = 1 / np.sqrt(r[:, None] * r[None, :])
    np.fill_diagonal(rho, 1)
    mvt = stats.multivariate_t(shape=rho, df=df, seed=SEED)
    p = []
    for value in t:
        x = np.full(len(t), abs(value) if alternative == "two-sided" else value)
        if alternative == "two-sided":
            p.append(1 - float(mvt.cdf(x, lower_limit=-x)))
        elif alternative == "larger":
            p.append(1 - float(mvt.cdf(x, lower_limit=np.full(len(t), -np.inf))))
        else:
            p.append(1 - float(mvt.cdf(np.full(len(t), np.inf), lower_limit=x)))
    return [float(v) for v in t], [min(1.0, max(0.0, v)) for v in p], df


def dunnett_result(
    means: Sequence[float],
    sds: Sequence[float] | None = None,
    ns: Sequence[float] = (),
    alternative: str = "two-sided",
    alpha: float = 0.05,
    proportions: bool = False,
    labels: Sequence[str] | None = None,
) -> CalculationResult:
    """Dunnett's many-to-one test; the first arm is the control. Gives adjusted p-values per variant.

    ``proportions``: the means are conversion rates, each arm's SD that of its 0/1 values (``sds`` not needed, and
    replaced if given);
    ``labels``: a distinct name for each arm, control first, kept with the inputs to name the comparisons.
    """
    if labels is not None and (
        len(labels) != len(means) or len(set(labels)) != len(labels) or not all(labels)
    ):
        raise CalculationInputError(
            "labels", f"give one distinct name per arm ({len(means)}); got {list(labels)}"
        )
    if proportions:
        rates = [checks.proportion("means", v, open_interval=False) for v in means]
        if len(rates) != len(ns):
            raise CalculationInputError(
                "ns", f"give one size per arm; got {len(rates)} rates and {len(ns)} sizes"
            )
        sds = [binary_sd(r, float(n)) for r, n in zip(rates, ns, strict=True)]
    if sds is None:
        raise CalculationInputError(
            "sds",
            "give each arm's standard deviation, or proportions=true when the means are conversion rates",
        )
    if not len(means) == len(sds) == len(ns):
        raise CalculationInputError(
            "sds", f"give one mean, SD and size per arm; got {len(means)}, {len(sds)}, {len(ns)}"
        )
    if len(means) < 3:
        raise CalculationInputError("means", "Dunnett needs a control and at least two variants (3 arms)")
    ms = [checks.finite("means", v) for v in means]
    # an arm of conversion rates that converted none or all of its users has no spread of its own; the pooled SD has
    ss = [float(v) for v in sds] if proportions else [checks.positive("sds", v) for v in sds]
    if not any(ss):
        raise CalculationInputError(
            "means", "every arm converted all or none of its users: nothing varies to test"
        )
    nn = [checks.count("ns", v, minimum=2) for v in ns]
    alt = checks.alternative(alternative)
    a = checks.alpha(alpha)
    t, p, df = dunnett_from_summary(ms, ss, nn, alt)
    bonf = [min(1.0, v * len(p)) for v in _unadjusted(t, df, alt)]
    return CalculationResult(
        tool="dunnett",
        method="Dunnett's many-to-one test (single step, pooled variance, multivariate t)",
        inputs={
            "means": ms,
            "sds": ss,
            "ns": nn,
            "alternative": alt,
            "alpha": a,
            **({"proportions": True} if proportions else {}),
            **({"labels": list(labels)} if labels is not None else {}),
        },
        outputs={
            "differences": [v - ms[0] for v in ms[1:]],
            "t": t,
            "df": df,
            "adjusted_p_values": p,
            "rejected": [v < a for v in p],
        },
        outputs_rounded={
            "differences": [round(v - ms[0], 6) for v in ms[1:]],
            "t": [round(v, 4) for v in t],
            "df": df,
            "adjusted_p_values": [float(f"{v:.4g}") for v in p],
            "rejected": [v < a for v in p],
        },
        formula="t_i = (x̄_i − x̄_0)/(s·√(1/n_i + 1/n_0)), s² pooled, df = N − k; p_i = P(max_j |T_j| ≥ |t_i|), corr_ij = 1/√((1+n_0/n_i)(1+n_0/n_j))",
        library=library_version("scipy"),
        assumptions=("equal variances across arms (pooled SD)", "the first arm is the control"),
        alternatives=(
            Alternative(
                "Bonferroni on unadjusted t tests (more conservative)",
                {"adjusted_p_values": bonf},
                {"adjusted_p_values": [float(f"{v:.4g}") for v in bonf]},
                "p_i = min(1, k·p_i,unadjusted)",
            ),
        ),
    )


def binary_sd(rate: float, n: float) -> float:
    """The SD of n values of 0 and 1 whose mean is ``rate`` (with the n − 1 denominator): √(p(1 − p)·n/(n − 1))."""
    return math.sqrt(rate * (1 - rate) * n / (n - 1)) if n > 1 else 0.0


def _unadjusted(t: Sequence[float], df: int, alt: str) -> list[float]:
    if alt == "two-sided":
        return [2 * float(stats.t.sf(abs(v), df)) for v in t]
    return [float(stats.t.sf(v if alt == "larger" else -v, df)) for v in t]


_SCIPY_ALTERNATIVE = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}


def dunnett_units_result(
    values: Sequence[float], groups: Sequence[float], alternative: str = "two-sided", alpha: float = 0.05
) -> CalculationResult:
    """Dunnett's test on per-unit values (``scipy.stats.dunnett``): group 0 is the control, 1..k the variants."""
    y = np.asarray(values, dtype=float)
    g = np.asarray(groups, dtype=float)
    if y.size != g.size:
        raise CalculationInputError(
            "groups", f"give one group per value; got {g.size} groups for {y.size} values"
        )
    if (g != np.round(g)).any() or g.min() < 0:
        raise CalculationInputError(
            "groups", "groups are whole numbers: 0 for the control, 1, 2, … for variants"
        )
    k = int(g.max())
    arms = [y[g == i] for i in range(k + 1)]
    sizes = [a.size for a in arms]
    if k < 2 or min(sizes) < 2:
        raise CalculationInputError(
            "groups", f"Dunnett needs a control and at least two variants of 2+ units each; got sizes {sizes}"
        )
    alt = checks.alternative(alternative)
    a = checks.alpha(alpha)
    res = stats.dunnett(*arms[1:], control=arms[0], alternative=_SCIPY_ALTERNATIVE[alt], rng=SEED)
    ci = res.confidence_interval(confidence_level=1 - a)
    p = [min(1.0, max(0.0, float(v))) for v in res.pvalue]
    differences = [float(arm.mean() - arms[0].mean()) for arm in arms[1:]]
    low, high = [float(v) for v in ci.low], [float(v) for v in ci.high]
    return CalculationResult(
        tool="dunnett_units",
        method="Dunnett's many-to-one test on per-unit values (scipy.stats.dunnett; single step, pooled variance)",
        inputs={"n_per_arm": sizes, "alternative": alt, "alpha": a},
        outputs={
            "differences": differences,
            "t": [float(v) for v in res.statistic],
            "df": int(y.size - k - 1),
            "adjusted_p_values": p,
            "ci_low": low,
            "ci_high": high,
            "rejected": [v < a for v in p],
        },
        outputs_rounded={
            "differences": [round(v, 6) for v in differences],
            "t": [round(float(v), 4) for v in res.statistic],
            "df": int(y.size - k - 1),
            "adjusted_p_values": [float(f"{v:.4g}") for v in p],
            "ci_low": [round(v, 6) for v in low],
            "ci_high": [round(v, 6) for v in high],
            "rejected": [v < a for v in p],
        },
        formula="t_i = (x̄_i − x̄_0)/(s·√(1/n_i + 1/n_0)), s² pooled, df = N − k − 1; p_i = P(max_j |T_j| ≥ |t_i|) "
        "under the multivariate t",
        library=library_version("scipy"),
        assumptions=("equal variances across arms (pooled SD)", "group 0 is the control"),
    )
