"""Held-out set ``test7`` (``calc_test7.jsonl``, frozen by ``calc_set16.sha256``): two-proportion sample size (per
group) and power questions where the effect is described in words, typed the way practitioners type them in chat,
Slack and forums ("a 15% relative drop", "a half point decrease", "a decline of 10% in our 35% retention", "5% lower
conversion", "churn going down by a tenth", "8% fewer signups"), with rises in varied wording ("bump", "uplift",
"goes from 1.5% to 1.7%", "a 0.3 point increase", "12% more signups") as controls. Four phrasings each: *robust*
means all four pass. Written by someone who did not read the parser, and frozen before the set was first scored:
report on it, never tune on it.

Conventions:

* defaults when a question does not say: 80% power, alpha 0.05 two-sided, two equal groups; "one sided" / "we only
  care about a decrease" is R's ``alternative = "one.sided"`` (z at 1 − alpha) in the stated direction;
* an effect is relative to the baseline unless the wording says points / pp / percentage points / absolute;
* a fall is sized for the baseline → the LOWER rate (6% with a 15% relative drop → p2 = 5.1%; 4.5% with a 0.5 pp
  decrease → 4.0%), a rise for the baseline → the higher rate;
* power items give the number per arm as written ("40k" = 40,000, "five thousand" = 5,000);
* expected values as ``calc_build`` writes them: ``n_per_variant`` is the exact (unrounded) root of R's
  power.prop.test equation with tolerance ``N`` (so the exact value or its ceiling both match), ``power`` with ``PW``.

Every expected value is computed with statsmodels' ``power_proportions_2indep`` solved by scipy ``brentq``
(``calc_build.prop_n`` / ``prop_power``) and re-derived by ``_check`` a second, independent way: R's closed form
for n and for power with ``statistics.NormalDist`` (anchored on R's published ``power.prop.test(p1 = .50, p2 = .75,
power = .90)`` = 76.7069), within the item's own tolerance and much tighter. ``_check`` also makes sure each item
can tell the right reading from the likely misreadings (a fall read as a rise, the effect read as the second rate,
points read as percent, a one-sided test read as two-sided): every one of those gives a value outside the item's
tolerance. No phrasing, and no expected value, is shared with any other calculation split.

Run: ``python -m eval.calc_build16`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from eval import calc_build as b
from eval.calc_build import PW, R_PROP, N, prop_n, prop_power, q

# (kind, parameters) for every item, in order: ``_check`` recomputes each expected value from these.
SPECS: list[tuple[str, dict[str, Any]]] = []


def _p2(p1: float, change: float, unit: str, direction: str) -> float:
    """The rate to detect: ``change`` relative (``"rel"``) or in absolute points (``"abs"``), down or up."""
    sign = -1.0 if direction == "fall" else 1.0
    return p1 * (1 + sign * change) if unit == "rel" else p1 + sign * change


def _alt(direction: str, sides: int) -> str:
    if sides == 2:
        return "two-sided"
    return "smaller" if direction == "fall" else "larger"


def _source(p1: float, p2: float, change: float, unit: str, direction: str, sides: int) -> str:
    effects = {"rel": f"{change:.0%} relative", "abs": f"{change * 100:g} pp", "rates": "both rates given"}
    effect = effects[unit]
    one = " (one-sided)" if sides == 1 else ""
    return f"{R_PROP}{one}; {direction}: p1 {p1:.2%} -> p2 {p2:.2%} ({effect})"


def _size(
    direction: str,
    p1: float,
    change: float,
    unit: str,
    text: str,
    *para: str,
    power: float = 0.8,
    sides: int = 2,
) -> None:
    """Sample size per group to detect the worded effect (``unit`` "rel", "abs", or "rates": ``change`` is p2)."""
    p2 = change if unit == "rates" else _p2(p1, change, unit, direction)
    assert (p2 < p1) == (direction == "fall"), (p1, p2, direction)
    spec = {"p1": p1, "p2": p2, "change": change, "unit": unit, "direction": direction}
    SPECS.append(("n", {**spec, "power": power, "sides": sides}))
    n = prop_n(p1, p2, power, alt=_alt(direction, sides))
    q(
        f"{direction}_size",
        text,
        {"n_per_variant": n},
        N,
        _source(p1, p2, change, unit, direction, sides),
        *para,
    )


def _power(
    direction: str, p1: float, change: float, unit: str, n: float, text: str, *para: str, sides: int = 2
) -> None:
    """Power with ``n`` per group to detect the worded effect."""
    p2 = _p2(p1, change, unit, direction)
    spec = {"p1": p1, "p2": p2, "change": change, "unit": unit, "direction": direction}
    SPECS.append(("power", {**spec, "n": n, "sides": sides}))
    pw = prop_power(p1, p2, n, alt=_alt(direction, sides))
    source = _source(p1, p2, change, unit, direction, sides) + f", n = {n:,.0f} per group"
    q(f"{direction}_power", text, {"power": pw}, PW, source, *para)


def build16() -> None:
    SPECS.clear()
    # --- falls: sample size per group ----------------------------------------------------------------------------
    _size(
        "fall",
        0.06,
        0.15,
        "rel",
        "legal wants extra consent text on the paywall and im worried it kills trial starts. we're at ~6% trial "
        "start rate, how many users per arm do i need to detect a 15% relative drop?",
        "6% trial start rate, want to detect a 15% relative drop - n per variant?",
        "sample size per group to pick up trial starts falling by 15% (relative) from a 6 percent baseline, 80% power",
        "how many ppl in each arm to see a fifteen percent relative decrease in trial starts, currently six percent",
    )
    _size(
        "fall",
        0.045,
        0.005,
        "abs",
        "new shipping fee banner goes live next sprint. checkout conv sits ~4.5% and we want 90% power to catch a "
        "0.5pp decrease. sessions per arm?",
        "4.5% baseline, detect a drop of 0.5 percentage points, power 90%: how many per group?",
        "how many users per variant to see checkout convertion go down by half a percentage point from 4.5%, with "
        "ninety percent power",
        "sample size for a 0.5 pt absolute decline on a 4.5% checkout rate (90% power, alpha .05 two sided)",
        power=0.9,
    )
    _size(
        "fall",
        0.35,
        0.10,
        "rel",
        "we want to catch a decline of 10% in our 35% d7 retention if the onboarding revamp backfires. 90% power, "
        "how many new users per group?",
        "decline of 10% relative in d7 retention (currently 35%), power 0.9 - n per arm?",
        "d7 retention is 35%. how big does each group need to be to detect it dropping by 10 percent relative at "
        "90% power",
        "a 10% relative fall in a 35% retention rate, 90 percent power, two-sided 5%: users per variant?",
        power=0.9,
    )
    _size(
        "fall",
        0.12,
        0.05,
        "rel",
        "pricing team is raising the starter plan price and expects maybe 5% lower conversion on the plan page "
        "(baseline ~12%). how many visitors per arm to detect that?",
        "12% baseline, want to detect 5% lower conversion, sample size per variant?",
        "how many visitors in each group to spot a conversion rate thats 5% lower (relative) than our current 12%",
        "plan page converts at twelve percent; the price bump might mean 5 percent lower conversion. per-group n "
        "at 80% power?",
    )
    _size(
        "fall",
        0.04,
        0.10,
        "rel",
        "retention squad's new cancel flow should get monthly churn going down by a tenth, churn is 4% right now. "
        "how many subscribers per group to detect that?",
        "churn 4%/month, detect it going down by a tenth (relative), n per arm?",
        "sample size per group to see a 10% relative reduction in a 4% monthly churn rate",
        "how many subs per variant if we want to detect churn decreasing by 10% of its current 4%",
    )
    _size(
        "fall",
        0.02,
        0.08,
        "rel",
        "we're adding a captcha to signup and we only care about a decrease. signup rate is ~2% - how many visitors "
        "per arm to detect 8% fewer signups, one sided?",
        "one-sided test (decrease only), 2% signup rate, 8% relative drop, n per variant?",
        "if signups fall 8% from a 2% baseline, how many users per group do we need? we only care about the "
        "downside so one-tailed, 80% power",
        "sample size per arm, 1-sided at 5%, to detect an 8 percent relative decrease in a two percent signup rate",
        sides=1,
    )
    # --- falls: power with a given group size ---------------------------------------------------------------------
    _power(
        "fall",
        0.005,
        0.20,
        "rel",
        40_000,
        "we'll have ~40k orders in each arm of the returns policy test. whats our power to detect a 20% drop in "
        "our 0.5% refund rate?",
        "40k per arm, refund rate 0.5%, 20% relative decrease - power?",
        "power to detect 20% fewer refunds (baseline refund rate half a percent) with 40,000 orders per group",
        "what power do we have for a twenty percent relative drop in refunds, currently 0.5%, if each variant "
        "gets 40k orders",
    )
    _power(
        "fall",
        0.15,
        0.015,
        "abs",
        5_000,
        "we only care if the new ranking hurts click-through, so one-sided. ctr is 15%, we'll get about 5k users "
        "per arm - what's the power to detect a 1.5 point decrease?",
        "one sided, 5k per variant, 15% ctr, drop of 1.5pp: power?",
        "power for detecting a CTR 1.5 percentage points lower than the 15% baseline, n=5000 per group, one-tailed "
        "alpha 5%",
        "with five thousand users per arm and a one-sided test (decrease only), what power do we get if ctr falls "
        "by 1.5 points from 15%",
        sides=1,
    )
    # --- rises (controls): sample size per group ------------------------------------------------------------------
    _size(
        "rise",
        0.09,
        0.10,
        "rel",
        "atc rate is about 9% and the new sticky button might give a 10% bump. how many users per variant?",
        "9% add to cart, 10% relative bump, sample size per arm?",
        "how many per group to detect add-to-cart going up 10% relative from 9%",
        "baseline atc nine percent, hoping for a ten percent bump - n per variant at 80% power",
    )
    _size(
        "rise",
        0.22,
        0.05,
        "rel",
        "to see a 5% uplift in our 22% activation rate with the new checklist, how many signups per arm?",
        "5% relative uplift on 22% activation: users per group?",
        "activation sits at 22%, what n per variant do we need to catch a 5 percent relative increase",
        "per-arm sample size for a five percent uplift in a twenty-two percent activation rate, 80% power alpha 0.05",
    )
    _size(
        "rise",
        0.015,
        0.017,
        "rates",
        "if the new pdp layout works conversion goes from 1.5% to 1.7%. how many visitors per group to detect that?",
        "1.5% -> 1.7% conversion, n per arm?",
        "sample size per variant, baseline 1.5 percent and expected 1.7 percent",
        "how many users in each arm for cr to move up from 1.5% to 1.7% with 80% power",
    )
    _size(
        "rise",
        0.026,
        0.003,
        "abs",
        "email ctr is ~2.6% and a 0.3 point increase would be worth shipping. recipients per arm?",
        "2.6% ctr, +0.3pp absolute, n per group?",
        "how many recipients in each variant to detect click rate rising by 0.3 percentage points from 2.6%",
        "sample size per arm for an absolute increase of 0.3 points on a 2.6 percent ctr",
    )
    _size(
        "rise",
        0.07,
        0.12,
        "rel",
        "referral widget test: 7% of visitors sign up today and we'd like to detect 12% more signups. how many "
        "visitors per variant?",
        "7% signup rate, want to see 12% more signups (relative) - n per arm?",
        "per group sample size to detect a 12% relative rise in signups from a 7 percent base",
        "how many visitors in each group to catch signups going up by twelve percent relative, current rate seven "
        "percent",
    )
    # --- rise (control): power with a given group size -------------------------------------------------------------
    _power(
        "rise",
        0.40,
        0.03,
        "rel",
        20_000,
        "we'll have 20k recipients per arm for the subject line test. open rate is ~40%. power to detect a 3% "
        "relative uplift?",
        "20k per variant, 40% opens, 3% relative lift: power?",
        "what's the power with 20,000 per group to catch opens rising 3 percent (relative) from 40%",
        "power check: forty percent open rate, 3% uplift, 20k recipients in each arm",
    )


# --- independent check: R power.prop.test's closed form with statistics.NormalDist ----------------------------

_Z = NormalDist()


def _r_power(
    p1: float, p2: float, n: float, sides: int = 2, alpha: float = 0.05, strict: bool = False
) -> float:
    """power.prop.test: Φ((√n·|p1−p2| − z₁₋α/ₛ·√(2·p̄·q̄)) / √(p1q1 + p2q2)); ``strict`` adds the far tail of a
    two-sided test, as R's ``strict = TRUE`` and statsmodels do."""
    qu = _Z.inv_cdf(1 - alpha / sides)
    pbar = (p1 + p2) / 2
    sd_null, sd_alt = math.sqrt(2 * pbar * (1 - pbar)), math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    power = _Z.cdf((math.sqrt(n) * abs(p1 - p2) - qu * sd_null) / sd_alt)
    if strict and sides == 2:
        power += _Z.cdf((-math.sqrt(n) * abs(p1 - p2) - qu * sd_null) / sd_alt)
    return power


def _r_n(p1: float, p2: float, power: float = 0.8, sides: int = 2, alpha: float = 0.05) -> float:
    """The same equation solved for n in closed form."""
    qu, qb = _Z.inv_cdf(1 - alpha / sides), _Z.inv_cdf(power)
    pbar = (p1 + p2) / 2
    num = qu * math.sqrt(2 * pbar * (1 - pbar)) + qb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return (num / (p2 - p1)) ** 2


def _matches(value: float, expected: float, tol: dict[str, float]) -> bool:
    """calc_eval's acceptance rule (absolute or relative), restated here."""
    diff = abs(value - expected)
    return diff <= tol.get("absolute", 0.0) or ("relative" in tol and diff <= tol["relative"] * abs(expected))


def _misreadings(kind: str, s: dict[str, Any]) -> dict[str, float]:
    """The values the likely misreadings of an item would give (by the closed form)."""
    p1, p2, change, unit, sides = s["p1"], s["p2"], s["change"], s["unit"], s["sides"]
    other = 2 * p1 - p2  # the same change in the other direction
    wrong: dict[str, tuple[float, float, int]] = {"other direction": (p1, other, sides)}
    if unit == "rel":
        wrong["effect as the second rate"] = (p1, change, sides)
        wrong["relative read as points"] = (p1, _p2(p1, change, "abs", s["direction"]), sides)
    elif unit == "abs":
        wrong["points read as relative"] = (p1, _p2(p1, change, "rel", s["direction"]), sides)
    if sides == 1:
        wrong["two-sided"] = (p1, p2, 2)
        wrong["two-sided, other direction"] = (p1, other, 2)
    out = {}
    for name, (a, c, sd) in wrong.items():
        if not 0 < c < 1 or math.isclose(a, c):
            continue
        out[name] = _r_n(a, c, s["power"], sd) if kind == "n" else _r_power(a, c, s["n"], sd)
    return out


def _close(got: float, want: float, rel: float = 0.0, ab: float = 0.0) -> None:
    assert abs(got - want) <= max(rel * abs(want), ab), (got, want)


def _check(split: str) -> None:
    """Re-derive every expected value from SPECS, refuse an item that cannot tell the right reading from a likely
    misreading, and refuse any phrasing or expected value that another calculation split already has."""
    _close(_r_n(0.50, 0.75, 0.9), 76.7069, ab=5e-5)  # R: power.prop.test(p1 = .50, p2 = .75, power = .90)
    assert len(SPECS) == len(b.ITEMS), (len(SPECS), len(b.ITEMS))
    falls = rises = 0
    for (kind, s), item in zip(SPECS, b.ITEMS, strict=True):
        exp, tol = item["expected"], item["tolerance"]
        assert len(item["paraphrases"]) == 3 and len(set([item["question"], *item["paraphrases"]])) == 4, item
        assert item["class"] == f"{s['direction']}_{'size' if kind == 'n' else 'power'}", item
        falls += s["direction"] == "fall"
        rises += s["direction"] == "rise"
        if kind == "n":
            (key,) = exp
            assert key == "n_per_variant" and tol == N, item
            again = _r_n(s["p1"], s["p2"], s["power"], s["sides"])
            assert _matches(again, exp[key], tol) and _matches(math.ceil(again), exp[key], tol), (again, item)
            _close(exp[key], again, rel=1e-5)
        else:
            (key,) = exp
            assert key == "power" and tol == PW, item
            again = _r_power(s["p1"], s["p2"], s["n"], s["sides"])  # R's default, strict = FALSE
            assert _matches(again, exp[key], tol), (again, item)
            _close(exp[key], again, ab=1e-4)
            _close(exp[key], _r_power(s["p1"], s["p2"], s["n"], s["sides"], strict=True), ab=1e-9)
            assert 0.3 < exp[key] < 0.95, exp
        wrong = _misreadings(kind, s)
        assert "other direction" in wrong, item
        for name, value in wrong.items():
            shown = math.ceil(value) if kind == "n" else round(value, 3)
            for v in (value, shown):
                assert not _matches(v, exp[key], tol), (name, value, exp[key], item["question"])
    assert falls == 8 and rises == 6, (falls, rises)
    # no phrasing and no expected value of this set anywhere else in the frozen calculation set
    b.refuse_repeats(split)


def build_checked() -> None:
    build16()
    _check("test7")


def main() -> None:
    b.write_dev_round(16, build_checked, "test7")


if __name__ == "__main__":
    main()
