"""Dev set 8 (``calc_dev8.jsonl``): new dev questions, four phrasings each, weighted to what must ask rather than
answer (missing inputs, bad input) plus mixed classes. Written before any change it leads to; tune on it only.
Expected values from scipy/statsmodels via ``eval.calc_build``'s helpers. Run: ``python -m eval.calc_build8``.
"""

from __future__ import annotations

import math
from pathlib import Path

from eval import calc_build as b
from eval.calc_build import (
    EXACT,
    PW,
    R_PROP,
    SM_T,
    N,
    corr_n,
    days,
    prop_n,
    prop_power,
    q,
    t_n,
    t_power,
)

HERE = Path(__file__).resolve().parent


def build8() -> None:
    q(
        "missing",
        "how many users per variant to detect a 3% relative lift at 90% power?",
        {},
        {},
        "no baseline",
        "sample size per group for a +3% relative change, power 0.9",
        "n per arm: relative mde 3%, 90% power",
        "we want to catch a 3 percent relative lift with 90% power - users per group?",
        needs=["baseline"],
    )
    q(
        "missing",
        "baseline conversion is 7%. how many users do we need per group?",
        {},
        {},
        "no effect size",
        "7% baseline - sample size per variant?",
        "our conversion rate is 7 percent, how many users in each arm do we need?",
        "n per group with a 7% baseline at 80% power?",
        needs=["mde"],
    )
    q(
        "missing",
        "we want to detect a $1.50 change in revenue per user. how many users per arm?",
        {},
        {},
        "no SD",
        "detect +$1.50 in ARPU - sample size per group?",
        "how many users in each group to pick up a 1.5 dollar difference in average revenue",
        "n per variant for a $1.50 lift in revenue per user at 80% power?",
        needs=["sd"],
    )
    q(
        "missing",
        "baseline 4%, 10% relative mde. how many days will the test take?",
        {},
        {},
        "no traffic",
        "how long to detect +10% relative on a 4% baseline?",
        "test duration for 4% conversion and a 10% relative lift?",
        "4 percent baseline, relative MDE 10 percent - number of days?",
        needs=["daily_traffic"],
    )
    q(
        "missing",
        "what's the power with 5,000 users per group and a 10% baseline?",
        {},
        {},
        "no effect size",
        "5k per arm, 10% conversion: power?",
        "how much power do 5,000 users in each group give us on a 10% baseline",
        "power check - n = 5000 per variant, baseline 10%",
        needs=["mde"],
    )
    q(
        "missing",
        "is there a sample ratio mismatch on my 50/50 test?",
        {},
        {},
        "no counts",
        "check my 50/50 experiment for SRM",
        "SRM check for a 50/50 split please",
        "do we have a sample ratio mismatch? split is 50/50",
        needs=["counts"],
    )
    q(
        "invalid",
        "what n per group for a baseline of 0% and a 10% lift?",
        {},
        {},
        "a 0% baseline cannot be lifted",
        "baseline 0 percent, relative mde 10%: users per arm?",
        "sample size per variant with 0% conversion today and a 10% relative lift",
        "0% baseline, 10% lift - how many users in each group?",
        invalid="baseline",
    )
    q(
        "invalid",
        "sample size for 10% vs 12% at 150% power?",
        {},
        {},
        "power above 100%",
        "10% -> 12% with power = 150%: n per group?",
        "how many users per arm, baseline 10%, target 12%, power one hundred fifty percent",
        "n per variant: 10 to 12 percent, power 1.5",
        invalid="power",
    )
    q(
        "invalid",
        "users per group: baseline 110%, target 120%?",
        {},
        {},
        "a rate above 100%",
        "110% -> 120% conversion, n per arm?",
        "how many users in each variant if conversion goes from 110 percent to 120 percent",
        "sample size per group for a 110% baseline and a 120% target",
        invalid="baseline",
    )
    q(
        "two_rates",
        "retention 60% -> 62%, alpha 0.1, power 80%. n per group?",
        {"n_per_variant": prop_n(0.60, 0.62, alpha=0.1)},
        N,
        R_PROP,
        "60% to 62% retention at 10% significance and 80% power: users per arm?",
        "how many users in each group to detect retention going from sixty to sixty-two percent (alpha .1)",
        "sample size per variant - 60 percent baseline, 62 percent target, alpha = 0.10",
    )
    q(
        "two_rates",
        "one-sided test: 9% -> 10%, 80% power, alpha 0.05. users per arm?",
        {"n_per_variant": prop_n(0.09, 0.10, alt="larger")},
        N,
        R_PROP + " one-sided",
        "one-tailed, 9% baseline, 10% target: n per group?",
        "how many per variant for a one sided test of 9% vs 10% at 80% power",
        "n per arm (1-sided alpha 5%) to detect 9 -> 10 percent",
    )
    q(
        "solve_power",
        "we have 20k users in total, split evenly. baseline 5%, target 6%. what power?",
        {"power": prop_power(0.05, 0.06, 10000)},
        PW,
        R_PROP,
        "20,000 users overall split 50/50, 5% vs 6%: power?",
        "power for 5% -> 6% with 20k users in total (two equal groups)",
        "total sample 20000 (half per arm), baseline 5 percent, target 6 percent - how much power?",
    )
    q(
        "solve_power",
        "with n = 50 per group, a difference of 4 and sd 10, what's the power of a t test?",
        {"power": t_power(0.4, 50)},
        PW,
        SM_T,
        "t-test power: 50 per arm, delta 4, sigma 10",
        "how much power for a mean difference of 4 (sd 10) with 50 in each group",
        "50 users per group, we expect +4 with standard deviation 10. power?",
    )
    q(
        "money_units",
        "sd of basket size is $45; detect a $4 change with 95% power at alpha 0.05. n per arm?",
        {"n_group1": t_n(4 / 45, power=0.95)},
        N,
        SM_T,
        "basket size σ $45, difference $4, power 95%: orders per group?",
        "how many orders per variant to see a 4 dollar change in basket size if the sd is 45 dollars (95% power)",
        "n per group: delta $4, sd $45, power 0.95",
    )
    q(
        "duration_chain",
        "conversion 2.5%, mde 12% relative, 9k users per day, 2 variants and a control. days?",
        {"days_rounded_up": days(prop_n(0.025, 0.028), 9000, arms=3)},
        EXACT,
        R_PROP + " then ceil(3n / traffic)",
        "A/B/C test: baseline 2.5%, +12% relative, 9,000 users a day - how many days?",
        "how long with two variants plus control, 2.5% conversion, 12% relative lift and 9k daily users",
        "days needed: 3 arms, 2.5 percent baseline, relative mde 12 percent, 9000 users/day",
    )
    q(
        "other",
        "sample size to detect a correlation of 0.25 with 90% power?",
        {"n": corr_n(0.25, power=0.9)},
        N,
        "pwr.r.test equation, scipy brentq",
        "r = 0.25, power 0.9: how many pairs?",
        "how many observations to detect r of .25 at 90% power",
        "correlation test, r 0.25, 90% power - n?",
    )
    q(
        "duration_total",
        "n per group is 35,000 with 2 arms; 10k users a day. how many days?",
        {"days_rounded_up": math.ceil(70000 / 10000 - 1e-9)},
        EXACT,
        "ceil(arms × n / traffic)",
        "35k per arm, two arms, 10,000 daily users: duration in days?",
        "how long to get 35,000 users in each of 2 groups at 10k users per day",
        "days needed for 35000 per group (control + variant) with 10000 users a day",
    )


def main() -> None:
    b.write_dev_round(8, build8)


if __name__ == "__main__":
    main()
