"""Tuning round ``dev13`` (``calc_dev13.jsonl``, frozen by ``calc_set18.sha256``): the everyday planning questions
beyond plain two-proportion sizing, typed the way practitioners type them in Slack and forums (lowercase, "~",
"k"/"M", numbers in words, units, a typo now and then, context first and the ask last or the other way round), four
structurally different phrasings each:

* two-proportion sample size with the significance level, power and sidedness said in varied ways ("alpha 0.05 and
  80% power", "95% confidence with a power of .85", "sig level .1", "α=0.01 and 90% power", "one-tailed, 90% power");
* continuous metrics (mean and standard deviation → n per group), the effect in units ("$1.60") or relative to the
  mean ("a 3% change" = 3% of the stated mean);
* how many days a test must run: from a baseline and an effect (``duration_chain``), with a share of the traffic
  exposed or three arms and traffic given per week; or from a given n per group (``duration_total``);
* unequal splits for sizing ("70/30", "2 for every 1", "a 10% holdout as the control"), the control group's n;
* the minimum detectable effect for a fixed number of days, a fixed n per group, and (continuous) as Cohen's d, and
  the power of a t test at a fixed n.

Written by someone who did not read the parser, and frozen before it was first scored: a tuning split (the held-out
split on the same topics is ``test8``, built by ``eval/calc_build19.py`` with other scenarios, numbers and wording).

Conventions (as the existing items of each class):

* defaults when a question does not say: 80% power, alpha 0.05 two-sided, an even split; "95% confidence" is alpha
  0.05 two-sided, "sig level .1" alpha 0.1 two-sided, "one-tailed" R's ``alternative = "one.sided"`` (z at 1 − alpha)
  in the direction of the hoped-for change; every change here is a rise;
* proportions: R ``power.prop.test`` (``calc_build.prop_n`` / ``prop_power`` / ``prop_p2``); an effect is relative to
  the baseline unless it says points / pp; ``n_per_variant`` per group, tolerance ``N``;
* means: statsmodels ``TTestIndPower`` (noncentral t, as R ``power.t.test``), d = δ / sd; a relative effect is that
  share of the stated mean; ``n_group1`` per group (``money_units``), ``power`` (``solve_power``), ``mde_cohens_d``
  (``solve_d``);
* unequal splits: ``ratio`` = n_treatment / n_control (70/30 control/variant → 3/7, 2:1 treatment:control → 2, a 10%
  holdout as the control → 9), the control group's n: ``n_control`` (proportions) or ``n_group1`` (means);
* days: ``calc_build.days`` = ⌈arms·⌈n⌉ / (daily traffic × exposed share)⌉, traffic per week / 7, ``EXACT``; the
  arms share the exposed traffic evenly;
* MDE in days: ``calc_build.mde_days`` (n per group = days × daily traffic × share / 2), MDE at a fixed n:
  (``prop_p2`` − p1) / p1, both ``mde_relative`` with tolerance 0.001.

``check`` re-derives every expected value a second, independent way (R's closed forms by hand with
``statistics.NormalDist`` for proportions, anchored on R's ``power.prop.test(p1 = .50, p2 = .75, power = .90)`` =
76.7069; scipy's noncentral t by hand for means, anchored on R's ``power.t.test(n = 20, delta = 1)`` = 0.8689528 and
``power.t.test(power = .90, delta = 1)`` n = 22.02110), refuses a day count that a rounding of n or of the calendar
would change, and refuses an item whose expected value lies within its tolerance (or within 2% / 0.02 power / 0.005
MDE / 0.01 d / the same day count) of the value a likely misreading gives: points read as relative or the reverse,
the effect read as the second rate, a default power / alpha / two-sided test for the stated one, the ratio turned
round or ignored, the other group's n, the exposed share ignored, a week's traffic read as a day's, the arms miscounted,
n read as a total, a relative effect on a mean read in units, the mean read as the sd. It also refuses a phrasing,
or an expected value, that any other frozen calculation split already has.

Run: ``python -m eval.calc_build18`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from scipy import optimize, stats

from eval import calc_build as b
from eval.calc_build import (
    CI,
    EXACT,
    PW,
    R_PROP,
    SM_T,
    N,
    days,
    mde_days,
    prop_n,
    prop_p2,
    q,
    t_mde_d,
    t_n,
    t_power,
)
from eval.calc_eval import _within

MDE = {"absolute": 0.001}  # a relative MDE (as the test5 ``mde_in_days`` / ``solve_p2`` items)

# the parameters of every item, in order: ``check`` recomputes each expected value from these
SPECS: list[dict[str, Any]] = []


def second_rate(p1: float, effect: float, form: str) -> float:
    """The rate to detect (every change in these rounds is a rise): ``form`` "to" (effect is p2), "rel" (a fraction of
    p1) or "pp" (percentage points)."""
    if form == "to":
        return effect
    return p1 * (1 + effect) if form == "rel" else p1 + effect / 100


def _alt(sides: int) -> str:
    return "two-sided" if sides == 2 else "larger"


def _tail(power: float, alpha: float, sides: int) -> str:
    bits = [f"power {power:g}"] if power != 0.8 else []
    bits += [f"alpha {alpha:g}"] if alpha != 0.05 else []
    bits += ["one-sided"] if sides == 1 else []
    return f" ({', '.join(bits)})" if bits else ""


# --- item kinds -----------------------------------------------------------------------------------------------------


def size(
    p1: float,
    effect: float,
    form: str,
    text: str,
    *para: str,
    power: float = 0.8,
    alpha: float = 0.05,
    sides: int = 2,
) -> None:
    """n per group for two proportions: ``two_rates`` (both rates given) or ``mde_rel_abs`` (an effect on p1)."""
    p2 = second_rate(p1, effect, form)
    SPECS.append(
        {
            "kind": "size",
            "p1": p1,
            "effect": effect,
            "form": form,
            "power": power,
            "alpha": alpha,
            "sides": sides,
        }
    )
    cls = "two_rates" if form == "to" else "mde_rel_abs"
    n = prop_n(p1, p2, power, alpha, alt=_alt(sides))
    q(cls, text, {"n_per_variant": n}, N, R_PROP + _tail(power, alpha, sides), *para)


def alloc(p1: float, effect: float, form: str, ratio: float, label: str, text: str, *para: str) -> None:
    """Control n for two proportions on an unequal split (``ratio`` = n_treatment / n_control)."""
    p2 = second_rate(p1, effect, form)
    SPECS.append({"kind": "alloc", "p1": p1, "effect": effect, "form": form, "ratio": ratio})
    src = f"{R_PROP} with ratio n_treatment/n_control = {label}"
    q("allocation", text, {"n_control": prop_n(p1, p2, ratio=ratio)}, N, src, *para)


def money(
    mean: float | None,
    sd: float,
    effect: float,
    form: str,
    text: str,
    *para: str,
    power: float = 0.8,
    alpha: float = 0.05,
) -> None:
    """n per group for a mean: δ = ``effect`` in units (``form`` "abs") or ``effect`` × ``mean`` ("rel")."""
    delta = effect if form == "abs" else effect * (mean or 0.0)
    SPECS.append(
        {
            "kind": "money",
            "mean": mean,
            "sd": sd,
            "effect": effect,
            "form": form,
            "power": power,
            "alpha": alpha,
        }
    )
    src = SM_T + (f"; δ = {effect:.0%} of {mean:g} = {delta:g}" if form == "rel" else "")
    q(
        "money_units",
        text,
        {"n_group1": t_n(delta / sd, power, alpha)},
        N,
        src + _tail(power, alpha, 2),
        *para,
    )


def money_alloc(sd: float, delta: float, ratio: float, label: str, text: str, *para: str) -> None:
    """Control n for a mean on an unequal split (``ratio`` = n_treatment / n_control)."""
    SPECS.append({"kind": "money_alloc", "sd": sd, "delta": delta, "ratio": ratio})
    src = f"{SM_T} with ratio n_treatment/n_control = {label}"
    q("allocation", text, {"n_group1": t_n(delta / sd, ratio=ratio)}, N, src, *para)


def t_pow(mean: float | None, sd: float, delta: float, n: float, text: str, *para: str) -> None:
    """Power of the two-sample t test, ``n`` per group."""
    SPECS.append({"kind": "t_pow", "mean": mean, "sd": sd, "delta": delta, "n": n})
    q("solve_power", text, {"power": t_power(delta / sd, n)}, PW, SM_T, *para)


def d_mde(n: float, text: str, *para: str, power: float = 0.8) -> None:
    """Smallest Cohen's d at ``n`` per group."""
    SPECS.append({"kind": "d_mde", "n": n, "power": power})
    q("solve_d", text, {"mde_cohens_d": t_mde_d(n, power)}, CI, SM_T + " solved for d", *para)


def run_days(
    p1: float,
    effect: float,
    form: str,
    traffic: float,
    text: str,
    *para: str,
    per: int = 1,
    share: float = 1.0,
    arms: int = 2,
    power: float = 0.8,
) -> None:
    """Days to run: n from the baseline and the effect, ``traffic`` per ``per`` days (1, 7 or 30)."""
    p2 = second_rate(p1, effect, form)
    SPECS.append(
        {
            "kind": "run_days",
            "p1": p1,
            "effect": effect,
            "form": form,
            "traffic": traffic,
            "per": per,
            "share": share,
            "arms": arms,
            "power": power,
        }
    )
    daily = traffic / per
    src = f"{R_PROP} then ⌈{arms}⌈n⌉ / (daily traffic × share)⌉; daily traffic = {traffic:g} / {per}, share {share:g}"
    got = days(prop_n(p1, p2, power), daily, share, arms)
    q("duration_chain", text, {"days_rounded_up": got}, EXACT, src + _tail(power, 0.05, 2), *para)


def total_days(n: float, arms: int, traffic: float, share: float, text: str, *para: str) -> None:
    """Days to collect a given n per group in every arm."""
    SPECS.append({"kind": "total_days", "n": n, "arms": arms, "traffic": traffic, "share": share})
    src = f"⌈{arms} × n per group / (daily traffic × share {share:g})⌉"
    q("duration_total", text, {"days_rounded_up": days(n, traffic, share, arms)}, EXACT, src, *para)


def mde_window(p1: float, traffic: float, nd: int, share: float, text: str, *para: str) -> None:
    """Relative MDE for ``nd`` days of ``traffic`` a day with ``share`` exposed, split evenly in two."""
    SPECS.append({"kind": "mde_window", "p1": p1, "traffic": traffic, "nd": nd, "share": share})
    src = f"{R_PROP} solved for p2, n = days × daily traffic × share / 2 = {nd} × {traffic:g} × {share:g} / 2"
    q("mde_in_days", text, {"mde_relative": mde_days(p1, traffic, nd, share)}, MDE, src, *para)


def mde_fixed(p1: float, n: float, text: str, *para: str) -> None:
    """Relative MDE at ``n`` per group."""
    SPECS.append({"kind": "mde_fixed", "p1": p1, "n": n})
    src = R_PROP + " solved for p2, relative to p1"
    q("solve_p2", text, {"mde_relative": (prop_p2(p1, n) - p1) / p1}, MDE, src, *para)


# --- independent check ------------------------------------------------------------------------------------------------

_Z = NormalDist()


def r_n(
    p1: float, p2: float, power: float = 0.8, alpha: float = 0.05, sides: int = 2, ratio: float = 1.0
) -> float:
    """Control n in closed form: pooled variance under H0, unpooled under H1 (R power.prop.test when ratio = 1)."""
    za, zb = _Z.inv_cdf(1 - alpha / sides), _Z.inv_cdf(power)
    pbar = (p1 + ratio * p2) / (1 + ratio)
    null = math.sqrt(pbar * (1 - pbar) * (1 + 1 / ratio))
    alt = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / ratio)
    return ((za * null + zb * alt) / (p2 - p1)) ** 2


def r_power(p1: float, p2: float, n: float, alpha: float = 0.05) -> float:
    """power.prop.test (strict = FALSE), two-sided."""
    za = _Z.inv_cdf(1 - alpha / 2)
    pbar = (p1 + p2) / 2
    null, alt = math.sqrt(2 * pbar * (1 - pbar)), math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return _Z.cdf((math.sqrt(n) * abs(p2 - p1) - za * null) / alt)


def r_mde(p1: float, n: float, power: float = 0.8) -> float:
    """Relative MDE: the p2 above p1 at which ``r_power`` reaches ``power``."""
    p2 = optimize.brentq(lambda x: r_power(p1, x, n) - power, p1 + 1e-9, 1 - 1e-9, xtol=1e-13)
    return (float(p2) - p1) / p1


def nct_power(d: float, n1: float, alpha: float = 0.05, ratio: float = 1.0) -> float:
    """Two-sided two-sample t power by hand: both tails of scipy's noncentral t."""
    n2 = ratio * n1
    df, nc = n1 + n2 - 2, d * math.sqrt(n1 * n2 / (n1 + n2))
    crit = stats.t.ppf(1 - alpha / 2, df)
    return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))


def nct_n(d: float, power: float = 0.8, alpha: float = 0.05, ratio: float = 1.0) -> float:
    """n per group (control) by brentq, bracketed around the normal approximation."""
    n0 = (1 + 1 / ratio) * (_Z.inv_cdf(1 - alpha / 2) + _Z.inv_cdf(power)) ** 2 / d**2
    lo, hi = max(2.0, 0.8 * n0), 1.2 * n0 + 20
    return float(optimize.brentq(lambda n: nct_power(d, n, alpha, ratio) - power, lo, hi, xtol=1e-7))


def nct_d(n: float, power: float = 0.8) -> float:
    """Smallest d by brentq, bracketed around the normal approximation."""
    d0 = (_Z.inv_cdf(0.975) + _Z.inv_cdf(power)) * math.sqrt(2 / n)
    return float(optimize.brentq(lambda d: nct_power(d, n) - power, 0.5 * d0, 1.5 * d0, xtol=1e-12))


def day_count(n: float, daily: float, share: float, arms: int) -> int:
    """⌈arms · ⌈n⌉ / (daily · share)⌉, restated."""
    return math.ceil(arms * math.ceil(n - 1e-9) / (daily * share) - 1e-9)


def _p2(s: dict[str, Any]) -> float:
    """The second rate of a proportion spec, restated without ``second_rate``."""
    p1, e = s["p1"], s["effect"]
    return float({"to": e, "rel": p1 * (1 + e), "pp": p1 + e / 100}[s["form"]])


def _delta(s: dict[str, Any]) -> float:
    return float(s["effect"] if s["form"] == "abs" else s["effect"] * s["mean"])


def value(s: dict[str, Any]) -> float:
    """The expected value of a spec, by the independent formulas."""
    k = s["kind"]
    if k in ("size", "alloc", "run_days"):
        p2 = _p2(s)
        if k == "size":
            return r_n(s["p1"], p2, s["power"], s["alpha"], s["sides"])
        if k == "alloc":
            return r_n(s["p1"], p2, ratio=s["ratio"])
        return day_count(r_n(s["p1"], p2, s["power"]), s["traffic"] / s["per"], s["share"], s["arms"])
    if k == "money":
        return nct_n(_delta(s) / s["sd"], s["power"], s["alpha"])
    if k == "money_alloc":
        return nct_n(s["delta"] / s["sd"], ratio=s["ratio"])
    if k == "t_pow":
        return nct_power(s["delta"] / s["sd"], s["n"])
    if k == "d_mde":
        return nct_d(s["n"], s["power"])
    if k == "total_days":
        return day_count(s["n"], s["traffic"], s["share"], s["arms"])
    if k == "mde_window":
        return r_mde(s["p1"], s["nd"] * s["traffic"] * s["share"] / 2)
    assert k == "mde_fixed", k
    return r_mde(s["p1"], s["n"])


def misreadings(s: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Likely misreadings: name → the spec as misread."""
    k = s["kind"]
    out: dict[str, dict[str, Any]] = {}
    if k in ("size", "alloc", "run_days") and s["form"] in ("rel", "pp"):
        e = s["effect"]
        other = {"rel": ("pp", e * 100), "pp": ("rel", e / 100)}[s["form"]]
        out["points vs relative"] = {**s, "form": other[0], "effect": other[1]}
        out["effect read as the second rate"] = {
            **s,
            "form": "to",
            "effect": e if s["form"] == "rel" else e / 100,
        }
    if k == "money" and s["form"] == "rel":
        out["relative effect read in units"] = {**s, "form": "abs"}
        out["relative effect read as that many units"] = {**s, "form": "abs", "effect": 100 * s["effect"]}
    if k in ("money", "t_pow") and s.get("mean"):
        out["mean read as the sd"] = {**s, "sd": s["mean"]}
    if s.get("power", 0.8) != 0.8:
        out["80% power"] = {**s, "power": 0.8}
    if s.get("alpha", 0.05) != 0.05:
        out["alpha 0.05"] = {**s, "alpha": 0.05}
    if s.get("sides", 2) == 1:
        out["two-sided"] = {**s, "sides": 2}
    if "ratio" in s:
        out["ratio turned round"] = {**s, "ratio": 1 / s["ratio"]}
        out["even split"] = {**s, "ratio": 1.0}
        out["the other group's n"] = {**s, "_times": s["ratio"]}
    if k in ("run_days", "total_days", "mde_window") and s["share"] != 1:
        out["exposed share ignored"] = {**s, "share": 1.0}
    if k == "run_days" and s["per"] != 1:
        out["period traffic read as daily"] = {**s, "per": 1}
    if k in ("run_days", "total_days"):
        for arms in {2, s["arms"] - 1, s["arms"] + 1, 1} - {s["arms"]}:
            if arms >= 1:
                out[f"{arms} arm(s)"] = {**s, "arms": arms}
    if k in ("t_pow", "d_mde", "mde_fixed"):
        out["n read as the total"] = {**s, "n": s["n"] / 2}
    if k == "mde_window":
        out["n not split in two"] = {**s, "share": 2 * s["share"]}
    return out


def _misread_value(m: dict[str, Any]) -> float | None:
    if m["kind"] in ("size", "alloc", "run_days"):
        p2 = _p2(m)
        if not m["p1"] < p2 < 1:
            return None  # the misreading gives no valid computation at all
    return value(m) * m.get("_times", 1.0)


_MARGIN = {"power": 0.02, "mde_relative": 0.005, "mde_cohens_d": 0.01, "days_rounded_up": 0.5}


def _margin(key: str, got: float) -> float:
    return _MARGIN.get(key, 0.02 * got)


def _close(got: float, want: float, rel: float = 0.0, ab: float = 0.0) -> None:
    assert abs(got - want) <= max(rel * abs(want), ab), (got, want)


def _day_rounding_is_stable(s: dict[str, Any], got: float) -> None:
    """A day count that the ceiling of n, a 0.3% different n or (traffic per month) the calendar would change is
    too fragile to score."""
    if s["kind"] == "total_days":
        ns = [s["n"]]
        dailies = [s["traffic"]]
    else:
        p2 = second_rate(s["p1"], s["effect"], s["form"])
        n = prop_n(s["p1"], p2, s["power"])
        ns = [n - 1, n, n + 1, n * 0.997, n * 1.003]
        lengths = {1: [1.0], 7: [7.0], 30: [30.0, 30.44, 31.0]}[s["per"]]
        dailies = [s["traffic"] / per for per in lengths]
    for n in ns:
        for daily in dailies:
            exact = n * s["arms"] / (daily * s["share"])
            assert day_count(n, daily, s["share"], s["arms"]) == got, (s, n, daily)
            assert abs(exact - round(exact)) > 0.02 or s["kind"] == "total_days", (s, exact)


def check(split: str) -> None:
    """Re-derive every expected value from SPECS, keep it away from the misreadings, and refuse a phrasing or an
    expected value that any other calc split already has."""
    _close(r_n(0.50, 0.75, 0.9), 76.7069, ab=5e-5)  # R: power.prop.test(p1 = .50, p2 = .75, power = .90)
    _close(nct_power(1.0, 20), 0.8689528, ab=1e-6)  # R: power.t.test(n = 20, delta = 1)
    _close(nct_n(1.0, 0.9), 22.02110, ab=5e-5)  # R: power.t.test(power = .90, delta = 1)
    assert len(SPECS) == len(b.ITEMS), (len(SPECS), len(b.ITEMS))
    for s, item in zip(SPECS, b.ITEMS, strict=True):
        exp, tol = item["expected"], item["tolerance"]
        assert len(item["paraphrases"]) == 3, item
        assert len({" ".join(p.lower().split()) for p in [item["question"], *item["paraphrases"]]}) == 4, item
        ((key, got),) = exp.items()
        want = value(s)
        if key == "days_rounded_up":
            assert got == want and tol == EXACT and 2 <= got <= 60, (item["question"], got, want)
            _day_rounding_is_stable(s, got)
        elif key == "power":
            _close(got, want, ab=5e-4)
            assert tol == PW and 0.3 < got < 0.95, (item["question"], got)
        elif key == "mde_relative":
            _close(got, want, ab=2e-4)
            assert tol == MDE, item
        elif key == "mde_cohens_d":
            _close(got, want, ab=1e-5)
            assert tol == CI, item
        else:
            _close(got, want, rel=2e-3 if s["kind"] in ("alloc", "size") else 1e-5)
            assert tol == N and got > 100, (item["question"], got)
        for name, m in misreadings(s).items():
            bad = _misread_value(m)
            if bad is None:
                continue
            far = abs(bad - got) > _margin(key, got)
            assert far and not _within(bad, got, tol), (item["question"], name, bad, got)
            if key not in ("days_rounded_up", "power", "mde_relative", "mde_cohens_d"):
                assert not _within(math.ceil(bad), got, tol), (item["question"], name, bad, got)
    # no phrasing and no expected value of this round anywhere else in the frozen calculation set
    b.refuse_repeats(split, frozenset({"days_rounded_up"}))


def build18() -> None:
    SPECS.clear()
    # --- two proportions, level / power / sides said in varied ways ------------------------------------------------
    size(
        0.032,
        0.037,
        "to",
        "checkout test - purchase rate is ~3.2% and if the free shipping banner works we think it gets to 3.7%. "
        "alpha 0.05 and 80% power, how many visitors per variant?",
        "how many users in each arm to tell 3.2% apart from 3.7%? standard settings (5% alpha, power 80)",
        "need n per group for 3.2% -> 3.7% conversion at alpha=.05 w/ 80 percent power, can someone run the numbers",
        "free shipping banner: control buys at 3.2 percent, hoping the variant hits 3.7 percent. sample per arm with "
        "80% power and a 0.05 significance level?",
    )
    size(
        0.21,
        0.06,
        "rel",
        "onboarding activation is around 21%. we want to detect a 6% relative lift at 95% confidence with a power "
        "of .85 - how many signups per arm?",
        "power .85, 95% confidence: users per group to see 21% activation go up 6 percent relative",
        "how big should each group be if we want 85% power to catch a relative +6% on a 21% activation rate (two "
        "sided, 95% conf)",
        "activation 0.21 today, mde = 6% relative uplift. 85 percent power, 95 percent confidence level. n per "
        "variant?",
        power=0.85,
    )
    size(
        0.45,
        1.5,
        "pp",
        "open rate is sitting at 45%. we're fine with sig level .1 on this one and 80% power. how many recipients "
        "per variant to detect a 1.5 point increase?",
        "alpha 0.10 two sided, 80% power, 45% baseline open rate, mde +1.5pp absolute - n per group?",
        "how many emails per arm do we need to pick up opens going from 45% up by one and a half percentage points? "
        "significance level 10%, power 80%",
        "subject line test. 45% opens now, smallest lift we care about = 1.5 pts. using a 0.1 significance level "
        "and 80 percent power, recipients needed in each group?",
        alpha=0.1,
    )
    size(
        0.08,
        0.10,
        "rel",
        "trial->paid is 8%. finance wants α=0.01 and 90% power before they trust a pricing result. to detect a 10% "
        "relative lift, how many trials per arm?",
        "n per group: baseline 8%, +10% rel, alpha 0.01, power 0.9",
        "how many trial users in each variant to catch an 8% conversion rising by a tenth (relative) with 90% power "
        "at the 1% significance level",
        "pricing test, 8 percent trial to paid. we need 90% power and alpha of 1% (two-sided), mde 10% relative. "
        "sample size per variant pls",
        power=0.9,
        alpha=0.01,
    )
    size(
        0.155,
        0.17,
        "to",
        "we only care if the new reminder email increases repeat purchase, so one-tailed, 90% power. repeat rate is "
        "15.5% now, target 17%. customers per group?",
        "one sided test, power 90%: 15.5% -> 17%, how many per arm",
        "how many customers do we need in each arm to detect repeat purchase going from 15.5 to 17 percent with 90% "
        "power, testing one-sided at alpha .05",
        "repeat purchase rate 0.155 vs a hoped-for 0.17. 1-tailed test at 5%, power 0.9. n per variant?",
        power=0.9,
        sides=1,
    )
    # --- continuous metrics ----------------------------------------------------------------------------------------
    money(
        18.0,
        41.0,
        1.6,
        "abs",
        "arpu is about $18 with a standard deviation around $41. we want to detect a $1.60 lift. how many users per "
        "group at 80% power?",
        "rev per user: mean 18 dollars, sd 41 dollars, mde $1.60 - users per arm?",
        "how many users do we need in each variant to see revenue per user go up by a dollar sixty? sd is ~$41, avg "
        "~$18",
        "sd of revenue/user is $41 (mean $18). n per variant to catch +$1.60, alpha .05 two-sided, 80% power",
    )
    money(
        7.5,
        11.0,
        0.03,
        "rel",
        "avg session length is 7.5 mins and the sd is ~11 mins. we want to detect a 3% change in session length. "
        "how many users per variant?",
        "session length: mean 7.5 min, standard deviation 11 min, relative mde 3% - n per group?",
        "how many users in each arm to pick up a 3 percent (relative) increase in time per session? it averages 7.5 "
        "minutes, sd 11 minutes",
        "we'd call it a win if sessions get 3% longer. they average seven and a half minutes with an sd of 11 mins. "
        "sample size per arm at 80% power?",
    )
    money_alloc(
        30.0,
        1.2,
        2.0,
        "2",
        "we want 2 users in the new checkout for every 1 in control. revenue per user has an sd of about $30 and we "
        "care about a $1.20 difference. how many users in the control group?",
        "2:1 split (treatment:control), sd $30, detect $1.20 in rev/user, 80% power - control n?",
        "how many control users do we need if treatment gets twice as much traffic as control and we want to detect "
        "a $1.20 change in revenue per user (standard deviation $30)",
        "unequal allocation, treatment gets double. mde is a dollar twenty on revenue per user, sd ~30 dollars. size "
        "of the control arm?",
    )
    # --- unequal splits, proportions -----------------------------------------------------------------------------
    alloc(
        0.06,
        0.07,
        "to",
        3 / 7,
        "3/7",
        "pm wants to limit risk so it's 70/30: 70% stay on the old page (control) and 30% get the new one. conversion "
        "is 6% and we want to detect 7%. how many control users do we need?",
        "70/30 control/variant split, 6% -> 7%, how big does the control group have to be",
        "control n for detecting a move from 6 to 7 percent when only 30% of traffic sees the new page and the other "
        "70% is control",
        "we're allocating 70 percent to control, 30 percent to treatment. baseline cr 6%, target 7%, 80% power. "
        "users needed in control?",
    )
    alloc(
        0.25,
        0.27,
        "to",
        9.0,
        "9 (a 10% holdout as the control)",
        "we're rolling the new onboarding out to 90% of users and keeping a 10% holdout as the control. d30 retention "
        "is 25% and we want to detect 27%. how many users in the holdout?",
        "10% holdout (control), 90% treated. 25% vs 27% retention: holdout size needed?",
        "how many people need to be in a 10 percent holdout group to detect d30 retention going from 25% to 27%, with "
        "everyone else getting the feature",
        "90/10 treatment/holdout split, baseline retention 0.25, target 0.27, 80% power - n for the holdout "
        "(control)?",
    )
    # --- days to run ------------------------------------------------------------------------------------------------
    run_days(
        0.04,
        0.12,
        "rel",
        18_000,
        "how many days do we need? ~18k visitors a day but only 40% of them land on the pricing page. conversion "
        "there is 4% and we want a 12% relative mde",
        "18,000 daily visitors, 40% reach pricing, 4% baseline, +12% relative: test length in days?",
        "we'd like to detect a 12 percent relative lift on a 4% pricing page conversion. only 40% of our 18k daily "
        "visitors see that page. how long do we run it",
        "pricing page conv ~4%, mde 12% rel, traffic to the page is 40% of 18k/day. days needed at 80% power?",
        share=0.4,
    )
    run_days(
        0.09,
        0.10,
        "to",
        63_000,
        "a/b/c test: control plus two new layouts, traffic split evenly three ways. we get ~63k visitors a week, "
        "add-to-cart is 9% and we want to be able to see 10%. how many days?",
        "3 arms (control + 2 variants), 63k visitors/week, 9% -> 10% add to cart. how long in days?",
        "how long does a three-way test need to run to detect add-to-cart going from 9 to 10 percent if the site "
        "gets about 63,000 visitors per week",
        "two new layouts vs control, even split. atc baseline 9%, target 10%. sixty-three thousand visitors a week. "
        "number of days?",
        per=7,
        arms=3,
    )
    total_days(
        28_000,
        4,
        25_000,
        0.7,
        "power calc says 28k users per arm. it's control + 3 variants, we get ~25k users a day and 70% of them are "
        "eligible. how long will it run?",
        "28,000 per group, 4 groups total, 25k daily users, 70% eligible - days?",
        "how many days to fill four arms with 28k users each when 70 percent of our 25,000 daily users qualify for "
        "the test",
        "we need 28k in each of control and three variants. traffic 25k/day, seventy percent eligible. test "
        "duration in days?",
    )
    # --- minimum detectable effect -----------------------------------------------------------------------------------
    mde_window(
        0.05,
        9_000,
        14,
        0.5,
        "we can give this 2 weeks. ~9k visitors a day and half of them are eligible for the experiment. baseline cr "
        "5%. what's the smallest relative lift we can detect?",
        "14 days, 9,000 visitors/day, 50% eligible, 5% conversion: relative mde at 80% power?",
        "what relative MDE do we get in two weeks if only half of our 9k daily visitors qualify and conversion is 5%",
        "two week window, about nine thousand visitors a day of which 50% enter the test, baseline 5 percent. "
        "minimum detectable effect (relative)?",
    )
    mde_fixed(
        0.031,
        30_000,
        "we'll get roughly 30k users per arm. baseline conversion is 3.1%. what's the minimum detectable effect in "
        "relative terms at 80% power?",
        "30,000 per variant, 3.1% baseline: relative mde?",
        "with thirty thousand users in each group and conversion around 3.1%, how small a relative lift could we "
        "detect",
        "sample is fixed at 30k per group (that's all the traffic we have). cr 3.1%. smallest detectable relative "
        "uplift, 80% power, alpha .05?",
    )
    t_pow(
        None,
        26.0,
        2.0,
        1_800,
        "we'll have about 1,800 users per arm. revenue per user sd is $26 and the effect we care about is $2. what "
        "power does that give us?",
        "power check: 1.8k per group, sd $26, mde $2 on revenue/user",
        "what's our power to detect a two dollar difference in revenue per user with 1800 users in each variant? "
        "standard deviation is 26 dollars",
        "if each arm gets 1,800 users, sd of rev/user ~$26, how likely are we to catch a $2 lift (alpha 0.05 "
        "two-sided)",
    )
    d_mde(
        120,
        "we can only recruit 120 people per group for the usability study. what's the smallest cohen's d we could "
        "detect with 90% power?",
        "120 per arm, power 0.9: minimum detectable effect size d?",
        "smallest standardized effect detectable at 90% power if each group has a hundred and twenty participants",
        "two-sample t test, n=120 in each group, alpha .05, power 90%. what d can we detect?",
        power=0.9,
    )


def build_checked() -> None:
    build18()
    check("dev13")


def main() -> None:
    b.write_dev_round(18, build_checked, "dev13")


if __name__ == "__main__":
    main()
