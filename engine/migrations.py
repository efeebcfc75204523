"""Numbered schema migrations (``migrations/NNNN_name.surql``), each applied once and recorded in ``migration``."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from config import REPO_ROOT
from engine.db import Database
from engine.errors import MigrationError

MIGRATIONS_DIR = REPO_ROOT / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.surql$")

_BOOTSTRAP = """
DEFINE TABLE IF NOT EXISTS migration SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS name ON migration TYPE string;
DEFINE FIELD IF NOT EXISTS number ON migration TYPE int;
DEFINE FIELD IF NOT EXISTS checksum ON migration TYPE string;
DEFINE FIELD IF NOT EXISTS applied_at ON migration TYPE string;
"""


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Read the migration files in order; raises ``MigrationError`` on a misnamed file or a duplicate number."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.surql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file {path.name!r} must be named NNNN_lowercase_name.surql")
        number = int(match.group(1))
        if number in found:
            raise MigrationError(
                f"two migrations share number {number:04d}: {found[number].name}, {path.stem}"
            )
        found[number] = Migration(number, path.stem, path.read_text(encoding="utf-8"))
    return [found[n] for n in sorted(found)]


def applied_migrations(db: Database) -> dict[str, str]:
    """Names of the migrations already applied to ``db``, with the checksum recorded when each was applied."""
    db.query(_BOOTSTRAP)
    rows = db.query("SELECT name, checksum FROM migration")
    return {row["name"]: row["checksum"] for row in rows}


def migrate(db: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the names applied.

    A migration whose file changed after it was applied raises ``MigrationError`` (add a new migration instead).
    """
    done = applied_migrations(db)
    applied: list[str] = []
    for migration in load_migrations(directory):
        if migration.name in done:
            if done[migration.name] != migration.checksum:
                raise MigrationError(
                    f"migration {migration.name} changed after it was applied; "
                    "never edit an applied migration, add a new numbered one"
                )
            continue
        record = {
            "name": migration.name,
            "number": migration.number,
            "checksum": migration.checksum,
            "applied_at": datetime.now(UTC).isoformat(),
        }
        try:
            db.query_all(
                f"BEGIN TRANSACTION;\n{migration.sql}\n;CREATE type::thing('migration', $m.name) CONTENT $m;\n"
                "COMMIT TRANSACTION;",
                {"m": record},
            )
        except Exception as exc:
            raise MigrationError(f"migration {migration.name} failed and was rolled back: {exc}") from exc
        applied.append(migration.name)
    return applied
