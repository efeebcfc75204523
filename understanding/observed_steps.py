"""Steps for results already observed: an SRM check of the split, an exact binomial test against a known rate,
and a test or interval comparing two groups (counts "x of n" or means with SDs).
"""

from __future__ import annotations

import re
from typing import Any

from understanding.aa_checks import aa_significant_count
from understanding.arm_rates import arm_counts_in_words, users_over_the_run
from understanding.group_order import counts_from_arm_rates, means_of_two, ordered_pairs
from understanding.k_groups import ASKS_WHICH_ARM, named_counts, named_means
from understanding.paired_results import paired_result
from understanding.practical import Threshold, practical_threshold
from understanding.quantities import Quantity, arm_counts, shares_of_total
from understanding.reading import Grounded, Step, _two_group_means, arm_shares, says_mean
from understanding.step_builder import StepBuilder, StepFn


def srm_steps(b: StepBuilder, t: str, quantities: list[Quantity]) -> str:
    """Chi-square test of the observed split against the planned one."""
    params: dict[str, Any] = {}
    counts = [q for q in quantities if q.unit == "count" and q.value >= 10 and q.per is None]
    arms = arm_counts(counts)
    shares = None if arms else shares_of_total(quantities, counts, t)
    split = next((q for q in quantities if q.unit == "split"), None)
    planned = list(split.values) if split is not None else None
    planned_span = split.span() if split is not None else None
    if planned is None and len(arms) == 2:
        planned, planned_span = _planned_from_arm_shares(b, t, quantities, [q.value for q in arms])
    if arms:
        params["counts"] = [q.value for q in arms]
        for i, q in enumerate(arms):
            b.used[f"count_{i + 1}"] = Grounded(q.value, "question", q.span())
    elif shares is not None:
        # "50.4% vs 49.6% of 2 million users", "came out 52/48 ... 2M users": each arm's share of the total is its count
        total = shares.total
        planned = list(shares.planned) if shares.planned is not None else None
        planned_span = shares.planned_from.span() if shares.planned_from is not None else None
        params["counts"] = b.derive(
            "counts",
            [round(p / 100 * total.value) for p in shares.percents],
            f"counts from the shares of {total.text} users: "
            + ", ".join(f"{p:g}% is {round(p / 100 * total.value):,}" for p in shares.percents),
        )
    else:
        b.need("counts")
    if (
        planned is not None
        and len(planned) == len(params.get("counts", ()))
        and not re.search(r"\bequal\b", t)
    ):
        params["split"] = planned
        b.used["split"] = Grounded(planned, "question", planned_span)
    thr = re.search(
        r"(\d*\.?\d+)\s?%\s*(?:threshold|level)|(?:threshold(?: of)?|p\s?<)\s*(\d*\.?\d+)\s?(%)?", t
    )
    if thr:
        value = float(thr.group(1) or thr.group(2))
        params["threshold"] = value / 100 if (thr.group(1) or thr.group(3) or value >= 1) else value
    b.steps.append(Step("srm_check", params, {}, "chi-square test of the observed split"))
    return "srm_check"


def _planned_from_arm_shares(
    b: StepBuilder, t: str, quantities: list[Quantity], counts: list[float]
) -> tuple[list[float] | None, dict[str, object] | None]:
    """The planned split of two arms from one arm's share ("a 10% holdout and the other 90% get the new feed"), in
    the order of the counts: the smaller share goes with the smaller count, since no mismatch turns 10/90 into 90/10."""
    share = next((quantities[i] for i in sorted(arm_shares(t, quantities))), None)
    if share is None or not 0 < share.value < 100 or share.value == 50 or counts[0] == counts[1]:
        return None, None
    planned = sorted([round(share.value / 100, 10), round(1 - share.value / 100, 10)])
    if counts[0] > counts[1]:
        planned.reverse()
    b.notes.append(
        f"planned split {100 * planned[0]:g}/{100 * planned[1]:g} read from '{share.text}' beside its arm, the"
        " smaller share for the smaller arm"
    )
    return planned, share.span()


def aa_steps(b: StepBuilder, t: str, quantities: list[Quantity], step: StepFn) -> str:
    """An A/A test's significant metrics against the α share expected by chance (exact one-sided binomial test)."""
    count = aa_significant_count(t, quantities)
    if count is None:
        b.need("successes")
        step("binomial_test", {}, "significant A/A metrics against the share expected by chance")
        return "binomial_test"
    k, n, alpha = int(count.significant.value), int(count.tested.value), count.alpha
    b.used["successes"] = Grounded(
        k, "question", count.significant.span(), "metrics that came out significant"
    )
    b.used["n"] = Grounded(n, "question", count.tested.span(), "metrics tested")
    b.derive("p0", alpha, f"each A/A metric comes out significant with probability α = {alpha:g}")
    b.notes.append(
        f"by chance alone about {n * alpha:g} of {n} metrics come out significant at α = {alpha:g}"
        + ("" if count.alpha_said else " (α not stated in the question)")
        + "; metrics that move together (correlated) make larger counts more common than the binomial says"
    )
    step(
        "binomial_test",
        {"successes": k, "n": n, "p0": alpha, "alternative": "larger"},
        "significant A/A metrics against the share expected by chance",
    )
    return "binomial_test"


def paired_t_steps(b: StepBuilder, t: str, step: StepFn) -> str:
    """A before/after result on the same units: the paired t test of the mean change."""
    found = paired_result(t)
    params: dict[str, Any] = {}
    if found is None:
        b.need("means")
    else:
        params = {
            "mean_difference": found.mean_difference,
            "sd_difference": found.sd_difference,
            "n_pairs": found.n_pairs,
        }
        b.used["mean_difference"] = Grounded(
            found.mean_difference, "question", None, "mean of the per-unit changes"
        )
        b.used["sd_difference"] = Grounded(
            found.sd_difference, "question", None, "SD of the per-unit changes"
        )
        b.used["n_pairs"] = Grounded(found.n_pairs, "question", None, "units measured before and after")
        b.notes.append(
            f"the same {found.n_pairs:,} units measured twice: mean change {found.mean_difference:g}, "
            f"SD of the changes {found.sd_difference:g}"
        )
    step("paired_t_test", params, "paired t test of the mean change")
    return "paired_t_test"


def binomial_steps(
    b: StepBuilder, t: str, quantities: list[Quantity], step: StepFn, pairs: list[Quantity]
) -> str:
    """Exact binomial test of one group's successes against a known rate (a fair coin or die when named)."""
    params: dict[str, Any]
    pair = pairs[0] if pairs else None
    params = {}
    if pair is None:
        b.need("successes")
    else:
        params["successes"], params["n"] = int(pair.values[0]), int(pair.values[1])
        b.used["successes"] = Grounded(pair.values[0], "question", pair.span())
        b.used["n"] = Grounded(pair.values[1], "question", pair.span())
    p0 = b.get("p0")
    if p0 is None:
        p0 = next((q.value for q in quantities if q.unit == "fraction"), None)
    if p0 is None and re.search(r"\bdie\b|\bdice\b", t):
        p0 = b.derive("p0", 1 / 6, "a fair die: p0 = 1/6")
    if p0 is None and re.search(r"\bcoin\b", t):
        p0 = b.derive("p0", 0.5, "a fair coin: p0 = 0.5")
    if p0 is None:
        pct = [q for q in quantities if q.unit == "percent"]
        if pct:
            p0 = pct[0].value / 100
            b.used["p0"] = Grounded(p0, "question", pct[0].span(), "the rate tested against")
    if p0 is not None:
        params["p0"] = p0
    step("binomial_test", params, "exact binomial test against a known rate")
    return "binomial_test"


_ASKS_P_TOO = re.compile(r"\bp-?\s?values?\b|\bsignifican|\bz[- ]?(?:test|score|stat)")


def _two_counts_step(
    b: StepBuilder,
    t: str,
    step: StepFn,
    params: dict[str, Any],
    method: str | None,
    family: str,
    threshold: Threshold | None = None,
) -> str:
    """The z test, the relative lift's interval or the difference's interval for two groups' counts; with a stated
    practical-significance threshold, also the interval of that threshold's kind, read against it."""
    if threshold is not None:
        if family == "significance":
            step("two_proportion_z_test", dict(params), "two-proportion z test")
        kind = "relative lift" if threshold.relative else "difference B − A"
        b.notes.append(
            f"the smallest {kind} worth acting on: {100 * threshold.value:.4g}{'%' if threshold.relative else ' points'}"
        )
        tool = "ci_relative_lift" if threshold.relative else "ci_proportion_difference"
        step(
            tool, {**params, "threshold": threshold.value}, f"interval for the {kind}, against the threshold"
        )
        return tool
    if family == "significance":
        step("two_proportion_z_test", params, "two-proportion z test")
        return "two_proportion_z_test"
    if _ASKS_P_TOO.search(t):  # "p-value and 95% ci of the difference?": the test, then the interval
        step("two_proportion_z_test", dict(params), "two-proportion z test")
    if re.search(r"relative|lift\b(?! in absolute)", t) and "absolute" not in t:
        step("ci_relative_lift", params, "interval for the relative lift")
        return "ci_relative_lift"
    if method in ("newcombe", "agresti_caffo", "wald"):
        params["method"] = method
    step("ci_proportion_difference", params, "interval for the difference B − A")
    return "ci_proportion_difference"


def comparison_steps(
    b: StepBuilder,
    t: str,
    quantities: list[Quantity],
    step: StepFn,
    pairs: list[Quantity],
    method: str | None,
    family: str,
) -> str:
    """A test (``significance``) or an interval (``ci``) for two groups' counts or means, or one group's rate."""
    params: dict[str, Any]
    threshold = practical_threshold(t, quantities)
    groups = _two_group_means(t, quantities) or (means_of_two(t, quantities) if len(pairs) < 2 else None)
    if len(pairs) >= 2:
        first, second = pairs[0], pairs[1]
        lead = t[max(0, first.start - 25) : first.start]
        between = t[first.end : second.start]
        compared = re.search(
            r"\b(?:different|better|worse|higher|lower|more|less)\b.*\b(?:than|from)\b", between
        )
        ordered = ordered_pairs(t, quantities, pairs)
        if ordered is not None:
            first, second, note = ordered
            b.notes.append(note)
        elif re.search(r"\b(?:b|variant|treatment)\b[^,;]*$", lead) and not re.search(r"control", lead):
            first, second = second, first
            b.notes.append("the group called B / variant / treatment is read as the treatment (B)")
        elif compared:
            first, second = second, first
            b.notes.append("'X … than/from Y': Y is read as the control (A), X as the treatment (B)")
        else:
            b.notes.append(
                "the first group mentioned is read as the control (A), the second as the treatment (B)"
            )
        params = {
            "conversions_a": int(first.values[0]),
            "n_a": int(first.values[1]),
            "conversions_b": int(second.values[0]),
            "n_b": int(second.values[1]),
        }
        b.used["group_a"] = Grounded(list(first.values), "question", first.span())
        b.used["group_b"] = Grounded(list(second.values), "question", second.span())
        return _two_counts_step(b, t, step, params, method, family, threshold)
    from_rates = counts_from_arm_rates(b, t, quantities) if len(pairs) < 2 and groups is None else None
    if from_rates is not None:
        return _two_counts_step(b, t, step, from_rates, method, family, threshold)
    in_words = arm_counts_in_words(t, quantities) if len(pairs) < 2 and groups is None else None
    if in_words is not None:
        (x_a, n_a), (x_b, n_b) = in_words
        run = users_over_the_run(t, quantities)
        if run and run[0].value in (n_a + n_b, n_a):
            b.notes.append(f"the test's users from its traffic: {run[0].text}")
        b.notes.append(
            f"each arm's users and successes read as control {x_a:,} of {n_a:,}, treatment {x_b:,} of {n_b:,}"
        )
        params = {"conversions_a": x_a, "n_a": n_a, "conversions_b": x_b, "n_b": n_b}
        return _two_counts_step(b, t, step, params, method, family, threshold)
    if groups is not None:
        b.used.update(groups)
        params = {k: g.value for k, g in groups.items()}
        tool = "welch_t_test" if family == "significance" else "ci_mean_difference"
        step(tool, params, "difference of two means")
        return tool
    if family == "ci" and len(pairs) == 1:
        params = {"successes": int(pairs[0].values[0]), "n": int(pairs[0].values[1])}
        b.used["successes"] = Grounded(pairs[0].values[0], "question", pairs[0].span())
        if method in ("wilson", "clopper_pearson", "agresti_coull", "wald"):
            params["method"] = method
        step("ci_proportion", params, "interval for one proportion")
        return "ci_proportion"
    tool = "two_proportion_z_test" if family == "significance" and not says_mean(t) else "welch_t_test"
    if family == "ci":
        tool = "ci_proportion_difference" if not says_mean(t) else "ci_mean_difference"
    b.need("means" if "mean" in tool or tool == "welch_t_test" else "conversions")
    b.steps.append(Step(tool, {}, {}, ""))
    return tool


_EACH_AGAINST_CONTROL = (
    "each variant against the control (the first arm), adjusted for the several comparisons"
)


def k_groups_steps(b: StepBuilder, t: str, quantities: list[Quantity], step: StepFn) -> str:
    """Three or more arms at once: a chi-square test of their conversions, or a one-way ANOVA of their means."""
    counted = named_counts(t, quantities)
    if counted is not None:
        counts, names = counted
        b.used["arms"] = Grounded(
            [list(c) for c in counts], "question", None, "conversions and users of each arm"
        )
        b.notes.append(
            "each arm's conversions and users read as "
            + ", ".join(
                f"{name} {x:,} of {n:,}" if name else f"{x:,} of {n:,}"
                for name, (x, n) in zip(names or [""] * len(counts), counts, strict=True)
            )
        )
        step(
            "chi_square_independence",
            {"table": [[x, n - x] for x, n in counts]},
            "chi-square test across the arms",
        )
        if ASKS_WHICH_ARM.search(t):
            step(
                "dunnett",
                {
                    "means": [x / n for x, n in counts],
                    "ns": [n for _, n in counts],
                    "proportions": True,
                    **({"labels": names} if names is not None else {}),
                },
                _EACH_AGAINST_CONTROL,
            )
        return "chi_square_independence"
    measured = named_means(t)
    params: dict[str, Any] = {}
    means_named: list[str] | None = None
    if measured is None:
        b.need("means")
    else:
        arms, means_named = measured
        params = {"means": [a.mean for a in arms], "sds": [a.sd for a in arms], "ns": [a.n for a in arms]}
        b.used["arms"] = Grounded([vars(a) for a in arms], "question", None, "mean, SD and n of each arm")
        b.notes.append(
            "each arm's mean, SD and size read as "
            + ", ".join(
                f"{name} {a.mean:g} (SD {a.sd:g}, n {a.n:,.0f})"
                if name
                else f"{a.mean:g} (SD {a.sd:g}, n {a.n:,.0f})"
                for name, a in zip(means_named or [""] * len(arms), arms, strict=True)
            )
        )
    step("oneway_anova", params, "one-way ANOVA across the arms")
    if params and ASKS_WHICH_ARM.search(t):
        step(
            "dunnett",
            {**params, **({"labels": means_named} if means_named is not None else {})},
            _EACH_AGAINST_CONTROL,
        )
    return "oneway_anova"
