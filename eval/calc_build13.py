"""Held-out set ``test5`` (``calc_test5.jsonl``, frozen by ``calc_set13.sha256``): sizing, duration, power, MDE and
"does it fit in the days we have" questions typed the way practitioners type them in chat and on forums (context
first, the ask last, "~", "k", "M", "pp", numbers in words, a few typos), four phrasings each. Written by someone
who did not read the parser, before the set was first scored: report on it, never tune on it.

Defaults when a question does not say: 80% power, alpha 0.05 two-sided, an even two-way split. Weekly traffic is
divided by 7, monthly traffic by 30, "a month" is 30 days, "N weeks" is 7·N days. A finished or planned test that
"ran N days at X a day" has n = N × X / 2 per group. A fit question expects the n per group, the days needed and the
relative MDE reachable with n = days available × daily traffic × share reaching the page / 2.

Every expected value comes from ``calc_build``'s helpers (R power.prop.test pooled equation via statsmodels) and is
re-derived by ``_check`` with the closed-form equation and ``statistics.NormalDist`` before the file is written.

Run: ``python -m eval.calc_build13`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from eval import calc_build as b
from eval.calc_build import EXACT, PW, R_PROP, N, days, mde_days, prop_n, prop_p2, prop_power, q

CI = {"absolute": 0.0006}  # a rate (p2)
MDE = {"absolute": 0.001}  # a relative MDE
FIT = {"relative": 0.005}  # n per group, whole days (< 200) and a relative MDE in one item

# (kind, parameters) for every item, in order: ``_check`` recomputes each expected value from these.
SPECS: list[tuple[str, dict[str, Any]]] = []


def _size(
    cls: str, p1: float, p2: float, text: str, *para: str, power: float = 0.8, alpha: float = 0.05
) -> None:
    SPECS.append(("n", {"p1": p1, "p2": p2, "power": power, "alpha": alpha}))
    q(cls, text, {"n_per_variant": prop_n(p1, p2, power, alpha)}, N, R_PROP, *para)


def _days(
    p1: float, p2: float, traffic: float, text: str, *para: str, share: float = 1.0, power: float = 0.8
) -> None:
    SPECS.append(("days", {"p1": p1, "p2": p2, "traffic": traffic, "share": share, "power": power}))
    q(
        "duration_chain",
        text,
        {"days_rounded_up": days(prop_n(p1, p2, power), traffic, share)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / (daily traffic × share)⌉",
        *para,
    )


def _power(p1: float, p2: float, n: float, text: str, *para: str, alpha: float = 0.05) -> None:
    SPECS.append(("power", {"p1": p1, "p2": p2, "n": n, "alpha": alpha}))
    q("solve_power", text, {"power": prop_power(p1, p2, n, alpha)}, PW, R_PROP, *para)


def _p2(p1: float, n: float, text: str, *para: str, power: float = 0.8) -> None:
    SPECS.append(("p2", {"p1": p1, "n": n, "power": power}))
    q("solve_p2", text, {"p2": prop_p2(p1, n, power)}, CI, R_PROP + " solved for p2", *para)


def _mde_n(p1: float, n: float, text: str, *para: str) -> None:
    SPECS.append(("mde", {"p1": p1, "n": n}))
    q(
        "solve_p2",
        text,
        {"mde_relative": (prop_p2(p1, n) - p1) / p1},
        MDE,
        R_PROP + " solved for p2, relative to p1",
        *para,
    )


def _mde_days(p1: float, traffic: float, nd: int, text: str, *para: str) -> None:
    SPECS.append(("mde", {"p1": p1, "n": nd * traffic / 2}))
    q(
        "mde_in_days",
        text,
        {"mde_relative": mde_days(p1, traffic, nd)},
        MDE,
        R_PROP + " solved for p2, n = days × daily traffic / 2",
        *para,
    )


def _fit(p1: float, p2: float, traffic: float, nd: int, text: str, *para: str, share: float = 1.0) -> None:
    SPECS.append(("fit", {"p1": p1, "p2": p2, "traffic": traffic, "share": share, "nd": nd}))
    n = prop_n(p1, p2)
    q(
        "fit_in_days",
        text,
        {
            "n_per_variant": n,
            "days_rounded_up": days(n, traffic, share),
            "mde_relative": mde_days(p1, traffic, nd, share),
        },
        FIT,
        R_PROP + "; days = ⌈2⌈n⌉ / (traffic × share)⌉; MDE with n = days available × traffic × share / 2",
        *para,
    )


def build13() -> None:
    SPECS.clear()
    # --- sample size for two rates (baseline -> target, or baseline + relative / absolute lift) ----------------
    _size(
        "two_rates",
        0.028,
        0.031,
        "ok so our checkout completion is sitting around 2.8% and design thinks the new one-page checkout could "
        "get us to 3.1%. how many sessions per variant would we need for that?",
        "checkout cr 2.8% now, hoping for 3.1% w/ the new flow - sessions per arm?",
        "sample size per group for 2.8% -> 3.1% checkout conversion, 80% power, alpha 5%",
        "If checkouts go from 2.8 to 3.1 percent, how many sessions do we need in each bucket?",
    )
    _size(
        "two_rates",
        0.18,
        0.20,
        "trial->paid is ~18% for us. pricing team wants to test a discount banner and says it's only worth it if "
        "we get to 20%. we want 90% power on this one. how many trials in each group??",
        "18% vs 20% trial-to-paid, power 0.9, alpha .05 - trials needed per arm",
        "how many trials per variant to tell 18% apart from 20% with 90% power",
        "We convert eighteen percent of trials to paid and the target is twenty percent. n per group at 90 percent power?",
        power=0.9,
    )
    _size(
        "mde_rel_abs",
        0.035,
        0.035 * 1.08,
        "landing page signup rate is 3.5%. marketing wants to know how much traffic we need to detect an 8% "
        "relative lift. per variant pls",
        "3.5% signup baseline, MDE 8% relative - visitors per variant?",
        "how many visitors per arm to pick up a +8% relative change on a 3.5% signup rate (80% power, 5% alpha)",
        "signups convert at three and a half percent; we care about an 8 percent relative uplift. sample size for each group?",
    )
    _size(
        "mde_rel_abs",
        0.11,
        0.1175,
        "ATC rate is ~11%. smallest change worth shipping is 0.75 percentage points. how many users per bucket do we need?",
        "11% add to cart, mde 0.75pp absolute, n per group?",
        "whats the per-variant sample to detect an absolute 0.75 pp lift from an 11% add-to-cart baseline",
        "Add-to-cart is around 11 percent. If the variant moves it by 0.75 percentage points, how many users do we need in each group?",
    )
    _size(
        "mde_rel_abs",
        0.42,
        0.42 * 1.05,
        "email open rate is about 42%, we want to catch a 5% relative lift in opens. 85% power, 95% confidence. "
        "how many recipients per arm?",
        "42% opens, +5% relative, power 85% - recipients per variant?",
        "recipients needed in each group to detect a 5 percent relative increase on a 42% open rate at 85% power",
        "opens are 42% today; want to see a relative lift of 5% with eighty-five percent power. per-arm sample?",
        power=0.85,
    )

    # --- duration in days from daily / weekly / monthly traffic, sometimes only a share reaching the page -------
    _days(
        0.06,
        0.066,
        9000,
        "how long do we need to run this? PDP conversion is ~6%, hoping the new gallery gets us to 6.6%, and the "
        "page gets around 9k visitors a day",
        "6% -> 6.6% conversion, ~9,000 visitors/day, how many days?",
        "days needed to detect 6 vs 6.6 percent with 9k daily visitors (80% power)",
        "we get about nine thousand visitors per day on the PDP. baseline 6%, target 6.6%. test duration in days?",
    )
    _days(
        0.022,
        0.022 * 1.1,
        140000 / 7,
        "site does about 140k sessions a week. baseline CR 2.2% and we want to detect a 10% relative lift. roughly "
        "how many days will the test take?",
        "140,000 weekly sessions, 2.2% baseline, +10% rel lift: days to run?",
        "how many days for a 10% relative MDE on 2.2% conversion if we get 140k sessions/week",
        "Baseline 2.2%, relative MDE 10%, traffic 140k sessions per week. Duration in days?",
    )
    _days(
        0.30,
        0.31,
        600000 / 30,
        "we have ~600k visitors per month but only about 40% of them ever hit the checkout page. checkout "
        "completion is 30% and we want to detect a 1 pp change. how many days?",
        "600k visitors/month, 40% reach checkout, 30% baseline, +1pp abs - test length in days?",
        "days needed: 30% -> 31% checkout completion, 600 thousand monthly visitors, 40 percent of them see the page",
        "only 40% of our 600k monthly visitors get to checkout. baseline completion 30%, MDE 1 percentage point. how long do we run it?",
        share=0.4,
    )
    _days(
        0.12,
        0.13,
        60000,
        "DAU is around 60k and maybe 10% of them open the settings screen where the change lives. feature adoption "
        "there is 12%, we'd like to detect 13% with 90% power. days?",
        "60k DAU, 10% reach the screen, 12% vs 13%, 90% power: how many days?",
        "how long to detect 12% -> 13% at 90% power when a tenth of our 60,000 daily users see the screen",
        "test duration for 12 to 13 percent adoption, 90% power, 60k daily actives with 10% exposure",
        share=0.1,
        power=0.9,
    )
    _days(
        0.08,
        0.084,
        35000 / 7,
        "signup page gets ~35k visitors a week, signup rate is 8%. if we want to detect a +5% relative lift how "
        "many days is that?",
        "35k weekly visitors, 8% signup, 5% relative MDE - days?",
        "How many days to detect a five percent relative lift on an 8% signup rate with thirty-five thousand visitors per week?",
        "days needed @ 35,000 visitors/wk, baseline 8%, relative lift 5%",
    )

    # --- power of a planned or finished test ---------------------------------------------------------------------
    _power(
        0.15,
        0.17,
        4500,
        "planning a test that'll get around 4,500 users in each arm. baseline activation 15%, hoping for 17%. "
        "what power does that give us?",
        "4.5k per arm, 15% vs 17%: power?",
        "power for n = 4,500 per group, baseline 15 percent, treatment 17 percent, alpha 0.05",
        "whats our power if each variant gets 4500 users and activation moves from 15% to 17%",
    )
    _power(
        0.05,
        0.0575,
        14 * 3000 / 2,
        "we ran the test for 14 days at roughly 3,000 users/day (50/50 split). baseline conversion 5%. what power "
        "did we actually have to detect a 15% relative lift?",
        "ran 14 days, ~3k users a day, 5% baseline, 15% relative lift: power?",
        "post-hoc: 14 days at 3,000 users per day split evenly, what was the power for +15% relative on 5%?",
        "how much power did a 14-day test with 3000 daily users have for a 15 percent relative uplift on a 5 percent base rate",
    )
    _power(
        0.018,
        0.020,
        21 * 10000 / 2,
        "our test ran 3 weeks, traffic was about 70k visitors per week, split evenly. CR baseline 1.8%, and the MDE "
        "we cared about was 0.2pp absolute. what was the power?",
        "21 days at 10k visitors/day, 1.8% -> 2.0%: what power did we have?",
        "power check for a finished test: 3 weeks x 70k visitors/week, 50/50, baseline 1.8%, +0.2 percentage points",
        "we had ~70,000 visitors a week for three weeks. what power for detecting a 0.2 pp absolute lift from 1.8%?",
    )
    _power(
        0.09,
        0.10,
        12000,
        "stakeholders want alpha at 0.01 for this one. we'd get ~12k users per variant, baseline 9%, target 10%. "
        "how much power is that?",
        "12k per variant, 9% vs 10%, alpha .01 - power?",
        "power at 1% significance, n=12,000 per group, conversion 9 percent -> 10 percent",
        "what power do we get with twelve thousand users per arm for 9% vs 10% at alpha 0.01",
        alpha=0.01,
    )
    _power(
        0.20,
        0.21,
        10 * 8000 / 2,
        "if we run this for 10 days and get ~8k sessions a day, what's our power to detect a 1pp lift on a 20% baseline?",
        "10 days x 8,000 sessions/day, 20% -> 21%, power?",
        "power for a ten day test with 8k daily sessions, baseline 20 percent, absolute MDE 1 point",
        "what power would 10 days at 8000 sessions per day give us for 20% vs 21%",
    )

    # --- smallest detectable effect: for a group size, or for a number of days at some daily traffic ------------
    _p2(
        0.25,
        6000,
        "we can get maybe 6k users per group. with a 25% baseline what's the smallest conversion rate in the variant we could detect?",
        "6,000 per arm, p1 = 25%, min detectable p2 at 80% power?",
        "what treatment rate can we reliably detect with 6k users in each group and a 25 percent control rate",
        "smallest detectable variant conversion, 25% baseline, n=6000 per group",
    )
    _mde_n(
        0.04,
        25000,
        "each arm will have about 25k users. conversion is 4%. what's the minimum detectable effect in relative terms?",
        "25k users per variant, 4% baseline: relative MDE?",
        "relative mde for n = 25,000 per group at a 4 percent conversion rate (80% power, alpha 5%)",
        "With twenty-five thousand users in each group and 4% cr, what relative lift can we detect?",
    )
    _p2(
        0.10,
        2500,
        "small B2B funnel, we'll only get ~2,500 accounts per arm. demo-request rate is 10%. at 90% power, what's "
        "the lowest variant rate we'd be able to detect?",
        "2.5k per arm, 10% baseline, 90% power, detectable p2?",
        "minimum detectable variant rate with 2500 per group, control 10%, power 0.9",
        "what p2 is detectable with 2,500 accounts in each group when p1 is 10% and we want 90% power",
        power=0.9,
    )
    _mde_days(
        0.025,
        6000,
        21,
        "we've got a 3 week window, traffic is around 6k visitors/day and baseline CR is 2.5%. what's the smallest "
        "relative lift we can realistically detect?",
        "21 days, 6,000 visitors per day, 2.5% cr: relative MDE?",
        "relative MDE for three weeks at 6k daily visitors on a 2.5 percent baseline",
        "smallest relative effect detectable in 21 days w/ ~6000 visitiors a day and a 2.5% conversion rate",
    )
    _mde_days(
        0.12,
        240000 / 30,
        14,
        "we get ~240k visitors a month and can run for 14 days max. baseline 12%. what relative MDE are we looking at?",
        "240k monthly visitors, 14 days, 12% baseline: smallest detectable relative lift?",
        "relative minimum detectable effect for a 14-day test with 240,000 visitors per month and 12% conversion",
        "two weeks of traffic at 240k/month, conversion twelve percent - what relative lift can we detect?",
    )

    # --- does a planned test fit in the days available --------------------------------------------------------
    _fit(
        0.04,
        0.044,
        5000,
        10,
        "PM wants to know if we can wrap this up in 10 days. ~5k visitors per day, CR 4%, we're hoping to detect a "
        "10% relative lift. is that doable?",
        "10 days available, 5,000 visitors/day, 4% baseline, 10% relative MDE - does it fit?",
        "can a 10-day test with 5k daily visitors detect +10% relative on 4% conversion?",
        "is ten days enough? 5000 visitors a day, 4 percent baseline, want a 10% relative lift",
    )
    _fit(
        0.20,
        0.22,
        84000 / 7,
        21,
        "got 3 weeks before code freeze. we see ~84k users a week but only half land on the onboarding step we're "
        "changing. completion is 20%, want to detect 22%. enough time?",
        "3 weeks, 84k users/week, 50% reach the page, 20% -> 22%: will it fit?",
        "is 21 days enough for 20% vs 22% with 84,000 weekly users if half of them see the step",
        "can we detect 20 to 22 percent in three weeks with 84k users a week, 50% exposure?",
        share=0.5,
    )
    _fit(
        0.012,
        0.012 * 1.075,
        450000 / 30,
        30,
        "we only have a month for this test. traffic ~450k visitors/month, baseline conversion 1.2%, want to detect "
        "a 7.5% relative lift. will we make it?",
        "1 month available, 450k monthly visitors, 1.2% baseline, +7.5% relative: enough time?",
        "does a 30-day window work for a 7.5% relative MDE on 1.2% conversion with 450,000 visitors a month",
        "can we fit a test for +7.5% relative on a 1.2 percent cr into a month, with 450k MAU?",
    )
    _fit(
        0.06,
        0.065,
        40000,
        14,
        "2 weeks is all we get. ~40k DAU, about 30% of them hit the paywall. trial start rate there is 6% and we "
        "want to detect half a percentage point. does it fit?",
        "14 days, 40k DAU, 30% reach paywall, 6% baseline, mde 0.5pp: fits?",
        "can we detect 6% -> 6.5% trial starts in 14 days with 40,000 daily users of which 30% see the paywall",
        "is two weeks enought for a 0.5 percentage point lift on 6% if only 30% of our 40k daily actives reach the paywall?",
        share=0.3,
    )


# --- independent check: R power.prop.test's closed form with statistics.NormalDist ----------------------------

_Z = NormalDist()


def _r_power(p1: float, p2: float, n: float, alpha: float = 0.05) -> float:
    """power.prop.test (strict = FALSE): Φ((√n·|p1−p2| − z₁₋α/₂·√(2·p̄·q̄)) / √(p1q1 + p2q2))."""
    qu = _Z.inv_cdf(1 - alpha / 2)
    pbar = (p1 + p2) / 2
    sd_alt = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return _Z.cdf((math.sqrt(n) * abs(p1 - p2) - qu * math.sqrt(2 * pbar * (1 - pbar))) / sd_alt)


def _r_n(p1: float, p2: float, power: float = 0.8, alpha: float = 0.05) -> float:
    qu, qb = _Z.inv_cdf(1 - alpha / 2), _Z.inv_cdf(power)
    pbar = (p1 + p2) / 2
    num = qu * math.sqrt(2 * pbar * (1 - pbar)) + qb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return (num / (p2 - p1)) ** 2


def _r_p2(p1: float, n: float, power: float = 0.8, alpha: float = 0.05) -> float:
    lo, hi = p1 + 1e-12, 1 - 1e-12
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _r_power(p1, mid, n, alpha) < power else (lo, mid)
    return (lo + hi) / 2


def _r_days(n: float, traffic: float, share: float) -> int:
    """Whole days for ⌈n⌉ per group on two arms; refuses values within 2% of a day boundary (fragile keys)."""
    raw = 2 * math.ceil(n) / (traffic * share)
    assert abs(raw - round(raw)) > 0.02, f"days {raw} sit on a boundary"
    assert math.ceil(2 * n / (traffic * share)) == math.ceil(raw), raw
    return math.ceil(raw)


def _close(got: float, want: float, rel: float = 0.0, ab: float = 0.0) -> None:
    assert abs(got - want) <= max(rel * abs(want), ab), (got, want)


def _check() -> None:
    """Re-derive every expected value from SPECS and compare it with what ``build13`` wrote into ``calc_build.ITEMS``."""
    assert len(SPECS) == len(b.ITEMS), (len(SPECS), len(b.ITEMS))
    for (kind, s), item in zip(SPECS, b.ITEMS, strict=True):
        exp = item["expected"]
        assert len(item["paraphrases"]) == 3 and len(set([item["question"], *item["paraphrases"]])) == 4
        if kind == "n":
            _close(exp["n_per_variant"], _r_n(s["p1"], s["p2"], s["power"], s["alpha"]), rel=1e-3)
        elif kind == "days":
            n = _r_n(s["p1"], s["p2"], s["power"])
            assert exp["days_rounded_up"] == _r_days(n, s["traffic"], s["share"]), (item["question"], exp)
        elif kind == "power":
            _close(exp["power"], _r_power(s["p1"], s["p2"], s["n"], s["alpha"]), ab=5e-4)
            assert 0.2 < exp["power"] < 0.99, exp
        elif kind == "p2":
            _close(exp["p2"], _r_p2(s["p1"], s["n"], s["power"]), ab=5e-5)
        elif kind == "mde":
            _close(exp["mde_relative"], (_r_p2(s["p1"], s["n"]) - s["p1"]) / s["p1"], ab=2e-4)
        elif kind == "fit":
            n = _r_n(s["p1"], s["p2"])
            n_avail = s["nd"] * s["traffic"] * s["share"] / 2
            _close(exp["n_per_variant"], n, rel=1e-3)
            need = _r_days(n, s["traffic"], s["share"])
            assert exp["days_rounded_up"] == need < 200, exp
            _close(exp["mde_relative"], (_r_p2(s["p1"], n_avail) - s["p1"]) / s["p1"], ab=2e-4)
        else:
            raise AssertionError(kind)


def build_checked() -> None:
    build13()
    _check()


def main() -> None:
    b.write_dev_round(13, build_checked, "test5")


if __name__ == "__main__":
    main()
