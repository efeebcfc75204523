"""Steps of the named methods that read inputs of their own: a trimmed-mean or bootstrap comparison of raw values,
a non-inferiority / equivalence margin, Poisson events and exposure (or two rates for power), an ICC and cluster size,
and an interim z with its information fraction. What the question lacks is asked for by the calculator's own
parameter name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from understanding.arm_statistics import arm_values
from understanding.group_order import CONTROL_WORDS, group_labels, strict_or_arm_means, two_groups
from understanding.quantities import Quantity
from understanding.reading import ASKS_N, Grounded


def _near(
    t: str, quantities: list[Quantity], cue: str, units: tuple[str, ...], reach: int = 25
) -> Quantity | None:
    """The quantity of one of ``units`` written right after (or right before) a cue word."""
    for q in quantities:
        if q.unit not in units:
            continue
        left = t[max(0, q.start - reach) : q.start]
        right = t[q.end : q.end + 12]
        if re.search(cue + r"[^\d]*$", left) or re.match(r"\s*\(?" + cue, right):
            return q
    return None


def heavy_tails_steps(b: Any, t: str, step: Any) -> str:
    runs = arm_values(t)
    params: dict[str, Any] = {}
    if len(runs) < 2:
        b.need("values_a")
    else:
        (name_a, values_a), (name_b, values_b) = runs[0], runs[1]
        if name_a not in CONTROL_WORDS and name_b in CONTROL_WORDS:
            (name_a, values_a), (name_b, values_b) = (name_b, values_b), (name_a, values_a)
        params = {"values_a": values_a, "values_b": values_b}
        b.used["values_a"] = Grounded(values_a, "question", None, f"the values after '{name_a}'")
        b.used["values_b"] = Grounded(values_b, "question", None, f"the values after '{name_b}'")
    if re.search(r"\bbootstrap", t) and not re.search(r"yuen|trimm", t):
        params["method"] = "bootstrap"
    trim = re.search(
        r"(\d+(?:\.\d+)?)\s?%\s*(?:trim|trimming|trimmed)|trim(?:med|ming)?\s*(?:of|=|:)?\s*(\d+(?:\.\d+)?)\s?%",
        t,
    )
    if trim:
        params["trim"] = float(trim.group(1) or trim.group(2)) / 100
    step("heavy_tails", params, "trimmed-mean (Yuen) test or bootstrap CI of the difference")
    return "heavy_tails"


def _margin(b: Any, t: str, quantities: list[Quantity]) -> float | None:
    q = _near(
        t, quantities, r"\bmargin\b(?: of| is| =)?", ("pp", "percent", "number", "money", "time", "count"), 30
    )
    if q is None:
        q = next((x for x in quantities if x.unit == "pp"), None)
    if q is None:
        b.need("margin")
        return None
    value = q.value / 100 if q.unit in ("pp", "percent") else q.value
    note = (
        "" if q.unit != "percent" else f"'{q.text}' margin read as percentage points (an absolute difference)"
    )
    if note:
        b.notes.append(note)
    b.used["margin"] = Grounded(value, "question", q.span(), note)
    b.roles.pop("mde_abs", None)
    return value


def equivalence_steps(
    b: Any,
    t: str,
    quantities: list[Quantity],
    pairs: list[Quantity],
    step: Any,
    two_group_means: Callable[[str, list[Quantity]], dict[str, Grounded] | None],
) -> str:
    kind = "equivalence" if re.search(r"equivalen|\btost\b", t) else "non_inferiority"
    margin = _margin(b, t, quantities)
    means = strict_or_arm_means(t, quantities, two_group_means) if len(pairs) < 2 else None
    if means is not None:
        b.used.update(means)
        params_m: dict[str, Any] = {k: g.value for k, g in means.items()}
        if margin is not None:
            params_m["margin"] = margin
        params_m["test"] = kind
        step("equivalence_test", params_m, f"{kind.replace('_', '-')} test on means")
        return "equivalence_test"
    if len(pairs) >= 2:
        params: dict[str, Any] = two_groups(b, t, quantities, pairs) or {}
        if margin is not None:
            params["margin"] = margin
        params["test"] = kind
        step("equivalence_test", params, f"{kind.replace('_', '-')} test")
        return "equivalence_test"
    params = {"test": kind}
    if margin is not None:
        params["margin"] = margin
    baseline = b.get("baseline")
    sd = b.get("sd")
    if baseline is None and sd is None:
        margin_span = (b.used.get("margin").span or {}) if "margin" in b.used else {}
        rate = next(
            (
                q
                for q in quantities
                if q.unit == "percent"
                and q.start != margin_span.get("start")
                and not ("power" in b.roles and b.roles["power"].span == q.span())
                and not ("alpha" in b.roles and b.roles["alpha"].span == q.span())
            ),
            None,
        )
        if rate is not None:
            baseline = rate.value / 100
            b.used["baseline"] = Grounded(baseline, "question", rate.span(), "the control rate")
    if baseline is not None:
        params["baseline"] = baseline
    elif sd is not None:
        params["sd"] = sd
    else:
        b.need("baseline")
    step("equivalence_sample_size", params, f"sample size per group for a {kind.replace('_', '-')} test")
    return "equivalence_sample_size"


def poisson_steps(b: Any, t: str, quantities: list[Quantity], step: Any) -> str:
    """Events and exposure of each group, in the order written: (events A, exposure A, events B, exposure B)."""
    values: list[tuple[float, Quantity]] = []
    for q in quantities:
        if q.unit == "pair":
            values += [(q.values[0], q), (q.values[1], q)]
        elif q.unit in ("count", "number") and q.value > 0 and q.per is None:
            values.append((q.value, q))
    params: dict[str, Any] = {}
    if len(values) < 4 and (ASKS_N.search(t) or re.search(r"\bpower\b", t)):
        return _poisson_power(b, quantities, step)
    if len(values) < 4:
        b.need("count_a")
    else:
        (ca, qa), (ea, _), (cb, qb), (eb, _) = values[:4]
        labels = group_labels(t, quantities, list(dict.fromkeys([qa, qb])))
        swap = len(labels) == 2 and (labels[0] == "treatment" or labels[1] == "control")
        if swap:
            (ca, ea), (cb, eb) = (cb, eb), (ca, ea)
        params = {"count_a": int(ca), "exposure_a": ea, "count_b": int(cb), "exposure_b": eb}
        for name, v in params.items():
            b.used[name] = Grounded(v, "question", None, "events and exposure in the order written")
        b.notes.append("events then exposure for each group; the group named control is A")
    step("poisson_test", params, "two-sample Poisson rate test")
    return "poisson_test"


def _poisson_power(b: Any, quantities: list[Quantity], step: Any) -> str:
    """Two event rates per unit (control first), then n per group for the power, or the power for n."""
    taken = {g.span["start"] for g in b.roles.values() if g.span}
    power_alpha = {b.roles[r].span["start"] for r in ("power", "alpha") if r in b.roles and b.roles[r].span}
    rates = [
        q
        for q in quantities
        if q.unit in ("number", "count") and q.per is None and q.start not in power_alpha and q.value < 1000
        and (q.value != int(q.value) or q.start not in taken)
    ]  # fmt: skip
    params: dict[str, Any] = {}
    if len(rates) < 2:
        b.need("rate_a" if not rates else "rate_b")
    else:
        params["rate_a"], params["rate_b"] = rates[0].value, rates[1].value
        b.used["rate_a"] = Grounded(
            rates[0].value, "question", rates[0].span(), "the first rate written (control)"
        )
        b.used["rate_b"] = Grounded(
            rates[1].value, "question", rates[1].span(), "the second rate (treatment)"
        )
    n_role = b.roles.get("n_per_group")
    if (
        n_role is not None
        and "power" not in b.roles
        and n_role.value >= 2
        and n_role.value == int(n_role.value)
    ):
        params["n_per_group"] = b.get("n_per_group")
    step("poisson_power", params, "Poisson rate-ratio test: sample size per group or power")
    return "poisson_power"


def cluster_steps(b: Any, t: str, quantities: list[Quantity], step: Any) -> str:
    params: dict[str, Any] = {}
    icc_q = _near(
        t,
        quantities,
        r"(?:\bicc\b|intra-?cluster correlation|intra-?class correlation|\brho\b|ρ)(?: of| is| =|:)?",
        ("number", "percent"),
        30,
    )
    if icc_q is None and "correlation" in b.roles:
        params["icc"] = b.get("correlation")
    elif icc_q is not None:
        params["icc"] = icc_q.value / 100 if icc_q.unit == "percent" else icc_q.value
        b.used["icc"] = Grounded(params["icc"], "question", icc_q.span())
    else:
        b.need("icc")
    clusters = (
        r"(?:stores?|shops?|clusters?|city|cities|schools?|class(?:room)?s?|markets?|regions?|clinics?|teams?|sites?"
        r"|days?|villages?|households?|hospitals?|practices|wards?|offices?|branch(?:es)?|restaurants?)"
    )
    size_q = None
    for q in quantities:
        if q.unit not in ("count", "number") or q is icc_q:
            continue
        left, right = t[max(0, q.start - 25) : q.start], t[q.end : q.end + 40]
        if re.match(
            r"\s*(?:[a-z-]+\s+){0,2}?(?:per|in each|each|in every|a)\s+"
            + clusters
            + r"\b|\s*(?:[a-z-]+\s+)?each\b",
            right,
        ) or re.search(r"(?:cluster size|size of each cluster|\b" + clusters + r" of)\b[^\d]{0,12}$", left):
            size_q = q
            break
    if size_q is None:
        b.need("cluster_size")
    else:
        params["cluster_size"] = size_q.value
        b.used["cluster_size"] = Grounded(size_q.value, "question", size_q.span())
    n_q = b.roles.get("n_per_group")
    if n_q is not None and (size_q is None or n_q.span != size_q.span()):
        params["n_per_group"] = b.get("n_per_group")
    else:
        b.need("n_per_group")
    step("cluster_design", params, "design effect and clusters per arm")
    return "cluster_design"


def conditional_power_steps(b: Any, t: str, quantities: list[Quantity], step: Any) -> str:
    params: dict[str, Any] = {}
    z_q = _near(
        t,
        quantities,
        r"\bz\b(?:[- ]?(?:stat(?:istic)?|score|value))?(?: is| of| =|:)?",
        ("number", "count"),
        20,
    )
    if z_q is None:
        b.need("z_interim")
    else:
        params["z_interim"] = z_q.value
        b.used["z_interim"] = Grounded(z_q.value, "question", z_q.span())
    fraction: float | None = None
    frac_q = _near(t, quantities, r"information fraction(?: of| is| =|:)?", ("number", "percent"), 30)
    if frac_q is None:
        frac_q = next(
            (
                q
                for q in quantities
                if q.unit == "percent"
                and re.match(
                    r"\s*(?:of (?:the )?(?:planned |target |total )?(?:sample|users|traffic|information|data)|through|of the way|in\b)",
                    t[q.end : q.end + 30],
                )
            ),
            None,
        )
    if frac_q is not None:
        fraction = frac_q.value / 100 if frac_q.unit == "percent" else frac_q.value
        b.used["information_fraction"] = Grounded(fraction, "question", frac_q.span())
    elif re.search(
        r"half ?way|half the (?:planned |target )?(?:sample|users|data|test)|midpoint|middle of the test", t
    ):
        fraction = b.derive("information_fraction", 0.5, "halfway through: information fraction 0.5")
    if fraction is None:
        b.need("information_fraction")
    else:
        params["information_fraction"] = fraction
    step("conditional_power", params, "conditional power at the interim look")
    return "conditional_power"
