"""Tuning round ``dev14`` (``calc_dev14.jsonl``, frozen by ``calc_set20.sha256``): questions about analysing results
that have come in, typed the way practitioners type them in Slack and forums (lowercase, "~", "k", numbers in words,
counts with commas, a typo now and then, the ask first or last, several facts per sentence, control and treatment
named A/B, old/new, control/variant, holdout/treated), four structurally different phrasings each:

* is a difference in conversion significant, from counts ("538 of 11,240 vs 611 of 11,195") or from rates and the
  users per arm ("6.2% vs 6.9%, 8k in each arm") or a total split evenly ("24,000 users split 50/50"), and the
  p-value of a fall;
* a t test from summary statistics (means, standard deviations and n per arm: revenue per user, time on page, items
  per order);
* a 95% confidence interval for the absolute difference in conversion (treatment minus control), from counts or from
  rates and n;
* a sample ratio mismatch check from the arm counts, on an even split and on a 10/90 holdout design;
* a one-sample test of a count against a known rate.

Written by someone who did not read the parser, and frozen before it was first scored: a tuning split (the held-out
split on the same topics is ``test9``, built by ``eval/calc_build21.py`` with other scenarios, numbers and wording).

Conventions (as the existing items of each class):

* ``significance``, two proportions: statsmodels ``proportions_ztest`` (pooled, two-sided, no continuity correction;
  ``calc_build.zt``), ``z`` = treatment minus control (B minus A, new minus old, treated minus holdout) and
  ``p_value``; where the treatment did worse only ``p_value`` is expected (as the dev6 / dev7 items), so that no
  sign convention for a fall is scored; tolerance ``PV``; counts from rates are rate × n, and every such item is
  chosen so that rate × n is already a whole number; "N users split 50/50" is N / 2 per arm;
* ``significance``, means: scipy ``ttest_ind_from_stats(equal_var=False)`` (Welch; ``calc_build.wt``), ``t`` =
  treatment minus control and ``p_value``, two-sided, ``PV``;
* ``ci_methods``: statsmodels ``confint_proportions_2indep(method='wald', compare='diff')`` of treatment minus
  control (``calc_build.ci2``), ``lower`` and ``upper`` as proportions, 95%, ``CI``; no question here names a method,
  so every item is large enough that the Newcombe, Agresti–Caffo and score intervals agree with Wald within the
  tolerance (``check`` asserts it);
* ``srm``: ``scipy.stats.chisquare`` against the design shares (``calc_build.srm``): ``chi2``, ``p_value`` and
  ``observed_shares[0]``, the share of the arm every phrasing names first (as in ``eval/calc_build14.py``), ``PV``;
* ``one_sample``: ``scipy.stats.binomtest`` (exact, two-sided) against the known rate, ``p_value``, ``PV``.

``check`` re-derives every expected value a second, independent way (the pooled z by hand with ``math.erfc``,
anchored on z² = 1 / 0.24 for 15 of 50 vs 25 of 50; Welch's t with the Welch–Satterthwaite df and the two-sided p from
the regularized incomplete beta, anchored on the closed forms for 1 and 2 df; the Wald interval by hand with
``statistics.NormalDist``; Σ (O − E)² / E with the chi-square tail in closed form for 1 and 2 df; the exact binomial
p-value summed from log-gamma probabilities with R's ``binom.test`` relative tolerance 1 + 1e-7, anchored on
112 / 1024 for 2 of 10 against 0.5). It asserts that the readings a question leaves open and that are reasonable give
the same numbers within the tolerance: the unpooled z for the pooled one, Student's t for Welch's, the other interval
methods for Wald. And it refuses an item whose expected values all lie within their tolerance (or within twice it)
of what a likely misreading gives: control and treatment swapped, a one-sided p-value, n per arm read as the total or
a total read as n per arm, the arms of an SRM check in the other order, an unequal design turned round or read as an
even split. It also refuses a phrasing, or an expected value, that any other frozen calculation split already has,
and an expected value outside the range where it tells readings apart (p from 0.001 to 0.6).

Run: ``python -m eval.calc_build20`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from scipy import special, stats
from statsmodels.stats.proportion import confint_proportions_2indep

from eval import calc_build as b
from eval.calc_build import CI, PV, ci2, q, wt, zt

Z_SRC = "statsmodels proportions_ztest (pooled)"
T_SRC = "scipy ttest_ind_from_stats (Welch)"
CI_SRC = (
    "statsmodels confint_proportions_2indep(method='wald'), treatment minus control; the newcomb, agresti-caffo "
    "and score intervals agree within the tolerance"
)
SRM_SRC = "scipy.stats.chisquare"
BINOM_SRC = "scipy.stats.binomtest (exact two-sided binomial test)"

# the parameters of every item, in order: ``check`` recomputes each expected value from these
SPECS: list[dict[str, Any]] = []


def _counts(rate_a: float, rate_b: float, n: int) -> tuple[int, int]:
    """Counts from rates and n per arm; refuses a rate × n that is not a whole number."""
    out = []
    for r in (rate_a, rate_b):
        x = round(r * n)
        assert abs(r * n - x) < 1e-6, (r, n)
        out.append(x)
    return out[0], out[1]


# --- item kinds -----------------------------------------------------------------------------------------------------


def sig(xa: int, na: int, xb: int, nb: int, text: str, *para: str, fall: bool = False) -> None:
    """Two proportions from counts: A = control, B = treatment; a fall expects only the p-value."""
    SPECS.append({"kind": "sig", "xa": xa, "na": na, "xb": xb, "nb": nb, "fall": fall, "given": "counts"})
    res = zt(xa, na, xb, nb)
    q("significance", text, {"p_value": res["p_value"]} if fall else res, PV, Z_SRC, *para)


def sig_rates(ra: float, rb: float, n: int, text: str, *para: str, total: bool = False) -> None:
    """Two proportions from rates: ``n`` per arm, or (``total``) a total split evenly."""
    per_arm = n // 2 if total else n
    assert not total or n % 2 == 0, n
    xa, xb = _counts(ra, rb, per_arm)
    given = "total" if total else "per_arm"
    SPECS.append(
        {"kind": "sig", "xa": xa, "na": per_arm, "xb": xb, "nb": per_arm, "fall": False, "given": given}
    )
    src = f"{Z_SRC}; counts = rate × {per_arm} per arm: {xa} and {xb}"
    q("significance", text, zt(xa, per_arm, xb, per_arm), PV, src, *para)


def welch(ma: float, sa: float, na: int, mb: float, sb: float, nb: int, text: str, *para: str) -> None:
    """Welch t from summary statistics: A = control, B = treatment."""
    SPECS.append({"kind": "welch", "ma": ma, "sa": sa, "na": na, "mb": mb, "sb": sb, "nb": nb})
    q("significance", text, wt(ma, sa, na, mb, sb, nb), PV, T_SRC, *para)


def ci_diff(xa: int, na: int, xb: int, nb: int, text: str, *para: str, given: str = "counts") -> None:
    """95% interval for treatment minus control."""
    SPECS.append({"kind": "ci", "xa": xa, "na": na, "xb": xb, "nb": nb, "given": given})
    q("ci_methods", text, ci2(xa, na, xb, nb, "wald"), CI, CI_SRC, *para)


def ci_rates(ra: float, rb: float, n: int, text: str, *para: str) -> None:
    xa, xb = _counts(ra, rb, n)
    ci_diff(xa, n, xb, n, text, *para, given="per_arm")


def srm_check(counts: list[int], design: list[float], label: str | None, text: str, *para: str) -> None:
    """SRM from arm counts in the order every phrasing names the arms, ``design`` in the same order."""
    SPECS.append({"kind": "srm", "counts": counts, "design": design})
    src = SRM_SRC if label is None else f"{SRM_SRC} against {label}"
    q("srm", text, b.srm([float(c) for c in counts], design), PV, src, *para)


def binom(x: int, n: int, p0: float, text: str, *para: str) -> None:
    """Exact two-sided binomial test of ``x`` of ``n`` against the known rate ``p0``."""
    SPECS.append({"kind": "binom", "x": x, "n": n, "p0": p0})
    q("one_sample", text, {"p_value": float(stats.binomtest(x, n, p0).pvalue)}, PV, BINOM_SRC, *para)


# --- independent check ------------------------------------------------------------------------------------------------

_Z = NormalDist()


def z_pooled(xa: float, na: float, xb: float, nb: float) -> dict[str, float]:
    pa, pb, pbar = xa / na, xb / nb, (xa + xb) / (na + nb)
    z = (pb - pa) / math.sqrt(pbar * (1 - pbar) * (1 / na + 1 / nb))
    return {"z": z, "p_value": math.erfc(abs(z) / math.sqrt(2))}


def z_unpooled(xa: float, na: float, xb: float, nb: float) -> dict[str, float]:
    pa, pb = xa / na, xb / nb
    z = (pb - pa) / math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return {"z": z, "p_value": math.erfc(abs(z) / math.sqrt(2))}


def t_two_sided(t: float, df: float) -> float:
    """P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2)."""
    return float(special.betainc(df / 2, 0.5, df / (df + t * t)))


def t_welch(ma: float, sa: float, na: float, mb: float, sb: float, nb: float) -> dict[str, float]:
    va, vb = sa * sa / na, sb * sb / nb
    t = (mb - ma) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    return {"t": t, "p_value": t_two_sided(t, df)}


def t_student(ma: float, sa: float, na: float, mb: float, sb: float, nb: float) -> dict[str, float]:
    sp2 = ((na - 1) * sa * sa + (nb - 1) * sb * sb) / (na + nb - 2)
    t = (mb - ma) / math.sqrt(sp2 * (1 / na + 1 / nb))
    return {"t": t, "p_value": t_two_sided(t, na + nb - 2)}


def wald(xa: float, na: float, xb: float, nb: float) -> dict[str, float]:
    pa, pb = xa / na, xb / nb
    half = _Z.inv_cdf(0.975) * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return {"lower": pb - pa - half, "upper": pb - pa + half}


def chi2_sf(x: float, df: int) -> float:
    if df == 1:
        return math.erfc(math.sqrt(x / 2))
    assert df == 2, df
    return math.exp(-x / 2)


def srm_value(counts: list[int], design: list[float]) -> dict[str, float]:
    total = sum(counts)
    chi2 = sum((o - total * s) ** 2 / (total * s) for o, s in zip(counts, design, strict=True))
    return {"chi2": chi2, "p_value": chi2_sf(chi2, len(counts) - 1), "observed_shares[0]": counts[0] / total}


def _log_pmf(k: int, n: int, p: float) -> float:
    return (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )


def binom_two_sided(x: int, n: int, p0: float) -> float:
    """R binom.test: the outcomes no more likely than x (relative tolerance 1 + 1e-7)."""
    ref = _log_pmf(x, n, p0) + math.log1p(1e-7)
    return min(1.0, sum(math.exp(lp) for k in range(n + 1) if (lp := _log_pmf(k, n, p0)) <= ref))


def binom_one_sided(x: int, n: int, p0: float) -> float:
    """The tail in the direction of the observation."""
    ks = range(x, n + 1) if x > n * p0 else range(0, x + 1)
    return sum(math.exp(_log_pmf(k, n, p0)) for k in ks)


def value(s: dict[str, Any]) -> dict[str, float]:
    """The expected values of a spec, by the independent formulas."""
    k = s["kind"]
    if k == "sig":
        got = z_pooled(s["xa"], s["na"], s["xb"], s["nb"])
        return {"p_value": got["p_value"]} if s["fall"] else got
    if k == "welch":
        return t_welch(s["ma"], s["sa"], s["na"], s["mb"], s["sb"], s["nb"])
    if k == "ci":
        return wald(s["xa"], s["na"], s["xb"], s["nb"])
    if k == "srm":
        return srm_value(s["counts"], s["design"])
    assert k == "binom", k
    return {"p_value": binom_two_sided(s["x"], s["n"], s["p0"])}


def _swap(s: dict[str, Any]) -> dict[str, Any]:
    out = dict(s)
    for a, b_ in (("xa", "xb"), ("na", "nb"), ("ma", "mb"), ("sa", "sb")):
        if a in s:
            out[a], out[b_] = s[b_], s[a]
    return out


def _scale_n(s: dict[str, Any], f: float) -> dict[str, Any]:
    """Every arm's n (and, for rates, its count) times ``f``."""
    out = dict(s)
    for n, x in (("na", "xa"), ("nb", "xb")):
        out[n] = s[n] * f
        if x in s and s.get("given") in ("per_arm", "total"):
            out[x] = s[x] * f
    return out


def misreadings(s: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Likely misreadings: name → the values they give."""
    k = s["kind"]
    out: dict[str, dict[str, float]] = {}
    if k in ("sig", "welch", "ci"):
        if not s.get("fall"):
            out["control and treatment swapped"] = value(_swap(s))
        if k == "welch" or s.get("given") == "per_arm":
            out["n per arm read as the total"] = value(_scale_n(s, 0.5))
        if s.get("given") == "total":
            out["the total read as n per arm"] = value(_scale_n(s, 2.0))
    if k in ("sig", "welch"):
        two = value(s)
        out["one-sided p"] = {**two, "p_value": two["p_value"] / 2}
    if k == "binom":
        out["one-sided p"] = {"p_value": binom_one_sided(s["x"], s["n"], s["p0"])}
    if k == "srm":
        c, d = s["counts"], s["design"]
        out["arms in the other order"] = srm_value(c[::-1], d[::-1])
        if len(set(d)) > 1:
            out["design turned round"] = srm_value(c, d[::-1])
            out["even split"] = srm_value(c, [1 / len(c)] * len(c))
    return out


def alternatives(s: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Readings the question leaves open that are reasonable: they must give the expected values."""
    k = s["kind"]
    args = [s[a] for a in ("xa", "na", "xb", "nb")] if k in ("sig", "ci") else []
    if k == "sig":
        got = z_unpooled(*args)
        return {"unpooled z": {"p_value": got["p_value"]} if s["fall"] else got}
    if k == "welch":
        return {"student t": t_student(s["ma"], s["sa"], s["na"], s["mb"], s["sb"], s["nb"])}
    if k == "ci":
        xa, na, xb, nb = args
        out = {}
        for method in ("newcomb", "agresti-caffo", "score"):
            lo, hi = confint_proportions_2indep(xb, nb, xa, na, method=method, compare="diff")
            out[method] = {"lower": float(lo), "upper": float(hi)}
        return out
    return {}


def anchors() -> None:
    """The independent formulas against values known in closed form."""
    b.close(z_pooled(15, 50, 25, 50)["z"] ** 2, 1 / 0.24, 1e-12)  # R prop.test(correct = FALSE): X² = 4.1667
    for t in (0.5, 1.7, 3.2):
        b.close(t_two_sided(t, 1), 1 - 2 * math.atan(t) / math.pi, 1e-12)  # Cauchy
        b.close(t_two_sided(t, 2), 1 - t / math.sqrt(2 + t * t), 1e-12)
    b.close(binom_two_sided(2, 10, 0.5), 112 / 1024, 1e-12)  # R binom.test(2, 10): 0.1094
    b.close(chi2_sf(3.841458820694124, 1), 0.05, 1e-9)
    b.close(chi2_sf(5.991464547107979, 2), 0.05, 1e-9)
    lo_hi = wald(50, 100, 60, 100)
    half = 1.959963984540054 * math.sqrt(0.5 * 0.5 / 100 + 0.6 * 0.4 / 100)
    b.close(lo_hi["lower"], 0.1 - half, 1e-12)


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
            b.close(got, want[key], 1e-6)
            if key == "p_value":
                assert 0.001 <= got <= 0.6, (text, got)
            if key in ("z", "t"):
                assert 1.0 <= abs(got) <= 4.0, (text, got)
        b.check_readings(text, exp, tol, alternatives(s), misreadings(s))
    # no phrasing and no expected value of this round anywhere else in the frozen calculation set
    b.check_round(split)


def build20() -> None:
    SPECS.clear()
    # --- two proportions from counts --------------------------------------------------------------------------------
    sig(
        538,
        11_240,
        611,
        11_195,
        "pricing page cta test finished. control: 538 conversions from 11,240 visitors, variant: 611 from 11,195. "
        "is that lift actually significant or just noise?",
        "538/11,240 (control) vs 611/11,195 (variant) - signifcant?",
        "can someone get me the p-value? the new cta converted 611 of 11,195 visitors and the old one (control) 538 "
        "of 11,240",
        "we had 11,240 ppl in control and 11,195 in the variant, and 538 and 611 of them converted respectively. "
        "does it pass at 95%?",
    )
    sig(
        1_905,
        7_420,
        2_031,
        7_388,
        "onboarding redesign results are in: old flow had 1,905 of 7,420 users finish setup, new flow 2,031 of "
        "7,388. is that difference statistically significant?",
        "old vs new onboarding, completions 1905/7420 vs 2031/7388. z test + p value pls",
        "whats the p value when the new flow gets 2,031 completions out of 7,388 users and the old one 1,905 out "
        "of 7,420",
        "setup completion - 7,420 users saw the old onboarding (1,905 completed) and 7,388 saw the new one (2,031 "
        "completed). real effect or noise?",
    )
    sig(
        905,
        10_050,
        1_003,
        10_020,
        "email test where we held out half the list: the holdout (no email) had 905 purchases from 10,050 people, "
        "the mailed half 1,003 from 10,020. did the email make a significant difference?",
        "holdout 905/10,050 vs emailed 1,003/10,020 - p value?",
        "is 1,003 buyers out of 10,020 emailed users vs 905 out of 10,050 in the no-email holdout a significant "
        "difference",
        "z-test please. mailed group: ten thousand and twenty users, 1,003 bought. holdout group: 10,050 users, "
        "905 bought",
    )
    sig(
        1_148,
        20_310,
        1_062,
        20_274,
        "uh oh, the new checkout seems to be doing worse: 1,062 orders from 20,274 sessions vs 1,148 from 20,310 "
        "on control. is the drop significant or could it be chance?",
        "control 1148/20310, new checkout 1062/20274. p-value?",
        "is going from 1,148 orders (20,310 sessions, control) to 1,062 orders (20,274 sessions, new checkout) a "
        "statistically significant change",
        "need a p value before i tell the team. control: twenty thousand three hundred and ten sessions, 1,148 "
        "orders. treatment: 20,274 sessions, 1,062 orders",
        fall=True,
    )
    # --- two proportions from rates and n ----------------------------------------------------------------------------
    sig_rates(
        0.062,
        0.069,
        8_000,
        "signup rate was 6.2% in control and 6.9% in the variant, with 8k users in each arm. is that significant?",
        "6.2% vs 6.9% on 8,000 per group - p value?",
        "is a jump from 6.2 to 6.9 percent signups significant if control and treatment both had eight thousand "
        "users",
        "the variant converted 6.9% of its 8,000 users and control 6.2% of its 8,000. z-test?",
    )
    sig_rates(
        0.115,
        0.124,
        24_000,
        "we split 24,000 users 50/50. control retained 11.5% at day 7 and the variant 12.4%. is the difference "
        "significant?",
        "24k users total, even split, d7 retention 11.5% (A) vs 12.4% (B): p-value?",
        "old onboarding 11.5% d7 retention, new one 12.4%, with twenty-four thousand users split evenly between "
        "the two. significant difference?",
        "24k users, half of them got the new tutorial. day-7 retention: control 11.5%, tutorial 12.4%. "
        "significant at 5%?",
        total=True,
    )
    # --- means from summary statistics -------------------------------------------------------------------------------
    welch(
        3.87,
        12.40,
        15_200,
        4.02,
        13.10,
        15_150,
        "revenue per user came out at $4.02 for the treatment (sd $13.10, n=15,150) vs $3.87 for control (sd "
        "$12.40, n=15,200). is that significant?",
        "rpu: control mean 3.87 sd 12.40 n 15200; treatment mean 4.02 sd 13.10 n 15150. t-test?",
        "t test from summary stats pls - control averaged $3.87 per user with a standard deviation of $12.40 over "
        "15,200 users, and the variant averaged $4.02 (sd $13.10) over 15,150",
        "can we call this one? 15.2k control users averaged 3.87 dollars (sd 12.4) and 15,150 treatment users "
        "averaged 4.02 dollars (sd 13.1). p?",
    )
    welch(
        74.2,
        51.0,
        2_300,
        77.9,
        55.0,
        2_300,
        "avg time on page went from 74.2s on the old layout to 77.9s on the new one. sd is about 51s on the old and "
        "55s on the new, 2,300 visitors each. significant?",
        "time on page, old 74.2 s (sd 51) vs new 77.9 s (sd 55), n = 2300 per arm. p-value?",
        "are 3.7 extra seconds on page real? new layout mean 77.9 sd 55, old layout mean 74.2 sd 51, "
        "twenty-three hundred visitors in each",
        "welch t-test please: 2,300 visitors per group, mean time on page 74.2 vs 77.9 seconds (old layout first), "
        "sds 51 and 55",
    )
    welch(
        3.40,
        2.1,
        1_800,
        3.55,
        2.3,
        1_750,
        "bundle widget test. items per order: control 3.40 avg, sd 2.1, 1,800 orders; widget 3.55 avg, sd 2.3, "
        "1,750 orders. significant difference?",
        "items/order A 3.4 (sd 2.1, n 1800) vs B 3.55 (sd 2.3, n 1750) - t stat and p?",
        "did the widget move basket size? eighteen hundred control orders averaged 3.4 items with an sd of 2.1, "
        "and 1,750 widget orders averaged 3.55 items, sd 2.3",
        "p-value for mean basket size 3.55 (treatment) compared to 3.40 (control), standard deviations 2.3 and "
        "2.1, orders 1,750 and 1,800",
    )
    # --- confidence interval for the difference -------------------------------------------------------------------
    ci_diff(
        702,
        13_480,
        789,
        13_520,
        "what's the 95% confidence interval for the difference in conversion? A: 702 of 13,480, B: 789 of 13,520",
        "ci on B minus A: 789/13,520 vs 702/13,480",
        "variant converted 789 out of 13,520 and control 702 out of 13,480 - give me a confidence interval for "
        "the absolute difference",
        "control 702 conv / 13,480 users, treatment 789 / 13,520. what's the 95% interval on the lift "
        "(treatment minus control, absolute)?",
    )
    ci_rates(
        0.032,
        0.037,
        15_000,
        "trial starts were 3.2% in control and 3.7% in treatment, 15k users each. confidence interval for the "
        "difference?",
        "3.2% vs 3.7% with 15,000 per arm - 95% ci of the diff",
        "give me a 95 percent ci on the absolute lift: treatment 3.7% of fifteen thousand users, control 3.2% of "
        "fifteen thousand",
        "how sure are we about the +0.5pp? 15,000 users in each group, 3.2% control vs 3.7% test. need the "
        "interval",
    )
    ci_diff(
        2_215,
        30_100,
        2_398,
        30_050,
        "for the exec summary i need a 95% ci on the conversion difference (new minus old). old page: 2,215 / "
        "30,100, new page: 2,398 / 30,050",
        "old 2215 of 30100, new 2398 of 30050, confidence interval for new - old?",
        "the new page converted 2,398 of 30,050 visitors vs 2,215 of 30,100 on the old page. what's the ci for "
        "the difference in rates",
        "confidence interval for the absolute uplift please, control (old page) 2,215 conversions of 30.1k "
        "visitors, variant (new page) 2,398 of 30,050",
    )
    # --- sample ratio mismatch ---------------------------------------------------------------------------------------
    srm_check(
        [25_281, 24_733],
        [0.5, 0.5],
        None,
        "before reading results: control has 25,281 users and treatment 24,733 on a 50/50 split. is that an srm?",
        "srm check: 25,281 (control) vs 24,733 (treatment), expected 50/50",
        "control 25281 users, treatment 24733, we configured an even split. sample ratio mismatch or fine?",
        "is there a sample ratio mismatch? control got twenty-five thousand two hundred and eighty-one users "
        "and treatment 24,733, meant to be 50-50",
    )
    srm_check(
        [4_815, 44_985],
        [0.1, 0.9],
        "10/90",
        "we keep a 10% holdout and the other 90% get the new feed. the holdout ended up with 4,815 users and the "
        "feed group 44,985. is that a sample ratio mismatch?",
        "holdout 4,815 vs treatment 44,985 on a 10/90 design - srm?",
        "srm check pls: the 10 percent holdout got 4815 users, the 90 percent treatment got 44985",
        "holdout was supposed to be 10% and treatment 90%; we got 4,815 and 44,985 users. mismatch?",
    )
    # --- one sample against a known rate ----------------------------------------------------------------------------
    binom(
        131,
        2_650,
        0.042,
        "the landing page historically converts at 4.2%. this week 131 of 2,650 visitors converted. is that "
        "significantly different?",
        "131/2650 against a known 4.2% rate - p-value?",
        "is 131 conversions out of 2,650 visitors statistically different from our usual 4.2 percent",
        "we know the long-run rate is 4.2%, and this week we got one hundred thirty-one signups in two thousand "
        "six hundred fifty visits. significant vs that?",
    )
    binom(
        171,
        480,
        0.32,
        "171 of 480 survey respondents said they'd pay for premium. the industry benchmark is 32% - are we "
        "significantly different from it?",
        "one-sample test: 171 out of 480 vs benchmark 0.32",
        "is 171/480 significantly different from the 32% benchmark",
        "benchmark says 32% of users would pay for premium; in our survey it was 171 of 480 people. p value?",
    )


def build_checked() -> None:
    build20()
    check("dev14")


def main() -> None:
    b.write_dev_round(20, build_checked, "dev14")


if __name__ == "__main__":
    main()
