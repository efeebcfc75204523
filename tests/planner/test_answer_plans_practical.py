"""Practical questions (how-to, best practice): the passage that answers leads, the graph says how the concept is
handled, and related concepts shown with the answer are relevant to it. Pure: no database, no model."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from planner.answer_plans import AnswerPlan, build_plan
from planner.context import (
    concept_item,
    estimate_tokens,
    mistake_sentence,
    number_sources,
    order_items,
    remedy_hops,
)
from planner.related import relevant
from planner.traversal import Adjacency
from planner.types import Candidate, Edge, LinkedEntity, Source

DETAILS = {
    "outliers": {
        "concept_id": "outliers",
        "name": "Outliers",
        "definition": "Outliers are observations far from the bulk of the data, such as a single huge order.",
        "when_to_use": "Look for outliers in every metric before and during an experiment.",
        "mistakes": "Deleting outliers from one arm only.",
    },
    "winsorization": {
        "concept_id": "winsorization",
        "name": "Winsorization",
        "definition": "Capping values.",
    },
    "bot-filtering": {"concept_id": "bot-filtering", "name": "Bot filtering", "definition": "Removing bots."},
    "variance": {"concept_id": "variance", "name": "Variance", "definition": "Spread."},
}
EDGES = [
    Edge(
        "r1",
        "outliers",
        "winsorization",
        "mitigated_by",
        0.8,
        "Capping the top values limits their pull on the mean.",
    ),
    Edge(
        "r2",
        "outliers",
        "bot-filtering",
        "mitigated_by",
        0.8,
        "Many extreme users in web experiments are bots.",
    ),
    Edge("r3", "outliers", "variance", "increases", 0.9, "Extreme values inflate the variance of the mean."),
]
ADJ = Adjacency.build(EDGES, {k: str(v["name"]) for k, v in DETAILS.items()})
CONCEPT_PAGE = Candidate(
    "concept-outliers#1",
    "concept-outliers",
    "Outliers",
    "",
    "Outliers are observations far from the bulk of the data. They come from heavy users, bots and logging errors.",
)
GUIDE = Candidate(
    "winsorization-and-capping#1",
    "winsorization-and-capping",
    "Winsorization and capping of metric values",
    "",
    "Revenue and similar metrics are often dominated by a handful of extreme units. A single such unit can move an "
    "arm's mean by more than the treatment does. Capping limits the influence of those units on the mean. Choose the "
    "cap before the test starts, from pre-experiment data.",
)
MISTAKES = Candidate(
    "concept-outliers#2",
    "concept-outliers",
    "Outliers — Outliers > Common mistakes",
    "Common mistakes",
    "Deleting outliers after seeing that they hurt the result. Assuming outliers are noise.",
)


def guide_first(question: str, sentences: Sequence[str]) -> list[float]:
    """A deterministic stand-in for the cosine: sentences about capping score highest, all above the floors."""
    return [0.6 if "cap" in s.lower() else 0.45 for s in sentences]


def outliers_plan(
    intent: str,
    question: str,
    chunks: Sequence[Candidate],
    clip: Callable[[Source], Source] = lambda s: s,
    similarity: Callable[[str, Sequence[str]], list[float]] = guide_first,
    details: Mapping[str, Mapping[str, Any]] = DETAILS,
    retrieved: Sequence[str] = (),
    concept_scores: Mapping[str, float] | None = None,
) -> tuple[AnswerPlan, list[Source]]:
    """The plan for a question linked to Outliers over ``chunks`` (``clip``: how each numbered source reads;
    ``retrieved``: concepts retrieval ranked high, their pages numbered too, as the planner numbers them)."""
    entities = [LinkedEntity("outliers", "Outliers", "outliers", 1.0, "phrase")]
    items = order_items(
        intent, entities=entities, details=details, connecting=[], related=[], chunks=chunks, adj=ADJ
    )
    items += [concept_item(details[c], with_formula=False) for c in retrieved]
    sources, _ = number_sources(items, None, budget=4000, count=estimate_tokens)
    sources = [clip(s) for s in sources]
    plan = build_plan(
        intent,
        question,
        sources=sources,
        details=details,
        entities=entities,
        connecting=[],
        candidates=chunks,
        adj=ADJ,
        similarity=similarity,
        retrieved_concepts=retrieved,
        concept_scores=concept_scores,
    )
    return plan, sources


def practical_plan(intent: str, question: str) -> tuple[list[str], list[str]]:
    plan, sources = outliers_plan(intent, question, [CONCEPT_PAGE, GUIDE, MISTAKES])
    ids = {s.marker: s.id for s in sources}
    return [i.text for i in plan.items], [f"{i.role}:{ids[i.marker]}" for i in plan.items]


def test_a_guide_section_leads_a_how_to_answer_over_the_concept_page() -> None:
    texts, roles = practical_plan("methodology", "how do you handle outliers in revenue metrics")
    assert roles[0] == "definition:outliers"
    # the guide passage is told from its start, in order
    lead = [t for t, r in zip(texts, roles, strict=True) if r == "evidence:winsorization-and-capping#1"]
    assert [t.split(" [")[0] for t in lead[:3]] == [
        "Revenue and similar metrics are often dominated by a handful of extreme units",
        "A single such unit can move an arm's mean by more than the treatment does",
        "Capping limits the influence of those units on the mean",
    ]
    # the graph's remedies for outliers are told with their reasons; the 'increases' relation is not a remedy
    methods = [t for t, r in zip(texts, roles, strict=True) if r.startswith("method:")]
    assert any("Winsorization" in t and "capping the top values" in t.lower() for t in methods)
    assert not any("Variance" in t for t in methods)
    # a list of mistakes never leads; the concept's curated usage closes the plan
    assert not any(r.endswith("concept-outliers#2") for r in roles)
    # a sentence opening on a pronoun means nothing without the sentence before it
    assert not any(t.startswith("They come from") for t in texts)
    assert roles[-1] == "when_to_use:outliers"


def test_best_practice_is_recommendation_then_pitfall_then_how_to_check() -> None:
    _, roles = practical_plan("best_practice", "should i remove outliers from revenue before analysis")
    assert roles[0] == "recommendation:winsorization-and-capping#1"
    assert [r.split(":")[0] for r in roles][-2:] == ["pitfall", "how_to_check"]


def test_a_best_practice_answer_tells_what_to_do_not_what_things_are() -> None:
    page = Candidate(
        "concept-outliers#1",
        "concept-outliers",
        "Outliers",
        "",
        "An outlier is an observation far from the bulk of the data, such as a single huge order. Cap the top "
        "values at a percentile chosen before the test starts, so a handful of units cannot decide it.",
    )
    question = "one whale bought $80k in treatment and flipped the result, what now"
    told = [i.text for i in outliers_plan("best_practice", question, [page])[0].items]
    assert not any(t.startswith("An outlier is an observation") for t in told)
    assert told[0].startswith("Cap the top values at a percentile chosen before the test starts")
    # the graph's remedies are still told; a how-to answer still opens on what the thing is
    assert any(t.startswith("Outliers are mitigated by Winsorization") for t in told)
    how = outliers_plan("methodology", "how do you cap outliers", [page])[0].items
    assert how[0].role == "definition" and how[0].text.startswith(
        "Outliers are observations far from the bulk"
    )


def test_remedies_are_relations_saying_how_a_concept_is_handled() -> None:
    assert sorted(h.to_id for h in remedy_hops(ADJ, "outliers")) == ["bot-filtering", "winsorization"]
    assert remedy_hops(ADJ, "variance") == []  # "variance is increased by outliers" is not a remedy


def test_a_mistake_whose_gerund_is_the_subject_keeps_its_verb() -> None:
    detail = {
        "mistakes": "Stopping as soon as the p-value dips below 0.05 (peeking) inflates false positives."
    }
    assert mistake_sentence(detail) == (
        "A common mistake: stopping as soon as the p-value dips below 0.05 (peeking) inflates false positives."
    )
    assert mistake_sentence({"mistakes": "Deleting outliers from one arm only."}) == (
        "A common mistake is deleting outliers from one arm only."
    )


def test_related_concepts_far_from_the_linked_ones_must_be_close_to_the_question() -> None:
    rows = [
        {"concept_id": "winsorization", "name": "Winsorization", "hops": 1},
        {"concept_id": "benjamini-yekutieli-procedure", "name": "Benjamini-Yekutieli procedure", "hops": 3},
        {"concept_id": "trimmed-mean", "name": "Trimmed mean", "hops": 2},
        {"concept_id": "design-effect", "name": "Design effect", "hops": 2},
    ]
    cosines = {"Benjamini-Yekutieli procedure": 0.05, "Trimmed mean": 0.5, "Design effect": 0.1}
    kept = relevant(
        rows, connecting_ids={"design-effect"}, similarity=lambda names: [cosines[n] for n in names]
    )
    # direct relation: kept; far and unlike the question: dropped; far but close to it, or on a path: kept
    assert [r["concept_id"] for r in kept] == ["winsorization", "trimmed-mean", "design-effect"]


def test_an_unnamed_topic_closer_than_the_named_concept_leads_a_practical_answer() -> None:
    from planner.answer_plans import primary_topic

    # "how long should I run my A/B test?": cosines with the concept index (MiniLM over the bundled corpus)
    scores = {"test-duration": 0.498, "ab-test": 0.446, "external-validity": 0.422}
    assert primary_topic(["ab-test"], ["ab-test", "test-duration"], scores) == "test-duration"
    # the named concept is the closest: it stays the topic
    assert (
        primary_topic(
            ["traffic-allocation"],
            ["traffic-allocation", "ramp-up"],
            {"traffic-allocation": 0.513, "ramp-up": 0.356},
        )
        is None
    )
    # nothing named: the closest unnamed concept
    assert (
        primary_topic([], ["a-a-test", "statistical-power"], {"statistical-power": 0.336, "a-a-test": 0.313})
        == "statistical-power"
    )
    # a named concept without a score ("is it fine to peek at results every day?": peeking, linked by its lemma,
    # is not among the question's closest concept vectors) is not overridden by a scored unnamed one
    assert (
        primary_topic(["peeking"], ["peeking", "day-of-week-effect"], {"day-of-week-effect": 0.363}) is None
    )
    # unnamed concepts without a score (ranked only by retrieval) do not override
    assert primary_topic(["ab-test"], ["ab-test", "bandit"], {"ab-test": 0.45}) is None


def test_a_concept_page_passage_closer_than_its_definition_counts_as_evidence_for_the_concept() -> None:
    from planner.answer_plans import concept_evidence
    from planner.types import Candidate

    # "should I stop my test as soon as it hits significance?": the peeking page's passage on stopping early is
    # closer (0.58) than peeking's concept vector (0.33); a guide's passage is no evidence for a concept
    page = Candidate("concept-peeking#286a", "concept-peeking", "Peeking", "", "", vector_score=0.58)
    guide = Candidate(
        "peeking-problem#bde5", "peeking-problem", "The peeking problem", "", "", vector_score=0.7
    )
    scores = concept_evidence({"peeking": 0.329, "statistical-significance": 0.418}, [page, guide])
    assert scores == {"peeking": 0.58, "statistical-significance": 0.418}


def test_a_definition_says_how_a_problem_is_detected_and_how_it_is_measured() -> None:
    from planner.context import purpose_hops
    from planner.traversal import Adjacency
    from planner.types import Edge

    # corpus/concepts/sample-ratio-mismatch.md: detected by the SRM check, measured by the chi-square test
    adj = Adjacency.build(
        [
            Edge("srm:det", "sample-ratio-mismatch", "srm-check", "detected_by", 0.95, "Compares counts."),
            Edge(
                "srm:mea",
                "sample-ratio-mismatch",
                "chi-square-goodness-of-fit",
                "measured_by",
                0.9,
                "χ² test.",
            ),
            Edge("srm:inc", "sample-ratio-mismatch", "bias", "increases", 0.9, "Biased comparison."),
        ],
        {},
    )
    assert [h.to_id for h in purpose_hops(adj, "sample-ratio-mismatch")] == [
        "srm-check",
        "chi-square-goodness-of-fit",
    ]


def test_a_concept_named_in_so_many_words_keeps_the_lead_over_a_closer_unnamed_one() -> None:
    from planner.answer_plans import specifically_named

    question = "our A/B result looks too good to be true (+40% conversions), what should i check first"
    start = question.index("too good")
    twyman = LinkedEntity(
        "twymans-law", "Twyman's law", "too good to be true", 0.95, "phrase", start, start + 19
    )
    assert specifically_named(question, [twyman]) == "twymans-law"
    # "my A/B test" or one word ("significant") says little about what the question asks: a closer topic may lead
    q2 = "how long should I run my A/B test?"
    ab = LinkedEntity("ab-test", "A/B test", "A/B test", 1.0, "phrase", q2.index("A/B"), q2.index("A/B") + 8)
    assert specifically_named(q2, [ab]) is None
    q3 = "should I stop my test as soon as it is significant?"
    at = q3.index("significant")
    sig = LinkedEntity(
        "statistical-significance", "Statistical significance", "significant", 1.0, "lemma", at, at + 11
    )
    assert specifically_named(q3, [sig]) is None
    embedded = LinkedEntity("twymans-law", "Twyman's law", "", 0.6, "embedding")
    assert specifically_named(question, [embedded]) is None


def test_the_steps_told_are_numbered_from_one_when_the_passage_lost_its_first() -> None:
    steps = Candidate(
        "srm-guide#2",
        "srm-guide",
        "Diagnosing a sample ratio mismatch — A diagnostic routine",
        "A diagnostic routine",
        "1. Confirm the expected ratio matches what the analysis assumed, including any ramp stages.\n"
        "2. Split the mismatch by day, platform, browser and country to narrow down its cause.\n"
        "3. Compare the counts at each pipeline stage from assignment to analysis.",
    )
    # the numbered passage keeps steps 2 and 3 only (as a clipped passage would)
    plan, _ = outliers_plan(
        "best_practice",
        "what should i do about a sample ratio mismatch",
        [steps],
        clip=lambda s: (
            replace(s, text=s.text.split("Confirm", 1)[0] + s.text.split("stages.", 1)[1])
            if s.kind == "chunk"
            else s
        ),
    )
    told = [i.text for i in plan.items if i.source_id == "srm-guide#2"]
    assert [t.split(":")[0] for t in told] == ["Step 1", "Step 2"]
    assert told[0].startswith("Step 1: Split the mismatch by day")


def test_a_worked_examples_numbers_are_not_lifted_into_an_answer_that_never_set_the_example_up() -> None:
    worked = Candidate(
        "worked-capping-revenue#1",
        "worked-capping-revenue",
        "Worked example: capping revenue",
        "",
        "The capped difference is 12.4 dollars per user with a standard error of 1.8 dollars. "
        "A winsorized mean keeps every user in the analysis while limiting the pull of the largest values.",
    )
    plan, _ = outliers_plan("best_practice", "should i cap outliers in revenue", [CONCEPT_PAGE, worked])
    told = " ".join(i.text for i in plan.items)
    # the example's numbers are the sentence closest to the question (a stand-in cosine): still not told
    assert guide_first("", ["The capped difference is 12.4"]) > guide_first("", ["A winsorized mean"])
    assert "12.4" not in told


def test_a_section_headed_by_the_question_leads_however_its_opening_reads() -> None:
    headed = Candidate(
        "outlier-guide#2",
        "outlier-guide",
        "Outlier guide",
        "Outlier guide > How to find the outliers in revenue",
        "Plot the per-user distribution of each arm on a log scale and list the largest units. Compare the top "
        "units' share of the total between the arms before reading the mean.",
    )
    opening_close = Candidate(
        "outlier-guide#1",
        "outlier-guide",
        "Outlier guide",
        "",
        "Outliers in revenue pull the mean of an arm far away from the typical user's spend.",
    )
    question = "how do I find the outliers in revenue"

    def opening_words(q: str, sentences: Sequence[str]) -> list[float]:
        # the heading alone is the question; the other passage's opening shares more of its words than the
        # headed passage's opening does
        return [
            0.9 if s == "How to find the outliers in revenue" else 0.6 if "pull the mean" in s else 0.4
            for s in sentences
        ]

    plan, sources = outliers_plan("methodology", question, [opening_close, headed], similarity=opening_words)
    ids = {s.marker: s.id for s in sources}
    lead = [i for i in plan.items if i.role == "evidence"]
    assert ids[lead[0].marker] == "outlier-guide#2"
    assert lead[0].text.startswith("Plot the per-user distribution of each arm on a log scale")


def test_between_two_sections_about_as_close_the_one_using_the_question_s_words_leads() -> None:
    # MiniLM put "the traffic mix shifted during the test" a little closer to "change the traffic split in the
    # middle of a test" than the section that answers it: the words asked for decide between the two
    mix = Candidate(
        "outlier-guide#1",
        "outlier-guide",
        "Outlier guide",
        "Outlier guide > Our paid traffic mix shifted during the test",
        "A shift in the paid traffic mix does not bias the comparison when visitors are randomized after the "
        "click. Both arms receive the same mix on the same days.",
    )
    split = Candidate(
        "outlier-guide#2",
        "outlier-guide",
        "Outlier guide",
        "Outlier guide > Can we change the split while a test is running",
        "Changing the traffic split in the middle of a test is valid only if each arm is compared with users "
        "assigned over the same dates. Analyse each allocation period separately.",
    )
    question = "is it ok to change the traffic split in the middle of a test"

    def mix_closer(q: str, sentences: Sequence[str]) -> list[float]:
        # the two whole sections are as close to the question as each other; only their openings differ
        whole = ("Both arms", "Analyse each")
        return [
            0.6 if any(w in s for w in whole) else 0.62 if "mix" in s else 0.56 if "split" in s else 0.2
            for s in sentences
        ]

    plan, sources = outliers_plan("best_practice", question, [mix, split], similarity=mix_closer)
    ids = {s.marker: s.id for s in sources}
    lead = [i for i in plan.items if i.role == "recommendation"]
    assert ids[lead[0].marker] == "outlier-guide#2"
    assert lead[0].text.startswith("Changing the traffic split in the middle of a test is valid only if")


def test_between_two_openings_about_as_close_the_section_whose_text_answers_leads() -> None:
    # an opening about dropping users who switch arms can read a little closer to "remove the whale?" than the opening
    # of the section on a single extreme account; the rest of each section says which one answers it
    switchers = Candidate(
        "outlier-guide#1",
        "outlier-guide",
        "Outlier guide",
        "Outlier guide > Should we drop users who appear in both arms",
        "Dropping users who appear in both arms is not a safe default, because switching can depend on the "
        "variant. Analyse every user in the arm of first assignment.",
    )
    whale = Candidate(
        "outlier-guide#2",
        "outlier-guide",
        "Outlier guide",
        "Outlier guide > One account spent far more than all others",
        "A single account can move a mean on its own. Keep the whale and cap every user's spending at a high "
        "percentile fixed before the test, then report the result with and without the cap.",
    )
    question = "a whale in treatment: remove or keep?"

    def opening_closer(q: str, texts: Sequence[str]) -> list[float]:
        return [
            0.8 if "whale" in t else 0.62 if "both arms" in t else 0.56 if "far more" in t else 0.2
            for t in texts
        ]

    plan, sources = outliers_plan("best_practice", question, [switchers, whale], similarity=opening_closer)
    ids = {s.marker: s.id for s in sources}
    lead = [i for i in plan.items if i.role == "recommendation"]
    assert ids[lead[0].marker] == "outlier-guide#2"
    assert lead[0].text.startswith("A single account can move a mean on its own")


def test_an_unnamed_topic_that_retrieval_does_not_back_is_no_topic() -> None:
    details = {
        "variance": {
            "concept_id": "variance",
            "name": "Variance",
            "definition": "Variance is the average squared distance of the values from their mean.",
        }
    }
    sources = [
        Source(1, "concept", "variance", "Variance", details["variance"]["definition"]),
        Source(2, "chunk", GUIDE.chunk_id, GUIDE.title, GUIDE.text),
    ]

    def plan_for(cosine: float, candidates: Sequence[Candidate]) -> list[str]:
        plan = build_plan(
            "methodology",
            "a few huge orders keep swinging our numbers, what do we do",
            sources=sources,
            details=details,
            entities=[],
            connecting=[],
            candidates=candidates,
            adj=Adjacency(names={}),
            similarity=guide_first,
            retrieved_concepts=["variance"],
            concept_scores={"variance": cosine},
        )
        return [f"{i.role}:{i.source_id}" for i in plan.items]

    # only weakly close to the question, and none of the first passages is about it: the guide leads, and the
    # concept is not defined as the answer's topic
    weak = plan_for(0.38, [GUIDE])
    assert weak[0] == f"evidence:{GUIDE.chunk_id}"
    assert "definition:variance" not in weak
    # close enough, or backed by a passage that mentions it: it is the topic, defined first
    assert plan_for(0.5, [GUIDE])[0] == "definition:variance"
    assert plan_for(0.38, [replace(GUIDE, mentions=("variance",))])[0] == "definition:variance"


CODED = Candidate(
    "capping-in-code#1",
    "capping-in-code",
    "Capping revenue in code",
    "",
    "Capping at the 99th percentile keeps most of the data. statsmodels caps values with a clip before the t-test "
    "runs. Question: An experiment caps revenue per user at the 99th percentile of its pre-period. Cap both arms at "
    "the same value, chosen before the test starts.",
)


def test_a_plan_quotes_neither_code_nor_a_worked_problem_statement() -> None:
    plan, _ = outliers_plan("methodology", "how do i cap revenue outliers in my test", [CONCEPT_PAGE, CODED])
    told = [item.text for item in plan.items]
    assert any(
        t.startswith("Cap both arms at the same value, chosen before the test starts") for t in told
    ), told
    assert not any("statsmodels" in t or "Question:" in t for t in told), told


OFF_TOPIC_GUIDE = Candidate(
    "when-not-to-ab-test#1",
    "when-not-to-ab-test",
    "When not to run an A/B test — Fixes that ship anyway",
    "Fixes that ship anyway",
    "A bug fix that will ship regardless of the result does not need an A/B test. Ship it through a staged rollout.",
)


def off_topic_guide_first(question: str, sentences: Sequence[str]) -> list[float]:
    """The unrelated guide reads a little further from the question than the concept page: only a guide's priority
    could let it lead."""
    return [0.5 if ("ship" in s.lower() or "fixes" in s.lower()) else 0.52 for s in sentences]


def lead_source(chunks: Sequence[Candidate]) -> str:
    plan, sources = outliers_plan(
        "methodology", "how do you handle outliers in revenue", chunks, similarity=off_topic_guide_first
    )
    ids = {s.marker: s.id for s in sources}
    return next(ids[i.marker] for i in plan.items if i.role == "evidence")


def test_a_guide_about_something_else_does_not_outrank_the_primary_concepts_own_page() -> None:
    # "how do we measure long-term effects when our tests only run 2 weeks" was led by a guide's section on running
    # whole weeks: a guide, so it went first, though it is not about the concept the answer is on, whose own page
    # was among the passages competing to lead
    assert lead_source([CONCEPT_PAGE, OFF_TOPIC_GUIDE]) == "concept-outliers#1"
    # the same guide, mentioning the concept, is about it and leads as a guide does
    assert (
        lead_source([CONCEPT_PAGE, replace(OFF_TOPIC_GUIDE, mentions=("outliers",))])
        == "when-not-to-ab-test#1"
    )
    # without the concept's own page in contention, the closest guide still leads
    assert lead_source([OFF_TOPIC_GUIDE, MISTAKES]) == "when-not-to-ab-test#1"


def test_a_lead_sentence_after_one_left_out_must_keep_its_meaning_alone() -> None:
    # a best-practice answer gives no definition, so the sentence after it loses what "they" stands for
    page = replace(
        CONCEPT_PAGE,
        text="Outliers are observations far from the bulk of the data. In experiments they can come from heavy users, "
        "bots and logging errors. Look for outliers in every metric before the analysis, and cap revenue at a "
        "value fixed in advance.",
    )
    plan, _ = outliers_plan("best_practice", "should I remove outliers from revenue before analysis?", [page])
    told = [item.text for item in plan.items]
    assert not any("they can come from" in t for t in told), told
    assert any(t.startswith("Look for outliers in every metric before the analysis") for t in told), told
    # a methodology answer tells the definition first: what follows it reads as it did in the passage
    plan, _ = outliers_plan("methodology", "how do outliers get into revenue data?", [page])
    told = [item.text for item in plan.items]
    assert any(t.startswith("In experiments they can come from heavy users") for t in told), told


def test_the_pitfall_and_the_check_told_are_the_curated_items_closest_to_the_question() -> None:
    details = {
        **DETAILS,
        "outliers": {
            **DETAILS["outliers"],
            "when_to_use": "Look for outliers in every metric before and during an experiment. Cap the top values "
            "at a percentile fixed before the test when one huge order can decide it.",
            "mistakes": "Deleting outliers from one arm only. Deleting outliers after seeing that they hurt the "
            "result.",
        },
    }
    usage = Candidate(
        "concept-outliers#3",
        "concept-outliers",
        "Outliers — When to use",
        "When to use",
        details["outliers"]["when_to_use"],
    )
    mistakes = Candidate(
        "concept-outliers#2",
        "concept-outliers",
        "Outliers — Common mistakes",
        "Common mistakes",
        details["outliers"]["mistakes"],
    )

    def plan_for(question: str, similarity: Callable[[str, Sequence[str]], list[float]]) -> AnswerPlan:
        return outliers_plan(
            "best_practice", question, [CONCEPT_PAGE, mistakes, usage], similarity=similarity, details=details
        )[0]

    def after_seeing(question: str, sentences: Sequence[str]) -> list[float]:
        # close: the sentences that answer; a whole section (two sentences or more) reads as no closer than the rest,
        # so the lead stays the concept's page and the curated items are told in their own roles
        return [
            0.7 if ("after seeing" in s or "huge order" in s) and ". " not in s else 0.4 for s in sentences
        ]

    plan = plan_for("we dropped the outliers once we saw they hurt the lift, ok?", after_seeing)
    told = {i.role: (i.text, i.source_id) for i in plan.items}
    # the second items answer this question; each is cited to the passage of the concept's page that holds it
    assert told["pitfall"] == (
        "A common mistake is deleting outliers after seeing that they hurt the result [2].",
        "concept-outliers#2",
    )
    assert told["how_to_check"][0].startswith("Cap the top values at a percentile fixed before the test")
    assert told["how_to_check"][1] == "concept-outliers#3"

    # when the first items are the closest, they are told as before, cited to the concept itself
    plan = plan_for("where do outliers come from", lambda q, ss: [0.4 for _ in ss])
    told = {i.role: (i.text, i.source_kind) for i in plan.items}
    assert told["pitfall"][0].startswith("A common mistake is deleting outliers from one arm only [")
    assert told["pitfall"][1] == "concept"
    assert told["how_to_check"][1] == "concept"


def test_the_section_of_a_packed_chunk_that_answers_leads_from_its_own_start() -> None:
    # a chunk packed from two short sections: its title is the document's, the headings are in its text
    packed = Candidate(
        "judgement-calls#1",
        "judgement-calls",
        "Judgement calls about test design",
        "",
        "## Can we trust a test that ran for only three days?\n\nA three-day test misses the weekly cycle of "
        "behaviour entirely. Run whole weeks instead of partial ones.\n\n"
        "## Should we stop a test early because the treatment is losing?\n\nStopping a clearly harmful treatment "
        "early is reasonable and common. Follow a stopping rule for harm that was set in advance.",
    )

    def shared_words(question: str, sentences: Sequence[str]) -> list[float]:
        asked = set(question.lower().replace("?", "").split())
        return [0.3 + len(asked & set(s.lower().replace("?", "").split())) / 20 for s in sentences]

    plan, _ = outliers_plan(
        "best_practice", "when should we stop a losing test early?", [packed], similarity=shared_words
    )
    told = [i.text.split(" [")[0] for i in plan.items if i.role == "recommendation"]
    assert told[:2] == [
        "Stopping a clearly harmful treatment early is reasonable and common",
        "Follow a stopping rule for harm that was set in advance",
    ]


def test_a_named_concept_stays_the_topic_when_no_unnamed_one_is_closer_by_the_concept_index() -> None:
    # as "can i trust a test where the control got more traffic" (SRM named, Dunnett's test retrieved): the named
    # concept is the closer by the concept index, the retrieved one's definition reads closer to the question's words
    # "Winsorization: Capping values." reads closer than the outliers' definition by ``guide_first``
    plan, sources = outliers_plan(
        "methodology",
        "how do you deal with outliers in revenue",
        [CONCEPT_PAGE, GUIDE],
        retrieved=["winsorization"],
        concept_scores={"outliers": 0.5, "winsorization": 0.45},
    )
    ids = {s.marker: s.id for s in sources}
    assert f"{plan.items[0].role}:{ids[plan.items[0].marker]}" == "definition:outliers"
