"""Held-out set ``test11`` (``calc_test11.jsonl``, frozen by ``calc_set25.sha256``): results and plans asked
casually, typed the way practitioners type them in Slack and forums, four structurally different phrasings each
(*robust* means all four pass). The same topics as the tuning round ``dev16`` (``eval/calc_build24.py``) with other
scenarios, numbers and wording:

* three or more arms' conversions compared at once, from counts or from rates of n users (chi-square test of
  independence on the k × 2 table);
* three or more arms' means compared at once from each arm's mean, SD and size (classic one-way ANOVA F test);
* a practical-significance threshold with two arms' conversion results (the 95% interval of the relative lift for a
  relative threshold, Newcombe's interval of the difference for one in percentage points);
* one p-value out of a larger family, asked whether it survives a correction;
* an A/A test's count of significant metrics (exact one-sided binomial test against α);
* two arms' means written as "mean ± sd" (Welch t test);
* a finished test whose users come from daily traffic × the days it ran (two-proportion z test);
* sizing with one arm's share of traffic stated alone (the control group's n);
* "what's the chance B is better?" (Bayesian probability that B beats A, Beta(1, 1) priors).

The topics were chosen by the coordinator to cover readings added to the parser in the same session, so that the
split measures how those readings generalise to another writer's phrasings. Written by someone who did not read the
parser (nor ``understanding/``, ``planner/``, ``tools/`` or ``tests/``), and frozen before the set was first scored:
report on it, never tune on it. Conventions (and the frozen items they are taken from, or the library call of the new
ones), expected values, the independent re-derivation, the agreement of the reasonable alternative readings, and the
refusal of misreadable items, shared phrasings and shared expected values are those of ``eval/calc_build24.py``
(whose ``check`` this script runs).

Run: ``python -m eval.calc_build25`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

from eval import calc_build as b
from eval.calc_build24 import (
    SPECS,
    aa,
    alloc,
    anova,
    bayes_rates,
    check,
    chi,
    chi_rates,
    family,
    threshold,
    threshold_rates,
    traffic_z,
    welch,
)


def build25() -> None:
    SPECS.clear()
    # --- three or more arms: conversions ------------------------------------------------------------------------
    chi(
        [388, 402, 431, 447],
        [9_050, 8_990, 9_010, 9_030],
        "checkout test with four variants. A: 388/9050, B: 402/8990, C: 431/9010, D: 447/9030. any difference "
        "between the four?",
        "is anything going on across our 4 checkout arms or is it all noise? a 388 of 9,050, b 402 of 8,990, c "
        "431 of 9,010, d 447 of 9,030",
        "chi-square across the arms pls - purchases / users: A 388 / 9050, B 402 / 8990, C 431 / 9010, D 447 / "
        "9030",
        "we ran control plus three variants (A is control): 388 of 9050 bought in A, 402 of 8990 in B, 431 of "
        "9010 in C and 447 of 9030 in D. do they differ at all?",
    )
    chi_rates(
        [0.185, 0.205, 0.215],
        [4_000, 4_200, 3_800],
        "three email subject lines: A 18.5% open rate of 4000 sends, B 20.5% of 4200, C 21.5% of 3800. is "
        "there a real difference between them?",
        "open rates - A: 18.5% (n = 4,000), B: 20.5% (n = 4,200), C: 21.5% (n = 3,800). are the 3 subject "
        "lines different or not?",
        "do our three subject lines differ? 4000 emails got A and 18.5 percent opened, 4200 got B with 20.5 "
        "percent, 3800 got C with 21.5 percent",
        "any difference between the three? a opened 18.5% of 4k, b 20.5% of 4.2k, c 21.5% of 3.8k",
    )
    # --- three or more arms: means ------------------------------------------------------------------------------
    anova(
        [4.21, 4.35, 4.02],
        [1.90, 2.05, 1.85],
        [260, 255, 270],
        "items per order - control: 4.21 ± 1.90 (n 260), new grid: 4.35 ± 2.05 (n 255), new list: 4.02 ± 1.85 "
        "(n 270). do the groups differ?",
        "3 layouts, avg items per order 4.21 / 4.35 / 4.02 with sds 1.90 / 2.05 / 1.85 and 260 / 255 / 270 "
        "orders. one way anova p?",
        "is there a difference in items per order between control (mean 4.21, sd 1.9, n=260), the grid layout "
        "(mean 4.35, sd 2.05, n=255) and the list layout (mean 4.02, sd 1.85, n=270)?",
        "anova across three layouts: control mean 4.21 sd 1.90 on 260 orders, grid mean 4.35 sd 2.05 on 255, "
        "list mean 4.02 sd 1.85 on 270 - any difference?",
    )
    anova(
        [31.5, 33.0, 32.1, 34.2, 32.8],
        [14.0, 15.2, 14.6, 15.5, 14.9],
        [450, 450, 450, 450, 450],
        "five arms, 450 users each. means 31.5, 33.0, 32.1, 34.2, 32.8 and sds 14.0, 15.2, 14.6, 15.5, 14.9. do "
        "the groups differ?",
        "anova on minutes watched: A 31.5 ± 14.0, B 33.0 ± 15.2, C 32.1 ± 14.6, D 34.2 ± 15.5, E 32.8 ± 14.9, "
        "with four hundred fifty users per arm",
        "is any of the 5 arms different? mean watch time 31.5 / 33 / 32.1 / 34.2 / 32.8 min, sd 14 / 15.2 / "
        "14.6 / 15.5 / 14.9, n = 450 in every arm",
        "p-value for a one-way anova, k=5: arm A mean 31.5 sd 14 n 450; B mean 33 sd 15.2 n 450; C mean 32.1 sd "
        "14.6 n 450; D mean 34.2 sd 15.5 n 450; E mean 32.8 sd 14.9 n 450",
    )
    # --- a practical-significance threshold ---------------------------------------------------------------------
    threshold(
        2_870,
        31_500,
        3_080,
        31_400,
        "rel",
        "anything under a 2% relative lift isn't worth it for us. control 2870/31500, variant 3080/31400 - "
        "interval on the relative lift?",
        "relative lift ci please, we ship only above +2%: A converted 2,870 of 31,500 and B 3,080 of 31,400",
        "the new banner (3080 conversions out of 31,400) vs the old one (2870 out of 31,500) - does the 95% ci "
        "for the lift clear our 2 percent relative bar",
        "does B's lift beat our 2% practical threshold? A 2870 / 31.5k, B 3080 / 31.4k, need the confidence "
        "interval of the relative uplift",
    )
    threshold_rates(
        0.31,
        0.332,
        10_000,
        "pp",
        "practical significance threshold is 1 point. control 31% of 10k, variant 33.2% of 10k - 95% interval "
        "for the difference?",
        "we care only about gains of at least one percentage point. A: 31% retained, B: 33.2%, 10,000 users per "
        "arm. ci on the difference in rates?",
        "10k in each arm, old onboarding 31.0%, new onboarding 33.2% d7 retention. is the difference at least "
        "1pp? give the confidence interval of the diff",
        "diff in retention ci - control 31 percent and treatment 33.2 percent on ten thousand users each; our "
        "practical bar is 1 pp",
    )
    # --- one p-value of a larger family -------------------------------------------------------------------------
    family(
        0.0048,
        11,
        "holm",
        "p = 0.0048 on one of 11 metrics, does it survive holm?",
        "we tested 11 metrics and the best one had p of .0048 - holm adjusted p for it?",
        "is a p-value of 0.0048 still significant after a holm correction across eleven metrics",
        "holm correction: lowest of our 11 p-values is 0.0048, what does it become",
    )
    # --- an A/A test's significant count ------------------------------------------------------------------------
    aa(
        10,
        60,
        0.1,
        "a/a test with 60 metrics, 10 came out significant at 0.10 — normal?",
        "our A/A check flagged 10 of 60 metrics at alpha 0.1. more than we'd expect by chance?",
        "should i worry? ten out of sixty metrics were significant (alpha = .10) in an aa test",
        "60 metrics in an a/a, significance level 10%, 10 of them significant - is that a red flag",
    )
    # --- Welch from "mean ± sd" ---------------------------------------------------------------------------------
    welch(
        58.3,
        41.0,
        4_200,
        60.9,
        43.5,
        4_150,
        "aov 58.3 ± 41.0 in old (n=4,200) vs 60.9 ± 43.5 in new (n=4,150). significant?",
        "is the order value difference real? new checkout $60.90 sd $43.50 over 4150 orders, old checkout "
        "$58.30 sd $41 over 4200 orders",
        "welch test: control mean 58.3, sd 41, n 4200; treatment mean 60.9, sd 43.5, n 4150 - p value",
        "old 58.3 +/- 41 (4200 orders), new 60.9 +/- 43.5 (4150 orders). p?",
    )
    # --- traffic × days ---------------------------------------------------------------------------------------------
    traffic_z(
        3_000,
        14,
        1_310,
        1_420,
        "2 weeks at ~3k visitors a day, split evenly. control got 1,310 purchases and the variant 1,420. is "
        "the variant better?",
        "test ran fourteen days with about 3000 users/day, 50/50. purchases: A 1310, B 1420. significant?",
        "is 1420 vs 1310 purchases significant? (new vs old, 14 days of roughly 3,000 daily visitors split "
        "half and half)",
        "p value pls: ran for 14 days, ~3k users a day divided equally between old and new, old had 1310 "
        "purchases, new had 1420",
    )
    # --- one arm's share of traffic ---------------------------------------------------------------------------
    alloc(
        0.22,
        0.24,
        7 / 3,
        "7/3 (control gets 30% of traffic)",
        "control gets 30% of traffic. activation is 22% and we want to detect 24%. how many in control?",
        "if only 30 percent of users stay in control, how big does control have to be to pick up 22% -> 24% "
        "activation at 80% power",
        "how many users in the control group? 22% baseline, target 24%, control gets 30% of the traffic",
        "sizing with control at 30% of traffic (new flow gets the other 70%). baseline activation 22%, want to "
        "detect 24%. control n?",
    )
    # --- Bayesian ---------------------------------------------------------------------------------------------------
    bayes_rates(
        0.052,
        0.056,
        9_500,
        "what's the chance B is better? A converted 5.2% of 9,500 users, B 5.6% of 9,500",
        "probability the variant beats control - control 5.2% and variant 5.6%, 9500 users in each",
        "9.5k users per arm, old page 5.2% conversion, new page 5.6%. how confident can we be that the new one "
        "is better?",
        "bayesian chance to beat control for variant: 5.6% vs 5.2% on 9500 users each arm",
    )


def build_checked() -> None:
    build25()
    check("test11")


def main() -> None:
    b.write_dev_round(25, build_checked, "test11")


if __name__ == "__main__":
    main()
