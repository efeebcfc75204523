"""Held-out set ``test8`` (``calc_test8.jsonl``, frozen by ``calc_set19.sha256``): the everyday planning questions
beyond plain two-proportion sizing, typed the way practitioners type them in Slack and forums, four structurally
different phrasings each (*robust* means all four pass). The same topics as the tuning round ``dev13``
(``eval/calc_build18.py``) with other scenarios, numbers and wording:

* two-proportion sample size with the significance level, power and sidedness said in varied ways ("5%
  significance, 80% power", "95% confidence and 90% power", "alpha 0.1 ... a power of .85", "α=0.01", "one-tailed
  with 90% power");
* continuous metrics (mean and standard deviation → n per group), the effect in units ("35 cents") or relative to
  the mean ("a 4% lift in aov");
* how many days a test must run: a quarter of the traffic exposed, three arms with traffic given per month, a given n
  per variant for an A/B/C test with a third of the users eligible;
* unequal splits ("60/40", "two for every one", "a 20% holdout as the control"), the control group's n;
* the minimum detectable effect for a fixed number of days or a fixed n, Cohen's d at a fixed n, and the power of a
  t test at a fixed n.

Written by someone who did not read the parser, and frozen before the set was first scored: report on it, never tune
on it. Conventions, expected values, the independent re-derivation and the refusal of misreadable items, shared
phrasings and shared expected values are those of ``eval/calc_build18.py`` (whose ``check`` this script runs); a
month of traffic is 30 days (and no day count here changes for a 30.44- or 31-day month).

Run: ``python -m eval.calc_build19`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

from eval import calc_build as b
from eval.calc_build18 import (
    SPECS,
    alloc,
    check,
    d_mde,
    mde_fixed,
    mde_window,
    money,
    money_alloc,
    run_days,
    size,
    t_pow,
    total_days,
)


def build19() -> None:
    SPECS.clear()
    # --- two proportions, level / power / sides said in varied ways ------------------------------------------------
    size(
        0.026,
        0.030,
        "to",
        "new signup modal. signup rate is 2.6% today and we'd like to detect it reaching 3%. 5% significance, 80% "
        "power. how many visitors per arm?",
        "2.6% vs 3.0% signups, alpha .05 / power .8 - sample size per group?",
        "how many visitors do we need in each variant to see signups move from 2.6 to 3 percent at the usual 95% "
        "confidence and 80% power",
        "we want 80 percent power at alpha = 0.05 to detect a signup rate of 3% against our current 2.6%. n per "
        "variant?",
    )
    size(
        0.18,
        0.07,
        "rel",
        "repeat order rate is 18%. at 95% confidence and 90% power, how many customers per arm to detect a 7% "
        "relative increase?",
        "18% baseline, +7% relative, 90% power, 95% confidence - n per group?",
        "how many customers in each group if we want 90 percent power to catch our 18% repeat rate growing 7% "
        "(relative), two-sided 95% confidence",
        "loyalty perk test: repeat orders ~18% today, want to detect a relative lift of 7 percent. power 90%, "
        "confidence 95%. sample per variant?",
        power=0.9,
    )
    size(
        0.052,
        0.6,
        "pp",
        "add-to-cart on mobile is 5.2%. we'd accept alpha 0.1 here and want a power of .85. how many sessions per "
        "variant to detect a 0.6pp increase?",
        "n per arm: 5.2% baseline, mde 0.6 percentage points (absolute), significance level 10%, 85% power",
        "how many mobile sessions in each group to see atc go up by 0.6 points from 5.2%, at the 0.10 significance "
        "level and power 0.85",
        "mobile atc ~5.2%. we care about +0.6 pp. sig level .1, power 85 percent. sample size per group?",
        power=0.85,
        alpha=0.1,
    )
    size(
        0.30,
        0.33,
        "to",
        "feature adoption is 30% and we hope the tooltip gets it to 33%. legal wants α=0.01 for anything customer "
        "facing. how many users per group at 80% power?",
        "30% -> 33% adoption, alpha 0.01, power 0.8: users per arm?",
        "how many users per variant to detect adoption going from thirty to thirty-three percent with a 1% "
        "significance level and 80% power",
        "tooltip test. baseline adoption 0.30, target 0.33, two-sided alpha of .01, 80% power. n in each group?",
        alpha=0.01,
    )
    size(
        0.072,
        0.9,
        "pp",
        "only an improvement matters here so we'll run it one-tailed with 90% power. conversion is 7.2% and we want "
        "to detect +0.9 percentage points. users per variant?",
        "one-sided, 90% power, baseline 7.2%, mde 0.9pp absolute - n per group?",
        "how many users in each arm to detect a 0.9 point lift on a 7.2% conversion rate with a 1-sided test at "
        "alpha .05 and 90% power",
        "7.2 percent conversion now. we want 90 percent power to see it rise by 0.9 points and only care about the "
        "upside (one tailed). sample per arm?",
        power=0.9,
        sides=1,
    )
    # --- continuous metrics ----------------------------------------------------------------------------------------
    money(
        2.10,
        9.80,
        0.35,
        "abs",
        "revenue per visitor averages $2.10 with an sd of $9.80. to detect a 35 cent increase how many visitors do "
        "we need in each arm?",
        "rpv mean $2.10, sd $9.80, mde $0.35 - visitors per group at 80% power?",
        "how many visitors per variant to catch revenue per visitor going up by $0.35? sd is 9.80 dollars and the "
        "mean is 2.10",
        "standard deviation of rpv ~ $9.80 (avg $2.10). we care about thirty five cents. n per arm, alpha .05, "
        "power 80%?",
    )
    money(
        42.0,
        70.0,
        0.04,
        "rel",
        "avg order value is $42 with a standard deviation of $70. we want to detect a 4% lift in aov. how many "
        "orders per variant?",
        "aov $42, sd $70, relative mde 4%: orders per group at 80% power?",
        "how many orders in each arm to see average order value rise 4 percent (relative)? mean is about 42 "
        "dollars, sd about 70 dollars",
        "if the bundle offer grows aov by 4% we want to know. aov ~$42, sd ~$70. sample per arm?",
    )
    money_alloc(
        14.0,
        0.8,
        1.5,
        "3/2",
        "we're splitting 60/40 with 60% on the new player and 40% as control. daily listening time has an sd of 14 "
        "mins and we want to detect a 0.8 min change. how many users in control?",
        "60/40 treatment/control, sd 14 minutes, mde 0.8 minutes of listening per day, 80% power: control group "
        "size?",
        "how many control users do we need when treatment gets 60% and control 40%, to detect a 0.8 minute "
        "difference in daily listening (sd 14 min)",
        "unequal split, 40 percent control and 60 percent new player. sd ~14 mins/day, we care about 0.8 mins. n "
        "for the control arm?",
    )
    # --- unequal splits, proportions -----------------------------------------------------------------------------
    alloc(
        0.11,
        0.125,
        "to",
        2.0,
        "2",
        "we'll send two users to the new paywall for every one in control. paywall conversion is 11% and we want to "
        "detect 12.5%. how many users in control?",
        "2:1 treatment:control, 11% -> 12.5%, 80% power - control n?",
        "how many control users to detect a move from 11 to 12.5 percent if the treatment arm gets twice the "
        "traffic of control",
        "paywall test, allocation 2 to 1 in favor of the variant. baseline 0.11, target 0.125. size of the control "
        "group?",
    )
    alloc(
        0.36,
        0.39,
        "to",
        4.0,
        "4 (a 20% holdout as the control)",
        "the new recommendations go to 80% of users and we keep a 20% holdout as the control. weekly return rate is "
        "36% and we want to detect 39%. how many users does the holdout need?",
        "80/20 treatment vs holdout, 36% -> 39% weekly return, 80% power - holdout (control) n?",
        "how big must a 20 percent holdout be to detect weekly return going from 36% to 39% when the other 80% get "
        "the recs",
        "holdout = control, 20% of traffic; the rest sees the new recs. baseline 0.36, target 0.39. n in the "
        "holdout?",
    )
    # --- days to run ------------------------------------------------------------------------------------------------
    run_days(
        0.022,
        0.15,
        "rel",
        40_000,
        "site gets ~40k visitors a day but only a quarter of them reach checkout. checkout conversion is 2.2% and we "
        "want a 15% relative mde. how many days?",
        "40,000 visitors/day, 25% reach checkout, 2.2% baseline, +15% rel lift: days to run?",
        "how long do we need to run to detect a 15 percent relative lift on a 2.2% checkout rate when a quarter of "
        "our 40k daily visitors get to checkout",
        "checkout cr 2.2%, relative mde 15%, 40k daily visitors with 25 percent hitting checkout. test length in "
        "days at 80% power?",
        share=0.25,
    )
    run_days(
        0.35,
        2.0,
        "pp",
        240_000,
        "we want to test two new search rankers against the current one, split evenly 3 ways. ~240k searches a "
        "month, search success is 35% and we care about a 2 point lift. how many days?",
        "3 arms, 240k searches/month, 35% baseline, +2pp absolute: how long in days?",
        "how many days does a control-plus-two-variants test need to detect search success going from 35% up by 2 "
        "percentage points, with about 240 thousand searches per month",
        "two challengers vs the current ranker, even three-way split. success rate 35%, mde 2 pts, traffic around "
        "240,000 searches a month. days needed?",
        per=30,
        arms=3,
    )
    total_days(
        45_000,
        3,
        30_000,
        1 / 3,
        "sample size calc came back with 45k per variant for an A/B/C test. we have ~30k users a day and a third of "
        "them are eligible. how long do we need?",
        "45,000 per arm, 3 arms, 30k daily users with 1/3 eligible - days?",
        "how many days to get 45k users into each of three groups if a third of our 30,000 daily users can enter "
        "the test",
        "three groups (control + 2 variants) at forty-five thousand each. traffic 30k/day and one in three users is "
        "eligible. duration in days?",
    )
    # --- minimum detectable effect -----------------------------------------------------------------------------------
    mde_window(
        0.12,
        4_800,
        21,
        0.7,
        "we've got three weeks. about 4,800 users a day come through onboarding and 70% of them are eligible for the "
        "test. completion is 12%. smallest relative lift we can detect?",
        "21 days, 4.8k users/day, 70% eligible, 12% baseline: relative mde at 80% power?",
        "what relative mde can we hit in 3 weeks if seven out of ten of our 4,800 daily onboarding users are in the "
        "experiment and completion is 12%",
        "three week window, forty-eight hundred users a day, 70 percent eligible, baseline completion 12 percent. "
        "minimum detectable effect, relative?",
    )
    mde_fixed(
        0.15,
        8_000,
        "each arm will get ~8k users, it's all the traffic we have. trial start rate is 15%. what's the minimum "
        "detectable effect in relative terms?",
        "8,000 per group, 15% baseline: relative mde at 80% power?",
        "with eight thousand users per variant and a 15% trial start rate, what's the smallest relative lift we "
        "could detect",
        "we're capped at 8k in each group. baseline trial starts 0.15. how small a relative change can we pick up "
        "(alpha .05, power 80%)?",
    )
    t_pow(
        None,
        4.2,
        0.5,
        600,
        "we'll get about 600 users per group. session length has an sd of 4.2 mins and we want to detect a 0.5 min "
        "change. what's our power?",
        "power: 600 per arm, sd 4.2 min, mde 0.5 min",
        "how much power do we have to catch half a minute of extra session time with 600 users in each variant? sd "
        "is 4.2 minutes",
        "if each arm has six hundred users and the sd of session length is 4.2 minutes, what power for a 0.5 minute "
        "difference, two-sided 5%",
    )
    d_mde(
        250,
        "survey experiment, we can field 250 respondents per condition. with 85% power, what's the smallest effect "
        "size (cohen's d) we'd detect?",
        "250 per group, power .85: minimum detectable d?",
        "smallest standardized difference we could pick up with two hundred and fifty people in each arm at 85 "
        "percent power",
        "two groups of 250, t test, alpha 0.05, 85% power. detectable cohen's d?",
        power=0.85,
    )


def build_checked() -> None:
    build19()
    check("test8")


def main() -> None:
    b.write_dev_round(19, build_checked, "test8")


if __name__ == "__main__":
    main()
