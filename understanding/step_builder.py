"""The builder a reading's steps are collected in, and the inputs several calculators read the same way.

``StepBuilder`` records which roles a step used, what is missing and the notes to state; ``n_from``,
``allocation_ratio``, ``add_rates`` and ``design_of`` read the group size, the allocation, the two rates or the
effect, and the design (paired / one-sample) once for every calculator that needs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tools.registry import TOOLS
from understanding.quantities import Quantity
from understanding.reading import Grounded, MissingInput, Step, _alternative, arm_shares, needs_value
from understanding.roles import FALL_AFTER_WORDS, FALL_WORDS

# step(tool, params, purpose, carry=None): add one calculator call with alpha/power/alternative filled in
StepFn = Callable[..., None]


class StepBuilder:
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

    def default_power(self, params: dict[str, Any]) -> None:
        """The conventional 80% power when the question states none, said as an assumption."""
        if "power" not in self.roles:
            params["power"] = 0.8
            self.notes.append("80% power (not stated in the question)")

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
        if tool.startswith("ci_") and spec.param("confidence") and "confidence" not in params:
            alpha = self.get("alpha")  # "a 90% ci" was read as α = 0.1
            if alpha is not None:
                params["confidence"] = round(1 - float(alpha), 10)
        alt = _alternative(t)
        if alt and spec.param("alternative"):
            params["alternative"] = alt
        return params


def n_from(b: StepBuilder) -> float | None:
    for role in ("n_per_group", "n_control", "n_one", "n_pairs"):
        v = b.get(role)
        if v is not None:
            return float(v)
    return None


# "90/10 treatment/holdout split": the split names the treated arm first
_TREATED_FIRST = re.compile(
    r"^\s*(?:split\s+)?\(?\s*(?:treatment|treated|variant|test|new|b)\s*[/:]\s*(?:control|holdout|hold-?out|a|old)\b"
)
_TIMES = {"twice": 2.0, "double": 2.0, "2x": 2.0, "three times": 3.0, "triple": 3.0, "3x": 3.0}
# "treatment gets twice as much traffic as control", "unequal allocation, treatment gets double"
_RATIO_IN_WORDS = re.compile(
    r"\b(?:treatment|variant|test (?:arm|group)|new \w+)s?\s+(?:gets?|receives?|has|with)\s+"
    r"(?P<times>twice|double|2x|three times|triple|3x)\b"
)
# "2 users in the new checkout for every 1 in control"
_FOR_EVERY = re.compile(
    r"\b(\d+(?:\.\d+)?) (?:[a-z]+ )?(?:in|to|on) (?:the )?(?:treatment|variant|new \w+|test arm)"
    r" for every (\d+(?:\.\d+)?) (?:[a-z]+ )?(?:in|to|on) (?:the )?control\b"
)


def allocation_ratio(b: StepBuilder, quantities: list[Quantity], t: str) -> float | None:
    r = b.get("ratio")
    if r is not None:
        return float(r)
    split = next((q for q in quantities if q.unit == "split" and len(q.values) == 2), None)
    arms = arm_shares(t, quantities)
    by_arm = {arm: quantities[i].value for i, arm in arms.items()}
    if split is not None:
        # "80/20 split (treatment 80%)": the arm a share names says which part is whose
        named = "treatment" if "treatment" in by_arm else "control" if "control" in by_arm else None
        parts = [round(100 * v, 6) for v in split.values]
        treated_first = _TREATED_FIRST.search(t[split.end : split.end + 40]) or (
            named is not None
            and parts[0] != parts[1]
            and round(by_arm[named], 6) == parts[0 if named == "treatment" else 1]
        )
        control, treated = reversed(split.values) if treated_first else split.values
        ratio = treated / control
        order = "treatment/control" if treated_first else "control/variant"
        b.notes.append(f"'{split.text.strip()}' read as {order}, allocation ratio {ratio:.4g}")
        return ratio
    if re.search(r"twice as many", t) and re.search(r"(?:treatment|variant)s? gets? twice", t):
        return 2.0
    said = _RATIO_IN_WORDS.search(t)
    if said is not None:
        ratio = _TIMES[said.group("times")]
        b.notes.append(f"'{said.group(0)}' read as treatment:control {ratio:g}:1")
        return ratio
    every = _FOR_EVERY.search(t)
    if every is not None:
        ratio = float(every.group(1)) / float(every.group(2))
        b.notes.append(f"'{every.group(0)}' read as treatment:control, allocation ratio {ratio:.4g}")
        return ratio
    if len(arms) == 2 and len(by_arm) == 2:
        ratio = by_arm["treatment"] / by_arm["control"]
        b.notes.append(
            f"{by_arm['control']:g}% to control and {by_arm['treatment']:g}% to treatment: allocation ratio {ratio:.4g}"
        )
        return ratio
    if len(arms) == 1 and "control" in by_arm:
        # "keeping a 10% holdout as the control", "10% holdout (control)": the rest is treated
        share = by_arm["control"]
        ratio = (100 - share) / share
        if re.search(r"hold-?out|holdback", t):
            b.notes.append(f"the {share:g}% holdout read as the control, allocation ratio {ratio:.4g}")
        else:
            b.notes.append(
                f"{share:g}% to control and the other {100 - share:g}% to treatment: allocation ratio {ratio:.4g}"
            )
        return ratio
    if len(arms) == 1 and "treatment" in by_arm and 0 < by_arm["treatment"] < 100:
        # "treatment gets 80% of traffic": the rest is the control
        share = by_arm["treatment"]
        ratio = share / (100 - share)
        b.notes.append(
            f"{share:g}% to treatment and the other {100 - share:g}% to control: allocation ratio {ratio:.4g}"
        )
        return ratio
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


# "a 15% relative drop", "a 0.5 pp decrease", "a decline of 10%", "5% fewer signups": the change to detect is a fall
_FALL_AFTER = re.compile(
    rf"\s*(?:(?:relative|absolute|percentage[- ]?points?|pp|points?)\s+)?{FALL_AFTER_WORDS}\b"
)
# "drop by 12%", "knocks it down 12%", "going down by 0.8 points", "loses ~8%" (not "lower"/"fewer": they follow it)
_FALL_BEFORE = re.compile(
    rf"\b(?!lower\b|fewer\b){FALL_WORDS}(?:\s+(?:it|that|this|them))?\s+(?:by\s+|of\s+)?"
    r"(?:about\s+|around\s+|roughly\s+|~\s*)?$"
)


def _a_fall(t: str, span: dict[str, Any]) -> bool:
    start, end = int(span.get("start", 0)), int(span.get("end", 0))
    return bool(_FALL_AFTER.match(t, end) or _FALL_BEFORE.search(t[:start]))


def add_rates(b: StepBuilder, params: dict[str, Any], t: str, require_effect: bool = True) -> None:
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
        if _a_fall(t, b.roles["mde_abs"].span or {}):
            params["mde"] = -abs(mde_abs)
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
        if _a_fall(t, span):
            params["mde"] = -abs(mde)
    elif require_effect:
        b.need("mde")


def design_of(t: str) -> str | None:
    if re.search(
        r"\bpaired\b|before\s*(?:[/-]|and)?\s*after|pre\s*[-/]\s*post|pre and post|same (?:users|stores|people|subjects)|measure each .* twice|\bpairs\b",
        t,
    ):
        return "paired"
    if re.search(r"one[- ]sample|known mean|fixed target|reference mean|single sample", t):
        return "one_sample"
    return None
