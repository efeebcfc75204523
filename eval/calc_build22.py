"""Tuning round ``dev15`` (``calc_dev15.jsonl``, frozen by ``calc_set22.sha256``): methods beyond the plain
two-proportion test, asked casually, typed the way practitioners type them in Slack and forums (lowercase, "~", "k",
numbers in words, a typo now and then, the ask first or last, several facts per sentence, arms named A/B, old/new,
control/variant), four structurally different phrasings each:

* the sample size per arm with CUPED, from a pre-period correlation or a stated variance reduction, and the days it
  then takes at a given daily traffic;
* adjusted p-values when the method is named (Holm; Benjamini–Hochberg alone; Benjamini–Hochberg with Bonferroni
  beside it), the p-values given in or out of order;
* Fisher's exact test on small counts (a rise and a fall);
* a paired before/after design: pairs needed for a mean change given the SD of the changes, and the power of a
  given number of pairs;
* a one-way ANOVA across several arms: n per arm for Cohen's f, and the power of a given n per arm;
* a non-inferiority test of two conversion rates with a margin in percentage points, and the n per arm to show
  non-inferiority;
* a Poisson comparison of event counts over exposures, and the users per arm to detect a change in a per-user rate.

Written by someone who did not read the parser, and frozen before it was first scored: a tuning split (the held-out
split on the same topics is ``test10``, built by ``eval/calc_build23.py`` with other scenarios, numbers and wording).

Conventions (taken from the frozen items named; same library function, keys and tolerances):

* ``cuped`` (``dev-cuped-01`` … ``-07``, ``dev6-cuped-20``, ``dev7-cuped-19``, ``test-cuped-04/05``, built in
  ``eval/calc_build.py`` / ``calc_build6.py`` / ``calc_build7.py``): ``n_per_group_cuped`` = n × (1 − ρ²) for a
  correlation ρ, or n × (1 − reduction) for a stated variance reduction (Deng et al. 2013), unrounded;
  ``days_with_cuped`` = ⌈2 · n_cuped / daily traffic⌉; tolerance ``N`` on both;
* ``multi_output`` (``dev-multi_output-01/03/05``, ``dev4-multi_output-19``, ``test-multi_output-02/04``,
  ``test2-multi_output-02``): statsmodels ``multipletests`` (``holm``, ``bonferroni``, ``fdr_bh``), the adjusted
  values in the order the question gives the p-values; one method named: ``adjusted_p_values[i]``; BH and Bonferroni
  both asked for: ``bh[i]`` and ``bonferroni[i]``; tolerance ``PV``;
* ``exact_2x2`` (``dev4-exact_2x2-22``, ``eval/calc_build4.py``): scipy ``fisher_exact`` two-sided on the table
  whose columns are the two groups (treatment, control) and rows converted / not converted, ``p_value``, ``PV``;
* ``paired`` (``dev-paired-01/05``, ``dev4-paired-14``, ``test-paired-03/04``): statsmodels ``TTestPower``
  (one-sample / paired noncentral t, as R ``power.t.test(type='paired')``) with d = mean change / SD of the changes,
  two-sided α = 0.05: ``n_pairs`` unrounded (tolerance ``N``) or ``power`` (tolerance ``PW``);
* ``anova`` (``dev-anova-01/03``, ``dev5-anova-17``, ``test-anova-05``): statsmodels ``FTestAnovaPower`` with
  Cohen's f (``calc_build.anova_n``: the total / k, unrounded, ``N``; ``calc_build.anova_power`` with n per arm × k,
  ``PW``); k counts every arm, control included;
* ``noninferiority`` (``dev4-noninferiority-28/29``, ``eval/calc_build4.py``): the p-value is statsmodels
  ``test_proportions_2indep(treatment, control, value=-margin, compare='diff', alternative='larger',
  method='score')``, the margin absolute in proportion units, ``PV``; the n per arm is Chow, Shao & Wang (2008) §4.2,
  (z₀.₉₅ + z_power)² · 2p(1 − p) / M² (one-sided α = 0.05, no true difference), unrounded, ``N``;
* ``poisson`` (``dev4-poisson-30``, ``dev5-poisson-05``, ``eval/calc_build4.py`` / ``calc_build5.py``): the
  p-value is statsmodels ``test_poisson_2indep(treatment count, treatment exposure, control count, control exposure,
  method='score', compare='ratio')``, two-sided, ``PV``; the n per arm is statsmodels ``power_poisson_ratio_2indep``
  (two-sided, exposure 1 per user, score variance) solved for 80% power with brentq, unrounded, ``N``.

``check`` re-derives every expected value a second, independent way: the CUPED arithmetic in exact fractions and an
integer ceiling; Bonferroni, Holm (step-down) and BH (step-up) coded by hand; Fisher's two-sided p summed from
hypergeometric log-gamma probabilities (the outcomes no more likely than the table, relative tolerance 1 + 1e-7,
anchored on the tea-tasting table, 34 / 70); the paired power from scipy's noncentral t directly (df = n − 1,
noncentrality d√n) and the pairs by bisection on it; the ANOVA power from scipy's noncentral F (nc = f² · N) and n by
bisection; the non-inferiority score test with the restricted maximum-likelihood rates found by a bounded scalar
maximisation (Farrington–Manning; the library's restricted MLE has a wrong linear coefficient in its cubic, statsmodels
issue #10269, so its p-value, kept as the expected value by the dev4 convention, is only asserted within a quarter of
the tolerance of the true score test), the n with ``statistics.NormalDist``; the Poisson score z with the pooled rate
(the restricted MLE at a ratio of 1) and ``math.erfc``, and the Poisson n by bisection on the normal power with the
score null variance 4 / (r₁ + r₂) and the alternative variance 1 / r₁ + 1 / r₂. It asserts that the readings a question
leaves open and that are reasonable give the same numbers within the tolerance (the Miettinen–Nurminen n / (n − 1)
correction on or off in the non-inferiority score test; the alternative-variance Poisson power). And it refuses an item
whose expected values all lie within their tolerance (or within twice it) of what a likely misreading gives: ρ read as
the variance reduction or a reduction read as ρ, days from one arm's n; another adjustment method (or none), the
adjusted values listed in sorted order, the two methods swapped; a one-sided Fisher p, the pooled z test or Yates'
chi-square instead of Fisher; a two-sample t test instead of the paired one, a one-sided test, the pairs read as the
observations; n per arm read as the total, a control arm left out of k; a two-sided non-inferiority p, the arms swapped,
no margin, a margin relative to the control rate; a one-sided Poisson p, the exposures ignored or swapped. It also
refuses a phrasing, or an expected value, that any other frozen calculation split already has
(``eval.calc_build.refuse_repeats``), and a p-value outside 0.001–0.6 or a power outside 0.3–0.95.

Run: ``python -m eval.calc_build22`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist
from typing import Any

from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestIndPower
from statsmodels.stats.proportion import proportions_ztest, test_proportions_2indep
from statsmodels.stats.rates import power_poisson_ratio_2indep, test_poisson_2indep

from eval import calc_build as b
from eval.calc_build import PV, PW, N, anova_n, anova_power, q, t1_n, t1_power, z

CUPED_RHO = "Deng et al. 2013: n × (1 − ρ²)"
CUPED_RED = "Deng et al. 2013: n × (1 − reduction)"
DAYS = "; days = 2n/traffic"
MT_SRC = {
    "holm": "statsmodels multipletests(method='holm')",
    "bonferroni": "statsmodels multipletests(method='bonferroni')",
    "fdr_bh": "statsmodels multipletests(method='fdr_bh')",
}
FISHER_SRC = "scipy.stats fisher_exact (columns = the two groups), two-sided"
PAIRED_SRC = (
    "statsmodels TTestPower (one-sample / paired noncentral t, as R power.t.test type='one.sample'/'paired')"
)
ANOVA_N_SRC = "statsmodels FTestAnovaPower (total / k)"
ANOVA_P_SRC = "statsmodels FTestAnovaPower"
NI_P_SRC = "statsmodels test_proportions_2indep(value=-margin, alternative='larger', method='score')"
NI_N_SRC = "Chow, Shao & Wang 2008 §4.2, one-sided α = 0.05"
POIS_P_SRC = "statsmodels test_poisson_2indep(method='score', compare='ratio')"
POIS_N_SRC = "statsmodels power_poisson_ratio_2indep solved with brentq"

# the parameters of every item, in order: ``check`` recomputes each expected value from these
SPECS: list[dict[str, Any]] = []


# --- the library values (the conventions of the frozen items) -----------------------------------------------------


def _table(xa: int, na: int, xb: int, nb: int) -> list[list[int]]:
    """Columns: treatment (B), control (A); rows: converted, not converted (as ``eval/calc_build4.py``)."""
    return [[xb, xa], [nb - xb, na - xa]]


def lib_fisher(xa: int, na: int, xb: int, nb: int) -> float:
    return float(stats.fisher_exact(_table(xa, na, xb, nb)).pvalue)


def lib_ni_p(xa: int, na: int, xb: int, nb: int, margin: float) -> float:
    res = test_proportions_2indep(
        xb, nb, xa, na, value=-margin, compare="diff", alternative="larger", method="score"
    )
    return float(res.pvalue)


def lib_ni_n(p: float, margin: float, power: float = 0.8, alpha: float = 0.05) -> float:
    return (z(1 - alpha) + z(power)) ** 2 * 2 * p * (1 - p) / margin**2


def lib_poisson_p(ca: int, ea: float, cb: int, eb: float) -> float:
    return float(test_poisson_2indep(cb, eb, ca, ea, method="score", compare="ratio").pvalue)


def lib_poisson_n(rate_a: float, rate_b: float, power: float = 0.8, method_var: str = "score") -> float:
    def pw(n: float) -> float:
        res = power_poisson_ratio_2indep(
            rate_b,
            rate_a,
            n,
            nobs_ratio=1,
            exposure=1,
            value=1,
            alternative="two-sided",
            method_var=method_var,
        )
        return float(res.power)

    return float(optimize.brentq(lambda n: pw(n) - power, 2, 1e8))


# --- item kinds -----------------------------------------------------------------------------------------------------


def cuped(
    n: int,
    text: str,
    *para: str,
    rho: float | None = None,
    red: float | None = None,
    traffic: int | None = None,
) -> None:
    """CUPED: ``n`` per arm without it; a correlation ``rho`` or a variance reduction ``red``; daily ``traffic``."""
    assert (rho is None) != (red is None)
    SPECS.append({"kind": "cuped", "n": n, "rho": rho, "red": red, "traffic": traffic})
    factor = 1 - rho**2 if rho is not None else 1 - red  # type: ignore[operator]
    exp: dict[str, float] = {"n_per_group_cuped": n * factor}
    src = CUPED_RHO if rho is not None else CUPED_RED
    if traffic is not None:
        exp["days_with_cuped"] = math.ceil(2 * n * factor / traffic - 1e-9)
        src += DAYS
    q("cuped", text, exp, N, src, *para)


def adjust(ps: list[float], methods: tuple[str, ...], text: str, *para: str) -> None:
    """Adjusted p-values: one method (``adjusted_p_values[i]``) or BH with Bonferroni (``bh[i]``, ``bonferroni[i]``)."""
    SPECS.append({"kind": "adjust", "ps": ps, "methods": methods})
    exp: dict[str, float] = {}
    if len(methods) == 1:
        vals = [float(v) for v in multipletests(ps, method=methods[0])[1]]
        exp = {f"adjusted_p_values[{i}]": v for i, v in enumerate(vals)}
        src = MT_SRC[methods[0]]
    else:
        assert methods == ("fdr_bh", "bonferroni"), methods
        for key, m in (("bh", "fdr_bh"), ("bonferroni", "bonferroni")):
            vals = [float(v) for v in multipletests(ps, method=m)[1]]
            exp.update({f"{key}[{i}]": v for i, v in enumerate(vals)})
        src = "statsmodels multipletests fdr_bh and bonferroni"
    q("multi_output", text, exp, PV, src, *para)


def fisher(xa: int, na: int, xb: int, nb: int, text: str, *para: str) -> None:
    """Fisher's exact test: A = control, B = treatment."""
    SPECS.append({"kind": "fisher", "xa": xa, "na": na, "xb": xb, "nb": nb})
    q("exact_2x2", text, {"p_value": lib_fisher(xa, na, xb, nb)}, PV, FISHER_SRC, *para)


def paired_n(delta: float, sd: float, power: float, text: str, *para: str) -> None:
    SPECS.append({"kind": "paired_n", "d": delta / sd, "power": power})
    q("paired", text, {"n_pairs": t1_n(delta / sd, power)}, N, PAIRED_SRC, *para)


def paired_power(delta: float, sd: float, n: int, text: str, *para: str) -> None:
    SPECS.append({"kind": "paired_power", "d": delta / sd, "n": n})
    q("paired", text, {"power": t1_power(delta / sd, n)}, PW, PAIRED_SRC, *para)


def anova_size(f: float, k: int, power: float, text: str, *para: str) -> None:
    SPECS.append({"kind": "anova_n", "f": f, "k": k, "power": power})
    q("anova", text, {"n_per_group": anova_n(f, k, power)}, N, ANOVA_N_SRC, *para)


def anova_pow(f: float, k: int, n: int, text: str, *para: str) -> None:
    SPECS.append({"kind": "anova_power", "f": f, "k": k, "n": n})
    q("anova", text, {"power": anova_power(f, k, n)}, PW, ANOVA_P_SRC, *para)


def ni_p(xa: int, na: int, xb: int, nb: int, margin: float, text: str, *para: str) -> None:
    """Non-inferiority of treatment B against control A, ``margin`` in proportion units."""
    SPECS.append({"kind": "ni_p", "xa": xa, "na": na, "xb": xb, "nb": nb, "margin": margin})
    q("noninferiority", text, {"p_value": lib_ni_p(xa, na, xb, nb, margin)}, PV, NI_P_SRC, *para)


def ni_n(p: float, margin: float, power: float, text: str, *para: str) -> None:
    SPECS.append({"kind": "ni_n", "p": p, "margin": margin, "power": power})
    q("noninferiority", text, {"n_per_group": lib_ni_n(p, margin, power)}, N, NI_N_SRC, *para)


def poisson_p(ca: int, ea: float, cb: int, eb: float, text: str, *para: str) -> None:
    """Event counts over exposures: A = control, B = treatment."""
    SPECS.append({"kind": "poisson_p", "ca": ca, "ea": ea, "cb": cb, "eb": eb})
    q("poisson", text, {"p_value": lib_poisson_p(ca, ea, cb, eb)}, PV, POIS_P_SRC, *para)


def poisson_n(ra: float, rb: float, text: str, *para: str) -> None:
    SPECS.append({"kind": "poisson_n", "ra": ra, "rb": rb})
    q("poisson", text, {"n_per_group": lib_poisson_n(ra, rb)}, N, POIS_N_SRC, *para)


# --- independent check ------------------------------------------------------------------------------------------------

_Z = NormalDist()


def _zq(p: float) -> float:
    return _Z.inv_cdf(p)


def h_cuped(n: int, factor: Fraction, traffic: int | None) -> dict[str, float]:
    out = {"n_per_group_cuped": float(n * factor)}
    if traffic is not None:
        num = 2 * n * factor
        out["days_with_cuped"] = float(-((-num.numerator) // (num.denominator * traffic)))
    return out


def h_bonferroni(ps: list[float]) -> list[float]:
    return [min(1.0, p * len(ps)) for p in ps]


def h_holm(ps: list[float]) -> list[float]:
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def h_bh(ps: list[float]) -> list[float]:
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i], reverse=True)
    out = [0.0] * m
    running = 1.0
    for j, i in enumerate(order):
        rank = m - j
        running = min(running, ps[i] * m / rank)
        out[i] = running
    return out


H_ADJ = {"bonferroni": h_bonferroni, "holm": h_holm, "fdr_bh": h_bh, "none": lambda ps: list(ps)}


def adjust_values(ps: list[float], methods: tuple[str, ...]) -> dict[str, float]:
    if len(methods) == 1:
        return {f"adjusted_p_values[{i}]": v for i, v in enumerate(H_ADJ[methods[0]](ps))}
    out: dict[str, float] = {}
    for key, m in zip(("bh", "bonferroni"), methods, strict=True):
        out.update({f"{key}[{i}]": v for i, v in enumerate(H_ADJ[m](ps))})
    return out


def _log_hyper(k: int, xa: int, na: int, xb: int, nb: int) -> float:
    """log P(k conversions in B | margins): hypergeometric."""

    def lc(n: int, r: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(r + 1) - math.lgamma(n - r + 1)

    return lc(nb, k) + lc(na, xa + xb - k) - lc(na + nb, xa + xb)


def h_fisher(xa: int, na: int, xb: int, nb: int, sided: str = "two") -> float:
    total = xa + xb
    ks: list[int] = list(range(max(0, total - na), min(nb, total) + 1))
    if sided == "one":  # the tail in the direction of the observation
        expected = total * nb / (na + nb)
        ks = [k for k in ks if (k >= xb if xb > expected else k <= xb)]
        return sum(math.exp(_log_hyper(k, xa, na, xb, nb)) for k in ks)
    ref = _log_hyper(xb, xa, na, xb, nb) + math.log1p(1e-7)
    return min(1.0, sum(math.exp(lp) for k in ks if (lp := _log_hyper(k, xa, na, xb, nb)) <= ref))


def h_paired_power(d: float, n: float, sides: int = 2) -> float:
    df, nc = n - 1, d * math.sqrt(n)
    crit = float(stats.t.isf(0.05 / sides, df))
    upper = float(stats.nct.sf(crit, df, nc))
    return upper + (float(stats.nct.cdf(-crit, df, nc)) if sides == 2 else 0.0)


def _bisect(f: Any, lo: float, hi: float) -> float:
    """The root of an increasing ``f`` on [lo, hi] by bisection."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def h_paired_n(d: float, power: float, sides: int = 2) -> float:
    return _bisect(lambda n: h_paired_power(d, n, sides) - power, 2.0, 1e6)


def h_anova_power(f: float, k: int, n: float) -> float:
    total = n * k
    df1, df2 = k - 1, total - k
    crit = float(stats.f.isf(0.05, df1, df2))
    return float(stats.ncf.sf(crit, df1, df2, f * f * total))


def h_anova_n(f: float, k: int, power: float) -> float:
    return _bisect(lambda n: h_anova_power(f, k, n) - power, 2.0, 1e6)


def _fm_restricted(xa: int, na: int, xb: int, nb: int, delta: float) -> tuple[float, float]:
    """The MLE of (p_a, p_b) under p_b − p_a = delta, by a bounded scalar maximisation (Farrington–Manning)."""

    def nll(pa: float) -> float:
        pb = pa + delta
        return -(
            xa * math.log(pa) + (na - xa) * math.log1p(-pa) + xb * math.log(pb) + (nb - xb) * math.log1p(-pb)
        )

    lo, hi = max(0.0, -delta) + 1e-12, min(1.0, 1 - delta) - 1e-12
    res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13})
    return float(res.x), float(res.x) + delta


def h_ni_p(xa: int, na: int, xb: int, nb: int, margin: float, correction: bool = True) -> float:
    pa, pb = xa / na, xb / nb
    ra, rb = _fm_restricted(xa, na, xb, nb, -margin)
    var = ra * (1 - ra) / na + rb * (1 - rb) / nb
    if correction:
        var *= (na + nb) / (na + nb - 1)
    zz = (pb - pa + margin) / math.sqrt(var)
    return 0.5 * math.erfc(zz / math.sqrt(2))


def h_ni_n(p: float, margin: float, power: float, alpha: float = 0.05) -> float:
    return (_zq(1 - alpha) + _zq(power)) ** 2 * 2 * p * (1 - p) / margin**2


def h_poisson_p(ca: float, ea: float, cb: float, eb: float) -> float:
    lam = (ca + cb) / (ea + eb)
    zz = (cb / eb - ca / ea) / math.sqrt(lam * (1 / ea + 1 / eb))
    return math.erfc(abs(zz) / math.sqrt(2))


def h_poisson_power(ra: float, rb: float, n: float, sides: int = 2) -> float:
    es = abs(math.log(rb / ra))
    s0, s1 = math.sqrt(4 / (ra + rb)), math.sqrt(1 / ra + 1 / rb)
    crit = _zq(1 - 0.05 / sides)
    out = _Z.cdf((es * math.sqrt(n) - crit * s0) / s1)
    return out + (_Z.cdf((-es * math.sqrt(n) - crit * s0) / s1) if sides == 2 else 0.0)


def h_poisson_n(ra: float, rb: float, sides: int = 2) -> float:
    return _bisect(lambda n: h_poisson_power(ra, rb, n, sides) - 0.8, 2.0, 1e9)


def value(s: dict[str, Any]) -> dict[str, float]:
    """The expected values of a spec, by the independent formulas."""
    k = s["kind"]
    if k == "cuped":
        factor = 1 - Fraction(str(s["rho"])) ** 2 if s["rho"] is not None else 1 - Fraction(str(s["red"]))
        return h_cuped(s["n"], factor, s["traffic"])
    if k == "adjust":
        return adjust_values(s["ps"], s["methods"])
    if k == "fisher":
        return {"p_value": h_fisher(s["xa"], s["na"], s["xb"], s["nb"])}
    if k == "paired_n":
        return {"n_pairs": h_paired_n(s["d"], s["power"])}
    if k == "paired_power":
        return {"power": h_paired_power(s["d"], s["n"])}
    if k == "anova_n":
        return {"n_per_group": h_anova_n(s["f"], s["k"], s["power"])}
    if k == "anova_power":
        return {"power": h_anova_power(s["f"], s["k"], s["n"])}
    if k == "ni_p":
        return {"p_value": h_ni_p(s["xa"], s["na"], s["xb"], s["nb"], s["margin"])}
    if k == "ni_n":
        return {"n_per_group": h_ni_n(s["p"], s["margin"], s["power"])}
    if k == "poisson_p":
        return {"p_value": h_poisson_p(s["ca"], s["ea"], s["cb"], s["eb"])}
    assert k == "poisson_n", k
    return {"n_per_group": h_poisson_n(s["ra"], s["rb"])}


def misreadings(s: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Likely misreadings: name → the values they give."""
    k = s["kind"]
    out: dict[str, dict[str, float]] = {}
    if k == "cuped":
        if s["rho"] is not None:
            out["ρ read as the variance reduction"] = h_cuped(
                s["n"], 1 - Fraction(str(s["rho"])), s["traffic"]
            )
        else:
            out["the reduction read as ρ"] = h_cuped(s["n"], 1 - Fraction(str(s["red"])) ** 2, s["traffic"])
        right = value(s)
        if s["traffic"] is not None:
            out["days from one arm"] = {
                **right,
                "days_with_cuped": math.ceil(right["n_per_group_cuped"] / s["traffic"] - 1e-9),
            }
        out["n per arm read as the total"] = {kk: v / 2 for kk, v in right.items()}
    elif k == "adjust":
        ps, methods = s["ps"], s["methods"]
        if len(methods) == 1:
            for other in ("bonferroni", "holm", "fdr_bh", "none"):
                if other != methods[0]:
                    out[f"{other} instead"] = adjust_values(ps, (other,))
        else:
            out["the methods swapped"] = adjust_values(ps, ("bonferroni", "fdr_bh"))
            out["holm for bonferroni"] = adjust_values(ps, ("fdr_bh", "holm"))
            out["unadjusted"] = adjust_values(ps, ("none", "none"))
        if sorted(ps) != list(ps):
            out["listed in sorted order"] = adjust_values(sorted(ps), methods)
    elif k == "fisher":
        xa, na, xb, nb = s["xa"], s["na"], s["xb"], s["nb"]
        out["one-sided fisher"] = {"p_value": h_fisher(xa, na, xb, nb, "one")}
        out["pooled z test"] = {"p_value": float(proportions_ztest([xb, xa], [nb, na])[1])}
        yates = stats.chi2_contingency(_table(xa, na, xb, nb), correction=True)
        out["yates chi-square"] = {"p_value": float(yates.pvalue)}
    elif k == "paired_n":
        out["two-sample t"] = {
            "n_pairs": float(TTestIndPower().solve_power(s["d"], power=s["power"], alpha=0.05))
        }
        out["one-sided"] = {"n_pairs": h_paired_n(s["d"], s["power"], 1)}
    elif k == "paired_power":
        out["two-sample t"] = {"power": float(TTestIndPower().power(s["d"], s["n"], 0.05))}
        out["one-sided"] = {"power": h_paired_power(s["d"], s["n"], 1)}
        out["pairs read as observations"] = {"power": h_paired_power(s["d"], s["n"] / 2)}
    elif k == "anova_n":
        n_right = value(s)["n_per_group"]
        out["the total for n per arm"] = {"n_per_group": n_right * s["k"]}
        out["control left out of k"] = {"n_per_group": h_anova_n(s["f"], s["k"] - 1, s["power"])}
    elif k == "anova_power":
        out["n per arm read as the total"] = {"power": h_anova_power(s["f"], s["k"], s["n"] / s["k"])}
        out["control left out of k"] = {"power": h_anova_power(s["f"], s["k"] - 1, s["n"])}
    elif k == "ni_p":
        xa, na, xb, nb, m = s["xa"], s["na"], s["xb"], s["nb"], s["margin"]
        p_right = value(s)["p_value"]
        out["two-sided"] = {"p_value": min(1.0, 2 * min(p_right, 1 - p_right))}
        out["arms swapped"] = {"p_value": h_ni_p(xb, nb, xa, na, m)}
        out["no margin"] = {"p_value": h_ni_p(xa, na, xb, nb, 0.0)}
        out["margin relative to control"] = {"p_value": h_ni_p(xa, na, xb, nb, m * xa / na)}
    elif k == "ni_n":
        p, m, pw = s["p"], s["margin"], s["power"]
        out["two-sided alpha"] = {"n_per_group": h_ni_n(p, m, pw, 0.1)}
        out["margin relative to the baseline"] = {"n_per_group": h_ni_n(p, m * p, pw)}
        out["the total"] = {"n_per_group": 2 * h_ni_n(p, m, pw)}
    elif k == "poisson_p":
        ca, ea, cb, eb = s["ca"], s["ea"], s["cb"], s["eb"]
        out["one-sided"] = {"p_value": h_poisson_p(ca, ea, cb, eb) / 2}
        out["exposures ignored"] = {"p_value": h_poisson_p(ca, 1.0, cb, 1.0)}
        out["exposures swapped"] = {"p_value": h_poisson_p(ca, eb, cb, ea)}
    else:
        assert k == "poisson_n", k
        out["one-sided"] = {"n_per_group": h_poisson_n(s["ra"], s["rb"], 1)}
        out["the total"] = {"n_per_group": 2 * h_poisson_n(s["ra"], s["rb"])}
    return out


def alternatives(s: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Readings the question leaves open that are reasonable: they must give the expected values."""
    k = s["kind"]
    if k == "ni_p":
        args = (s["xa"], s["na"], s["xb"], s["nb"], s["margin"])
        return {"score test without the n/(n-1) correction": {"p_value": h_ni_p(*args, correction=False)}}
    if k == "poisson_n":
        return {
            "alternative-variance power": {"n_per_group": lib_poisson_n(s["ra"], s["rb"], method_var="alt")}
        }
    return {}


def anchors() -> None:
    """The independent formulas against values known in closed form or published."""
    b.close(h_fisher(1, 4, 3, 4), 34 / 70, 1e-12)  # tea tasting, 3 of 4 right: (1 + 16 + 16 + 1) / 70
    assert [round(v, 12) for v in h_holm([0.01, 0.04, 0.03])] == [0.03, 0.06, 0.06]
    assert [round(v, 12) for v in h_bh([0.01, 0.04, 0.03])] == [0.03, 0.04, 0.04]
    # a paired t with an infinite sample is the normal: power of d = 0.5 at n = 2000 is 1 to 12 digits
    b.close(h_paired_power(0.5, 2000), 1.0, 1e-9)
    # d = 0 gives the size of the test
    b.close(h_paired_power(0.0, 30), 0.05, 1e-9)
    b.close(h_anova_power(1e-6, 4, 25), 0.05, 1e-9)
    b.close(h_poisson_p(100, 1.0, 100, 1.0), 1.0, 1e-12)
    b.close(h_ni_n(0.5, 0.1, 0.5), _zq(0.95) ** 2 * 0.5 / 0.01, 1e-12)


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
            if s["kind"] == "ni_p":  # statsmodels#10269: the library's restricted MLE is slightly off
                assert abs(got - want[key]) <= 0.25 * b.allowance(got, tol), (text, got, want[key])
            else:
                b.close(got, want[key], 1e-6)
            if key == "p_value":
                assert 0.001 <= got <= 0.6, (text, got)
            if key == "power":
                assert 0.3 <= got <= 0.95, (text, got)
        b.check_readings(text, exp, tol, alternatives(s), misreadings(s))
    # no phrasing and no expected value of this round anywhere else in the frozen calculation set
    b.check_round(split)


def build22() -> None:
    SPECS.clear()
    # --- CUPED ------------------------------------------------------------------------------------------------------
    cuped(
        36_000,
        "if we turn on cuped and the pre-period metric correlates 0.7 with the outcome, what does our 36k per arm "
        "sample size drop to?",
        "cuped, rho=0.7, baseline n 36,000 per group -> new n per group?",
        "our power calc said thirty-six thousand users per variant. with cuped using last month's spend "
        "(correlation ~0.7) how many do we actually need",
        "how many users per arm with CUPED? pre/post correlation is 0.7 and without it we needed 36000 each",
        rho=0.7,
    )
    cuped(
        64_000,
        "sizing q: we need 64k users per variant, get about 9k users a day, and the pre-experiment covariate has a "
        "0.5 correlation with the metric. with cuped how many users per variant and how many days?",
        "cuped w/ corr 0.5: 64,000 per arm before, 9,000 daily users. new n + duration?",
        "how long does the test run with cuped? correlation of pre-period data is .5, we'd need 64000 per group "
        "without it, traffic is 9k/day",
        "9k users a day, 64k needed in each arm, covariate correlation 0.5 - what's the per-arm n with cuped "
        "and how many days is that",
        rho=0.5,
        traffic=9_000,
    )
    cuped(
        40_000,
        "data science says cuped will cut our variance by 45%. the unadjusted calc was 40,000 per arm and we see "
        "3,500 users/day. new sample size per arm and days to run?",
        "45% variance reduction from cuped, 40k per arm originally, 3.5k users per day: n and days?",
        "with cuped removing forty-five percent of the variance, how many users per group do we need instead of "
        "40,000 and how many days at 3500 a day",
        "days to run with cuped? 3,500 visitors a day, we needed 40k per variant, cuped reduces variance 45 pct",
        red=0.45,
        traffic=3_500,
    )
    # --- adjusted p-values ------------------------------------------------------------------------------------------
    adjust(
        [0.004, 0.011, 0.027, 0.033, 0.19],
        ("holm",),
        "holm correction on our 5 secondary metrics pls: p = 0.004, 0.011, 0.027, 0.033, 0.19",
        "can someone holm-adjust these p values? .004 .011 .027 .033 .19",
        "we tested five metrics and got p-values of 0.004, 0.011, 0.027, 0.033 and 0.19. what are they after "
        "a holm adjustment",
        "holm adjusted p's for 0.004 / 0.011 / 0.027 / 0.033 / 0.19 ?",
    )
    adjust(
        [0.006, 0.021, 0.018, 0.22],
        ("fdr_bh", "bonferroni"),
        "4 variants vs control, p-values 0.006, 0.021, 0.018, 0.22. what do benjamini-hochberg and bonferroni "
        "adjusted p values look like",
        "bh + bonferroni adjusted for p = .006, .021, .018, .22",
        "need both the BH adjusted p-values and the bonferroni ones for 0.006, 0.021, 0.018 and 0.22 (in that "
        "order)",
        "p values from four comparisons: 0.006 / 0.021 / 0.018 / 0.22 - adjust them with benjamini hochberg, "
        "and show bonferroni for comparison",
    )
    adjust(
        [0.0025, 0.041, 0.009, 0.12, 0.047, 0.6],
        ("fdr_bh",),
        "six metrics on the scorecard with p = 0.0025, 0.041, 0.009, 0.12, 0.047, 0.6. whats the "
        "benjamini-hochberg adjusted p for each?",
        "BH adjust: 0.0025, 0.041, 0.009, 0.12, 0.047, 0.6",
        "fdr correction (benjamini hochberg) please on these six p-values, keep the order: .0025 .041 .009 .12 "
        ".047 .6",
        "which survive an FDR correction? give me the BH-adjusted values for p of 0.0025, 0.041, 0.009, 0.12, "
        "0.047 and 0.6",
    )
    # --- Fisher's exact test ----------------------------------------------------------------------------------------
    fisher(
        4,
        35,
        13,
        38,
        "tiny b2b test so i don't trust a z test: control 4 of 35 accounts converted, variant 13 of 38. fisher "
        "exact p value?",
        "fisher's exact on 4/35 (control) vs 13/38 (variant)",
        "run a fishers exact test - variant had thirteen conversions out of 38, control had 4 out of 35",
        "small counts: 35 control accounts with 4 conversions and 38 variant accounts with 13. what p does "
        "fisher's exact test give",
    )
    fisher(
        9,
        60,
        2,
        58,
        "the new pricing page got only 2 upgrades from 58 trials vs 9 from 60 on the old page. fisher exact test "
        "p-value?",
        "old 9/60, new 2/58 - p from fisher's exact test?",
        "is the drop real? fisher exact pls: old page 60 trials 9 upgrades, new page 58 trials 2 upgrades",
        "fisher test for a 2x2 - A (old): 9 upgraded out of sixty, B (new): 2 out of 58",
    )
    # --- paired before/after ----------------------------------------------------------------------------------------
    paired_n(
        1.2,
        3.5,
        0.8,
        "same users before and after the redesign. we want to detect a mean change of 1.2 and the sd of the "
        "per-user change is about 3.5. how many users (pairs) for 80% power?",
        "paired t test sizing: diff 1.2, sd of diffs 3.5, power 0.8 - n pairs?",
        "how many pairs do i need at 80% power if the sd of the before/after differences is 3.5 and the "
        "change i care about is 1.2",
        "pre/post on the same people, expected shift 1.2 units, sd of change ~3.5. number of pairs needed, "
        "80 percent power?",
    )
    paired_power(
        4.0,
        9.0,
        25,
        "we'll measure 25 stores before and after the new layout. expecting a mean lift of 4 with an sd of the "
        "differences of 9. what power does that give us?",
        "paired design, 25 pairs, mean diff 4, sd of differences 9: power?",
        "power check for a before/after on twenty-five stores - change 4, sd of the changes 9",
        "whats the power of a paired t test with 25 stores if the avg difference is 4 and differences have sd 9",
    )
    # --- one-way ANOVA --------------------------------------------------------------------------------------------
    anova_size(
        0.15,
        4,
        0.8,
        "control plus 3 variants, we'll analyse avg order value with a one-way anova. effect size f = 0.15, 80% "
        "power. how many users per group?",
        "anova, 4 groups, cohen's f 0.15, power .8 - n per group?",
        "sample size per arm for a one way anova across four arms (control + three variants) to detect f of "
        "0.15 at 80 percent power",
        "how many per arm do we need? four arms incl control, cohens f 0.15, 80% power, anova",
    )
    anova_pow(
        0.2,
        3,
        80,
        "three arms with 80 users in each, comparing means by anova. what's the power for f = 0.2?",
        "one-way anova power: k=3, n=80 per group, f=0.2",
        "if we get eighty users per arm across 3 arms, what power does an anova have to pick up an effect "
        "size f of 0.2",
        "power? anova with 3 groups x 80 each and cohen's f 0.2",
    )
    # --- non-inferiority --------------------------------------------------------------------------------------------
    ni_p(
        2_310,
        14_000,
        2_240,
        14_100,
        0.01,
        "we want to show the cheaper checkout isn't worse. control: 2,310 of 14,000 converted, new: 2,240 of "
        "14,100. non-inferiority margin 1 percentage point - p-value?",
        "non-inferiority test, margin 1pp: control 2310/14000 vs new 2240/14100",
        "is the new checkout non-inferior within one percentage point? it converted 2,240 out of 14,100 and "
        "control 2,310 out of 14,000",
        "p value for noninferiority (margin 0.01 absolute) - A control 2,310 conversions / 14k users, B new 2,240 "
        "/ 14.1k",
    )
    ni_n(
        0.12,
        0.015,
        0.8,
        "planning a non-inferiority test: baseline conversion 12%, margin 1.5 percentage points, 80% power. how "
        "many users per arm?",
        "non inferiority sample size, p=12%, margin 1.5pp, power 80% -> n per group?",
        "how many users in each arm to prove the new flow is no worse than 1.5 points below a 12 percent "
        "baseline, at 80 percent power",
        "n per arm? non-inferiority, 1.5 pp margin, conversion around 12%, 80% power",
    )
    # --- Poisson rates ----------------------------------------------------------------------------------------------
    poisson_p(
        412,
        51_000,
        351,
        50_200,
        "crash counts: the old build had 412 crashes over 51,000 sessions, the new build 351 over 50,200 "
        "sessions. is the difference significant (poisson)?",
        "poisson rate test: control 412 crashes / 51k sessions vs new 351 / 50.2k sessions - p?",
        "did the new build cut crashes? 351 crashes in 50,200 sessions vs 412 in 51,000 on the old one. "
        "p value from a poisson test",
        "compare crash rates as poisson counts: 412 events with 51000 sessions of exposure (old) and 351 events "
        "with 50200 sessions (new)",
    )
    poisson_n(
        0.45,
        0.50,
        "users file about 0.45 support tickets each per month. how many users per group to detect a rise to 0.50 "
        "with a poisson test at 80% power?",
        "poisson sample size: 0.45 vs 0.50 events per user, 80% power, n per arm?",
        "if the ticket rate goes from 0.45 to 0.5 per user, how many users in each arm do we need to see it "
        "(poisson rate test, 80 percent power)",
        "n per group for a poisson rate comparison - control ~0.45 tickets per user, variant 0.50, power 80%",
    )


def build_checked() -> None:
    build22()
    check("dev15")


def main() -> None:
    b.write_dev_round(22, build_checked, "dev15")


if __name__ == "__main__":
    main()
