"""Answer plans are pure: given the numbered sources, each intent's plan says the graph's facts in a fixed order."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from planner.answer_plans import (
    AnswerPlan,
    Similarity,
    build_plan,
    cite,
    defined_first,
    plan_kind,
    steps_of,
    used_as_verb,
)
from planner.context import estimate_tokens, number_sources, order_items
from planner.traversal import Adjacency, connecting_paths
from planner.types import Candidate, Edge, LinkedEntity, Source

DETAILS = {
    "peeking": {
        "concept_id": "peeking",
        "name": "Peeking",
        "definition": "Peeking is checking a fixed-horizon test repeatedly and stopping when it looks significant. "
        "Each look is another chance for noise to cross the threshold. Each look adds a little to the false positive rate. A fourth sentence is left out.",
        "when_to_use": "Watch for peeking whenever a dashboard shows live p-values. The fix is procedural.",
        "mistakes": "Believing that looking is harmless if the test runs to the end. Stopping on day two.",
    },
    "sequential-testing": {
        "concept_id": "sequential-testing",
        "name": "Sequential testing",
        "definition": "Sequential testing analyses data at planned interim looks with boundaries that keep the "
        "overall false positive rate at alpha.",
        "when_to_use": "Use a sequential design when you need to stop early for harm or for a clear win.",
        "mistakes": "Using fixed-horizon p-values at interim looks.",
    },
    "always-valid-inference": {
        "concept_id": "always-valid-inference",
        "name": "Always-valid inference",
        "definition": "Always-valid inference gives p-values that stay valid however often the data are checked.",
        "when_to_use": "Use always-valid p-values when stakeholders will watch a live dashboard.",
        "mistakes": "Treating an always-valid p-value as a fixed-horizon one.",
    },
}
EDGE = Edge(
    "r1",
    "peeking",
    "sequential-testing",
    "mitigated_by",
    0.9,
    "Boundaries that spend alpha over the looks make interim analyses legitimate.",
)
ADJ = Adjacency.build([EDGE], {"peeking": "Peeking", "sequential-testing": "Sequential testing"})
GUIDE = Candidate(
    "duration#2",
    "test-duration-planning",
    "Planning test duration",
    "The statistical minimum",
    "How long to run:\n\n1. Do the power analysis for the primary metric.\n2. Divide by the share of traffic in the "
    "smallest arm.\n3. Find the first day on which the cumulative count reaches the total.\n",
)


def by_length(question: str, sentences: Sequence[str]) -> list[float]:
    """A deterministic stand-in for the embedding cosine: longer sentences score higher, all above the floor."""
    return [0.5 + len(s) / 1000 for s in sentences]


def entity(cid: str, name: str) -> LinkedEntity:
    return LinkedEntity(cid, name, name.lower(), 1.0, "phrase")


def plan_for(
    intent: str,
    question: str,
    entities: list[LinkedEntity],
    chunks: Sequence[Candidate] = (),
    relevance: Similarity | None = None,
    *,
    rerank: Similarity | None = None,
    adj: Adjacency = ADJ,
    details: dict[str, dict[str, str]] = DETAILS,
    asked: Sequence[str] = (),
) -> tuple[AnswerPlan, list[Source]]:
    seeds = [e.concept_id for e in entities]
    connecting = connecting_paths(adj, seeds, max_hops=3) if len(seeds) > 1 else []
    items = order_items(
        intent, entities=entities, details=details, connecting=connecting, related=[], chunks=chunks, adj=adj
    )
    sources, _ = number_sources(items, None, budget=2000, count=estimate_tokens)
    plan = build_plan(
        intent,
        question,
        sources=sources,
        details=details,
        entities=entities,
        connecting=connecting,
        candidates=chunks,
        adj=adj,
        similarity=by_length,
        relevance=relevance,
        asked_concepts=asked,
        rerank=rerank,
    )
    return plan, sources


def test_definition_plan_is_the_curated_definition_then_when_to_use_then_one_mistake() -> None:
    plan, sources = plan_for("definition", "whats peeking", [entity("peeking", "Peeking")])
    marker = next(s.marker for s in sources if s.id == "peeking")
    roles = [i.role for i in plan.items]
    # then at most one passage sentence that answers the question and the plan did not say (focused evidence)
    assert roles[:6] == ["definition"] * 3 + ["purpose", "when_to_use", "common_mistake"]
    assert roles[6:] in ([], ["evidence"])
    plan.items[6:] = []
    # why it matters in the graph's words: how peeking is handled, with the relation's reason
    purpose = plan.items[3]
    assert purpose.source_kind == "relation" and purpose.text.startswith(
        "Peeking is mitigated by Sequential testing"
    )
    assert "spend alpha over the looks" in purpose.text
    plan.items.remove(purpose)
    assert plan.items[0].text == (
        f"Peeking is checking a fixed-horizon test repeatedly and stopping when it looks significant [{marker}]."
    )
    assert plan.items[3].text.startswith("Watch for peeking whenever a dashboard shows live p-values")
    # a list item lifted out of the curated list gets its lead, so it stands as a sentence
    assert (
        plan.items[4].text
        == f"A common mistake is believing that looking is harmless if the test runs to the end [{marker}]."
    )
    # every planned sentence is in the source it cites, so the verifier can check it
    source_text = next(s.text for s in sources if s.marker == marker)
    assert all(i.text.replace(f" [{marker}]", "") in source_text for i in plan.items)
    assert not plan.generate and "generation skipped" in plan.reason


def test_comparison_plan_gives_both_definitions_the_relation_and_when_to_use_each() -> None:
    plan, _ = plan_for(
        "comparison",
        "peeking vs sequential testing",
        [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")],
    )
    roles = [i.role for i in plan.items]
    assert roles[:5] == ["definition", "definition", "hop", "when_to_use", "when_to_use"]
    assert set(roles[5:]) <= {"evidence"}
    hop = plan.items[2]
    assert hop.source_kind == "relation" and "spend alpha" in hop.text


def test_a_three_way_comparison_defines_and_places_each_side() -> None:
    sides = [
        entity("peeking", "Peeking"),
        entity("sequential-testing", "Sequential testing"),
        entity("always-valid-inference", "Always-valid inference"),
    ]
    plan, _ = plan_for("comparison", "peeking vs sequential testing vs always-valid inference", sides)
    defined = [i.text for i in plan.items if i.role == "definition"]
    assert [t.split(" ")[0] for t in defined] == ["Peeking", "Sequential", "Always-valid"]
    assert sum(i.role == "when_to_use" for i in plan.items) == 3
    assert any(
        i.role == "hop" and "spend alpha" in i.text for i in plan.items
    )  # the pair's relation still told
    # "A vs B" with a third concept only mentioned compares two
    two, _ = plan_for(
        "comparison", "peeking vs sequential testing, and what about always-valid inference", sides
    )
    assert sum(i.role == "definition" for i in two.items) == 2


def test_multi_hop_plan_tells_the_path_with_each_hops_justification() -> None:
    plan, _ = plan_for(
        "methodology",
        "how does peeking relate to sequential testing?",
        [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")],
    )
    assert plan.kind == "multi_hop"
    hops = [i for i in plan.items if i.role == "hop"]
    assert (len(hops) == 1 and hops[0].text.startswith("Peeking is mitigated by Sequential testing")) or hops[
        0
    ].text.startswith("Sequential testing mitigates Peeking")
    assert "spend alpha over the looks" in hops[0].text


def test_methodology_plan_tells_the_guides_steps_in_order() -> None:
    plan, sources = plan_for(
        "methodology", "how long should i run my test", [entity("peeking", "Peeking")], [GUIDE]
    )
    steps = [i.text for i in plan.items if i.role == "step"]
    marker = next(s.marker for s in sources if s.id == GUIDE.chunk_id)
    assert steps == [
        f"Step 1: Do the power analysis for the primary metric [{marker}].",
        f"Step 2: Divide by the share of traffic in the smallest arm [{marker}].",
        f"Step 3: Find the first day on which the cumulative count reaches the total [{marker}].",
    ]


def test_best_practice_plan_is_recommendation_pitfall_and_check() -> None:
    plan, _ = plan_for(
        "best_practice",
        "should i stop early when it looks significant",
        [entity("peeking", "Peeking")],
        [GUIDE],
    )
    assert [i.role for i in plan.items][-2:] == ["pitfall", "how_to_check"]
    assert plan.items[0].role == "recommendation" and plan.items[0].source_kind == "chunk"


def test_how_one_concept_moves_another_is_a_walk_in_any_causal_wording() -> None:
    named = [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")]
    connecting = connecting_paths(ADJ, ["peeking", "sequential-testing"], max_hops=3)
    for question in (
        "how does sequential testing cut the damage peeking does",
        "how does peeking inflate false positives, and how does sequential testing turn that around",
        "walk me through peeking -> sequential testing",
    ):
        assert plan_kind("methodology", question, named, connecting) == "multi_hop", question
    # naming both without asking how one moves the other is not a walk
    assert plan_kind("methodology", "peeking and sequential testing in practice", named, connecting) == (
        "methodology"
    )
    # "impact" and "change" as nouns name no relation between the two
    for question in (
        "we peeked, then switched to sequential testing. how can we still estimate its impact?",
        "peeking and sequential testing: what does the change to our process look like?",
    ):
        assert plan_kind("methodology", question, named, connecting) == "methodology", question
    assert plan_kind("methodology", "how does peeking impact sequential testing", named, connecting) == (
        "multi_hop"
    )
    # "bias" as a verb is a relation, however the question then sets two fixes against each other
    biased = (
        "why does peeking bias the sequential testing estimates, and would a holdout or a longer run fix that"
    )
    assert plan_kind("methodology", biased, named, connecting) == "multi_hop"


def test_a_concept_name_used_as_a_verb_is_told_as_a_relation_not_defined() -> None:
    assert used_as_verb("why do novelty effects bias short tests", "bias")
    assert used_as_verb("how does that bias the result", "bias")
    assert not used_as_verb("what is selection bias in a test", "bias")
    assert not used_as_verb("what is bias", "bias")
    assert not used_as_verb("how does peeking bias the lift", "sequential testing")  # a name of two words


def test_two_named_concepts_are_compared_only_when_the_question_sets_them_apart() -> None:
    named = [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")]
    for question in (
        "peeking or sequential testing for our checkout test?",
        "how is peeking different from sequential testing",
        "what's the difference between peeking and sequential testing",
    ):
        assert plan_kind("methodology", question, named, []) == "comparison", question
    # "different" that describes the situation sets nothing apart
    situation = (
        "we did peeking and sequential testing on users who joined on different days, how do we analyze it"
    )
    assert plan_kind("methodology", situation, named, []) == "methodology"
    # nor does "or not"
    assert plan_kind(
        "best_practice", "peeking looks fine and sequential testing agrees. ship or not?", named, []
    ) == ("best_practice")


def test_an_or_between_two_courses_of_action_compares_no_concepts() -> None:
    # the concepts come from the situation the question sets: the "or" weighs what to do next
    named = [
        entity("non-significant-result", "Non-significant result"),
        entity("statistical-power", "Statistical power"),
    ]
    question = (
        "our checkout test has been running 3 weeks and its still not significant. keep going or call it?"
    )
    assert plan_kind("best_practice", question, named, []) == "best_practice"
    both_before = [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")]
    assert plan_kind(
        "best_practice", "we did peeking and sequential testing, ship or wait?", both_before, []
    ) == ("best_practice")
    assert plan_kind("best_practice", "peeking vs sequential testing, which is safer?", both_before, []) == (
        "comparison"
    )


def test_a_how_to_question_numbers_its_passages_before_the_path_it_does_not_walk() -> None:
    named = [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")]
    connecting = connecting_paths(ADJ, ["peeking", "sequential-testing"], max_hops=3)

    def kinds(walks: bool) -> list[str]:
        items = order_items(
            "methodology",
            walks=walks,
            entities=named,
            details=DETAILS,
            connecting=connecting,
            related=[],
            chunks=[GUIDE],
            adj=ADJ,
        )
        return [i.kind for i in items]

    assert kinds(walks=True) == ["relation", "concept", "concept", "chunk"]
    # with a budget of a few sources, the passage that says how is numbered before relations no plan step tells
    assert kinds(walks=False) == ["concept", "concept", "chunk", "relation"]


def test_a_multi_hop_plan_defines_each_named_concept_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    second = "Each boundary is wider than the fixed-horizon threshold."
    monkeypatch.setitem(
        DETAILS["sequential-testing"], "definition", f"{DETAILS['sequential-testing']['definition']} {second}"
    )
    plan, _ = plan_for(
        "methodology",
        "how does peeking relate to sequential testing?",
        [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")],
    )
    assert plan.kind == "multi_hop"
    definitions = [i.text for i in plan.items if i.role == "definition"]
    assert any(d.startswith("Peeking is checking") for d in definitions)
    assert any(d.startswith("Sequential testing analyses data") for d in definitions)
    # the rest of a curated definition is left to the focused evidence, which answers what was asked
    assert not any(d.startswith(("Each look", "Each boundary")) for d in definitions)


def test_calculations_have_no_plan_here() -> None:
    assert (
        plan_kind("calculation", "sample size for 5% lift on 10% baseline", [], [], calculated=True) == "none"
    )
    # nothing was calculated: the question asks how the method works
    assert plan_kind("calculation", "how is a two-proportion z test computed", [], []) == "methodology"


def test_helpers() -> None:
    assert cite("Power is a probability.", 3) == "Power is a probability [3]."
    # a sentence opening on a lower-case term starts with a capital, as a sentence does; it is no cut-off fragment
    assert (
        cite("p-hacking is trying many analysis choices.", 1)
        == "P-hacking is trying many analysis choices [1]."
    )
    assert cite("mSPRT gives always-valid p-values.", 2) == "mSPRT gives always-valid p-values [2]."
    assert steps_of("intro\n1. First step.\n2) Second step.\n- not a step") == ["First step.", "Second step."]


def test_the_relevance_scorer_decides_the_focused_evidence_with_the_plain_cosine() -> None:
    entities = [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")]
    question = "how do i stop early without peeking"
    plain, _ = plan_for("methodology", question, entities, chunks=[GUIDE])
    assert [i.text[:30] for i in plain.items if i.role == "evidence"] == [
        "A common mistake is believing ",
        "Watch for peeking whenever a d",
        "Each look is another chance fo",
        "A fourth sentence is left out ",
        "A common mistake is using fixe",
    ]

    def fourth(q: str, sentences: Sequence[str]) -> list[float]:
        return [1.0 if "fourth" in s else 0.0 for s in sentences]

    tuned, _ = plan_for("methodology", question, entities, chunks=[GUIDE], relevance=fourth)
    # half plain cosine (0.53-0.63), half relevance: only the sentence the scorer backs stays above the 0.35 floor
    assert [i.text for i in tuned.items if i.role == "evidence"] == ["A fourth sentence is left out [2]."]
    # the trace lists every weighed sentence with both scores
    considered = tuned.to_trace()["considered"]
    assert len(considered) == 11
    assert {
        "source": "concept:peeking",
        "sentence": "A fourth sentence is left out.",
        "cosine": 0.53,
        "relevance": 1.0,
        "rerank": None,
    } in considered
    assert all(c["relevance"] is None for c in plain.to_trace()["considered"])


def test_the_reranker_moves_the_focused_evidence_it_rereads_and_the_trace_keeps_its_scores() -> None:
    entities = [entity("peeking", "Peeking"), entity("sequential-testing", "Sequential testing")]
    question = "how do i stop early without peeking"
    plain, _ = plan_for("methodology", question, entities, chunks=[GUIDE])
    assert [i.text[:30] for i in plain.items if i.role == "evidence"][2] == "Each look is another chance fo"

    def backs_each_look(q: str, sentences: Sequence[str]) -> list[float]:
        assert q == question  # the cross-encoder reads the question as asked
        return [4.0 if s.startswith("Each look is another") else 0.0 for s in sentences]

    reranked, _ = plan_for("methodology", question, entities, chunks=[GUIDE], rerank=backs_each_look)
    evidence = [i.text[:30] for i in reranked.items if i.role == "evidence"]
    assert evidence[0] == "Each look is another chance fo"
    considered = {c["sentence"][:30]: c for c in reranked.to_trace()["considered"]}
    assert considered["Each look is another chance fo"]["rerank"] == 4.0
    assert considered["A fourth sentence is left out."]["rerank"] == 0.0


def _entity(question: str, concept_id: str, mention: str) -> LinkedEntity:
    start = question.lower().index(mention.lower())
    return LinkedEntity(concept_id, mention, mention, 1.0, "phrase", start, start + len(mention))


def test_a_definition_question_defines_the_first_concept_named_after_its_cue() -> None:
    question = (
        "can someone explain SUTVA like I'm a PM? the causal inference person keeps saying we violate it"
    )
    entities = [
        _entity(question, "causal-inference", "causal inference"),
        _entity(question, "sutva", "SUTVA"),
    ]
    assert defined_first(question, ["causal-inference", "sutva"], entities) == ["sutva", "causal-inference"]
    # a setting named before the cue is not what is asked
    question = "in a switchback experiment, what is a carryover effect?"
    entities = [
        _entity(question, "switchback-experiment", "switchback experiment"),
        _entity(question, "carryover-effect", "carryover effect"),
    ]
    named = ["switchback-experiment", "carryover-effect"]
    assert defined_first(question, named, entities) == ["carryover-effect", "switchback-experiment"]
    # links without a position (embedding links) keep the linker's order
    assert defined_first("what is it", ["a", "b"], [LinkedEntity("b", "b", "", 0.5, "embedding")]) == [
        "a",
        "b",
    ]


def test_a_calculation_that_also_asks_what_the_numbers_mean_gets_a_plan() -> None:
    asks_why = "our conversion is 0.5%. why does such a low baseline blow up the sample size for a 2% lift?"
    assert plan_kind("calculation", asks_why, [], [], calculated=True) == "calculation"
    # "what does <the numbers> mean?" asks for the explanation too
    reported = "what does a 95% CI of [-0.2%, +1.8%] on the lift actually mean?"
    assert plan_kind("calculation", reported, [], [], calculated=True) == "calculation"
    assert (
        plan_kind("calculation", "sample size for a 2% lift on a 0.5% baseline?", [], [], calculated=True)
        == "none"
    )
    # a calculation that answers only part of a judgement ("is that realistic?", "should we?") is explained too
    for judged in (
        "1,500 sign-ups a month at a 9% trial-to-paid rate and we want to catch 4% relative lifts. realistic?",
        "2k visitors a week, 3% conversion, target a 10% lift - feasible or should we test something bolder?",
        "baseline 4%, we hope for +5% relative with 30k users a day. should we even bother running it?",
    ):
        assert plan_kind("calculation", judged, [], [], calculated=True) == "calculation", judged
    # "should I" in a request for the number is no judgement: the calculator's answer is the whole answer
    asks_number = (
        "how long should I run a test with 12,000 visitors per day, a 3% baseline and a 10% relative mde?"
    )
    assert plan_kind("calculation", asks_number, [], [], calculated=True) == "none"


def test_a_multi_hop_question_that_asks_for_a_fix_also_gets_the_relations_that_handle_the_path() -> None:
    cause = Edge(
        "r2",
        "peeking",
        "type-i-error",
        "causes",
        0.9,
        "Every extra look is another chance for noise to cross.",
    )
    names = {"peeking": "Peeking", "sequential-testing": "Sequential testing", "type-i-error": "Type I error"}
    adj = Adjacency.build([EDGE, cause], names)
    details = {
        **DETAILS,
        "type-i-error": {
            "concept_id": "type-i-error",
            "name": "Type I error",
            "definition": "A type I error is rejecting a true null hypothesis.",
        },
    }
    entities = [entity("peeking", "Peeking"), entity("type-i-error", "Type I error")]

    def plan(question: str) -> AnswerPlan:
        return plan_for("methodology", question, entities, adj=adj, details=details)[0]

    fixed = plan("why does peeking cause type I errors, and what methods let us look legitimately?")
    assert fixed.kind == "multi_hop"
    methods = [i.text for i in fixed.items if i.role == "method"]
    assert len(methods) == 1 and methods[0].startswith("Peeking is mitigated by Sequential testing")
    # asked only why: the walk alone
    why = plan("why does peeking cause type I errors?")
    assert why.kind == "multi_hop" and not [i for i in why.items if i.role == "method"]


def test_an_advice_answer_is_about_the_concept_its_ask_names_not_the_one_its_setting_names() -> None:
    question = "our dashboards run sequential testing on every metric. is peeking fine then?"
    entities = [entity("sequential-testing", "Sequential testing"), entity("peeking", "Peeking")]

    def check_items(asked: Sequence[str]) -> list[str]:
        plan, _ = plan_for("best_practice", question, entities, asked=asked)
        return [i.text for i in plan.items if i.role in ("pitfall", "how_to_check")]

    assert any("Watch for peeking" in t for t in check_items(["peeking"]))
    # without the ask's concept, the first named one leads: the setting's
    assert any("sequential design" in t for t in check_items([]))
