"""Schema migrations: applied once each, recorded, guarded against edits; schema.surql matches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import REPO_ROOT, Settings
from engine.db import Database, open_database
from engine.errors import MigrationError
from engine.migrations import MIGRATIONS_DIR, load_migrations, migrate


def test_migrations_apply_once_and_are_recorded(db: Database) -> None:
    names = [m.name for m in load_migrations()]
    assert names[0] == "0001_initial"
    assert migrate(db) == []
    assert [r["name"] for r in db.query("SELECT name, number FROM migration ORDER BY number")] == names


def test_a_pending_migration_is_applied_and_an_edited_one_refused(db: Database, tmp_path: Path) -> None:
    for m in load_migrations():
        (tmp_path / f"{m.name}.surql").write_text(m.sql)
    (tmp_path / "9001_add_note.surql").write_text("DEFINE FIELD note ON document TYPE option<string>;")
    assert migrate(db, tmp_path) == ["9001_add_note"]
    assert "note" in db.scalar("INFO FOR TABLE document")["fields"]
    (tmp_path / "9001_add_note.surql").write_text("DEFINE FIELD note ON document TYPE string;")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(db, tmp_path)


def test_a_failing_migration_rolls_back(db: Database, tmp_path: Path) -> None:
    (tmp_path / "0001_broken.surql").write_text("DEFINE TABLE half SCHEMAFULL; THROW 'nope';")
    with pytest.raises(MigrationError, match="0001_broken failed and was rolled back"):
        migrate(db, tmp_path)
    assert "half" not in db.scalar("INFO FOR DB")["tables"]
    assert "0001_broken" not in db.query("SELECT VALUE name FROM migration")


def test_schema_surql_describes_the_migrated_schema(settings: Settings) -> None:
    with open_database(settings) as migrated, open_database(settings) as direct:
        migrate(migrated)
        direct.query_all((REPO_ROOT / "schema.surql").read_text())
        for table in ("event", "chunk", "concept", "relation", "mentions", "trace", "projection_checkpoint"):
            assert migrated.scalar(f"INFO FOR TABLE {table}") == direct.scalar(f"INFO FOR TABLE {table}"), (
                table
            )
        tables = set(direct.scalar("INFO FOR DB")["tables"])
        assert set(migrated.scalar("INFO FOR DB")["tables"]) - {"migration"} == tables
    assert MIGRATIONS_DIR.is_dir()
