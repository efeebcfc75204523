"""Dev set 5 (``calc_dev5.jsonl``): new dev questions, four phrasings each, written before the routes they measure
(Dunnett, Yuen trimmed means, Bayesian means, non-inferiority on means, Poisson power, delta-method ratio metrics)
and with harder wording for the classic classes. Tune on this half only; every expected value is computed here with
scipy/statsmodels, independently of ``tools/``. Run: ``python -m eval.calc_build5``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import power_poisson_ratio_2indep

from eval import calc_build as b
from eval.calc_build import (
    CI,
    EXACT,
    PV,
    PW,
    R_PROP,
    SM_T,
    N,
    anova_power,
    corr_n,
    days,
    prop_n,
    prop_p2,
    prop_power,
    q,
    srm,
    t_n,
    wt,
)

HERE = Path(__file__).resolve().parent


def sample(mean: float, sd: float, n: int, seed: int) -> np.ndarray:
    """n values with exactly this mean and SD (ddof = 1), so a raw-data test reproduces the summary statistics."""
    x = np.random.default_rng(seed).standard_normal(n)
    x = (x - x.mean()) / x.std(ddof=1)
    return mean + sd * x


def dunnett_p(means: list[float], sds: list[float], ns: list[int]) -> list[float]:
    arms = [sample(m, s, n, i) for i, (m, s, n) in enumerate(zip(means, sds, ns, strict=True))]
    res = stats.dunnett(*arms[1:], control=arms[0], random_state=np.random.default_rng(1))
    return [float(p) for p in res.pvalue]


def bayes_means(ma: float, sa: float, na: int, mb: float, sb: float, nb: int) -> float:
    """Flat-prior normal posterior of B − A: P(B > A) = Φ(d / SE)."""
    return float(stats.norm.cdf((mb - ma) / math.sqrt(sa**2 / na + sb**2 / nb)))


def ni_means(ma: float, sa: float, na: int, mb: float, sb: float, nb: int, margin: float) -> float:
    """One-sided Welch t test of H0: B − A ≤ −margin."""
    va, vb = sa**2 / na, sb**2 / nb
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    t = (mb - ma + margin) / math.sqrt(va + vb)
    return float(stats.t.sf(t, df))


def poisson_n(rate_a: float, rate_b: float, power: float = 0.8) -> float:
    def pw(n: float) -> float:
        res = power_poisson_ratio_2indep(
            rate_b, rate_a, n, nobs_ratio=1, exposure=1, value=1, alternative="two-sided"
        )
        return float(res.power)

    return float(optimize.brentq(lambda n: pw(n) - power, 2, 1e8))


CONTROL = [12, 15, 9, 14, 11, 13, 250, 10, 12, 16]
TREAT = [18, 16, 22, 17, 19, 21, 15, 400, 20, 18]


def build5() -> None:
    p = dunnett_p([10.2, 11.5, 10.9], [3.1, 3.0, 3.3], [40, 40, 38])
    q(
        "dunnett",
        "dunnett test, control mean 10.2 (sd 3.1, n 40), variant A mean 11.5 (sd 3.0, n 40), variant B mean 10.9 (sd 3.3, n 38): adjusted p-values?",
        {"adjusted_p_values[0]": p[0], "adjusted_p_values[1]": p[1]},
        {"relative": 0.02, "absolute": 0.001},
        "scipy.stats.dunnett on samples with exactly these means and SDs",
        "many-to-one comparison (Dunnett): control avg 10.2 sd 3.1 n=40; A avg 11.5 sd 3.0 n=40; B avg 10.9 sd 3.3 n=38",
        "Compare two variants against control with Dunnett's test. Control: mean 10.2, SD 3.1, 40 users. Variant A: mean 11.5, SD 3.0, 40 users. Variant B: mean 10.9, SD 3.3, 38 users.",
        "dunnett adjusted p values - means 10.2 / 11.5 / 10.9, sds 3.1 / 3.0 / 3.3, sizes 40 / 40 / 38 (control first)",
    )
    yuen = float(stats.ttest_ind(TREAT, CONTROL, equal_var=False, trim=0.2).pvalue)
    c, t = ", ".join(map(str, CONTROL)), ", ".join(map(str, TREAT))
    q(
        "heavy_tails",
        f"yuen's trimmed-mean test (20% trim): control {c}; treatment {t}",
        {"p_value": yuen},
        PV,
        "scipy.stats.ttest_ind(trim=0.2) (Yuen 1974)",
        f"20% trimmed means, Yuen test. A: {c}. B: {t}. p-value?",
        f"revenue is heavy tailed - compare trimmed means (yuen) for control [{c}] and variant [{t}]",
        f"p value from a trimmed mean t-test, control values {c} and treatment values {t}",
    )
    q(
        "bayesian",
        "bayesian comparison of revenue per user: control mean $4.10 sd $9.50 n 8,000, treatment mean $4.40 sd $9.80 n 8,100. probability treatment is better?",
        {"prob_b_beats_a": bayes_means(4.10, 9.50, 8000, 4.40, 9.80, 8100)},
        {"absolute": 0.001},
        "flat-prior normal posterior: Φ(d/SE)",
        "chance to beat control (bayesian, means): A mean 4.10 sd 9.50 n 8000; B mean 4.40 sd 9.80 n 8100",
        "Bayesian A/B on ARPU - control: mean $4.10, SD $9.50, 8,000 users; treatment: mean $4.40, SD $9.80, 8,100 users. P(B > A)?",
        "probability that the treatment beats control for revenue: means 4.10 vs 4.40, sds 9.50 and 9.80, sizes 8000 and 8100 (bayesian)",
    )
    q(
        "noninferiority",
        "non-inferiority on order value: control mean $50.0 sd $20 n 900, treatment mean $49.5 sd $21 n 910, margin $1.5. p-value?",
        {"p_value": ni_means(50.0, 20, 900, 49.5, 21, 910, 1.5)},
        PV,
        "one-sided Welch t (Schuirmann 1987), scipy.stats.t",
        "is the treatment non-inferior with a $1.5 margin? control: mean 50.0, sd 20, n 900; treatment: mean 49.5, sd 21, n 910",
        "noninferiority test for AOV, margin 1.5 dollars - A mean 50.0 (sd 20, n 900), B mean 49.5 (sd 21, n 910)",
        "non inferiority p value: means 50.0 vs 49.5, sds 20 and 21, n 900 and 910, margin of 1.5",
    )
    q(
        "poisson",
        "poisson: 0.30 support tickets per user a month now; how many users per group to detect a drop to 0.27 at 80% power?",
        {"n_per_group": poisson_n(0.30, 0.27)},
        N,
        "statsmodels power_poisson_ratio_2indep solved with brentq",
        "Poisson rate power: control rate 0.30 events per user, treatment 0.27. users per arm for 80% power?",
        "tickets per user are 0.30 and we hope for 0.27 - sample size per group for a poisson rate test?",
        "how many users in each arm to detect 0.30 vs 0.27 events per user (poisson, power 80%)",
    )
    q(
        "missing",
        "delta method CI for revenue per order: control 4,000 orders, treatment 4,100 orders",
        {},
        {},
        "the delta method needs per-user sums",
        "ratio metric (revenue per order), delta method: what's the interval? 4,000 vs 4,100 orders",
        "can you do the delta-method test on clicks per session for my test?",
        "delta method for a ratio metric please, control and treatment",
        needs=["ratio_sums"],
    )
    # --- classic classes, harder wording ---------------------------------------------------------------------------
    q(
        "two_rates",
        "We're converting at roughly 2.4% and the redesign hopefully gets us to 2.8%; at alpha=0.05 and power=0.8, what's n for each arm?",
        {"n_per_variant": prop_n(0.024, 0.028)},
        N,
        R_PROP,
        "2.4% -> 2.8% conversion, alpha .05, power .8: n per arm?",
        "redesign test: current CR 2.4 percent, target 2.8 percent. how many users do we need in each variant?",
        "whats the sample size per group if conv is 2.4% today and we expect 2.8% with the new design",
    )
    q(
        "mde_rel_abs",
        "Baseline CR 11%. Minimum detectable effect: 8% relative. Power 85%. Sample per variant?",
        {"n_per_variant": prop_n(0.11, 0.11 * 1.08, power=0.85)},
        N,
        R_PROP,
        "11% baseline, 8% relative MDE, 85% power: users per group?",
        "how many users in each group to detect an 8% relative lift on an 11% conversion rate with 85% power",
        "cr 11 percent, rel. mde 8 percent, power 0.85 - n per arm?",
    )
    q(
        "two_rates",
        "going from twelve percent to fourteen percent, how many visitors per group at eighty percent power?",
        {"n_per_variant": prop_n(0.12, 0.14)},
        N,
        R_PROP,
        "12% to 14%, 80% power, visitors per group?",
        "twelve percent now, fourteen percent hoped: sample size per variant?",
        "we convert at 12 percent and want to detect fourteen percent; how many users per arm",
    )
    q(
        "solve_power",
        "Our traffic allows 6,500 users per variant. Baseline 9%, expected 10%. What's the statistical power?",
        {"power": prop_power(0.09, 0.10, 6500)},
        PW,
        R_PROP,
        "power for 9% vs 10% with 6.5k users per group?",
        "6500 users in each arm, conversion 9% -> 10%: how much power do we have?",
        "what power do we get with 6,500 per variant if the baseline is 9% and the variant should hit 10%",
    )
    q(
        "money_units",
        "revenue per visitor averages $3.20 with an sd of $11. To detect a 30 cent increase, how many visitors per arm at 80% power?",
        {"n_group1": t_n(0.30 / 11)},
        N,
        SM_T,
        "RPV $3.20, sd $11, detect +$0.30: visitors per group?",
        "standard deviation 11 dollars, we care about a $0.30 lift in revenue per visitor. n per arm at 80% power?",
        "how many visitors in each group to pick up 30 cents more revenue per visitor (sd $11)",
    )
    q(
        "duration_chain",
        "3.5% baseline, 15% relative lift, 40k daily users but only 25% are eligible. how many days at 80% power?",
        {"days_rounded_up": days(prop_n(0.035, 0.035 * 1.15), 40000, 0.25)},
        EXACT,
        R_PROP + " then ceil(2n / (traffic × share))",
        "how long to detect +15% relative on 3.5% conversion with 40,000 users a day, 25% of them eligible?",
        "40k users per day, a quarter of them eligible; baseline 3.5%, relative mde 15%. test duration in days?",
        "number of days: 3.5% conversion, 15% relative lift, 40000 daily users with 25% in the test",
    )
    q(
        "mde_rel_abs",
        "with 25,000 users per group and a 3% baseline, what relative lift is detectable?",
        {"mde_relative": (prop_p2(0.03, 25000) - 0.03) / 0.03},
        {"absolute": 0.002},
        R_PROP + " p2",
        "25k per arm, 3% conversion: minimum detectable relative effect at 80% power?",
        "what's the smallest relative lift we can detect on a 3% baseline with 25,000 users in each group",
        "MDE (relative) for n = 25000 per variant and baseline conversion 3 percent?",
    )
    q(
        "srm",
        "three-way split 33/33/34 but we saw 10,120 / 9,870 / 10,410 users. SRM?",
        srm([10120, 9870, 10410], [0.33, 0.33, 0.34]),
        PV,
        "scipy.stats.chisquare",
        "sample ratio mismatch check: 10,120, 9,870 and 10,410 users on a 33/33/34 split",
        "is there an SRM? arms got 10120, 9870, 10410 users, intended 33/33/34",
        "we planned 33/33/34 and observed 10,120 vs 9,870 vs 10,410 users - mismatch?",
    )
    lo, hi = proportion_confint(37, 412, method="wilson")
    q(
        "ci_methods",
        "wilson interval for 37 conversions out of 412 visitors",
        {"lower": float(lo), "upper": float(hi)},
        CI,
        "statsmodels proportion_confint(method='wilson')",
        "95% Wilson CI: 37 of 412 converted",
        "confidence interval (wilson score) for a conversion rate of 37/412",
        "what's the wilson ci when 37 out of 412 visitors convert?",
    )
    q(
        "significance",
        "welch t-test: control mean 52.3 sd 14.1 n 220, treatment mean 55.0 sd 15.2 n 230. p?",
        wt(52.3, 14.1, 220, 55.0, 15.2, 230),
        PV,
        "scipy.stats.ttest_ind_from_stats(equal_var=False)",
        "is 55.0 (sd 15.2, n 230) vs 52.3 (sd 14.1, n 220) significant? welch",
        "control: mean 52.3, sd 14.1, n = 220. treatment: mean 55.0, sd 15.2, n = 230. welch p-value?",
        "p-value of a Welch t test for means 52.3 and 55.0 with SDs 14.1 and 15.2 and sizes 220 and 230",
    )
    q(
        "anova",
        "anova with 4 arms, 60 per arm, cohen's f = 0.2: power?",
        {"power": anova_power(0.2, 4, 60)},
        PW,
        "statsmodels FTestAnovaPower",
        "power of a one-way anova, k = 4, n = 60 per group, f 0.2",
        "4 groups of 60 users, effect size f = 0.2 - what power does the ANOVA have?",
        "what's the power for cohen's f 0.2 across four groups with 60 in each",
    )
    q(
        "other",
        "how many users to detect r = 0.15 with 80% power?",
        {"n": corr_n(0.15)},
        N,
        "pwr.r.test equation, scipy brentq",
        "sample size to detect a correlation of 0.15 (80% power)?",
        "n needed for a correlation test, r 0.15, power 0.8",
        "to find a correlation of .15 at 80% power how many pairs do we need",
    )
    q(
        "invalid",
        "sample size for 5% vs 6% with a significance level of 1.5",
        {},
        {},
        "alpha must be in (0, 1)",
        "5% -> 6%, alpha = 1.5: users per group?",
        "how many per arm for 5 vs 6 percent at alpha 1.5",
        "n per variant: baseline 5%, target 6%, significance 1.5",
        invalid="alpha",
    )
    q(
        "missing",
        "how many days will my test take at 80% power with a 10% relative MDE?",
        {},
        {},
        "baseline and traffic not given",
        "test duration for a 10% relative mde at 80% power?",
        "how long do I need to run to detect a 10% relative lift?",
        "days needed for a relative MDE of 10% (power 80%)",
        needs=["baseline", "daily_traffic"],
    )


def main() -> None:
    b.write_dev_round(5, build5)


if __name__ == "__main__":
    main()
