"""Tuning round ``dev11`` (``calc_dev11.jsonl``, frozen by ``calc_set14.sha256``): sample ratio mismatch (SRM)
questions typed the way practitioners type them in chat, Slack and forums, where the observed split is given mostly
as shares or percentages of a total ("came out 51/49 on a 50/50, ~1.5M users"), sometimes as per-arm counts in
casual forms ("510k and 490k"), four phrasings each. A few items give shares and no total or counts at all: those
must ask for the counts. Written by someone who did not read the parser, and frozen before it was first scored.

Conventions (the same in ``calc_build15``, which builds the held-out ``test6``):

* observed counts = round(share × total) per arm, for two arms and for three; every item here is chosen so that
  share × total is already a whole number and the counts add up to the total, so the rounding never matters;
* when only one arm's share is given for a two-arm test, the other arm has 1 − share;
* the total is the number as written, "~", "about" and "around" ignored; "a couple million" = 2,000,000, "half a
  million" = 500,000, numbers in words as they read ("two hundred thousand" = 200,000);
* "k" = thousand and "M"/"m"/"million" = million, also in per-arm counts ("1.02M vs 980k");
* the arms are ordered as the text first names them: ``observed_shares[0]`` is the share (count / total) of the
  first-named arm, and the design shares are put in the same order ("treatment was supposed to get 10% but got
  9.6%" on a 90/10 test: observed [9.6%, 90.4%] against [10%, 90%]);
* expected values: ``chi2`` and ``p_value`` from ``scipy.stats.chisquare(observed, f_exp=design × sum(observed))``
  (``calc_build.srm``), key names, tolerance and ``source`` strings as the existing ``srm`` items use;
* a question with shares but neither a total nor counts is a ``missing`` item with ``needs: ["counts"]``.

Every expected value is re-derived by ``check`` before the file is written: the counts again from the shares with
exact fractions, chi-square by hand as Σ (O − E)² / E, and the p-value from the chi-square survival function in
closed form (erfc(√(χ²/2)) for one degree of freedom, exp(−χ²/2) for two), compared with what scipy gave.

Run: ``python -m eval.calc_build14`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any

from eval import calc_build as b
from eval.calc_build import HERE, PV, q

# (kind, parameters) for every item, in order: ``check`` recomputes each expected value from these.
SPECS: list[tuple[str, dict[str, Any]]] = []

_SOURCE = "scipy.stats.chisquare"


def _design(design: str) -> list[Fraction]:
    """Design "50/50", "60/40", "10/90" or "thirds" → the design shares in the order the arms are first named."""
    if design == "thirds":
        return [Fraction(1, 3)] * 3
    return [Fraction(p) / 100 for p in design.split("/")]


def _source(design: str, label: str | None) -> str:
    if design in ("50/50", "thirds"):
        return _SOURCE
    return f"{_SOURCE} against {label or design}"


def _expected(counts: list[int], design: str) -> dict[str, float]:
    return b.srm([float(c) for c in counts], [float(s) for s in _design(design)])


def counts_from_shares(shares: list[str], total: int) -> list[int]:
    """Per-arm counts from percentage shares (as written, e.g. "50.6") of a total; one share of two arms → 1 − share."""
    fr = [Fraction(s) / 100 for s in shares]
    if len(fr) == 1:
        fr.append(1 - fr[0])
    assert sum(fr) == 1, shares
    return [round(f * total) for f in fr]


def shares(
    shares_pct: list[str], total: int, design: str, text: str, *para: str, label: str | None = None
) -> None:
    """An SRM item given as shares (percent strings, first-named arm first) of ``total`` on ``design``."""
    counts = counts_from_shares(shares_pct, total)
    SPECS.append(("shares", {"shares": shares_pct, "total": total, "design": design}))
    q("srm", text, _expected(counts, design), PV, _source(design, label), *para)


def counts(observed: list[int], design: str, text: str, *para: str, label: str | None = None) -> None:
    """An SRM item given as per-arm counts (first-named arm first)."""
    SPECS.append(("counts", {"counts": observed, "design": design}))
    q("srm", text, _expected(observed, design), PV, _source(design, label), *para)


def ask(text: str, *para: str) -> None:
    """Shares but no total and no counts: the answer must ask for the counts."""
    SPECS.append(("ask", {}))
    q("missing", text, {}, {}, "needs: no counts", *para, needs=["counts"])


# --- independent check -----------------------------------------------------------------------------------------


def _chi2_by_hand(observed: list[int], design: list[Fraction]) -> float:
    n = sum(observed)
    return float(sum((o - s * n) ** 2 / (s * n) for o, s in zip(observed, design, strict=True)))


def _chi2_sf(x: float, df: int) -> float:
    """Survival function of the chi-square distribution, closed form for 1 and 2 degrees of freedom."""
    if df == 1:
        return math.erfc(math.sqrt(x / 2))
    if df == 2:
        return math.exp(-x / 2)
    raise AssertionError(df)


def _close(got: float, want: float, rel: float) -> None:
    assert abs(got - want) <= rel * abs(want) + 1e-300, (got, want)


def _phrasings(rows: list[dict[str, Any]]) -> set[str]:
    return {p.strip().lower() for r in rows for p in [r["question"], *r.get("paraphrases", [])]}


def _rows(name: str) -> list[dict[str, Any]]:
    path = HERE / name
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def check(split: str) -> None:
    """Re-derive every expected value from SPECS, and refuse a phrasing that any other calc split already has."""
    assert len(SPECS) == len(b.ITEMS), (len(SPECS), len(b.ITEMS))
    pvals = []
    for (kind, s), item in zip(SPECS, b.ITEMS, strict=True):
        exp = item["expected"]
        assert len(item["paraphrases"]) == 3 and len({item["question"], *item["paraphrases"]}) == 4, item
        if kind == "ask":
            assert exp == {} and item["needs"] == ["counts"] and item["class"] == "missing", item
            continue
        design = _design(s["design"])
        if kind == "shares":
            fr = [Fraction(x) / 100 for x in s["shares"]]
            fr = fr if len(fr) > 1 else [fr[0], 1 - fr[0]]
            raw = [f * s["total"] for f in fr]
            assert all(r.denominator == 1 for r in raw), (item["question"], raw)  # no rounding at all
            observed = [int(r) for r in raw]
            assert sum(observed) == s["total"], observed
            first_share = float(fr[0])
        else:
            observed = s["counts"]
            first_share = observed[0] / sum(observed)
        assert len(observed) == len(design) and sum(design) == 1, (observed, design)
        chi2 = _chi2_by_hand(observed, design)
        p = _chi2_sf(chi2, len(observed) - 1)
        _close(exp["chi2"], chi2, 1e-9)
        _close(exp["p_value"], p, 1e-6)
        _close(exp["observed_shares[0]"], first_share, 1e-12)
        assert set(exp) == {"chi2", "p_value", "observed_shares[0]"}, exp
        assert item["tolerance"] == {"relative": 0.01, "absolute": 0.0005}, item
        pvals.append(p)
    # a tool that always says "SRM" (or never does) cannot pass
    assert sum(p > 0.05 for p in pvals) >= 3 and sum(p < 0.001 for p in pvals) >= 5, pvals
    # no phrasing of this round anywhere else in the frozen calculation set
    mine = _phrasings(b.ITEMS)
    for path in sorted(HERE.glob("calc_*.jsonl")):
        if path.name != f"calc_{split}.jsonl":
            clash = mine & _phrasings(_rows(path.name))
            assert not clash, (path.name, clash)


def build14() -> None:
    SPECS.clear()
    # --- shares of a total, 50/50 ----------------------------------------------------------------------------
    shares(
        ["50.6", "49.4"],
        2_000_000,
        "50/50",
        "pricing test is configured 50/50 but the dashboard has control at 50.6% and treatment at 49.4%, about 2M "
        "users total so far. do we have a sample ratio mismatch or is that just noise at this size?",
        "50/50 config, control 50.6% vs treatment 49.4% of ~2M users. srm?",
        "we're seeing a 50.6 / 49.4 split (control first) on a test meant to be even, roughly 2 million users in "
        "it. is that an SRM",
        "about two million users total, control got 50.6% and treatment 49.4% on an equal split. sample ratio "
        "mismatch or fine?",
    )
    shares(
        ["50.2", "49.8"],
        20_000,
        "50/50",
        "small onboarding test, 20k users in so far and the split reads 50.2/49.8 on a 50/50 setup. PM is worried "
        "about srm, shoud she be?",
        "50.2 / 49.8 with 20,000 users on an even split - SRM or not?",
        "twenty thousand users, planned 50/50, observed 50.2% vs 49.8%. is that a sample ratio mismatch?",
        "is 50.2% vs 49.8% of 20k users an srm for a 50-50 test",
    )
    shares(
        ["50.8"],
        500_000,
        "50/50",
        "checkout test is 50/50, half a million users in and control got 50.8% of traffic. is that an srm or are "
        "we being paranoid?",
        "control got 50.8% of traffic on a 50/50 test with 500k users, sample ratio mismatch?",
        "50/50 split, ~500,000 users, control share 50.8%. srm?",
        "half a million users, even split, control ended up at 50.8 percent. is there a mismatch",
    )
    shares(
        ["48.9"],
        40_000,
        "50/50",
        "treatment only got 48.9% of users on our 50/50 paywall test, 40k users total. srm?",
        "50/50 test, 40k users, treatment share 48.9%. is that a sample ratio mismatch",
        "we have 40,000 users and the treatment arm has 48.9% of them, intended even. srm or noise?",
        "only 48.9% went to treatment out of forty thousand users on a 50-50 split - mismatch?",
    )
    shares(
        ["50.3", "49.7"],
        200_000,
        "50/50",
        "email experiement, two hundred thousand recipients, planned 50/50 and the split landed at 50.3/49.7. do "
        "we need to worry about srm?",
        "200k recipients, 50.3% vs 49.7% on a 50/50. srm?",
        "is a 50.3 / 49.7 split of 200,000 users a sample ratio mismatch when we planned even",
        "50/50 test w/ 200k users came out 50.3% and 49.7%, is that an srm",
    )
    shares(
        ["50.05", "49.95"],
        2_000_000,
        "50/50",
        "huge homepage test, a couple million users, and the split is 50.05% vs 49.95% on 50/50. legit srm or "
        "nothing?",
        "2 million users, 50.05 / 49.95 split, planned 50/50. sample ratio mismatch?",
        "a couple million users in a 50/50 test and control has 50.05% of them. srm?",
        "is 50.05% vs 49.95% of ~2M users an srm for an even split",
    )
    shares(
        ["52", "48"],
        300_000,
        "50/50",
        "ran the new nav for a week, around 300,000 users, 50/50 config but it came out 52/48. thats an srm right?",
        "52/48 split on ~300k users, planned 50/50. srm?",
        "300k users, even split intended, observed 52% vs 48%. is that a sample ratio mismatch",
        "planned 50-50, got 52 / 48 with about 300,000 users in the test - mismatch?",
    )
    # --- per-arm counts in casual forms --------------------------------------------------------------------------
    counts(
        [510_000, 490_000],
        "50/50",
        "assignment logs for the search ranking test show 510k in control and 490k in treatment. the flag is set "
        "to 50/50. srm?",
        "510k vs 490k users on a 50/50 flag, is that a sample ratio mismatch",
        "control 510k, treatment 490k, intended even split - do we have an srm",
        "we got 510,000 and 490,000 users in a test that should be 50-50. mismatch??",
    )
    counts(
        [40_100, 39_900],
        "50/50",
        "pretty sure our bucketing is fine but the test shows 40.1k vs 39.9k users on a 50/50. is that an srm?",
        "40.1k vs 39.9k users, 50/50 design. sample ratio mismatch?",
        "control 40,100 users, treatment 39,900 users, intended 50-50 - srm check",
        "we have 40.1k in A and 39.9k in B on an even split. is there a sample ratio mismatch?",
    )
    # --- other designs: 60/40, 90/10, three equal arms ------------------------------------------------------------
    shares(
        ["60.5"],
        800_000,
        "60/40",
        "we run a 60/40 split (60% treatment, 40% control) on the recs widget. ~800k users so far and treatment "
        "ended up with 60.5% of them. within noise or srm?",
        "60/40 design, treatment got 60.5% of about 800k users. sample ratio mismatch?",
        "treatment is supposed to be 60% and came in at 60.5%, control the rest, 800,000 users total. srm check pls",
        "around 800k users, planned 60 treatment / 40 control, observed treatment share 60.5% - is that an SRM",
    )
    shares(
        ["9.7"],
        450_000,
        "10/90",
        "variant was meant to get 10% of traffic (90/10 holdout style) but only got 9.7% of ~450k users. is that "
        "a real sample ratio mismatch?",
        "variant should get 10% (90/10), it got 9.7% of 450k users total. srm?",
        "the variant arm got 9.7% instead of 10% of about 450,000 users - control is the other 90%. sample ratio "
        "mismatch?",
        "~450k users, variant share 9.7% vs the planned 10%, control planned at 90%. is this an srm",
        label="90/10",
    )
    shares(
        ["34.1", "33.2", "32.7"],
        600_000,
        "thirds",
        "A/B/C test with equal thirds, 600k users total, and the arms sit at 34.1% / 33.2% / 32.7%. is that srm or "
        "fine?",
        "three arms meant to be equal, observed 34.1, 33.2 and 32.7 percent of 600k users. sample ratio mismatch?",
        "600,000 users across A, B and C (planned 1/3 each), shares came out 34.1/33.2/32.7. srm?",
        "equal three way split but A got 34.1%, B 33.2% and C 32.7% of ~600k users - mismatch?",
    )
    # --- shares with no total and no counts: must ask for the counts -----------------------------------------------
    ask(
        "ramp is done on the 50/50 test but the split reads 51/49 in the dashboard. is that a sample ratio mismatch?",
        "our 50/50 landed at 51/49, is that srm?",
        "planned even split, observed 51% vs 49%. sample ratio mismatch?",
        "is 51/49 an srm on a 50-50 test",
    )
    ask(
        "control got 50.7% of traffic on an even split, is that an srm?",
        "50/50 test, control share 50.7%. srm or fine?",
        "sample ratio mismatch? control ended up with 50.7 percent on a 50-50 split",
        "our control arm has 50.7% of users in a 50/50 experiment, mismatch?",
    )


def build_checked() -> None:
    build14()
    check("dev11")


def main() -> None:
    b.write_dev_round(14, build_checked, "dev11")


if __name__ == "__main__":
    main()
