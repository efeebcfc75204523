"""Held-out set ``test10`` (``calc_test10.jsonl``, frozen by ``calc_set23.sha256``): methods beyond the plain
two-proportion test, asked casually, typed the way practitioners type them in Slack and forums, four structurally
different phrasings each (*robust* means all four pass). The same topics as the tuning round ``dev15``
(``eval/calc_build22.py``) with other scenarios, numbers and wording:

* the sample size per arm with CUPED, from a pre-period correlation or a stated variance reduction, and the days it
  then takes at a given daily traffic;
* adjusted p-values when the method is named (Bonferroni; Holm on p-values out of order; Benjamini–Hochberg with
  Bonferroni beside it);
* Fisher's exact test on small counts (a rise and a fall);
* a paired before/after design: pairs needed for a mean change given the SD of the changes, and the power of a
  given number of pairs;
* a one-way ANOVA across several arms: n per arm for Cohen's f, and the power of a given n per arm;
* a non-inferiority test of two conversion rates with a margin in percentage points, and the n per arm to show
  non-inferiority;
* a Poisson comparison of event counts over exposures, and the users per arm to detect a change in a per-user rate.

Written by someone who did not read the parser, and frozen before the set was first scored: report on it, never tune
on it. Conventions (and the frozen items they are taken from), expected values, the independent re-derivation, the
agreement of the reasonable alternative readings, and the refusal of misreadable items, shared phrasings and shared
expected values are those of ``eval/calc_build22.py`` (whose ``check`` this script runs).

Run: ``python -m eval.calc_build23`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

from eval import calc_build as b
from eval.calc_build22 import (
    SPECS,
    adjust,
    anova_pow,
    anova_size,
    check,
    cuped,
    fisher,
    ni_n,
    ni_p,
    paired_n,
    paired_power,
    poisson_n,
    poisson_p,
)


def build23() -> None:
    SPECS.clear()
    # --- CUPED ------------------------------------------------------------------------------------------------------
    cuped(
        48_000,
        "pre-period revenue correlates ~0.75 with in-test revenue. the plain power calc wants 48k users per "
        "variant - how many with cuped?",
        "48,000 per arm without variance reduction; cuped covariate r = 0.75. n per arm now?",
        "what sample size per group do we land on with cuped if the correlation is .75 and we originally needed "
        "forty-eight thousand per group",
        "cuped question: corr 0.75 between pre and post metric, original requirement 48000 users in each arm. "
        "new requirement?",
        rho=0.75,
    )
    cuped(
        25_000,
        "our pre-period covariate only correlates 0.35 with the kpi. we needed 25k per arm and we get 2,500 "
        "users a day. is cuped worth it, i.e. what's the new n per arm and the runtime in days?",
        "cuped, correlation .35, 25,000 users per variant needed, 2.5k daily traffic -> n and days?",
        "2500 new users per day, 25k required per group, and cuped with a 0.35 correlation. how many per group "
        "and how many days",
        "how many days with cuped at r=0.35? we need 25000 per arm without it and see two thousand five hundred "
        "users daily - also the per-arm n",
        rho=0.35,
        traffic=2_500,
    )
    cuped(
        90_000,
        "the experimentation platform says cuped shaves 25% off the variance for this metric. we needed 90k per "
        "arm at 12k users/day. new n per arm and number of days?",
        "cuped variance reduction 25%, n was 90,000 per group, 12k visitors a day: new n and days",
        "with a quarter of the variance removed by cuped, what's the per-variant sample size (was 90k) and how "
        "long at 12,000 users per day?",
        "12k users/day, 90000 per arm before cuped, cuped cuts variance by 25 percent - how many users per arm "
        "and days now",
        red=0.25,
        traffic=12_000,
    )
    # --- adjusted p-values ------------------------------------------------------------------------------------------
    adjust(
        [0.0031, 0.012, 0.045],
        ("bonferroni",),
        "three metrics came back at p = 0.0031, 0.012 and 0.045. bonferroni-adjusted p values?",
        "bonferroni correct .0031, .012, .045",
        "what are the bonferroni adjusted p-values if my 3 tests gave 0.0031 / 0.012 / 0.045",
        "apply a bonferroni correction to 0.0031, 0.012, 0.045 and list the adjusted values",
    )
    adjust(
        [0.027, 0.0062, 0.14, 0.013],
        ("holm",),
        "holm-bonferroni on four segment p-values, same order please: 0.027, 0.0062, 0.14, 0.013",
        "holm adjust p = .027, .0062, .14, .013 (keep order)",
        "we cut the result by 4 segments and got p-values of 0.027, 0.0062, 0.14 and 0.013 - what does the "
        "holm step-down procedure give for each",
        "adjusted p values w/ holm for 0.027 / 0.0062 / 0.14 / 0.013?",
    )
    adjust(
        [0.0015, 0.024, 0.031, 0.044, 0.17],
        ("fdr_bh", "bonferroni"),
        "five treatment arms vs control gave p = 0.0015, 0.024, 0.031, 0.044, 0.17. can you give me the "
        "benjamini-hochberg adjusted values and the bonferroni ones side by side",
        "BH and bonferroni adjusted p-values for .0015 .024 .031 .044 .17",
        "compare fdr (benjamini hochberg) with bonferroni on these p values: 0.0015, 0.024, 0.031, 0.044, 0.17",
        "p-values 0.0015 / 0.024 / 0.031 / 0.044 / 0.17 - what are they after BH, and after bonferroni?",
    )
    # --- Fisher's exact test ----------------------------------------------------------------------------------------
    fisher(
        2,
        24,
        9,
        26,
        "pilot with a handful of sales reps: control closed 2 of 24 deals, variant script closed 9 of 26. fisher "
        "exact test p-value?",
        "fisher exact p: A 2/24, B 9/26",
        "too few deals for a z test - can you do fisher's exact? variant 9 closed out of twenty-six, control 2 "
        "out of 24",
        "24 control leads (2 closed) and 26 variant leads (9 closed): p value by fisher's exact test",
    )
    fisher(
        18,
        50,
        7,
        52,
        "beta feature test on 102 users: control 18 of 50 renewed, variant 7 of 52. fisher's exact test?",
        "control 18/50 vs variant 7/52 - fisher exact p value",
        "did the variant hurt renewals? only seven out of 52 renewed vs 18 out of 50 in control. run fisher's "
        "exact please",
        "fisher exact test on renewals, old experience 18 of 50 and new experience 7 of 52, what's p",
    )
    # --- paired before/after ----------------------------------------------------------------------------------------
    paired_n(
        0.6,
        1.9,
        0.9,
        "each user is their own control (before vs after). sd of the within-user differences ~1.9, smallest "
        "change we care about 0.6. how many users for 90% power?",
        "paired sample size: delta 0.6, sd of differences 1.9, 90% power",
        "how many pairs to detect a 0.6 mean difference when the differences have an sd of 1.9, power 90 percent",
        "90% power, before/after on the same accounts, expected change 0.6, sd of changes 1.9 - pairs needed?",
    )
    paired_power(
        1.5,
        3.6,
        32,
        "we only have 32 users in the diary study, measured before and after. expected improvement 1.5 with sd of "
        "the differences 3.6. power?",
        "power of a paired t-test, n = 32 pairs, mean change 1.5, sd of change 3.6",
        "with thirty-two participants measured pre and post, whats our power to detect a 1.5 point change if the "
        "sd of the differences is 3.6",
        "32 pairs, diff 1.5, sd diff 3.6 - what power would the paired test have?",
    )
    # --- one-way ANOVA --------------------------------------------------------------------------------------------
    anova_size(
        0.18,
        3,
        0.8,
        "we're running control + 2 variants and comparing mean session time with a one-way anova. cohen's f "
        "0.18, 80% power - n per arm?",
        "one way anova, 3 arms, f = 0.18, 80% power: users per arm?",
        "how many users in each of the three groups (control and two variants) to detect an effect size f of "
        "0.18 with anova at 80 percent power",
        "n per group for anova? k = 3, effect f .18, power 0.8",
    )
    anova_pow(
        0.22,
        4,
        55,
        "4 pricing tiers tested, 55 users per tier, one-way anova on spend. power for an effect size f of 0.22?",
        "anova power, 4 groups, 55 per group, cohen's f 0.22",
        "what power does a one-way anova have with fifty-five people in each of 4 groups and f = 0.22",
        "power calc: k=4 arms x 55 users, f=0.22, anova",
    )
    # --- non-inferiority --------------------------------------------------------------------------------------------
    ni_p(
        3_120,
        9_800,
        3_050,
        9_750,
        0.02,
        "non-inferiority check with a 2 point margin: A (control) 3,120 of 9,800 activated, B (lighter "
        "onboarding) 3,050 of 9,750. p-value?",
        "noninferiority, margin 2pp: control 3120/9800, treatment 3050/9750 - p?",
        "can we say the lighter onboarding is no worse than control by more than two percentage points? B "
        "activated 3,050 of 9,750, A 3,120 of 9,800",
        "p value for a non inferiority test of new (3,050 / 9,750) against old (3,120 / 9,800), margin 0.02",
    )
    ni_n(
        0.35,
        0.03,
        0.9,
        "non-inferiority design: activation is ~35%, we'd accept up to 3 percentage points worse, and want 90% "
        "power. how many users per arm?",
        "n per group for non inferiority: baseline 35%, margin 3pp, power 90%",
        "how many users per variant do we need to show the new flow is non-inferior (margin 3 points) on a 35 "
        "percent baseline with 90 percent power",
        "90% power, margin of 3 pp, 35% conversion - non-inferiority sample size per arm?",
    )
    # --- Poisson rates ----------------------------------------------------------------------------------------------
    poisson_p(
        188,
        9_400,
        236,
        9_650,
        "refund requests: control had 188 over 9,400 user-weeks, the variant 236 over 9,650 user-weeks. is the "
        "rate difference significant? poisson test",
        "poisson test: 188 events / 9,400 user-weeks (control) vs 236 / 9,650 (variant), p-value?",
        "did the variant raise refunds? 236 refund requests in 9,650 user-weeks vs 188 in 9,400 on control "
        "(treat as poisson counts)",
        "compare two poisson rates - variant 236 events over 9650 user weeks, control 188 events over 9400 user "
        "weeks. p?",
    )
    poisson_n(
        0.12,
        0.11,
        "users hit about 0.12 errors each per week. how many users per arm to detect a drop to 0.11 with a "
        "poisson rate test, 80% power?",
        "poisson sample size per group: 0.12 -> 0.11 events per user, power 0.8",
        "if errors per user go from 0.12 down to 0.11, how many users do we need in each arm to catch it at 80 "
        "percent power (poisson)",
        "n per arm for a poisson comparison, control 0.12 errors per user vs variant 0.11, 80% power",
    )


def build_checked() -> None:
    build23()
    check("test10")


def main() -> None:
    b.write_dev_round(23, build_checked, "test10")


if __name__ == "__main__":
    main()
