# ruff: noqa: B026 - paraphrases follow the keyword that marks a missing-input item
"""Build the frozen calculation-question set (``eval/calc_dev.jsonl``, ``eval/calc_test.jsonl``).

Every expected value is computed here directly with statsmodels / scipy (never with ``tools/``), or copied from a
published table that the item cites. Questions are written the way practitioners type them: casual, typos, numbers
in words, units, several facts per sentence. Items with ``paraphrases`` form the test half (each paraphrase must
get the same numbers); the rest are the dev half. The files are frozen: ``eval/calc_set.sha256`` holds their
hashes and ``tests/eval/test_calc_set.py`` checks them.

Run: ``python -m eval.calc_build`` (rewrites the files; only ever run before the test half is first scored).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import (
    FTestAnovaPower,
    GofChisquarePower,
    NormalIndPower,
    TTestIndPower,
    TTestPower,
)
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    power_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)

HERE = Path(__file__).resolve().parent
N = {"relative": 0.003, "absolute": 1.0}  # a sample size: the exact value or its ceiling
PW = {"absolute": 0.002}  # a power
PV = {"relative": 0.01, "absolute": 0.0005}  # a p-value or statistic
CI = {"absolute": 0.0006}  # an interval bound or a rate
EXACT = {"absolute": 0.0}  # a whole count (days)

R_PROP = "R power.prop.test equation, solved with statsmodels power_proportions_2indep + scipy brentq"
SM_T = "statsmodels TTestIndPower (noncentral t, as R power.t.test)"
SM_T1 = (
    "statsmodels TTestPower (one-sample / paired noncentral t, as R power.t.test type='one.sample'/'paired')"
)
Z = "scipy.stats.norm closed form"


def z(q: float) -> float:
    return float(stats.norm.ppf(q))


def prop_power(
    p1: float, p2: float, n1: float, alpha: float = 0.05, ratio: float = 1.0, alt: str = "two-sided"
) -> float:
    """Pooled-under-H0 power (R power.prop.test; ratio = n_treatment / n_control), statsmodels."""
    alt_sm = {"two-sided": "two-sided", "larger": "smaller", "smaller": "larger"}[alt]
    res = power_proportions_2indep(
        p1 - p2, p2, n1, ratio=ratio, alpha=alpha, alternative=alt_sm, return_results=True
    )
    return float(res.power)


def prop_n(
    p1: float, p2: float, power: float = 0.8, alpha: float = 0.05, ratio: float = 1.0, alt: str = "two-sided"
) -> float:
    return float(
        optimize.brentq(lambda n: prop_power(p1, p2, n, alpha, ratio, alt) - power, 2, 1e9, xtol=1e-6)
    )


def prop_p2(p1: float, n1: float, power: float = 0.8, alpha: float = 0.05) -> float:
    return float(
        optimize.brentq(lambda p2: prop_power(p1, p2, n1, alpha) - power, p1 + 1e-9, 1 - 1e-9, xtol=1e-12)
    )


def unpooled_n(p1: float, p2: float, power: float = 0.8, alpha: float = 0.05) -> float:
    return (z(1 - alpha / 2) + z(power)) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p2 - p1) ** 2


def evan_miller_n(p1: float, p2: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """evanmiller.org/ab-testing/sample-size.html (its published JavaScript): null SD from p1 on both arms."""
    d = p2 - p1
    return (
        z(1 - alpha / 2) * math.sqrt(2 * p1 * (1 - p1)) + z(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / d**2


def cohen_h_n(p1: float, p2: float, power: float = 0.8, alpha: float = 0.05) -> float:
    h = abs(float(proportion_effectsize(p2, p1)))
    return float(NormalIndPower().solve_power(effect_size=h, power=power, alpha=alpha, ratio=1.0))


def t_n(
    d: float, power: float = 0.8, alpha: float = 0.05, ratio: float = 1.0, alt: str = "two-sided"
) -> float:
    return float(
        TTestIndPower().solve_power(effect_size=d, power=power, alpha=alpha, ratio=ratio, alternative=alt)
    )


def t_power(d: float, n1: float, alpha: float = 0.05, ratio: float = 1.0) -> float:
    return float(TTestIndPower().power(effect_size=d, nobs1=n1, alpha=alpha, ratio=ratio))


def t1_n(d: float, power: float = 0.8, alpha: float = 0.05, alt: str = "two-sided") -> float:
    return float(TTestPower().solve_power(effect_size=d, power=power, alpha=alpha, alternative=alt))


def t1_power(d: float, n: float, alpha: float = 0.05) -> float:
    return float(TTestPower().power(effect_size=d, nobs=n, alpha=alpha))


def t_mde_d(n1: float, power: float = 0.8, alpha: float = 0.05) -> float:
    return float(TTestIndPower().solve_power(nobs1=n1, power=power, alpha=alpha, ratio=1.0))


def corr_n(r: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """R pwr.r.test power equation (Fisher z with r/(2(n−1)) bias term), solved with brentq."""

    def pw(n: float) -> float:
        t = stats.t.ppf(1 - alpha / 2, n - 2)
        rc = math.sqrt(t**2 / (t**2 + n - 2))
        zr = math.atanh(r) + r / (2 * (n - 1))
        zc = math.atanh(rc)
        return float(
            stats.norm.cdf((zr - zc) * math.sqrt(n - 3)) + stats.norm.cdf((-zr - zc) * math.sqrt(n - 3))
        )

    return float(optimize.brentq(lambda n: pw(n) - power, 4, 1e7))


def anova_n(f: float, k: int, power: float = 0.8, alpha: float = 0.05) -> float:
    return float(FTestAnovaPower().solve_power(effect_size=f, k_groups=k, power=power, alpha=alpha)) / k


def anova_power(f: float, k: int, n: float, alpha: float = 0.05) -> float:
    return float(FTestAnovaPower().power(effect_size=f, k_groups=k, nobs=n * k, alpha=alpha))


def chi_n(w: float, df: int, power: float = 0.8, alpha: float = 0.05) -> float:
    return float(GofChisquarePower().solve_power(effect_size=w, n_bins=df + 1, power=power, alpha=alpha))


def chi_power(w: float, df: int, n: float, alpha: float = 0.05) -> float:
    return float(GofChisquarePower().power(effect_size=w, n_bins=df + 1, nobs=n, alpha=alpha))


def compromise(d: float, n1: float, q: float) -> tuple[float, float]:
    """G*Power compromise analysis for a two-sample t test: α such that β/α = q (noncentral t, scipy)."""
    df, nc = 2 * n1 - 2, d * math.sqrt(n1 / 2)

    def beta(a: float) -> float:
        t = stats.t.ppf(1 - a / 2, df)
        return float(stats.nct.cdf(t, df, nc) - stats.nct.cdf(-t, df, nc))

    a = float(optimize.brentq(lambda a: beta(a) - q * a, 1e-12, 0.999999))
    return a, 1 - beta(a)


def days(n_per_group: float, traffic: float, share: float = 1.0, arms: int = 2) -> int:
    return math.ceil(math.ceil(n_per_group - 1e-9) * arms / (traffic * share) - 1e-9)


def mde_days(p1: float, traffic: float, nd: int, share: float = 1.0, power: float = 0.8) -> float:
    n = nd * traffic * share / 2
    return (prop_p2(p1, n, power) - p1) / p1


def ci2(xa: int, na: int, xb: int, nb: int, method: str) -> dict[str, float]:
    lo, hi = confint_proportions_2indep(xb, nb, xa, na, method=method, compare="diff")
    return {"lower": float(lo), "upper": float(hi)}


def adj(ps: list[float], method: str) -> list[float]:
    return [float(v) for v in multipletests(ps, method=method)[1]]


def srm(counts: list[float], split: list[float] | None = None) -> dict[str, float]:
    total = sum(counts)
    shares = split or [1 / len(counts)] * len(counts)
    res = stats.chisquare(counts, [total * s for s in shares])
    return {
        "chi2": float(res.statistic),
        "p_value": float(res.pvalue),
        "observed_shares[0]": counts[0] / total,
    }


def zt(xa: int, na: int, xb: int, nb: int) -> dict[str, float]:
    stat, p = proportions_ztest([xb, xa], [nb, na])
    return {"z": float(stat), "p_value": float(p)}


def wt(ma: float, sa: float, na: int, mb: float, sb: float, nb: int) -> dict[str, float]:
    res = stats.ttest_ind_from_stats(mb, sb, nb, ma, sa, na, equal_var=False)
    return {"t": float(res.statistic), "p_value": float(res.pvalue)}


ITEMS: list[dict[str, Any]] = []


def q(
    cls: str,
    text: str,
    expected: dict[str, float],
    tol: dict[str, float],
    source: str,
    *para: str,
    needs: list[str] | None = None,
    invalid: str | None = None,
) -> None:
    item: dict[str, Any] = {
        "class": cls,
        "question": text,
        "expected": expected,
        "tolerance": tol,
        "source": source,
    }
    if needs is not None:
        item["needs"] = needs
    if invalid is not None:
        item["invalid"] = invalid
    if para:
        assert len(para) == 3, text
        item["paraphrases"] = list(para)
    ITEMS.append(item)


def build() -> None:
    # --- two rates ---------------------------------------------------------------------------------------------
    q(
        "two_rates",
        "how many users per group do we need to see conversion go from 4% to 5%? 80% power, alpha .05",
        {"n_per_variant": prop_n(0.04, 0.05)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "8% in one arm and 10% in the other, how many ppl per arm for 80% power?",
        {"n_per_variant": prop_n(0.08, 0.10)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "control converts at 12%, we hope for 13.5%. sample size per variant at 90% power?",
        {"n_per_variant": prop_n(0.12, 0.135, 0.9)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "our signup rate is 20 percent and the new flow should push it to 22 percent - users needed in each group?",
        {"n_per_variant": prop_n(0.20, 0.22)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "Current checkout rate 3.2%, we think the redesign gets 3.6%. How big does each group need to be (power 0.8, 5% significance)?",
        {"n_per_variant": prop_n(0.032, 0.036)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "sample size to detect 30% vs 35% click-through, 80% power two sided",
        {"n_per_variant": prop_n(0.30, 0.35)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "How many visitors per variation if the control is at 2% and I want to detect a move to 2.5%?",
        {"n_per_variant": prop_n(0.02, 0.025)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "retention is 40% today; if the change lifts it to 44%, how many players per group do I need with 90% power and alpha 0.01?",
        {"n_per_variant": prop_n(0.40, 0.44, 0.9, 0.01)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "we convert about 6% and would like to detect 7%. n per group?",
        {"n_per_variant": prop_n(0.06, 0.07)},
        N,
        R_PROP,
        "How many users in each arm to detect 6% -> 7% conversion?",
        "baseline conv 6 %, target 7 %, what sample size per group do I need",
        "If our conversion is six percent and we want to pick up seven percent, how many people per variant?",
    )
    q(
        "two_rates",
        "control at 15%, treatment hopefully 17%, how many users per arm at 85% power?",
        {"n_per_variant": prop_n(0.15, 0.17, 0.85)},
        N,
        R_PROP,
        "We're at a 15% rate and expect 17% with the new page; sample size per group for 85% power?",
        "how many users per group for 15% vs 17% with power 0.85",
        "15 percent in control and 17 percent in the variant - n per arm if I want 85% power?",
    )
    q(
        "two_rates",
        "what sample size per group to go from 50% to 55% with 80% power and alpha 0.1?",
        {"n_per_variant": prop_n(0.50, 0.55, 0.8, 0.1)},
        N,
        R_PROP,
        "50% baseline, 55% target, alpha = 0.10, power 80% - users per group?",
        "how many per arm do i need to detect 50% vs 55% at the 10% significance level (80% power)",
        "Half of users convert today; we want to detect 55%. With α of 0.1 and 80% power, how many per group?",
    )
    q(
        "two_rates",
        "open rate is 25% and we hope the new subject line gets 27%. how many recipients per group at 80% power?",
        {"n_per_variant": prop_n(0.25, 0.27)},
        N,
        R_PROP,
        "25% open rate now, 27% hoped for: recipients needed per variant?",
        "how many emails per arm for 25% -> 27% open rate, 80% power, 5% alpha",
        "our emails get opened 25% of the time; to detect a rise to 27%, how many sends per group?",
    )
    q(
        "two_rates",
        "10% in control, 12% in treatment, one-sided test at 5%, 80% power - sample size per group?",
        {"n_per_variant": prop_n(0.10, 0.12, alt="larger")},
        N,
        R_PROP + " (one-sided)",
        "one sided test: 10% vs 12% conversion, power 80%, how many users per arm?",
        "how many users per group to detect 10% going up to 12% with a one-tailed test and 80% power",
        "Baseline 10%, variant expected at 12%. We only care about an increase (1-sided). n per variant?",
    )

    # --- relative / absolute MDE on a baseline ---------------------------------------------------------------
    q(
        "mde_rel_abs",
        "baseline 5%, want to detect a 10% relative lift, 80% power. per group?",
        {"n_per_variant": prop_n(0.05, 0.055)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "our cr is 3% and the smallest change we care about is 0.5 percentage points. how many visitors per variant?",
        {"n_per_variant": prop_n(0.03, 0.035)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "Sample size for a 12% baseline and an MDE of 1pp at 90% power?",
        {"n_per_variant": prop_n(0.12, 0.13, 0.9)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "how many users per arm to detect a five percent relative uplift on a 20% conversion rate?",
        {"n_per_variant": prop_n(0.20, 0.21)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "8% conversion, 2 point absolute MDE, alpha 1%, power 80%: n?",
        {"n_per_variant": prop_n(0.08, 0.10, 0.8, 0.01)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "We convert 2.5% of visitors. To detect a 20% relative improvement how many do we need in each group?",
        {"n_per_variant": prop_n(0.025, 0.03)},
        N,
        R_PROP,
        "2.5% baseline, 20% relative MDE - users per group at 80% power?",
        "how many visitors per variant for a relative lift of 20% on a 2.5 percent conversion rate",
        "with conversion at 2.5% and a minimum detectable effect of 20% (relative), what's the sample size per arm?",
    )
    q(
        "mde_rel_abs",
        "baseline of 40%, detect an absolute change of 3 percentage points, 80% power, how many per group?",
        {"n_per_variant": prop_n(0.40, 0.43)},
        N,
        R_PROP,
        "40% baseline and a 3pp MDE: n per group?",
        "how many users per arm if our rate is 40% and we want to see a 3 point absolute difference",
        "Conversion sits at 40 percent. Smallest effect we care about is +3 percentage points. Sample size per variant?",
    )
    q(
        "mde_rel_abs",
        "what sample size per variant for a 15% relative MDE on a 4% baseline at 90% power?",
        {"n_per_variant": prop_n(0.04, 0.046, 0.9)},
        N,
        R_PROP,
        "4% baseline, 15% relative lift, 90% power. How many users per variant?",
        "how many ppl per group to catch a 15 percent relative increase when conversion is 4%, power .9",
        "We need 90% power to detect a +15% relative change on 4% conversion - per-arm sample size?",
    )

    # --- money and units (means) -----------------------------------------------------------------------------
    q(
        "money_units",
        "we want to detect a $0.40 difference in average order value, standard deviation is around $3. how many orders per group?",
        {"n_group1": t_n(0.4 / 3)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "σ = 1.8 minutes for session length, we care about a 0.3 minute change; users per arm at 80% power?",
        {"n_group1": t_n(0.3 / 1.8)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "revenue per user has an SD of $25 and we'd like to pick up a $2 lift, 90% power, alpha 5%. sample size per group?",
        {"n_group1": t_n(2 / 25, 0.9)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "avg basket is €48 with sd €20; how many shoppers per variant to detect a €1.50 increase?",
        {"n_group1": t_n(1.5 / 20)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "load time sd is 120 ms, we want to detect a 15 ms improvement. per group n at 80% power?",
        {"n_group1": t_n(15 / 120)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "How many users per group to detect a $1 change in ARPU when the standard deviation is $10?",
        {"n_group1": t_n(0.1)},
        N,
        SM_T,
        "ARPU sd = $10, we want to see a $1 difference - users per arm (80% power)?",
        "what sample size per variant to detect a one dollar change in revenue per user, std dev $10",
        "Standard deviation of ARPU is ten dollars. To detect a $1 shift, how many users in each group?",
    )
    q(
        "money_units",
        "time on page has a standard deviation of 45 seconds; to detect a 5 second increase with 90% power, how many visitors per group?",
        {"n_group1": t_n(5 / 45, 0.9)},
        N,
        SM_T,
        "sd 45 s, difference to detect 5 s, power 90%: n per group?",
        "how many per arm to catch a 5-second lift in time on page (σ = 45 seconds) at 90% power",
        "We'd like 90% power for a +5 s change in dwell time; the SD is 45 s. Sample size per variant?",
    )
    q(
        "money_units",
        "average order value sd ~ $60, mde $4, alpha 0.05, power 0.8 - orders per arm?",
        {"n_group1": t_n(4 / 60)},
        N,
        SM_T,
        "How many orders per group to detect a $4 change in AOV if the standard deviation is $60?",
        "AOV standard deviation is 60 dollars; smallest difference we care about is $4. n per variant at 80% power?",
        "per-arm sample size for a 4 dollar difference in average order value, σ = $60",
    )

    # --- solve for power ---------------------------------------------------------------------------------------
    q(
        "solve_power",
        "what power do we have with 5,000 users per group, baseline 10% and a hoped-for 11%?",
        {"power": prop_power(0.10, 0.11, 5000)},
        PW,
        R_PROP,
    )
    q(
        "solve_power",
        "we only have 1,200 in control and 800 in treatment. baseline 30%, we expect 36%. what's our power?",
        {"power": prop_power(0.30, 0.36, 1200, ratio=800 / 1200)},
        PW,
        R_PROP + " with unequal groups (ratio = n_treatment/n_control)",
    )
    q(
        "solve_power",
        "power for a t-test with 50 per group, delta 5 and sd 15?",
        {"power": t_power(5 / 15, 50)},
        PW,
        SM_T,
    )
    q(
        "solve_power",
        "If I get 3k visitors in each arm, what power do I have to detect 20% -> 22%?",
        {"power": prop_power(0.20, 0.22, 3000)},
        PW,
        R_PROP,
    )
    q(
        "solve_power",
        "what's the power with 400 users per variant to detect a $2 difference when sd is $8?",
        {"power": t_power(0.25, 400)},
        PW,
        SM_T,
    )
    q(
        "solve_power",
        "10,000 users in control and 5,000 in the variant, baseline 5%, target 6% - how much power?",
        {"power": prop_power(0.05, 0.06, 10000, ratio=0.5)},
        PW,
        R_PROP + " with unequal groups",
        "control n = 10000, treatment n = 5000, rates 5% vs 6%: what power?",
        "how much power does a 10k / 5k split give me to detect conversion moving from 5% to 6%?",
        "We'll have 10,000 control users but only 5,000 treated. Baseline five percent, expecting six. Power?",
    )
    q(
        "solve_power",
        "what power do I have with 2,500 users per group to detect 12% vs 14%?",
        {"power": prop_power(0.12, 0.14, 2500)},
        PW,
        R_PROP,
        "power for 12% -> 14% with 2500 per arm?",
        "With 2.5k users in each group and a baseline of 12%, what is the power to see 14%?",
        "if each variant gets 2,500 visitors, how likely are we to detect 12% vs 14% (i.e. what's the power)",
    )
    q(
        "solve_power",
        "t test, 30 subjects per group, we expect a difference of 4 with sd 10: power?",
        {"power": t_power(0.4, 30)},
        PW,
        SM_T,
        "What's the power with n = 30 per group, delta = 4, SD = 10 (two sample t)?",
        "how much power for detecting a mean difference of 4 (standard deviation 10) with 30 per arm",
        "30 people in each arm, sd of 10, true difference 4 - power of the t-test?",
    )

    # --- smallest second rate (power.prop.test p2 = NULL) -----------------------------------------------------
    q(
        "solve_p2",
        "with 1,000 users per group and a 10% baseline, what's the smallest treatment rate we could detect at 80% power?",
        {"p2": prop_p2(0.10, 1000)},
        CI,
        R_PROP + " solved for p2",
    )
    q(
        "solve_p2",
        "n = 500 per arm, p1 = 0.2, power 90%: minimum p2 we can detect?",
        {"p2": prop_p2(0.20, 500, 0.9)},
        CI,
        R_PROP + " solved for p2",
    )
    q(
        "solve_p2",
        "we get 2000 per variant and convert at 5%. how high would the variant rate have to be for us to detect it?",
        {"p2": prop_p2(0.05, 2000)},
        CI,
        R_PROP + " solved for p2",
    )
    q(
        "solve_p2",
        "power.prop.test style: n=300 per group, p1=.5, power .8, what p2?",
        {"p2": prop_p2(0.5, 300)},
        CI,
        R_PROP + " solved for p2",
        "with 300 in each group and p1 = 0.5, what is the smallest p2 detectable at 80% power?",
        "Baseline 50%, 300 users per arm: the lowest second rate we can detect with 80% power?",
        "what treatment conversion rate is detectable with 300 per group when control converts at 50 percent",
    )
    q(
        "solve_p2",
        "If we have 4,000 users per group and our baseline is 8%, what's the smallest variant conversion rate we can detect?",
        {"p2": prop_p2(0.08, 4000)},
        CI,
        R_PROP + " solved for p2",
        "4k per arm, 8% baseline - smallest detectable treatment rate at 80% power?",
        "8% conversion in control and 4,000 users in each group: how high must the variant's rate be to be detectable?",
        "what p2 can I detect with 4000 per group, p1 = 8%, 80% power",
    )

    # --- smallest standardized effect d ------------------------------------------------------------------------
    q(
        "solve_d",
        "with 64 per group, what's the smallest Cohen's d we can detect at 80% power?",
        {"mde_cohens_d": t_mde_d(64)},
        CI,
        SM_T + " solved for d",
    )
    q(
        "solve_d",
        "smallest standardized effect detectable with 200 users per arm, power 90%?",
        {"mde_cohens_d": t_mde_d(200, 0.9)},
        CI,
        SM_T + " solved for d",
    )
    q(
        "solve_d",
        "I can recruit 25 people per group. What effect size d could I detect with 80% power?",
        {"mde_cohens_d": t_mde_d(25)},
        CI,
        SM_T + " solved for d",
        "25 per group - minimum detectable Cohen's d at 80% power?",
        "what's the smallest standardised effect we can detect with twenty-five subjects in each arm",
        "n = 25 per arm, t-test, power 0.8: smallest detectable effect size d?",
    )
    q(
        "solve_d",
        "we have 1,000 users per variant; what's the minimum detectable effect in standard deviations (d) with 90% power?",
        {"mde_cohens_d": t_mde_d(1000, 0.9)},
        CI,
        SM_T + " solved for d",
        "Smallest Cohen's d for 1000 per group at 90% power?",
        "1k users in each arm, power .9: how small an effect (in SD units) can we detect?",
        "minimum detectable standardized effect with a thousand users per variant and 90% power",
    )

    # --- relative MDE in a fixed number of days (chain: days → n → MDE) ----------------------------------------

    q(
        "mde_in_days",
        "we can only run for 14 days with 2,000 visitors a day, baseline 5%. what relative MDE can we detect?",
        {"mde_relative": mde_days(0.05, 2000, 14)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
    )
    q(
        "mde_in_days",
        "2 weeks of traffic at 10k users/day and a 3% conversion rate - what's the smallest relative lift we can detect at 80% power?",
        {"mde_relative": mde_days(0.03, 10000, 14)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
    )
    q(
        "mde_in_days",
        "We get 5,000 users per day and can run the test for 21 days. Baseline conversion is 10%. What relative MDE is reachable?",
        {"mde_relative": mde_days(0.10, 5000, 21)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
        "21 days at 5k users a day, baseline 10% - smallest detectable relative lift?",
        "if we run three weeks (21 days) with 5000 daily users and 10% conversion, what MDE (relative) can we detect?",
        "what relative minimum detectable effect do 21 days of 5,000 visitors/day give us on a 10% baseline",
    )
    q(
        "mde_in_days",
        "only 7 days available, 20k visitors per day, conversion 2% - what relative MDE can we hit with 80% power?",
        {"mde_relative": mde_days(0.02, 20000, 7)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
        "7 days, 20,000 visitors a day, 2% baseline: relative MDE?",
        "with a week of 20k daily visitors and a 2 percent conversion rate, what's the smallest relative change we could detect",
        "We can run for seven days. 20k users/day, cr 2%. What relative lift is detectable at 80% power?",
    )

    # --- one-sample ---------------------------------------------------------------------------------------------
    q(
        "one_sample",
        "one-sample t-test: how many observations to detect a mean shift of 2 with sd 5 at 80% power?",
        {"n": t1_n(0.4)},
        N,
        SM_T1,
    )
    q(
        "one_sample",
        "is this coin fair? we flipped it 100 times and got 60 heads",
        {"p_value": float(stats.binomtest(60, 100, 0.5).pvalue)},
        PV,
        "scipy.stats.binomtest (exact two-sided binomial test)",
    )
    q(
        "one_sample",
        "we expect a 30% open rate industry-wide; our 200 emails got 75 opens. is that significantly different from 30%?",
        {"p_value": float(stats.binomtest(75, 200, 0.3).pvalue)},
        PV,
        "scipy.stats.binomtest (exact two-sided binomial test)",
    )
    q(
        "one_sample",
        "one sample test against a known mean: sample of 40, we want to detect a difference of 0.5 with sd 1.5, what's the power?",
        {"power": t1_power(0.5 / 1.5, 40)},
        PW,
        SM_T1,
    )
    q(
        "one_sample",
        "How many measurements do I need for a one-sample t test to detect a deviation of 3 units from the known mean when sd = 6 (90% power)?",
        {"n": t1_n(0.5, 0.9)},
        N,
        SM_T1,
        "one sample t-test, delta 3, sd 6, power 0.9: n?",
        "we compare our sample mean with a fixed target; detect a difference of 3 with a standard deviation of 6 at 90% power - sample size?",
        "how big a single sample to detect a 3-unit shift from the reference mean (σ = 6), 90% power",
    )
    q(
        "one_sample",
        "a die landed on six 30 times out of 120 rolls. is it loaded (test against 1/6)?",
        {"p_value": float(stats.binomtest(30, 120, 1 / 6).pvalue)},
        PV,
        "scipy.stats.binomtest (exact two-sided binomial test)",
        "is a die fair if six came up 30 times in 120 throws?",
        "120 rolls, 30 sixes: p-value against the fair rate of 1/6?",
        "we rolled a die 120 times and saw 30 sixes - is that significantly more than a fair die would give?",
    )

    # --- paired ---------------------------------------------------------------------------------------------
    q(
        "paired",
        "paired design (before and after on the same users): detect a mean difference of 1.5 with sd of differences 4, how many pairs at 80% power?",
        {"n_pairs": t1_n(1.5 / 4)},
        N,
        SM_T1,
    )
    q(
        "paired",
        "pre-post study on the same stores, sd of the change is 10, want to detect 3. pairs needed with 90% power?",
        {"n_pairs": t1_n(0.3, 0.9)},
        N,
        SM_T1,
    )
    q(
        "paired",
        "Paired t test: 20 pairs, mean difference 2, sd of differences 5. What power?",
        {"power": t1_power(0.4, 20)},
        PW,
        SM_T1,
        "power of a paired test with 20 pairs, difference 2 and SD of the differences 5?",
        "we measure the same 20 people before and after; expected difference 2, sd 5 - what power do we have?",
        "before/after on 20 subjects (paired), delta 2, sd of diffs 5: power?",
    )
    q(
        "paired",
        "before and after measurements on the same users: how many users to detect a change of 0.2 when the sd of the differences is 0.8, 80% power?",
        {"n_pairs": t1_n(0.25)},
        N,
        SM_T1,
        "paired design, detect 0.2 with sd of differences 0.8 - pairs needed?",
        "how many pairs for a before/after test, delta 0.2, sd 0.8, power 80%",
        "We'll measure each user twice (pre and post). Difference to detect is 0.2, SD of the change 0.8. Number of pairs?",
    )

    # --- allocation ratio ---------------------------------------------------------------------------------------
    q(
        "allocation",
        "we want a 70/30 split (control/variant). baseline 10%, target 12% - how many in control at 80% power?",
        {"n_control": prop_n(0.10, 0.12, ratio=30 / 70)},
        N,
        R_PROP + " with ratio n2/n1 = 3/7",
    )
    q(
        "allocation",
        "treatment gets twice as many users as control (2:1). detect 5% -> 6%, how many in the control group?",
        {"n_control": prop_n(0.05, 0.06, ratio=2)},
        N,
        R_PROP + " with ratio 2",
    )
    q(
        "allocation",
        "t test with allocation ratio 2 (n2 = 2 n1), d = 0.5, 80% power: n1?",
        {"n_group1": t_n(0.5, ratio=2)},
        N,
        SM_T,
    )
    q(
        "allocation",
        "90/10 split, control converts at 20%, we want to detect 23%. how big must the control group be?",
        {"n_control": prop_n(0.20, 0.23, ratio=1 / 9)},
        N,
        R_PROP + " with ratio 1/9",
        "control 90%, variant 10% of traffic; 20% vs 23% - control sample size?",
        "with a 90/10 allocation, how many control users to detect a change from 20% to 23%",
        "we send 90% to control and 10% to the test arm. baseline twenty percent, target 23%. n for control?",
    )
    q(
        "allocation",
        "allocation ratio of 3 (three treated per control user), difference of 5 with sd 20 - how many control users for 80% power?",
        {"n_group1": t_n(0.25, ratio=3)},
        N,
        SM_T,
        "ratio 3:1 treatment to control, delta 5, sd 20: n in control?",
        "if the variant gets 3x the control traffic, how many control subjects to detect a difference of 5 (SD 20)?",
        "t-test with ratio = 3, mean difference 5, standard deviation 20, power 80% - control group size?",
    )

    # --- ANOVA f ---------------------------------------------------------------------------------------------
    q(
        "anova",
        "one-way anova, 3 groups, cohen's f = 0.25, how many per group for 80% power?",
        {"n_per_group": anova_n(0.25, 3)},
        N,
        "statsmodels FTestAnovaPower (total / k)",
    )
    q(
        "anova",
        "5 groups, effect size f 0.1, alpha .05, power .9 - n per group?",
        {"n_per_group": anova_n(0.1, 5, 0.9)},
        N,
        "statsmodels FTestAnovaPower (total / k)",
    )
    q(
        "anova",
        "ANOVA power with 4 groups of 30 each and f = 0.25?",
        {"power": anova_power(0.25, 4, 30)},
        PW,
        "statsmodels FTestAnovaPower",
    )
    q(
        "anova",
        "How many subjects per group does a one-way ANOVA with six groups need to detect f = 0.4 with 80% power?",
        {"n_per_group": anova_n(0.4, 6)},
        N,
        "statsmodels FTestAnovaPower (total / k)",
        "anova, k = 6, Cohen's f 0.4, power 0.8: per-group n?",
        "six groups, large effect f=.4 - how many per group at 80% power",
        "sample size per group for an ANOVA comparing 6 groups, effect size f of 0.4",
    )
    q(
        "anova",
        "three-arm test analysed with ANOVA, Cohen's f of 0.15, power 90%: how many per arm?",
        {"n_per_group": anova_n(0.15, 3, 0.9)},
        N,
        "statsmodels FTestAnovaPower (total / k)",
        "ANOVA with 3 groups, f = 0.15, 90% power - n per group?",
        "how many users per group for a one-way anova across three groups with f=0.15 and power .9",
        "We compare 3 versions with an ANOVA and expect Cohen's f around 0.15. 90% power. Per-group sample size?",
    )

    # --- chi-square w / df -------------------------------------------------------------------------------------
    q(
        "chi_square",
        "chi-square goodness of fit, w = 0.3, 3 degrees of freedom, total n for 80% power?",
        {"n_total": chi_n(0.3, 3)},
        N,
        "statsmodels GofChisquarePower (n_bins = df + 1)",
    )
    q(
        "chi_square",
        "cohen's w of 0.1 with df = 2, how many observations total at 90% power?",
        {"n_total": chi_n(0.1, 2, 0.9)},
        N,
        "statsmodels GofChisquarePower (n_bins = df + 1)",
    )
    q(
        "chi_square",
        "What power does a chi-square test with 200 observations have for w = 0.2 and 4 df?",
        {"power": chi_power(0.2, 4, 200)},
        PW,
        "statsmodels GofChisquarePower",
        "chi square power: N = 200, w = .2, df = 4?",
        "with 200 total observations, effect size w 0.2 and four degrees of freedom, what's the power",
        "power of a goodness-of-fit chi-square test (df 4) with n=200 for Cohen's w = 0.2",
    )
    q(
        "chi_square",
        "total sample size for a chi-square test with 5 df and Cohen's w = 0.5 at 80% power?",
        {"n_total": chi_n(0.5, 5)},
        N,
        "statsmodels GofChisquarePower (n_bins = df + 1)",
        "w = 0.5, df = 5, 80% power: N?",
        "how many observations in total for a chi-squared test, five degrees of freedom, w of .5",
        "Cohen's w 0.5 and df 5 - what total N gives 80% power?",
    )

    # --- compromise power (G*Power) ---------------------------------------------------------------------------
    a1, p1_ = compromise(0.5, 50, 1.0)
    q(
        "compromise",
        "compromise power analysis: two-sample t, d = 0.5, 50 per group, beta/alpha ratio 1. what alpha and power?",
        {"alpha": a1, "power": p1_},
        {"absolute": 0.001},
        "scipy noncentral t, G*Power compromise definition (β = q·α)",
    )
    a2, p2_ = compromise(0.3, 100, 4.0)
    q(
        "compromise",
        "G*Power compromise: effect size d 0.3, n = 100 per group, β/α = 4 - which alpha and power?",
        {"alpha": a2, "power": p2_},
        {"absolute": 0.001},
        "scipy noncentral t, G*Power compromise definition (β = q·α)",
        "compromise analysis with d = .3, 100 per group and a beta/alpha ratio of 4: alpha and power?",
        "we can only get 100 people per group; with d=0.3 and β/α = 4, what α and power does a compromise analysis give?",
        "two-sample t-test compromise power, n 100 each, d 0.3, ratio q = 4 (beta to alpha)",
    )

    # --- named methods -------------------------------------------------------------------------------------
    q(
        "method_named",
        "using cohen's h (pwr.2p.test), how many per group for 20% vs 25% at 80% power?",
        {"n_per_variant": cohen_h_n(0.20, 0.25)},
        N,
        "statsmodels NormalIndPower with proportion_effectsize (as R pwr.2p.test)",
    )
    q(
        "method_named",
        "arcsine method: sample size for 10% -> 15%, power 90%",
        {"n_per_variant": cohen_h_n(0.10, 0.15, 0.9)},
        N,
        "statsmodels NormalIndPower with proportion_effectsize (as R pwr.2p.test)",
    )
    q(
        "method_named",
        "unpooled variance please: n per group for 30% vs 33%, 80% power",
        {"n_per_variant": unpooled_n(0.30, 0.33)},
        N,
        Z + " (unpooled variance)",
    )
    q(
        "method_named",
        "with the pooled variance formula, how many per group for 5% to 6%?",
        {"n_per_variant": prop_n(0.05, 0.06)},
        N,
        R_PROP,
    )
    q(
        "method_named",
        "Using Evan Miller's calculator conventions, sample size per variation for a 10% baseline and a 20% relative MDE?",
        {"n_per_variant": evan_miller_n(0.10, 0.12)},
        N,
        "evanmiller.org sample-size formula (its JavaScript), scipy norm",
    )
    q(
        "method_named",
        "Kohavi's rule of thumb: sd of revenue 30, delta 1.5, n per variant?",
        {"n_group1": 16 * 30**2 / 1.5**2},
        N,
        "Kohavi et al. 2009: n = 16σ²/δ²",
    )
    q(
        "method_named",
        "rule of thumb n = 16 sigma^2 / delta^2 for a 10% conversion rate and a 1 point absolute change?",
        {"n_group1": 16 * 0.1 * 0.9 / 0.01**2},
        N,
        "Kohavi et al. 2009 with σ² = p(1−p)",
    )
    q(
        "method_named",
        "Cohen's h sample size for 60% vs 70%, alpha 0.05, power 0.8?",
        {"n_per_variant": cohen_h_n(0.6, 0.7)},
        N,
        "statsmodels NormalIndPower with proportion_effectsize (as R pwr.2p.test)",
        "pwr.2p.test style (arcsine / Cohen's h): 60% vs 70% at 80% power, n per group?",
        "using the arcsine transformation, how many per group to detect 60% -> 70%",
        "n per arm with Cohen's h for proportions of 0.6 and 0.7, power 80%",
    )
    q(
        "method_named",
        "unpooled normal approximation: users per group for 12% vs 15% with 90% power?",
        {"n_per_variant": unpooled_n(0.12, 0.15, 0.9)},
        N,
        Z + " (unpooled variance)",
        "n per group with unpooled variance, 12% -> 15%, power 0.9?",
        "how many users in each arm, 12% vs 15%, 90% power - use the unpooled formula",
        "sample size (unpooled SE) to detect 12 percent vs 15 percent at 90% power",
    )
    q(
        "method_named",
        "evan miller style sample size: baseline 3%, MDE 1 percentage point absolute",
        {"n_per_variant": evan_miller_n(0.03, 0.04)},
        N,
        "evanmiller.org sample-size formula (its JavaScript), scipy norm",
        "Like Evan Miller's calculator: 3% baseline, 1pp absolute MDE - sample size per variation?",
        "what would evanmiller.org give for a 3% conversion rate and an absolute MDE of 1 point?",
        "Evan Miller conventions, p1 = 3%, detect +1 percentage point: n per group",
    )
    q(
        "method_named",
        "using Kohavi's 16σ²/δ² rule, a 5% conversion rate and a 10% relative change - users per variant?",
        {"n_group1": 16 * 0.05 * 0.95 / 0.005**2},
        N,
        "Kohavi et al. 2009 with σ² = p(1−p)",
        "rule of thumb (16 sigma squared over delta squared) for 5% conversion, 10% relative MDE?",
        "Kohavi rule of thumb: baseline 5 percent, relative lift of 10% - n per variant?",
        "16σ²/δ² with σ² = p(1-p) on a 5% rate, detecting a 10% relative change: how many users per arm",
    )
    q(
        "method_named",
        "rule of thumb sample size: std dev 12, difference 3",
        {"n_group1": 16 * 144 / 9},
        N,
        "Kohavi et al. 2009 / van Belle: n = 16σ²/δ²",
        "16 sigma^2/delta^2 for sd 12 and delta 3?",
        "quick rule-of-thumb n per group, σ = 12, δ = 3",
        "using the 16σ²/δ² rule of thumb with a standard deviation of 12 and a difference of 3, how many per group",
    )

    # --- CI methods -----------------------------------------------------------------------------------------------

    q(
        "ci_methods",
        "wald CI for the difference: control 120/1000, treatment 150/1000",
        ci2(120, 1000, 150, 1000, "wald"),
        CI,
        "statsmodels confint_proportions_2indep(method='wald')",
    )
    q(
        "ci_methods",
        "agresti-caffo interval for the diff in conversion, A 45 of 300, B 60 of 310",
        ci2(45, 300, 60, 310, "agresti-caffo"),
        CI,
        "statsmodels confint_proportions_2indep(method='agresti-caffo')",
    )
    q(
        "ci_methods",
        "newcombe 95% ci for difference, control 30 out of 200 and variant 44 out of 210",
        ci2(30, 200, 44, 210, "newcomb"),
        CI,
        "statsmodels confint_proportions_2indep(method='newcomb')",
    )
    q(
        "ci_methods",
        "Give me the Wald confidence interval for the difference between 80/500 (control) and 100/500 (treatment)",
        ci2(80, 500, 100, 500, "wald"),
        CI,
        "statsmodels confint_proportions_2indep(method='wald')",
        "wald ci: 80 of 500 vs 100 of 500, difference B minus A",
        "95% Wald interval for the conversion difference, control 80/500, variant 100/500",
        "what's the wald CI on the lift in absolute terms if A had 80 conversions out of 500 and B had 100 out of 500",
    )
    q(
        "ci_methods",
        "Agresti-Caffo CI for the difference: control 12 out of 90, treatment 25 out of 95",
        ci2(12, 90, 25, 95, "agresti-caffo"),
        CI,
        "statsmodels confint_proportions_2indep(method='agresti-caffo')",
        "agresti caffo interval, A = 12/90, B = 25/95",
        "confidence interval (Agresti-Caffo) on the difference in rates: 12 of 90 in control, 25 of 95 in the variant",
        "difference in proportions CI by agresti-caffo for 12/90 vs 25/95",
    )
    q(
        "ci_methods",
        "Newcombe interval for the difference in conversion rates, 200/4000 in control vs 260/4100 in treatment",
        ci2(200, 4000, 260, 4100, "newcomb"),
        CI,
        "statsmodels confint_proportions_2indep(method='newcomb')",
        "newcombe CI: control 200 out of 4000, treatment 260 out of 4100",
        "95% newcombe (hybrid score) interval for B - A with A = 200/4000 and B = 260/4100",
        "What's the Newcombe confidence interval on the rate difference, 200 of 4,000 vs 260 of 4,100?",
    )

    # --- duration from a known total ------------------------------------------------------------------------------
    q(
        "duration_total",
        "we need 500,000 pageviews in total, get 30,000 a day and send 40% into the test. how many days?",
        {"days_rounded_up": math.ceil(500000 / (30000 * 0.4))},
        EXACT,
        "arithmetic: total / (daily traffic × exposed share)",
    )
    q(
        "duration_total",
        "the calculator says 40k users per variant, 2 variants plus control, we have 12k users a day. how long?",
        {"days_rounded_up": math.ceil(120000 / 12000)},
        EXACT,
        "arithmetic: n per group × arms / daily traffic",
    )
    q(
        "duration_total",
        "need 25,000 per group, 50/50 split, 3,000 visitors/day but only half of them are eligible - how many days?",
        {"days_rounded_up": math.ceil(50000 / 1500)},
        EXACT,
        "arithmetic: n per group × arms / (traffic × share)",
    )
    q(
        "duration_total",
        "We need 200k users in total and get 8,000 a day, with 25% of traffic in the experiment. How long will it take?",
        {"days_rounded_up": math.ceil(200000 / 2000)},
        EXACT,
        "arithmetic: total / (daily traffic × exposed share)",
        "200,000 users needed overall, 8k daily visitors, 25% exposed - days?",
        "how many days to collect 200k users if we see 8000 per day and only a quarter enter the test (25%)",
        "total sample 200000, traffic 8,000/day, exposure 25% of traffic: duration in days?",
    )
    q(
        "duration_total",
        "sample size is 15,000 per group, two groups, and we get 2,500 visitors per day. how many days will the test run?",
        {"days_rounded_up": math.ceil(30000 / 2500)},
        EXACT,
        "arithmetic: n per group × arms / daily traffic",
        "15k per group, 2 groups, 2.5k visitors a day: how long?",
        "how many days for 15000 users in each of two arms with 2,500 daily visitors",
        "We need 15,000 per arm (A and B). Traffic is 2500 per day. Test duration?",
    )

    # --- duration chain (sample size → days) ----------------------------------------------------------------------
    q(
        "duration_chain",
        "baseline 4%, 10% relative mde, 8k visitors per day. how many days?",
        {"days_rounded_up": days(prop_n(0.04, 0.044), 8000)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / traffic⌉",
    )
    q(
        "duration_chain",
        "how long to run a test going from 10% to 11% with 3,000 users a day?",
        {"days_rounded_up": days(prop_n(0.10, 0.11), 3000)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / traffic⌉",
    )
    q(
        "duration_chain",
        "2% conversion, 15% relative MDE, 50k sessions a day, 20% of traffic in the test - how many days?",
        {"days_rounded_up": days(prop_n(0.02, 0.023), 50000, 0.2)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / (traffic × share)⌉",
    )
    q(
        "duration_chain",
        "We have 6,000 visitors a day and a 5% conversion rate. How many days to detect a 20% relative lift at 80% power?",
        {"days_rounded_up": days(prop_n(0.05, 0.06), 6000)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / traffic⌉",
        "6k visitors/day, 5% baseline, 20% relative MDE: how many days?",
        "how long does the test need to run at 6,000 daily users to detect a 20% relative improvement on 5% conversion",
        "Duration in days: baseline five percent, relative mde 20%, traffic 6000 per day",
    )
    q(
        "duration_chain",
        "how many days do we need with 1,500 users per day, a 30% baseline and a 2 point absolute MDE?",
        {"days_rounded_up": days(prop_n(0.30, 0.32), 1500)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / traffic⌉",
        "1.5k users a day, 30% baseline, 2pp absolute MDE - test duration?",
        "How long will the test take at 1500 daily users to detect 30% -> 32%?",
        "days needed: baseline 30 percent, detect +2 percentage points, 1,500 visitors/day",
    )

    # --- several outputs: BH + Bonferroni; SRM ratio + chi2 ---------------------------------------------------------

    ps1 = [0.01, 0.02, 0.03, 0.04, 0.2]
    bh1, bf1 = adj(ps1, "fdr_bh"), adj(ps1, "bonferroni")
    q(
        "multi_output",
        "adjust 0.01, 0.02, 0.03, 0.04, 0.2 with BH, and show bonferroni for comparison",
        {**{f"bh[{i}]": v for i, v in enumerate(bh1)}, **{f"bonferroni[{i}]": v for i, v in enumerate(bf1)}},
        PV,
        "statsmodels multipletests fdr_bh and bonferroni",
    )
    ps2 = [0.003, 0.012, 0.04, 0.049]
    bh2, bf2 = adj(ps2, "fdr_bh"), adj(ps2, "bonferroni")
    q(
        "multi_output",
        "We ran 4 metrics with p values 0.003, 0.012, 0.04 and 0.049. What are the Benjamini-Hochberg adjusted p-values, and what would Bonferroni give?",
        {**{f"bh[{i}]": v for i, v in enumerate(bh2)}, **{f"bonferroni[{i}]": v for i, v in enumerate(bf2)}},
        PV,
        "statsmodels multipletests fdr_bh and bonferroni",
        "BH-adjust p = 0.003, 0.012, 0.04, 0.049 and also give the Bonferroni values",
        "p-values 0.003 / 0.012 / 0.04 / 0.049: benjamini hochberg adjusted, plus bonferroni for comparison",
        "compare Bonferroni with Benjamini-Hochberg on these p-values: .003, .012, .04, .049",
    )
    ps3 = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06]
    holm3 = adj(ps3, "holm")
    q(
        "multi_output",
        "holm-adjusted p-values for 0.001, 0.008, 0.039, 0.041, 0.042, 0.06 please, list them all",
        {f"adjusted_p_values[{i}]": v for i, v in enumerate(holm3)},
        PV,
        "statsmodels multipletests holm",
    )
    q(
        "multi_output",
        "BH adjusted p-values for 0.02, 0.001, 0.3, 0.04",
        {f"adjusted_p_values[{i}]": v for i, v in enumerate(adj([0.02, 0.001, 0.3, 0.04], "fdr_bh"))},
        PV,
        "statsmodels multipletests fdr_bh",
        "benjamini-hochberg: p = 0.02, 0.001, 0.3, 0.04 - adjusted values?",
        "adjust these p-values with BH (FDR): .02, .001, .3, .04",
        "what are the FDR-adjusted (Benjamini–Hochberg) p values for 0.02, 0.001, 0.3 and 0.04",
    )

    q(
        "srm",
        "SRM check: 10,321 in control vs 9,862 in treatment on a 50/50 split. give me the ratio and chi-square",
        srm([10321, 9862]),
        PV,
        "scipy.stats.chisquare",
    )
    q(
        "srm",
        "we expected 50/50 but got 48,700 and 50,100 users. sample ratio mismatch?",
        srm([48700, 50100]),
        PV,
        "scipy.stats.chisquare",
    )
    q(
        "srm",
        "three arms at 33/33/34... no wait equal thirds: 3,400, 3,350 and 3,100 users. is there an SRM?",
        srm([3400, 3350, 3100]),
        PV,
        "scipy.stats.chisquare",
    )
    q(
        "srm",
        "Intended split 90/10, observed 45,500 control and 4,800 treatment - SRM?",
        srm([45500, 4800], [0.9, 0.1]),
        PV,
        "scipy.stats.chisquare against 90/10",
        "90/10 allocation, counts 45500 vs 4800: sample ratio mismatch check (chi-square and observed ratio)?",
        "is 45.5k vs 4.8k a sample ratio mismatch for a 90/10 test",
        "SRM test: we planned 90% / 10% and saw 45,500 and 4,800 users",
    )
    q(
        "srm",
        "50/50 test, 25,000 vs 25,600 users, do we have a sample ratio mismatch? what's the chi2?",
        srm([25000, 25600]),
        PV,
        "scipy.stats.chisquare",
        "SRM? control 25,000, variant 25,600, planned 50/50",
        "chi-square SRM check for 25000 and 25600 users in an even split",
        "we got 25k in A and 25.6k in B on a 50-50 split - is that a sample ratio mismatch",
    )

    # --- CUPED -------------------------------------------------------------------------------------------------
    q(
        "cuped",
        "CUPED with a pre-period correlation of 0.6: we needed 40,000 per group, how many now?",
        {"n_per_group_cuped": 40000 * (1 - 0.36)},
        N,
        "Deng et al. 2013: n × (1 − ρ²)",
    )
    q(
        "cuped",
        "cuped covariate correlation 0.7, original sample 100k per arm and 20k users a day; new n and days?",
        {"n_per_group_cuped": 100000 * 0.51, "days_with_cuped": math.ceil(2 * 100000 * 0.51 / 20000 - 1e-9)},
        N,
        "Deng et al. 2013: n × (1 − ρ²); days = 2n/traffic",
    )
    q(
        "cuped",
        "CUPED cuts variance by 30%. we needed 50,000 per group at 10,000 users/day: new sample size and duration?",
        {"n_per_group_cuped": 35000, "days_with_cuped": math.ceil(70000 / 10000)},
        N,
        "Deng et al. 2013: n × (1 − reduction)",
    )
    q(
        "cuped",
        "If CUPED gives us a correlation of 0.5 with the pre-period metric and we needed 80,000 users per variant with 16k users a day, how many users and days do we need now?",
        {"n_per_group_cuped": 60000, "days_with_cuped": math.ceil(120000 / 16000)},
        N,
        "Deng et al. 2013: n × (1 − ρ²); days = 2n/traffic",
        "rho 0.5 (cuped), 80k per variant, 16,000 users/day - new n and days?",
        "with CUPED at correlation .5, what happens to an 80,000-per-group test with 16k daily users (n and duration)?",
        "we need 80k per arm and get 16k a day; CUPED covariate correlates 0.5. How many users and how many days with CUPED?",
    )
    q(
        "cuped",
        "variance reduction of 40% from CUPED; we needed 30,000 per arm. what's the new per-arm sample size?",
        {"n_per_group_cuped": 18000},
        N,
        "Deng et al. 2013: n × (1 − reduction)",
        "CUPED removes 40% of the variance, old n 30k per group: new n?",
        "if cuped reduces variance by 40 percent, how many users per group instead of 30,000",
        "30,000 per arm without CUPED, 40% variance reduction with it - sample size per arm now?",
    )

    # --- significance ----------------------------------------------------------------------------------------------

    q(
        "significance",
        "A: 320 conversions from 4,000 users, B: 380 from 4,000. significant?",
        zt(320, 4000, 380, 4000),
        PV,
        "statsmodels proportions_ztest (pooled)",
    )
    q(
        "significance",
        "is 1.9% vs 2.3% significant? 200/10500 vs 240/10400",
        zt(200, 10500, 240, 10400),
        PV,
        "statsmodels proportions_ztest (pooled)",
    )
    q(
        "significance",
        "control mean 52.1 sd 11 n 300, variant mean 54.0 sd 12 n 310. p-value?",
        wt(52.1, 11, 300, 54.0, 12, 310),
        PV,
        "scipy ttest_ind_from_stats (Welch)",
    )
    q(
        "significance",
        "Control had 1,000 users and 90 signups; the variant had 1,000 users and 118 signups. Is the difference statistically significant?",
        zt(90, 1000, 118, 1000),
        PV,
        "statsmodels proportions_ztest (pooled)",
        "90/1000 vs 118/1000 signups - p-value?",
        "is 118 out of 1000 significantly better than 90 out of 1000",
        "z test for control 90 of 1,000 and treatment 118 of 1,000: significant at 5%?",
    )
    q(
        "significance",
        "control: mean 4.2, sd 1.1, n 150; treatment: mean 4.5, sd 1.3, n 160. Welch t-test p value?",
        wt(4.2, 1.1, 150, 4.5, 1.3, 160),
        PV,
        "scipy ttest_ind_from_stats (Welch)",
        "welch test: A mean 4.2 (sd 1.1, n=150) vs B mean 4.5 (sd 1.3, n=160)?",
        "is the difference significant? control mean 4.2 sd 1.1 n 150, variant mean 4.5 sd 1.3 n 160",
        "p-value for means 4.2 vs 4.5 with SDs 1.1 and 1.3 and group sizes 150 and 160",
    )

    # --- other calculators --------------------------------------------------------------------------------------------
    q(
        "other",
        "how many pairs to detect a correlation of 0.2 with 90% power?",
        {"n": corr_n(0.2, 0.9)},
        N,
        "R pwr.r.test equation, scipy brentq",
    )
    lo, hi = proportion_confint(45, 120, method="wilson")
    q(
        "other",
        "wilson interval for 45 successes out of 120 trials",
        {"lower": float(lo), "upper": float(hi)},
        CI,
        "statsmodels proportion_confint(method='wilson')",
    )
    q(
        "other",
        "O'Brien-Fleming boundaries for 4 looks, alpha 0.05, classic",
        {"z_boundaries[3]": 2.024, "z_boundaries[0]": 2.024 * 2},
        {"absolute": 0.002},
        "Jennison & Turnbull 2000, Table 2.3: C_B(4, 0.05) = 2.024",
    )
    lo, hi = proportion_confint(30, 250, method="beta")
    q(
        "other",
        "exact (clopper-pearson) CI for 30 of 250",
        {"lower": float(lo), "upper": float(hi)},
        CI,
        "statsmodels proportion_confint(method='beta')",
        "clopper pearson interval, 30 successes in 250 trials",
        "95% exact binomial CI for 30/250",
        "what's the Clopper-Pearson confidence interval when 30 out of 250 users converted",
    )
    q(
        "other",
        "Sample size to detect a correlation of r = 0.25 at 80% power?",
        {"n": corr_n(0.25)},
        N,
        "R pwr.r.test equation, scipy brentq",
        "how many observations for r = .25, power 0.8",
        "to detect a correlation of 0.25 with 80% power how many pairs do I need",
        "n needed to test a correlation coefficient of 0.25 (80% power, two-sided 5%)",
    )
    q(
        "other",
        "Pocock boundaries for 3 analyses, classic design, alpha 5%",
        {"z_boundaries[0]": 2.289, "z_boundaries[2]": 2.289},
        {"absolute": 0.002},
        "Jennison & Turnbull 2000, Table 2.1: C_P(3, 0.05) = 2.289",
        "classic Pocock bounds, 3 looks, alpha 0.05?",
        "what z boundary does a classic pocock design with three analyses use at α = .05",
        "group sequential, pocock, 3 equally spaced analyses (classic): boundaries?",
    )

    # --- missing inputs ----------------------------------------------------------------------------------------
    q(
        "missing",
        "how many users per group do we need for a 10% lift?",
        {},
        {},
        "needs: no baseline",
        needs=["baseline"],
    )
    q("missing", "sample size for a 5% baseline?", {}, {}, "needs: no effect size", needs=["mde"])
    q(
        "missing",
        "how long do I need to run a test going from 4% to 5%?",
        {},
        {},
        "needs: no traffic",
        needs=["daily_traffic"],
    )
    q(
        "missing",
        "we want to detect a $2 change in revenue per user, how many users per arm?",
        {},
        {},
        "needs: no SD",
        needs=["sd"],
    )
    q(
        "missing",
        "what power do I have with a 10% baseline and a 5% relative lift?",
        {},
        {},
        "needs: no group size",
        needs=["n_per_group"],
    )
    q(
        "missing",
        "bonferroni correction for my three p-values",
        {},
        {},
        "needs: no p-values",
        needs=["p_values"],
    )
    q(
        "missing",
        "anova with 4 groups, how many per group?",
        {},
        {},
        "needs: no effect size f",
        needs=["effect_size_f"],
    )
    q(
        "missing",
        "how many users per variant to detect a 3% relative improvement at 90% power?",
        {},
        {},
        "needs: no baseline",
        needs=["baseline"],
        *(
            "sample size per arm for a 3% relative MDE, power 0.9?",
            "what n per group for a 3 percent lift with 90% power",
            "users needed in each group to see a +3% relative change (90% power)",
        ),
    )
    q(
        "missing",
        "how many days will a test take with 20k visitors a day?",
        {},
        {},
        "needs: no baseline, no MDE",
        needs=["baseline", "mde"],
        *(
            "20,000 visitors/day - how long should the test run?",
            "with 20k daily users, how many days do we need?",
            "test duration at 20000 users per day?",
        ),
    )
    q(
        "missing",
        "what's the smallest effect we can detect with a 10% baseline?",
        {},
        {},
        "needs: no group size",
        needs=["n_per_group"],
        *(
            "MDE for a 10% baseline conversion rate at 80% power?",
            "baseline 10% - what minimum detectable effect can we get?",
            "how small a lift can we detect on a 10 percent conversion rate",
        ),
    )
    q(
        "missing",
        "how many users per group to detect a 0.5 minute increase in session length?",
        {},
        {},
        "needs: no SD",
        needs=["sd"],
        *(
            "sample size to detect +0.5 min session length per arm?",
            "we want to detect half a minute more session time: users per variant?",
            "n per group for a 0.5-minute change in time spent",
        ),
    )
    q(
        "missing",
        "is there a sample ratio mismatch in our 50/50 test?",
        {},
        {},
        "needs: no counts",
        needs=["counts"],
        *(
            "SRM check for our test with a 50/50 split?",
            "do we have an SRM? it's a 50-50 experiment",
            "check sample ratio mismatch on my 50/50 a/b test",
        ),
    )

    # --- bad input -------------------------------------------------------------------------------------------------
    q(
        "invalid",
        "sample size for a baseline of 140% and a 10% lift?",
        {},
        {},
        "a rate above 100% is not a rate",
        invalid="baseline",
    )
    q(
        "invalid",
        "how many users per group for 10% to 12% with power 1.2?",
        {},
        {},
        "power must be below 1",
        invalid="power",
    )
    q(
        "invalid",
        "baseline 5%, 10% relative MDE, alpha 1.5: sample size?",
        {},
        {},
        "alpha must be in (0, 1)",
        invalid="alpha",
    )
    q(
        "invalid",
        "conversion goes from 120% to 130%, how many per arm?",
        {},
        {},
        "a rate above 100% is not a rate",
        invalid="baseline",
        *(
            "120% baseline and 130% target, sample size?",
            "how many users per variant from 120 percent to 130 percent conversion",
            "n per group: control 120%, treatment 130%",
        ),
    )
    q(
        "invalid",
        "what sample size for a 10% baseline, 5% relative lift and 150% power?",
        {},
        {},
        "power must be below 1",
        invalid="power",
        *(
            "baseline 10%, MDE 5% relative, power 150%: n?",
            "how many per group at 150% power for a 5% lift on 10%",
            "sample size per arm, 10% conversion, +5% relative, power of 150 percent",
        ),
    )


def build_more() -> None:
    q(
        "two_rates",
        "ctr 1.5% now, want to detect 1.8% - visitors per arm?",
        {"n_per_variant": prop_n(0.015, 0.018)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "Our trial-to-paid rate is 18%. If the new onboarding gets it to 21%, how many trials per group do we need? alpha 5% power 80%",
        {"n_per_variant": prop_n(0.18, 0.21)},
        N,
        R_PROP,
    )
    q("two_rates", "n for p1=0.35 p2=0.40 power=.9?", {"n_per_variant": prop_n(0.35, 0.40, 0.9)}, N, R_PROP)
    q(
        "two_rates",
        "bounce rate 45% and we want to get it down to 42%, users per variant?",
        {"n_per_variant": prop_n(0.45, 0.42)},
        N,
        R_PROP,
    )
    q(
        "two_rates",
        "how many users per group: seven percent vs eight percent, power eighty percent",
        {"n_per_variant": prop_n(0.07, 0.08)},
        N,
        R_PROP,
        "7% versus 8% conversion - sample size per arm at 80% power?",
        "to tell 7% from 8% with 80% power, how many ppl in each group",
        "baseline 7%, treatment 8%, 80% power, alpha .05: n per variant?",
    )
    q(
        "mde_rel_abs",
        "baseline conversion of 1%, we want to detect a 25% relative lift. per variant n at 80%?",
        {"n_per_variant": prop_n(0.01, 0.0125)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "what sample do we need per group for a 2 percentage point change on 50% with 95% power?",
        {"n_per_variant": prop_n(0.5, 0.52, 0.95)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "15% base rate, mde 10% rel, alpha=0.1, power=0.8 -> n per arm?",
        {"n_per_variant": prop_n(0.15, 0.165, 0.8, 0.1)},
        N,
        R_PROP,
    )
    q(
        "mde_rel_abs",
        "how many per group to detect a 0.2pp absolute change on a 1% conversion rate?",
        {"n_per_variant": prop_n(0.01, 0.012)},
        N,
        R_PROP,
        "1% baseline, 0.2 percentage point MDE: users per variant?",
        "sample size per arm for an absolute lift of 0.2 pp when conversion is 1 percent",
        "We convert 1% and care about +0.2 points (absolute). n per group at 80% power?",
    )
    q(
        "money_units",
        "sd of daily spend is $14, detect a 70 cent difference - n per group?",
        {"n_group1": t_n(0.7 / 14)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "std dev 2.5 items per order, want to see a 0.25 item change in basket size, 90% power: per arm?",
        {"n_group1": t_n(0.1, 0.9)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "we measure weekly minutes listened (sd 90 min) and want to detect +6 min. users per group?",
        {"n_group1": t_n(6 / 90)},
        N,
        SM_T,
    )
    q(
        "money_units",
        "revenue/user: standard deviation $7.50, mde $0.50, alpha 0.01, power 0.9. n per variant?",
        {"n_group1": t_n(0.5 / 7.5, 0.9, 0.01)},
        N,
        SM_T,
        "sd $7.50, detect 50 cents, α 0.01, 90% power - sample per group?",
        "how many users per arm to detect a $0.50 difference in revenue per user with SD $7.5, alpha 1% and power 90%",
        "per-variant n: σ = 7.50 dollars, δ = 0.50 dollars, significance 0.01, power .9",
    )
    q(
        "solve_power",
        "power check: 800 per arm, baseline 25%, target 30%?",
        {"power": prop_power(0.25, 0.30, 800)},
        PW,
        R_PROP,
    )
    q(
        "solve_power",
        "we have 150 users per group, mean difference 10, sd 40 - power of the t test?",
        {"power": t_power(0.25, 150)},
        PW,
        SM_T,
    )
    q(
        "solve_power",
        "600 in control and 300 in the variant, conversion 40% vs 48%. power?",
        {"power": prop_power(0.40, 0.48, 600, ratio=0.5)},
        PW,
        R_PROP + " with unequal groups",
    )
    q(
        "solve_power",
        "what's the power at alpha 0.01 with 20k users per group, 3% baseline, 10% relative lift?",
        {"power": prop_power(0.03, 0.033, 20000, 0.01)},
        PW,
        R_PROP,
    )
    q(
        "solve_power",
        "what's the power if control has 2,000 users and treatment has 3,000, and conversion moves from 10% to 12.5%?",
        {"power": prop_power(0.10, 0.125, 2000, ratio=1.5)},
        PW,
        R_PROP + " with unequal groups",
        "2000 control users, 3000 treatment users, 10% -> 12.5%: power?",
        "power with n_control = 2k and n_treatment = 3k to detect a rise from 10% to 12.5%",
        "how much power do we get with 2,000 vs 3,000 users for 10 percent vs 12.5 percent",
    )
    q(
        "solve_p2",
        "smallest p2 for n=150 per group, p1=0.3, 90% power",
        {"p2": prop_p2(0.3, 150, 0.9)},
        CI,
        R_PROP + " solved for p2",
    )
    q(
        "solve_p2",
        "what variant rate could we detect with 10k per arm when control converts at 2%?",
        {"p2": prop_p2(0.02, 10000)},
        CI,
        R_PROP + " solved for p2",
    )
    q(
        "solve_d",
        "smallest d detectable with 40 per group, 80% power",
        {"mde_cohens_d": t_mde_d(40)},
        CI,
        SM_T + " solved for d",
    )
    q(
        "solve_d",
        "we can afford 500 participants per condition - minimal Cohen's d for 95% power?",
        {"mde_cohens_d": t_mde_d(500, 0.95)},
        CI,
        SM_T + " solved for d",
    )
    q(
        "mde_in_days",
        "10 days, 4,000 users per day, baseline 20%, what relative MDE at 80% power?",
        {"mde_relative": mde_days(0.20, 4000, 10)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
    )
    q(
        "mde_in_days",
        "we have 30 days of 1k visitors/day and a 5% baseline. what's the smallest relative lift we can detect?",
        {"mde_relative": mde_days(0.05, 1000, 30)},
        CI,
        R_PROP + " solved for p2, n = days × traffic / 2",
    )
    q(
        "one_sample",
        "one-sample t test with n = 25, sd 4, difference 2 - power?",
        {"power": t1_power(0.5, 25)},
        PW,
        SM_T1,
    )
    q(
        "one_sample",
        "got 540 clicks out of 1000 impressions, is that different from 50%?",
        {"p_value": float(stats.binomtest(540, 1000, 0.5).pvalue)},
        PV,
        "scipy.stats.binomtest (exact two-sided binomial test)",
    )
    q(
        "one_sample",
        "Is a coin fair if it came up heads 14 times in 20 tosses?",
        {"p_value": float(stats.binomtest(14, 20, 0.5).pvalue)},
        PV,
        "scipy.stats.binomtest (exact two-sided binomial test)",
        "14 heads out of 20 flips - is the coin biased?",
        "coin toss: 20 flips, 14 heads. p-value for fairness?",
        "we tossed a coin twenty times and got 14 heads, is it a fair coin",
    )
    q(
        "paired",
        "paired t-test, 15 pairs, mean diff 3, sd of differences 4: power?",
        {"power": t1_power(0.75, 15)},
        PW,
        SM_T1,
    )
    q(
        "paired",
        "before/after: sd of change 2.2, detect 0.5, pairs needed (80% power)?",
        {"n_pairs": t1_n(0.5 / 2.2)},
        N,
        SM_T1,
    )
    q(
        "allocation",
        "ratio 4:1 (variant gets 4 per control user), 8% vs 10%, control n?",
        {"n_control": prop_n(0.08, 0.10, ratio=4)},
        N,
        R_PROP + " with ratio 4",
    )
    q(
        "allocation",
        "80/20 split control/variant, baseline 30%, target 34% - how many in control?",
        {"n_control": prop_n(0.30, 0.34, ratio=0.25)},
        N,
        R_PROP + " with ratio 1/4",
    )
    q(
        "anova",
        "power of one-way anova, k=3, n=50 per group, f=0.2",
        {"power": anova_power(0.2, 3, 50)},
        PW,
        "statsmodels FTestAnovaPower",
    )
    q(
        "anova",
        "ANOVA across 4 groups, medium effect f = .25, 90% power, per-group n?",
        {"n_per_group": anova_n(0.25, 4, 0.9)},
        N,
        "statsmodels FTestAnovaPower (total / k)",
    )
    q(
        "chi_square",
        "goodness of fit: w = .3, df = 1, N for 90% power?",
        {"n_total": chi_n(0.3, 1, 0.9)},
        N,
        "statsmodels GofChisquarePower (n_bins = df + 1)",
    )
    q(
        "chi_square",
        "chi square power with n = 100, w 0.3, 2 df?",
        {"power": chi_power(0.3, 2, 100)},
        PW,
        "statsmodels GofChisquarePower",
    )
    a3, p3_ = compromise(0.5, 30, 2.0)
    q(
        "compromise",
        "compromise power analysis, d 0.5, n1 = n2 = 30, β/α ratio of 2",
        {"alpha": a3, "power": p3_},
        {"absolute": 0.001},
        "scipy noncentral t, G*Power compromise definition (β = q·α)",
    )
    q(
        "method_named",
        "pwr.2p.test: p1 .5, p2 .6, power .9, n?",
        {"n_per_variant": cohen_h_n(0.5, 0.6, 0.9)},
        N,
        "statsmodels NormalIndPower with proportion_effectsize (as R pwr.2p.test)",
    )
    q(
        "method_named",
        "unpooled: 4% vs 5% conversion, n per group at 80%",
        {"n_per_variant": unpooled_n(0.04, 0.05)},
        N,
        Z + " (unpooled variance)",
    )
    q(
        "method_named",
        "evan miller sample size for 20% baseline, 10% relative MDE, 80% power",
        {"n_per_variant": evan_miller_n(0.20, 0.22)},
        N,
        "evanmiller.org sample-size formula (its JavaScript), scipy norm",
    )
    q(
        "method_named",
        "16σ²/δ² with sd 50 and delta 5",
        {"n_group1": 16 * 2500 / 25},
        N,
        "Kohavi et al. 2009: n = 16σ²/δ²",
    )
    q(
        "ci_methods",
        "wald interval for difference, 55/250 vs 70/260",
        ci2(55, 250, 70, 260, "wald"),
        CI,
        "statsmodels confint_proportions_2indep(method='wald')",
    )
    q(
        "ci_methods",
        "newcombe CI, A: 15 of 150, B: 28 of 160",
        ci2(15, 150, 28, 160, "newcomb"),
        CI,
        "statsmodels confint_proportions_2indep(method='newcomb')",
    )
    q(
        "ci_methods",
        "agresti–caffo 95% interval, control 400/5000 and variant 460/5000",
        ci2(400, 5000, 460, 5000, "agresti-caffo"),
        CI,
        "statsmodels confint_proportions_2indep(method='agresti-caffo')",
    )
    q(
        "duration_total",
        "need 1.2M users total, 100k visitors daily, 30% exposed. days?",
        {"days_rounded_up": math.ceil(1200000 / 30000)},
        EXACT,
        "arithmetic: total / (daily traffic × exposed share)",
    )
    q(
        "duration_total",
        "we need 60,000 sessions per variant (A/B/C) and have 20k sessions a day. how many days?",
        {"days_rounded_up": math.ceil(180000 / 20000)},
        EXACT,
        "arithmetic: n per group × arms / daily traffic",
    )
    q(
        "duration_chain",
        "5% baseline, 5% relative lift, 40,000 users a day - test length in days?",
        {"days_rounded_up": days(prop_n(0.05, 0.0525), 40000)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / traffic⌉",
    )
    q(
        "duration_chain",
        "going from 20% to 21% with 12k visitors/day, half of traffic in the test: how long?",
        {"days_rounded_up": days(prop_n(0.20, 0.21), 12000, 0.5)},
        EXACT,
        R_PROP + " then ⌈2⌈n⌉ / (traffic × share)⌉",
    )
    ps4 = [0.004, 0.01, 0.022, 0.09]
    q(
        "multi_output",
        "bonferroni and BH on 0.004, 0.01, 0.022, 0.09 - list adjusted values for both",
        {
            **{f"bh[{i}]": v for i, v in enumerate(adj(ps4, "fdr_bh"))},
            **{f"bonferroni[{i}]": v for i, v in enumerate(adj(ps4, "bonferroni"))},
        },
        PV,
        "statsmodels multipletests fdr_bh and bonferroni",
    )
    q(
        "multi_output",
        "bonferroni adjusted p values for .01, .015, .2",
        {f"adjusted_p_values[{i}]": v for i, v in enumerate(adj([0.01, 0.015, 0.2], "bonferroni"))},
        PV,
        "statsmodels multipletests bonferroni",
    )
    q("srm", "srm: 5050 vs 4950 users on a 50/50 split?", srm([5050, 4950]), PV, "scipy.stats.chisquare")
    q(
        "srm",
        "we split traffic 60/40 and got 61,200 vs 38,800 users, is there a sample ratio mismatch?",
        srm([61200, 38800], [0.6, 0.4]),
        PV,
        "scipy.stats.chisquare against 60/40",
    )
    q(
        "cuped",
        "cuped with correlation 0.8, we needed 20,000 per arm; new n?",
        {"n_per_group_cuped": 20000 * 0.36},
        N,
        "Deng et al. 2013: n × (1 − ρ²)",
    )
    q(
        "cuped",
        "cuped: pre-period correlation 0.4, n was 10k per group at 2,000 users a day. new n and number of days?",
        {"n_per_group_cuped": 8400, "days_with_cuped": math.ceil(16800 / 2000)},
        N,
        "Deng et al. 2013: n × (1 − ρ²); days = 2n/traffic",
    )
    q(
        "significance",
        "B converted 65 of 500, A 50 of 500, is B better (two sided p)?",
        zt(50, 500, 65, 500),
        PV,
        "statsmodels proportions_ztest (pooled)",
    )
    q(
        "significance",
        "mean 20.5 (sd 6, n 80) in control vs 22.9 (sd 7, n 85) in treatment - significant?",
        wt(20.5, 6, 80, 22.9, 7, 85),
        PV,
        "scipy ttest_ind_from_stats (Welch)",
    )
    q(
        "significance",
        "is 3,100 conversions out of 50,000 vs 3,300 out of 50,000 a significant difference?",
        zt(3100, 50000, 3300, 50000),
        PV,
        "statsmodels proportions_ztest (pooled)",
        "3100/50000 vs 3300/50000 - p value?",
        "control 3,100 of 50k converted, treatment 3,300 of 50k: statistically significant?",
        "z-test: 3.1k conversions in 50k users vs 3.3k in 50k users",
    )
    q(
        "other",
        "agresti-coull CI for 7 out of 40",
        dict(
            zip(
                ("lower", "upper"), map(float, proportion_confint(7, 40, method="agresti_coull")), strict=True
            )
        ),
        CI,
        "statsmodels proportion_confint(method='agresti_coull')",
    )
    q(
        "other",
        "power to detect r = 0.3 with 50 pairs? sample size for 90% instead?",
        {"n": corr_n(0.3, 0.9)},
        N,
        "R pwr.r.test equation, scipy brentq",
    )
    q(
        "missing",
        "what sample size do I need at 80% power and alpha 0.05?",
        {},
        {},
        "needs: no baseline, no MDE",
        needs=["baseline", "mde"],
    )
    q(
        "missing",
        "cuped with our pre-period revenue, how much smaller is the sample?",
        {},
        {},
        "needs: no correlation",
        needs=["correlation"],
    )
    q(
        "missing",
        "what power do we have with 50 per group for a mean difference of 3?",
        {},
        {},
        "needs: no SD",
        needs=["sd"],
    )
    q("missing", "chi-square power with w = 0.3, how many total?", {}, {}, "needs: no df", needs=["df"])
    q(
        "missing",
        "how many users per group for our 8% baseline and 85% power?",
        {},
        {},
        "needs: no MDE",
        needs=["mde"],
        *(
            "8% conversion rate, power 85% - n per arm?",
            "baseline 8 percent, 85% power: how many users per variant do I need",
            "sample size per group with an 8% baseline at 85% power?",
        ),
    )
    q(
        "invalid",
        "sample size, baseline 10%, 10% relative lift, alpha 0: ?",
        {},
        {},
        "alpha must be in (0, 1)",
        invalid="alpha",
    )
    q(
        "invalid",
        "what power do I get with -500 users per group, 10% vs 12%?",
        {},
        {},
        "a negative sample size",
        invalid="n_per_group",
    )


def norm(p: str) -> str:
    """A phrasing as compared for repeats: lower case, single spaces."""
    return " ".join(p.lower().split())


def close(got: float, want: float, ab: float) -> None:
    """``got`` equals ``want`` within ``ab`` relative (absolute below 1)."""
    assert abs(got - want) <= ab * max(1.0, abs(want)), (got, want)


def allowance(got: float, tol: dict[str, float]) -> float:
    """The largest miss an item's tolerance allows at ``got``."""
    return max(tol.get("absolute", 0.0), tol.get("relative", 0.0) * abs(got))


def check_readings(
    text: str,
    exp: dict[str, float],
    tol: dict[str, float],
    alternatives: dict[str, dict[str, float]],
    misreadings: dict[str, dict[str, float]],
) -> None:
    """The reasonable alternative readings of an item give its expected values (within 3/4 of the tolerance); every
    likely misreading misses at least one of them by more than twice the tolerance."""
    from eval.calc_eval import _within

    for name, alt in alternatives.items():
        for key, got in exp.items():
            assert abs(alt[key] - got) <= 0.75 * allowance(got, tol), (text, name, key, alt[key], got)
    for name, bad in misreadings.items():
        far = [
            key
            for key, got in exp.items()
            if not _within(bad[key], got, tol) and abs(bad[key] - got) > 2 * allowance(got, tol)
        ]
        assert far, (text, name, bad, exp)


def check_round(split: str) -> None:
    """No phrasing repeats within the round, and no phrasing or expected value of it is in another frozen split."""
    assert len(_phrasings(ITEMS)) == 4 * len(ITEMS), "a phrasing repeats within the round"
    refuse_repeats(split)


def _phrasings(rows: list[dict[str, Any]]) -> set[str]:
    return {norm(p) for r in rows for p in [r["question"], *r.get("paraphrases", [])]}


def refuse_repeats(split: str, skip_keys: frozenset[str] = frozenset()) -> None:
    """No phrasing and no expected value (but ``skip_keys``) of this round's ``ITEMS`` in any other frozen split."""
    mine = _phrasings(ITEMS)
    seen: dict[str, list[float]] = {}
    for path in sorted(HERE.glob("calc_*.jsonl")):
        if path.name == f"calc_{split}.jsonl":
            continue
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        clash = mine & _phrasings(rows)
        assert not clash, (path.name, clash)
        for r in rows:
            for k, v in (r.get("expected") or {}).items():
                if isinstance(v, int | float) and k not in skip_keys:
                    seen.setdefault(k, []).append(float(v))
    for item in ITEMS:
        for k, v in item["expected"].items():
            same = [o for o in seen.get(k, []) if abs(v - o) <= 1e-6 * max(1.0, abs(v))]
            assert not same, (k, v, item["question"])


def write_dev_round(number: int, build: Callable[[], None], split: str | None = None) -> None:
    """Build round ``number`` into ``eval/calc_<split>.jsonl`` (``dev<N>`` unless a held-out ``split`` is named) and
    freeze it in ``eval/calc_set<N>.sha256``."""
    ITEMS.clear()
    build()
    split = split or f"dev{number}"
    rows = [{"id": f"{split}-{i['class']}-{n:02d}", "split": split, **i} for n, i in enumerate(ITEMS, 1)]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (HERE / f"calc_{split}.jsonl").write_text(text, encoding="utf-8")
    (HERE / f"calc_set{number}.sha256").write_text(
        f"{hashlib.sha256(text.encode()).hexdigest()}  eval/calc_{split}.jsonl\n"
    )
    print(f"{split} {len(rows)} (+{3 * len(rows)} paraphrases)")


def main() -> None:
    ITEMS.clear()
    build()
    build_more()
    dev: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    counters: dict[str, int] = {}
    for item in ITEMS:
        counters[item["class"]] = counters.get(item["class"], 0) + 1
        split = "test" if "paraphrases" in item else "dev"
        item = {"id": f"{split}-{item['class']}-{counters[item['class']]:02d}", "split": split, **item}
        (test if split == "test" else dev).append(item)
    digests = []
    for name, rows in (("calc_dev.jsonl", dev), ("calc_test.jsonl", test)):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (HERE / name).write_text(text, encoding="utf-8")
        digests.append(f"{hashlib.sha256(text.encode()).hexdigest()}  eval/{name}\n")
    (HERE / "calc_set.sha256").write_text("".join(digests), encoding="utf-8")
    print(f"dev {len(dev)}, test {len(test)} (+{3 * len(test)} paraphrases)")


if __name__ == "__main__":
    main()
