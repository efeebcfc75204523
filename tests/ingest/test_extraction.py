"""The pattern extractor on text written for these tests (not the gold set): definitions, aliases, relations."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.extraction import CandidateConcept, extract, normalise

KNOWN = [
    ("sample-ratio-mismatch", ("Sample ratio mismatch", "SRM")),
    ("peeking", ("Peeking", "optional stopping")),
    ("bias", ("Bias",)),
    ("variance", ("Variance",)),
    ("srm-check", ("SRM check", "SRM test")),
]


@dataclass(frozen=True)
class _Chunk:
    chunk_id: str
    text: str


def _run(text: str) -> tuple[dict[str, CandidateConcept], set[tuple[str, str, str]]]:
    found = extract([_Chunk("doc#1", text)], KNOWN)
    return {c.concept_id: c for c in found.concepts}, {
        (r.source_id, r.rel_type, r.target_id) for r in found.relations
    }


def test_an_acronym_defined_metric_becomes_one_candidate_with_its_alias_and_span() -> None:
    text = "Intro line.\n\nMarrowby Daily Active Painters (DAP) is defined as the count of accounts that saved a canvas today."
    concepts, _ = _run(text)
    cand = concepts["marrowby-daily-active-painters"]
    assert cand.aliases == ("DAP",)
    assert cand.category == "metric_type"
    assert text[cand.evidence.start : cand.evidence.end].startswith("Marrowby Daily Active Painters (DAP)")
    assert cand.evidence.chunk_id == "doc#1"


def test_glossary_lines_define_terms_but_a_lone_colon_label_does_not() -> None:
    text = (
        "Owner: growth analytics.\n\n"
        "Bucket drift: when units slowly move between buckets after a config change.\n"
        "Shadow metric: a metric computed for every test but never shown on the scorecard."
    )
    concepts, _ = _run(text)
    assert set(concepts) == {"bucket-drift", "shadow-metric"}
    assert concepts["bucket-drift"].category == "pitfall"


def test_relations_take_the_ontology_type_from_the_verb_and_its_direction() -> None:
    text = (
        "Bucket drift is when units move between buckets mid-test. Bucket drift causes sample ratio mismatch, "
        "and it is detected by an SRM check. Sticky bucketing mitigates bucket drift."
    )
    concepts, relations = _run(text)
    assert "bucket-drift" in concepts
    assert ("bucket-drift", "causes", "sample-ratio-mismatch") in relations
    assert (
        "bucket-drift",
        "detected_by",
        "srm-check",
    ) in relations  # "it" is the subject of the clause before
    # "Sticky bucketing" is not a concept (never defined), so its relation has no source.
    assert not any(r[0] == "sticky-bucketing" for r in relations)


def test_negated_statements_and_heads_of_longer_phrases_give_no_relation() -> None:
    text = "Bucket drift is when units move between buckets. Bucket drift does not cause peeking. Label bias invalidates bucket drift."
    _, relations = _run(text)
    assert relations == set()


def test_a_longer_cue_owns_its_words() -> None:
    text = "Pooling is a method that averages arms. Pooling reduces the variance of the estimate."
    _, relations = _run(text)
    assert ("pooling", "decreases", "variance") not in relations


def test_normalise_folds_case_hyphens_and_a_plural() -> None:
    assert normalise("Placebo Tests") == normalise("placebo test") == "placebo test"
    assert normalise("Winner's curse") == "winner curse"
    assert normalise("Team-draft interleaving") == "team draft interleaving"
