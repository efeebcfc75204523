"""Tuning round ``dev12`` (``calc_dev12.jsonl``, frozen by ``calc_set17.sha256``): two-proportion sample size per
group and power questions on conversion-type rates, where the effect to detect is written the way practitioners put
it in chat, Slack and forums: a FALL ("a 12% relative drop", "0.8pp lower", "6 percent fewer", "cuts it by 8%",
"falls from 5% to 4.6%") or a RISE ("bumps it ~15%", "an extra 0.3 points", "goes up 4% -> 4.4%"), relative or in
percentage points, the effect before the baseline, after it or in its own sentence; lowercase, "~", "k"/"M",
numbers in words and a typo now and then, four structurally different phrasings each. Written by someone who did
not read the parser, and frozen before it was first scored: a tuning split (the held-out split on the same topic is
``test7``, which the writer of this round never saw).

Conventions:

* a fall goes from the baseline to the LOWER rate, a rise to the higher one; "from 5% to 4.6%" is the two rates;
* an effect is relative to the baseline unless the wording says points / pp / percentage points / absolute;
* n is per group (R ``power.prop.test``: pooled variance under H0, normal approximation), 80% power, alpha 0.05
  two-sided and an even split unless the question says otherwise (a few say 90% power, two say one-sided);
* a power question gives n per group ("15k per arm"); every baseline is a percentage or a decimal, never a count
  ratio;
* expected values: ``calc_build.prop_n`` / ``prop_power`` (statsmodels ``power_proportions_2indep`` + brentq), key
  names, tolerances and ``source`` strings as the existing ``two_rates`` / ``mde_rel_abs`` / ``solve_power`` items.

``check`` re-derives every expected value a second, independent way (R's closed form by hand with
``statistics.NormalDist``), and refuses an item whose expected value lies within its tolerance (or within 2% /
0.02 power) of the value a likely misreading gives: the opposite direction, the effect taken as the second rate,
points read as relative or relative read as points, two-sided for one-sided, 80% for 90% power, n read as a total.
It also refuses a phrasing that any other frozen calculation split already has.

Run: ``python -m eval.calc_build17`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import json
import math
from statistics import NormalDist
from typing import Any

from eval import calc_build as b
from eval.calc_build import HERE, PW, R_PROP, N, prop_n, prop_power, q
from eval.calc_eval import _within

# (parameters) for every item, in order: ``check`` recomputes each expected value from these.
SPECS: list[dict[str, Any]] = []


def target(p1: float, effect: float, form: str, fall: bool) -> float:
    """The second rate: ``form`` "rel" (effect a fraction of p1), "pp" (effect in points) or "to" (effect is p2)."""
    if form == "to":
        return effect
    step = p1 * effect if form == "rel" else effect / 100
    return p1 - step if fall else p1 + step


def _alt(p1: float, p2: float, sides: int) -> str:
    if sides == 2:
        return "two-sided"
    return "larger" if p2 > p1 else "smaller"


def size(
    p1: float,
    effect: float,
    form: str,
    fall: bool,
    text: str,
    *para: str,
    power: float = 0.8,
    sides: int = 2,
) -> None:
    """An n-per-group item: baseline ``p1``, the effect as described (see ``target``)."""
    p2 = target(p1, effect, form, fall)
    SPECS.append(
        {"kind": "n", "p1": p1, "effect": effect, "form": form, "fall": fall, "power": power, "sides": sides}
    )
    cls = "two_rates" if form == "to" else "mde_rel_abs"
    src = R_PROP + (" one-sided" if sides == 1 else "")
    q(cls, text, {"n_per_variant": prop_n(p1, p2, power, alt=_alt(p1, p2, sides))}, N, src, *para)


def power(p1: float, effect: float, form: str, fall: bool, n: float, text: str, *para: str) -> None:
    """A power item: ``n`` per group, two-sided alpha 0.05."""
    p2 = target(p1, effect, form, fall)
    SPECS.append({"kind": "power", "p1": p1, "effect": effect, "form": form, "fall": fall, "n": n})
    q("solve_power", text, {"power": prop_power(p1, p2, n)}, PW, R_PROP, *para)


# --- independent check: R power.prop.test's closed form by hand -------------------------------------------------

_Z = NormalDist()


def _r_n(p1: float, p2: float, power: float = 0.8, sides: int = 2, alpha: float = 0.05) -> float:
    """n = (z₁₋α/s·√(2p̄q̄) + z_power·√(p1q1 + p2q2))² / (p1 − p2)²."""
    qu, qb = _Z.inv_cdf(1 - alpha / sides), _Z.inv_cdf(power)
    pbar = (p1 + p2) / 2
    num = qu * math.sqrt(2 * pbar * (1 - pbar)) + qb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return (num / (p2 - p1)) ** 2


def _r_power(p1: float, p2: float, n: float, alpha: float = 0.05) -> float:
    """power.prop.test (strict = FALSE): Φ((√n·|p1−p2| − z₁₋α/₂·√(2p̄q̄)) / √(p1q1 + p2q2))."""
    qu = _Z.inv_cdf(1 - alpha / 2)
    pbar = (p1 + p2) / 2
    sd_alt = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return _Z.cdf((math.sqrt(n) * abs(p1 - p2) - qu * math.sqrt(2 * pbar * (1 - pbar))) / sd_alt)


def _second_rate(s: dict[str, Any]) -> float:
    """The second rate from the spec, re-derived without ``target``."""
    p1, e = s["p1"], s["effect"]
    sign = -1 if s["fall"] else 1
    return {"to": e, "rel": p1 * (1 + sign * e), "pp": p1 + sign * e / 100}[s["form"]]


def _misreadings(s: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Likely misreadings of the item: name → the spec as misread (kind, p2, power, sides, n)."""
    p1, e, form, fall = s["p1"], s["effect"], s["form"], s["fall"]
    base = {"p2": _second_rate(s), "power": s.get("power", 0.8), "sides": s.get("sides", 2), "n": s.get("n")}
    out: dict[str, dict[str, Any]] = {}
    if form == "to":
        out["opposite direction"] = {**base, "p2": 2 * p1 - e}
        out["second rate read as a relative change"] = {**base, "p2": p1 * (1 + (e - p1) / abs(e - p1) * e)}
    else:
        out["opposite direction"] = {**base, "p2": target(p1, e, form, not fall)}
        out["effect read as the second rate"] = {**base, "p2": e if form == "rel" else e / 100}
        other = "pp" if form == "rel" else "rel"
        scaled = e * 100 if form == "rel" else e / 100
        out["points vs relative"] = {**base, "p2": target(p1, scaled, other, fall)}
        out["points vs relative, opposite direction"] = {**base, "p2": target(p1, scaled, other, not fall)}
    if base["sides"] == 1:
        out["two-sided"] = {**base, "sides": 2}
    if base["power"] != 0.8:
        out["80% power"] = {**base, "power": 0.8}
    if s["kind"] == "power":
        out["n read as the total"] = {**base, "n": s["n"] / 2}
    return out


def _value(kind: str, p1: float, m: dict[str, Any]) -> float | None:
    p2 = m["p2"]
    if not 0 < p2 < 1 or abs(p2 - p1) < 1e-12:
        return None  # the misreading gives no valid computation at all
    if kind == "n":
        return _r_n(p1, p2, m["power"], m["sides"])
    return _r_power(p1, p2, m["n"])


def _close(got: float, want: float, rel: float = 0.0, ab: float = 0.0) -> None:
    assert abs(got - want) <= max(rel * abs(want), ab), (got, want)


def _phrasings(rows: list[dict[str, Any]]) -> set[str]:
    return {p.strip().lower() for r in rows for p in [r["question"], *r.get("paraphrases", [])]}


def _rows(name: str) -> list[dict[str, Any]]:
    path = HERE / name
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def check(split: str) -> None:
    """Re-derive every expected value from SPECS, keep it away from the misreadings, and refuse a phrasing that any
    other calc split already has."""
    assert len(SPECS) == len(b.ITEMS), (len(SPECS), len(b.ITEMS))
    for s, item in zip(SPECS, b.ITEMS, strict=True):
        exp, tol = item["expected"], item["tolerance"]
        assert len(item["paraphrases"]) == 3 and len({item["question"], *item["paraphrases"]}) == 4, item
        p1, p2 = s["p1"], _second_rate(s)
        assert 0 < p2 < 1 and (p2 < p1) == s["fall"], (item["question"], p2)
        if s["kind"] == "n":
            want = _r_n(p1, p2, s["power"], s["sides"])
            _close(exp["n_per_variant"], want, rel=1e-3)
            assert set(exp) == {"n_per_variant"} and tol == N, item
            got = exp["n_per_variant"]
            margin = 0.02 * got
        else:
            want = _r_power(p1, p2, s["n"])
            _close(exp["power"], want, ab=5e-4)
            assert set(exp) == {"power"} and tol == PW and 0.3 < want < 0.95, (item, want)
            got = exp["power"]
            margin = 0.02
        for name, m in _misreadings(s).items():
            bad = _value(s["kind"], p1, m)
            if bad is None:
                continue
            assert not _within(bad, got, tol) and abs(bad - got) > margin, (item["question"], name, bad, got)
    falls = sum(s["fall"] for s in SPECS)
    assert abs(falls - (len(SPECS) - falls)) <= 1, falls
    # no phrasing of this round anywhere else in the frozen calculation set (only the clash, i.e. this round's own
    # text, would be printed)
    mine = _phrasings(b.ITEMS)
    for path in sorted(HERE.glob("calc_*.jsonl")):
        if path.name != f"calc_{split}.jsonl":
            clash = mine & _phrasings(_rows(path.name))
            assert not clash, (path.name, clash)


def build17() -> None:
    SPECS.clear()
    # --- falls, relative -------------------------------------------------------------------------------------------
    size(
        0.06,
        0.12,
        "rel",
        True,
        "if the new shipping fee makes checkout conversion drop by 12% relative from the current 6%, how many users "
        "per arm do we need to catch it?",
        "checkout cr is ~6% today. worried the fee change knocks it down 12% (relative). sample size per group to "
        "detect that?",
        "sample size per variant: 6% baseline, want to be able to see a 12% relative decrease, 80% power, alpha 0.05",
        "we'd call it a regression if conversion falls 12 percent relative to it's current 6 percent - how many "
        "users in each group?",
    )
    size(
        0.28,
        0.05,
        "rel",
        True,
        "d7 retention is 28%. we're removing the streak feature and want 90% power to detect a 5% relative decline. "
        "users per group?",
        "with 90% power, how many users per arm to see day-7 retention shrink 5% relative from ~28%",
        "sample size per variant: 0.28 baseline retention, effect = 5% relative reduction, power 0.9, alpha 0.05",
        "if removing streaks costs us five percent of our 28% d7 retention (relative), how many users in each arm do "
        "we need to spot it at 90% power?",
        power=0.9,
    )
    size(
        0.40,
        0.06,
        "rel",
        True,
        "one-sided test (we only care about harm): onboarding completion is 40% and we want to detect a 6% relative "
        "drop. users per arm?",
        "how many users per group for a one tailed test to catch completion falling 6% relative from ~40%, 80% power",
        "sample size per variant, 1-sided alpha .05: baseline 40% completion, fewer completions by 6% (relative)",
        "completion rate 40%. if the new flow means 6 percent fewer people finish (relative), we want to know. "
        "testing one-sided, what n per group?",
        sides=1,
    )
    size(
        0.15,
        0.08,
        "rel",
        True,
        "trial to paid is 15%. if the price increase cuts it by 8% relative how many trials per group do we need to "
        "detect that",
        "price test: 15% trial->paid baseline, scared it loses ~8% relative. sample size per arm?",
        "how many trials in each arm to detect an 8% relative reduction in trial-to-paid conversion (currently 0.15)?",
        "we convert fifteen percent of trials to paid. an 8% relative decrease would hurt, how many trials per "
        "variant to see it w/ 80% power",
    )
    power(
        0.07,
        0.10,
        "rel",
        True,
        15_000,
        "we only get ~15k users per arm. baseline conversion is 7% and we'd want to catch a 10% relative drop. what "
        "power do we have?",
        "power check: 15,000 per group, conversion 7%, effect is a ten percent decrease (relative)",
        "if conversion goes down 10% relative from 7%, how likely are we to detect it with 15k in each variant? "
        "alpha 0.05",
        "whats our power to see a 10% relative dip on a 7% convertion rate, 15 thousand users per arm",
    )
    # --- falls, percentage points and explicit rates ----------------------------------------------------------------
    size(
        0.11,
        0.8,
        "pp",
        True,
        "add to cart rate is 11% and we'd want to detect a 0.8pp drop from the new pdp layout. how many sessions per "
        "group?",
        "how many sessions per arm to pick up add-to-cart going down by 0.8 percentage points? it's at 11% now",
        "pdp test. ATC rate ~11%. if it loses 0.8 points we need to know. sample size per variant?",
        "sample size per group for a 0.8 point decrease in an 11% add to cart rate (absolute, 80% power, 5% alpha)",
    )
    size(
        0.30,
        2.0,
        "pp",
        True,
        "new ranking might make search success 2 points lower than the current 30%. how many searches per arm to "
        "detect that?",
        "sample size per group: search success 30% now, want to detect it going down 2 percentage points",
        "if search success drops by two points (absolute) from 30%, what n per variant do we need?",
        "30% search success rate. concern is a 2pp lower rate with the new ranker. searches needed in each arm at "
        "80% power, alpha 0.05?",
    )
    power(
        0.03,
        0.4,
        "pp",
        True,
        20_000,
        "power question: 20k users per arm, signup rate around 3%, effect = signups going down by 0.4 percentage "
        "points",
        "if the new form means 0.4pp fewer signups (we're at 3%), what's the chance we detect it with 20,000 users in "
        "each group?",
        "signup rate is 3%. we can put 20k per variant through the test. what power for a drop of 0.4 points, alpha "
        "0.05 two-sided?",
        "with twenty thousand per arm, how much power do we have to catch a 0.4 point decrease on a 3% signup rate?",
    )
    size(
        0.05,
        0.046,
        "to",
        True,
        "email ctr falls from 5% to 4.6% when we add the extra section - how many recipients per group to detect "
        "that?",
        "how many sends per arm to see click-through decrease from 5% to 4.6%?",
        "ctr baseline 5%. if the long version brings it down to 4.6%, what sample size do we need in each group?",
        "we expect a dip in email ctr, 5% -> 4.6%. recipients per variant at 80% power and alpha .05?",
    )
    # --- rises, relative ---------------------------------------------------------------------------------------------
    size(
        0.035,
        0.08,
        "rel",
        False,
        "new landing page, hoping for an 8% lift on a 3.5% signup rate. users per variant?",
        "baseline signup 3.5%. mde 8% relative (upward). how many per group at 80% power",
        "how many visitors does each arm need if we expect signups to go up by 8% relative, currently around 3.5%?",
        "3.5% of visitors sign up right now. we think the redesign grows that by eight percent (relative, not "
        "points). n per arm?",
    )
    size(
        0.018,
        0.15,
        "rel",
        False,
        "add-to-wishlist is low, 1.8%. the new heart icon should bump it ~15%. how many users per variant?",
        "per-arm sample size to detect a 15% relative increase on a 1.8% baseline",
        "we want to see the 1.8% wishlist rate improve by 15 percent (relative). users needed in each group?",
        "1.8% of users wishlist something today; if the icon change grows that 15%, how many do we need per group at "
        "alpha .05 and 80% power",
    )
    size(
        0.14,
        0.10,
        "rel",
        False,
        "d30 retention is 14%. the new push cadence should make it go up about 10% relative. n per arm for 90% power?",
        "90% power please: how many users per group to see 10% relative more d30 retention, baseline ~14%",
        "how many per variant to detect d30 retention growing by a tenth (relative) from 14 percent, power 0.9, "
        "alpha 0.05",
        "we're planning a push cadence test. goal: detect a +10% relative lift. current d30 is 0.14 and we want 90% "
        "power. sample per group?",
        power=0.9,
    )
    power(
        0.002,
        0.06,
        "rel",
        False,
        1_500_000,
        "we can get 1.5M users per arm. upgrade rate is 0.2%. what power to detect a 6% relative improvement?",
        "if the new upsell improves a 0.2% upgrade rate by 6% (relative), what power do we get with one and a half "
        "million users per group?",
        "power for detecting a six percent lift on 0.2% upgrades, 1,500,000 per variant, two-sided .05",
        "upgrades ~0.2% today. with 1.5 million in each group, how much power for upgrades going up 6% relative?",
    )
    # --- rises, percentage points and explicit rates -----------------------------------------------------------------
    size(
        0.22,
        1.5,
        "pp",
        False,
        "activation is sitting at 22%. the onboarding checklist should add about 1.5 percentage points. how many new "
        "users per arm for 90% power?",
        "90% power, two sided 0.05: 22% activation baseline, detect +1.5pp. per-group n?",
        "we want 90% power to see activation go up an extra 1.5 points from 22%. how many signups in each group",
        "how big does each group need to be to detect a one and a half point lift in activation (currently 22 "
        "percent) with 90 percent power?",
        power=0.9,
    )
    size(
        0.12,
        0.5,
        "pp",
        False,
        "one sided test, ctr on the reco carousel is 12% and we think the new model bumps it half a percentage point. "
        "how many impressions per arm?",
        "n per group for 12% -> +0.5pp, one-tailed, alpha 0.05, 80% power",
        "we only need a 1-sided test here. carousel click rate ~12%, want to detect it going up by 0.5 points. "
        "per-variant sample size?",
        "how many users per variant to see a half point improvement on a 12% click-through, testing one-sided",
        sides=1,
    )
    power(
        0.025,
        0.3,
        "pp",
        False,
        40_000,
        "40k users per variant, baseline cvr 2.5%, mde is an extra 0.3 points. what's the power?",
        "if the new checkout gets conversion up by 0.3 percentage points from 2.5%, what power do 40,000 users per "
        "group give us?",
        "power for 2.5% -> +0.3pp (absolute) with forty thousand per arm, alpha 5% two sided",
        "we'll have 40k in each arm. cr is ~2.5% now and we hope for 0.3 pts more. do we have enough power? what is "
        "it",
    )
    size(
        0.04,
        0.044,
        "to",
        False,
        "if the promo banner moves purchase rate from 4% to 4.4%, how many visitors per group do we need?",
        "purchase rate goes up 4% -> 4.4% with the banner hopefully. n per arm at 80% power?",
        "we're at 4 percent purchase rate and want to be able to detect it hitting 4.4 percent. sample size for each "
        "variant",
        "banner test, baseline purchases 0.04, target 0.044. how many users in each group (two-sided 5%)?",
    )


def build_checked() -> None:
    build17()
    check("dev12")


def main() -> None:
    b.write_dev_round(17, build_checked, "dev12")


if __name__ == "__main__":
    main()
