"""Dev set 6 (``calc_dev6.jsonl``): new dev questions for the classic classes, four phrasings each, with the
wording variety that breaks parsers (typos, numbers in words, k/M, several facts per sentence, the ask first or
last). Written before any change it leads to; tune on it only. Expected values from scipy/statsmodels via
``eval.calc_build``'s helpers. Run: ``python -m eval.calc_build6``.
"""

from __future__ import annotations

import math
from pathlib import Path

from scipy import stats

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
    adj,
    chi_n,
    ci2,
    cohen_h_n,
    compromise,
    days,
    evan_miller_n,
    mde_days,
    prop_n,
    prop_p2,
    prop_power,
    q,
    t1_n,
    t_mde_d,
    t_n,
    t_power,
    unpooled_n,
)

HERE = Path(__file__).resolve().parent


def build6() -> None:
    q(
        "two_rates",
        "need sample size per variant. current signup rate 6.5%, variant expected 7.5%, standard 80% power / 5% alpha",
        {"n_per_variant": prop_n(0.065, 0.075)},
        N,
        R_PROP,
        "6.5% -> 7.5% signups: users per variant (80% power, alpha 5%)?",
        "How many users per group do I need if signups are 6.5% in control and I expect 7.5% in the variant?",
        "signup rate six and a half percent now, 7.5 percent hoped for - sample per arm",
    )
    q(
        "solve_power",
        "power check: 1.5M users split 50/50, baseline 0.8%, hoped-for 0.85%",
        {"power": prop_power(0.008, 0.0085, 750000)},
        PW,
        R_PROP,
        "750k per arm, 0.8% vs 0.85% conversion. what's the power?",
        "with 750,000 users in each group how much power do we have to detect 0.8% -> 0.85%",
        "we will have 750k users per variant; baseline is 0.8 percent and target 0.85 percent. power?",
    )
    q(
        "solve_power",
        "treatment gets 3,000 users and control gets 6,000. baseline 20%, target 22.5%. what's our power?",
        {"power": prop_power(0.20, 0.225, 6000, ratio=0.5)},
        PW,
        R_PROP + " unequal",
        "power for 20% vs 22.5% with 6,000 in control and 3,000 in treatment?",
        "control n 6000, treatment n 3000, 20 percent baseline, 22.5 percent target - power?",
        "if we put 6k users in control and 3k in the variant, what power do we have for 20% -> 22.5%",
    )
    q(
        "solve_p2",
        "what's the min p2 we can detect with 2,500 per arm if p1 = 0.35?",
        {"p2": prop_p2(0.35, 2500)},
        CI,
        R_PROP + " p2",
        "p1 35%, n = 2500 per group: smallest detectable second rate (80% power)?",
        "with 2.5k users in each group and 35% conversion, what's the lowest variant rate we could detect?",
        "smallest treatment rate detectable at 80% power, 2,500 per arm, baseline thirty-five percent",
    )
    q(
        "solve_d",
        "what effect size d could we detect with 40 users per group and 90% power?",
        {"mde_cohens_d": t_mde_d(40, power=0.9)},
        {"absolute": 0.002},
        SM_T,
        "40 per arm, 90% power: smallest cohen's d?",
        "minimum detectable standardized effect with n = 40 per group at 0.9 power",
        "with forty users in each group, what's the smallest d detectable at 90% power?",
    )
    q(
        "mde_in_days",
        "we can run 3 weeks at 12k visitors per day with a 2% baseline. what relative mde is reachable?",
        {"mde_relative": mde_days(0.02, 12000, 21)},
        {"absolute": 0.002},
        R_PROP + " p2 from days × traffic / 2",
        "21 days, 12,000 daily visitors, conversion 2%: smallest relative lift we can detect?",
        "three weeks of 12k visitors a day on a 2 percent baseline - what's the MDE (relative)?",
        "what relative MDE can we detect in 21 days with 12000 visitors/day and 2% conversion",
    )
    q(
        "one_sample",
        "one-sample t-test against a target of 100: expected shift 4, sd 15, how many observations for 80% power?",
        {"n": t1_n(4 / 15)},
        N,
        SM_T1,
        "single sample vs a known mean of 100, detect a shift of 4 with sd 15: n?",
        "how many measurements to detect a 4-point difference from a fixed target (sd 15, one-sample t, 80% power)",
        "one sample t test: delta 4, sigma 15. observations needed at 80% power?",
    )
    q(
        "paired",
        "before/after on the same users: expected change 0.8, sd of the differences 2.5. how many pairs for 90% power?",
        {"n_pairs": t1_n(0.8 / 2.5, power=0.9)},
        N,
        SM_T1,
        "paired test, mean difference 0.8, sd of differences 2.5, 90% power: pairs needed?",
        "we measure each user twice (pre and post). change 0.8, sd of the change 2.5 - number of pairs at 90% power?",
        "how many pairs to detect a 0.8 change with an sd of differences of 2.5 (paired, power 0.9)",
    )
    q(
        "allocation",
        "80/20 split (control/variant), baseline 15%, target 17%: how many in control at 80% power?",
        {"n_control": prop_n(0.15, 0.17, ratio=20 / 80)},
        N,
        R_PROP + " unequal",
        "with an 80/20 split between control and variant, how many control users for 15% -> 17%?",
        "control gets 80% of traffic and the variant 20%; baseline 15%, target 17%. control sample size?",
        "n in control for 15% vs 17% if we allocate 80% to control and 20% to the variant",
    )
    q(
        "chi_square",
        "chi-square test with 2 degrees of freedom, effect size w = 0.2: total sample for 80% power?",
        {"n_total": chi_n(0.2, 2)},
        N,
        "statsmodels GofChisquarePower",
        "w = 0.2, df = 2, chi square: how many observations in total at 80% power?",
        "total N for a chi-squared test, cohen's w 0.2 and 2 df",
        "how many people in total to detect w of 0.2 with a chi square test (2 degrees of freedom)",
    )
    a1, p1 = compromise(0.4, 60, 2)
    q(
        "compromise",
        "compromise analysis: d = 0.4, 60 per group, beta/alpha = 2. which alpha and power?",
        {"alpha": a1, "power": p1},
        {"absolute": 0.001},
        "G*Power compromise, noncentral t (scipy)",
        "G*Power compromise power analysis for d 0.4 with n = 60 per group and a β/α ratio of 2",
        "what alpha and power balance beta/alpha = 2 for cohen's d 0.4 and 60 per group (compromise)?",
        "compromise power: effect 0.4, 60 in each group, q = 2",
    )
    q(
        "method_named",
        "pwr.2p.test / cohen's h: 30% vs 35%, how many per group at 90% power?",
        {"n_per_variant": cohen_h_n(0.30, 0.35, 0.9)},
        N,
        "statsmodels NormalIndPower on Cohen's h",
        "using the arcsine method (cohen's h), n per group for 30% -> 35% with 90% power",
        "with Cohen's h, how many users per arm to detect 30 vs 35 percent at 0.9 power?",
        "arcsine transform sample size: p1 0.30, p2 0.35, power 90%",
    )
    q(
        "method_named",
        "Evan Miller's calculator: baseline 4%, target 4.5%. sample per variation?",
        {"n_per_variant": evan_miller_n(0.04, 0.045)},
        N,
        "evanmiller.org formula",
        "what would evan miller's sample size calculator say for 4% -> 4.5%?",
        "sample size per variation, Evan Miller conventions, 4 percent to 4.5 percent",
        "evanmiller.org: conversion 4%, we want to detect 4.5%. users per group?",
    )
    q(
        "method_named",
        "unpooled variance: 12% vs 14%, n per group at 80% power?",
        {"n_per_variant": unpooled_n(0.12, 0.14)},
        N,
        "normal approximation with unpooled variance",
        "sample size per arm for 12% -> 14% with the unpooled variance formula",
        "using unpooled variances, how many users in each group to go from 12 to 14 percent",
        "n per group (unpooled) for a 12% baseline and a 14% target?",
    )
    q(
        "method_named",
        "kohavi's rule of thumb: conversion 8%, detect a 5% relative change. users per variant?",
        {"n_group1": 16 * 0.08 * 0.92 / (0.08 * 0.05) ** 2},
        N,
        "Kohavi et al. 2009: 16 p(1−p)/δ²",
        "rule of thumb n = 16σ²/δ² for an 8% conversion rate and a 5% relative lift",
        "using the 16 sigma squared over delta squared rule: 8% baseline, 5% relative mde, n per variant?",
        "Kohavi rule-of-thumb sample size per group, baseline 8 percent, relative change 5 percent",
    )
    q(
        "ci_methods",
        "newcombe interval for the difference: control 88/1,100, treatment 121/1,080",
        ci2(88, 1100, 121, 1080, "newcomb"),
        CI,
        "statsmodels confint_proportions_2indep(method='newcomb')",
        "Newcombe CI for B − A with A 88 of 1100 and B 121 of 1080",
        "95% newcombe confidence interval on the difference in conversion (control 88 out of 1,100, variant 121 out of 1,080)",
        "difference in rates, newcombe score interval: 121/1080 treatment vs 88/1100 control",
    )
    q(
        "duration_chain",
        "2 variants + control, baseline 5%, 10% relative lift, 15k users/day. how many days?",
        {"days_rounded_up": days(prop_n(0.05, 0.055), 15000, arms=3)},
        EXACT,
        R_PROP + " then ceil(3n / traffic)",
        "a/b/c test (two variants), 5% conversion, +10% relative, 15,000 visitors a day: duration in days?",
        "how long with 15k daily users split over control and two variants to detect a 10% relative lift on 5%?",
        "days needed: three arms, baseline 5 percent, relative mde 10 percent, fifteen thousand users per day",
    )
    q(
        "duration_total",
        "total sample needed is 1.2M, we get 80k visitors daily and 50% enter the experiment. days?",
        {"days_rounded_up": math.ceil(1_200_000 / (80_000 * 0.5) - 1e-9)},
        EXACT,
        "ceil(total / (traffic × share))",
        "1,200,000 users needed overall with 80,000 a day, half of them in the test - how many days?",
        "how long to collect 1.2 million users if 40k of our 80k daily visitors enter the test? (50% exposed)",
        "duration for a total sample of 1.2M at 80k visitors/day with 50% exposure",
    )
    q(
        "multi_output",
        "benjamini-hochberg on 0.001, 0.008, 0.039, 0.041, 0.6 and bonferroni for comparison",
        {
            **{f"bh[{i}]": v for i, v in enumerate(adj([0.001, 0.008, 0.039, 0.041, 0.6], "fdr_bh"))},
            **{
                f"bonferroni[{i}]": v
                for i, v in enumerate(adj([0.001, 0.008, 0.039, 0.041, 0.6], "bonferroni"))
            },
        },
        PV,
        "statsmodels multipletests",
        "adjust p-values 0.001, 0.008, 0.039, 0.041, 0.6 with BH and also show Bonferroni",
        "FDR (BH) and bonferroni adjusted values for p = 0.001 / 0.008 / 0.039 / 0.041 / 0.6",
        "I ran 5 tests: p = .001, .008, .039, .041, .6. BH-adjust them and give bonferroni too",
    )
    q(
        "cuped",
        "cuped removes 30% of the variance. we needed 50k users per group at 10k users a day - new n and days?",
        {"n_per_group_cuped": 50000 * 0.7, "days_with_cuped": math.ceil(2 * 50000 * 0.7 / 10000 - 1e-9)},
        N,
        "Deng et al. 2013: n × (1 − R²); days = 2n/traffic",
        "variance reduction of 30% from CUPED, 50,000 per arm without it, 10k daily users: how many users and days now?",
        "with a 30% variance reduction (cuped), what happens to 50k per group and how many days at 10,000 users/day?",
        "CUPED cuts variance by 30 percent; original n 50000 per variant; traffic 10k per day. new sample size and duration?",
    )
    q(
        "significance",
        "variant: 1,045 signups from 20,000 visitors; control: 960 from 20,000. is the lift significant?",
        {
            "p_value": float(
                2
                * stats.norm.sf(
                    abs((1045 / 20000 - 960 / 20000) / math.sqrt(0.050125 * 0.949875 * 2 / 20000))
                )
            )
        },
        PV,
        "pooled two-proportion z test, scipy.stats.norm",
        "control 960/20000, variant 1045/20000: p-value?",
        "is 1,045 of 20k (variant) vs 960 of 20k (control) statistically significant?",
        "A 960 signups out of 20,000, B 1,045 out of 20,000 - significant difference?",
    )
    q(
        "solve_power",
        "t-test power with 80 per group, difference 5, sd 20?",
        {"power": t_power(5 / 20, 80)},
        PW,
        SM_T,
        "80 users per arm, detect a mean difference of 5 when sd is 20 - power?",
        "what's the power of a two-sample t test with n = 80 per group, delta 5, sigma 20",
        "with eighty per group, sd 20 and a difference of 5, how much power do we have?",
    )
    q(
        "money_units",
        "AOV ~ €85, sd €60; we want to detect €3. orders per arm at 90% power, alpha 1%?",
        {"n_group1": t_n(3 / 60, power=0.9, alpha=0.01)},
        N,
        SM_T,
        "detect a €3 change in order value (sd €60), 90% power, 1% significance: n per group?",
        "standard deviation 60 euros, difference 3 euros, alpha 0.01, power 0.9 - orders needed per variant?",
        "how many orders in each group to detect +3 EUR with sd 60 EUR at alpha 1% and 90% power",
    )


def main() -> None:
    b.write_dev_round(6, build6)


if __name__ == "__main__":
    main()
