"""Conditional power mid-experiment: the chance the final analysis will be significant, given the interim z.

Brownian-motion (B-value) formulation of Lan & Wittes (1988) and Proschan, Lan & Wittes (2006, §3.2):
with information fraction t and interim statistic Z_t, B(t) = Z_t·√t, and under a drift θ (the expected final z)
CP(θ) = 1 − Φ((c − B(t) − θ·(1 − t))/√(1 − t)), c the final critical value. Three drifts are reported: the current
trend θ = B(t)/t, the design's θ = z₁₋α/₂ + z_power, and the null θ = 0.
Library choice: scipy's normal distribution; the formula is three lines (rpact and gsDesign compute the same).
"""

from __future__ import annotations

import math

from scipy.special import ndtr, ndtri

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version


def conditional_power(z_interim: float, fraction: float, drift: float, critical: float) -> float:
    """P(Z_1 ≥ c | Z_t) under drift θ."""
    b = z_interim * math.sqrt(fraction)
    return float(ndtr(-(critical - b - drift * (1 - fraction)) / math.sqrt(1 - fraction)))


def conditional_power_result(
    z_interim: float,
    information_fraction: float,
    alpha: float = 0.05,
    design_power: float = 0.8,
    final_critical_z: float | None = None,
    futility_threshold: float = 0.1,
) -> CalculationResult:
    """Conditional power under the current trend, the design effect and the null (one direction: B better)."""
    z = checks.finite("z_interim", z_interim)
    t = checks.finite("information_fraction", information_fraction)
    if not 0 < t < 1:
        raise CalculationInputError(
            "information_fraction",
            f"must be strictly between 0 and 1 (share of the planned sample seen); got {t:g}",
        )
    a = checks.alpha(alpha)
    pw = checks.power(design_power, a, name="design_power")
    c = (
        checks.finite("final_critical_z", final_critical_z)
        if final_critical_z is not None
        else float(ndtri(1 - a / 2))
    )
    fut = checks.proportion("futility_threshold", futility_threshold)
    drifts = {"current_trend": z / math.sqrt(t), "design": float(ndtri(1 - a / 2) + ndtri(pw)), "null": 0.0}
    cp = {f"cp_{k}": conditional_power(z, t, d, c) for k, d in drifts.items()}
    verdict = (
        f"Futile under the current trend: CP = {cp['cp_current_trend']:.1%} < {fut:.0%}."
        if cp["cp_current_trend"] < fut
        else f"CP under the current trend is {cp['cp_current_trend']:.1%}; continue to the planned sample."
    )
    outputs: dict[str, object] = {
        **cp,
        "b_value": z * math.sqrt(t),
        "drift_current_trend": drifts["current_trend"],
        "verdict": verdict,
    }
    return CalculationResult(
        tool="conditional_power",
        method="conditional power by the B-value (Lan & Wittes 1988)",
        inputs={
            "z_interim": z,
            "information_fraction": t,
            "alpha": a,
            "design_power": pw,
            "final_critical_z": c,
        },
        outputs=outputs,
        outputs_rounded={k: (round(v, 4) if isinstance(v, float) else v) for k, v in outputs.items()},
        formula="B = Z_t·√t; CP(θ) = 1 − Φ((c − B − θ(1 − t))/√(1 − t)); θ_trend = Z_t/√t, θ_design = z₁₋α/₂ + z₁₋β",
        library=library_version("scipy"),
        assumptions=("final test two-sided at α, counted in the direction B better than A",),
    )
