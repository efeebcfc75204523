"""Read a calculation question: tag quantities, assign roles, pick the calculator and its unknown, plan the steps.

``read(question, earlier=None)`` returns a ``Reading``: the roles with the span each came from, the calculator
steps (a chain when the question needs one: sample size → days, days → MDE, CUPED → new n and days, two
corrections side by side), the conventional defaults stated as assumptions, and ``missing`` (exactly the inputs
not given) or ``invalid`` (an input outside its range, with a request for a valid value). Nothing is invented: a
value is either grounded in a span of the question, carried from an earlier turn (``earlier``), derived from
grounded values by a stated rule, or a named default. Pure: no I/O, no model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from understanding.practical import practical_threshold
from understanding.quantities import Quantity, normalise, tag
from understanding.reading_types import Grounded, MissingInput, Reading, Step, needs_value
from understanding.roles import FALL_WORDS, candidates

__all__ = ["Grounded", "MissingInput", "Reading", "Step", "needs_value", "read"]  # the types, re-exported


# --- cues for what is asked and how -------------------------------------------------------------------------

_METHODS = (
    (r"cohen'?s h|arcsine|pwr\.2p", "cohens_h"),
    (r"evan ?miller", "evan_miller"),
    (r"\bunpooled\b", "unpooled"),
    (r"power\.prop\.test|\bpooled\b", "pooled"),
    (r"rule of thumb|rule-of-thumb|16\s?σ|16 ?sigma|16σ|lehr|kohavi", "rule_of_thumb"),
    (r"wilson", "wilson"),
    (r"clopper|exact (?:binomial )?(?:ci|interval)|\bexact\b.*\b(?:ci|interval)", "clopper_pearson"),
    (r"agresti[- ]coull", "agresti_coull"),
    (r"newcombe?", "newcombe"),
    (r"agresti[- –]+caffo", "agresti_caffo"),
    (r"\bwald\b", "wald"),
    (r"o'?brien|obf\b", "obrien_fleming"),
    (r"pocock", "pocock"),
)
_CORRECTIONS = (
    (r"benjamini[- ]yekutieli|\bby\b correction", "benjamini_yekutieli"),
    (r"benjamini|hochberg|\bbh\b|fdr|false discovery", "benjamini_hochberg"),
    (r"\bholm\b", "holm"),
    (r"bonferroni", "bonferroni"),
)
ASKS_N = re.compile(
    r"\bn1\s*\?|how many|\b(?:users|visitors|people|ppl|subjects|sessions|customers|orders|players|observations)\s+(?:per|in each|each)\s+(?:group|arm|variant|variation|cohort)\b|sample size|how big|\bn\b\s*(?:per|for|\?|needed|in each|was)|\bn\s*\?|\bn\?|per[- ](?:group|arm) n|\bneeded\b|"
    r"need in|what n\b|total n|\bN\b|sample per|n per|new n|pairs needed|number of pairs|how large|users do (?:i|we) need"
)
ASKS_DAYS = re.compile(
    r"how long|how many days|\bdays\s*\?|duration|test length|number of days|days needed|how many weeks|take\?|will it take"
    r"|\bdays (?:to|until|before)\b"
)
ASKS_POWER = re.compile(
    r"what(?:'s| is)? (?:the |our |my )?power|power\s*\?|how much power|power (?:of|for|check|with|to detect|at|if|do)|"
    r"what power|likely are we|\bpower:|power does|which alpha and power|alpha and power|the power\b|"
    r"\bpowered enough\b|\b(?:adequately|sufficiently|well)[- ]powered\b|"
    r"\b(?:is|was|are|were) (?:it|the test|this|that|we|our test) (?:\w+ )?powered\b|"
    # "what's the chance we detect it with 20,000 users in each group?", "power question: 20k users per arm ..."
    r"\b(?:chances?|probability|odds)\b[^.?!]{0,25}\b(?:detect|catch|spot|pick up|notice)|\bpower question\b"
)
ASKS_MDE = re.compile(
    r"smallest|minimum detectable|minimal|minimum p2|min p2|what(?:'s| is| would be)? (?:the |our |my )?(?:relative )?mde\b|\bmde\b\s*\?|what (?:relative )?(?:mde|lift)|how small|lowest|how high|what p2|"
    r"what (?:variant|treatment)(?: conversion)? rate|what relative|detectable|reachable|can (?:we|i) hit|"
    r"what (?:rate|conversion(?: rate)?) would (?:the |our )?(?:variant|treatment)|need to hit|"
    r"what (?:effect size|minimum)|effect size d could|mde \(relative\)|what mde|(?:what|which) (?:cohen'?s )?d\b|"
    r"what (?:standardi[sz]ed )?effect(?: size)? (?:can|could|would)|"
    r"^(?:the )?(?:relative |absolute )?mde\b|\b(?:relative|absolute|minimum) (?:mde|lift|effect) (?:for|with|at|in|on)\b"
)
ASKS_SIG = re.compile(
    r"significan|p-?\s?value|p value|\bfair\b|loaded|biased|better|different from|z[- ]?test|welch|t[- ]?test p"
    # "t-test?", "t stat and p?", "real effect or noise?"
    r"|(?<!power of the )(?<!power of a )t[- ]?tests?\s*(?:\?|pls|please)|t[- ]?stat|\bp\s*\?|\breal effect\b"
    r"|\bor (?:just )?noise\b|\bsig\s*\?|\bpass(?:es)? at \d"
    # "t test from summary stats", "are 3.7 extra seconds real?", "did the widget move basket size?"
    r"|\bt[- ]?tests? from\b|\breal\s*\?|\breal (?:lift|difference|change|win|improvement|increase|drop|decrease)\b"
    r"|\b(?:is|are) (?:that|this|it|they) (?:actually |really |even )?different\b"
    r"|\bdid (?:the |our |this |that |it )?(?:[\w-]+ ){0,3}?(?:move|change|shift|affect|lift|improve|hurt)\b"
)
# "with 8k per arm, can we detect 6.2% vs 6.9% significantly?" plans a test; it reports none
PLANNING = re.compile(
    r"\bpower\b|\bdetect|\benough\b|\bmde\b|\bchances?\b|\bprobability\b|\bwould\b|\bwill\b"
)
ASKS_SIZE = re.compile(r"how many|sample size|how big|how large|\bn per\b|\bneeded\b|do (?:i|we) need")


_SIZES = re.compile(r"\bdetect|\bpower\b|\bmde\b")


def plans_a_test(t: str) -> bool:
    """Whether the question plans a test (its size, power, MDE or days) rather than reads one that ran ("a 95% chance
    to beat control" plans nothing)."""
    low = t.lower()
    return bool(_SIZES.search(low) or ASKS_SIZE.search(low) or ASKS_DAYS.search(low) or ASKS_MDE.search(low))


ASKS_CI = re.compile(r"interval|\bci\b|confidence interval|\bbounds?\b(?!aries)")
_MEAN = re.compile(r"\b(?:means?|average|avg)\b")
_MEAN_AS_VERB = re.compile(
    r"\b(?:does|do|did|would|could|might)\s+(?:\w+\s+){0,2}$|\bthis\s+$|\bthat\s+$|\bto\s+$"
)


def says_mean(text: str) -> bool:
    """Whether the question speaks of a mean ("the mean", "means 74.2 vs 77.9", "avg order value"); "meaningful",
    "what does that mean?", "this means we ship" and "p=0.03 means" do not."""
    return any(
        not _MEAN_AS_VERB.search(text[max(0, m.start() - 30) : m.start()])
        and not re.match(r"\s+(?:that|it|we|you|i|they)\b", text[m.end() :])
        and not (m.group() == "means" and re.search(r"[\d%)]\s*$", text[max(0, m.start() - 3) : m.start()]))
        for m in _MEAN.finditer(text)
    )


MEANS_WORDS = re.compile(
    r"\b(?:standard deviation|std\.? ?dev|sd|σ|sigma|means?\b|average|avg|aov|arpu|revenue|t[- ]?test|cohen'?s d|paired|"
    r"before|pre-post|pre and post|one[- ]sample|time on page|session length|minutes?|seconds?|ms\b|\$|€|£|dollars?)"
)


@dataclass
class _Found:
    """The roles read from one question, by quantity (mutable while reading)."""

    roles: dict[str, Grounded] = field(default_factory=dict)
    lists: dict[str, list[Grounded]] = field(default_factory=dict)


def _g(q: Quantity, value: Any, note: str = "") -> Grounded:
    return Grounded(value, "question", q.span(), note)


def _rate(q: Quantity) -> float:
    return q.value / 100 if q.unit == "percent" else q.value


def _prob(q: Quantity, role: str = "power") -> float:
    """A power or α: 80% → 0.8, 0.8 → 0.8, "power 80" → 0.8; 1.2 or "alpha 2.0" stay as written, to be rejected."""
    if q.unit == "percent":
        return q.value / 100
    if role == "power" and 50 <= q.value < 100 and "." not in q.text:
        return q.value / 100
    return q.value


# words beside a percentage that restate an arm's share of a split ("70/30: 70% stay on the old page (control) and 30%
# get the new one"), which is no rate
_LEVEL_WORD = re.compile(r"\b(?:power|alpha|confidence|significance|significant)\b")
_ARM_SHARE = re.compile(
    r"\b(?:control|treatment|variant|old|new|stay|stays|get|gets|holdout|arm|group|treated)\b"
)


def split_restated(text: str, quantities: list[Quantity]) -> set[int]:
    """Indices of the percentages that restate a two-way split's parts beside arm words."""
    # a split's parts are shares (0.7, 0.3); a percentage's value is in percent (70)
    parts = {
        round(100 * v, 6) for q in quantities if q.unit == "split" and len(q.values) == 2 for v in q.values
    }
    out: dict[float, int] = {}
    for i, q in enumerate(quantities):
        if q.unit == "percent" and round(q.value, 6) in parts:
            near = text[max(0, q.start - 25) : q.end + 25].lower()
            if _ARM_SHARE.search(near) and not _LEVEL_WORD.search(near):
                out.setdefault(round(q.value, 6), i)
    # both parts restated: one share alone may be a rate that happens to equal a part
    return set(out.values()) if len(out) == len(parts) == 2 else set()


# a percentage followed by the arm it is the share of: "70 percent to control", "10% holdout (control)", "90% treated"
_ARM_AFTER = re.compile(
    r"^\s*(?:\(\s*)?(?P<traffic>of\s+(?:the\s+|our\s+|all\s+)?(?:traffic|users|visitors|sessions)\s+)?"
    r"(?:(?:to|in|for|on|as|is|are|stays?(?: (?:in|on|as))?)\s+)?(?:the\s+)?"
    r"(?P<arm>control|hold-?out|holdback|treatment|treated|variant|test arm"
    r"|new (?:page|version|design|flow|experience|feature|checkout|layout|ui|variant))\b"
)
# "30% of traffic sees the new page", "the other 90% get the new feed": the treated share
_SEES_NEW = re.compile(
    r"^\s*(?:of\s+(?:the\s+|our\s+)?(?:traffic|users|visitors)\s+)?(?:sees?|gets?|goes?\s+to|is\s+on)\s+the\s+new\b"
)


# "rolling out to 80% and keeping a 20% holdout": the share the change goes to
_ROLLED_OUT_TO = re.compile(
    r"\b(?:roll(?:ing|ed|s)?\s+(?:[a-z-]+\s+){0,3}?out|ramp(?:ing|ed)?(?:\s+up)?|launch(?:ing|ed)?|releas(?:e|ing|ed))"
    r"\s+to\s*$"
)


# "treatment gets 80% of traffic", "(treatment 80%)": the arm named before its share; a verb of allocation or a
# share of the traffic after it tells a share from a rate ("control at 4.1%", "control 4.1% of 12,000" are rates)
_ARM_BEFORE = re.compile(
    r"\b(?P<arm>control|hold-?out|holdback|treatment|treated|variant|test arm)\s+"
    r"(?P<verb>(?:gets?|receives?|takes?|is (?:given|allocated|assigned|sent))\s+)?\(?\s*$"
)
_OF_TRAFFIC = re.compile(r"^\s*of\s+(?:the\s+|our\s+|all\s+)?(?:traffic|users|visitors|sessions)\b")


def arm_shares(text: str, quantities: list[Quantity]) -> dict[int, str]:
    """Percentages that are one arm's share of the traffic, by index: "control" (a holdout is the control) or
    "treatment"."""
    found: dict[int, str] = {}
    said_as_share: set[int] = set()
    for i, q in enumerate(quantities):
        if q.unit != "percent":
            continue
        m = _ARM_AFTER.match(text[q.end : q.end + 30].lower())
        if m is not None:
            treated = m.group("arm") in ("treatment", "treated", "variant", "test arm") or m.group(
                "arm"
            ).startswith("new ")
            found[i] = "treatment" if treated else "control"
            if m.group("traffic"):  # "10% of traffic to treatment" is a share, never a rate
                said_as_share.add(i)
        elif _ROLLED_OUT_TO.search(text[max(0, q.start - 40) : q.start].lower()):
            found[i] = "treatment"
            said_as_share.add(i)
        elif _SEES_NEW.match(text[q.end : q.end + 40].lower()):
            found[i] = "treatment"
        elif (before := _ARM_BEFORE.search(text[max(0, q.start - 30) : q.start].lower())) is not None:
            after = text[q.end : q.end + 30].lower()
            parts = {round(v, 6) for s in quantities if s.unit == "split" for v in s.values}
            if before.group("verb") or _OF_TRAFFIC.match(after) or round(q.value / 100, 6) in parts:
                found[i] = (
                    "control"
                    if before.group("arm") in ("control", "holdout", "hold-out", "holdback")
                    else "treatment"
                )
                said_as_share.add(i)
    # shares of one split add up to 100 ("15% control vs 17% treatment" are each arm's rate); a holdout is a share
    holdouts = {i for i in found if re.match(r"\s*\(?\s*hold", text[quantities[i].end :].lower())}
    arms = {arm: i for i, arm in found.items()}
    paired = (
        len(found) == len(arms) == 2 and abs(sum(quantities[i].value for i in arms.values()) - 100) <= 0.5
    )
    # a share the change is rolled out to, or one said as a share of the traffic, is never a rate
    return {
        i: arm
        for i, arm in found.items()
        if i in holdouts or i in said_as_share or (paired and i in arms.values())
    }


def assign(text: str, quantities: list[Quantity]) -> dict[str, tuple[Quantity, float, str]]:
    """Greedy assignment over all (quantity, role) scores: best first, one quantity per role and role per quantity."""
    cands = candidates(text, quantities)
    shares = split_restated(text, quantities) | set(arm_shares(text, quantities))
    threshold = practical_threshold(
        text, quantities
    )  # the effect worth acting on is no rate or effect to plan
    for i in shares | ({threshold.index} if threshold is not None else set()):
        cands[i] = []
    # "conversion is typically 4%; what mde can we detect?": a baseline, not a benchmark
    if plans_a_test(text):
        cands = [[c for c in cs if c[1] != "p0"] for cs in cands]
    pool = sorted(
        ((s, i, role, cue) for i, cs in enumerate(cands) for s, role, cue in cs), key=lambda t: (-t[0], t[1])
    )
    used: set[int] = set()
    out: dict[str, tuple[Quantity, float, str]] = {}
    for s, i, role, cue in pool:
        if i in used or role in out or s < 1.0:
            continue
        out[role] = (quantities[i], s, cue)
        used.add(i)
    # "we needed 30,000 before … new n per group?": a count cued only by "need" is per group when the question
    # speaks of groups and nothing says total.
    if (
        "n_total" in out
        and "n_per_group" not in out
        and not re.search(r"total|overall|n\s*=", out["n_total"][2])
        and re.search(r"\bper[- ](?:group|arm|variant)|\b(?:in )?each (?:group|arm|variant)", text.lower())
    ):
        out["n_per_group"] = out.pop("n_total")
    # "expected change 0.8, sd of the differences 2.5": with an SD and no baseline, a bare decimal cued as a
    # target is the difference in the metric's units, not a second rate.
    # "a mean improvement of 3 points, sd of the differences 6": points of a score, not percentage points
    if "sd" in out and "delta" not in out and "baseline" not in out and "mde_abs" in out:
        out["delta"] = out.pop("mde_abs")
    for rate_role in ("p2", "p0"):
        unitless = rate_role in out and out[rate_role][0].unit != "percent"
        if unitless and "sd" in out and "delta" not in out and "baseline" not in out:
            out["delta"] = out.pop(rate_role)
    # "detect 30% vs 35%": a weakly cued MDE before the target rate is the baseline.
    if "p2" in out and "baseline" not in out and "mde" in out and out["mde"][0].start < out["p2"][0].start:
        out["baseline"] = out.pop("mde")
    # Bare rates: of two rates with no cue, the first is the baseline and the second the target.
    power_q = out["power"][0] if "power" in out else None
    bare = [
        q
        for i, q in enumerate(quantities)
        if i not in used
        and i not in shares
        and q.unit == "percent"
        and not (
            power_q is not None
            and power_q.start > q.end
            and re.fullmatch(r"\s*(?:to|-|->)\s*", text[q.end : power_q.start])
        )
    ]
    for q in bare:
        for role in ("baseline", "p2"):
            if role not in out and not (("mde" in out or "mde_abs" in out) and role == "p2"):
                if role == "p2" and "baseline" in out and out["baseline"][0].start > q.start:
                    out["p2"], out["baseline"] = out["baseline"], (q, 0.5, "first of two rates")
                else:
                    out[role] = (q, 0.5, "order: first rate is the baseline, the second the target")
                used.add(quantities.index(q))
                break
    # "4% -> 4.6%": a rate the arrow leads to from the baseline is the target, whatever word follows it
    if "mde" in out and "baseline" in out and "p2" not in out:
        base, q = out["baseline"][0], out["mde"][0]
        if base.end <= q.start and re.fullmatch(r"\s*(?:->|→|=>|to)\s*", text[base.end : q.start]):
            out["p2"] = out.pop("mde")
    if "baseline" in out and "p2" in out:
        # "expecting 20% -> 22%": an arrow goes from the baseline to the target, whatever cue came before it
        base, target = out["baseline"][0], out["p2"][0]
        if target.end <= base.start and re.fullmatch(r"\s*(?:->|→|=>)\s*", text[target.end : base.start]):
            scores = out["baseline"][1], out["p2"][1]
            out["baseline"] = (target, scores[1], "before '->': the arrow leads from the baseline")
            out["p2"] = (base, scores[0], "after '->': the arrow leads to the target")
    # "1.5% now, want to detect 1.8%": a bare "detect X%" above the baseline is the target rate, not a lift (after
    # the bare rates: "conv 4%, we want to see 4.4%" names its baseline by order alone)
    if "mde" in out and "baseline" in out and "p2" not in out and out["mde"][1] <= 4.0:
        q = out["mde"][0]
        right = text[q.end : q.end + 20].lower()
        if q.value > out["baseline"][0].value and not re.match(
            r"\s*(?:\(?relative|rel\b|lift|uplift|mde|improvement|increase|change)", right
        ):
            out["p2"] = out.pop("mde")
    return out


def _method(t: str) -> tuple[str | None, str | None]:
    for pattern, name in _METHODS:
        m = re.search(pattern, t)
        if m:
            return name, m.group(0)
    return None, None


def _corrections(t: str) -> list[str]:
    found = []
    for pattern, name in _CORRECTIONS:
        m = re.search(pattern, t)
        if m and name not in found:
            found.append(name)
    found.sort(key=lambda n: re.search(dict((b, a) for a, b in _CORRECTIONS)[n], t).start())  # type: ignore[union-attr]
    return found


def _alternative(t: str) -> str | None:
    if re.search(r"\b(?:one|1)[- ]?(?:tailed|sided)\b|only care about an increase", t):
        return "smaller" if re.search(rf"\b{FALL_WORDS}\b", t) else "larger"
    if re.search(r"\b(?:two|2)[- ]?(?:tailed|sided)\b", t):
        return "two-sided"
    return None


def variants_note(t: str) -> str | None:
    m = re.search(r"\b(\d+) (?:variants|variations|treatments|challengers)\b(?! per)", t)
    if m and int(m.group(1)) > 1:
        k = int(m.group(1))
        return (
            f"'{m.group(0)}' read as {k} treatment variants each compared with one control ({k + 1} groups)"
        )
    return None


def _variants(t: str) -> int | None:
    # "a two-variant test", "a three-way test" count every arm, control included
    m = re.search(r"\b(\d+)[- ](?:variant|arm|group|cell|way)s? (?:test|experiment|design|split)\b", t)
    if m and int(m.group(1)) >= 2:
        return int(m.group(1)) - 1
    m = re.search(r"\b(\d+) (?:variants|variations|treatments|challengers)\b(?! per)", t)
    if m:
        return int(m.group(1))
    m = re.search(r"\b(\d+) (?:arms|groups|versions)\b", t)
    if m and int(m.group(1)) >= 2:
        return int(m.group(1)) - 1
    m = re.search(r"\ba/b(/[c-z])+\b", t)
    if m:
        return m.group(0).count("/")
    return None


def _two_group_means(t: str, quantities: list[Quantity]) -> dict[str, Grounded] | None:
    """Mean, SD and size of two groups, in order written (first = control A); None unless all six are there."""
    by_role: dict[str, list[Quantity]] = {"mean": [], "sd": [], "n": []}
    for i, q in enumerate(quantities):
        left = t[max(quantities[i - 1].end if i else 0, q.start - 30) : q.start]
        right = t[q.end : q.end + 12]
        if re.search(r"(?:mean|average|avg|means?)\W*(?:of|=|is|:)?\s*$", left) or (
            re.search(r"\b(?:vs\.?|versus)\s*$", left) and len(by_role["mean"]) == 1
        ):
            by_role["mean"].append(q)
        elif re.search(r"(?:\bsds?\b|standard deviations?|std\.? ?dev|σ)\W*(?:of|=|is|:)?\s*$", left) or (
            re.search(r"^\s*and\s*$", left)
            and len(by_role["sd"]) == 1
            and len(by_role["n"]) == 0
            and by_role["sd"][-1].end > (by_role["mean"][-1].end if by_role["mean"] else 0)
        ):
            by_role["sd"].append(q)
        elif (
            re.search(r"(?:\bn\b|sizes?|n\s*=)\W*(?:of|=|is|:)?\s*$", left)
            or re.search(r"^\s*(?:users|people|visitors)", right)
            or (re.search(r"^\s*and\s*$", left) and len(by_role["n"]) == 1)
        ):
            by_role["n"].append(q)
    if not all(len(v) == 2 for v in by_role.values()):
        return None
    (ma, mb), (sa, sb), (na, nb) = by_role["mean"], by_role["sd"], by_role["n"]
    return {
        "mean_a": _g(ma, ma.value), "sd_a": _g(sa, sa.value), "n_a": _g(na, na.value),
        "mean_b": _g(mb, mb.value), "sd_b": _g(sb, sb.value), "n_b": _g(nb, nb.value),
    }  # fmt: skip


def roles_of(text: str, quantities: list[Quantity]) -> dict[str, Grounded]:
    """Every role the question fills, each with its grounded value (rates as proportions)."""
    assigned = assign(text, quantities)
    roles: dict[str, Grounded] = {}
    for role, (q, score, cue) in assigned.items():
        note = f"cue '{cue}' (score {score:.1f})"
        if role in ("baseline", "p2", "p0", "exposed_share", "variance_reduction", "confidence"):
            roles[role] = _g(q, _rate(q), note)
        elif role in ("power", "alpha"):
            roles[role] = _g(q, _prob(q, role), note)
        elif role == "mde" or role == "mde_abs":
            roles[role] = _g(q, q.value / 100, note)
        elif role == "daily_traffic" and q.per == "week":
            roles[role] = _g(q, q.value / 7, f"{q.value:,.0f} a week read as {q.value / 7:,.1f} a day")
        elif role == "daily_traffic" and q.per == "month":
            roles[role] = _g(
                q, q.value / 30, f"{q.value:,.0f} a month read as {q.value / 30:,.1f} a day (30 days)"
            )
        else:
            roles[role] = _g(q, q.value, note)
    if "confidence" in roles and "alpha" not in roles:
        c = roles.pop("confidence")
        roles["alpha"] = replace(
            c, value=round(1 - c.value, 10), note=f"{c.value:.0%} confidence read as α = {1 - c.value:.2g}"
        )
    return roles


def read(question: str, earlier: dict[str, Any] | None = None) -> Reading:
    """Read ``question``; with ``earlier`` (a previous turn's ``Reading.memory()``) a follow-up reuses its inputs."""
    from understanding.planning import plan

    text = normalise(question)
    t = text.lower()
    quantities = tag(text)
    roles = roles_of(text, quantities)
    method, method_text = _method(t)
    return plan(question, text, t, quantities, roles, method, method_text, earlier)


def ceil_int(x: float) -> int:
    return math.ceil(x - 1e-9)
