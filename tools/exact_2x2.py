"""Exact tests for a 2×2 table of two conversion rates: conditional (Fisher) or unconditional (Barnard, Boschloo).

Fisher's exact test conditions on both margins (the total number of conversions is treated as fixed), which makes it
conservative for an A/B test, where only the group sizes are fixed by design. Barnard's and Boschloo's tests condition
only on the group sizes and maximise the p-value over the unknown common rate (the nuisance parameter), so they are
unconditional; Boschloo's test orders tables by Fisher's p-value and is uniformly more powerful than Fisher's.

Library choice: scipy (``fisher_exact``, ``barnard_exact``, ``boschloo_exact``), which implements all three with the
nuisance-parameter maximisation done on a grid plus a local optimiser; nothing else needed.
The table scipy receives has the two groups as columns (treatment B first, control A second) and converted / not
converted as rows, so 'larger' (B converts better) is scipy's 'greater'.
"""

from __future__ import annotations

from scipy import stats

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version

METHODS = ("fisher", "barnard", "boschloo")
_SCIPY_ALT = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}
_NAMES = {
    "fisher": "Fisher's exact test (conditional on both margins)",
    "barnard": "Barnard's exact test (unconditional, Wald statistic)",
    "boschloo": "Boschloo's exact test (unconditional, Fisher p-value as statistic)",
}
_NUISANCE_POINTS = 32  # scipy's default grid for the nuisance parameter


def exact_2x2_result(
    conversions_a: float,
    n_a: float,
    conversions_b: float,
    n_b: float,
    method: str = "fisher",
    alternative: str = "two-sided",
    alpha: float = 0.05,
) -> CalculationResult:
    """p-value of H0: p_B = p_A by the chosen exact test ('larger' means B converts better)."""
    na = checks.count("n_a", n_a, minimum=1)
    nb = checks.count("n_b", n_b, minimum=1)
    xa = checks.count("conversions_a", conversions_a)
    xb = checks.count("conversions_b", conversions_b)
    if xa > na:
        raise CalculationInputError("conversions_a", f"{xa} exceeds the group size {na}")
    if xb > nb:
        raise CalculationInputError("conversions_b", f"{xb} exceeds the group size {nb}")
    chosen = checks.choice("method", method, METHODS)
    alt = checks.alternative(alternative)
    a = checks.alpha(alpha)
    table = [[xb, xa], [nb - xb, na - xa]]
    scipy_alt = _SCIPY_ALT[alt]
    if chosen == "fisher":
        res = stats.fisher_exact(table, alternative=scipy_alt)
        statistic, statistic_name = float(res.statistic), "odds_ratio"
    elif chosen == "barnard":
        res = stats.barnard_exact(table, alternative=scipy_alt, n=_NUISANCE_POINTS)
        statistic, statistic_name = float(res.statistic), "wald_statistic"
    else:
        res = stats.boschloo_exact(table, alternative=scipy_alt, n=_NUISANCE_POINTS)
        statistic, statistic_name = float(res.statistic), "fisher_p_statistic"
    p = min(1.0, float(res.pvalue))
    pa, pb = xa / na, xb / nb
    outputs: dict[str, object] = {
        "p_a": pa,
        "p_b": pb,
        "difference": pb - pa,
        "p_value": p,
        "significant": p < a,
    }
    if statistic == statistic and abs(statistic) != float(
        "inf"
    ):  # an odds ratio is infinite with a zero cell
        outputs[statistic_name] = statistic
    rounded = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in outputs.items()}
    rounded["p_value"] = float(f"{p:.4g}")
    return CalculationResult(
        tool="exact_2x2_test",
        method=_NAMES[chosen],
        inputs={
            "conversions_a": xa,
            "n_a": na,
            "conversions_b": xb,
            "n_b": nb,
            "method": chosen,
            "alternative": alt,
            "alpha": a,
        },
        outputs=outputs,
        outputs_rounded=rounded,
        formula=(
            "hypergeometric tail given both margins"
            if chosen == "fisher"
            else "max over the common rate π of P(T ≥ t_obs | π), binomial columns with the group sizes fixed"
        ),
        library=library_version("scipy"),
        assumptions=(
            "conditional test: both margins treated as fixed (conservative when only group sizes are fixed)"
            if chosen == "fisher"
            else "unconditional test: only the group sizes are fixed; the common rate is a nuisance parameter",
        ),
    )
