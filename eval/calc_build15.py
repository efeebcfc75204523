"""Held-out set ``test6`` (``calc_test6.jsonl``, frozen by ``calc_set15.sha256``): sample ratio mismatch (SRM)
questions typed the way practitioners type them in chat, Slack and forums, the observed split given mostly as shares
or percentages of a total ("split came out 51/49 on a 50/50 config, about 1.5M users"), sometimes as per-arm counts
in casual forms ("1.02M vs 980k"); 50/50 designs mostly, also 60/40, 90/10 and three equal arms; some clear SRMs and
some imbalances that are only noise; a few items give shares with no total or counts and must ask for the counts.
Four phrasings each: *robust* means all four pass. Written by someone who did not read the parser, and frozen
before the set was first scored: report on it, never tune on it.

The conventions are ``calc_build14``'s (see its docstring): observed counts = round(share × total) per arm (always
whole numbers here), one share of two arms → the other is 1 − share, "a couple million" = 2,000,000, "half a
million" = 500,000, numbers in words as they read; the arms in the order the text first names them, so
``observed_shares[0]`` is the first-named arm's count / total and the design shares follow the same order;
``chi2`` and ``p_value`` from ``scipy.stats.chisquare(observed, f_exp=design × sum(observed))``. Every value is
re-derived by ``calc_build14.check`` (exact counts, Σ (O − E)² / E by hand, closed-form chi-square survival
function), and the set shares no phrasing and no numbers with the tuning round ``dev11``.

Run: ``python -m eval.calc_build15`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

import json

from eval import calc_build as b
from eval.calc_build import HERE
from eval.calc_build14 import SPECS, ask, check, counts, shares


def build15() -> None:
    SPECS.clear()
    # --- shares of a total, 50/50 ----------------------------------------------------------------------------
    shares(
        ["51", "49"],
        1_500_000,
        "50/50",
        "so the split came out 51/49 on what's supposed to be a 50/50 config, about 1.5M users total. is that srm "
        "or are we ok?",
        "51/49 observed, 50/50 planned, ~1.5 million users. sample ratio mismatch?",
        "1.5M users in the test, first arm has 51% and the second 49%, intended even split. srm?",
        "is 51% vs 49% of 1,500,000 users an srm on a 50-50 test",
    )
    shares(
        ["50.4", "49.6"],
        1_200_000,
        "50/50",
        "1.2m users in the new onboarding test, split looks like 50.4 / 49.6 and it's meant to be 50/50. is that "
        "an srm?",
        "50.4% vs 49.6% of 1.2m users on an even split - sample ratio mismatch?",
        "planned 50/50, ~1.2 million users, got 50.4 and 49.6 percent. srm?",
        "is a 50.4/49.6 split an srm with 1,200,000 users in a 50-50 test",
    )
    shares(
        ["50.5", "49.5"],
        12_000,
        "50/50",
        "tiny b2b test, 12k users, and the split is 50.5% vs 49.5% on a 50/50. boss thinks srm, i think its noise. "
        "who's right?",
        "50.5/49.5 with 12,000 users, 50/50 planned. sample ratio mismatch?",
        "twelve thousand users, even split intended, arms at 50.5% and 49.5%. srm?",
        "12k users total and it's 50.5 vs 49.5 percent on a planned 50/50 - is that srm territory?",
    )
    shares(
        ["49.6"],
        250_000,
        "50/50",
        "treatment only got 49.6% on our 50/50 search test, about 250k users overall. srm or normal wobble?",
        "50/50 split, ~250k users, treatment share 49.6%. sample ratio mismatch?",
        "we have 250,000 users and treatment has only 49.6% of them, planned even. srm?",
        "250k users, 50/50 design, treatment landed at 49.6%. should we be worried about a mismatch",
    )
    shares(
        ["50.1", "49.9"],
        600_000,
        "50/50",
        "six hundred thousand users in the ranking test, designed 50/50, and the split sits at 50.1 / 49.9. srm?",
        "600k users, 50.1% vs 49.9% on a 50/50. sample ratio mismatch?",
        "is 50.1/49.9 of 600,000 users an srm for an equal split",
        "50/50 test, ~600k users, observed 50.1 and 49.9 percent. srm or not",
    )
    shares(
        ["49.4"],
        500_000,
        "50/50",
        "half a million users in and control is sitting at 49.4% on a 50/50 split. sample ratio mismatch?",
        "50/50 config, 500k users, control share 49.4%. srm?",
        "control got 49.4% of ~500,000 users, planned even. is that an srm",
        "is control at 49.4 percent of half a million users a mismatch on a 50-50 test",
    )
    shares(
        ["49.85", "50.15"],
        2_000_000,
        "50/50",
        "a couple million users on the homepage test, 50/50 config, control 49.85% and treatment 50.15%. is that "
        "srm at this scale?",
        "2M users, control 49.85% vs treatment 50.15%, planned 50/50. sample ratio mismatch?",
        "control has 49.85% and treatment 50.15% of about 2 million users on an even split. srm?",
        "is 49.85 / 50.15 (control/treatment) of a couple million users an srm",
    )
    # --- per-arm counts in casual forms --------------------------------------------------------------------------
    counts(
        [1_020_000, 980_000],
        "50/50",
        "we ended the pricing page test with 1.02M users in control vs 980k in treatment. config was 50/50. srm??",
        "1.02M vs 980k on a 50/50 split, sample ratio mismatch?",
        "control 1.02 million, treatment 980 thousand users, intended even - is that an srm",
        "50-50 test, counts came out 1,020,000 and 980,000. mismatch?",
    )
    counts(
        [30_600, 29_400],
        "50/50",
        "quick sanity check before we read results: 30.6k vs 29.4k users on a 50/50 test. srm?",
        "30.6k vs 29.4k, 50/50 planned. sample ratio mismatch?",
        "control 30,600 and treatment 29,400 users on an even split - srm check",
        "we got 30.6k in A and 29.4k in B, meant to be 50-50. is that a mismatch",
    )
    counts(
        [75_200, 74_800],
        "50/50",
        "logs say 75.2k users in control and 74.8k in treatment after a week on a 50/50. do we have an srm?",
        "75.2k vs 74.8k on a 50/50, sample ratio mismatch?",
        "control 75,200, treatment 74,800 users, intended equal split. srm?",
        "75.2k and 74.8k users in a test set up 50-50, srm or noise?",
    )
    # --- other designs: 90/10, 60/40, three equal arms ------------------------------------------------------------
    shares(
        ["9.6"],
        300_000,
        "10/90",
        "treatment was supposed to get 10% but got 9.6% of 300k users, control should have had the other 90%. is "
        "that a sample ratio mismatch?",
        "90/10 test, treatment share 9.6% instead of 10%, 300k users total. srm?",
        "the treatment arm recieved 9.6% of ~300,000 users on a 90/10 allocation (10% intended for it). srm check",
        "~300k users, treatment planned at 10% and observed at 9.6%, control planned 90%. mismatch?",
        label="90/10",
    )
    shares(
        ["59.7"],
        40_000,
        "60/40",
        "our 60/40 test (60% control, 40% treatment) has 40k users and control got 59.7% of them. is that an srm?",
        "60/40 design, control share 59.7%, 40k users total. sample ratio mismatch?",
        "control is meant to get 60% and got 59.7% of 40,000 users, treatment the rest. srm check",
        "forty thousand users, planned 60 control / 40 treatment, control ended at 59.7 percent - mismatch?",
    )
    shares(
        ["33.5", "33.1", "33.4"],
        90_000,
        "thirds",
        "3 arm test with an equal split, ~90k users, shares are 33.5% / 33.1% / 33.4%. any srm there?",
        "equal thirds planned, observed 33.5, 33.1 and 33.4 percent of 90k users. sample ratio mismatch?",
        "A 33.5%, B 33.1%, C 33.4% of about 90,000 users, equal split intended - srm?",
        "ninety thousand users over three equal arms came out 33.5/33.1/33.4. is that an srm",
    )
    shares(
        ["35", "33", "32"],
        150_000,
        "thirds",
        "we split 150k users evenly across control and two variants, but it came out 35/33/32. srm or fine?",
        "three-way equal split, 150k users, observed shares 35%, 33% and 32%. sample ratio mismatch?",
        "control 35%, variant a 33%, variant b 32% of ~150,000 users on an equal split - srm?",
        "is 35/33/32 of 150k users an srm when teh three arms should be equal",
    )
    # --- shares with no total and no counts: must ask for the counts -----------------------------------------------
    ask(
        "the a/b split landed at 53/47 even though we set it to 50/50. srm?",
        "53/47 on a 50/50 config, is that a sample ratio mismatch",
        "planned even split, got 53% vs 47%. srm or fine?",
        "is a 53-47 split an srm for a 50/50 test",
    )
    ask(
        "treatment only got 49.2% of traffic on our 50/50 test, is that srm?",
        "50/50 experiment, treatment share 49.2%. sample ratio mismatch?",
        "srm? treatment ended up with 49.2 percent on an even split",
        "is treatment at 49.2% an srm when it should be 50%",
    )
    ask(
        "90/10 rollout but the 10% arm is showing 9.4% of users. mismatch?",
        "treatment planned 10%, observed 9.4%, on a 90/10. srm?",
        "is 9.4% vs a planned 10% a sample ratio mismatch (90/10 split)",
        "our 10% holdout is only getting 9.4% of traffic, srm?",
    )


def _apart_from_dev11() -> None:
    """No item of this held-out set has the numbers (not even the chi-square) of an item in the tuning round."""
    path = HERE / "calc_dev11.jsonl"
    dev = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    seen = {round(r["expected"]["chi2"], 9) for r in dev if r["expected"]}
    for item in b.ITEMS:
        if item["expected"]:
            assert round(item["expected"]["chi2"], 9) not in seen, item["question"]


def build_checked() -> None:
    build15()
    check("test6")  # also refuses any phrasing that dev11 or another calc split already has
    _apart_from_dev11()


def main() -> None:
    b.write_dev_round(15, build_checked, "test6")


if __name__ == "__main__":
    main()
