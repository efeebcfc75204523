"""The fine-tuning set: built from the real bundled corpus and the real calculators."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from ingest.corpus_source import load_corpus_batch
from ingest.source_document import SourceDocument
from model.prompts import ANSWER_SYSTEM_PROMPT
from planner.context import MAX_PASSAGE_WORDS
from textkit.citations import citation_markers, cite
from textkit.clipping import clip_words
from textkit.markdown import plain_text
from training.sft_data import (
    SFTConfig,
    SFTDataError,
    SFTDataset,
    SFTExample,
    build_sft_dataset,
    load_external_examples,
    read_jsonl,
    sample_examples,
    write_dataset,
)

SMALL = SFTConfig(calculations_per_tool=4)
_MARKER = re.compile(r"\s*\[(\d+)\]([.!?])$")


@pytest.fixture(scope="module")
def documents(settings: Settings) -> tuple[SourceDocument, ...]:
    return load_corpus_batch(settings.corpus_dir).documents


@pytest.fixture(scope="module")
def dataset(documents: tuple[SourceDocument, ...]) -> SFTDataset:
    return build_sft_dataset(documents, SMALL)


def _source_lines(example: SFTExample) -> dict[int, str]:
    block = example.messages[1].content.split("\n\nQuestion:")[0]
    lines: dict[int, str] = {}
    for line in block.splitlines()[1:]:
        match = re.match(r"\[(\d+)\] (.*)", line)
        assert match, f"unexpected source line {line!r}"
        lines[int(match.group(1))] = match.group(2)
    return lines


def _sentences(target: str) -> list[str]:
    return re.split(r"(?<=\][.!?]) ", target)


def test_building_twice_gives_the_same_records_and_hash(
    documents: tuple[SourceDocument, ...], dataset: SFTDataset
) -> None:
    again = build_sft_dataset(documents, SMALL)
    assert again.data_hash == dataset.data_hash
    assert [e.to_record() for e in again.train[:20]] == [e.to_record() for e in dataset.train[:20]]


def test_another_seed_holds_out_other_concepts(
    documents: tuple[SourceDocument, ...], dataset: SFTDataset
) -> None:
    other = build_sft_dataset(documents, SFTConfig(seed=99, calculations_per_tool=4))
    assert other.held_out_concepts != dataset.held_out_concepts
    assert other.data_hash != dataset.data_hash


def test_every_kind_is_in_both_splits(dataset: SFTDataset) -> None:
    counts = dataset.counts()
    for split in ("train", "held_out"):
        assert set(counts[split]) == {"definition", "relation", "methodology", "calculation"}, counts
    assert sum(counts["train"].values()) > 3 * sum(counts["held_out"].values())


def test_held_out_split_shares_no_concept_with_training(dataset: SFTDataset) -> None:
    train_concepts = {c for e in dataset.train for c in e.concepts}
    held_concepts = {c for e in dataset.held_out for c in e.concepts}
    assert held_concepts, "the held-out split must be about some concepts"
    assert not train_concepts & held_concepts
    assert held_concepts <= set(dataset.held_out_concepts)
    # Not even a distractor source of a training prompt is a held-out concept's definition.
    held_names = {
        e.question.split("What is ")[-1].rstrip("?") for e in dataset.held_out if e.kind == "definition"
    }
    train_titles = {line.split(":")[0] for e in dataset.train for line in _source_lines(e).values()}
    assert not held_names & train_titles


def test_questions_and_answers_are_deduplicated(dataset: SFTDataset) -> None:
    examples = [*dataset.train, *dataset.held_out]
    norm = lambda t: " ".join(re.sub(r"[^\w\s]", " ", t.lower()).split())  # noqa: E731
    assert len({norm(e.question) for e in examples}) == len(examples)
    assert len({norm(e.target) for e in examples}) == len(examples)
    assert len({e.id for e in examples}) == len(examples)


def test_prompts_are_exactly_the_planner_format(dataset: SFTDataset) -> None:
    for example in [*dataset.train, *dataset.held_out]:
        system, user = example.messages
        assert (system.role, system.content) == ("system", ANSWER_SYSTEM_PROMPT)
        assert user.role == "user"
        assert user.content.startswith("Sources:\n[")
        assert user.content.endswith(f"\n\nQuestion: {example.question}\nAnswer:")
        assert sorted(_source_lines(example)) == list(example.valid_markers)


def test_every_answer_sentence_cites_a_source_that_says_it(dataset: SFTDataset) -> None:
    checked = 0
    for example in [*dataset.train, *dataset.held_out]:
        lines = _source_lines(example)
        assert set(citation_markers(example.target)) <= set(example.valid_markers)
        assert set(example.answer_markers) == set(citation_markers(example.target))
        for sentence in _sentences(example.target):
            match = _MARKER.search(sentence)
            assert match, f"sentence without a final citation: {sentence!r}"
            marker = int(match.group(1))
            claim = sentence[: match.start()]
            if lines[marker].startswith("Calculation ("):
                numbers = re.findall(r"\d+(?:\.\d+)?(?:e-\d+)?", claim)
                assert all(n in lines[marker] for n in numbers), (claim, lines[marker])
            else:
                assert claim in lines[marker], (claim, lines[marker])
                checked += 1
    assert checked > 500


def test_calculation_targets_copy_the_calculator_numbers(dataset: SFTDataset) -> None:
    calcs = [e for e in [*dataset.train, *dataset.held_out] if e.kind == "calculation"]
    assert len(calcs) >= 20
    for example in calcs:
        calc_line = _source_lines(example)[max(example.valid_markers)]
        outputs = re.findall(r"= (-?\d[\d.e-]*)", calc_line.split("): ", 1)[1].split(". Inputs:")[0])
        assert example.numbers, example.target
        assert any(value in example.target for value in outputs), (outputs, example.target)
        for number in example.numbers:
            assert number in example.messages[1].content


def test_cite_puts_the_marker_before_the_final_stop() -> None:
    assert cite("Power is 0.8.", 3) == "Power is 0.8 [3]."
    assert cite("No stop", 1) == "No stop [1]."


def test_written_files_read_back_identically_with_their_hashes(dataset: SFTDataset, tmp_path: Path) -> None:
    info = write_dataset(dataset, tmp_path)
    train = read_jsonl(tmp_path / "train.jsonl")
    assert [e.to_record() for e in train] == [e.to_record() for e in dataset.train]
    assert info["data_hash"] == dataset.data_hash
    stored = json.loads((tmp_path / "dataset.json").read_text())
    assert stored["counts"] == dataset.counts()
    assert stored["held_out_concepts"] == list(dataset.held_out_concepts)


def test_sampling_is_seeded_and_balanced_across_kinds(dataset: SFTDataset) -> None:
    first = sample_examples(dataset.train, 40, seed=1)
    assert [e.id for e in first] == [e.id for e in sample_examples(dataset.train, 40, seed=1)]
    kinds = {k: sum(1 for e in first if e.kind == k) for k in {e.kind for e in first}}
    assert kinds == {"definition": 10, "relation": 10, "methodology": 10, "calculation": 10}


def test_external_chat_data_in_three_shapes_is_read_as_training_data(tmp_path: Path) -> None:
    path = tmp_path / "ext.jsonl"
    lines = [
        {
            "messages": [
                {"role": "user", "content": "What is SRM?"},
                {"role": "assistant", "content": "A mismatch."},
            ]
        },
        {
            "prompt": [{"role": "user", "content": "Define MDE."}],
            "completion": [{"role": "assistant", "content": "x"}],
        },
        {"question": "Is peeking bad?", "answer": "Yes, it inflates false positives."},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    examples = load_external_examples(path)
    assert [e.question for e in examples] == ["What is SRM?", "Define MDE.", "Is peeking bad?"]
    assert all(e.split == "train" and e.kind == "external" for e in examples)
    assert examples[2].target == "Yes, it inflates false positives."


def test_bad_external_data_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"question": "ok", "answer": "fine"}\n{"messages": [{"role": "user", "content": "no answer"}]}\n'
    )
    with pytest.raises(SFTDataError, match=r"bad\.jsonl:2: .*assistant"):
        load_external_examples(path)


def test_invalid_configuration_is_rejected_with_the_value() -> None:
    with pytest.raises(SFTDataError, match="held_out_fraction must be in"):
        SFTConfig(held_out_fraction=1.5)


def test_chunk_sources_are_exactly_the_text_the_planner_serves(
    documents: tuple[SourceDocument, ...], dataset: SFTDataset
) -> None:
    # serving shows the generator a chunk as planner.context.shown_text does: Markdown to plain text, then clipped
    served = {
        clip_words(plain_text(chunk.text), MAX_PASSAGE_WORDS) for doc in documents for chunk in doc.chunks
    }
    methodology = [e for e in [*dataset.train, *dataset.held_out] if e.kind == "methodology"]
    assert len(methodology) > 50
    for example in methodology:
        [marker] = example.answer_markers
        line = _source_lines(example)[marker]
        assert any(line.endswith(f": {text}") for text in served), line
        assert "**" not in line and "`" not in line


def test_concept_and_relation_sources_are_exactly_the_text_the_planner_serves(
    dataset: SFTDataset, corpus_db: Any
) -> None:
    # serving builds concept sources from the graph's concept rows (planner.context.concept_item: definition,
    # formula for definitions, when to use, first common mistake) and relation sources as one sentence per hop
    from engine.graph_reads import concept_details
    from planner.context import concept_item

    definitions = [e for e in dataset.train if e.kind == "definition"][:25]
    details = concept_details(corpus_db, sorted({c for e in definitions for c in e.concepts}))
    by_name = {str(d["name"]): d for d in details.values()}
    for example in definitions:
        line = _source_lines(example)[example.answer_markers[0]]
        served = concept_item(by_name[line.split(": ", 1)[0]], with_formula=True)
        assert line == f"{served.title}: {' '.join(served.text.split())}"
    relations = [e for e in dataset.train if e.kind == "relation"]
    for example in relations[:50]:
        line = _source_lines(example)[example.answer_markers[0]]
        title, text = line.split(": ", 1)
        assert text.startswith(f"{title}: ") or text == f"{title}.", line
