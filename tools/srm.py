"""Sample ratio mismatch: chi-square goodness of fit of observed arm sizes to the intended split."""

from __future__ import annotations

from collections.abc import Sequence

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version
from tools.significance import goodness_of_fit


def srm_result(
    counts: Sequence[float], split: Sequence[float] | None = None, threshold: float = 0.001
) -> CalculationResult:
    """SRM verdict: mismatch when the goodness-of-fit p-value is below the threshold (default 0.001)."""
    thr = checks.finite("threshold", threshold)
    if not 0 < thr < 1:
        raise CalculationInputError(
            "threshold", f"must be strictly between 0 and 1 (e.g. 0.001); got {thr:g}"
        )
    observed, expected, chi2, p, df = goodness_of_fit(counts, split)
    total = sum(observed)
    mismatch = p < thr
    observed_shares = [o / total for o in observed]
    intended = [e / total for e in expected]
    verdict = (
        f"Sample ratio mismatch: {_below(p, thr)}, so a split this far from the design is very unlikely to "
        "be chance: it is not noise. Do not trust the results until the cause is found "
        "(assignment, redirects, bot filtering, logging)."
        if mismatch
        else f"No sample ratio mismatch detected: p = {p:.3g} ≥ {thr:g}, a gap this size is consistent with chance."
    )
    return CalculationResult(
        tool="srm_check",
        method="chi-square goodness-of-fit test against the intended split",
        inputs={"counts": observed, "split": intended, "threshold": thr},
        outputs={
            "chi2": chi2,
            "df": df,
            "p_value": p,
            "mismatch": mismatch,
            "observed_shares": observed_shares,
            "expected_counts": expected,
            "verdict": verdict,
        },
        outputs_rounded={
            "chi2": round(chi2, 4),
            "df": df,
            "p_value": float(f"{p:.4g}"),
            "mismatch": mismatch,
            "observed_shares": [round(s, 4) for s in observed_shares],
            "verdict": verdict,
        },
        formula="χ² = Σ (n_i − N·s_i)²/(N·s_i), df = arms − 1; mismatch if p < threshold",
        library=library_version("scipy"),
    )


def _below(p: float, threshold: float) -> str:
    # chi-square statistics in the thousands (millions of users, a point off) underflow a double to exactly 0
    return f"p < 1e-300, far below {threshold:g}" if p == 0 else f"p = {p:.3g} < {threshold:g}"
