"""``expgraph corpus check`` / ``stats``: every rule of docs/corpus-format.md fails on its own bad example."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from config import Settings
from ingest.corpus_check import QUALITY, check_corpus, corpus_stats
from ingest.corpus_format import MAX_FILE_BYTES, CorpusFormatError, parse_concept, parse_document

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


# Written at test time: a binary file in the repository would trip every text tool that walks it.
BINARY_CONCEPT = b"---\nid: blob\n\x00\x01\x02\xff\xfe\n---\n"


def corpus_with(case: str, tmp_path: Path) -> Path:
    """The good fixture corpus with one bad case's files laid over it."""
    root = tmp_path / "corpus"
    shutil.copytree(GOOD, root)
    if case == "binary-file":
        (root / "concepts" / "blob.md").write_bytes(BINARY_CONCEPT)
    else:
        shutil.copytree(BAD / case, root, dirs_exist_ok=True)
    return root


def test_the_good_fixture_corpus_breaks_no_rule() -> None:
    loaded, problems = check_corpus(GOOD)
    assert problems == []
    assert sorted(c.slug for c in loaded.concepts) == [
        "metric-variance",
        "minimum-detectable-effect",
        "sample-size",
        "statistical-power",
    ]
    assert sorted(d.doc_id for d in loaded.documents) == ["planning-a-test", "reading-results"]


def test_the_bundled_corpus_breaks_no_rule() -> None:
    root = Settings().corpus_dir
    loaded, problems = check_corpus(root)
    assert len(loaded.concepts) >= 100, "the bundled corpus should hold the planned concepts"
    assert [str(p) for p in problems] == []


# (case, rule, file name, line, words the message must contain)
CASES = [
    ("malformed-yaml", "format", "sample-size.md", 5, "malformed YAML"),
    ("missing-definition", "format", "sample-size.md", 1, "missing required field 'definition'"),
    ("missing-concept-sources", "format", "sample-size.md", 1, "missing required field 'sources'"),
    ("missing-document-sources", "format", "reading-results.md", 1, "missing required field 'sources'"),
    ("unknown-category", "format", "sample-size.md", 5, "unknown category 'quantity'"),
    ("unknown-relation-type", "format", "sample-size.md", 10, "unknown relation type 'boosts'"),
    ("id-mismatch", "format", "sample-size.md", 2, "must equal the file name"),
    ("empty-file", "format", "empty.md", 0, "file is empty"),
    ("binary-file", "format", "blob.md", 0, "binary"),
    ("unknown-field", "format", "metric-variance.md", 4, "unknown field 'alias'"),
    ("unclosed-front-matter", "format", "reading-results.md", 1, "not closed"),
    ("alias-unique", "alias-unique", "test-power.md", 1, "belongs to one concept only"),
    ("relation-target", "relation-target", "metric-variance.md", 13, "'cuped'"),
    ("self-relation", "self-relation", "metric-variance.md", 13, "points at the concept itself"),
    ("duplicate-relation", "duplicate-relation", "metric-variance.md", 13, "declared twice"),
    ("orphan", "orphan", "novelty-effect.md", 1, "no incoming or outgoing relation"),
    ("disconnected", "connected", "novelty-effect.md", 1, "not connected"),
    ("unlisted-mention", "unlisted-mention", "reading-results.md", 11, "'MDE'"),
    ("unknown-concept", "unknown-concept", "reading-results.md", 5, "'confidence-interval'"),
]


@pytest.mark.parametrize(("case", "rule", "file_name", "line", "words"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fails_on_its_own_bad_example(
    case: str, rule: str, file_name: str, line: int, words: str, tmp_path: Path
) -> None:
    folder = "alias-conflict" if case == "alias-unique" else case
    _, problems = check_corpus(corpus_with(folder, tmp_path))
    # An orphan is also its own component; every other case breaks exactly one rule.
    expected_rules = {"orphan", "connected"} if case == "orphan" else {rule}
    assert {p.rule for p in problems} == expected_rules, [str(p) for p in problems]
    hit = next(p for p in problems if p.rule == rule)
    assert hit.path.name == file_name
    assert hit.line == line
    assert words in hit.message
    assert file_name in str(hit)


def test_a_file_over_one_megabyte_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    raw = b"---\nid: huge\n---\n" + b"word " * (MAX_FILE_BYTES // 5 + 10)
    with pytest.raises(CorpusFormatError) as err:
        parse_document(path, raw)
    assert err.value.path == path
    assert "limit is 1,000,000" in err.value.message


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    raw = b"---\nid: x\nname: ok\n" + b"definition: caf\xe9\n---\n"
    with pytest.raises(CorpusFormatError) as err:
        parse_concept(tmp_path / "x.md", raw)
    assert err.value.line == 4
    assert "UTF-8" in err.value.message


def test_a_concept_file_parses_into_a_typed_spec() -> None:
    path = GOOD / "concepts" / "minimum-detectable-effect.md"
    spec = parse_concept(path, path.read_bytes())
    assert spec.doc_id == "concept-minimum-detectable-effect"
    assert spec.aliases == ("MDE", "smallest detectable effect")
    assert spec.formula_text == "MDE = (z_(1-α/2) + z_(1-β)) · sqrt(2σ²/n)"
    assert spec.formula_latex is not None and spec.formula_latex.startswith("\\mathrm{MDE}")
    assert spec.sources[0].year == 2020
    (rel,) = spec.relations
    assert (rel.rel_type, rel.target, rel.weight, rel.line) == ("decreases", "sample-size", 0.85, 18)
    assert spec.when_to_use.startswith("Set it from the business value")
    assert spec.mistakes.startswith("Picking it after seeing the data")


def test_a_relation_without_weight_takes_its_types_default() -> None:
    path = GOOD / "concepts" / "statistical-power.md"
    spec = parse_concept(path, path.read_bytes())
    assert spec.relations[0].weight == 0.9  # engine.ontology: requires = 0.9


def test_quality_rules_are_marked_as_such(tmp_path: Path) -> None:
    _, problems = check_corpus(corpus_with("unlisted-mention", tmp_path))
    assert all(p.severity == QUALITY for p in problems)
    _, problems = check_corpus(corpus_with("relation-target", tmp_path / "second"))
    assert all(p.severity != QUALITY for p in problems)


def test_stats_count_categories_relations_words_and_graph_shape() -> None:
    loaded, _ = check_corpus(GOOD)
    stats = corpus_stats(loaded.concepts, loaded.documents)
    assert stats.concepts == 4
    assert stats.per_category == {"statistical_concept": 4}
    assert stats.per_relation_type == {"decreases": 1, "increases": 2, "requires": 1}
    assert stats.documents == 2
    assert stats.per_document_kind == {"guide": 1, "reference": 1}
    assert stats.components == 1
    # metric-variance -> sample-size -> statistical-power is the longest shortest path.
    assert stats.diameter == 2
    assert stats.document_words == sum(len(d.body.split()) for d in loaded.documents)


def test_stats_see_a_second_component(tmp_path: Path) -> None:
    loaded, _ = check_corpus(corpus_with("disconnected", tmp_path))
    stats = corpus_stats(loaded.concepts, loaded.documents)
    assert stats.components == 2
    assert stats.component_sizes == [4, 2]


runner = CliRunner()


def test_cli_check_exits_1_and_names_each_bad_file(tmp_path: Path) -> None:
    root = corpus_with("relation-target", tmp_path)
    result = runner.invoke(app, ["corpus", "check", "--corpus-dir", str(root)])
    assert result.exit_code == 1
    assert f"{root / 'concepts' / 'metric-variance.md'}:13: [relation-target]" in result.output
    assert "1 problem(s) in 1 file(s)" in result.output


def test_cli_check_passes_a_good_corpus() -> None:
    result = runner.invoke(app, ["corpus", "check", "--corpus-dir", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert "corpus OK: 4 concepts, 2 documents" in result.output


def test_cli_stats_prints_json_figures() -> None:
    result = runner.invoke(app, ["corpus", "stats", "--json", "--corpus-dir", str(GOOD)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["concepts"] == 4
    assert figures["relations"] == 4
    assert figures["diameter"] == 2
    assert figures["components"] == 1


def test_cli_stats_prints_tables_per_category_and_relation_type() -> None:
    result = runner.invoke(app, ["corpus", "stats", "--corpus-dir", str(GOOD)])
    assert result.exit_code == 0, result.output
    for words in ("per category", "statistical_concept", "per relation type", "increases", "diameter"):
        assert words in result.output


SETTING_DOC = """---
id: app-tests
title: "Testing in mobile apps"
kind: guide
setting: [mobile app, iOS,  Android]
sources:
  - title: "Trustworthy Online Controlled Experiments"
    authors: "Kohavi, Tang, Xu"
    year: 2020
    locator: "Chapter 3"
---
# Testing in mobile apps
Run the test for whole weeks.
"""


def test_a_document_may_name_the_one_setting_it_is_written_for(tmp_path: Path) -> None:
    from ingest.corpus_source import corpus_document

    path = tmp_path / "documents" / "app-tests.md"
    path.parent.mkdir()
    path.write_text(SETTING_DOC, encoding="utf-8")
    spec = parse_document(path, path.read_bytes())
    assert spec.setting == ("mobile app", "iOS", "Android")
    assert corpus_document(tmp_path, spec).metadata["setting"] == ["mobile app", "iOS", "Android"]
    plain = SETTING_DOC.replace("setting: [mobile app, iOS,  Android]\n", "")
    path.write_text(plain, encoding="utf-8")
    spec = parse_document(path, path.read_bytes())
    assert spec.setting == () and "setting" not in corpus_document(tmp_path, spec).metadata
    path.write_text(SETTING_DOC.replace("[mobile app, iOS,  Android]", "mobile app"), encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="'setting' must be a list"):
        parse_document(path, path.read_bytes())
    many = ", ".join(f"place{i}" for i in range(13))
    path.write_text(SETTING_DOC.replace("[mobile app, iOS,  Android]", f"[{many}]"), encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="at most 12"):
        parse_document(path, path.read_bytes())
