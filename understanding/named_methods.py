"""Calculators a question reaches by naming its method, and which group of two is the control.

A question that names a method ("Fisher's exact test", "an unconditional exact test", "Bayesian", "mSPRT /
always-valid", "non-inferiority", "Poisson", "ICC / design effect", "conditional power") gets that calculator, with
its inputs read from the question: two groups of counts for the tests, a margin, an ICC and cluster size, an interim
z and information fraction. What the question lacks is asked for by the calculator's own parameter name.

``ordered_pairs`` decides which of two "x of n" groups is the control from the words nearest each group ("control
45/300", "12 of 15 in treatment", "480 of 10,000 (variant)"), not from the order alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from understanding.arm_statistics import arm_summaries, arm_values
from understanding.quantities import Quantity
from understanding.reading import ASKS_N, Grounded

NAMED_FAMILIES = (
    "dunnett",
    "heavy_tails",
    "ratio_metric",
    "exact_2x2",
    "conditional_power",
    "msprt",
    "bayesian",
    "equivalence",
    "poisson",
    "cluster",
)

_EXACT = re.compile(r"fisher|barnard|boschloo|\bunconditional\b|\bconditional\b(?!\s+power)")
_CONDITIONAL_POWER = re.compile(r"conditional power")
_MSPRT = re.compile(
    r"msprt|always[- ]valid|anytime[- ]valid|confidence sequence|peek(?:ing)? (?:every|each|daily|at any)|"
    r"check(?:ing)? (?:the results |it |results )?continuously|continuous(?:ly)? monitor"
)
_BAYES = re.compile(
    r"bayes|chance to beat|prob(?:ability)? to beat|expected loss|credible interval|"
    r"probability (?:that )?(?:b|the variant|the treatment|variant|treatment) (?:is better|beats|wins|is best)"
)
_EQUIVALENCE = re.compile(r"non[- ]?inferior|equivalen|\btost\b")
_POISSON = re.compile(
    r"poisson|user[- ]?days?\b|person[- ]?(?:days|years)|rate ratio|incidence rate|events? per (?:user|day|session)"
)
_CLUSTER = re.compile(
    r"\bicc\b|intra-?cluster|intra-?class|design effect|cluster[- ]randomi|switchback|"
    r"randomi[sz]e (?:by|at the level of|whole) (?:store|city|cities|cluster|school|market|region|clinic|team)"
)

_DUNNETT = re.compile(r"dunnett|many[- ]to[- ]one")
_HEAVY_TAILS = re.compile(r"\byuen|trimmed[- ]means?|trimmed[- ]mean t|winsori[sz]|\bbootstrap")
_RATIO_METRIC = re.compile(r"delta[- ]method|ratio metric")

_CONTROL = {"control", "baseline", "a", "old", "current", "existing"}
_LABEL = re.compile(
    r"\b(control|baseline|variant|treatment|treated|test arm|challenger|new(?: [a-z]+)?|old(?: [a-z]+)?|current|a|b)\b"
)


def named_family(t: str, pairs: list[Quantity]) -> str | None:
    """The calculator family a named method asks for, or None (the general reading decides)."""
    if _CONDITIONAL_POWER.search(t):
        return "conditional_power"
    if _DUNNETT.search(t):
        return "dunnett"
    if _HEAVY_TAILS.search(t):
        return "heavy_tails"
    if _RATIO_METRIC.search(t) and not re.search(r"relative lift|\blift\b", t):
        return "ratio_metric"
    if _EXACT.search(t) or (re.search(r"\bexact test\b", t) and len(pairs) >= 2):
        return "exact_2x2"
    if _MSPRT.search(t):
        return "msprt"
    if _BAYES.search(t):
        return "bayesian"
    if _EQUIVALENCE.search(t):
        return "equivalence"
    if _CLUSTER.search(t):
        return "cluster"
    if _POISSON.search(t):
        return "poisson"
    return None


def _label(t: str, q: Quantity, lo: int, hi: int) -> str | None:
    """'control' / 'treatment' from the words right after the group ("(variant)", "in control") or just before it."""
    right = t[q.end : min(hi, q.end + 30)]
    m = re.match(
        r"\s*(?:\(\s*|(?:[a-z-]+\s+){0,2}?(?:in|for|on|from)\s+(?:the\s+)?|(?=control|variant|treatment))"
        r"(control|baseline|variant|treatment|treated|test arm|challenger|a|b)\b",
        right,
    )
    if m:
        return "control" if m.group(1) in _CONTROL else "treatment"
    left = t[max(lo, q.start - 30) : q.start]
    found = None
    for m in _LABEL.finditer(left):
        tail = left[m.end() :]
        if re.search(r"\d", tail) or len(tail.split()) > 3:
            continue
        if len(m.group(1)) == 1 and not re.fullmatch(
            r"\s*(?:[:=(]|got|had|has|gets|with|saw|converted)?\s*", tail
        ):
            continue  # a lone "a"/"b" names a group only right before its numbers ("B: 150 of 2,380")
        found = m.group(1).split()[0]
    if found is None:
        return None
    return "control" if found in _CONTROL else "treatment"


def group_labels(t: str, quantities: list[Quantity], chosen: list[Quantity]) -> list[str | None]:
    """The label of each chosen quantity, its windows bounded by the neighbouring quantities."""
    labels = []
    for q in chosen:
        i = quantities.index(q)
        lo = quantities[i - 1].end if i > 0 else 0
        hi = quantities[i + 1].start if i + 1 < len(quantities) else len(t)
        labels.append(_label(t, q, lo, hi))
    return labels


def ordered_pairs(
    t: str, quantities: list[Quantity], pairs: list[Quantity]
) -> tuple[Quantity, Quantity, str] | None:
    """(control, treatment, note) of the first two groups when their words say which is which, else None."""
    if len(pairs) < 2:
        return None
    first, second = pairs[0], pairs[1]
    note = "the group named control is read as A, the variant / treatment as B"
    # "for treatment minus control, 75 of 95 vs 62 of 90": the order the difference is written in
    minus = re.search(
        r"\b(treatment|variant|control|[ab])\s+(?:minus|-|−)\s+(?:the\s+)?(control|treatment|variant|[ab])\b[\s:,]*$",
        t[: first.start],
    )
    if minus and (minus.group(1) in _CONTROL) != (minus.group(2) in _CONTROL):
        b_first = minus.group(1) not in _CONTROL
        return (second, first, note) if b_first else (first, second, note)
    la, lb = group_labels(t, quantities, [first, second])
    if la is not None and la == lb:
        return None  # both named alike: the words do not settle it
    if la == "treatment" or (la is None and lb == "control"):
        return second, first, note
    if la == "control" or lb == "treatment":
        return first, second, note
    return None


def _counts(pair_a: Quantity, pair_b: Quantity) -> dict[str, int]:
    return {
        "conversions_a": int(pair_a.values[0]),
        "n_a": int(pair_a.values[1]),
        "conversions_b": int(pair_b.values[0]),
        "n_b": int(pair_b.values[1]),
    }


def _two_groups(b: Any, t: str, quantities: list[Quantity], pairs: list[Quantity]) -> dict[str, int] | None:
    """Conversions and users of control (A) and treatment (B), grounded; asks for them when absent."""
    if len(pairs) < 2:
        b.need("conversions")
        return None
    ordered = ordered_pairs(t, quantities, pairs)
    if ordered is None:
        first, second = pairs[0], pairs[1]
        b.notes.append(
            "the first group mentioned is read as the control (A), the second as the treatment (B)"
        )
    else:
        first, second, note = ordered
        b.notes.append(note)
    b.used["group_a"] = Grounded(list(first.values), "question", first.span())
    b.used["group_b"] = Grounded(list(second.values), "question", second.span())
    return _counts(first, second)


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


def _exact_methods(t: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for pattern, name in (
        (r"fisher|(?<!un)\bconditional\b(?!\s+power)", "fisher"),
        (r"barnard", "barnard"),
        (r"boschloo", "boschloo"),
    ):
        m = re.search(pattern, t)
        if m:
            found.append((m.start(), name))
    if re.search(r"\bunconditional\b", t) and not any(n in ("barnard", "boschloo") for _, n in found):
        found.append((re.search(r"\bunconditional\b", t).start(), "barnard"))  # type: ignore[union-attr]
    return [n for _, n in sorted(found)] or ["fisher"]


def build_named(
    b: Any,
    t: str,
    quantities: list[Quantity],
    pairs: list[Quantity],
    family: str,
    step: Callable[..., None],
    two_group_means: Callable[[str, list[Quantity]], dict[str, Grounded] | None],
) -> str:
    """Add the steps of a named-method family to the builder ``b``; returns the (first) tool."""
    params: dict[str, Any] = {}
    if family == "dunnett":
        arms = arm_summaries(t)
        if arms is None or len(arms) < 3:
            b.need("means")
        else:
            params = {"means": [a.mean for a in arms], "sds": [a.sd for a in arms], "ns": [a.n for a in arms]}
            b.used["arms"] = Grounded([vars(a) for a in arms], "question", None, "mean, SD and n of each arm")
            b.notes.append("the first arm written is the control; the others are compared with it")
        step("dunnett", params, "each variant against the control, Dunnett-adjusted")
        return "dunnett"
    if family == "heavy_tails":
        return _heavy_tails(b, t, step)
    if family == "ratio_metric":
        b.need("ratio_sums")
        step("ratio_metric", {}, "delta-method test of the ratio metric")
        return "ratio_metric"
    if family == "exact_2x2":
        counts = _two_groups(b, t, quantities, pairs) or {}
        methods = _exact_methods(t)
        for method in methods:
            step("exact_2x2_test", {**counts, "method": method}, f"{method} exact test of the 2×2 table")
        return "exact_2x2_test"
    if family in ("bayesian", "msprt"):
        means = _means_of_two(t, quantities, two_group_means) if len(pairs) < 2 else None
        if means is not None:
            b.used.update(means)
            params = {k: g.value for k, g in means.items()}
        else:
            params = _two_groups(b, t, quantities, pairs) or {}
        if family == "bayesian":
            tool = "bayesian_ab_means" if means is not None else "bayesian_ab"
            step(tool, params, "posterior probability that B beats A, expected loss, credible interval")
            return tool
        step("msprt", params, "always-valid p-value and confidence sequence")
        return "msprt"
    if family == "equivalence":
        return _equivalence(b, t, quantities, pairs, step, two_group_means)
    if family == "poisson":
        return _poisson(b, t, quantities, step)
    if family == "cluster":
        return _cluster(b, t, quantities, step)
    return _conditional_power(b, t, quantities, step)


def _means_of_two(
    t: str,
    quantities: list[Quantity],
    two_group_means: Callable[[str, list[Quantity]], dict[str, Grounded] | None],
) -> dict[str, Grounded] | None:
    """Mean, SD and size of control (A) and treatment (B), from the strict reader or the per-arm reader."""
    return two_group_means(t, quantities) or means_of_two(t, quantities)


def means_of_two(t: str, quantities: list[Quantity]) -> dict[str, Grounded] | None:
    """Mean, SD and size of two arms written in any of the per-arm forms (first written = control A)."""
    arms = arm_summaries(t)
    if arms is None or len(arms) != 2:
        return None
    (a, b_) = arms
    note = "mean, SD and n per arm in the order written (first = control A)"
    return {
        "mean_a": Grounded(a.mean, "question", None, note), "sd_a": Grounded(a.sd, "question", None, note),
        "n_a": Grounded(a.n, "question", None, note), "mean_b": Grounded(b_.mean, "question", None, note),
        "sd_b": Grounded(b_.sd, "question", None, note), "n_b": Grounded(b_.n, "question", None, note),
    }  # fmt: skip


def _heavy_tails(b: Any, t: str, step: Any) -> str:
    runs = arm_values(t)
    params: dict[str, Any] = {}
    if len(runs) < 2:
        b.need("values_a")
    else:
        (name_a, values_a), (name_b, values_b) = runs[0], runs[1]
        if name_a not in _CONTROL and name_b in _CONTROL:
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


def _equivalence(
    b: Any,
    t: str,
    quantities: list[Quantity],
    pairs: list[Quantity],
    step: Any,
    two_group_means: Callable[[str, list[Quantity]], dict[str, Grounded] | None],
) -> str:
    kind = "equivalence" if re.search(r"equivalen|\btost\b", t) else "non_inferiority"
    margin = _margin(b, t, quantities)
    means = _means_of_two(t, quantities, two_group_means) if len(pairs) < 2 else None
    if means is not None:
        b.used.update(means)
        params_m: dict[str, Any] = {k: g.value for k, g in means.items()}
        if margin is not None:
            params_m["margin"] = margin
        params_m["test"] = kind
        step("equivalence_test", params_m, f"{kind.replace('_', '-')} test on means")
        return "equivalence_test"
    if len(pairs) >= 2:
        params: dict[str, Any] = _two_groups(b, t, quantities, pairs) or {}
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


def _poisson(b: Any, t: str, quantities: list[Quantity], step: Any) -> str:
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


def _cluster(b: Any, t: str, quantities: list[Quantity], step: Any) -> str:
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


def _conditional_power(b: Any, t: str, quantities: list[Quantity], step: Any) -> str:
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
