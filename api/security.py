"""API-key guard for write endpoints (and reads when ``open_reads`` is off).

The key is configured as its sha256 hex (``EXPGRAPH_API_KEY_HASH``) and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.errors import Unauthorized
from config import Settings

API_KEY_HEADER = "X-API-Key"


def hash_api_key(key: str) -> str:
    """The value to put in ``EXPGRAPH_API_KEY_HASH`` for a given key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(presented: str | None, expected_hash: str | None) -> bool:
    if not presented or not expected_hash:
        return False
    return hmac.compare_digest(hash_api_key(presented), expected_hash.strip().lower())


def _settings(connection: ASGIConnection[Any, Any, Any, Any]) -> Settings:
    return connection.app.state.settings  # type: ignore[no-any-return]


def require_api_key(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the request must carry a valid ``X-API-Key``. Without a configured key, admin endpoints stay closed."""
    expected = _settings(connection).api_key_hash
    if not expected:
        raise Unauthorized(
            "this endpoint needs an API key, and none is configured: set EXPGRAPH_API_KEY_HASH"
        )
    if not key_matches(connection.headers.get(API_KEY_HEADER), expected):
        raise Unauthorized(f"missing or wrong API key: send it in the {API_KEY_HEADER} header")


def require_read_access(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard for read endpoints: open unless ``EXPGRAPH_OPEN_READS=false``."""
    if _settings(connection).open_reads:
        return
    require_api_key(connection, handler)
