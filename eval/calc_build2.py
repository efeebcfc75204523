# ruff: noqa: B026 - paraphrases follow the keyword that marks a missing-input item
"""A second frozen calculation set, written after the first test half had been scored once.

The first test half (``calc_test.jsonl``) was scored once and its failures were seen; changes made after that are
tuned on ``calc_dev2.jsonl`` only, and ``calc_test2.jsonl`` (with three paraphrases per item) is the clean held-out
measure of them. Same helpers and sources as ``eval.calc_build`` (statsmodels / scipy, cited tables).

Run: ``python -m eval.calc_build2`` (only before calc_test2 is first scored).
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

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
    ci2,
    cohen_h_n,
    days,
    evan_miller_n,
    prop_n,
    prop_p2,
    prop_power,
    q,
    srm,
    t1_n,
    t_mde_d,
    t_n,
    t_power,
    unpooled_n,
    zt,
)

HERE = Path(__file__).resolve().parent


def build2() -> None:
    # dev2: one phrasing each -------------------------------------------------------------------------------------
    q(
        "two_rates",
        "pls help: signup conv currently ~11%, pm thinks new form gets us to 12.5%. how many ppl per bucket?",
        {"n_per_variant": prop_n(0.11, 0.125)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "We'd like to detect an increase in CTR from 3.0% up to 3.4%; what's the required n per arm (alpha=.05, 1-beta=.8)?",
        {"n_per_variant": prop_n(0.03, 0.034)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "A is converting around 19%. B could be 21%. sample needed per side?",
        {"n_per_variant": prop_n(0.19, 0.21)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "for 80% power at 5% significance, how many users per variant to tell apart 14 and 16 percent conversion",
        {"n_per_variant": prop_n(0.14, 0.16)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "cr is 4.5%, looking for +8% relative. users per arm, 90% pwr?",
        {"n_per_variant": prop_n(0.045, 0.045 * 1.08, 0.9)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "smallest change we care about is 1.5 percentage points on a 35% baseline. what n per group?",
        {"n_per_variant": prop_n(0.35, 0.365)},
        N,
        R_PROP,
    )
    q(
        "money_units",
        "Std dev of order value ≈ $42. Want to catch a $3 uplift. Orders per arm?",
        {"n_group1": t_n(3 / 42)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "page load: sd 300ms, we care about 40ms. how many samples per group with 90% power",
        {"n_group1": t_n(40 / 300, 0.9)},
        N,
        SM_T,
    )
    q(
        "solve_power",
        "with only 1500 users per arm, what's our power for 8% -> 10% conversion?",
        {"power": prop_power(0.08, 0.10, 1500)},
        PW,
        R_PROP,
    )
    q(
        "solve_power",
        "control got 4,000 visitors and the variant 2,000. conversion 6% in control, we hope 7.5%. power?",
        {"power": prop_power(0.06, 0.075, 4000, ratio=0.5)},
        PW,
        R_PROP + " with unequal groups",
    )
    q(
        "solve_power",
        "t-test power: 80 per group, difference 3, SD 9?",
        {"power": t_power(3 / 9, 80)},
        PW,
        SM_T,
    )
    q(
        "solve_p2",
        "if each arm gets 1,200 users and baseline is 30%, whats the lowest variant rate we'd detect at 80% power",
        {"p2": prop_p2(0.30, 1200)},
        CI,
        R_PROP + " solved for p2",
    )
    q(
        "solve_d",
        "with 50 participants per group what's the minimum detectable Cohen's d at 80% power?",
        {"mde_cohens_d": t_mde_d(50)},
        CI,
        SM_T + " solved for d",
    )
    q(
        "mde_in_days",
        "traffic 8k/day, we can run 10 days, baseline 6%: smallest relative lift detectable?",
        {"mde_relative": b.mde_days(0.06, 8000, 10)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
    )
    q(
        "one_sample",
        "we flipped a coin 200 times, 115 heads. fair?",
        {"p_value": float(b.stats.binomtest(115, 200, 0.5).pvalue)},
        PV,
        "scipy.stats.binomtest",
    )
    q(
        "one_sample",
        "one sample t test: detect a shift of 4 with sd 10, how many observations at 80% power?",
        {"n": t1_n(0.4)},
        N,
        SM_T1,
    )
    q(
        "paired",
        "pre/post on the same 40 stores, mean change 2.5, sd of changes 6 - power?",
        {"power": b.t1_power(2.5 / 6, 40)},
        PW,
        SM_T1,
    )
    q(
        "allocation",
        "60/40 split control vs variant, 15% -> 17%, how big must control be?",
        {"n_control": prop_n(0.15, 0.17, ratio=40 / 60)},
        N,
        R_PROP + " with ratio 2/3",
    )
    q(
        "anova",
        "4 variants compared by anova (f=0.2), how many users in each group for 80% power?",
        {"n_per_group": b.anova_n(0.2, 4)},
        N,
        "statsmodels FTestAnovaPower (total / k)",
    )
    q(
        "chi_square",
        "chi2 test with df=2 and effect w=0.15 - what N for 90% power?",
        {"n_total": b.chi_n(0.15, 2, 0.9)},
        N,
        "statsmodels GofChisquarePower (n_bins = df + 1)",
    )
    a, p = b.compromise(0.6, 40, 1.5)
    q(
        "compromise",
        "compromise analysis please: d=0.6, 40 per group, ratio beta/alpha = 1.5",
        {"alpha": a, "power": p},
        {"absolute": 0.001},
        "scipy noncentral t, G*Power compromise",
    )
    q(
        "method_named",
        "cohens h, 30% vs 36%, 90% power: n per group?",
        {"n_per_variant": cohen_h_n(0.30, 0.36, 0.9)},
        N,
        "statsmodels NormalIndPower with proportion_effectsize",
    )
    q(
        "method_named",
        "unpooled SE version please: 9% vs 11%, n/arm at 80%",
        {"n_per_variant": unpooled_n(0.09, 0.11)},
        N,
        "scipy norm (unpooled)",
    )
    q(
        "method_named",
        "what would evan miller's tool say for baseline 12% and 10% relative MDE?",
        {"n_per_variant": evan_miller_n(0.12, 0.132)},
        N,
        "evanmiller.org formula",
    )
    q(
        "method_named",
        "rule-of-thumb n for sd 4 and delta 0.5",
        {"n_group1": 16 * 16 / 0.25},
        N,
        "Kohavi et al. 2009: 16σ²/δ²",
    )
    q(
        "ci_methods",
        "agresti caffo ci for difference: 33/410 control, 52/400 treatment",
        ci2(33, 410, 52, 400, "agresti-caffo"),
        CI,
        "statsmodels confint_proportions_2indep",
    )
    q(
        "ci_methods",
        "wald 95% interval on B-A, A=140 of 2000, B=171 of 2050",
        ci2(140, 2000, 171, 2050, "wald"),
        CI,
        "statsmodels confint_proportions_2indep",
    )
    q(
        "duration_total",
        "need ~300k total users, 25k visitors/day, 50% allocated to the experiment. days?",
        {"days_rounded_up": math.ceil(300000 / 12500)},
        EXACT,
        "arithmetic",
    )
    q(
        "duration_total",
        "sample size calc said 22,000 per variant; A/B test; 4,400 visitors daily. how long?",
        {"days_rounded_up": math.ceil(44000 / 4400)},
        EXACT,
        "arithmetic",
    )
    q(
        "duration_chain",
        "how many days: baseline 8%, mde 5% relative, traffic 30k/day?",
        {"days_rounded_up": days(prop_n(0.08, 0.084), 30000)},
        EXACT,
        R_PROP + " then days",
    )
    q(
        "multi_output",
        "p-values .001 .02 .04 .3 - give BH adjusted and Bonferroni adjusted",
        {
            **{f"bh[{i}]": v for i, v in enumerate(adj([0.001, 0.02, 0.04, 0.3], "fdr_bh"))},
            **{f"bonferroni[{i}]": v for i, v in enumerate(adj([0.001, 0.02, 0.04, 0.3], "bonferroni"))},
        },
        PV,
        "statsmodels multipletests",
    )
    q("srm", "SRM? planned 50/50, got 101,200 vs 98,900", srm([101200, 98900]), PV, "scipy.stats.chisquare")
    q(
        "cuped",
        "with cuped (rho = 0.65) and a required 70k users per arm at 14k users/day, new n and days?",
        {
            "n_per_group_cuped": 70000 * (1 - 0.65**2),
            "days_with_cuped": math.ceil(2 * 70000 * (1 - 0.65**2) / 14000 - 1e-9),
        },
        N,
        "Deng et al. 2013",
    )
    q(
        "significance",
        "variant: 410 orders / 5,200 visitors; control: 360 / 5,100. significant?",
        zt(360, 5100, 410, 5200),
        PV,
        "statsmodels proportions_ztest (pooled)",
    )
    q(
        "missing",
        "how many visitors do we need per arm to see a 12% relative lift at 90% power?",
        {},
        {},
        "needs: no baseline",
        needs=["baseline"],
    )
    q(
        "missing",
        "how long should the test run if we need to detect 5% -> 5.5%?",
        {},
        {},
        "needs: no traffic",
        needs=["daily_traffic"],
    )
    q("missing", "n per group for a $5 difference in order value?", {}, {}, "needs: no SD", needs=["sd"])
    q(
        "invalid",
        "baseline conversion 250%, detect a 10% lift, n?",
        {},
        {},
        "a rate above 100%",
        invalid="baseline",
    )
    q("invalid", "sample size at power = 2 for 10% vs 12%?", {}, {}, "power must be below 1", invalid="power")

    # test2: three paraphrases each ------------------------------------------------------------------------------
    q(
        "two_rates",
        "currently 27% of trials convert; if the new pricing page lifts that to 30%, how many trials per arm do we need?",
        {"n_per_variant": prop_n(0.27, 0.30)},
        N,
        R_PROP,
        "27% -> 30% trial conversion, n per arm at 80% power?",
        "how many trials in each group to see conversion go from 27 percent to 30 percent",
        "trial conversion is 27% now and we expect 30% with the new page; per-arm sample size?",
    )
    q(
        "mde_rel_abs",
        "baseline 3.5%, relative MDE 12%, power 85%: users per variant?",
        {"n_per_variant": prop_n(0.035, 0.035 * 1.12, 0.85)},
        N,
        R_PROP,
        "how many users per variant to detect a 12% relative lift on a 3.5% baseline with 85% power",
        "we convert 3.5% and want to catch +12% relative at 85% power - n per arm?",
        "per-group sample for an MDE of 12% (relative) when conversion is 3.5%, power 0.85",
    )
    q(
        "money_units",
        "AOV has a standard deviation of $18 and we want to detect a $1.20 change. orders per group at 80% power?",
        {"n_group1": t_n(1.2 / 18)},
        N,
        SM_T,
        "sd $18, delta $1.20 - orders per variant?",
        "how many orders per arm to pick up a $1.20 shift in average order value (σ = $18)",
        "to detect a 1.20 dollar change in AOV with an SD of 18 dollars, what n per group",
    )
    q(
        "solve_power",
        "what power do we get with 6,000 users per arm if conversion goes from 4% to 4.6%?",
        {"power": prop_power(0.04, 0.046, 6000)},
        PW,
        R_PROP,
        "6k per arm, 4% vs 4.6%: power?",
        "how much power to detect 4% -> 4.6% with 6,000 users in each group",
        "power for a 4 percent baseline and 4.6 percent target with 6000 per variant",
    )
    q(
        "solve_power",
        "1,000 users in control and 1,500 in treatment, conversion 20% vs 24% - what's the power?",
        {"power": prop_power(0.20, 0.24, 1000, ratio=1.5)},
        PW,
        R_PROP + " with unequal groups",
        "control n 1000, treatment n 1500, rates 20% and 24%: power?",
        "how much power with 1,000 control users and 1,500 treatment users for 20% vs 24%",
        "we'll have 1k in control and 1.5k in treatment; baseline 20%, target 24%. power?",
    )
    q(
        "solve_p2",
        "with 2,500 users per group and a 10% baseline, what's the smallest treatment rate we can detect (80% power)?",
        {"p2": prop_p2(0.10, 2500)},
        CI,
        R_PROP + " solved for p2",
        "2.5k per arm, baseline 10%: lowest detectable variant rate?",
        "what p2 can we detect with 2500 users per group when p1 is 10%",
        "smallest second conversion rate detectable with 2,500 per arm on a 10% baseline at 80% power",
    )
    q(
        "solve_d",
        "with 80 subjects per group, what's the smallest Cohen's d detectable at 90% power?",
        {"mde_cohens_d": t_mde_d(80, 0.9)},
        CI,
        SM_T + " solved for d",
        "80 per group, 90% power: minimum detectable d?",
        "smallest standardized effect size with 80 per arm and power 0.9",
        "what effect size d can we detect with eighty subjects in each group at 90% power",
    )
    q(
        "mde_in_days",
        "we can run 14 days with 3,000 users a day on a 12% baseline. what relative MDE?",
        {"mde_relative": b.mde_days(0.12, 3000, 14)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
        "14 days × 3k users/day, baseline 12%: relative MDE?",
        "what's the smallest relative lift detectable in 14 days at 3,000 daily users with a 12% conversion rate",
        "two weeks of 3000 users per day and 12% conversion - what relative mde can we reach",
    )
    q(
        "one_sample",
        "a coin came up heads 62 times in 100 flips. is it fair?",
        {"p_value": float(b.stats.binomtest(62, 100, 0.5).pvalue)},
        PV,
        "scipy.stats.binomtest",
        "62 heads out of 100 tosses: fair coin?",
        "is the coin biased if we got 62 heads in 100 flips",
        "100 coin flips, 62 heads - p-value for a fair coin?",
    )
    q(
        "paired",
        "paired design: detect a mean change of 0.8 with sd of differences 2, how many pairs for 90% power?",
        {"n_pairs": t1_n(0.4, 0.9)},
        N,
        SM_T1,
        "before/after on the same users, delta 0.8, sd of diffs 2, 90% power - pairs?",
        "how many pairs for a paired t test with difference 0.8 and sd of the differences 2 at 90% power",
        "pre-post design, change of 0.8, SD of change 2: number of pairs needed (power 0.9)",
    )
    q(
        "allocation",
        "80/20 split (control/variant), 5% vs 6% - how many in control?",
        {"n_control": prop_n(0.05, 0.06, ratio=0.25)},
        N,
        R_PROP + " with ratio 1/4",
        "control gets 80% and variant 20% of traffic; 5% -> 6%: control n?",
        "with an 80/20 allocation how many control users to detect 5% vs 6%",
        "we put 80% in control and 20% in the variant. baseline 5%, target 6%. control sample size?",
    )
    q(
        "anova",
        "one-way ANOVA, 5 groups, f = 0.25, power 90%: n per group?",
        {"n_per_group": b.anova_n(0.25, 5, 0.9)},
        N,
        "statsmodels FTestAnovaPower (total / k)",
        "anova with five groups, Cohen's f 0.25, 90% power - per group n?",
        "how many per group for an ANOVA across 5 groups, effect size f = 0.25, power 0.9",
        "5-group one-way anova, f=.25, 90% power. sample size per group?",
    )
    q(
        "chi_square",
        "chi-square test, w = 0.2, df = 3: total N for 80% power?",
        {"n_total": b.chi_n(0.2, 3)},
        N,
        "statsmodels GofChisquarePower",
        "Cohen's w 0.2 with 3 degrees of freedom, 80% power: N?",
        "how many observations in total for a chi-square test with df 3 and w = .2",
        "total sample size, chi squared, effect size w of 0.2, three df, power 80%",
    )
    q(
        "method_named",
        "using Cohen's h, how many per group for 40% vs 46% at 80% power?",
        {"n_per_variant": cohen_h_n(0.40, 0.46)},
        N,
        "statsmodels NormalIndPower with proportion_effectsize",
        "arcsine method: 40% vs 46%, n per group?",
        "pwr.2p.test style sample size for 0.40 vs 0.46, 80% power",
        "Cohen's h based n per arm for 40 percent vs 46 percent",
    )
    q(
        "method_named",
        "Kohavi rule of thumb: 8% conversion, detect a 10% relative change - users per variant?",
        {"n_group1": 16 * 0.08 * 0.92 / 0.008**2},
        N,
        "Kohavi et al. 2009 with σ² = p(1−p)",
        "16σ²/δ² for an 8% rate and a 10% relative MDE?",
        "rule of thumb sample size, baseline 8%, 10% relative change",
        "using 16 sigma squared over delta squared with an 8 percent conversion rate and a relative change of 10%, n per variant?",
    )
    q(
        "ci_methods",
        "newcombe CI for the difference, control 60 of 800, treatment 84 of 790",
        ci2(60, 800, 84, 790, "newcomb"),
        CI,
        "statsmodels confint_proportions_2indep",
        "Newcombe interval: A = 60/800, B = 84/790",
        "95% newcombe confidence interval on the difference between 60 out of 800 and 84 out of 790",
        "difference CI (Newcombe) for control 60/800 vs variant 84/790",
    )
    q(
        "duration_total",
        "we need 120,000 users in total, we get 10,000 a day and 60% of them enter the test. how many days?",
        {"days_rounded_up": math.ceil(120000 / 6000)},
        EXACT,
        "arithmetic",
        "120k users needed overall, 10k daily traffic, 60% exposed: days?",
        "how long to collect 120000 users with 10,000 visitors a day when 60% of traffic is in the experiment",
        "total sample 120k; traffic 10k/day; 60% of traffic enters the test - duration?",
    )
    q(
        "duration_chain",
        "baseline 15%, 7% relative MDE, 9,000 visitors a day - how many days?",
        {"days_rounded_up": days(prop_n(0.15, 0.1605), 9000)},
        EXACT,
        R_PROP + " then days",
        "how long must the test run at 9k visitors/day for a 7% relative lift on 15%",
        "15% baseline, mde 7% relative, 9000 daily visitors: test duration in days?",
        "days needed to detect a 7 percent relative improvement on a 15 percent conversion rate with 9,000 visitors per day",
    )
    ps = [0.002, 0.018, 0.03, 0.045, 0.5]
    q(
        "multi_output",
        "BH-adjust 0.002, 0.018, 0.03, 0.045, 0.5 and show Bonferroni too",
        {
            **{f"bh[{i}]": v for i, v in enumerate(adj(ps, "fdr_bh"))},
            **{f"bonferroni[{i}]": v for i, v in enumerate(adj(ps, "bonferroni"))},
        },
        PV,
        "statsmodels multipletests",
        "benjamini-hochberg and bonferroni adjusted values for p = 0.002, 0.018, 0.03, 0.045, 0.5",
        "give me both BH and Bonferroni adjusted p-values: .002, .018, .03, .045, .5",
        "p values 0.002 0.018 0.03 0.045 0.5 - adjust with benjamini hochberg, and bonferroni for comparison",
    )
    q(
        "srm",
        "50/50 test with 14,800 and 15,450 users - is there a sample ratio mismatch?",
        srm([14800, 15450]),
        PV,
        "scipy.stats.chisquare",
        "SRM check: 14,800 vs 15,450 on an even split",
        "we planned 50-50 and got 14800 and 15450 users. srm?",
        "is 14.8k vs 15.45k a sample ratio mismatch for a 50/50 test",
    )
    q(
        "cuped",
        "CUPED with a correlation of 0.55: we needed 50,000 per group and get 10,000 users a day. new n and days?",
        {
            "n_per_group_cuped": 50000 * (1 - 0.55**2),
            "days_with_cuped": math.ceil(2 * 50000 * (1 - 0.55**2) / 10000 - 1e-9),
        },
        N,
        "Deng et al. 2013",
        "rho 0.55 cuped, 50k per group, 10k users/day: sample size and days with CUPED?",
        "if the pre-period covariate correlates 0.55 with the metric, what do 50,000 per arm and 10,000 daily users become with CUPED",
        "we need 50k per group at 10k users a day; with CUPED (correlation .55) how many users and days?",
    )
    q(
        "significance",
        "control 450 conversions out of 9,000; variant 520 out of 9,100. significant?",
        zt(450, 9000, 520, 9100),
        PV,
        "statsmodels proportions_ztest (pooled)",
        "450/9000 vs 520/9100 - p-value?",
        "is 520 of 9,100 significantly different from 450 of 9,000",
        "z-test: control 450 of 9000 converted, variant 520 of 9100",
    )
    q(
        "missing",
        "how many users per arm to detect a 4% relative lift?",
        {},
        {},
        "needs: no baseline",
        needs=["baseline"],
        *(
            "sample size per group for a 4% relative MDE?",
            "users needed in each variant for a +4% relative change",
            "n per arm to pick up a four percent relative lift",
        ),
    )
    q(
        "missing",
        "how many days will the test need with 15k visitors a day?",
        {},
        {},
        "needs: no baseline, no MDE",
        needs=["baseline", "mde"],
        *(
            "15,000 daily visitors - how long should the test run?",
            "test duration at 15k users per day?",
            "how long will it take with 15000 visitors/day",
        ),
    )
    q(
        "invalid",
        "sample size for a 10% baseline and 5% lift at 120% power?",
        {},
        {},
        "power must be below 1",
        invalid="power",
        *(
            "n per group, baseline 10%, 5% relative lift, power 120%",
            "how many users per arm at a power of 120% for a 5% lift on 10%",
            "power 120%, baseline 10 percent, mde 5% relative: sample size?",
        ),
    )


def main() -> None:
    b.ITEMS.clear()
    build2()
    dev: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    counters: dict[str, int] = {}
    for item in b.ITEMS:
        counters[item["class"]] = counters.get(item["class"], 0) + 1
        split = "test2" if "paraphrases" in item else "dev2"
        item = {"id": f"{split}-{item['class']}-{counters[item['class']]:02d}", "split": split, **item}
        (test if split == "test2" else dev).append(item)
    digests = []
    for name, rows in (("calc_dev2.jsonl", dev), ("calc_test2.jsonl", test)):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (HERE / name).write_text(text, encoding="utf-8")
        digests.append(f"{hashlib.sha256(text.encode()).hexdigest()}  eval/{name}\n")
    (HERE / "calc_set2.sha256").write_text("".join(digests), encoding="utf-8")
    print(f"dev2 {len(dev)}, test2 {len(test)} (+{3 * len(test)} paraphrases)")


if __name__ == "__main__":
    main()
