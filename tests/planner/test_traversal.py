"""Path scoring and traversal over typed relations (pure: an adjacency built from edges)."""

from __future__ import annotations

import itertools

import pytest

from engine.ontology import RELATION_TYPES
from planner.traversal import (
    HOP_DECAY,
    Adjacency,
    best_paths_from,
    connecting_paths,
    describe_path,
    path_score,
    related_concepts,
)
from planner.types import Edge

NAMES = {
    "variance": "Variance",
    "sample-size": "Sample size",
    "multiple-testing": "Multiple testing",
    "significance-level": "Significance level",
    "statistical-power": "Statistical power",
    "cuped": "CUPED",
    "effect-size": "Effect size",
}
EDGES = [
    Edge("v:inc:n", "variance", "sample-size", "increases", 0.9, "More variance needs more users."),
    Edge("mt:dec:a", "multiple-testing", "significance-level", "decreases", 0.8, "Corrections lower alpha."),
    Edge(
        "a:inc:p", "significance-level", "statistical-power", "increases", 0.8, "A larger alpha raises power."
    ),
    Edge("p:req:n", "statistical-power", "sample-size", "requires", 0.9, "Power needs enough users."),
    Edge("c:rv:v", "cuped", "variance", "reduces_variance_of", 0.9, "CUPED shrinks variance."),
    Edge("e:dec:n", "effect-size", "sample-size", "decreases", 0.9, "Bigger effects need fewer users."),
]


@pytest.fixture()
def adj() -> Adjacency:
    return Adjacency.build(EDGES, NAMES)


def test_path_score_is_the_product_of_weights_with_hop_decay() -> None:
    assert path_score([0.9]) == pytest.approx(0.9)
    assert path_score([0.8, 0.8, 0.9]) == pytest.approx(0.8 * 0.8 * 0.9 * HOP_DECAY**2)
    assert path_score([]) == 1.0


def test_each_edge_is_readable_both_ways_with_the_inverse_reading(adj: Adjacency) -> None:
    back = [h for h in adj.neighbours["sample-size"] if h.to_id == "variance"]
    assert back and not back[0].forward
    assert back[0].reading == RELATION_TYPES["increases"].inverse_reads_as


def test_multiple_testing_connects_to_sample_size_through_alpha_and_power(adj: Adjacency) -> None:
    (path,) = connecting_paths(adj, ["multiple-testing", "sample-size"], max_hops=3)
    assert path.node_ids == ["multiple-testing", "significance-level", "statistical-power", "sample-size"]
    assert path.score == pytest.approx(path_score([0.8, 0.8, 0.9]))
    assert describe_path(adj, path).startswith("Multiple testing → decreases Significance level")


def test_max_hops_bounds_the_search(adj: Adjacency) -> None:
    assert connecting_paths(adj, ["multiple-testing", "sample-size"], max_hops=2) == []


def test_related_concepts_rank_by_score_and_exclude_seeds(adj: Adjacency) -> None:
    related = related_concepts(adj, ["variance"], max_hops=2)
    ids = [p.end_id for p in related]
    assert "variance" not in ids
    assert ids[:2] == ["cuped", "sample-size"]  # both direct, weight 0.9; ties break on id
    assert all(a.score >= b.score for a, b in itertools.pairwise(related))


def test_fan_out_keeps_only_the_strongest_edges(adj: Adjacency) -> None:
    narrow = best_paths_from(adj, "sample-size", max_hops=1, fan_out=1)
    assert len(narrow) == 1
    assert len(best_paths_from(adj, "sample-size", max_hops=1, fan_out=None)) == 3


def test_unknown_relation_types_and_self_loops_are_ignored() -> None:
    adj = Adjacency.build([Edge("x", "a", "b", "teleports", 0.9), Edge("y", "a", "a", "requires", 0.9)], {})
    assert adj.edge_count == 0


def test_alternative_connections_through_different_first_steps_are_kept() -> None:
    extra = [
        Edge(
            "b:cor:mt", "bonferroni", "multiple-testing", "corrects_for", 0.8, "Bonferroni corrects for it."
        ),
        Edge("b:inc:n", "bonferroni", "sample-size", "increases", 0.9, "A stricter alpha needs more users."),
    ]
    adj = Adjacency.build([*EDGES, *extra], {**NAMES, "bonferroni": "Bonferroni correction"})
    paths = connecting_paths(adj, ["multiple-testing", "sample-size"], max_hops=3)
    assert [p.node_ids for p in paths] == [
        ["multiple-testing", "bonferroni", "sample-size"],
        ["multiple-testing", "significance-level", "statistical-power", "sample-size"],
    ]
    assert paths[0].hops[0].reading == RELATION_TYPES["corrects_for"].inverse_reads_as
    assert len(connecting_paths(adj, ["multiple-testing", "sample-size"], max_hops=3, per_pair=1)) == 1


def test_parallel_hops_are_the_other_relations_between_the_ends_of_a_direct_path() -> None:
    from planner.traversal import parallel_hops

    # corpus/concepts/baseline-conversion-rate.md and sample-size.md relate the two concepts twice
    adj = Adjacency.build(
        [
            Edge(
                "b:dec:n",
                "baseline-conversion-rate",
                "sample-size",
                "decreases",
                0.9,
                "n scales with (1 − p)/p.",
            ),
            Edge("n:req:b", "sample-size", "baseline-conversion-rate", "requires", 0.8, "Through p(1 − p)."),
            Edge("v:inc:n", "variance", "sample-size", "increases", 0.9, "More variance needs more users."),
        ],
        {"baseline-conversion-rate": "Baseline", "sample-size": "Sample size", "variance": "Variance"},
    )
    (path,) = connecting_paths(adj, ["baseline-conversion-rate", "sample-size"], max_hops=2)
    assert [h.relation_id for h in path.hops] == ["b:dec:n"]
    assert [(h.relation_id, h.forward) for h in parallel_hops(adj, path)] == [("n:req:b", False)]
    two_hops = connecting_paths(adj, ["baseline-conversion-rate", "variance"], max_hops=2)[0]
    assert len(two_hops.hops) == 2 and parallel_hops(adj, two_hops) == []


def test_a_topic_of_the_question_is_kept_among_related_concepts_over_stronger_links(adj: Adjacency) -> None:
    # from sample size, CUPED (two hops, weaker) ranks below variance, effect size and power...
    plain = [p.end_id for p in related_concepts(adj, ["sample-size"], max_hops=2, limit=3)]
    assert "cuped" not in plain
    # ...unless the question is about CUPED without naming it: then it is kept, first
    preferred = related_concepts(adj, ["sample-size"], max_hops=2, limit=3, prefer=["cuped"])
    assert preferred[0].end_id == "cuped" and list(preferred[0].node_ids) == [
        "sample-size",
        "variance",
        "cuped",
    ]
