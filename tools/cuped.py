"""CUPED (Deng et al. 2013): a pre-experiment covariate with correlation ρ cuts the metric's variance by ρ²."""

from __future__ import annotations

import math

from tools import checks, duration
from tools.errors import CalculationInputError
from tools.result import CalculationResult, ceil_n, library_version


def cuped_result(
    correlation: float,
    n_per_group: float | None = None,
    mde: float | None = None,
    daily_traffic: float | None = None,
    exposed_share: float = 1.0,
    variants: int = 1,
) -> CalculationResult:
    """Variance reduction 1 − ρ², the CUPED-adjusted sample size, MDE and duration.

    n_per_group is the sample size needed without CUPED; mde is the MDE without CUPED (at the same n);
    daily_traffic turns both sample sizes into durations.
    """
    rho = checks.finite("correlation", correlation)
    if not -1 < rho < 1:
        raise CalculationInputError(
            "correlation", f"must be strictly between -1 and 1 (e.g. 0.5); got {rho:g}"
        )
    factor = 1 - rho**2
    outputs: dict[str, object] = {
        "variance_reduction": rho**2,
        "variance_factor": factor,
        "mde_factor": math.sqrt(factor),
    }
    rounded: dict[str, object] = {
        "variance_reduction": round(rho**2, 4),
        "variance_factor": round(factor, 4),
        "mde_factor": round(math.sqrt(factor), 4),
    }
    inputs: dict[str, object] = {"correlation": rho}
    notes = []
    if n_per_group is not None:
        n = checks.sample_size("n_per_group", n_per_group)
        inputs["n_per_group"] = n
        outputs["n_per_group_cuped"] = n * factor
        rounded["n_per_group_cuped"] = ceil_n(n * factor)
        rounded["n_saved_per_group"] = ceil_n(n) - ceil_n(n * factor)
        if daily_traffic is not None:
            arms = checks.count("variants", variants, minimum=1) + 1
            traffic = checks.positive("daily_traffic", daily_traffic)
            before = duration.days_needed([n] * arms, traffic, exposed_share, [1 / arms] * arms)
            after = duration.days_needed([n * factor] * arms, traffic, exposed_share, [1 / arms] * arms)
            inputs.update({"daily_traffic": traffic, "exposed_share": exposed_share, "variants": arms - 1})
            outputs.update({"days_without_cuped": before, "days_with_cuped": after})
            rounded.update(
                {"days_without_cuped": math.ceil(before - 1e-9), "days_with_cuped": math.ceil(after - 1e-9)}
            )
    if mde is not None:
        m = checks.finite("mde", mde)
        inputs["mde"] = m
        outputs["mde_cuped"] = m * math.sqrt(factor)
        rounded["mde_cuped"] = round(m * math.sqrt(factor), 6)
    if abs(rho) < 0.1:
        notes.append(
            "A correlation this weak barely helps; CUPED needs a pre-period metric that tracks the outcome."
        )
    return CalculationResult(
        tool="cuped",
        method="CUPED variance reduction (Deng, Xu, Kohavi & Walker 2013)",
        inputs=inputs,
        outputs=outputs,
        outputs_rounded=rounded,
        formula="Var(Y_cuped) = Var(Y)·(1 − ρ²); n_cuped = n·(1 − ρ²); MDE_cuped = MDE·√(1 − ρ²)",
        library=library_version("scipy"),
        notes=tuple(notes),
    )
