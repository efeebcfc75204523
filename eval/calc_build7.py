"""Dev set 7 (``calc_dev7.jsonl``): new dev questions across the failure classes of issue 14, four phrasings each,
in the forms practitioners paste (the ask first, R-style ``key = value`` lists, decimals for rates, basis points,
"1 in 20", line breaks, typos). Written before any change it leads to; tune on it only. Expected values from
scipy/statsmodels via ``eval.calc_build``'s helpers. Run: ``python -m eval.calc_build7``.
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
    N,
    anova_n,
    chi_power,
    ci2,
    cohen_h_n,
    days,
    mde_days,
    prop_n,
    prop_p2,
    prop_power,
    q,
    srm,
    t_n,
    unpooled_n,
)

HERE = Path(__file__).resolve().parent


def build7() -> None:
    q(
        "two_rates",
        "Sample size?\np1 = 0.10\np2 = 0.12\npower = 0.9\nalpha = 0.05",
        {"n_per_variant": prop_n(0.10, 0.12, power=0.9)},
        N,
        R_PROP,
        "power.prop.test(p1 = 0.10, p2 = 0.12, power = 0.90) - what n?",
        "n per group for p1=10%, p2=12%, 90% power, alpha 5%",
        "How many per arm: control 0.10, treatment 0.12, power 90 percent",
    )
    q(
        "two_rates",
        "1 in 20 visitors buy today; we'd like 1 in 16. how many visitors per group?",
        {"n_per_variant": prop_n(0.05, 0.0625)},
        N,
        R_PROP,
        "conversion 5% today, hoping for 6.25%: visitors per arm at 80% power?",
        "5 percent of visitors buy now and we hope for 6.25 percent. sample per variant?",
        "how many visitors in each group to see purchases go from 5% to 6.25%",
    )
    q(
        "mde_rel_abs",
        "ctr is 3%; we want to detect a lift of 20 basis points. per-group n?",
        {"n_per_variant": prop_n(0.03, 0.032)},
        N,
        R_PROP,
        "3% CTR, MDE 0.2 percentage points (absolute): users per group?",
        "detect +0.2pp on a 3% click rate - how many users in each arm",
        "baseline ctr 3 percent, absolute mde 0.2 points, n per variant at 80% power?",
    )
    q(
        "solve_power",
        "what's the power if control has 1,200 users and treatment 800, with conversion 25% vs 30%?",
        {"power": prop_power(0.25, 0.30, 1200, ratio=800 / 1200)},
        PW,
        R_PROP + " unequal",
        "power for 25% -> 30% with 1,200 in control and 800 in treatment",
        "1200 control users, 800 treatment users, 25% vs 30%: how likely are we to detect it?",
        "control n = 1,200; treatment n = 800; rates 25% and 30%. power?",
    )
    q(
        "solve_p2",
        "power.prop.test(n = 500, p1 = 0.4, power = 0.8) - what p2?",
        {"p2": prop_p2(0.40, 500)},
        CI,
        R_PROP + " p2",
        "with 500 per group and p1 = 40%, what's the smallest p2 we can detect at 80% power?",
        "500 users in each arm on a 40% baseline: minimum detectable treatment rate?",
        "smallest second proportion detectable with n = 500 per arm, p1 0.4, power 0.8",
    )
    q(
        "mde_in_days",
        "Our test can only run 10 days. ~5k users/day, conversion 10%. What relative MDE?",
        {"mde_relative": mde_days(0.10, 5000, 10)},
        {"absolute": 0.002},
        R_PROP + " p2 from days × traffic / 2",
        "10 days x 5,000 users per day, baseline 10%: smallest relative lift detectable?",
        "what relative mde can we reach in ten days with 5000 daily users and a 10% conversion rate",
        "relative MDE for a 10-day test at 5k visitors a day on a 10 percent baseline?",
    )
    q(
        "money_units",
        "Detect a difference of 1.8 minutes in time-on-site, σ = 9 minutes, 80% power: n per group?",
        {"n_group1": t_n(1.8 / 9)},
        N,
        SM_T,
        "time on site sd 9 min, we want to see +1.8 min. users per arm?",
        "n per variant to detect a 1.8-minute change when the standard deviation is 9 minutes",
        "how many users in each group for a 1.8 min lift in time on site (sigma 9 min, power 80%)",
    )
    q(
        "allocation",
        "unequal allocation 2:1 (treatment:control). baseline 10%, target 12%. control n at 80% power?",
        {"n_control": prop_n(0.10, 0.12, ratio=2)},
        N,
        R_PROP + " unequal",
        "treatment gets twice as many users as control; 10% -> 12%: how many in control?",
        "allocation ratio 2 (treatment/control), 10% vs 12%, power 80%: control sample size?",
        "with a 2:1 split favouring treatment, control n for a 10% baseline and 12% target?",
    )
    q(
        "anova",
        "ANOVA: 6 groups, effect size f = 0.15, alpha .05, power .9. n per group?",
        {"n_per_group": anova_n(0.15, 6, power=0.9)},
        N,
        "statsmodels FTestAnovaPower",
        "one way anova with six groups, cohen's f 0.15, 90% power: how many per group?",
        "per-group sample for f = 0.15 across 6 arms at power 0.9",
        "6 groups, f .15, power 90% - anova sample size per group?",
    )
    q(
        "chi_square",
        "goodness-of-fit power: w = 0.25, df = 4, N = 200?",
        {"power": chi_power(0.25, 4, 200)},
        PW,
        "statsmodels GofChisquarePower",
        "chi-square gof with 200 observations, cohen's w 0.25, 4 degrees of freedom: power?",
        "what power does a chi squared test have for w 0.25, df 4 and N 200",
        "power for a chi-square goodness of fit test, total n 200, effect w = .25, df 4",
    )
    q(
        "method_named",
        "cohen's h sample size for 45% vs 50%, 80% power",
        {"n_per_variant": cohen_h_n(0.45, 0.50)},
        N,
        "statsmodels NormalIndPower on Cohen's h",
        "pwr.2p.test with h from 45% and 50%: n per group?",
        "arcsine (cohen's h) n per arm for 0.45 vs 0.50 at 80% power",
        "how many per group using Cohen's h for 45 -> 50 percent",
    )
    q(
        "method_named",
        "unpooled normal approximation, 18% -> 20%, 90% power: n per group?",
        {"n_per_variant": unpooled_n(0.18, 0.20, power=0.9)},
        N,
        "normal approximation with unpooled variance",
        "sample size per arm (unpooled variance) for 18% vs 20% at 90% power",
        "with unpooled variances, users per group for 18 to 20 percent, power 0.9?",
        "18% baseline, 20% target, unpooled formula, 90% power - n?",
    )
    q(
        "method_named",
        "Kohavi's 16σ²/δ² for a metric with σ = 25 and δ = 1: n per variant?",
        {"n_group1": 16 * 25**2 / 1**2},
        N,
        "van Belle / Kohavi rule of thumb 16σ²/δ²",
        "rule of thumb sample size, sigma 25, delta 1",
        "using n = 16 sigma^2 / delta^2 with sd 25 and a difference of 1, how many per group?",
        "kohavi rule-of-thumb n per variant for sd 25, mde 1 unit",
    )
    q(
        "ci_methods",
        "wald CI for B - A: A 210/3000, B 252/3000",
        ci2(210, 3000, 252, 3000, "wald"),
        CI,
        "statsmodels confint_proportions_2indep(method='wald')",
        "95% wald interval for the difference, control 210 of 3,000, treatment 252 of 3,000",
        "difference in conversion (wald CI): 252/3000 variant vs 210/3000 control",
        "give me the Wald confidence interval of treatment minus control: 210 out of 3000 vs 252 out of 3000",
    )
    q(
        "duration_total",
        "we need 90k users total; 6k visitors/day, 75% eligible. how many days?",
        {"days_rounded_up": math.ceil(90000 / (6000 * 0.75) - 1e-9)},
        EXACT,
        "ceil(total / (traffic × share))",
        "90,000 users needed overall at 6,000 visitors a day with 75% eligible: duration?",
        "how long to collect 90k users if we get 6k visitors per day and three quarters are eligible",
        "days to reach a total sample of 90000 with 6000 daily visitors, 75% of them in the test",
    )
    q(
        "duration_chain",
        "how long do we need to run? baseline 12%, want to detect 13%, 4,000 users a day",
        {"days_rounded_up": days(prop_n(0.12, 0.13), 4000)},
        EXACT,
        R_PROP + " then ceil(2n / traffic)",
        "12% -> 13% with 4k users per day: number of days at 80% power?",
        "test duration for a 12% baseline and 13% target if 4000 users enter per day",
        "days needed to detect 12 vs 13 percent at 80% power with four thousand users daily",
    )
    q(
        "multi_output",
        "Bonferroni and Holm on p-values 0.004, 0.015, 0.03",
        {
            "bonferroni[0]": 0.012,
            "bonferroni[1]": 0.045,
            "bonferroni[2]": 0.09,
        },
        PV,
        "statsmodels multipletests(method='bonferroni')",
        "adjust 0.004 / 0.015 / 0.03 with bonferroni (and holm)",
        "p = 0.004, 0.015, 0.03: bonferroni-adjusted p-values please, holm too",
        "give me holm and bonferroni adjusted p values for 0.004, 0.015 and 0.03",
    )
    q(
        "srm",
        "control 24,700 vs treatment 25,400 users on a 50/50 test - SRM? show ratio and chi2",
        srm([24700, 25400]),
        PV,
        "scipy.stats.chisquare",
        "sample ratio mismatch check: 24,700 and 25,400 users, expected 50/50",
        "is 24700 vs 25400 an SRM for an even split?",
        "50/50 split, we observed 24,700 in control and 25,400 in treatment. chi-square SRM test?",
    )
    q(
        "cuped",
        "CUPED with a pre-period correlation of 0.45: how much does our 60k-per-arm sample shrink?",
        {"n_per_group_cuped": 60000 * (1 - 0.45**2)},
        N,
        "Deng et al. 2013: n × (1 − ρ²)",
        "pre-experiment covariate correlation 0.45 (cuped); we needed 60,000 per group. new n?",
        "with cuped (rho 0.45), what's the new sample size per arm if it was 60k before?",
        "60000 users per variant without CUPED, covariate correlation .45 - how many with CUPED?",
    )
    q(
        "one_sample",
        "die rolled 120 times, 29 sixes. fair?",
        {"p_value": float(stats.binomtest(29, 120, 1 / 6).pvalue)},
        PV,
        "scipy.stats.binomtest",
        "is a die fair if we got 29 sixes in 120 rolls?",
        "120 throws of a die, 29 sixes: p-value against a fair die",
        "we rolled a die 120 times and saw 29 sixes - is it loaded?",
    )
    q(
        "significance",
        "p-value? control: 1,870 conversions / 25,000 users. treatment: 2,010 / 25,000",
        {
            "p_value": float(
                2 * stats.norm.sf(abs((2010 - 1870) / 25000 / math.sqrt(0.0776 * 0.9224 * 2 / 25000)))
            )
        },
        PV,
        "pooled two-proportion z test, scipy.stats.norm",
        "is 2,010/25,000 (treatment) vs 1,870/25,000 (control) significant?",
        "control 1870 of 25000, treatment 2010 of 25000 - significant difference?",
        "A: 1,870 conversions from 25k users. B: 2,010 from 25k. p?",
    )


def main() -> None:
    b.write_dev_round(7, build7)


if __name__ == "__main__":
    main()
