"""How a plan tells relations and guide steps (planner.plan_sentences) and picks focused evidence
(planner.answer_focus): pure functions over real corpus wordings."""

from __future__ import annotations

import re

from planner.answer_focus import question_parts, question_terms, select
from planner.answer_plans import as_mistake, build_plan
from planner.context import estimate_tokens, number_sources, order_items
from planner.plan_sentences import (
    names_in,
    relation_sentence,
    running_case,
    stands_alone,
    step_sentence,
)
from planner.traversal import Adjacency
from planner.types import Candidate, Edge, LinkedEntity
from textkit.markdown import plain_text


def keep_case(name: str) -> str:
    return name


def test_a_justification_that_names_both_concepts_is_the_sentence() -> None:
    # corpus/concepts/null-hypothesis.md: used_in a-a-test
    told = relation_sentence(
        "A/A test",
        "uses",
        "Null hypothesis",
        "An A/A test makes the null hypothesis true by construction, so it checks that the pipeline rejects at "
        "the nominal rate.",
        keep_case,
    )
    assert told.startswith("An A/A test makes the null hypothesis true by construction")
    assert "uses" not in told and ":" not in told
    # ANOVA is named by its acronym in the justification
    assert relation_sentence(
        "Factorial design",
        "uses",
        "Analysis of variance (ANOVA)",
        "Factorial designs are analysed with multi-way ANOVA to estimate main effects and interactions.",
        keep_case,
    ).startswith("Factorial designs are analysed with multi-way ANOVA")


def test_a_justification_after_the_colon_keeps_a_name_that_opens_it() -> None:
    # corpus/concepts/metric-sensitivity.md: "deng and Shi (2016) quantify ..." had been told with a lower-case name
    told = relation_sentence(
        "Metric sensitivity",
        "is measured by",
        "Statistical power",
        "Deng and Shi (2016) quantify a metric's sensitivity by its power to detect a given change.",
        keep_case,
    )
    assert told == (
        "Metric sensitivity is measured by Statistical power: Deng and Shi (2016) quantify a metric's sensitivity "
        "by its power to detect a given change."
    )
    cohen = relation_sentence(
        "Cohen's h", "uses", "Arcsine", "Cohen's h is the difference after the transform.", keep_case
    )
    assert cohen.endswith(": Cohen's h is the difference after the transform.")
    # a common word still continues in lower case, a single letter too
    assert relation_sentence("X", "uses", "Y", "A common rule applies.", keep_case).endswith(
        ": a common rule applies."
    )
    assert relation_sentence("X", "uses", "Y", "Comparing them helps.", keep_case).endswith(
        ": comparing them helps."
    )


def test_a_justification_that_leaves_a_concept_out_is_led_by_the_relation_in_running_case() -> None:
    corpus = "A one-sided test raises statistical power for an effect in the stated direction."
    told = relation_sentence(
        "One-sided test",
        "increases",
        "Statistical power",
        "At alpha 0.05 the critical value falls from 1.96 to 1.645, raising power for an effect in the stated "
        "direction.",
        lambda name: running_case(name, corpus),
    )
    assert told == (
        "One-sided test increases statistical power: at alpha 0.05 the critical value falls from 1.96 to 1.645, "
        "raising power for an effect in the stated direction."
    )


def test_running_case_keeps_names_that_running_text_capitalises() -> None:
    corpus = (
        "we adjust with the bonferroni correction? No: the Bonferroni correction, and the null hypothesis."
    )
    assert running_case("Null hypothesis", corpus) == "null hypothesis"
    assert running_case("A/B test", "an a/B test") == "A/B test"  # an acronym keeps its case
    assert running_case("CUPED", "cuped") == "CUPED"
    assert running_case("Cohen's d", "cohen's d") == "Cohen's d"
    assert (
        running_case("Counterfactual", "Counterfactual outcomes") == "Counterfactual"
    )  # never seen lower-case


def test_names_in_matches_inflections_and_acronyms() -> None:
    assert names_in("units are randomised by region", "Randomization")
    assert names_in("an SRM is found by comparing counts", "Sample ratio mismatch (SRM)")
    assert not names_in("the t-test loses power", "Mann-Whitney U test")


def test_a_step_led_by_a_bold_term_is_told_with_its_sentence() -> None:
    # corpus/documents/a-a-tests.md, the list of what to look for
    step = (
        "**Uniform p-values.** Under the null, p-values are uniformly distributed on [0, 1]. A histogram of many "
        "A/A p-values for a metric should be flat."
    )
    told = step_sentence(step, 2)
    assert told.startswith("Uniform p-values: Under the null, p-values are uniformly distributed")
    assert not told.startswith("Step")
    assert step_sentence("Do the power analysis for the primary metric.", 1) == (
        "Step 1: Do the power analysis for the primary metric."
    )
    assert step_sentence("The type I error rate.", 1) == ""  # a term alone is no sentence


def test_stands_alone_rejects_sentences_whose_pronoun_needs_the_sentence_before() -> None:
    assert not stands_alone("In online experimentation it is often implemented as a required plan.")
    assert not stands_alone("Use it beside the mean when the top 1% of users carry most revenue.")
    assert stands_alone("Sequential testing is fine when it is planned before launch.")
    assert stands_alone("Because this is a ratio, its variance needs the delta method.")


def test_select_prefers_the_question_s_words_and_never_repeats() -> None:
    sentences = [
        "The median is robust to a few very large purchases.",
        "The mean of revenue per user is what totals scale with.",
        "The mean of revenue per user is what the totals scale with, always.",
    ]
    terms = question_terms("mean vs median for revenue in an a/b test")
    assert "median" in terms and "test" not in terms
    picked = select(sentences, [0.5, 0.5, 0.5], terms, [], limit=3, min_cosine=0.4)
    texts = [sentences[p.index] for p in picked]
    assert len(texts) == 2 and {texts[0], texts[1]} >= {sentences[0]}  # the near-duplicate is left out
    # below the cosine floor nothing is taken, whatever its words
    assert select(sentences, [0.3, 0.3, 0.3], terms, [], limit=3, min_cosine=0.4) == []
    # what the answer already says is not said again
    said = [{"mean", "revenu", "user", "totals", "scale"}]
    assert [p.index for p in select(sentences, [0.5] * 3, terms, said, limit=3, min_cosine=0.4)] == [0]


def test_a_question_that_asks_several_things_is_read_as_its_asks() -> None:
    assert question_parts(
        "why does a lopsided split cost power, and what does that mean for a 90/10 test on checkout?"
    ) == ["why does a lopsided split cost power", "what does that mean for a 90/10 test on checkout"]
    # a decimal point is no sentence end; a part with fewer than two words of its own asks nothing
    assert question_parts("we got p=0.04 on day 3. ok to stop?") == []
    assert question_parts("what is a guardrail metric?") == []


def test_an_ask_the_answer_has_not_met_pulls_in_the_sentence_that_meets_it() -> None:
    sentences = ["A lopsided split needs more users.", "A 90/10 test limits exposure.", "Power falls."]
    cosines = [0.60, 0.50, 0.59]
    terms: set[str] = set()
    # one ask alone: the closest sentences to the whole question, in order
    plain = select(sentences, cosines, terms, [], limit=2, min_cosine=0.4)
    assert [p.index for p in plain] == [0, 2]
    # two asks, the first already met by the answer: the sentence that meets the second comes before the third
    parts = [[0.7, 0.2, 0.7], [0.2, 0.8, 0.2]]
    picked = select(sentences, cosines, terms, [], limit=2, min_cosine=0.4, parts=parts, covered=[0.7, 0.3])
    assert [p.index for p in picked] == [1, 0]  # 0.50 + 0.5 * (0.8 - 0.3) / 2 beats 0.60 + 0


DETAILS = {
    "factorial-design": {
        "concept_id": "factorial-design",
        "name": "Factorial design",
        "definition": "A factorial design varies two or more factors simultaneously, assigning units to every "
        "combination of factor levels.",
        "when_to_use": "Use a factorial design when several independent changes are ready at the same time.",
        "mistakes": "Ignoring significant interactions and reporting main effects as if each factor worked alike.",
    },
    "anova": {
        "concept_id": "anova",
        "name": "Analysis of variance (ANOVA)",
        "definition": "Analysis of variance compares the means of several groups by partitioning the variance.",
        "when_to_use": "Use ANOVA for more than two arms.",
        "mistakes": "Stopping at a significant F test.",
    },
}
EDGES = [
    Edge(
        "factorial-design:measured_by:anova",
        "factorial-design",
        "anova",
        "measured_by",
        0.9,
        "Main effects and interactions in a factorial experiment are tested with analysis of variance.",
    ),
    Edge(
        "anova:used_in:factorial-design",
        "anova",
        "factorial-design",
        "used_in",
        0.8,
        "Factorial designs are analysed with multi-way ANOVA to estimate main effects and interactions.",
    ),
]
ADJ = Adjacency.build(
    EDGES, {"factorial-design": "Factorial design", "anova": "Analysis of variance (ANOVA)"}
)


def cosine_stand_in(question: str, sentences: list[str] | tuple[str, ...]) -> list[float]:
    return [0.5] * len(sentences)


def test_a_plan_tells_one_of_two_relations_between_the_same_concepts_without_the_template() -> None:
    entities = [LinkedEntity("factorial-design", "Factorial design", "factorial", 1.0, "phrase")]
    items = order_items(
        "best_practice", entities=entities, details=DETAILS, connecting=[], related=[], chunks=[], adj=ADJ
    )
    sources, _ = number_sources(items, None, budget=4000, count=estimate_tokens)
    plan = build_plan(
        "best_practice",
        "we changed the button and the price in one test, is that a problem",
        sources=sources,
        details=DETAILS,
        entities=entities,
        connecting=[],
        candidates=[],
        adj=ADJ,
        similarity=cosine_stand_in,
    )
    relation_items = [i for i in plan.items if i.source_kind == "relation"]
    assert len(relation_items) == 1
    assert re.sub(r" \[\d+\]", "", relation_items[0].text) in {
        "Main effects and interactions in a factorial experiment are tested with analysis of variance.",
        "Factorial designs are analysed with multi-way ANOVA to estimate main effects and interactions.",
    }
    assert not any(" uses " in i.text or "is measured by" in i.text for i in plan.items)
    assert [i.role for i in plan.items][-2:] == ["pitfall", "how_to_check"]


def test_a_how_to_plan_tells_a_checklist_item_with_its_lead() -> None:
    guide = Candidate(
        "a-a-tests#2",
        "a-a-tests",
        "A/A tests: validating the experimentation system",
        "What to look for",
        "Across many A/A comparisons, check:\n\n1. **The type I error rate.** A metric tested at alpha 0.05 "
        "should be significant about 5% of the time.\n2. **Uniform p-values.** Under the null, p-values are "
        "uniformly distributed on [0, 1].\n",
    )
    details = {
        "a-a-test": {
            "concept_id": "a-a-test",
            "name": "A/A test",
            "definition": "An A/A test is an experiment in which both groups receive the identical experience.",
            "when_to_use": "Run A/A tests when you set up a new experimentation platform.",
            "mistakes": "Running a single A/A test and concluding the platform is broken.",
        }
    }
    entities = [LinkedEntity("a-a-test", "A/A test", "a/a test", 1.0, "phrase")]
    adj = Adjacency.build([], {"a-a-test": "A/A test"})
    items = order_items(
        "methodology", entities=entities, details=details, connecting=[], related=[], chunks=[guide], adj=adj
    )
    sources, _ = number_sources(items, None, budget=4000, count=estimate_tokens)
    plan = build_plan(
        "methodology",
        "how do i run an a/a test properly and what am i looking for",
        sources=sources,
        details=details,
        entities=entities,
        connecting=[],
        candidates=[guide],
        adj=adj,
        similarity=cosine_stand_in,
    )
    steps = [re.sub(r" \[\d+\]", "", i.text) for i in plan.items if i.role == "step"]
    assert steps == [
        "The type I error rate: A metric tested at alpha 0.05 should be significant about 5% of the time.",
        "Uniform p-values: Under the null, p-values are uniformly distributed on [0, 1].",
    ]


def test_a_when_to_use_sentence_names_its_concept_instead_of_it() -> None:
    from planner.context import usage_sentence

    # corpus/concepts/mann-whitney-u-test.md and chi-square-goodness-of-fit.md, "When to use"
    assert usage_sentence(
        {"name": "Mann-Whitney U test", "when_to_use": "Use it for small samples of skewed outcomes. More."}
    ) == ("Use the Mann-Whitney U test for small samples of skewed outcomes.")
    assert usage_sentence(
        {
            "name": "Chi-square goodness-of-fit test",
            "when_to_use": "Run it on every experiment as an SRM check.",
        }
    ) == ("Run the chi-square goodness-of-fit test on every experiment as an SRM check.")
    assert usage_sentence(
        {"name": "Fisher's exact test", "when_to_use": "Use it when a cell count is small."}
    ) == ("Use Fisher's exact test when a cell count is small.")


def test_further_passages_are_the_unnumbered_retrieved_ones_in_order() -> None:
    from planner.context import further_passages

    def cand(cid: str, duplicate_of: str | None = None) -> Candidate:
        c = Candidate(cid, cid.split("#")[0], "Title", "Heading", "Some passage text about power.")
        c.duplicate_of = duplicate_of
        return c

    ranked = [cand("a#1"), cand("b#1"), cand("c#1", duplicate_of="b#1"), cand("d#1"), cand("e#1")]
    got = further_passages(ranked, {"a#1"}, 2)
    assert [i.id for i in got] == ["b#1", "d#1"]
    assert got[0].kind == "chunk" and got[0].title == "Title — Heading"


def test_how_a_concept_is_handled_is_told_by_the_justification_that_names_the_remedy() -> None:
    # corpus/concepts/z-test.md used_in ab-test: in an answer about A/B tests the reader knows the first concept
    just = "Most online experimentation platforms compare arm means with a z-test because samples are large."
    assert relation_sentence("A/B test", "uses", "Z-test", just, keep_case, topic_known=True) == just
    # told as a hop of a path, both ends are named
    assert relation_sentence("A/B test", "uses", "Z-test", just, keep_case).startswith(
        "A/B test uses Z-test: "
    )


def test_a_comparison_s_two_sides_come_from_the_words_nearest_its_vs() -> None:
    from planner.answer_focus import comparison_sides, sides_named

    sides = comparison_sides("mean vs median for measuring revenue impact in a test")
    assert sides == [{"mean"}, {"median", "measur"}]
    assert sides_named("The median is robust to a few large orders, the mean is not.", sides) == 1.0
    assert sides_named("The median is robust to a few large orders.", sides) == 0.5
    # the kind both sides are ("method", "metric") names neither side
    assert comparison_sides("should we use the delta method or the bootstrap") == [{"delta"}, {"bootst"}]
    assert comparison_sides("surrogate/leading metric vs the north star OEC") == [
        {"surrog", "leadin"},
        {"north", "star"},
    ]
    assert comparison_sides("what is statistical power") == []


def test_a_sentence_that_continues_the_one_before_it_does_not_stand_alone() -> None:
    # list items and follow-ups seen in dev answers (corpus/documents/*, quoted without what they continue)
    assert not stands_alone("Conversely, overlapping two experiments that break each other is a problem.")
    assert not stands_alone("Or use a bandit for exploration among many candidate designs.")
    assert not stands_alone("And do not lower the detection threshold until it goes away.")
    assert stands_alone("Ordinary least squares gives the same estimate as the t-test.")


def test_a_mistake_list_item_is_told_as_a_mistake_under_its_heading_or_title() -> None:
    # a chunk's stored text keeps its headings (scorecards-and-launch-decisions: "## Documenting the decision" and
    # "## Common mistakes" in one chunk); the numbered source's plain text does not
    markdown = "## Documenting\nRecord the decision.\n\n## Common mistakes\n- Launching on a secondary metric when the primary was flat."
    item = "Launching on a secondary metric when the primary was flat."
    told = as_mistake(item, "Scorecards", markdown)
    assert told == "A common mistake is launching on a secondary metric when the primary was flat."
    assert as_mistake(item, "Scorecards", plain_text(markdown)) == item  # no heading left to read
    assert as_mistake("Record the decision.", "Scorecards", markdown) == "Record the decision."
    advice = "## How to run\nRunning two weeks covers weekly cycles."
    assert as_mistake("Running two weeks covers weekly cycles.", "Running a test", advice).startswith(
        "Running"
    )
    titled = as_mistake(
        "Stopping the day it turns significant.", "Test duration › Common mistakes", "Stopping …"
    )
    assert titled.startswith("A common mistake is stopping")


def test_a_relation_told_of_a_plural_concept_agrees_with_it() -> None:
    from planner.plan_sentences import agreeing, plural_name

    assert [
        plural_name(n) for n in ("Heterogeneous treatment effects", "Outliers", "Long-term effects (LTE)")
    ] == [
        True,
        True,
        True,
    ]
    # one thing, whatever its last letter: a method, a bias, an analysis, an acronym
    singular = [
        "Selection bias",
        "Power analysis",
        "Null hypothesis",
        "Difference-in-differences",
        "CUPED",
        "SRMs",
    ]
    assert not any(plural_name(n) for n in singular)
    assert agreeing("is detected by", "Heterogeneous treatment effects") == "are detected by"
    assert agreeing("mitigates", "Outliers") == "mitigate"
    assert agreeing("applies to", "Network effects") == "apply to"
    assert agreeing("is detected by", "Selection bias") == "is detected by"
    told = relation_sentence("Outliers", "is mitigated by", "Winsorization", "Capping extremes.", lambda n: n)
    assert told == "Outliers are mitigated by Winsorization: capping extremes."


def test_a_sentence_pointing_at_what_comes_before_or_after_it_does_not_stand_alone() -> None:
    assert not stands_alone(
        "Two related problems make significant results less reliable than the threshold suggests."
    )
    assert not stands_alone("With z = 1.960 for 95% confidence, the main methods are as follows.")
    assert not stands_alone("For a threshold of 0.0001 treatment would be chosen here.")
    # "below" and "above" as comparisons are the sentence's own content
    assert stands_alone("A result is significant when its p-value is at or below the significance level.")
    assert stands_alone("Two-sided tests are the default because a treatment can hurt as well as help.")
