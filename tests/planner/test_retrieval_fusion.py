"""Reciprocal rank fusion, mention boosts and near-duplicate removal (pure)."""

from __future__ import annotations

import pytest

from planner.retrieval import (
    RRF_K,
    choose_bm25_terms,
    fuse,
    in_setting_first,
    jaccard,
    mark_duplicates,
    mention_boost,
    names_setting,
    query_terms,
    rrf_scores,
)
from planner.types import Candidate


def test_rrf_rewards_items_ranked_well_by_both_retrievers() -> None:
    scores = rrf_scores({"vector": ["a", "b", "c"], "bm25": ["b", "d"]})
    assert scores["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert scores["a"] == pytest.approx(1 / (RRF_K + 1))
    assert max(scores, key=scores.__getitem__) == "b"


def test_an_item_repeated_in_one_ranking_counts_once() -> None:
    assert rrf_scores({"v": ["a", "a"]})["a"] == pytest.approx(1 / (RRF_K + 1))


def test_mention_boost_uses_the_strongest_concept_plus_a_share_of_the_others() -> None:
    weights = {"variance": 1.0, "sample-size": 0.5}
    assert mention_boost(["variance", "sample-size", "other"], weights, boost=0.01) == pytest.approx(
        0.01 * 1.125
    )
    assert mention_boost(["other"], weights) == 0.0


def _row(cid: str, text: str, doc: str = "d", **extra: float) -> dict[str, object]:
    return {"chunk_id": cid, "doc_id": doc, "title": doc, "heading": "", "text": text, **extra}


def test_fuse_ranks_boosted_chunks_first_and_keeps_each_retrievers_scores() -> None:
    vec = [_row("a", "alpha text", similarity=0.7), _row("b", "beta text", similarity=0.6)]
    bm = [_row("b", "beta text", bm25=3.2), _row("c", "gamma text", bm25=1.0)]
    ranked = fuse(vec, bm, {"c": ["variance"]}, {"variance": 1.0})
    # b is found by both retrievers; c's mention boost lifts it above a, which only the vector search ranked higher
    assert [c.chunk_id for c in ranked] == ["b", "c", "a"]
    b = next(c for c in ranked if c.chunk_id == "b")
    assert (b.vector_rank, b.bm25_rank, b.bm25_score) == (2, 1, 3.2)


def test_near_duplicate_overlapping_chunks_are_marked_not_kept() -> None:
    base = "increasing the variance of a metric increases the sample size needed to detect the same effect"
    ranked = fuse(
        [
            _row("a", base),
            _row("b", base + " at the same power"),
            _row("c", "bootstrap confidence intervals"),
        ],
        [],
        {},
        {},
    )
    kept = mark_duplicates(ranked)
    assert [c.chunk_id for c in kept] == ["a", "c"]
    assert ranked[1].duplicate_of == "a"
    assert jaccard(base, base) == 1.0


def test_query_terms_drop_stop_words_and_keep_hyphenated_terms() -> None:
    assert query_terms("What is the p-value of an A/B test?") == ["p-value", "test"]
    assert query_terms("'; DELETE chunk; --") == ["delete", "chunk"]
    assert query_terms("") == []


def test_bm25_uses_the_rarest_terms_and_says_why_others_were_left_out() -> None:
    df = {"sample": 190, "size": 120, "ratio": 30, "mismatch": 12, "srmx": 0}
    chosen, reasons = choose_bm25_terms(["sample", "size", "ratio", "mismatch", "srmx"], df, 500, max_terms=2)
    assert chosen == ["mismatch", "ratio"]
    assert reasons["srmx"] == "not in the index"
    assert reasons["sample"].startswith("too common")
    assert reasons["size"] == "less specific than the chosen terms"


def test_when_every_term_is_common_the_rarest_still_votes() -> None:
    chosen, _ = choose_bm25_terms(["test", "experiment"], {"test": 400, "experiment": 300}, 500)
    assert chosen == ["experiment"]
    assert choose_bm25_terms(["zzz"], {"zzz": 0}, 500)[0] == []


MOBILE = ["mobile app", "iOS", "Android"]


def test_a_setting_is_named_by_every_stemmed_word_of_one_of_its_names() -> None:
    assert names_setting("how long should our mobile apps test run?", MOBILE)
    assert names_setting("we test on ios only", MOBILE)
    assert not names_setting("how long should I run my test?", MOBILE)
    assert not names_setting("our mobile web checkout", MOBILE), "'mobile' alone is not 'mobile app'"
    assert not names_setting("anything", [])


def test_passages_of_a_setting_the_question_does_not_name_go_last_in_order() -> None:
    cands = [
        Candidate(cid, cid.split("#")[0], "", "", "text") for cid in ("app#1", "duration#1", "app#2", "srm#1")
    ]
    settings = {"app#1": MOBILE, "app#2": MOBILE}
    ranked, off = in_setting_first(cands, "how long should I run my test?", settings)
    assert [c.chunk_id for c in ranked] == ["duration#1", "srm#1", "app#1", "app#2"]
    assert off == ["app#1", "app#2"]
    ranked, off = in_setting_first(cands, "how long should an Android test run?", settings)
    assert [c.chunk_id for c in ranked] == ["app#1", "duration#1", "app#2", "srm#1"] and off == []


def test_query_terms_leave_out_the_duration_idiom_and_the_ab_spelling() -> None:
    # "how long" asks for a duration: "long" would find the passages on long-term effects
    assert query_terms("how long should i run my ab test") == ["run", "test"]
    assert query_terms("how often should we check results") == ["check", "results"]
    # a long-term effect is still a topic; the corpus writes A/B, which gives no term of its own
    assert query_terms("long-term effects of an a-b test") == ["long-term", "effects", "test"]
