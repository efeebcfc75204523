"""Dev paraphrases (``calc_dev3.jsonl``): dev items in four phrasings each, to tune paraphrase robustness on dev.

Written after calc_test2 was first scored; its failures were not looked at. Same helpers as ``eval.calc_build``.
Run: ``python -m eval.calc_build3``.
"""

from __future__ import annotations

from pathlib import Path

from eval import calc_build as b
from eval.calc_build import (
    CI,
    EXACT,
    PV,
    PW,
    R_PROP,
    SM_T,
    SM_T1,
    N,
    days,
    prop_n,
    prop_p2,
    prop_power,
    q,
    srm,
    t1_n,
    t_mde_d,
    t_n,
    zt,
)

HERE = Path(__file__).resolve().parent


def build3() -> None:
    q(
        "two_rates",
        "our checkout converts at 5.5%; we hope the new button gets 6.2%. users per group?",
        {"n_per_variant": prop_n(0.055, 0.062)},
        N,
        R_PROP,
        "5.5% vs 6.2% checkout conversion - n per arm at 80% power?",
        "Half a point and a bit: 5.5 percent now, 6.2 percent hoped. How many per variant?",
        "how many users in each group if control is 5.5% and the variant should be 6.2%",
    )
    q(
        "solve_power",
        "we'll have 3,500 per arm. baseline 18%, hoping for 20%. what's the power?",
        {"power": prop_power(0.18, 0.20, 3500)},
        PW,
        R_PROP,
        "power with 3.5k per group for 18% -> 20%?",
        "if both arms get 3,500 users, how likely are we to detect 18% vs 20%",
        "18 percent baseline, 20 percent target, 3500 users per variant: what power do we have?",
    )
    q(
        "solve_power",
        "control will get 5,000 users and the treatment 2,500; conversion 12% vs 14%. power?",
        {"power": prop_power(0.12, 0.14, 5000, ratio=0.5)},
        PW,
        R_PROP + " unequal",
        "5k control, 2.5k treatment, 12% -> 14%: how much power?",
        "what power do 5,000 control users and 2,500 treated users give for 12% vs 14%",
        "n_control 5000, n_treatment 2500, p1 12%, p2 14% - power?",
    )
    q(
        "solve_p2",
        "with 900 per group and 25% conversion, what's the smallest detectable variant rate?",
        {"p2": prop_p2(0.25, 900)},
        CI,
        R_PROP + " p2",
        "900 per arm, baseline 25%: minimum p2 at 80% power?",
        "what's the lowest treatment conversion rate we could detect with 900 users in each group on a 25% baseline",
        "smallest second rate detectable, n = 900 per group, p1 = 0.25",
    )
    q(
        "solve_d",
        "we have 60 people per arm: smallest effect size d at 80% power?",
        {"mde_cohens_d": t_mde_d(60)},
        CI,
        SM_T + " d",
        "minimum detectable Cohen's d with 60 per group?",
        "sixty participants per condition - what standardized effect can we detect (80% power)",
        "n = 60 per group, t-test, power .8: smallest d?",
    )
    q(
        "money_units",
        "revenue per visitor: sd $9, we want to see a $0.60 increase. visitors per arm?",
        {"n_group1": t_n(0.6 / 9)},
        N,
        SM_T,
        "sd 9 dollars, detect 60 cents - per group n?",
        "how many visitors per variant to detect +$0.60 in revenue per visitor when σ = $9",
        "to catch a sixty cent lift in RPV (standard deviation $9), how many users in each group",
    )
    q(
        "paired",
        "same users before and after: sd of differences 5, want to detect 1. pairs for 80% power?",
        {"n_pairs": t1_n(0.2)},
        N,
        SM_T1,
        "paired test, difference 1, SD of diffs 5: how many pairs?",
        "before/after design on identical users, delta 1 and sd of the change 5 - number of pairs at 80% power",
        "pre-post on the same people: detect a 1-point change, sd of changes 5. pairs needed?",
    )
    q(
        "allocation",
        "70/30 control/variant split, baseline 8%, target 9.5%: control size?",
        {"n_control": prop_n(0.08, 0.095, ratio=30 / 70)},
        N,
        R_PROP + " ratio 3/7",
        "we put 70% in control and 30% in the variant; 8% -> 9.5%, how many control users?",
        "with a 70/30 allocation, control sample size for 8% vs 9.5%",
        "control gets 70% of traffic, variant 30%; detect 8% vs 9.5%. control n?",
    )
    q(
        "duration_chain",
        "baseline 9%, relative MDE 10%, 7,000 visitors a day: how many days?",
        {"days_rounded_up": days(prop_n(0.09, 0.099), 7000)},
        EXACT,
        R_PROP + " then days",
        "how long at 7k visitors/day for a 10% relative lift on 9%?",
        "test duration: 9 percent baseline, 10% relative mde, 7000 daily visitors",
        "with 7,000 users per day and a 9% conversion rate, how many days to detect a 10% relative change",
    )
    q(
        "srm",
        "planned 50/50, observed 40,100 and 39,200 users: SRM?",
        srm([40100, 39200]),
        PV,
        "scipy.stats.chisquare",
        "SRM check for 40,100 vs 39,200 in an even split",
        "is 40.1k vs 39.2k a sample ratio mismatch?",
        "we meant 50-50 and got 40100 / 39200 users - mismatch?",
    )
    q(
        "significance",
        "A: 210 of 3,000 converted; B: 255 of 3,050. is B significantly better?",
        zt(210, 3000, 255, 3050),
        PV,
        "statsmodels proportions_ztest",
        "210/3000 vs 255/3050, p-value?",
        "is 255 out of 3,050 significantly different from 210 out of 3,000",
        "control 210 conversions of 3k users, variant 255 of 3,050: significant?",
    )
    q(
        "cuped",
        "cuped correlation 0.6, we needed 45k per arm and get 9k users a day: new n and days?",
        {"n_per_group_cuped": 45000 * 0.64, "days_with_cuped": b.math.ceil(2 * 45000 * 0.64 / 9000 - 1e-9)},
        N,
        "Deng et al. 2013",
        "with CUPED at rho .6: 45,000 per group, 9,000 users/day - n and duration now?",
        "pre-period covariate correlates 0.6; sample was 45k per arm at 9k per day. what with CUPED?",
        "45k per group needed, 9k daily users, CUPED correlation 0.6: how many users and days with cuped",
    )


def main() -> None:
    b.write_dev_round(3, build3)


if __name__ == "__main__":
    main()
