"""Held-out set ``test9`` (``calc_test9.jsonl``, frozen by ``calc_set21.sha256``): questions about analysing results
that have come in, typed the way practitioners type them in Slack and forums, four structurally different phrasings
each (*robust* means all four pass). The same topics as the tuning round ``dev14`` (``eval/calc_build20.py``) with
other scenarios, numbers and wording:

* is a difference in conversion significant, from counts (control/variant, old/new, A/B, numbers in words) or from
  rates and the users per arm ("5.3% vs 5.9%, ~12k users per arm") or a total split evenly ("30,000 users split
  evenly between holdout and treatment"), and the p-value of a fall;
* a Welch t test from summary statistics (revenue per user, session length, a 1–5 rating);
* a 95% confidence interval for the absolute difference in conversion, from counts or from rates and n;
* a sample ratio mismatch check from the arm counts, on an even split and on an 80/20 design;
* a one-sample test of a count against a known rate.

Written by someone who did not read the parser, and frozen before the set was first scored: report on it, never tune
on it. Conventions, expected values, the independent re-derivation, the agreement of the reasonable alternative
readings, and the refusal of misreadable items, shared phrasings and shared expected values are those of
``eval/calc_build20.py`` (whose ``check`` this script runs).

Run: ``python -m eval.calc_build21`` (rewrites the files; only ever run before the set is first scored).
"""

from __future__ import annotations

from eval import calc_build as b
from eval.calc_build20 import SPECS, binom, check, ci_diff, ci_rates, sig, sig_rates, srm_check, welch


def build21() -> None:
    SPECS.clear()
    # --- two proportions from counts --------------------------------------------------------------------------------
    sig(
        2_940,
        18_600,
        3_105,
        18_550,
        "new ranking model: 3,105 of 18,550 searches got a click vs 2,940 of 18,600 on the current model "
        "(control). significant?",
        "ctr control 2940/18600 vs variant 3105/18550, z and p?",
        "is the click difference real? current ranker 2,940 clicked searches out of 18,600, new ranker 3,105 out "
        "of 18,550",
        "p-value for 2,940 / 18,600 (control) compared to 3,105 / 18,550 (new model) pls",
    )
    sig(
        318,
        5_480,
        377,
        5_512,
        "paywall test wrapped up. old paywall: 318 purchases from 5,480 trials. new paywall: 377 from 5,512. is "
        "that statistically significant at 0.05?",
        "old 318/5480 vs new 377/5512 - significant?",
        "does 377 out of 5,512 on the new paywall vs 318 out of 5,480 on the old one clear a 5% significance bar",
        "5,480 trial users saw the old paywall and 318 paid; 5,512 saw the new one and 377 paid. p value + z "
        "please",
    )
    sig(
        912,
        16_000,
        1_004,
        16_000,
        "A had nine hundred and twelve signups out of sixteen thousand visitors, B had 1,004 out of 16,000 (A is "
        "the control). is the gap significant?",
        "A 912/16k, B 1004/16k, significant diff?",
        "16,000 visitors per arm, signups 912 for A (control) and 1,004 for B. z-test result?",
        "what p do we get for 1,004 signups of 16k in B against 912 of 16k in A",
    )
    sig(
        4_406,
        40_020,
        4_215,
        39_980,
        "the recs widget variant looks worse: 4,215 add-to-carts from 39,980 sessions vs 4,406 from 40,020 in "
        "control. significant drop or noise?",
        "control 4406/40020, widget 4215/39980 - p?",
        "4,406 of 40,020 control sessions added to cart and 4,215 of 39,980 with the widget. is the differense "
        "significant",
        "we saw fewer add to carts with the widget, 4,215 out of 39,980 sessions, compared to control's 4,406 out "
        "of 40,020. what's the p-value",
        fall=True,
    )
    # --- two proportions from rates and n ----------------------------------------------------------------------------
    sig_rates(
        0.053,
        0.059,
        12_000,
        "checkout conversion: control 5.3%, variant 5.9%, ~12k users per arm. significant?",
        "5.3% vs 5.9%, n=12,000 each, p value?",
        "is 5.9 percent vs 5.3 percent significant with twelve thousand users in each of treatment and control",
        "12k users per group; the new checkout converted 5.9% and the old one 5.3%. z test?",
    )
    sig_rates(
        0.024,
        0.028,
        30_000,
        "30,000 users split evenly between holdout and treatment. holdout purchase rate 2.4%, treatment 2.8%. "
        "significant?",
        "30k users 50/50, 2.4% (holdout) vs 2.8% (treated): p-value?",
        "is 2.8% vs 2.4% significant when 30,000 users were divided equally and 2.8% is the treated half",
        "purchase rate went 2.4% -> 2.8% (holdout -> treatment). thirty thousand users total, half in each. z "
        "and p?",
        total=True,
    )
    # --- means from summary statistics -------------------------------------------------------------------------------
    welch(
        9.85,
        31.0,
        9_400,
        10.62,
        33.5,
        9_450,
        "arpu: control $9.85 (sd $31, 9,400 users), variant $10.62 (sd $33.50, 9,450 users). is the difference "
        "significant?",
        "control mean 9.85 sd 31 n 9400 / variant mean 10.62 sd 33.5 n 9450 - welch p?",
        "we got $10.62 average revenue per user in the variant vs $9.85 in control; sds were 33.5 and 31 dollars, "
        "with 9,450 and 9,400 users. p-value?",
        "t-test on arpu please - 9.4k control users averaging 9.85 (sd 31) and 9,450 treatment users averaging "
        "10.62 (sd 33.5)",
    )
    welch(
        6.8,
        5.9,
        3_100,
        7.1,
        6.3,
        3_100,
        "session length: old app 6.8 min avg (sd 5.9), new app 7.1 min (sd 6.3), 3,100 users in each. is that "
        "significant?",
        "6.8 vs 7.1 mins, sds 5.9 / 6.3, n 3100 per arm (old app first) - t and p?",
        "is an extra 0.3 min per session real? 3,100 users per group, new app mean 7.1 sd 6.3, old app mean 6.8 "
        "sd 5.9",
        "p-value for average session length 7.1 minutes (treatment) against 6.8 (control), sd 6.3 vs 5.9, "
        "thirty-one hundred users each",
    )
    welch(
        3.92,
        1.05,
        1_200,
        4.01,
        1.02,
        1_180,
        "post-purchase rating (1-5): control 3.92 avg, sd 1.05, 1,200 responses; new flow 4.01 avg, sd 1.02, "
        "1,180 responses. significant?",
        "ratings A 3.92 (sd 1.05, n 1200) vs B 4.01 (sd 1.02, n 1180): p?",
        "can i say the new flow lifted ratings? 1,180 people rated it 4.01 on average with an sd of 1.02, and "
        "1,200 control people rated 3.92 with sd 1.05",
        "t test from the means: 3.92 vs 4.01 (control vs new), standard deviations 1.05 and 1.02, twelve hundred "
        "responses in control and 1,180 in the new flow",
    )
    # --- confidence interval for the difference -------------------------------------------------------------------
    ci_diff(
        1_044,
        21_900,
        1_170,
        21_850,
        "95% ci for the difference in conversion rate pls. control: 1,044 of 21,900. treatment: 1,170 of 21,850",
        "1044/21900 vs 1170/21850 - confidence interval for treatment minus control",
        "what's the interval on the absolute lift if treatment got 1,170 conversions out of 21,850 and control "
        "1,044 out of 21,900",
        "control 21,900 users with 1,044 conversions, treatment 21,850 users with 1,170. what range does the true "
        "difference plausibly fall in (95% interval)?",
    )
    ci_rates(
        0.125,
        0.135,
        9_600,
        "activation 12.5% in control vs 13.5% in the variant, 9,600 users each side. what's the 95% ci on the "
        "difference?",
        "ci for diff: 12.5% vs 13.5%, 9.6k per arm",
        "i need a confidence interval for treatment minus control, where control activated 12.5% of 9,600 and "
        "treatment 13.5% of 9,600",
        "with 9,600 users per group and activation going from 12.5% (control) to 13.5% (variant), what's the 95 "
        "percent confidence interval of the absolute difference",
    )
    ci_diff(
        1_530,
        18_200,
        1_672,
        18_150,
        "new onboarding email: 1,672 of 18,150 activated vs 1,530 of 18,200 with the old email. 95% confidence "
        "interval for the difference (new - old)?",
        "old 1530/18200, new 1672/18150: ci on the rate diff",
        "confidence interval for the absolute change in activation between the old email (1,530 of 18,200) and "
        "the new one (1,672 of 18,150)",
        "how much did the new email really move activation? old: 18.2k users, 1,530 activated. new: 18,150 users, "
        "1,672 activated. need the 95% ci",
    )
    # --- sample ratio mismatch ---------------------------------------------------------------------------------------
    srm_check(
        [30_774, 30_126],
        [0.5, 0.5],
        None,
        "sanity check first: control has 30,774 users and treatment 30,126, the split should be 50/50. srm?",
        "30,774 vs 30,126 (control, treatment) on an even split - sample ratio mismatch?",
        "control 30774 / treatment 30126 users, flag set to 50-50. do we have an srm problem",
        "is it a sample ratio mismatch when control ends up with thirty thousand seven hundred seventy-four users "
        "and treatment with 30,126 on a 50/50",
    )
    srm_check(
        [40_212, 9_803],
        [0.8, 0.2],
        "80/20",
        "the new search is on 80% of traffic and 20% stay on the old one as control. new search got 40,212 users "
        "and control 9,803. is that an srm?",
        "80/20 (treatment/control), observed 40,212 vs 9,803 - srm check",
        "sample ratio mismatch? treatment meant to get 80%, got 40212 users; control meant to get 20%, got 9803",
        "treatment 40,212 users, control 9,803, allocation 80 to 20. is the split off?",
    )
    # --- one sample against a known rate ----------------------------------------------------------------------------
    binom(
        212,
        1_250,
        0.15,
        "historically 15% of trial users upgrade. in the latest cohort 212 of 1,250 upgraded. significantly "
        "different from 15%?",
        "212/1250 vs a 15% benchmark, p?",
        "is an upgrade count of 212 out of 1,250 trials statistically different from the usual 15 percent",
        "test against a known rate: benchmark 0.15, observed two hundred twelve upgrades in 1,250 trials",
    )
    binom(
        388,
        900,
        0.40,
        "our bounce rate benchmark is 40%. this landing page had 388 bounces in 900 sessions - significantly "
        "different?",
        "388 bounces / 900 sessions against 40%: p-value?",
        "is 388 out of 900 significantly off a 40% benchmark bounce rate",
        "the page bounced 388 times out of nine hundred sessions; the site-wide rate we compare against is 40 "
        "percent. significant?",
    )


def build_checked() -> None:
    build21()
    check("test9")


def main() -> None:
    b.write_dev_round(21, build_checked, "test9")


if __name__ == "__main__":
    main()
