"""Dev set 4 (``calc_dev4.jsonl``): new dev questions, four phrasings each, written before the parser changes of
this round; adds the exact 2×2 tests (conditional Fisher vs unconditional Barnard / Boschloo) and the newer
calculators (Bayesian A/B, mSPRT, non-inferiority, Poisson rates, cluster design effect, conditional power).

Tune on this half only. Every expected value is computed here with scipy/statsmodels, independently of ``tools/``.
Run: ``python -m eval.calc_build4``.
"""

from __future__ import annotations

import math
from pathlib import Path

from scipy import integrate, stats
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep
from statsmodels.stats.rates import test_poisson_2indep

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
    days,
    mde_days,
    prop_n,
    prop_p2,
    prop_power,
    q,
    srm,
    t1_power,
    t_mde_d,
    t_n,
    z,
    zt,
)

HERE = Path(__file__).resolve().parent
SCIPY_EXACT = "scipy.stats fisher_exact / barnard_exact / boschloo_exact (columns = the two groups)"


def table(xa: int, na: int, xb: int, nb: int) -> list[list[int]]:
    """Columns: treatment (B), control (A); rows: converted, not converted."""
    return [[xb, xa], [nb - xb, na - xa]]


def fisher(xa: int, na: int, xb: int, nb: int, alt: str = "two-sided") -> float:
    return float(stats.fisher_exact(table(xa, na, xb, nb), alternative=alt).pvalue)


def barnard(xa: int, na: int, xb: int, nb: int, alt: str = "two-sided") -> float:
    return float(stats.barnard_exact(table(xa, na, xb, nb), alternative=alt).pvalue)


def boschloo(xa: int, na: int, xb: int, nb: int, alt: str = "two-sided") -> float:
    return float(stats.boschloo_exact(table(xa, na, xb, nb), alternative=alt).pvalue)


def prob_b_beats_a(xa: int, na: int, xb: int, nb: int) -> float:
    """P(p_B > p_A) under Beta(1 + x, 1 + n − x) posteriors: ∫ f_B(p)·F_A(p) dp (scipy quad)."""
    fa = stats.beta(1 + xa, 1 + na - xa)
    fb = stats.beta(1 + xb, 1 + nb - xb)
    lo, hi = min(fa.ppf(1e-12), fb.ppf(1e-12)), max(fa.ppf(1 - 1e-12), fb.ppf(1 - 1e-12))
    return float(integrate.quad(lambda p: fb.pdf(p) * fa.cdf(p), lo, hi, limit=200)[0])


def msprt_p(xa: int, na: int, xb: int, nb: int, alpha: float = 0.05) -> float:
    """Johari et al. 2017 mixture LR with τ² tuned to the current variance (Howard et al. 2021, eq. for the
    optimal normal mixture: τ² = V(−2 ln α + ln(1 − 2 ln α)))."""
    pa, pb = xa / na, xb / nb
    v = pa * (1 - pa) / na + pb * (1 - pb) / nb
    k = -2 * math.log(alpha)
    tau2 = v * (k + math.log(k + 1))
    d = pb - pa
    log_lr = 0.5 * math.log(v / (v + tau2)) + tau2 * d**2 / (2 * v * (v + tau2))
    return min(1.0, math.exp(-log_lr))


def noninferiority_p(xa: int, na: int, xb: int, nb: int, margin: float) -> float:
    res = test_proportions_2indep(
        xb, nb, xa, na, value=-margin, compare="diff", alternative="larger", method="score"
    )
    return float(res.pvalue)


def noninferiority_n(p: float, margin: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """Chow, Shao & Wang (2008) §4.2: n = (z₁₋α + z₁₋β)²·2p(1−p)/M² with no true difference."""
    return (z(1 - alpha) + z(power)) ** 2 * 2 * p * (1 - p) / margin**2


def poisson_p(ca: int, ea: float, cb: int, eb: float) -> float:
    return float(test_poisson_2indep(cb, eb, ca, ea, method="score", compare="ratio").pvalue)


def conditional_power(z_t: float, t: float, alpha: float = 0.05) -> float:
    """Lan & Wittes (1988) B-value, current-trend drift θ = Z_t/√t."""
    bval = z_t * math.sqrt(t)
    theta = bval / t
    c = z(1 - alpha / 2)
    return float(1 - stats.norm.cdf((c - bval - theta * (1 - t)) / math.sqrt(1 - t)))


def build4() -> None:
    q(
        "two_rates",
        "baseline conversion is around three percent and we want to get to 3.6%. how many visitors per variant do we need?",
        {"n_per_variant": prop_n(0.03, 0.036)},
        N,
        R_PROP,
        "3% -> 3.6%, visitors needed per arm (80% pwr)?",
        "we're at 3 percent and aiming for 3.6 percent; what sample per group?",
        "how many ppl per group to move a 3 pct conversion rate up to 3.6 pct",
    )
    q(
        "two_rates",
        "basline 15%, hopng for 17% with 90% power, how many users in each grp?",
        {"n_per_variant": prop_n(0.15, 0.17, power=0.9)},
        N,
        R_PROP,
        "we sit at 15 percent and want 17 percent, power ninety percent: users per arm?",
        "15% control vs 17% treatment at 0.9 power, sample size per group?",
        "How big must each group be to detect fifteen vs seventeen percent with 90% power?",
    )
    q(
        "mde_rel_abs",
        "our retention is 40% and we care about a 5% relative lift. alpha 0.01, power 80%. n per group?",
        {"n_per_variant": prop_n(0.40, 0.42, alpha=0.01)},
        N,
        R_PROP,
        "40% retention, +5% relative, α = 1%, 80% power: how many per arm?",
        "sample size per variant: base 40 percent, relative mde 5 percent, significance level 0.01",
        "What n do we need in each group at 1% significance to see retention go up 5% (relative) from 40%?",
    )
    q(
        "mde_rel_abs",
        "click-through is 2.0%. smallest change we care about is 0.3 percentage points. per-group sample?",
        {"n_per_variant": prop_n(0.02, 0.023)},
        N,
        R_PROP,
        "ctr 2%, mde 0.3pp absolute, n per arm at 80% power?",
        "to detect a 0.3 point absolute rise on a 2 percent ctr how many users per group",
        "2% CTR baseline; we want to catch +0.3 pp. users needed per variant?",
    )
    q(
        "money_units",
        "avg order value is $52 with a std dev of $30. we want to detect a $2 bump. how many orders per group?",
        {"n_group1": t_n(2 / 30)},
        N,
        SM_T,
        "AOV $52, sd $30, detect +$2: orders per arm at 80% power?",
        "σ = 30 dollars, difference of 2 dollars: how many per variant?",
        "How many orders in each group to pick up a two dollar change in order value when the standard deviation is thirty dollars?",
    )
    q(
        "money_units",
        "session length has an sd of 4.5 minutes; we want to see a 0.5 minute increase. users per arm with 90% power?",
        {"n_group1": t_n(0.5 / 4.5, power=0.9)},
        N,
        SM_T,
        "detect +0.5 min in session length, σ = 4.5 min, 90% power: n per group?",
        "standard deviation 4.5 minutes, we care about half a minute, power 0.9. how many users in each group?",
        "how many users per variant to detect a 0.5-minute change in time on site (sd 4.5 minutes) at 90% power",
    )
    q(
        "solve_power",
        "we have 2,000 users in control and 1,000 in treatment, baseline 10%, target 12.5%. what power do we get?",
        {"power": prop_power(0.10, 0.125, 2000, ratio=0.5)},
        PW,
        R_PROP + " unequal",
        "power for 10% vs 12.5% with 2k control users and 1k treatment users?",
        "control n = 2000, treatment n = 1000, rates 10% and 12.5%: how much power?",
        "if control gets 2,000 and the variant 1,000, what's the power to detect 10% -> 12.5%",
    )
    q(
        "solve_power",
        "with ten thousand users per arm and a 5% baseline, what's our power to detect a 10% relative lift?",
        {"power": prop_power(0.05, 0.055, 10000)},
        PW,
        R_PROP,
        "10k per group, 5% baseline, 10% relative mde: power?",
        "what power do we have for a 10% relative lift on 5% conversion with 10,000 users in each arm",
        "n = 10000 per variant, conversion 5 percent, lift 10 percent relative. how likely are we to detect it?",
    )
    q(
        "solve_p2",
        "we can get 4k users per group and our baseline is 8%. what's the smallest variant rate we could detect?",
        {"p2": prop_p2(0.08, 4000)},
        CI,
        R_PROP + " p2",
        "4,000 per arm, 8% baseline: minimum detectable treatment rate at 80% power?",
        "with four thousand users in each group and 8% conversion, what's the lowest p2 we can detect?",
        "smallest treatment conversion rate detectable with n = 4000 per group on an 8 percent baseline?",
    )
    q(
        "mde_in_days",
        "we get 6,000 visitors a day, baseline 4%, and the test can run 14 days. what relative mde can we detect?",
        {"mde_relative": mde_days(0.04, 6000, 14)},
        {"absolute": 0.002},
        R_PROP + " p2 from days × traffic / 2",
        "14 days at 6k visitors/day on a 4% baseline: what's the MDE (relative)?",
        "two weeks of traffic, 6,000 users per day, conversion 4%. smallest relative lift detectable?",
        "what relative MDE is reachable in 14 days with 6000 daily visitors and a 4 percent baseline",
    )
    q(
        "duration_chain",
        "baseline 6%, we want to detect a 10% relative lift, and we get 3,000 users per day. how many days?",
        {"days_rounded_up": days(prop_n(0.06, 0.066), 3000)},
        EXACT,
        R_PROP + " then ceil(2n / traffic)",
        "6% baseline, +10% relative, 3k users/day: how long must the test run?",
        "how long will it take at 3000 visitors a day to detect a 10% relative lift on 6% conversion?",
        "number of days needed: conversion 6 percent, relative mde 10 percent, 3,000 daily users",
    )
    q(
        "duration_total",
        "we need 240,000 users in total, get 20k visitors per day, and only 60% enter the test. how long?",
        {"days_rounded_up": days(120000, 20000, 0.6)},
        EXACT,
        "ceil(total / (traffic × share))",
        "240k users needed overall; 20,000 visitors a day with 60% exposed. how many days?",
        "total sample 240,000, daily traffic 20k, 60% of traffic in the experiment: duration?",
        "How many days to collect 240,000 users in total if we have 20,000 visitors a day and send 60% of them into the test?",
    )
    q(
        "cuped",
        "CUPED: the pre-period metric correlates 0.7 with the outcome. we needed 30,000 per group; how many now?",
        {"n_per_group_cuped": 30000 * (1 - 0.7**2)},
        N,
        "Deng et al. 2013: n × (1 − ρ²)",
        "with a covariate correlation of 0.7 (cuped), how small does a 30k-per-group sample get?",
        "CUPED with ρ = 0.7: new n per group if we needed 30,000 before?",
        "our pre-experiment covariate has correlation 0.7 with the metric. 30000 users per arm without cuped - how many with it?",
    )
    q(
        "paired",
        "same 40 stores measured before and after the change; we expect a difference of 3 units and the sd of the differences is 8. what's the power?",
        {"power": t1_power(3 / 8, 40)},
        PW,
        SM_T1,
        "paired design, 40 stores, mean difference 3, sd of differences 8: power?",
        "before/after on the same 40 stores, detect a change of 3 with sd 8. how much power do we have?",
        "what power does a paired t-test on 40 pairs have for a difference of 3 when the sd of the differences is 8",
    )
    q(
        "one_sample",
        "we flipped a coin 200 times and got 118 heads. is it fair?",
        {"p_value": float(stats.binomtest(118, 200, 0.5).pvalue)},
        PV,
        "scipy.stats.binomtest",
        "coin: 118 heads in 200 flips. p-value for a fair coin?",
        "is a coin that lands heads 118 times out of 200 tosses biased?",
        "200 tosses, 118 heads: is this coin fair?",
    )
    q(
        "srm",
        "we got 50,912 users in A and 49,311 in B on a 50/50 split. is there an SRM?",
        srm([50912, 49311]),
        PV,
        "scipy.stats.chisquare",
        "SRM check: 50,912 vs 49,311 users, intended 50/50",
        "sample ratio mismatch? control 50912 users, treatment 49311 users, equal split planned",
        "50/50 test but A has 50,912 and B 49,311 users. do we have a sample ratio mismatch?",
    )
    q(
        "significance",
        "control 412 conversions out of 10,000; variant 480 out of 10,000. significant?",
        zt(412, 10000, 480, 10000),
        PV,
        "statsmodels proportions_ztest (pooled)",
        "A: 412/10,000 converted, B: 480/10,000. is the difference significant?",
        "is 480 out of 10000 (variant) vs 412 out of 10000 (control) statistically significant?",
        "p-value for control 412 of 10k vs variant 480 of 10k conversions?",
    )
    q(
        "ci_methods",
        "agresti-caffo 95% CI for the difference: control 45/300 vs treatment 63/310",
        {
            "lower": float(confint_proportions_2indep(63, 310, 45, 300, method="agresti-caffo")[0]),
            "upper": float(confint_proportions_2indep(63, 310, 45, 300, method="agresti-caffo")[1]),
        },
        CI,
        "statsmodels confint_proportions_2indep(method='agresti-caffo')",
        "confidence interval (Agresti-Caffo) for B minus A: A 45 of 300, B 63 of 310",
        "give me the agresti caffo interval for the difference between 45/300 (control) and 63/310 (treatment)",
        "CI for the difference in conversion, Agresti–Caffo method, control 45 out of 300, treatment 63 out of 310",
    )
    q(
        "multi_output",
        "adjust p = 0.003, 0.02, 0.04, 0.3 with holm",
        {f"adjusted_p_values[{i}]": v for i, v in enumerate(adj([0.003, 0.02, 0.04, 0.3], "holm"))},
        PV,
        "statsmodels multipletests(method='holm')",
        "holm-adjusted p-values for 0.003, 0.02, 0.04 and 0.3?",
        "apply the Holm correction to these p values: 0.003 / 0.02 / 0.04 / 0.3",
        "I have four p-values (0.003, 0.02, 0.04, 0.3). holm adjust them please",
    )
    q(
        "anova",
        "cohen's f of 0.2 across 5 groups: how many per group for 80% power?",
        {"n_per_group": anova_n(0.2, 5)},
        N,
        "statsmodels FTestAnovaPower",
        "one-way ANOVA with 5 groups and f = 0.2, n per group at 80% power?",
        "how many users in each of five groups to detect an effect size f of 0.2 (anova, 80% power)",
        "anova, k = 5, cohen's f 0.2: sample size per group?",
    )
    q(
        "solve_d",
        "we have 150 users per arm. what's the smallest standardized effect (cohen's d) we can detect?",
        {"mde_cohens_d": t_mde_d(150)},
        {"absolute": 0.002},
        SM_T,
        "150 per group: minimum detectable Cohen's d at 80% power?",
        "with n = 150 in each group, what effect size d could we detect?",
        "smallest d detectable with 150 per variant and 80% power",
    )
    # --- conditional vs unconditional exact tests for a 2×2 table -----------------------------------------------
    q(
        "exact_2x2",
        "fisher's exact test: 3 of 40 converted in control, 11 of 42 in the variant. p-value?",
        {"p_value": fisher(3, 40, 11, 42)},
        PV,
        SCIPY_EXACT,
        "Fisher exact p-value for control 3/40 vs variant 11/42",
        "run a Fisher's exact test on 3 out of 40 (control) vs 11 out of 42 (treatment)",
        "small sample: control 3 of 40, treatment 11 of 42 conversions. p value by fisher exact test?",
    )
    q(
        "exact_2x2",
        "run barnard's exact test on control 7/15 vs treatment 12/15",
        {"p_value": barnard(7, 15, 12, 15)},
        PV,
        SCIPY_EXACT + "; Chan 1998 vaccine table (scipy docs example)",
        "Barnard exact test p-value: 7 of 15 in control, 12 of 15 in treatment",
        "unconditional exact test (barnard) for 7 out of 15 vs 12 out of 15",
        "p value from Barnard's test, control 7/15 and variant 12/15?",
    )
    q(
        "exact_2x2",
        "compare a conditional and an unconditional exact test for control 5 out of 25 vs treatment 13 out of 27",
        {"fisher": fisher(5, 25, 13, 27), "barnard": barnard(5, 25, 13, 27)},
        PV,
        SCIPY_EXACT,
        "conditional (Fisher) vs unconditional (Barnard) exact test: 5/25 vs 13/27",
        "p-values from both a conditional and an unconditional exact test, control 5 of 25, variant 13 of 27",
        "for 5 out of 25 in control and 13 out of 27 in treatment, what do the conditional and unconditional exact tests give?",
    )
    q(
        "exact_2x2",
        "boschloo exact test, one-sided (treatment better): control 31 of 63 vs treatment 74 of 117",
        {"p_value": boschloo(31, 63, 74, 117, "greater")},
        PV,
        SCIPY_EXACT + "; table [[74, 31], [43, 32]] of the scipy boschloo_exact docs",
        "Boschloo's test, one sided: control 31/63, treatment 74/117. p?",
        "one-sided boschloo exact p-value for treatment 74 out of 117 vs control 31 out of 63",
        "is treatment (74 of 117) better than control (31 of 63)? use boschloo's exact test, one-tailed",
    )
    # --- the newer calculators -----------------------------------------------------------------------------------
    q(
        "bayesian",
        "bayesian a/b: control 120 of 2,400 converted, variant 150 of 2,380. probability the variant beats control?",
        {"prob_b_beats_a": prob_b_beats_a(120, 2400, 150, 2380)},
        {"absolute": 0.001},
        "Beta(1,1) priors; ∫ f_B F_A dp with scipy quad",
        "chance to beat control (bayesian) for A 120/2400 vs B 150/2380?",
        "what's the probability B is better than A? A: 120 conversions from 2,400 users, B: 150 from 2,380 (Bayesian)",
        "bayesian prob that the variant wins: control 120 out of 2400, variant 150 out of 2380",
    )
    q(
        "msprt",
        "we peek every day. always-valid p-value (mSPRT) for control 480/10,000 vs treatment 560/10,000?",
        {"always_valid_p_value": msprt_p(480, 10000, 560, 10000)},
        PV,
        "Johari et al. 2017 mixture likelihood ratio; τ² tuned to the current variance (Howard et al. 2021)",
        "mSPRT p-value for 480 of 10000 (control) and 560 of 10000 (treatment)",
        "always valid p value: A 480/10k, B 560/10k conversions, we check the results continuously",
        "give me an always-valid p-value for control 480 out of 10,000 and treatment 560 out of 10,000",
    )
    q(
        "noninferiority",
        "non-inferiority test with a 1 percentage point margin: control 1,500 of 10,000, new flow 1,460 of 10,000",
        {"p_value": noninferiority_p(1500, 10000, 1460, 10000, 0.01)},
        PV,
        "statsmodels test_proportions_2indep(value=-margin, alternative='larger', method='score')",
        "is the new flow non-inferior? control 1500/10000, treatment 1460/10000, margin 1pp",
        "noninferiority, margin one percentage point: A 1,500 out of 10,000 vs B 1,460 out of 10,000",
        "test non-inferiority (margin 1 point) of treatment 1460 of 10k against control 1500 of 10k",
    )
    q(
        "noninferiority",
        "sample size per group for a non-inferiority test: baseline 20%, margin 2 percentage points, 80% power",
        {"n_per_group": noninferiority_n(0.2, 0.02)},
        N,
        "Chow, Shao & Wang 2008 §4.2, one-sided α = 0.05",
        "non inferiority, 20% conversion, 2pp margin: how many users per arm at 80% power?",
        "how many per group to show non-inferiority with a 2 point margin on a 20% baseline",
        "n per arm for a noninferiority design (margin 2 pp, baseline 20 percent, power 80%)?",
    )
    q(
        "poisson",
        "support tickets: control had 240 tickets over 12,000 user-days, treatment 200 over 12,500 user-days. poisson test p-value?",
        {"p_value": poisson_p(240, 12000, 200, 12500)},
        PV,
        "statsmodels test_poisson_2indep(method='score', compare='ratio')",
        "rate test (poisson): 240 events in 12,000 user-days vs 200 events in 12,500 user-days",
        "compare ticket rates: control 240 tickets / 12000 user days, treatment 200 tickets / 12500 user days. p?",
        "is the drop from 240 tickets over 12k user-days (control) to 200 over 12.5k user-days (treatment) significant? poisson",
    )
    q(
        "cluster",
        "we randomise by store: 25 customers per store, ICC 0.05, and we'd need 800 per group if randomised individually. how many stores per arm?",
        {"clusters_per_group": 800 * (1 + 24 * 0.05) / 25},
        N,
        "design effect 1 + (m − 1)ρ (Kish 1965; Donner & Klar 2000)",
        "cluster randomised: icc 0.05, cluster size 25, individually randomised n 800 per group. clusters per arm?",
        "stores of 25 customers, intracluster correlation 0.05, 800 per group needed without clustering: stores needed per arm?",
        "design effect with ICC = 0.05 and 25 people per cluster; we need n = 800 per group. how many clusters in each arm?",
    )
    q(
        "conditional_power",
        "halfway through the test our z is 1.2. what's the conditional power under the current trend?",
        {"cp_current_trend": conditional_power(1.2, 0.5)},
        PW,
        "Lan & Wittes 1988 B-value formula, scipy.stats.norm",
        "conditional power at 50% of the sample with z = 1.2 (current trend)?",
        "interim z of 1.2 with half the planned sample in: conditional power?",
        "information fraction 0.5, interim z statistic 1.2 - conditional power if the trend continues?",
    )
    # --- bad input and missing inputs ------------------------------------------------------------------------------
    q(
        "invalid",
        "our conversion rate is 140% and we want a 5% lift: sample size?",
        {},
        {},
        "a rate above 100% is not a rate",
        "baseline 140 percent, mde 5% relative. n per group?",
        "how many users per arm for a 5% lift on a 140% conversion rate",
        "conversion 140%, detect +5% relative at 80% power: users per variant?",
        invalid="baseline",
    )
    q(
        "invalid",
        "n per group for 5% -> 6% at power 1.2?",
        {},
        {},
        "power must be below 1",
        "5% to 6%, power of 1.2: how many users in each group?",
        "sample size per arm, baseline 5%, target 6%, power = 1.2",
        "how many per variant to go from 5 to 6 percent with a power of 1.2",
        invalid="power",
    )
    q(
        "missing",
        "how many stores per arm if the ICC is 0.03 and we have 30 customers per store?",
        {},
        {},
        "n per group not given",
        "cluster design: icc 0.03, 30 customers per store. how many stores in each arm?",
        "design effect with ICC 0.03 and clusters of 30: stores needed per group?",
        "we randomise stores (30 customers each, ICC = 0.03). number of stores per arm?",
        needs=["n_per_group"],
    )


def main() -> None:
    b.write_dev_round(4, build4)


if __name__ == "__main__":
    main()
