"""Multiple testing over the scorecard: a family test within a metric's many-to-one comparisons, then the chosen
correction across families. Pure.

A family is one metric's comparisons of several variants with the control, adjusted by Dunnett, or a single
comparison with its raw p-value. Across the M families the correction runs on each family's smallest p-value q_f:

* Holm (and Bonferroni): a comparison's adjusted p is max(adjusted q_f, min(1, c_f · p)), with c_f the multiplier
  Holm gives family f (M − rank + 1; Bonferroni M). This is Holm's step-down over families, each family tested by its
  own FWER-controlling test at the level Holm hands it, so the family-wise error rate stays at α overall.
* Benjamini–Hochberg: BH selects families on q_f; within the R selected of M families a comparison is significant
  when its family p is at most α·R/M (Benjamini & Bogomolov 2014, JRSS B 76:297), so its adjusted p is
  max(adjusted q_f, min(1, p·M/R)). A family of one reduces to plain BH.

With one comparison per family all of this is the plain correction over every comparison.
"""

from __future__ import annotations

from collections.abc import Sequence


def combine(
    families: Sequence[Sequence[float]], adjusted_minima: Sequence[float], method: str, alpha: float
) -> list[list[float]]:
    """Final adjusted p-values per family member; ``adjusted_minima`` is ``method`` applied to each family's min p."""
    m = len(families)
    minima = [min(f) for f in families]
    if method == "holm":
        order = sorted(range(m), key=lambda i: minima[i])  # stable, as statsmodels' multipletests
        multiplier = {f: m - rank for rank, f in enumerate(order)}
    elif method == "bonferroni":
        multiplier = dict.fromkeys(range(m), m)
    elif method == "benjamini_hochberg":
        selected = sum(1 for q in adjusted_minima if q <= alpha)
        scale = m / max(selected, 1)
        return [
            [adjusted_minima[f]]
            if len(family) == 1
            else [max(adjusted_minima[f], min(1.0, p * scale)) for p in family]
            for f, family in enumerate(families)
        ]
    else:
        raise ValueError(f"no family-wise combination for correction {method!r}")
    return [
        [max(adjusted_minima[f], min(1.0, multiplier[f] * p)) for p in family]
        for f, family in enumerate(families)
    ]
