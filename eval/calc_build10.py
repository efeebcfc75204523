"""Dev set 10 (``calc_dev10.jsonl``): new dev questions, four phrasings each, in the voice of forum and chat
questions (run-on sentences, context before numbers, hedges like "roughly", "about", "~", numbers after the ask).
Written before any change it leads to; tune on it only. Run: ``python -m eval.calc_build10``.
"""

from __future__ import annotations

import math
from pathlib import Path

from eval import calc_build as b
from eval.calc_build import (
    CI,
    EXACT,
    PW,
    R_PROP,
    SM_T,
    SM_T1,
    N,
    days,
    mde_days,
    prop_n,
    prop_p2,
    prop_power,
    q,
    t1_n,
    t_n,
    t_power,
)

HERE = Path(__file__).resolve().parent


def build10() -> None:
    q(
        "two_rates",
        "hey all - we're testing a new pricing page. current trial signup is roughly 4.2% and we'd be happy with anything above 4.8%. how many visitors do I need on each page?",
        {"n_per_variant": prop_n(0.042, 0.048)},
        N,
        R_PROP,
        "pricing page test: ~4.2% trial signups today, want to detect 4.8%. visitors per page?",
        "how many visitors per page for 4.2% -> 4.8% trial signup (80% power)?",
        "Trial signups sit around 4.2 percent; if the new pricing page gets 4.8 percent, how big should each group be?",
    )
    q(
        "mde_rel_abs",
        "Quick q: our add-to-cart rate is about 9%. If I want to be able to see a 7% relative improvement, what sample size per arm do I need (95% confidence, 80% power)?",
        {"n_per_variant": prop_n(0.09, 0.09 * 1.07)},
        N,
        R_PROP,
        "add to cart 9%, 7% relative improvement, 95% confidence / 80% power: n per arm?",
        "sample size per group to see a 7% relative lift on a 9% add-to-cart rate",
        "what n per variant do I need for a relative MDE of 7% when the baseline is about 9%?",
    )
    q(
        "solve_power",
        "we only get about 2,000 users per variant over the whole test. baseline is 30%. is 80% power realistic for detecting 34%? what power would we actually have?",
        {"power": prop_power(0.30, 0.34, 2000)},
        PW,
        R_PROP,
        "2,000 users per variant, 30% vs 34%: what's the actual power?",
        "power with ~2k users in each arm, baseline 30 percent, target 34 percent?",
        "how much power do 2000 users per group give for detecting 30% -> 34%",
    )
    q(
        "solve_p2",
        "given ~1,800 users in each group and a baseline of 22%, what's the lowest conversion rate for the variant that we'd reliably detect?",
        {"p2": prop_p2(0.22, 1800)},
        CI,
        R_PROP + " p2",
        "1,800 per group, 22% baseline: smallest detectable variant rate (80% power)?",
        "with 1800 users per arm and 22% conversion, what p2 can we detect?",
        "minimum detectable treatment conversion for n = 1,800 per group on a 22 percent baseline",
    )
    q(
        "mde_in_days",
        "management gives us two weeks max. traffic is ~7,500 visitors per day and conversion ~3.5%. what's the smallest relative lift we can detect?",
        {"mde_relative": mde_days(0.035, 7500, 14)},
        {"absolute": 0.002},
        R_PROP + " p2 from days × traffic / 2",
        "14 days, 7,500 visitors a day, 3.5% conversion: relative MDE?",
        "what relative lift is detectable in 2 weeks with 7.5k daily visitors on a 3.5% baseline",
        "smallest relative effect we can catch with 7500 visitors/day for 14 days at 3.5 percent conversion",
    )
    q(
        "duration_chain",
        "roughly how long will an experiment take if baseline is 1.5%, we want to detect a 20% relative lift, and we get 25k visitors a day?",
        {"days_rounded_up": days(prop_n(0.015, 0.018), 25000)},
        EXACT,
        R_PROP + " then ceil(2n / traffic)",
        "1.5% baseline, +20% relative, 25,000 visitors per day: number of days?",
        "how many days to detect a 20% relative lift on 1.5% conversion with 25k daily visitors",
        "test length at 25k visitors a day for baseline 1.5 percent and relative mde 20 percent?",
    )
    q(
        "money_units",
        "our avg revenue per user is around $12 with a standard deviation of about $40. we'd like to detect a 5% change in ARPU. how many users per group?",
        {"n_group1": t_n(0.6 / 40)},
        N,
        SM_T + "; δ = 5% of $12 = $0.60",
        "ARPU $12 (sd $40), detect a 5% relative change: users per arm?",
        "how many users in each group to detect a 5 percent lift in revenue per user when the mean is $12 and the sd $40",
        "n per variant for +5% ARPU, mean 12 dollars, standard deviation 40 dollars",
    )
    q(
        "one_sample",
        "we want to check whether our average load time differs from the 2.0 s target. sd is ~0.8 s and we care about a 0.1 s deviation. how many page loads (one-sample t-test, 80% power)?",
        {"n": t1_n(0.1 / 0.8)},
        N,
        SM_T1,
        "one-sample t test: detect 0.1 s off a 2.0 s target, sd 0.8 s. n?",
        "how many measurements to detect a 0.1 second deviation from a known mean of 2.0 s (sd 0.8 s)",
        "single-sample test vs a fixed target of 2 seconds, shift 0.1 s, sigma 0.8 s - observations needed?",
    )
    q(
        "duration_total",
        "our stats person says we need 160k users in total. we get about 8k a day but only half are in the experiment. how long will it run?",
        {"days_rounded_up": math.ceil(160000 / (8000 * 0.5) - 1e-9)},
        EXACT,
        "ceil(total / (traffic × share))",
        "160k total users needed, 8,000 per day, 50% in the test: days?",
        "how many days to collect 160,000 users if 8k visit daily and half of them enter the experiment",
        "total sample 160k at 8k visitors a day with 50% exposure - duration?",
    )
    q(
        "solve_power",
        "with 120 users per group and a standard deviation of 15, what power do we have to detect a difference of 5 in the mean?",
        {"power": t_power(5 / 15, 120)},
        PW,
        SM_T,
        "t test power: 120 per arm, sd 15, difference 5",
        "how much power for a mean difference of 5 when sd is 15 and n = 120 per group",
        "power to detect +5 with 120 users per variant (sd 15)?",
    )


def main() -> None:
    b.write_dev_round(10, build10)


if __name__ == "__main__":
    main()
