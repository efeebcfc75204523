"""The hand-annotation review: stable pair keys, pairs from an answer, and the report's counts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from eval.faithfulness_review import (
    ANNOTATIONS,
    VERDICTS,
    Pair,
    answer_pairs,
    count,
    is_connective,
    pair_key,
    parse_annotations,
    render,
)

CITATIONS = [
    {"marker": 1, "kind": "concept", "id": "p-value"},
    {"marker": 2, "kind": "chunk", "id": "peeking-problem#abc"},
]
PASSAGES = {"p-value": "The p-value is ...", "peeking-problem#abc": "Peeking means ..."}


def _text(citation: object) -> str:
    return PASSAGES[str(citation["id"])]  # type: ignore[index]


def test_key_is_sha256_of_normalised_sentence_and_cited_id() -> None:
    expected = hashlib.sha256(b"the p-value is a probability\nconcept:p-value").hexdigest()
    assert pair_key("The p-value is a probability [1].", "concept:p-value") == expected


def test_key_ignores_marker_numbers_case_spacing_and_dash_style() -> None:
    a = pair_key("The p\u2011value is  a probability [1].", "concept:p-value")
    b = pair_key("the p-value is a probability [3]", "concept:p-value")
    assert a == b
    assert a != pair_key("The p-value is a probability [1].", "chunk:p-value#1")
    assert a != pair_key("The p-value is not a probability [1].", "concept:p-value")


def test_answer_pairs_one_per_distinct_marker_and_uncited_sentences() -> None:
    answer = (
        "The p-value is a probability [1]. Peeking inflates it [2, 1, 2]. "
        "How many users enter the experiment per day? It is always wrong. Stale marker [9]."
    )
    pairs = answer_pairs("q1", answer, CITATIONS, _text)
    assert [(p.sentence[:12], p.chunk_id, p.connective) for p in pairs] == [
        ("The p-value ", "concept:p-value", False),
        ("Peeking infl", "chunk:peeking-problem#abc", False),
        ("Peeking infl", "concept:p-value", False),
        ("How many use", None, True),
        ("It is always", None, False),
        ("Stale marker", None, False),
    ]
    assert pairs[1].passage == "Peeking means ..."
    assert pairs[3].passage is None


@pytest.mark.parametrize(
    ("sentence", "connective"),
    [
        ("What is the smallest effect you want to detect?", True),
        ("Say whether it is relative or absolute.", True),
        ("To calculate the sample size I also need the minimum detectable effect.", True),
        ("Here is how they relate:", True),
        ("Peeking inflates the false positive rate.", False),
    ],
)
def test_connective_rule(sentence: str, connective: bool) -> None:
    assert is_connective(sentence) is connective


def _pair(key: str, chunk: str | None, connective: bool = False) -> Pair:
    return Pair(key, "q", f"sentence {key}", chunk, None if chunk is None else "text", connective)


def test_count_against_a_hand_made_annotation_file() -> None:
    lines = [
        json.dumps({"key": "a", "verdict": "supported"}),
        json.dumps({"key": "b", "verdict": "partial"}),
        "",
        json.dumps({"key": "c", "verdict": "unsupported"}),
        json.dumps({"key": "d", "verdict": "supported"}),  # annotated but not in this run
    ]
    pairs = [
        _pair("a", "concept:x"),
        _pair("a", "concept:x"),  # the same sentence and passage in a second answer counts twice
        _pair("b", "chunk:y"),
        _pair("c", "chunk:y"),
        _pair("e", "chunk:z"),  # not annotated
        _pair("f", None, connective=True),
        _pair("g", None),  # an uncited claim: unsupported by rule
    ]
    rep = count(pairs, parse_annotations(lines), answers=2)
    assert (rep.pairs, rep.cited_pairs, rep.annotated, rep.connective, rep.uncited_claims) == (7, 5, 4, 1, 1)
    assert dict(rep.verdicts) == {"supported": 2, "partial": 1, "unsupported": 2}
    assert rep.judged == 5
    assert rep.supported_share == 0.4
    assert [p.key for p in rep.unannotated] == ["e"]
    text = render(rep)
    assert "annotated cited pairs: 4/5 (80.0%)" in text
    assert "supported 2, partial 1, unsupported 2; supported share 0.4" in text
    assert "e  q  chunk:z  sentence e" in text


def test_unknown_verdict_is_rejected() -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_annotations([json.dumps({"key": "a", "verdict": "mostly"})])


def test_committed_annotation_file_is_well_formed() -> None:
    rows = [json.loads(x) for x in Path(ANNOTATIONS).read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(rows) >= 200
    assert len({r["key"] for r in rows}) == len(rows)
    for r in rows:
        assert r["verdict"] in VERDICTS
        assert r["key"] == pair_key(r["sentence"], r["chunk_id"])
        assert r["verdict"] == "supported" or r["note"]
