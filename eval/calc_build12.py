"""Held-out calculation split test4 (``calc_test4.jsonl``): sizing, duration, power, detectable-lift and
does-it-fit questions, four phrasings each, typed the way practitioners write in Slack or on forums (context first
and the ask last, "~", "k", "M", numbers in words, typos, traffic per week or month, MAU, the share of users who
reach the page, "pp" / "relative" / "+5%"). Written by someone who did not read the parser, before the changes it
measures; never tune on it. Defaults when a question does not say: 80% power, alpha 0.05 two-sided; weekly traffic
is divided by 7 and monthly traffic (MAU, "a month") by 30; a test that "ran N days at X a day" has
N × X / 2 users per group (times the share that reaches the page, when one is given).

Expected values come from ``eval/calc_build``'s helpers (R power.prop.test pooled equation, statsmodels + scipy),
and each is checked against an independent closed form (``statistics.NormalDist`` only) before the file is written.
Frozen by ``eval/calc_set12.sha256``. Run: ``python -m eval.calc_build12``.
"""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

from eval import calc_build as b
from eval.calc_build import EXACT, PW, R_PROP, N, days, mde_days, prop_n, prop_p2, prop_power, q

HERE = Path(__file__).resolve().parent
SPLIT = "test4"
SET = 12
MDE = {"absolute": 0.002}  # a relative MDE (as build10)
P2 = {"absolute": 0.0006}  # a detectable second rate (calc_build's CI)
# n per group (0.3%), whole days (exact below 333 days) and a relative MDE (0.002) in one item
FIT = {"relative": 0.003, "absolute": 0.002}
DAYS_SRC = R_PROP + " then ceil(2n / daily traffic)"


def fit(p1: float, p2: float, traffic: float, available: int, share: float = 1.0) -> dict[str, float]:
    """n per group, days it needs, and the relative MDE the days available give (n = days × traffic × share / 2)."""
    n = prop_n(p1, p2)
    return {
        "n_per_variant": n,
        "days_rounded_up": days(n, traffic, share),
        "mde_relative": mde_days(p1, traffic, available, share),
    }


def build12() -> None:
    # --- two-rate sample size ---------------------------------------------------------------------------------
    q(
        "mde_rel_abs",
        "hey, our checkout convertion is ~3.1% and the PM wants to be able to detect an 8% relative lift. how many users per variant are we talking?",
        {"n_per_variant": prop_n(0.031, 0.031 * 1.08)},
        N,
        R_PROP + "; p2 = 3.1% × 1.08",
        "baseline 3.1% checkout conv, MDE 8% relative -> sample size per arm?",
        "how many ppl per group to catch a +8% rel. lift on 3.1% conversion",
        "Checkout converts at 3.1 percent. If we want to detect an eight percent relative increase, what's the n per variant (80% power, 5% alpha)?",
    )
    q(
        "mde_rel_abs",
        "signup rate is sitting at 12%. we want to be able to see a 1.5pp increase, and our DS lead insists on 90% power. how many per group?",
        {"n_per_variant": prop_n(0.12, 0.135, 0.9)},
        N,
        R_PROP + "; p2 = 12% + 1.5 pp, power 0.9",
        "12% baseline, +1.5 percentage points, 90% power, alpha 0.05: n per arm?",
        "how many users per variant to detect a 1.5 pp absolute lift from a 12% signup rate at 90% power",
        "sign up conv is twelve percent; if the new form adds 1.5 points, what sample do we need per group w/ power of 0.9?",
    )
    q(
        "two_rates",
        "CTR on the homepage banner is around 0.8% and we're hoping the new creative gets it to 1%. how many impressions do we need per arm?",
        {"n_per_variant": prop_n(0.008, 0.010)},
        N,
        R_PROP,
        "0.8% -> 1.0% CTR, sample size per variant?",
        "banner ctr ~0.8%, target 1%. impressions needed in each group for 80% power / 95% confidence?",
        "how many impressions per group to tell a 0.8 percent click-through rate apart from 1 percent",
    )
    q(
        "mde_rel_abs",
        "onboarding completion is about 20%. what sample size per group would we need to detect a +5% relative change? standard 80% power / alpha 0.05",
        {"n_per_variant": prop_n(0.20, 0.21)},
        N,
        R_PROP + "; p2 = 20% × 1.05",
        "onboarding step completion 20%, mde +5% (relative) - n per arm?",
        "sample size per variant: baseline 20%, relative lift 5%, two-sided, power 0.8",
        "If 20 percent of new users finish onboarding and we want to pick up a 5% relative uplift, how many users in each arm?",
    )

    # --- duration in days --------------------------------------------------------------------------------------
    q(
        "duration_chain",
        "baseline conversion is ~2.5% and we want to detect a 10% relative lift. we get roughly 12k visitors a day. how long are we looking at?",
        {"days_rounded_up": days(prop_n(0.025, 0.0275), 12000)},
        EXACT,
        DAYS_SRC,
        "2.5% conv, +10% relative MDE, 12,000 daily visitors - how many days?",
        "how many days to detcet a 10% rel lift on a 2.5% baseline w/ 12k visitors/day",
        "We get about twelve thousand visitors per day and convert at 2.5%. To pick up a 10 percent relative lift, how many days does the test need to run?",
    )
    q(
        "duration_chain",
        "the pricing page gets ~35k visitors/wk and trial conversion is ~6%. we'd want to detect 6% -> 6.6%. how many days would that take?",
        {"days_rounded_up": days(prop_n(0.06, 0.066), 35000 / 7)},
        EXACT,
        DAYS_SRC + "; daily traffic = 35k / 7",
        "35k visitors a week, 6% -> 6.6% trial conversion, how long in days?",
        "test duration (days) for 6% vs 6.6% if we have around 35,000 weekly visitors",
        "how long to detect a 0.6pp lift on a 6% baseline with about 35k visitors per week? answer in days pls",
    )
    q(
        "duration_chain",
        "our app has ~900k MAU and roughly 20% of them reach the paywall. paywall conversion is 4% and we want to detect 4.4%. how many days do we need to run?",
        {"days_rounded_up": days(prop_n(0.04, 0.044), 900000 / 30, 0.2)},
        EXACT,
        DAYS_SRC + "; daily traffic = 900k / 30 × 20%",
        "900k monthly active users, 20% get to the paywall, 4% -> 4.4%: days needed?",
        "paywall conv 4%, target 4.4%, 900k users a month of which 20% see the paywall - how long does the test run?",
        "How many days for a paywall test: 900,000 MAU, only 20 percent of them hit the paywall, baseline 4 percent, hoping for 4.4 percent",
    )
    q(
        "duration_chain",
        "we have about 25k DAU but only 30% of them open the cart. cart-to-purchase is 35% and we care about a 1 pp change. how many days do we need?",
        {"days_rounded_up": days(prop_n(0.35, 0.36), 25000, 0.3)},
        EXACT,
        DAYS_SRC + "; daily traffic = 25k × 30%, p2 = 35% + 1 pp",
        "25k daily users, 30% reach the cart, 35% baseline, detect +1 percentage point: how many days?",
        "how long to run a cart test if 30% of our 25,000 daily active users see the cart, conversion 35%, mde 1pp absolute",
        "cart purchase rate 35% -> want to see 36%. 25k DAU, ~30% of them get to the cart. days?",
    )
    q(
        "duration_chain",
        "site does ~1.5M sesions a month, baseline conv 1.2%, and we want a 5% relative MDE. how long are we looking at (days)?",
        {"days_rounded_up": days(prop_n(0.012, 0.012 * 1.05), 1_500_000 / 30)},
        EXACT,
        DAYS_SRC + "; daily traffic = 1.5M / 30, p2 = 1.2% × 1.05",
        "1.5M monthly sessions, 1.2% conversion, detect 5% relative lift - how many days?",
        "how many days to detect a +5% rel change on a 1.2% baseline with about 1.5 million visits per month",
        "Conversion is 1.2 percent and traffic is roughly 1,500,000 sessions a month. For a 5 percent relative MDE, how long does the test have to run in days?",
    )

    # --- power -------------------------------------------------------------------------------------------------
    q(
        "solve_power",
        "test finished with about 8,500 users in each arm. control converted at 5% and we were hoping to detect 5.75%. what power did we actually have?",
        {"power": prop_power(0.05, 0.0575, 8500)},
        PW,
        R_PROP,
        "8.5k per arm, 5% vs 5.75% - acheived power?",
        "what was our power with 8500 users per group for a 5% -> 5.75% change (alpha 0.05)?",
        "power check: n = 8,500 per variant, baseline 5 percent, expected 5.75 percent. how much power?",
    )
    q(
        "solve_power",
        "we ran the test for 10 days at ~3k users/day split 50/50. baseline conv is 10% and the effect we cared about was 10% -> 11%. did we have enough power?",
        {"power": prop_power(0.10, 0.11, 10 * 3000 / 2)},
        PW,
        R_PROP + "; n = 10 × 3k / 2",
        "10 days, 3,000 users a day (50/50), 10% vs 11%: what power did we get?",
        "ran ten days with about 3k daily users, baseline 10%, target 11% - power?",
        "was the test powered enough? 3k visitors per day over 10 days, conversion 10 percent, hoping for 11 percent",
    )
    q(
        "solve_power",
        "planning to run this for two weeks; we get ~14k visitors a week. conversion is 8% and we'd like to detect 9%. what's our power gonna be?",
        {"power": prop_power(0.08, 0.09, 14 * (14000 / 7) / 2)},
        PW,
        R_PROP + "; n = 14 days × 14k/7 / 2",
        "2 weeks at 14k visitors/week, 8% -> 9%: power?",
        "what power do we have for 8% vs 9% if the test runs 14 days with about 14,000 visitors per week",
        "power for a two week test, roughly 14k weekly visitors, baseline 8 percent, target 9 percent?",
    )
    q(
        "solve_power",
        "the test ran 3 weeks at ~4,000 visitors/day. baseline was 2% and our MDE was +10% relative. what power did it have?",
        {"power": prop_power(0.02, 0.022, 21 * 4000 / 2)},
        PW,
        R_PROP + "; n = 21 × 4k / 2, p2 = 2% × 1.1",
        "3 weeks, 4k visitors a day, 2% baseline, 10% relative lift: power?",
        "how much power did we have for a 10% rel lift on a 2% conversion rate after running 21 days at 4000 visitors/day",
        "we ran for twenty-one days with about 4k daily visitors. conv 2%, looking for a +10% relative change. power?",
    )

    # --- smallest detectable second rate for a group size ------------------------------------------------------
    q(
        "solve_p2",
        "we can get maybe 12k users per arm. d7 retention is 25%. what's the lowest variant retention we'd be able to detect at 80% power?",
        {"p2": prop_p2(0.25, 12000)},
        P2,
        R_PROP + " solved for p2",
        "12,000 per group, 25% baseline: smallest detectable treatment rate?",
        "with ~12k users in each arm and 25% retention, what p2 can we detect (80% power)?",
        "n = 12k per variant, baseline retention 25 percent - how high does the variant's retention have to be for us to detect it?",
    )
    q(
        "solve_p2",
        "sample is capped at 3,000 per group (it's a B2B thing). baseline conversion ~40%. what conversion would the treatment need to hit for us to detect it?",
        {"p2": prop_p2(0.40, 3000)},
        P2,
        R_PROP + " solved for p2",
        "3k per group, 40% baseline, minimum detectable variant conversion?",
        "what's the smallest treatment rate we can detect with 3000 users per arm when control converts at 40%",
        "with three thousand users in each group and a 40 percent baseline, how high does B need to convert to be detectable at 80% power?",
    )

    # --- relative MDE in the days available --------------------------------------------------------------------
    q(
        "mde_in_days",
        "we've got 3 weeks and ~9k visitors a day, conversion is 4%. what's the smallest relative lift we can reliably detect?",
        {"mde_relative": mde_days(0.04, 9000, 21)},
        MDE,
        R_PROP + " p2 from n = 21 × 9k / 2",
        "21 days, 9,000 visitors/day, 4% baseline - relative MDE?",
        "what relative lift can we detect in three weeks with 9k daily visitors on a 4% conversion rate",
        "smallest relative effect we could catch running 3 weeks at about nine thousand visitors per day, baseline 4 percent",
    )
    q(
        "mde_in_days",
        "we get ~42k visitors a week, can run 10 days max, baseline is 12%. what's our MDE in relative terms?",
        {"mde_relative": mde_days(0.12, 42000 / 7, 10)},
        MDE,
        R_PROP + " p2 from n = 10 × 42k/7 / 2",
        "42k visitors/week, 10 days, 12% conversion: relative MDE?",
        "smallest relative lift detectable in 10 days with about 42,000 weekly visitors and a 12% baseline",
        "10 days max, ~42k visitors per week, baseline 12 percent - how small a relative change can we detect?",
    )

    # --- does the test fit in the days available ---------------------------------------------------------------
    fit_src = (
        R_PROP
        + ": n per group, ceil(2n / daily traffic), and the relative MDE at n = days available × traffic / 2"
    )
    q(
        "fits_in_days",
        "we have 2 weeks before code freeze. ~5k visitors/day, baseline conversion 3%, and we want to detect a 10% relative lift. doable?",
        fit(0.03, 0.033, 5000, 14),
        FIT,
        fit_src,
        "14 days available, 5,000 visitors a day, 3% baseline, +10% relative MDE - does it fit?",
        "can we detect a 10% rel lift on 3% conv in two weeks with 5k daily visitors?",
        "Two weeks until the freeze. Traffic about 5k/day, conversion 3 percent, we want to detect a 10 percent relative lift. Is that enough time?",
    )
    q(
        "fits_in_days",
        "launch is in a month. we get ~70k visitors a week on the signup page, conversion 9%, and we'd like to catch 9% -> 9.5%. can we do it?",
        fit(0.09, 0.095, 70000 / 7, 30),
        FIT,
        fit_src + "; a month = 30 days, daily traffic = 70k / 7",
        "30 days available, 70k visitors/week, 9% -> 9.5%: will it fit?",
        "is a month (30 days) enough to detect 9% vs 9.5% signup conversion with about 70,000 visitors per week?",
        "we have one month, ~70k weekly visitors, baseline 9 percent, target 9.5 percent. enough time?",
    )
    q(
        "fits_in_days",
        "we only have 10 days. 20k daily users, ~60% of them hit the checkout page, checkout conversion is 30% and we want to detect +1pp. enough time?",
        fit(0.30, 0.31, 20000, 10, 0.6),
        FIT,
        fit_src + "; daily traffic = 20k × 60%",
        "10 days, 20k users/day, 60% reach checkout, 30% -> 31%: does it fit?",
        "can we detect a 1 percentage point lift on a 30% checkout rate in 10 days with 20,000 daily users of which 60% reach checkout?",
        "ten days max. 20k DAU, 60 percent see checkout, conversion 30 percent, mde +1 pp absolute. doable?",
    )
    q(
        "fits_in_days",
        "we've got three weeks, about eight thousand visitors a day, 1.8% conversion, and we're hoping to see 2%. will it fit?",
        fit(0.018, 0.020, 8000, 21),
        FIT,
        fit_src,
        "21 days, 8k visitors/day, 1.8% -> 2%: enough time?",
        "is three weeks enough to detect 1.8% vs 2.0% with ~8,000 daily visitors?",
        "3 wks available, 8k visitors a day, baseline 1.8 percent, target 2 percent - can we do it?",
    )


# --- independent check: R power.prop.test's equation in closed form, standard library only ------------------------
_Z = NormalDist()


def _cf_power(p1: float, p2: float, n: float, alpha: float = 0.05) -> float:
    """R power.prop.test (strict = FALSE): one tail of the pooled-null / unpooled-alternative normal equation."""
    pbar = (p1 + p2) / 2
    null_sd = math.sqrt(2 * pbar * (1 - pbar))
    alt_sd = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return _Z.cdf((math.sqrt(n) * abs(p2 - p1) - _Z.inv_cdf(1 - alpha / 2) * null_sd) / alt_sd)


def _cf_n(p1: float, p2: float, power: float = 0.8, alpha: float = 0.05) -> float:
    pbar = (p1 + p2) / 2
    num = _Z.inv_cdf(1 - alpha / 2) * math.sqrt(2 * pbar * (1 - pbar)) + _Z.inv_cdf(power) * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return num**2 / (p2 - p1) ** 2


def _cf_p2(p1: float, n: float, power: float = 0.8) -> float:
    lo, hi = p1 + 1e-9, 1 - 1e-9
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _cf_power(p1, mid, n) < power else (lo, mid)
    return (lo + hi) / 2


def _cf_days(p1: float, p2: float, daily: float, power: float = 0.8) -> int:
    return math.ceil(2 * math.ceil(_cf_n(p1, p2, power) - 1e-9) / daily - 1e-9)


# (item number, the inputs in closed form): the same numbers the questions state, re-derived by hand
_CHECKS: dict[int, dict[str, float]] = {
    1: {"n_per_variant": _cf_n(0.031, 0.03348)},
    2: {"n_per_variant": _cf_n(0.12, 0.135, 0.9)},
    3: {"n_per_variant": _cf_n(0.008, 0.010)},
    4: {"n_per_variant": _cf_n(0.20, 0.21)},
    5: {"days_rounded_up": _cf_days(0.025, 0.0275, 12000)},
    6: {"days_rounded_up": _cf_days(0.06, 0.066, 5000)},
    7: {"days_rounded_up": _cf_days(0.04, 0.044, 6000)},
    8: {"days_rounded_up": _cf_days(0.35, 0.36, 7500)},
    9: {"days_rounded_up": _cf_days(0.012, 0.0126, 50000)},
    10: {"power": _cf_power(0.05, 0.0575, 8500)},
    11: {"power": _cf_power(0.10, 0.11, 15000)},
    12: {"power": _cf_power(0.08, 0.09, 14000)},
    13: {"power": _cf_power(0.02, 0.022, 42000)},
    14: {"p2": _cf_p2(0.25, 12000)},
    15: {"p2": _cf_p2(0.40, 3000)},
    16: {"mde_relative": _cf_p2(0.04, 94500) / 0.04 - 1},
    17: {"mde_relative": _cf_p2(0.12, 30000) / 0.12 - 1},
    18: {
        "n_per_variant": _cf_n(0.03, 0.033),
        "days_rounded_up": _cf_days(0.03, 0.033, 5000),
        "mde_relative": _cf_p2(0.03, 35000) / 0.03 - 1,
    },
    19: {
        "n_per_variant": _cf_n(0.09, 0.095),
        "days_rounded_up": _cf_days(0.09, 0.095, 10000),
        "mde_relative": _cf_p2(0.09, 150000) / 0.09 - 1,
    },
    20: {
        "n_per_variant": _cf_n(0.30, 0.31),
        "days_rounded_up": _cf_days(0.30, 0.31, 12000),
        "mde_relative": _cf_p2(0.30, 60000) / 0.30 - 1,
    },
    21: {
        "n_per_variant": _cf_n(0.018, 0.020),
        "days_rounded_up": _cf_days(0.018, 0.020, 8000),
        "mde_relative": _cf_p2(0.018, 84000) / 0.018 - 1,
    },
}


def _check() -> None:
    """Every expected value agrees with the closed form well inside its tolerance (days exactly)."""
    assert len(b.ITEMS) == len(_CHECKS), (len(b.ITEMS), len(_CHECKS))
    for number, item in enumerate(b.ITEMS, 1):
        want = _CHECKS[number]
        assert set(want) == set(item["expected"]), (number, want, item["expected"])
        for key, exp in item["expected"].items():
            bound = {"n_per_variant": 1e-3 * exp, "days_rounded_up": 0.0, "power": 2e-4}.get(key, 2e-5)
            assert abs(want[key] - exp) <= bound, (number, key, want[key], exp)


def main() -> None:
    b.write_dev_round(SET, _checked, SPLIT)


def _checked() -> None:
    build12()
    _check()


if __name__ == "__main__":
    main()
