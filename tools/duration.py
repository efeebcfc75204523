"""How long a test must run: daily traffic, exposed share, split and number of variants → days (and whole weeks)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from tools import checks, proportions
from tools.errors import CalculationInputError
from tools.result import CalculationResult, ceil_n, library_version

WEEKLY_REASON = (
    "Rounding up to whole weeks runs every weekday equally often, so weekly cycles in behaviour "
    "(weekend vs weekday users) do not bias the comparison."
)


def days_needed(
    n_per_arm: Sequence[float], daily_traffic: float, exposed_share: float, split: Sequence[float]
) -> float:
    """Days until every arm reaches its sample size: max_i n_i / (traffic · exposed share · share_i)."""
    return max(n / (daily_traffic * exposed_share * w) for n, w in zip(n_per_arm, split, strict=True))


def duration_result(
    daily_traffic: float,
    n_per_group: float | None = None,
    baseline: float | None = None,
    mde: float | None = None,
    mde_type: str = "relative",
    exposed_share: float = 1.0,
    split: Sequence[float] | None = None,
    variants: int = 1,
    power_target: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    correction: str = "none",
    method: str = "pooled",
) -> CalculationResult:
    """Days (and whole weeks) to collect n_per_group in every arm; n can come from baseline + mde instead."""
    traffic = checks.positive("daily_traffic", daily_traffic)
    share = checks.finite("exposed_share", exposed_share)
    if not 0 < share <= 1:
        raise CalculationInputError(
            "exposed_share", f"must be in (0, 1] (e.g. 0.5 for half the traffic); got {share:g}"
        )
    variants = checks.count("variants", variants, minimum=1)
    arms = variants + 1
    shares = checks.weights("split", split, arms) if split is not None else [1 / arms] * arms
    inputs: dict[str, object] = {
        "daily_traffic": traffic,
        "exposed_share": share,
        "split": shares,
        "variants": variants,
    }
    notes: list[str] = []
    if n_per_group is not None:
        n1 = checks.sample_size("n_per_group", n_per_group)
        inputs["n_per_group"] = n1
        source = "n per group given"
    else:
        if baseline is None:
            raise CalculationInputError(
                "n_per_group", "give the sample size per group, or the baseline rate and MDE to compute it"
            )
        ratio = shares[1] / shares[0]
        sized = proportions.sample_size_result(
            baseline=baseline,
            mde=mde,
            mde_type=mde_type,
            power_target=power_target,
            alpha=alpha,
            alternative=alternative,
            ratio=1.0,
            variants=variants,
            correction=correction,
            method=method,
        )
        n1 = float(sized.outputs_rounded["n_control"])
        inputs.update(
            {k: sized.inputs[k] for k in ("baseline", "p2", "mde_relative", "alpha", "alternative", "power")}
        )
        inputs["n_per_group"] = n1
        source = f"n per group from {sized.method} ({ceil_n(n1)} per arm)"
        if abs(ratio - 1) > 1e-12:
            notes.append(
                "Sample size computed for equal groups; the uneven split only changes how long it takes."
            )
    per_day = [traffic * share * w for w in shares]
    days = days_needed([n1] * arms, traffic, share, shares)
    whole_days = math.ceil(days - 1e-9)
    weeks = math.ceil(whole_days / 7)
    slowest = min(range(arms), key=lambda i: per_day[i])
    outputs = {
        "days": days,
        "days_rounded_up": whole_days,
        "weeks_rounded_up": weeks,
        "days_in_whole_weeks": weeks * 7,
        "n_per_group": n1,
        "total_sample": n1 * arms,
        "users_per_day_per_arm": per_day,
    }
    rounded = {
        "days": whole_days,
        "weeks": weeks,
        "days_in_whole_weeks": weeks * 7,
        "n_per_group": ceil_n(n1),
        "total_sample": ceil_n(n1) * arms,
    }
    notes.append(WEEKLY_REASON)
    if slowest != 0 or len(set(shares)) > 1:
        notes.append(f"The smallest arm (share {shares[slowest]:.0%}) sets the duration.")
    return CalculationResult(
        tool="test_duration",
        method=f"days = max over arms of n / (daily traffic × exposed share × arm share); {source}",
        inputs=inputs,
        outputs=outputs,
        outputs_rounded=rounded,
        formula="days = n_per_group / (daily_traffic · exposed_share · min_i split_i); weeks = ⌈days / 7⌉",
        library=library_version("scipy"),
        notes=tuple(notes),
    )
