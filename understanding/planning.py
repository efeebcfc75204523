"""From roles to calculator steps: parameters grounded in the question, chains, defaults, gaps and range checks."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

from tools.registry import TOOLS, default_assumptions
from understanding.named_methods import NAMED_FAMILIES, build_named, means_of_two, ordered_pairs
from understanding.quantities import Quantity
from understanding.reading import (
    ASKS_DAYS,
    ASKS_MDE,
    ASKS_N,
    ASKS_POWER,
    Grounded,
    MissingInput,
    Reading,
    Step,
    _alternative,
    _corrections,
    _two_group_means,
    _variants,
    choose,
    needs_value,
    variants_note,
)

_FOLLOW_UP = re.compile(
    r"^\s*(?:and|what if|how about|what about|same|now|ok|okay|then|at|with|if|but|instead)\b"
)
_RATE_ROLES = {
    "baseline": "baseline conversion rate",
    "p2": "second (treatment) rate",
    "p0": "reference rate",
}


def _invalid(roles: dict[str, Grounded]) -> list[MissingInput]:
    """Inputs outside their range, each with a request for a valid value."""
    bad: list[MissingInput] = []

    def said(name: str) -> str:
        span = roles[name].span
        return f"'{span['text']}'" if span else f"{roles[name].value:g}"

    for name, label in _RATE_ROLES.items():
        if name in roles and not 0 < roles[name].value < 1:
            bad.append(
                MissingInput(
                    "baseline" if name == "baseline" else name,
                    f"A {label} must be between 0% and 100%, but the question gives {said(name)}. What is the {label}?",
                )
            )
    if "power" in roles and not 0 < roles["power"].value < 1:
        bad.append(
            MissingInput(
                "power",
                f"Power is a probability between 0 and 1 (e.g. 0.8 or 80%), but the question gives {said('power')}. What power do you want?",
            )
        )
    if "alpha" in roles and not 0 < roles["alpha"].value < 1:
        bad.append(
            MissingInput(
                "alpha",
                f"The significance level α must be between 0 and 1 (e.g. 0.05), but the question gives {said('alpha')}. Which α should I use?",
            )
        )
    for name in ("n_per_group", "n_control", "n_treatment", "n_total", "daily_traffic"):
        if name in roles and roles[name].value <= 0:
            bad.append(
                MissingInput(
                    "n_per_group" if name.startswith("n_") else name,
                    f"A sample size or traffic figure must be positive, but the question gives {said(name)}. How many users?",
                )
            )
    if "exposed_share" in roles and not 0 < roles["exposed_share"].value <= 1:
        bad.append(
            MissingInput(
                "exposed_share",
                f"The share of traffic in the test must be between 0% and 100%, but the question gives {said('exposed_share')}.",
            )
        )
    return bad


def _merge(earlier: dict[str, Any], roles: dict[str, Grounded]) -> dict[str, Grounded]:
    """Earlier turn's roles, overridden by what this turn says; replaced effects drop the ones they contradict."""
    merged = {
        name: Grounded(r["value"], "earlier_turn", r.get("span"), "from an earlier turn")
        for name, r in (earlier.get("roles") or {}).items()
    }
    exclusive = ({"mde", "mde_abs", "p2"}, {"n_per_group", "n_control", "n_total"})
    for name in roles:
        for group in exclusive:
            if name in group:
                for other in group - {name}:
                    merged.pop(other, None)
    merged.update(roles)
    return merged


def plan(
    question: str,
    text: str,
    t: str,
    quantities: list[Quantity],
    roles: dict[str, Grounded],
    method: str | None,
    method_text: str | None,
    earlier: dict[str, Any] | None,
) -> Reading:
    """Choose the calculator and unknown, then build the steps (a follow-up reuses the earlier turn's roles)."""
    family, unknown = choose(t, roles, quantities)
    follow_up = False
    if earlier and earlier.get("family"):
        alone = (
            _build(question, text, t, quantities, roles, method, method_text, family, unknown)
            if family
            else None
        )
        if alone is None or alone.missing or _FOLLOW_UP.search(t):
            follow_up = True
            roles = _merge(earlier, roles)
            family = earlier["family"] if family is None or _FOLLOW_UP.search(t) else family
            unknown = _asked(t, roles) or earlier.get("unknown")
            if family in ("means", "proportions") and earlier.get("family") in ("means", "proportions"):
                family = earlier["family"]
            method = method or earlier.get("method")
    if family is None:
        return Reading(question, text, None, reason="no calculation recognised in the question")
    reading = _build(question, text, t, quantities, roles, method, method_text, family, unknown)
    if follow_up:
        carried = [n for n, g in reading.roles.items() if g.source == "earlier_turn"]
        reading = replace(
            reading,
            assumptions=(
                *reading.assumptions,
                f"follow-up: {', '.join(carried) or 'nothing'} taken from the earlier turn",
            ),
        )
    return reading


def _asked(t: str, roles: dict[str, Grounded]) -> str | None:
    if ASKS_DAYS.search(t):
        return "days"
    if ASKS_MDE.search(t) and not ({"mde", "mde_abs", "p2"} & set(roles)):
        return "mde"
    if ASKS_POWER.search(t) and "power" not in roles:
        return "power"
    if ASKS_N.search(t):
        return "n"
    return None


class _Builder:
    """Collects steps, gaps and notes for one reading."""

    def __init__(self, roles: dict[str, Grounded]) -> None:
        self.roles = dict(roles)
        self.used: dict[str, Grounded] = {}
        self.missing: list[MissingInput] = []
        self.notes: list[str] = []
        self.steps: list[Step] = []

    def get(self, role: str) -> Any:
        g = self.roles.get(role)
        if g is None:
            return None
        self.used[role] = g
        return g.value

    def need(self, name: str) -> None:
        if name not in [m.name for m in self.missing]:
            self.missing.append(needs_value(name))

    def derive(self, role: str, value: Any, note: str) -> Any:
        self.roles[role] = self.used[role] = Grounded(value, "derived", None, note)
        self.notes.append(note)
        return value

    def common(self, tool: str, params: dict[str, Any], t: str) -> dict[str, Any]:
        spec = TOOLS[tool]
        for role in ("alpha", "power"):
            v = self.get(role) if spec.param(role) else None
            if v is not None:
                params[role] = v
        alt = _alternative(t)
        if alt and spec.param("alternative"):
            params["alternative"] = alt
        return params


def _n_from(b: _Builder) -> float | None:
    for role in ("n_per_group", "n_control", "n_one", "n_pairs"):
        v = b.get(role)
        if v is not None:
            return float(v)
    return None


def _ratio(b: _Builder, quantities: list[Quantity], t: str) -> float | None:
    r = b.get("ratio")
    if r is not None:
        return float(r)
    split = next((q for q in quantities if q.unit == "split" and len(q.values) == 2), None)
    if split is not None:
        ratio = split.values[1] / split.values[0]
        b.notes.append(f"'{split.text.strip()}' read as control/variant, allocation ratio {ratio:.4g}")
        return ratio
    if re.search(r"twice as many", t) and re.search(r"(?:treatment|variant)s? gets? twice", t):
        return 2.0
    colon = next((q for q in quantities if q.unit == "ratio"), None)
    if colon is not None:
        a, c = (float(x) for x in re.findall(r"\d+(?:\.\d+)?", colon.text)[:2])
        around = t[colon.start : colon.end + 40]
        treatment_first = re.search(
            r"^[^.;]*?\(?\s*(?:treatment|variant|test|b)\s*[:/]\s*(?:control|a)\b", around[len(colon.text) :]
        ) or (re.search(r"favou?r(?:ing|s)? (?:the )?(?:treatment|variant)", t))
        ratio = a / c if treatment_first else c / a
        if treatment_first and re.search(r"favou?r", t) and not re.search(r"[:/]\s*control", around):
            ratio = max(a, c) / min(a, c)
        b.notes.append(
            f"'{colon.text}' read as {'treatment:control' if treatment_first else 'control:treatment'}, allocation ratio {ratio:.4g}"
        )
        return ratio
    return None


def _rates(b: _Builder, params: dict[str, Any], t: str, require_effect: bool = True) -> None:
    baseline = b.get("baseline")
    if (baseline is None and "p2" in b.roles and "mde" not in b.roles) or baseline is None:
        b.need("baseline")
    else:
        params["baseline"] = baseline
    p2, mde, mde_abs = b.get("p2"), b.get("mde"), b.get("mde_abs")
    if p2 is not None:
        params["p2"] = p2
    elif mde_abs is not None:
        params["mde"], params["mde_type"] = mde_abs, "absolute"
    elif mde is not None:
        span = b.roles["mde"].span or {}
        around = t[max(0, int(span.get("start", 0)) - 25) : int(span.get("end", 0)) + 25]
        if "absolute" in around:
            params["mde"], params["mde_type"] = mde, "absolute"
        else:
            params["mde"], params["mde_type"] = mde, "relative"
            if "relative" not in around and "rel" not in around:
                b.notes.append(
                    f"'{span.get('text')}' read as a relative change ({mde:.0%} of the baseline), not percentage points"
                )
    elif require_effect:
        b.need("mde")


def _design(t: str) -> str | None:
    if re.search(
        r"\bpaired\b|before\s*(?:[/-]|and)?\s*after|pre\s*[-/]\s*post|pre and post|same (?:users|stores|people|subjects)|measure each .* twice|\bpairs\b",
        t,
    ):
        return "paired"
    if re.search(r"one[- ]sample|known mean|fixed target|reference mean|single sample", t):
        return "one_sample"
    return None


def _build(
    question: str,
    text: str,
    t: str,
    quantities: list[Quantity],
    roles: dict[str, Grounded],
    method: str | None,
    method_text: str | None,
    family: str | None,
    unknown: str | None,
) -> Reading:
    b = _Builder(roles)
    pairs = [q for q in quantities if q.unit == "pair"]
    tool = _steps(b, t, quantities, pairs, method, family or "", unknown or "n")
    # a named method reads only the inputs it needs: a stray number elsewhere is not a bad power or rate
    invalid = _invalid(b.used if family in NAMED_FAMILIES else roles)
    assumptions: list[str] = list(dict.fromkeys(b.notes))
    for step in b.steps:
        given = {**step.params, **dict.fromkeys(step.carry, 0)}
        assumptions += default_assumptions(TOOLS[step.tool], given)
    return Reading(
        question=question,
        text=text,
        tool=tool,
        unknown=unknown,
        roles=b.used,
        steps=tuple(b.steps),
        assumptions=tuple(dict.fromkeys(assumptions)),
        missing=tuple(b.missing) if not invalid else (),
        invalid=tuple(invalid),
        method_requested=method if method_text else None,
        reason="input out of range" if invalid else ("required inputs missing" if b.missing else ""),
        family=family,
    )


def _steps(
    b: _Builder,
    t: str,
    quantities: list[Quantity],
    pairs: list[Quantity],
    method: str | None,
    family: str,
    unknown: str,
) -> str | None:
    params: dict[str, Any]

    def step(
        tool: str, params: dict[str, Any], purpose: str, carry: dict[str, tuple[int, str]] | None = None
    ) -> None:
        b.steps.append(Step(tool, b.common(tool, params, t), carry or {}, purpose))

    if family in NAMED_FAMILIES:
        return build_named(b, t, quantities, pairs, family, step, _two_group_means)
    if family == "compromise_power":
        d, n, qr = b.get("effect_d") or b.get("effect_f"), _n_from(b), b.get("q_ratio")
        if d is None:  # "effect 0.4": a bare effect in a compromise analysis is Cohen's d
            eff = next(
                (
                    q
                    for q in quantities
                    if q.unit == "number"
                    and re.search(
                        r"\beffect(?: size)?\s*(?:of|=|is|:)?\s*$", t[max(0, q.start - 20) : q.start]
                    )
                ),
                None,
            )
            if eff is not None:
                d = eff.value
                b.used["effect_d"] = Grounded(d, "question", eff.span(), "'effect' read as Cohen's d")
        for name, v in (("effect_size_d", d), ("n_per_group", n)):
            if v is None:
                b.need(name)
        given = {"effect_size_d": d, "n_per_group": n, "beta_alpha_ratio": qr if qr is not None else 1.0}
        step(
            "compromise_power",
            {k: v for k, v in given.items() if v is not None},
            "alpha and power with β/α = q",
        )
        return "compromise_power"
    if family == "srm_check":
        split = next((q for q in quantities if q.unit == "split"), None)
        counts = [q for q in quantities if q.unit == "count" and q.value >= 10 and q.per is None]
        params = {}
        if len(counts) >= 2:
            params["counts"] = [q.value for q in counts]
            for i, q in enumerate(counts):
                b.used[f"count_{i + 1}"] = Grounded(q.value, "question", q.span())
        else:
            b.need("counts")
        if split is not None and len(split.values) == len(counts) and not re.search(r"\bequal\b", t):
            params["split"] = list(split.values)
            b.used["split"] = Grounded(list(split.values), "question", split.span())
        thr = re.search(
            r"(\d*\.?\d+)\s?%\s*(?:threshold|level)|(?:threshold(?: of)?|p\s?<)\s*(\d*\.?\d+)\s?(%)?", t
        )
        if thr:
            value = float(thr.group(1) or thr.group(2))
            params["threshold"] = value / 100 if (thr.group(1) or thr.group(3) or value >= 1) else value
        b.steps.append(Step("srm_check", params, {}, "chi-square test of the observed split"))
        return "srm_check"
    if family == "group_sequential":
        looks = b.get("looks")
        if looks is None:
            m = re.search(
                r"(\d+)\s*(?:interim\s+|equally spaced\s+)?(?:looks|analyses|peeks|checkpoints|stages)", t
            )
            looks = int(m.group(1)) if m else None
        params = {"looks": int(looks)} if looks else {}
        if not looks:
            b.need("looks")
        if method in ("obrien_fleming", "pocock"):
            params["spending_function"] = method
        if re.search(r"\bclassic\b|original", t):
            params["design"] = "classic"
        step("group_sequential", params, "efficacy boundaries")
        return "group_sequential"
    if family == "multiple_testing":
        plist = next((q for q in quantities if q.unit == "list"), None)
        methods = _corrections(t) or [None]  # type: ignore[list-item]
        if plist is None:
            b.need("p_values")
        else:
            b.used["p_values"] = Grounded(list(plist.values), "question", plist.span())
        for correction in methods:
            params = {"p_values": list(plist.values)} if plist is not None else {}
            if correction:
                params["method"] = correction
            step("multiple_testing", params, f"adjusted p-values ({correction or 'default method'})")
        return "multiple_testing"
    if family == "cuped":
        rho = b.get("correlation")
        if rho is None and "variance_reduction" in b.roles:
            red = b.get("variance_reduction")
            rho = b.derive(
                "correlation",
                math.sqrt(red),
                f"a {red:.0%} variance reduction is ρ² = {red:g}, so ρ = {math.sqrt(red):.4g}",
            )
        params = {}
        if rho is None:
            b.need("correlation")
        else:
            params["correlation"] = rho
        n = b.get("n_per_group")
        if n is None and b.get("n_total") is not None:
            n = b.derive("n_per_group", b.roles["n_total"].value / 2, "total read as two equal groups")
        if n is None and "baseline" not in b.roles:
            taken = {g.span["start"] for g in b.roles.values() if g.span}
            loose = [
                q
                for q in quantities
                if q.unit == "count" and q.value >= 100 and q.per is None and q.start not in taken
            ]
            if (
                len(loose) == 1
            ):  # "what's the new n per arm if it was 60k before": the one sample size written
                n = loose[0].value
                b.used["n_per_group"] = Grounded(
                    n, "question", loose[0].span(), "the only sample size in the question"
                )
        traffic = b.get("daily_traffic")
        if traffic is not None:
            params["daily_traffic"] = traffic
            share = b.get("exposed_share")
            if share is not None:
                params["exposed_share"] = share
        carry = {}
        if n is not None:
            params["n_per_group"] = n
        elif "baseline" in b.roles:
            size: dict[str, Any] = {}
            _rates(b, size, t)
            step("proportions_sample_size", size, "sample size without CUPED")
            carry = {"n_per_group": (0, "n_control")}
        b.steps.append(Step("cuped", params, carry, "variance reduction → new sample size and duration"))
        return b.steps[0].tool
    if family == "anova_power":
        f = b.get("effect_f")
        km = re.search(
            r"(\d+)[- ]?(?:groups?\b|arms?\b|versions|conditions|variants|treatments)|\bk\s*=\s*(\d+)", t
        )
        k = b.get("k_groups") or (int(km.group(1) or km.group(2)) if km else None)
        params = {}
        for name, v in (("effect_size_f", f), ("k_groups", k)):
            if v is None:
                b.need(name)
            else:
                params[name] = int(v) if name == "k_groups" else v
        n = _n_from(b)
        if unknown == "power" and n is not None:
            params["n_per_group"] = n
        elif "power" not in b.roles:
            params["power"] = 0.8
            b.notes.append("80% power (not stated in the question)")
        step("anova_power", params, "one-way ANOVA power / sample size")
        return "anova_power"
    if family == "chi_square_power":
        w = b.get("effect_w")
        df = b.get("df")
        params = {}
        for name, v in (("effect_size_w", w), ("df", df)):
            if v is None:
                b.need(name)
            else:
                params[name] = int(v) if name == "df" else v
        n = b.get("n_total") or b.get("n_one") or b.get("n_per_group")
        if unknown == "power" and n is not None:
            params["n_total"] = n
        elif "power" not in b.roles:
            params["power"] = 0.8
            b.notes.append("80% power (not stated in the question)")
        step("chi_square_power", params, "chi-square power / total sample size")
        return "chi_square_power"
    if family == "correlation_power":
        r = b.get("correlation")
        params = {"r": r} if r is not None else {}
        if r is None:
            b.need("r")
        n = b.get("n_one") or b.get("n_pairs") or b.get("n_per_group")
        if unknown == "power" and n is not None:
            params["n"] = n
        elif "power" not in b.roles:
            params["power"] = 0.8
            b.notes.append("80% power (not stated in the question)")
        step("correlation_power", params, "power / sample size for a correlation")
        return "correlation_power"
    if family == "binomial_test":
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
    if family in ("ci", "significance"):
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
            if family == "significance":
                step("two_proportion_z_test", params, "two-proportion z test")
                return "two_proportion_z_test"
            if re.search(r"relative|lift\b(?! in absolute)", t) and "absolute" not in t:
                step("ci_relative_lift", params, "interval for the relative lift")
                return "ci_relative_lift"
            if method in ("newcombe", "agresti_caffo", "wald"):
                params["method"] = method
            b.steps.append(Step("ci_proportion_difference", params, {}, "interval for the difference B − A"))
            return "ci_proportion_difference"
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
            b.steps.append(Step("ci_proportion", params, {}, "interval for one proportion"))
            return "ci_proportion"
        tool = (
            "two_proportion_z_test"
            if family == "significance" and not re.search(r"mean", t)
            else "welch_t_test"
        )
        if family == "ci":
            tool = "ci_proportion_difference" if not re.search(r"mean", t) else "ci_mean_difference"
        b.need("means" if "mean" in tool or tool == "welch_t_test" else "conversions")
        b.steps.append(Step(tool, {}, {}, ""))
        return tool
    if (
        family in ("means", "proportions")
        and unknown == "days"
        and (_n_from(b) is not None or "n_total" in b.roles)
    ):
        return _proportions(b, t, quantities, method, unknown, step)
    if family == "proportions" and method == "rule_of_thumb":
        return _kohavi_rate(b, t, step)
    if family == "means":
        return _means(b, t, quantities, method, unknown, step)
    if family == "proportions":
        return _proportions(b, t, quantities, method, unknown, step)
    return None


def _kohavi_rate(b: _Builder, t: str, step: Any) -> str:
    """Kohavi's 16σ²/δ² on a conversion rate: σ² = p(1 − p), δ from the target or the MDE (Kohavi et al. 2009)."""
    p = b.get("baseline")
    params: dict[str, Any] = {"method": "rule_of_thumb"}
    if p is None:
        b.need("baseline")
    else:
        p2, mde, mde_abs = b.get("p2"), b.get("mde"), b.get("mde_abs")
        delta = (
            abs(p2 - p)
            if p2 is not None
            else mde_abs
            if mde_abs is not None
            else p * mde
            if mde is not None
            else None
        )
        if delta is None:
            b.need("mde")
        else:
            params["sd"] = b.derive(
                "sd",
                math.sqrt(p * (1 - p)),
                f"conversion rate {p:g} as a 0/1 metric: σ² = p(1 − p) = {p * (1 - p):.4g}",
            )
            params["delta"] = b.derive(
                "delta", delta, f"δ = {delta:.4g} (the change to detect, as a proportion)"
            )
    step("means_sample_size", params, "Kohavi's rule of thumb n = 16σ²/δ²")
    return "means_sample_size"


def _means(
    b: _Builder, t: str, quantities: list[Quantity], method: str | None, unknown: str, step: Any
) -> str:
    params: dict[str, Any] = {}
    design = _design(t)
    if design:
        params["design"] = design
    if method in ("rule_of_thumb",):
        params["method"] = method
    elif re.search(r"\bz[- ]?test\b|normal approximation", t):
        params["method"] = "z"
    ratio = _ratio(b, quantities, t) if design is None else None
    if ratio is not None:
        params["ratio"] = ratio
    d, sd, delta = b.get("effect_d"), b.get("sd"), b.get("delta")
    if unknown in ("mde", "mde_in_days"):
        n = _n_from(b)
        if n is None:
            b.need("n_per_group")
        else:
            params["n_per_group"] = n
        if sd is not None:
            params["sd"] = sd
        params.pop("ratio", None) if design else None
        step("means_mde", params, "smallest detectable difference")
        return "means_mde"
    if d is None and delta is None and "mean" in b.roles and ("mde" in b.roles or "mde_abs" in b.roles):
        # "ARPU is $12 … detect a 5% change": a relative change of a mean is mean × change
        mean = b.get("mean")
        rel = b.get("mde")
        delta = b.derive(
            "delta",
            mean * rel if rel is not None else b.get("mde_abs"),
            f"{rel:.4g} of the mean {mean:g} = {mean * rel:.4g} in the metric's units"
            if rel is not None
            else "",
        )
    if d is not None:
        params["cohens_d"] = d
    else:
        if delta is None:
            b.need("delta")
        else:
            params["delta"] = delta
        if sd is None:
            b.need("sd")
        else:
            params["sd"] = sd
    if unknown == "power":
        n = _n_from(b)
        if n is None:
            b.need("n_per_group")
        else:
            params["n_per_group"] = n
        step("means_power", params, "power of the t test")
        return "means_power"
    step("means_sample_size", params, "sample size for a difference in means")
    if unknown == "days":
        _days_after(b, t, "n_group1" if design is None else ("n_pairs" if design == "paired" else "n"))
    return "means_sample_size"


def _days_after(b: _Builder, t: str, output: str) -> None:
    traffic = b.get("daily_traffic")
    params: dict[str, Any] = {}
    if traffic is None:
        b.need("daily_traffic")
    else:
        params["daily_traffic"] = traffic
    share = b.get("exposed_share")
    if share is not None:
        params["exposed_share"] = share
    variants = b.get("variants") or _variants(t)
    if variants:
        params["variants"] = int(variants)
    previous = b.steps[-1]
    if abs(float(previous.params.get("ratio", 1.0)) - 1) > 1e-12:
        arms = 2
        b.notes.append("unequal allocation: days = the total sample (control + variant) / daily traffic")
        b.steps.append(
            Step(
                "test_duration",
                params,
                {"n_per_group": (len(b.steps) - 1, "n_total")},
                "days to collect that sample",
                {"n_per_group": 1 / arms},
            )
        )
        return
    b.steps.append(
        Step(
            "test_duration",
            params,
            {"n_per_group": (len(b.steps) - 1, output)},
            "days to collect that sample",
        )
    )


def _proportions(
    b: _Builder, t: str, quantities: list[Quantity], method: str | None, unknown: str, step: Any
) -> str:
    params: dict[str, Any] = {}
    if method in ("pooled", "unpooled", "cohens_h", "evan_miller"):
        params["method"] = method
    variants = b.get("variants") or _variants(t)
    if unknown == "days" and (_n_from(b) is not None or "n_total" in b.roles):
        n = _n_from(b)
        traffic = b.get("daily_traffic")
        arms = (int(variants) + 1) if variants else 2
        if n is None:
            total = b.get("n_total")
            n = b.derive(
                "n_per_group",
                total / arms,
                f"{total:,.0f} in total over {arms} groups = {total / arms:,.0f} per group",
            )
        dparams: dict[str, Any] = {"n_per_group": n}
        if traffic is None:
            b.need("daily_traffic")
        else:
            dparams["daily_traffic"] = traffic
        share = b.get("exposed_share")
        if share is not None:
            dparams["exposed_share"] = share
        if variants:
            dparams["variants"] = int(variants)
        b.steps.append(Step("test_duration", dparams, {}, "days to collect the sample"))
        return "test_duration"
    if variants and variants > 1:
        params["variants"] = int(variants)
        note = variants_note(t)
        if note:
            b.notes.append(note)
        if re.search(r"bonferroni", t):
            params["correction"] = "bonferroni"
        elif re.search(r"šidák|sidak", t):
            params["correction"] = "sidak"
    ratio = _ratio(b, quantities, t)
    if unknown == "mde_in_days":
        days, traffic = b.get("days"), b.get("daily_traffic")
        share = b.get("exposed_share") or 1.0
        _rates(b, params, t, require_effect=False)
        arms = (int(variants) + 1) if variants else 2
        if days is None:
            b.need("days")
        if traffic is None:
            b.need("daily_traffic")
        if days is not None and traffic is not None:
            n = days * traffic * share / arms
            params["n_per_group"] = b.derive(
                "n_per_group",
                n,
                f"{days:g} days × {traffic:,.0f} a day{f' × {share:.0%} exposed' if share != 1 else ''} / {arms} groups = {n:,.0f} per group",
            )
        step("proportions_mde", params, "smallest detectable effect with that sample")
        return "proportions_mde"
    if unknown == "mde":
        _rates(b, params, t, require_effect=False)
        n = _n_from(b)
        if n is None:
            b.need("n_per_group")
        else:
            params["n_per_group"] = n
        if ratio is not None:
            params["ratio"] = ratio
        step("proportions_mde", params, "smallest detectable effect")
        return "proportions_mde"
    _rates(b, params, t)
    if unknown == "power":
        n = b.get("n_per_group")
        nc, nt = b.get("n_control"), b.get("n_treatment")
        if n is None and nc is not None:
            n = nc
            if nt is not None:
                ratio = nt / nc
                b.notes.append(
                    f"{nc:,.0f} in control and {nt:,.0f} in treatment: allocation ratio {ratio:.4g}"
                )
        if n is None and "n_one" in b.roles:
            n = b.get("n_one")
        if n is None and "n_total" in b.roles:
            total = b.get("n_total")
            split = next((q for q in quantities if q.unit == "split" and len(q.values) == 2), None)
            share = split.values[0] if split is not None else 0.5
            n = b.derive(
                "n_per_group",
                total * share,
                f"{total:,.0f} in total × {share:.0%} in control = {total * share:,.0f}",
            )
            if split is not None and ratio is None:
                ratio = split.values[1] / split.values[0]
        if n is None:
            b.need("n_per_group")
        else:
            params["n_per_group"] = n
        if ratio is not None:
            params["ratio"] = ratio
        step("proportions_power", params, "power with the given group sizes")
        return "proportions_power"
    if ratio is not None:
        params["ratio"] = ratio
    step("proportions_sample_size", params, "sample size per group")
    if unknown == "days":
        _days_after(b, t, "n_control")
    return "proportions_sample_size"
