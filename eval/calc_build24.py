"""Tuning round ``dev16`` (``calc_dev16.jsonl``, frozen by ``calc_set24.sha256``): results and plans asked casually,
typed the way practitioners type them in Slack and forums (lowercase, "~", "k", numbers in words, a typo now and then,
the ask first or last, several facts per sentence, arms named A/B/C, control/variant, old/new), four structurally
different phrasings each:

* three or more arms' conversions compared at once ("any difference between the three?"), from counts or from rates
  of n users: the chi-square test of independence on the k × 2 table;
* three or more arms' means compared at once from each arm's mean, SD and size: the classic one-way ANOVA F test;
* a practical-significance threshold with two arms' conversion results: the 95% interval to read against it, for the
  relative lift when the threshold is relative and for the difference when it is in percentage points;
* one p-value out of a larger family, asked whether it survives a correction;
* an A/A test's count of significant metrics: is that many normal?;
* two arms' means written as "mean ± sd" or "$3.50 sd $12": the Welch t test;
* a finished test whose users come from daily traffic × the days it ran: the two-proportion z test;
* sizing with one arm's share of traffic stated alone ("treatment gets 80% of traffic");
* "what's the chance B is better?": the Bayesian probability that B beats A.

The topics were chosen by the coordinator to cover readings added to the parser in the same session (three or more
arms compared at once, a practical-significance threshold, one p-value from a larger family, an A/A test's count of
significant metrics, a mean written with its SD after it), beside topics whose conventions were already frozen, so
that the split measures how those readings generalise to another writer's phrasings. Written by someone who did not
read the parser (nor ``understanding/``, ``planner/``, ``tools/`` or ``tests/``), and frozen before it was first
scored: a tuning split (the held-out split on the same topics is ``test11``, built by ``eval/calc_build25.py`` with
other scenarios, numbers and wording).

Conventions (frozen ones taken from the items named; new ones defined here, with the library call):

* ``chi_square`` (new): scipy ``chi2_contingency(table, correction=False)`` on the k × 2 table (one row per arm:
  converted, not converted), ``p_value``, tolerance ``PV``; a rate "of" n users gives round(rate × n) conversions
  (every item here is chosen so that rate × n is already whole);
* ``anova`` (new, a test rather than the frozen ``FTestAnovaPower`` sizing): statsmodels
  ``statsmodels.stats.oneway.anova_generic(means, variances, nobs, use_var="equal")`` (the classic F test with the
  pooled variance; Welch's ANOVA is not what these questions ask), ``p_value``, ``PV``;
* ``practical_significance`` (new): a relative threshold ("ship only if the lift is at least 5%") reads the 95%
  delta-method interval of the relative lift (B − A) / A: lift ± z₀.₉₇₅ · √(V_B / a² + b² · V_A / a⁴), V = p(1 − p) / n,
  ``lower`` and ``upper`` as fractions, tolerance 0.001 absolute; a threshold in percentage points reads statsmodels
  ``confint_proportions_2indep(x_B, n_B, x_A, n_A, method="newcomb", compare="diff")`` (Newcombe's hybrid score
  interval of p_B − p_A), ``lower`` and ``upper``, tolerance 0.0005 absolute;
* ``multi_output`` (one p-value of a family, new reading of the frozen ``adjusted_p_values`` key of
  ``dev-multi_output-01`` …): statsmodels ``multipletests([p] + [1.0] * (m − 1), method=…)`` — the unlisted m − 1
  hypotheses counted — whose first value is min(1, m · p) for Holm and for Bonferroni alike;
  ``adjusted_p_values[0]``, ``PV``; the questions name Holm or Bonferroni or say only "after correction";
* ``aa_test`` (new): scipy ``binomtest(k, n, alpha, alternative="greater")`` (exact, one-sided: more significant
  metrics than chance), α = 0.05 when unstated, ``p_value``, ``PV``;
* ``significance``, means (``eval/calc_build20.py``, dev14): scipy ``ttest_ind_from_stats(equal_var=False)`` (Welch,
  ``calc_build.wt``), ``t`` = treatment minus control and ``p_value``, two-sided, ``PV``;
* ``significance``, proportions (``eval/calc_build20.py``, dev14): statsmodels ``proportions_ztest`` (pooled,
  ``calc_build.zt``), ``z`` = treatment minus control and ``p_value``, ``PV``; the users per arm are days × daily
  traffic / 2 on a 50/50 split;
* ``allocation`` (``eval/calc_build18.py``, dev13 / test8 holdout items): R ``power.prop.test``'s equation with
  ``ratio`` = n_treatment / n_control (``calc_build.prop_n``; treatment gets 80% → 4, treatment gets 10% → 1/9,
  control gets 30% → 7/3), 80% power and two-sided α = 0.05 unless stated, the control group's n ``n_control``, ``N``;
* ``bayesian`` (``dev4-bayesian-26``, ``eval/calc_build4.py``): Beta(1, 1) priors, P(p_B > p_A) = ∫ f_B F_A dp with
  scipy quad (``calc_build4.prob_b_beats_a``), ``prob_b_beats_a``, tolerance 0.001 absolute.

``check`` re-derives every expected value a second, independent way: Σ (O − E)² / E by hand with the chi-square tail
in closed form for 2, 3 and 4 df; the F statistic from the between- and within-group sums of squares and its tail from
the regularized incomplete beta (anchored on the closed form for 2 numerator df); the relative-lift interval from a
numerical Jacobian of B / A − 1 with ``statistics.NormalDist``; Newcombe's interval from Wilson bounds written out by
hand; m · p for the family; the binomial upper tail summed from log-gamma probabilities; Welch's t with the
Welch–Satterthwaite df and the pooled z by hand (``eval/calc_build20.py``); the unequal-split n in closed form
(``eval/calc_build18.r_n``); the Bayesian probability by Evan Miller's closed-form sum of beta functions (anchored
on 2 / 3 for Beta(2, 1) against Beta(1, 1)). It asserts that the readings a question leaves open and that are
reasonable give the same numbers within the tolerance (Holm and Bonferroni for a lone smallest p; the Wald interval
for Newcombe's; the unpooled z; Student's t for Welch's). And it refuses an item whose expected values all lie within
their tolerance (or within twice it) of what a likely misreading gives: only the first two arms (or control against
the best arm) compared with a z or t test, n read as the total, the SD read as the variance; the interval of the other
scale (the difference for a relative threshold, the relative lift for one in points), the arms swapped, a 90%
interval; the family size ignored or off by one, Šidák's adjustment; a two-sided binomial test, the strict upper tail
P(X > k); a one-sided p; the days ignored or the total read as per arm; the allocation turned round or ignored, the
other group's n, the total. It also refuses a phrasing, or an expected value, that any other frozen calculation split
already has (``eval.calc_build.refuse_repeats``), and a p-value outside 0.001–0.6.

Run: ``python -m eval.calc_build24`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np
from scipy import special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.oneway import anova_generic
from statsmodels.stats.proportion import confint_proportions_2indep

from eval import calc_build as b
from eval.calc_build import PV, N, prop_n, q, wt, zt
from eval.calc_build4 import prob_b_beats_a
from eval.calc_build18 import r_n
from eval.calc_build20 import t_student, t_welch, z_pooled, z_unpooled

REL = {"absolute": 0.001}  # a relative-lift interval bound
DIFF = {"absolute": 0.0005}  # a difference-in-proportions interval bound
BAYES = {"absolute": 0.001}  # a probability (as dev4-bayesian-26)

CHI_SRC = "scipy.stats.chi2_contingency(k x 2 table, correction=False)"
ANOVA_SRC = "statsmodels.stats.oneway.anova_generic(means, variances, nobs, use_var='equal')"
REL_SRC = "delta-method interval of (B - A) / A: lift ± z·√(V_B/a² + b²·V_A/a⁴), 95%"
NEWC_SRC = "statsmodels confint_proportions_2indep(method='newcomb', compare='diff'), B minus A, 95%"
FAM_SRC = "statsmodels multipletests([p] + [1.0] * (m - 1), method={}) — the unlisted hypotheses counted"
AA_SRC = "scipy.stats.binomtest(k, n, alpha, alternative='greater')"
T_SRC = "scipy ttest_ind_from_stats (Welch)"
Z_SRC = "statsmodels proportions_ztest (pooled)"
R_PROP = "R power.prop.test equation, solved with statsmodels power_proportions_2indep + scipy brentq"
BAYES_SRC = "Beta(1,1) priors; ∫ f_B F_A dp with scipy quad"

# the parameters of every item, in order: ``check`` recomputes each expected value from these
SPECS: list[dict[str, Any]] = []

_Z = NormalDist()


def _whole(rate: float, n: int) -> int:
    """round(rate × n), refusing a rate × n that is not already whole."""
    x = round(rate * n)
    assert abs(rate * n - x) < 1e-6, (rate, n)
    return x


# --- the library values ---------------------------------------------------------------------------------------------


def lib_chi(xs: list[int], ns: list[int]) -> float:
    table = [[x, n - x] for x, n in zip(xs, ns, strict=True)]
    return float(stats.chi2_contingency(table, correction=False).pvalue)


def lib_anova(means: list[float], sds: list[float], ns: list[int]) -> float:
    res = anova_generic(
        np.array(means, dtype=float),
        np.array(sds, dtype=float) ** 2,
        np.array(ns, dtype=float),
        use_var="equal",
    )
    return float(res.pvalue)


def lib_rel(xa: int, na: int, xb: int, nb: int, level: float = 0.95) -> dict[str, float]:
    a, bb = xa / na, xb / nb
    va, vb = a * (1 - a) / na, bb * (1 - bb) / nb
    se = math.sqrt(vb / a**2 + bb**2 * va / a**4)
    zz = float(stats.norm.ppf(0.5 + level / 2))
    lift = bb / a - 1
    return {"lower": lift - zz * se, "upper": lift + zz * se}


def lib_newcombe(xa: int, na: int, xb: int, nb: int) -> dict[str, float]:
    lo, hi = confint_proportions_2indep(xb, nb, xa, na, method="newcomb", compare="diff")
    return {"lower": float(lo), "upper": float(hi)}


def lib_family(p: float, m: int, method: str) -> float:
    return float(multipletests([p] + [1.0] * (m - 1), method=method)[1][0])


# --- item kinds -----------------------------------------------------------------------------------------------------


def chi(xs: list[int], ns: list[int], text: str, *para: str, given: str = "counts") -> None:
    """k arms' conversions (the first arm named first in every phrasing)."""
    assert len(xs) == len(ns) >= 3
    SPECS.append({"kind": "chi", "xs": xs, "ns": ns, "given": given})
    q("chi_square", text, {"p_value": lib_chi(xs, ns)}, PV, CHI_SRC, *para)


def chi_rates(rates: list[float], ns: list[int], text: str, *para: str) -> None:
    xs = [_whole(r, n) for r, n in zip(rates, ns, strict=True)]
    chi(xs, ns, text, *para, given="rates")


def anova(means: list[float], sds: list[float], ns: list[int], text: str, *para: str) -> None:
    assert len(means) == len(sds) == len(ns) >= 3
    SPECS.append({"kind": "anova", "means": means, "sds": sds, "ns": ns})
    q("anova", text, {"p_value": lib_anova(means, sds, ns)}, PV, ANOVA_SRC, *para)


def threshold(
    xa: int, na: int, xb: int, nb: int, scale: str, text: str, *para: str, given: str = "counts"
) -> None:
    """Two arms against a practical threshold: ``scale`` "rel" (relative lift) or "pp" (percentage points)."""
    SPECS.append(
        {"kind": "threshold", "xa": xa, "na": na, "xb": xb, "nb": nb, "scale": scale, "given": given}
    )
    if scale == "rel":
        q("practical_significance", text, lib_rel(xa, na, xb, nb), REL, REL_SRC, *para)
    else:
        assert scale == "pp", scale
        q("practical_significance", text, lib_newcombe(xa, na, xb, nb), DIFF, NEWC_SRC, *para)


def threshold_rates(ra: float, rb: float, n: int, scale: str, text: str, *para: str) -> None:
    threshold(_whole(ra, n), n, _whole(rb, n), n, scale, text, *para, given="rates")


def family(p: float, m: int, method: str, text: str, *para: str) -> None:
    """One p-value of ``m``; ``method`` "holm", "bonferroni" or "either" ("after correction")."""
    SPECS.append({"kind": "family", "p": p, "m": m, "method": method})
    if method == "either":
        val = lib_family(p, m, "holm")
        assert abs(val - lib_family(p, m, "bonferroni")) < 1e-12
        src = FAM_SRC.format("'holm' (= 'bonferroni' for the smallest p)")
    else:
        val = lib_family(p, m, method)
        src = FAM_SRC.format(repr(method))
    q("multi_output", text, {"adjusted_p_values[0]": val}, PV, src, *para)


def aa(k: int, n: int, alpha: float, text: str, *para: str) -> None:
    SPECS.append({"kind": "aa", "k": k, "n": n, "alpha": alpha})
    p = float(stats.binomtest(k, n, alpha, alternative="greater").pvalue)
    q("aa_test", text, {"p_value": p}, PV, AA_SRC, *para)


def welch(ma: float, sa: float, na: int, mb: float, sb: float, nb: int, text: str, *para: str) -> None:
    """Welch t from summary statistics: A = control, B = treatment."""
    SPECS.append({"kind": "welch", "ma": ma, "sa": sa, "na": na, "mb": mb, "sb": sb, "nb": nb})
    q("significance", text, wt(ma, sa, na, mb, sb, nb), PV, T_SRC, *para)


def traffic_z(daily: int, days: int, xa: int, xb: int, text: str, *para: str) -> None:
    """A finished 50/50 test: n per arm = days × daily / 2; A = control, B = treatment (a rise)."""
    total = daily * days
    assert total % 2 == 0
    n = total // 2
    SPECS.append({"kind": "traffic_z", "daily": daily, "days": days, "xa": xa, "xb": xb})
    src = f"{Z_SRC}; n per arm = {days} days × {daily} a day / 2 = {n}"
    q("significance", text, zt(xa, n, xb, n), PV, src, *para)


def alloc(p1: float, p2: float, ratio: float, label: str, text: str, *para: str) -> None:
    """Control n on an unequal split: ``ratio`` = n_treatment / n_control."""
    SPECS.append({"kind": "alloc", "p1": p1, "p2": p2, "ratio": ratio})
    src = f"{R_PROP} with ratio n_treatment/n_control = {label}"
    q("allocation", text, {"n_control": prop_n(p1, p2, ratio=ratio)}, N, src, *para)


def bayes(xa: int, na: int, xb: int, nb: int, text: str, *para: str, given: str = "counts") -> None:
    SPECS.append({"kind": "bayes", "xa": xa, "na": na, "xb": xb, "nb": nb, "given": given})
    q("bayesian", text, {"prob_b_beats_a": prob_b_beats_a(xa, na, xb, nb)}, BAYES, BAYES_SRC, *para)


def bayes_rates(ra: float, rb: float, n: int, text: str, *para: str) -> None:
    bayes(_whole(ra, n), n, _whole(rb, n), n, text, *para, given="rates")


# --- independent check ------------------------------------------------------------------------------------------------


def chi2_sf(x: float, df: int) -> float:
    if df == 1:
        return math.erfc(math.sqrt(x / 2))
    if df == 2:
        return math.exp(-x / 2)
    if df == 3:
        return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    assert df == 4, df
    return math.exp(-x / 2) * (1 + x / 2)


def h_chi(xs: list[float], ns: list[float]) -> float:
    total_x, total_n = sum(xs), sum(ns)
    pbar = total_x / total_n
    stat = 0.0
    for x, n in zip(xs, ns, strict=True):
        for obs, exp in ((x, n * pbar), (n - x, n * (1 - pbar))):
            stat += (obs - exp) ** 2 / exp
    return chi2_sf(stat, len(xs) - 1)


def f_sf(f: float, d1: float, d2: float) -> float:
    """P(F > f) = I_{d2/(d2 + d1 f)}(d2/2, d1/2)."""
    return float(special.betainc(d2 / 2, d1 / 2, d2 / (d2 + d1 * f)))


def h_anova(means: list[float], variances: list[float], ns: list[float]) -> float:
    k, total = len(means), sum(ns)
    grand = sum(n * m for n, m in zip(ns, means, strict=True)) / total
    ssb = sum(n * (m - grand) ** 2 for n, m in zip(ns, means, strict=True))
    ssw = sum((n - 1) * v for n, v in zip(ns, variances, strict=True))
    f = (ssb / (k - 1)) / (ssw / (total - k))
    return f_sf(f, k - 1, total - k)


def h_rel(xa: float, na: float, xb: float, nb: float, level: float = 0.95) -> dict[str, float]:
    """The delta method by a numerical Jacobian of g(a, b) = b / a − 1 (central differences)."""
    a, bb = xa / na, xb / nb
    va, vb = a * (1 - a) / na, bb * (1 - bb) / nb
    h = 1e-7

    def g(x: float, y: float) -> float:
        return y / x - 1

    ga = (g(a + h, bb) - g(a - h, bb)) / (2 * h)
    gb = (g(a, bb + h) - g(a, bb - h)) / (2 * h)
    se = math.sqrt(ga * ga * va + gb * gb * vb)
    zz = _Z.inv_cdf(0.5 + level / 2)
    return {"lower": g(a, bb) - zz * se, "upper": g(a, bb) + zz * se}


def _wilson(x: float, n: float, zz: float) -> tuple[float, float]:
    p = x / n
    centre = (p + zz * zz / (2 * n)) / (1 + zz * zz / n)
    half = zz / (1 + zz * zz / n) * math.sqrt(p * (1 - p) / n + zz * zz / (4 * n * n))
    return centre - half, centre + half


def h_newcombe(xa: float, na: float, xb: float, nb: float, level: float = 0.95) -> dict[str, float]:
    zz = _Z.inv_cdf(0.5 + level / 2)
    pa, pb = xa / na, xb / nb
    la, ua = _wilson(xa, na, zz)
    lb, ub = _wilson(xb, nb, zz)
    d = pb - pa
    return {
        "lower": d - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2),
        "upper": d + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2),
    }


def h_wald(xa: float, na: float, xb: float, nb: float, level: float = 0.95) -> dict[str, float]:
    pa, pb = xa / na, xb / nb
    half = _Z.inv_cdf(0.5 + level / 2) * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return {"lower": pb - pa - half, "upper": pb - pa + half}


def _log_pmf(k: int, n: int, p: float) -> float:
    return (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )


def h_upper(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    return min(1.0, sum(math.exp(_log_pmf(j, n, p)) for j in range(k, n + 1)))


def h_binom_two(k: int, n: int, p: float) -> float:
    """R binom.test: the outcomes no more likely than k (relative tolerance 1 + 1e-7)."""
    ref = _log_pmf(k, n, p) + math.log1p(1e-7)
    return min(1.0, sum(math.exp(lp) for j in range(n + 1) if (lp := _log_pmf(j, n, p)) <= ref))


def _log_beta(x: float, y: float) -> float:
    return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)


def h_bayes(xa: int, na: int, xb: int, nb: int) -> float:
    """Evan Miller's closed form: Σ_{i<α_B} B(α_A + i, β_A + β_B) / ((β_B + i) B(1 + i, β_B) B(α_A, β_A))."""
    aa_, ba = 1 + xa, 1 + na - xa
    ab, bb = 1 + xb, 1 + nb - xb
    total = 0.0
    for i in range(ab):
        total += math.exp(
            _log_beta(aa_ + i, ba + bb) - math.log(bb + i) - _log_beta(1 + i, bb) - _log_beta(aa_, ba)
        )
    return total


def _scaled(xs: list[int], ns: list[int], f: float) -> tuple[list[float], list[float]]:
    return [x * f for x in xs], [n * f for n in ns]


def value(s: dict[str, Any]) -> dict[str, float]:
    """The expected values of a spec, by the independent formulas."""
    k = s["kind"]
    if k == "chi":
        return {"p_value": h_chi(s["xs"], s["ns"])}
    if k == "anova":
        return {"p_value": h_anova(s["means"], [sd * sd for sd in s["sds"]], s["ns"])}
    if k == "threshold":
        args = (s["xa"], s["na"], s["xb"], s["nb"])
        return h_rel(*args) if s["scale"] == "rel" else h_newcombe(*args)
    if k == "family":
        return {"adjusted_p_values[0]": min(1.0, s["m"] * s["p"])}
    if k == "aa":
        return {"p_value": h_upper(s["k"], s["n"], s["alpha"])}
    if k == "welch":
        return t_welch(s["ma"], s["sa"], s["na"], s["mb"], s["sb"], s["nb"])
    if k == "traffic_z":
        n = s["daily"] * s["days"] / 2
        return z_pooled(s["xa"], n, s["xb"], n)
    if k == "alloc":
        return {"n_control": r_n(s["p1"], s["p2"], ratio=s["ratio"])}
    assert k == "bayes", k
    return {"prob_b_beats_a": h_bayes(s["xa"], s["na"], s["xb"], s["nb"])}


def misreadings(s: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Likely misreadings: name → the values they give."""
    k = s["kind"]
    out: dict[str, dict[str, float]] = {}
    if k == "chi":
        xs, ns = s["xs"], s["ns"]
        out["first two arms, z test"] = {"p_value": z_pooled(xs[0], ns[0], xs[1], ns[1])["p_value"]}
        rates = [x / n for x, n in zip(xs, ns, strict=True)]
        best = max(range(len(xs)), key=lambda i: rates[i])
        worst = min(range(len(xs)), key=lambda i: rates[i])
        if best != 0:
            out["first arm against the best, z test"] = {
                "p_value": z_pooled(xs[0], ns[0], xs[best], ns[best])["p_value"]
            }
        out["best against worst, z test"] = {
            "p_value": z_pooled(xs[worst], ns[worst], xs[best], ns[best])["p_value"]
        }
        out["only the first three arms"] = (
            {"p_value": h_chi(xs[:3], ns[:3])} if len(xs) > 3 else {"p_value": -1.0}
        )
        if s["given"] == "rates":
            out["n read as the total"] = {"p_value": h_chi(*_scaled(xs, ns, 1 / len(xs)))}
    elif k == "anova":
        m, sd, n = s["means"], s["sds"], s["ns"]
        out["sd read as the variance"] = {"p_value": h_anova(m, list(sd), n)}
        out["first two arms, welch t"] = {"p_value": t_welch(m[0], sd[0], n[0], m[1], sd[1], n[1])["p_value"]}
        out["n read as the total"] = {"p_value": h_anova(m, [x * x for x in sd], [x / len(n) for x in n])}
        hi, lo = max(range(len(m)), key=lambda i: m[i]), min(range(len(m)), key=lambda i: m[i])
        out["highest against lowest, welch t"] = {
            "p_value": t_welch(m[lo], sd[lo], n[lo], m[hi], sd[hi], n[hi])["p_value"]
        }
    elif k == "threshold":
        xa, na, xb, nb = s["xa"], s["na"], s["xb"], s["nb"]
        same = h_rel if s["scale"] == "rel" else h_newcombe
        other = h_newcombe if s["scale"] == "rel" else h_rel
        out["the other scale"] = other(xa, na, xb, nb)
        out["arms swapped"] = same(xb, nb, xa, na)
        out["90% interval"] = same(xa, na, xb, nb, 0.90)
        if s["given"] == "rates":
            out["n read as the total"] = same(xa / 2, na / 2, xb / 2, nb / 2)
    elif k == "family":
        p, m = s["p"], s["m"]
        key = "adjusted_p_values[0]"
        out["family ignored"] = {key: p}
        out["one fewer"] = {key: min(1.0, (m - 1) * p)}
        out["one more"] = {key: min(1.0, (m + 1) * p)}
        out["sidak"] = {key: 1 - (1 - p) ** m}
    elif k == "aa":
        kk, n, a = s["k"], s["n"], s["alpha"]
        out["two-sided binomial"] = {"p_value": h_binom_two(kk, n, a)}
        out["strict tail P(X > k)"] = {"p_value": h_upper(kk + 1, n, a)}
        if a != 0.05:
            out["alpha 0.05"] = {"p_value": h_upper(kk, n, 0.05)}
    elif k == "welch":
        args = (s["ma"], s["sa"], s["na"], s["mb"], s["sb"], s["nb"])
        right = t_welch(*args)
        out["control and treatment swapped"] = t_welch(s["mb"], s["sb"], s["nb"], s["ma"], s["sa"], s["na"])
        out["one-sided p"] = {**right, "p_value": right["p_value"] / 2}
        out["n per arm read as the total"] = t_welch(
            s["ma"], s["sa"], s["na"] / 2, s["mb"], s["sb"], s["nb"] / 2
        )
        out["sd read as the variance"] = t_welch(
            s["ma"], math.sqrt(s["sa"]), s["na"], s["mb"], math.sqrt(s["sb"]), s["nb"]
        )
    elif k == "traffic_z":
        n = s["daily"] * s["days"] / 2
        right = z_pooled(s["xa"], n, s["xb"], n)
        out["control and treatment swapped"] = z_pooled(s["xb"], n, s["xa"], n)
        out["one-sided p"] = {**right, "p_value": right["p_value"] / 2}
        out["the total read as per arm"] = z_pooled(s["xa"], 2 * n, s["xb"], 2 * n)
        for name, m in (
            ("one day's traffic", s["daily"] / 2),
            ("days ignored, daily traffic per arm", s["daily"]),
        ):
            if max(s["xa"], s["xb"]) < m:
                out[name] = z_pooled(s["xa"], m, s["xb"], m)
    elif k == "alloc":
        p1, p2, r = s["p1"], s["p2"], s["ratio"]
        n_right = r_n(p1, p2, ratio=r)
        out["ratio turned round"] = {"n_control": r_n(p1, p2, ratio=1 / r)}
        out["even split"] = {"n_control": r_n(p1, p2)}
        out["the other group's n"] = {"n_control": n_right * r}
        out["the total"] = {"n_control": n_right * (1 + r)}
    else:
        assert k == "bayes", k
        xa, na, xb, nb = s["xa"], s["na"], s["xb"], s["nb"]
        out["arms swapped"] = {"prob_b_beats_a": h_bayes(xb, nb, xa, na)}
        if s["given"] == "rates":
            out["n read as the total"] = {
                "prob_b_beats_a": h_bayes(round(xa / 2), round(na / 2), round(xb / 2), round(nb / 2))
            }
        zz = z_pooled(xa, na, xb, nb)
        out["the two-sided p-value"] = {"prob_b_beats_a": zz["p_value"]}
        out["1 - two-sided p"] = {"prob_b_beats_a": 1 - zz["p_value"]}
    return out


def alternatives(s: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Readings the question leaves open that are reasonable: they must give the expected values."""
    k = s["kind"]
    if k == "family":
        key = "adjusted_p_values[0]"
        return {m: {key: lib_family(s["p"], s["m"], m)} for m in ("holm", "bonferroni")}
    if k == "threshold" and s["scale"] == "pp":
        return {"wald": h_wald(s["xa"], s["na"], s["xb"], s["nb"])}
    if k == "welch":
        return {"student t": t_student(s["ma"], s["sa"], s["na"], s["mb"], s["sb"], s["nb"])}
    if k == "traffic_z":
        n = s["daily"] * s["days"] / 2
        return {"unpooled z": z_unpooled(s["xa"], n, s["xb"], n)}
    return {}


def anchors() -> None:
    """The independent formulas against values known in closed form or published."""
    b.close(chi2_sf(5.991464547107979, 2), 0.05, 1e-9)
    b.close(chi2_sf(7.814727903251178, 3), 0.05, 1e-9)
    b.close(chi2_sf(9.487729036781154, 4), 0.05, 1e-9)
    for f in (0.7, 2.5, 6.0):  # 2 numerator df: P(F > f) = (1 + 2f / d2)^(−d2 / 2)
        b.close(f_sf(f, 2, 57), (1 + 2 * f / 57) ** (-57 / 2), 1e-12)
    b.close(h_bayes(0, 0, 1, 1), 2 / 3, 1e-12)  # Beta(2, 1) against Beta(1, 1)
    b.close(h_bayes(30, 100, 30, 100), 0.5, 1e-9)
    b.close(h_upper(2, 10, 0.5), 1 - 11 / 1024, 1e-12)
    b.close(h_binom_two(2, 10, 0.5), 112 / 1024, 1e-12)
    # Newcombe (1998) table II, example (a): 56/70 − 48/80 = 0.2, interval 0.0524 to 0.3339 (method 10)
    nc = h_newcombe(48, 80, 56, 70)
    assert abs(nc["lower"] - 0.0524) < 5e-5 and abs(nc["upper"] - 0.3339) < 5e-5, nc


def check(split: str) -> None:
    """Re-derive every expected value from SPECS, keep it clear of the misreadings and equal to the reasonable
    alternative readings, and refuse a phrasing or an expected value that any other calc split already has."""
    anchors()
    assert len(SPECS) == len(b.ITEMS), (len(SPECS), len(b.ITEMS))
    for s, item in zip(SPECS, b.ITEMS, strict=True):
        exp, tol = item["expected"], item["tolerance"]
        text = item["question"]
        phrasings = [text, *item["paraphrases"]]
        assert len(item["paraphrases"]) == 3, item
        assert len({b.norm(p) for p in phrasings}) == 4, item
        want = value(s)
        assert set(want) == set(exp), (text, want, exp)
        for key, got in exp.items():
            # R's closed form leaves out the far tail of the two-sided power: a relative 1e-6 on n
            b.close(got, want[key], 1e-5 if key == "n_control" else 1e-6)
            if key.startswith("p_value") or key.startswith("adjusted"):
                assert 0.001 <= got <= 0.6, (text, got)
            if key in ("z", "t"):
                assert 1.0 <= abs(got) <= 4.0, (text, got)
            if key == "prob_b_beats_a":
                assert 0.6 <= got <= 0.995, (text, got)
        b.check_readings(text, exp, tol, alternatives(s), misreadings(s))
    # no phrasing and no expected value of this round anywhere else in the frozen calculation set
    b.check_round(split)


def build24() -> None:
    SPECS.clear()
    # --- three or more arms: conversions ------------------------------------------------------------------------
    chi(
        [212, 248, 259],
        [5_100, 5_080, 5_120],
        "ran a/b/c on the signup page: A 212/5100, B 248/5080, C 259/5120. is there any difference between the "
        "three or is it noise?",
        "any sig difference across the 3 variants? A: 212 of 5,100 signed up, B: 248 of 5,080, C: 259 of 5,120",
        "three arm test results (signups / visitors) - a 212/5100 | b 248/5080 | c 259/5120. do they differ at all",
        "we split signup traffic three ways and got 212 out of 5100 (A), 248 out of 5080 (B), and 259 out of "
        "5120 (C). p value for whether the arms differ?",
    )
    chi_rates(
        [0.062, 0.058, 0.067, 0.071],
        [6_000, 6_000, 6_000, 6_000],
        "4 arms on the pricing page, 6k users each: control 6.2%, B 5.8%, C 6.7%, D 7.1% converted. any "
        "difference between the four?",
        "control converts 6.2% of 6000, B 5.8% of 6000, C 6.7% of 6000, D 7.1% of 6000 - is there a real "
        "difference somewhere among them",
        "do the four arms differ? rates were 6.2 / 5.8 / 6.7 / 7.1 percent (control, b, c, d) with six "
        "thousand users in every arm",
        "quick q - abcd test, each arm got 6,000 users. conversion: a 6.2%, b 5.8%, c 6.7%, d 7.1%. chi square "
        "says what?",
    )
    # --- three or more arms: means ------------------------------------------------------------------------------
    anova(
        [23.4, 24.1, 24.9],
        [9.8, 10.2, 10.0],
        [820, 800, 810],
        "avg basket size by arm - control: mean 23.4, sd 9.8, n 820; B: mean 24.1, sd 10.2, n 800; C: mean 24.9, "
        "sd 10.0, n 810. do the groups differ?",
        "one way anova for basket size pls: control 23.4 (sd 9.8, 820 users), b 24.1 (sd 10.2, 800 users), c "
        "24.9 (sd 10, 810 users)",
        "is there any difference in average basket between the three arms? control 23.4 ± 9.8 (n=820), variant "
        "B 24.1 ± 10.2 (n=800), variant C 24.9 ± 10.0 (n=810)",
        "three groups, n = 820 / 800 / 810, means 23.4 / 24.1 / 24.9, sds 9.8 / 10.2 / 10.0 - p value that "
        "they're not all equal?",
    )
    anova(
        [61.0, 63.5, 62.2, 65.1],
        [24.0, 25.5, 23.8, 26.0],
        [300, 300, 300, 300],
        "means 61.0, 63.5, 62.2, 65.1 with sds 24, 25.5, 23.8, 26, 300 users each. any difference among the "
        "4 arms?",
        "session length in seconds across four variants (300 per arm): A 61.0 sd 24, B 63.5 sd 25.5, C 62.2 sd "
        "23.8, D 65.1 sd 26. do they differ",
        "anova q: four arms of three hundred users, avg session 61 ± 24, 63.5 ± 25.5, 62.2 ± 23.8 and 65.1 ± "
        "26 seconds. p?",
        "do the 4 groups differ in session time? A: mean 61 sd 24 n 300, B: mean 63.5 sd 25.5 n 300, C: mean "
        "62.2 sd 23.8 n 300, D: mean 65.1 sd 26 n 300",
    )
    # --- a practical-significance threshold ---------------------------------------------------------------------
    threshold_rates(
        0.041,
        0.046,
        40_000,
        "rel",
        "we only ship if the lift is at least 5%. control 4.1% of 40k, variant 4.6% of 40k - what's the "
        "interval on the lift?",
        "40,000 users per arm, control converted 4.1% and variant 4.6%. anything under a 5% relative lift isn't "
        "worth shipping - 95% ci for the relative lift?",
        "min lift to ship is 5 percent (relative). A 4.1% of 40000, B 4.6% of 40000. does the confidence "
        "interval for the lift clear it?",
        "is the lift practically significant? bar is +5% relative. control 4.1%, treatment 4.6%, 40k users in "
        "each",
    )
    threshold(
        1_480,
        12_300,
        1_655,
        12_250,
        "pp",
        "practical significance threshold is 0.5 points. old flow 1480/12300, new flow 1655/12250. does the "
        "95% interval for the difference clear it?",
        "we need at least half a percentage point to bother shipping. control 1,480 of 12,300, variant 1,655 "
        "of 12,250 - confidence interval for the diff?",
        "old: 1480 conversions / 12.3k users, new: 1655 / 12.25k. threshold for practical significance is "
        "0.5pp - interval on the difference in rates?",
        "does the new flow beat the old by at least 0.5 percentage points? new 1,655 out of 12,250, old 1,480 "
        "out of 12,300. give me the ci on the difference",
    )
    # --- one p-value of a larger family -------------------------------------------------------------------------
    family(
        0.0037,
        14,
        "either",
        "p = 0.0037 on one of 14 metrics, does it survive correction?",
        "we track fourteen metrics and retention came out at p=0.0037. still significant after correcting for "
        "multiple comparisons?",
        "after correction for the 14 metrics we looked at, is a p-value of .0037 still significant",
        "one metric out of 14 at p 0.0037 - what's the adjusted p after correction",
    )
    # --- an A/A test's significant count ------------------------------------------------------------------------
    aa(
        9,
        120,
        0.05,
        "a/a test with 120 metrics, 9 came out significant at 0.05 - normal?",
        "we ran an aa test and 9 of our 120 metrics were stat sig at alpha .05. is that more than chance?",
        "is 9 significant metrics out of a hundred and twenty in an A/A test a sign something's broken? (alpha "
        "0.05)",
        "sanity check our a/a: 120 metrics tested, nine flagged as significant (p<0.05). how likely is that by "
        "chance",
    )
    # --- Welch from "mean ± sd" ---------------------------------------------------------------------------------
    welch(
        3.50,
        12.0,
        9_000,
        3.92,
        13.1,
        9_000,
        "$3.50 sd $12 in control, $3.92 sd $13.10 in treatment, 9000 users each. significant?",
        "revenue per user: control 3.50 ± 12.00 (n=9k), treatment 3.92 ± 13.10 (n=9k). p value?",
        "is the revenue lift real? treatment averaged $3.92 (sd 13.1) vs control $3.50 (sd 12), nine thousand "
        "users in each arm",
        "welch t test pls - control mean 3.5 sd 12 n 9000, treatment mean 3.92 sd 13.1 n 9000",
    )
    # --- traffic × days ---------------------------------------------------------------------------------------------
    traffic_z(
        1_000,
        10,
        610,
        690,
        "ran 10 days at ~1,000 users/day split 50/50, got 610 vs 690 conversions. is B better?",
        "50/50 split, 1k users a day for ten days. A had 610 conversions and B had 690 - significant?",
        "is the difference real? we ran the test for 10 days with about 1000 visitors per day split evenly, "
        "control converted 610 and variant 690",
        "p-value for 610 (control) vs 690 (variant) conversions after 10 days of 1000 daily users, half to "
        "each arm",
    )
    # --- one arm's share of traffic ---------------------------------------------------------------------------
    alloc(
        0.12,
        0.135,
        4.0,
        "4 (treatment gets 80% of traffic)",
        "treatment gets 80% of traffic. baseline 12%, want to detect 13.5% - how many in control?",
        "how big does control need to be if we give the treatment 80 percent of traffic? conversion 12% now, "
        "hoping for 13.5%, 80% power",
        "control n? treatment gets 80% of users, 12% -> 13.5%",
        "sizing: 80% of traffic to the new page, rest is control. detect a move from 12% to 13.5% at 80% power "
        "- users needed in control",
    )
    # --- Bayesian ---------------------------------------------------------------------------------------------------
    bayes(
        310,
        7_400,
        352,
        7_350,
        "how confident can we be that B is better? A 310/7400, B 352/7350",
        "what's the chance variant beats control? control 310 conversions from 7,400, variant 352 from 7,350",
        "bayesian read on this pls - old 310 of 7400 converted, new 352 of 7350. probability new is better?",
        "prob that B > A given A converted 310 of 7400 users and B converted 352 of 7350",
    )


def build_checked() -> None:
    build24()
    check("dev16")


def main() -> None:
    b.write_dev_round(24, build_checked, "dev16")


if __name__ == "__main__":
    main()
