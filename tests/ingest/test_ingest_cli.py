"""``expgraph ingest``: summary on success, exit code 2 naming file and line on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from config import Settings
from engine.db import open_database
from engine.store import EventStore

BAD = Path(__file__).parent.parent / "corpus" / "fixtures" / "bad"
runner = CliRunner()


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """A surrealkv database in a temp dir (so a second command sees the first one's events)."""
    return {
        "EXPGRAPH_DATA_DIR": str(tmp_path / "data"),
        "EXPGRAPH_DB_URL": f"surrealkv://{tmp_path / 'data' / 'expgraph.db'}",
        "EXPGRAPH_CACHE_DIR": str(settings.cache_dir),
        "EXPGRAPH_EMBEDDING_CACHE": str(settings.embedding_cache_dir),
    }


def test_ingest_prints_a_summary_and_a_second_run_appends_nothing(
    env: dict[str, str], corpus_copy: Path
) -> None:
    first = runner.invoke(app, ["ingest", "--corpus-dir", str(corpus_copy)], env=env)
    assert first.exit_code == 0, first.output
    assert "6 document(s): 6 new" in first.output
    assert "DocumentIngested 6" in first.output
    second = runner.invoke(app, ["ingest", "--corpus-dir", str(corpus_copy)], env=env)
    assert second.exit_code == 0, second.output
    assert "6 unchanged" in second.output
    assert "0 event(s) appended" in second.output
    settings = Settings(db_url=env["EXPGRAPH_DB_URL"], data_dir=Path(env["EXPGRAPH_DATA_DIR"]))
    with open_database(settings) as db:
        assert EventStore(db).head() > 0


def test_ingest_refuses_bad_input_with_exit_code_2_naming_file_and_line(
    env: dict[str, str], corpus_copy: Path
) -> None:
    shutil.copytree(BAD / "unknown-relation-type", corpus_copy, dirs_exist_ok=True)
    result = runner.invoke(app, ["ingest", "--corpus-dir", str(corpus_copy)], env=env)
    assert result.exit_code == 2
    assert f"{corpus_copy / 'concepts' / 'sample-size.md'}:10:" in result.output
    assert "unknown relation type 'boosts'" in result.output
    assert "nothing was appended" in result.output


def test_ingest_of_text_paths(env: dict[str, str], tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("A short note about experiments.\n")
    (notes / "b.bin").write_bytes(b"\x00")
    result = runner.invoke(app, ["ingest", str(notes)], env=env)
    assert result.exit_code == 0, result.output
    assert "1 document(s): 1 new" in result.output
    assert "skipped unsupported file" in result.output
