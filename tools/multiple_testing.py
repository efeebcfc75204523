"""Adjusted p-values and rejections for several hypotheses (Bonferroni, Holm, BH, BY)."""

from __future__ import annotations

from collections.abc import Sequence

from statsmodels.stats.multitest import multipletests

from tools import checks
from tools.errors import CalculationInputError
from tools.result import Alternative, CalculationResult, library_version

METHODS = {
    "bonferroni": ("bonferroni", "Bonferroni (family-wise error)", "p_adj = min(1, m·p)"),
    "holm": ("holm", "Holm step-down (family-wise error)", "p_adj(i) = max_{j≤i} min(1, (m − j + 1)·p(j))"),
    "benjamini_hochberg": ("fdr_bh", "Benjamini-Hochberg (false discovery rate)", "p_adj(i) = min_{j≥i} min(1, m·p(j)/j)"),
    "benjamini_yekutieli": (
        "fdr_by",
        "Benjamini-Yekutieli (false discovery rate under any dependence)",
        "p_adj(i) = min_{j≥i} min(1, m·c(m)·p(j)/j), c(m) = Σ 1/k",
    ),
}


def adjust(p_values: Sequence[float], alpha: float, method: str) -> tuple[list[bool], list[float]]:
    """Rejections and adjusted p-values, in the input order."""
    reject, adjusted, _, _ = multipletests(list(p_values), alpha=alpha, method=METHODS[method][0])
    return [bool(r) for r in reject], [float(v) for v in adjusted]


def multiple_testing_result(p_values: Sequence[float], alpha: float = 0.05, method: str = "holm") -> CalculationResult:
    """Adjusted p-values and which hypotheses are rejected at level alpha (FWER or FDR, by method)."""
    if len(p_values) < 1:
        raise CalculationInputError("p_values", "give at least one p-value")
    ps = [checks.proportion("p_values", p, open_interval=False) for p in p_values]
    a = checks.alpha(alpha)
    chosen = checks.choice("method", method, tuple(METHODS))

    def compute(m: str) -> tuple[dict[str, object], dict[str, object]]:
        reject, adjusted = adjust(ps, a, m)
        raw = {"adjusted_p_values": adjusted, "rejected": reject, "n_rejected": sum(reject)}
        return raw, {**raw, "adjusted_p_values": [round(v, 4) for v in adjusted]}

    raw, rounded = compute(chosen)
    alts = [
        Alternative(METHODS[m][1], *compute(m), METHODS[m][2])
        for m in METHODS
        if m != chosen and compute(m)[0]["rejected"] != raw["rejected"]
    ]
    return CalculationResult(
        tool="multiple_testing",
        method=METHODS[chosen][1],
        inputs={"p_values": ps, "alpha": a, "m": len(ps)},
        outputs=raw,
        outputs_rounded=rounded,
        formula=METHODS[chosen][2] + " (p(i) sorted ascending); reject where p_adj ≤ α",
        library=library_version("statsmodels"),
        alternatives=(Alternative(METHODS[chosen][1], raw, rounded, METHODS[chosen][2]), *alts) if alts else (),
    )
