"""The compiled CBOR codec for the embedded engine: the SDK's message format, encoded and decoded in native code.

The ``surrealdb`` SDK (2.0.0) talks to its embedded engine in CBOR, through a pure-Python copy of ``cbor2``. For a
replay that moves a hundred thousand rows, that codec costs as much as the engine itself (profiled: 14 of 26 s of a
20,000-event rebuild). This module encodes the very same request (``{"id", "method": "query", "params": [sql,
vars]}``) with the compiled ``cbor2`` package, hands it to the SDK's own engine handle, and decodes the reply with
the SDK's own tag decoder, so values come back as the same SDK types (``RecordID``, ``Table``, ``Range`` ...).

Only the embedded engine goes this way (``mem://``, ``surrealkv://``); servers (``ws://``, ``http://``) keep the
SDK's transport. ``EXPGRAPH_DB_FAST_CODEC=false`` turns it off. ``tests/engine/test_wire.py`` checks that both
codecs return identical values for every kind of value the engine stores.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import UTC
from decimal import Decimal
from typing import Any

import cbor2
from surrealdb.connections.blocking_embedded import BlockingEmbeddedSurrealConnection
from surrealdb.data.cbor import tag_decoder
from surrealdb.data.types import constants
from surrealdb.data.types.datetime import Datetime
from surrealdb.data.types.duration import Duration
from surrealdb.data.types.range import BoundExcluded, BoundIncluded, Range
from surrealdb.data.types.record_id import RecordID
from surrealdb.data.types.table import Table

_ids = itertools.count(1)


class CodecError(ValueError):
    """A value could not be encoded for, or a reply decoded from, the engine."""


class _Tag:
    """A tag as the SDK's decoder reads it (``.tag``, ``.value``), with arrays as lists, as the SDK gives them."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: int, value: Any) -> None:
        self.tag = tag
        self.value = value


def _thaw(value: Any) -> Any:
    # cbor2 decodes the inside of a tag as immutable (tuples, frozen dicts); the SDK's codec gives lists and dicts,
    # e.g. the id of RecordID("mentions", [chunk, concept]).
    if type(value) is tuple:
        return [_thaw(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


def record_id(table: str, key: Any) -> RecordID:
    """``RecordID(table, key)`` without the constructor's per-call import (4 us each; a 100,000-event rebuild
    makes 160,000 of them)."""
    record = object.__new__(RecordID)
    record.table_name = table
    record.id = key
    return record


def _tag_hook(tag: cbor2.CBORTag, immutable: bool = False) -> Any:
    value = tag.value
    if tag.tag == constants.TAG_RECORD_ID:  # by far the most frequent: every row's id and every link
        return record_id(value[0], _thaw(value[1]))
    return tag_decoder(None, _Tag(tag.tag, _thaw(value)))  # type: ignore[arg-type]


def _default(encoder: cbor2.CBOREncoder, value: Any) -> None:
    """The SDK's types as the SDK encodes them (``surrealdb.data.cbor.default_encoder``)."""
    if isinstance(value, RecordID):
        tagged = cbor2.CBORTag(constants.TAG_RECORD_ID, [value.table_name, value.id])
    elif isinstance(value, Table):
        tagged = cbor2.CBORTag(constants.TAG_TABLE_NAME, value.table_name)
    elif isinstance(value, BoundIncluded):
        tagged = cbor2.CBORTag(constants.TAG_BOUND_INCLUDED, value.value)
    elif isinstance(value, BoundExcluded):
        tagged = cbor2.CBORTag(constants.TAG_BOUND_EXCLUDED, value.value)
    elif isinstance(value, Range):
        tagged = cbor2.CBORTag(constants.TAG_RANGE, [value.begin, value.end])
    elif isinstance(value, Duration):
        tagged = cbor2.CBORTag(constants.TAG_DURATION, value.get_seconds_and_nano())
    elif isinstance(value, Datetime):
        tagged = cbor2.CBORTag(constants.TAG_DATETIME, value.dt)
    else:
        raise TypeError(
            f"cannot send a {type(value).__name__} to SurrealDB; use str, int, float, bool, None, list, dict, "
            "datetime or a surrealdb type (RecordID, Table, Range, Duration)"
        )
    encoder.encode(tagged)


def _none(encoder: cbor2.CBOREncoder, value: None) -> None:
    # SurrealDB reads plain CBOR null as NULL; Python's None is NONE (absent) to it, tag 6 around null, as the SDK
    # sends it. A field set to None must be left out, not stored as NULL.
    encoder.write(b"\xc6\xf6")


def _decimal(encoder: cbor2.CBOREncoder, value: Decimal) -> None:
    encoder.encode(cbor2.CBORTag(constants.TAG_DECIMAL_STRING, str(value)))  # SurrealDB's decimal: a string


_ENCODERS: dict[type, Any] = {type(None): _none, Decimal: _decimal}


def encode_query(sql: str, vars: dict[str, Any]) -> bytes:
    """The SDK's ``query`` request for ``sql`` with ``vars``, as CBOR."""
    request = {"id": f"expgraph-{next(_ids)}", "method": "query", "params": [sql, vars]}
    return cbor2.dumps(request, default=_default, encoders=_ENCODERS, timezone=UTC)


def decode_response(data: bytes) -> Any:
    """An engine reply, with SurrealDB's tags turned into the SDK's types."""
    return cbor2.loads(data, tag_hook=_tag_hook)


def engine_handle(sdk: Any) -> Any | None:
    """The SDK connection's embedded engine, if it has one (``execute(bytes) -> bytes``); else ``None``."""
    if not isinstance(sdk, BlockingEmbeddedSurrealConnection):
        return None
    handle = getattr(sdk, "_db", None)
    return handle if callable(getattr(handle, "execute", None)) else None


def query_raw(handle: Any, sql: str, vars: dict[str, Any]) -> dict[str, Any]:
    """Run ``sql`` on an embedded engine handle; return the reply as the SDK's ``query_raw`` does."""
    try:
        request = encode_query(sql, vars)
    except (cbor2.CBOREncodeError, TypeError) as exc:
        raise CodecError(str(exc)) from exc
    reply = handle.execute(request)
    try:
        response = decode_response(reply)
    except cbor2.CBORDecodeError as exc:
        raise CodecError(f"undecodable reply from the embedded engine: {exc}") from exc
    return response if isinstance(response, dict) else {}
