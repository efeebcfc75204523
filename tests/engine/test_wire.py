"""The compiled codec (engine/wire.py) against the SDK's own: same requests, same values back, same errors."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from surrealdb import RecordID
from surrealdb.data.types.table import Table

from config import Settings
from engine import wire
from engine.db import Database, open_database
from engine.errors import ProgrammingError

VALUES: dict[str, Any] = {
    "none": None,
    "true": True,
    "int": 7,
    "negative": -12,
    "big": 2**62,
    "float": 0.1,
    "tiny": 5e-324,
    "inf": math.inf,
    "string": "Cohen's h — ±5 % 🧪",
    "empty": "",
    "list": [1, "two", None, [3.5, {"four": 4}]],
    "object": {"nested": {"deeper": [None, False, {"x": "y"}]}, "k": None},
    "record": RecordID("concept", "cuped"),
    "record_int": RecordID("event", 42),
    "record_array": RecordID("mentions", ["doc#0", "cuped"]),
    "record_object": RecordID("thing", {"a": 1, "b": ["c"]}),
    "records": [RecordID("concept", "a"), RecordID("relation", "a:requires:b")],
    "table": Table("concept"),
    "decimal": Decimal("0.1"),
    "datetime": datetime(2026, 11, 27, 14, 30, 5, 123456, tzinfo=UTC),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "bytes": b"\x00\x01packed\xff",
}


@pytest.fixture
def both(settings: Settings) -> Iterator[tuple[Database, Database]]:
    """The same kind of database twice: one through the compiled codec, one through the SDK's."""
    fast = open_database(settings)
    sdk = open_database(settings.model_copy(update={"db_fast_codec": False}))
    yield fast, sdk
    fast.close()
    sdk.close()


def test_an_embedded_database_uses_the_compiled_codec_unless_told_not_to(
    both: tuple[Database, Database],
) -> None:
    fast, sdk = both
    assert fast.uses_compiled_codec
    assert not sdk.uses_compiled_codec


@pytest.mark.parametrize("name", sorted(VALUES))
def test_a_value_comes_back_as_the_sdk_gives_it(both: tuple[Database, Database], name: str) -> None:
    value = VALUES[name]
    results = [db.query_all("RETURN $v; RETURN type::is::none($v); RETURN type::is::null($v);", {"v": value})
               for db in both]  # fmt: skip
    assert results[0] == results[1]
    if name == "float":
        assert results[0][0] == 0.1


def test_stored_rows_read_back_alike_either_way(both: tuple[Database, Database]) -> None:
    fast, sdk = both
    row = {k: v for k, v in VALUES.items() if k not in ("table", "inf")}
    for db in both:
        db.query("CREATE thing:one CONTENT $row", {"row": row})
    assert fast.query("SELECT * FROM thing:one") == sdk.query("SELECT * FROM thing:one")
    # None is NONE to SurrealDB, as the SDK sends it: the field is absent, not NULL.
    assert fast.query("SELECT VALUE [type::is::none(none), type::is::null(none)] FROM thing:one") == [
        [True, False]
    ]
    stored = fast.query("SELECT * FROM thing:one")[0]
    assert "none" not in stored and stored["object"]["nested"]["deeper"][0] is None
    assert stored["record_array"] == RecordID("mentions", ["doc#0", "cuped"])
    assert isinstance(stored["record_array"].id, list)  # as the SDK gives it, not a tuple


def test_a_value_surrealdb_cannot_hold_is_refused_with_a_clear_error(both: tuple[Database, Database]) -> None:
    fast, _ = both
    with pytest.raises(ProgrammingError, match="cannot send a object to SurrealDB"):
        fast.query("RETURN $v", {"v": object()})
    assert fast.query("RETURN 1") == [1]  # the connection is still good


def test_engine_errors_arrive_as_the_same_exceptions(both: tuple[Database, Database]) -> None:
    for db in both:
        with pytest.raises(ProgrammingError):
            db.query("SELEC nonsense")


def test_a_server_url_keeps_the_sdk_transport() -> None:
    # Only the embedded engine has the handle; a ws:// connection object has none (nothing is dialled here).
    from surrealdb import Surreal

    assert wire.engine_handle(Surreal("ws://127.0.0.1:9")) is None


def test_record_ids_built_the_fast_way_are_the_sdks() -> None:
    fast, sdk = wire.record_id("mentions", ["d#0", "cuped"]), RecordID("mentions", ["d#0", "cuped"])
    assert fast == sdk and repr(fast) == repr(sdk) and str(fast) == str(sdk)
    assert vars(fast) == vars(sdk)
