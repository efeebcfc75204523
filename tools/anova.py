"""One-way ANOVA from each arm's mean, standard deviation and size: do three or more arms differ at all?

Library choice: statsmodels. ``statsmodels.stats.oneway.anova_generic`` takes exactly the summary statistics an
experimentation platform reports (means, variances, sizes) and gives both the classic F test (pooled variance) and
Welch's heteroscedastic F test; ``scipy.stats.f_oneway`` needs every observation. The classic test is the answer
(what textbooks and calculators report); Welch's is given as the alternative, and the answer says to prefer it when
the arms' SDs differ by more than a factor of two or their sizes are unequal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from statsmodels.stats.oneway import anova_generic

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, library_version

METHODS = ("equal", "unequal")


def _f_test(
    means: Sequence[float], sds: Sequence[float], ns: Sequence[int], use_var: str
) -> dict[str, float]:
    res = anova_generic(
        np.asarray(means, dtype=float),
        np.asarray(sds, dtype=float) ** 2,
        np.asarray(ns, dtype=float),
        use_var=use_var,
    )
    df_between, df_within = (float(v) for v in res.df)
    return {
        "f": float(res.statistic),
        "df_between": df_between,
        "df_within": df_within,
        "p_value": float(res.pvalue),
    }


def oneway_anova_result(
    means: Sequence[float],
    sds: Sequence[float],
    ns: Sequence[float],
    alpha: float = 0.05,
    use_var: str = "equal",
) -> CalculationResult:
    """One-way ANOVA F test that every arm has the same mean, from summary statistics; ``use_var="unequal"`` is
    Welch's ANOVA."""
    if not len(means) == len(sds) == len(ns):
        raise CalculationInputError(
            "sds", f"give one mean, SD and size per arm; got {len(means)}, {len(sds)}, {len(ns)}"
        )
    if len(means) < 3:
        raise CalculationInputError(
            "means",
            "a one-way ANOVA compares three or more arms; for two, use the Welch t test (welch_t_test)",
        )
    ms = [checks.finite("means", v) for v in means]
    ss = [checks.positive("sds", v) for v in sds]
    nn = [checks.count("ns", v, minimum=2) for v in ns]
    a = checks.alpha(alpha)
    chosen = checks.choice("use_var", use_var, METHODS)
    results = {m: _f_test(ms, ss, nn, m) for m in METHODS}
    raw = {**results[chosen], "significant": results[chosen]["p_value"] < a}
    rounded = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in raw.items()}
    names = {
        "equal": "one-way ANOVA F test (pooled variance)",
        "unequal": "Welch's one-way ANOVA (unequal variances)",
    }
    other = "unequal" if chosen == "equal" else "equal"
    notes: list[str] = []
    if chosen == "equal" and (max(ss) > 2 * min(ss) or max(nn) > 1.5 * min(nn)):
        notes.append(
            f"The arms' SDs or sizes differ a lot, so prefer Welch's ANOVA: F = {results['unequal']['f']:.3f}, "
            f"p = {results['unequal']['p_value']:.4g}."
        )
    return CalculationResult(
        tool="oneway_anova",
        method=names[chosen],
        inputs={"means": ms, "sds": ss, "ns": nn, "alpha": a, "use_var": chosen},
        outputs=raw,
        outputs_rounded=rounded,
        formula=(
            "F = [Σ nᵢ(x̄ᵢ − x̄)² / (k − 1)] / [Σ (nᵢ − 1)sᵢ² / (N − k)], df = (k − 1, N − k)"
            if chosen == "equal"
            else "Welch: F* = Σ wᵢ(x̄ᵢ − x̄_w)² / (k − 1) / [1 + 2(k − 2)/(k² − 1)·Σ(1 − wᵢ/Σw)²/(nᵢ − 1)], wᵢ = nᵢ/sᵢ²"
        ),
        library=library_version("statsmodels"),
        alternatives=(
            Alternative(
                names[other], results[other], {k: round(v, 4) for k, v in results[other].items()}, ""
            ),
        ),
        notes=tuple(notes),
    )
