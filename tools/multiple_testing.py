"""Adjusted p-values and rejections for several hypotheses (Bonferroni, Holm, BH, BY)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, library_version

METHODS = {
    "bonferroni": ("bonferroni", "Bonferroni (family-wise error)", "p_adj = min(1, m·p)"),
    "holm": ("holm", "Holm step-down (family-wise error)", "p_adj(i) = max_{j≤i} min(1, (m − j + 1)·p(j))"),
    "benjamini_hochberg": (
        "fdr_bh",
        "Benjamini-Hochberg (false discovery rate)",
        "p_adj(i) = min_{j≥i} min(1, m·p(j)/j)",
    ),
    "benjamini_yekutieli": (
        "fdr_by",
        "Benjamini-Yekutieli (false discovery rate under any dependence)",
        "p_adj(i) = min_{j≥i} min(1, m·c(m)·p(j)/j), c(m) = Σ 1/k",
    ),
}


def adjusted_p_values(p_values: Sequence[float], method: str) -> list[float]:
    """Adjusted p-values in input order (same definitions as statsmodels ``multipletests``)."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    order = np.argsort(p, kind="mergesort")
    ranked = p[order]
    if method == "bonferroni":
        adjusted_sorted = np.minimum(1.0, ranked * m)
    elif method == "holm":
        adjusted_sorted = np.minimum(1.0, np.maximum.accumulate(ranked * (m - np.arange(m))))
    else:
        factor = float(np.sum(1.0 / np.arange(1, m + 1))) if method == "benjamini_yekutieli" else 1.0
        raw = ranked * m * factor / np.arange(1, m + 1)
        adjusted_sorted = np.minimum(1.0, np.minimum.accumulate(raw[::-1])[::-1])
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return [float(v) for v in adjusted]


def adjust(p_values: Sequence[float], alpha: float, method: str) -> tuple[list[bool], list[float]]:
    """Rejections (adjusted p ≤ alpha) and adjusted p-values, in the input order."""
    adjusted = adjusted_p_values(p_values, method)
    return [v <= alpha for v in adjusted], adjusted


def multiple_testing_result(
    p_values: Sequence[float], alpha: float = 0.05, method: str = "holm", n_tests: int | None = None
) -> CalculationResult:
    """Adjusted p-values and which hypotheses are rejected at level alpha (FWER or FDR, by method).

    ``n_tests``: the family's size when only its smallest p-values are listed ("12 metrics, these 3 came back at
    0.003, 0.02 and 0.04"). The others are taken as 1, which gives the listed hypotheses their exact Bonferroni and
    Holm values and, whenever the unlisted p-values exceed alpha, the same BH / BY rejections."""
    if len(p_values) < 1:
        raise CalculationInputError("p_values", "give at least one p-value")
    ps = [checks.proportion("p_values", p, open_interval=False) for p in p_values]
    a = checks.alpha(alpha)
    chosen = checks.choice("method", method, tuple(METHODS))
    m_total = len(ps) if n_tests is None else checks.count("n_tests", n_tests, minimum=1)
    if m_total < len(ps):
        raise CalculationInputError(
            "n_tests",
            f"the family has at least the {len(ps)} p-values listed; give n_tests ≥ {len(ps)} or omit it",
        )
    unlisted = m_total - len(ps)

    def compute(m: str) -> tuple[dict[str, object], dict[str, object]]:
        reject, adjusted = adjust([*ps, *([1.0] * unlisted)], a, m)
        reject, adjusted = reject[: len(ps)], adjusted[: len(ps)]
        raw = {"adjusted_p_values": adjusted, "rejected": reject, "n_rejected": sum(reject)}
        return raw, {**raw, "adjusted_p_values": [round(v, 4) for v in adjusted]}

    computed = {m: compute(m) for m in METHODS}
    raw, rounded = computed[chosen]
    alts = [
        Alternative(METHODS[m][1], *computed[m], METHODS[m][2])
        for m in METHODS
        if m != chosen and computed[m][0]["rejected"] != raw["rejected"]
    ]
    return CalculationResult(
        tool="multiple_testing",
        method=METHODS[chosen][1],
        inputs={"p_values": ps, "alpha": a, "m": m_total},
        assumptions=(
            (f"{unlisted} more hypotheses, not listed, with p-values above every listed one (taken as 1)",)
            if unlisted
            else ()
        ),
        outputs=raw,
        outputs_rounded=rounded,
        formula=METHODS[chosen][2] + " (p(i) sorted ascending); reject where p_adj ≤ α",
        library=library_version("numpy"),
        alternatives=(Alternative(METHODS[chosen][1], raw, rounded, METHODS[chosen][2]), *alts)
        if alts
        else (),
    )
