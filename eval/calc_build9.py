"""Dev set 9 (``calc_dev9.jsonl``): new dev questions in the formal, textbook-exercise style of published worked
examples (long sentences, "determine", "the required sample size", α written out), each with three casual
paraphrases. Numbers are our own. Written before any change it leads to; tune on it only.
Run: ``python -m eval.calc_build9``.
"""

from __future__ import annotations

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
    anova_n,
    chi_n,
    ci2,
    days,
    prop_n,
    prop_p2,
    q,
    srm,
    t1_n,
    t_n,
    t_power,
    zt,
)

HERE = Path(__file__).resolve().parent


def build9() -> None:
    q(
        "two_rates",
        "An online store has a conversion rate of 2.5%. The team wants to detect an increase to 3.0% with a two-sided test at the 5% significance level and 80% power. How many visitors are required in each group?",
        {"n_per_variant": prop_n(0.025, 0.03)},
        N,
        R_PROP,
        "2.5% -> 3.0% conversion, two-sided, 5% alpha, 80% power: visitors per group?",
        "how many visitors in each arm to detect an increase from 2.5% to 3%?",
        "store converts 2.5 percent, we want to see 3 percent - sample per variant",
    )
    q(
        "two_rates",
        "A company believes its current click-through rate is 0.35. A redesign is expected to increase it to 0.40. Using a significance level of 0.05 and a power of 90%, determine the required sample size per group.",
        {"n_per_variant": prop_n(0.35, 0.40, power=0.9)},
        N,
        R_PROP,
        "ctr 0.35 now, 0.40 expected after the redesign; alpha .05, power 90%: n per group?",
        "click-through 35% -> 40% at 90% power, how many users per arm?",
        "required sample per group for a CTR going from 0.35 to 0.4 (power 0.9)",
    )
    q(
        "money_units",
        "Suppose the mean time to complete checkout is 120 seconds with a standard deviation of 30 seconds. What sample size per group is needed to detect a reduction of 10 seconds with 80% power at α = 0.05?",
        {"n_group1": t_n(10 / 30)},
        N,
        SM_T,
        "checkout time sd 30 s, detect a 10 s reduction: users per group at 80% power?",
        "how many users in each arm to see checkout get 10 seconds faster if the sd is 30 seconds",
        "n per variant: difference 10 sec, standard deviation 30 sec, power 80%",
    )
    q(
        "solve_power",
        "Compute the power of a two-sample t-test with 25 subjects per group when the true difference in means is 5 and the common standard deviation is 8 (α = 0.05, two-sided).",
        {"power": t_power(5 / 8, 25)},
        PW,
        SM_T,
        "power of a t test, 25 per group, difference 5, sd 8?",
        "with 25 users in each arm, a mean difference of 5 and sd 8, what's our power",
        "t-test power for n = 25 per group, delta 5, sigma 8",
    )
    q(
        "solve_p2",
        "In an A/B test with 150 participants per arm and a control response rate of 30%, what is the minimum detectable response rate in the treatment arm at 80% power?",
        {"p2": prop_p2(0.30, 150)},
        CI,
        R_PROP + " p2",
        "150 per arm, 30% control rate: smallest treatment rate we can detect at 80% power?",
        "what's the lowest treatment response rate detectable with 150 participants per group and a 30% baseline",
        "min detectable p2 for n = 150 per arm and p1 = 30%",
    )
    q(
        "one_sample",
        "A die is rolled 60 times and a six appears 16 times. Test whether the die is fair.",
        {"p_value": float(stats.binomtest(16, 60, 1 / 6).pvalue)},
        PV,
        "scipy.stats.binomtest",
        "16 sixes in 60 rolls - is the die fair?",
        "is a die loaded if it shows 16 sixes out of 60 throws",
        "die: 60 rolls, 16 sixes. p-value for fairness?",
    )
    q(
        "significance",
        "Of 400 users shown version A, 48 converted; of 400 users shown version B, 70 converted. Is the difference statistically significant at the 5% level?",
        zt(48, 400, 70, 400),
        PV,
        "statsmodels proportions_ztest (pooled)",
        "A: 48 of 400 converted, B: 70 of 400. significant?",
        "is 70/400 vs 48/400 a significant difference? (A is the 48)",
        "version A 48 out of 400, version B 70 out of 400 - p-value?",
    )
    q(
        "ci_methods",
        "Calculate a 95% confidence interval for the difference in proportions using Newcombe's method: the control group had 62 successes out of 90 and the treatment group 75 out of 95.",
        ci2(62, 90, 75, 95, "newcomb"),
        CI,
        "statsmodels confint_proportions_2indep(method='newcomb')",
        "newcombe CI for the difference: control 62/90, treatment 75/95",
        "95% interval (Newcombe) for treatment minus control, 75 of 95 vs 62 of 90",
        "difference in proportions CI by newcombe - control 62 out of 90, treatment 75 out of 95",
    )
    q(
        "duration_total",
        "A website receives 12,000 visitors per day, of which 40% can be included in an experiment. If the required sample is 30,000 per variant for a two-variant test, how many days will the test need?",
        {"days_rounded_up": days(30000, 12000, 0.4)},
        EXACT,
        "ceil(2n / (traffic × share))",
        "30k per variant, 2 variants, 12,000 visitors a day with 40% eligible: how many days?",
        "how long to collect 30,000 users per group with 12k daily visitors and 40% in the experiment",
        "days needed for 30000 per arm at 12000 visitors/day, 40% exposure",
    )
    q(
        "cuped",
        "The pre-experiment metric has a correlation of 0.5 with the outcome. If 20,000 users per group were needed without adjustment, what sample size per group is needed with CUPED?",
        {"n_per_group_cuped": 20000 * 0.75},
        N,
        "Deng et al. 2013: n × (1 − ρ²)",
        "cuped, rho 0.5, 20k per group before: new n per group?",
        "with a pre-period correlation of 0.5, how many users per arm does CUPED need instead of 20,000?",
        "CUPED sample size per group: covariate correlation .5, 20000 per group unadjusted",
    )
    ps = [0.01, 0.04, 0.03, 0.005, 0.5]
    q(
        "multi_output",
        "Five p-values were obtained: 0.01, 0.04, 0.03, 0.005 and 0.5. Apply the Benjamini-Hochberg procedure and report the adjusted p-values, together with the Bonferroni-adjusted values.",
        {
            **{f"bh[{i}]": v for i, v in enumerate(adj(ps, "fdr_bh"))},
            **{f"bonferroni[{i}]": v for i, v in enumerate(adj(ps, "bonferroni"))},
        },
        PV,
        "statsmodels multipletests",
        "BH and bonferroni adjusted p for 0.01, 0.04, 0.03, 0.005, 0.5",
        "adjust these p-values with benjamini-hochberg and also bonferroni: 0.01 / 0.04 / 0.03 / 0.005 / 0.5",
        "fdr (bh) + bonferroni on p = .01, .04, .03, .005, .5",
    )
    q(
        "srm",
        "An experiment expected a 50/50 split but recorded 5,120 users in control and 4,880 in treatment. Perform a sample ratio mismatch test and report the chi-square statistic and p-value.",
        srm([5120, 4880]),
        PV,
        "scipy.stats.chisquare",
        "SRM test: 5,120 vs 4,880 users on a 50/50 design",
        "is 5120 control users vs 4880 treatment users a sample ratio mismatch (50/50)?",
        "50/50 expected, got 5,120 and 4,880 - chi square SRM check?",
    )
    q(
        "anova",
        "For a one-way ANOVA comparing 3 groups with an expected effect size f = 0.4, what sample size per group gives 80% power at α = 0.05?",
        {"n_per_group": anova_n(0.4, 3)},
        N,
        "statsmodels FTestAnovaPower",
        "anova, 3 groups, f 0.4: n per group for 80% power?",
        "how many per group for a one-way anova with three groups and cohen's f of 0.4",
        "3-group ANOVA, effect size f = .4, power .8 - per-group n?",
    )
    q(
        "chi_square",
        "Using a chi-square goodness-of-fit test with 5 categories (df = 4) and an effect size of w = 0.3, how many observations are needed for 80% power?",
        {"n_total": chi_n(0.3, 4)},
        N,
        "statsmodels GofChisquarePower",
        "chi-square gof, df 4, w 0.3: total n at 80% power?",
        "how many observations for a goodness of fit test with w = 0.3 and 4 degrees of freedom",
        "total sample for chi squared, effect w .3, df = 4, power 0.8",
    )
    q(
        "paired",
        "Each participant is measured before and after the change. The expected mean improvement is 3 points with a standard deviation of the differences of 6. How many participants are required for 90% power?",
        {"n_pairs": t1_n(0.5, power=0.9)},
        N,
        SM_T1,
        "paired, mean improvement 3, sd of differences 6, 90% power: participants?",
        "before/after on the same people: +3 expected, sd of the change 6 - how many pairs for 90% power",
        "how many pairs to detect a 3-point improvement (sd of differences 6) with power 0.9",
    )
    q(
        "invalid",
        "Determine the sample size per group for a baseline conversion rate of 1.4 and a relative lift of 10%.",
        {},
        {},
        "a proportion above 1",
        "baseline conversion 1.4, 10% relative lift: n per group?",
        "how many per arm if conversion is 1.4 and we want +10% relative",
        "sample per variant: p1 = 1.4, relative mde 10%",
        invalid="baseline",
    )


def main() -> None:
    b.write_dev_round(9, build9)


if __name__ == "__main__":
    main()
