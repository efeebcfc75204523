"""Power curves for the sample-size family: power against n per group, and n per group against the effect.

Every point is computed by the registry's own calculators (``tools.registry.run_tool``), so the curve and the answer
can never disagree: the chosen design is one point of each series. Pure: no I/O, no state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from tools.errors import CalculationInputError
from tools.registry import TOOLS, run_tool

CURVE_POINTS = 41
FAMILIES = {
    "proportions_sample_size": "proportions",
    "proportions_power": "proportions",
    "proportions_mde": "proportions",
    "means_sample_size": "means",
    "means_power": "means",
    "means_mde": "means",
}
_EFFECT_KEYS = {"mde", "mde_type", "p2", "delta", "sd", "cohens_d", "mean_a", "mean_b"}
_SIZE_KEYS = {"n_per_group", "power"}


class CurveUnavailable(ValueError):
    """This calculator has no power curve, or its inputs do not define one; the message says which."""


def supports(tool: str) -> bool:
    return tool in FAMILIES


def usable_params(tool: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The calculator's own parameters out of ``params`` (an answer's inputs also hold derived values).

    A treatment rate ``p2`` already fixes the effect, so a relative ``mde`` beside it is dropped, as are
    mean_a/mean_b beside delta.
    """
    spec = TOOLS[tool]
    kept = {k: v for k, v in params.items() if v not in (None, "") and spec.param(k) is not None}
    if "p2" in kept:
        kept.pop("mde", None)
        kept.pop("mde_type", None)
    if "delta" in kept or "cohens_d" in kept:
        kept.pop("mean_a", None)
        kept.pop("mean_b", None)
    if "cohens_d" in kept and "delta" in kept and "sd" in kept:
        kept.pop("cohens_d")
    return kept


def _shared(target: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The design options (α, sides, ratio, method, ...) the target calculator also takes."""
    spec = TOOLS[target]
    return {
        k: v
        for k, v in params.items()
        if v not in (None, "") and k not in _EFFECT_KEYS | _SIZE_KEYS and spec.param(k) is not None
    }


def _design(tool: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The chosen design as (n per group, power, effect) whichever of the three the calculator solved for."""
    result = run_tool(tool, params).to_dict()
    inputs, outputs = result["inputs"], result["outputs"]
    family = FAMILIES[tool]
    n = (
        outputs.get("n_control", outputs.get("n_group1"))
        if tool.endswith("sample_size")
        else inputs["n_per_group"]
    )
    power = (
        outputs["power"] if tool.endswith("_power") else inputs.get("power", inputs.get("power_target", 0.8))
    )
    if family == "proportions":
        baseline = float(inputs["baseline"])
        p2 = float(outputs["p2"]) if tool.endswith("_mde") else float(inputs["p2"])
        effect = {"baseline": baseline, "p2": p2}
    else:
        sd = inputs.get("sd")
        if tool.endswith("_mde"):
            delta = outputs.get("mde_delta")
            d = outputs["mde_cohens_d"]
        else:
            delta = inputs.get("delta")
            d = inputs.get("cohens_d") or (delta / sd if delta is not None and sd else None)
        effect = {"delta": delta, "sd": sd, "cohens_d": d}
    return {"result": result, "n": float(n), "power": float(power), "effect": effect}


def _effect_params(family: str, effect: Mapping[str, Any], scale: float) -> dict[str, Any]:
    if family == "proportions":
        base = effect["baseline"]
        return {"baseline": base, "p2": base + (effect["p2"] - base) * scale}
    if effect.get("delta") is not None and effect.get("sd"):
        return {"delta": effect["delta"] * scale, "sd": effect["sd"]}
    return {"cohens_d": effect["cohens_d"] * scale}


def _effect_x(family: str, effect: Mapping[str, Any]) -> tuple[float, str]:
    """The effect as plotted: relative lift in % for proportions, δ (or d) for means."""
    if family == "proportions":
        return 100 * (effect["p2"] / effect["baseline"] - 1), "minimum detectable effect (relative lift, %)"
    if effect.get("delta") is not None and effect.get("sd"):
        return float(effect["delta"]), "minimum detectable difference (metric units)"
    return float(effect["cohens_d"]), "minimum detectable effect (Cohen's d)"


def _geometric(low: float, high: float, count: int) -> list[float]:
    ratio = (high / low) ** (1 / (count - 1))
    return [low * ratio**i for i in range(count)]


def power_curves(tool: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Two series around the chosen design, with the design point marked on each.

    ``power_vs_n``: power at n per group from n/8 to 4n; ``n_vs_effect``: n per group needed, at the design's power,
    for effects from 0.4× to 2.5× the design's.
    """
    if not supports(tool):
        raise CurveUnavailable(f"{tool} has no power curve; curves exist for {', '.join(sorted(FAMILIES))}")
    family = FAMILIES[tool]
    params = usable_params(tool, params)
    design = _design(tool, params)
    n, power, effect = design["n"], design["power"], design["effect"]
    if not (n > 0 and math.isfinite(n)):
        raise CurveUnavailable("the design has no finite sample size to draw a curve around")
    power_tool, size_tool = f"{family}_power", f"{family}_sample_size"
    shared_power, shared_size = _shared(power_tool, params), _shared(size_tool, params)

    power_points = []
    for n_i in _geometric(max(2.0, n / 8), n * 4, CURVE_POINTS):
        try:
            out = run_tool(
                power_tool, {**shared_power, **_effect_params(family, effect, 1.0), "n_per_group": n_i}
            ).outputs
        except CalculationInputError:
            continue
        power_points.append({"x": round(n_i, 3), "y": round(float(out["power"]), 6)})

    effect_points = []
    for scale in _geometric(0.4, 2.5, CURVE_POINTS):
        ep = _effect_params(family, effect, scale)
        try:
            out = run_tool(size_tool, {**shared_size, **ep, "power": power}).outputs
        except CalculationInputError:
            continue
        x, _ = _effect_x(family, {**effect, **ep})
        n_needed = out.get("n_control", out.get("n_group1"))
        if n_needed is not None and math.isfinite(float(n_needed)):
            effect_points.append({"x": round(x, 6), "y": round(float(n_needed), 3)})
    effect_x, effect_label = _effect_x(family, effect)
    return {
        "tool": tool,
        "design": {"n_per_group": n, "power": power, "effect": effect_x},
        "series": [
            {
                "id": "power_vs_n",
                "title": "Power against sample size",
                "x_label": "users per group",
                "y_label": "power",
                "points": power_points,
                "marked": {"x": n, "y": power},
            },
            {
                "id": "n_vs_effect",
                "title": "Sample size against the effect",
                "x_label": effect_label,
                "y_label": "users per group",
                "points": sorted(effect_points, key=lambda p: p["x"]),
                "marked": {"x": effect_x, "y": n},
            },
        ],
        "calculation": design["result"],
    }
