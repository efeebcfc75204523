"""``expgraph review list|accept|reject`` after ``expgraph ingest`` of a user document (issue 19)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from config import Settings
from tests.ingest.test_ingest_cli import env  # noqa: F401  (the surrealkv-in-a-temp-dir fixture)

runner = CliRunner()
NOTE = (
    "# Quarry notes\n\nQuarry Weekly Diggers (QWD) is defined as the number of accounts that dug at least once this "
    "week.\n\nShovel lag is when the dig button responds late. Shovel lag decreases QWD.\n"
)


def test_review_lists_proposals_with_evidence_and_records_decisions(
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
    settings: Settings,
) -> None:
    note = tmp_path / "quarry.md"
    note.write_text(NOTE)
    ingested = runner.invoke(app, ["ingest", str(note)], env=env)
    assert ingested.exit_code == 0, ingested.output
    assert "ConceptProposed 2" in ingested.output and "RelationProposed 1" in ingested.output

    listed = runner.invoke(app, ["review", "list"], env={**env, "COLUMNS": "250"})
    assert listed.exit_code == 0, listed.output
    assert (
        "concept:quarry-weekly-diggers" in listed.output
        and "Quarry Weekly Diggers (QWD) is defined" in listed.output
    )
    assert "2 concept(s), 1 relation(s)" in listed.output

    accepted = runner.invoke(
        app, ["review", "accept", "concept:quarry-weekly-diggers", "--reviewer", "ana"], env=env
    )
    assert accepted.exit_code == 0 and "accepted concept:quarry-weekly-diggers" in accepted.output
    again = runner.invoke(app, ["review", "accept", "concept:quarry-weekly-diggers"], env=env)
    assert again.exit_code == 2 and "accepted already" in again.output
    rejected = runner.invoke(app, ["review", "reject", "concept:shovel-lag"], env=env)
    assert rejected.exit_code == 0, rejected.output
    left = runner.invoke(app, ["review", "list", "--status", "all"], env={**env, "COLUMNS": "250"})
    assert "1 concept(s), 0 relation(s)" in left.output
    missing = runner.invoke(app, ["review", "reject", "concept:nothing-here"], env=env)
    assert missing.exit_code == 2 and "expgraph review list" in missing.output
