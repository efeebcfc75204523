"""Every JSON request body is read once here, before Litestar decodes it for the handler.

- size: the app's ``request_max_body_size`` answers 413 before this runs;
- depth: msgspec's decoder stops at Python's recursion limit with a ``RecursionError`` (which Litestar would let
  through as a 500), so the body is decoded here first and anything deeper than ``MAX_JSON_DEPTH`` answers 400;
- strict types: Litestar converts bodies with msgspec's lax mode, which turns ``"max_hops": "3"`` into ``3``. A
  body typed as a ``msgspec.Struct`` is converted here in strict mode, so a string where a number belongs is a 400
  naming the field instead of a silent coercion.

msgspec does the decoding (C speed, exact error positions); the depth walk is iterative so it cannot recurse.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request

from api.errors import BadRequest, InvalidRequest, UnsupportedMediaType

# The deepest body any endpoint needs is a calculator's table (object -> list -> row -> number): 3 levels.
MAX_JSON_DEPTH = 32
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_FIELD = re.compile(r"at `\$\.?([^`]*)`")


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def decode_body(body: bytes) -> Any:
    """Decode a JSON body within the depth limit; ``BadRequest`` saying what is wrong otherwise."""
    try:
        value = msgspec.json.decode(body)
    except RecursionError:
        raise BadRequest(
            f"the JSON body nests too deeply; at most {MAX_JSON_DEPTH} levels are accepted"
        ) from None
    except msgspec.DecodeError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise BadRequest(f"the JSON body nests too deeply; at most {MAX_JSON_DEPTH} levels are accepted")
    return value


def check_types(value: Any, target: Any) -> None:
    """Strict conversion to ``target`` (a ``msgspec.Struct``): ``InvalidRequest`` naming the field on a mismatch."""
    try:
        msgspec.convert(value, target, strict=True)
    except msgspec.ValidationError as exc:
        match = _FIELD.search(str(exc))
        raise InvalidRequest(str(exc), field=match.group(1) if match and match.group(1) else None) from None


async def guard_json_body(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook: refuse over-deep, non-JSON or loosely typed bodies before the handler decodes them.

    Every endpoint with a body takes JSON; Litestar would decode a ``text/plain`` or form body as JSON all the same
    (and fail with a 500 on a deep one), so any other declared media type is a 415.
    """
    if request.method not in _BODY_METHODS:
        return
    field = request.route_handler.parsed_data_field
    if field is None:
        return
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise UnsupportedMediaType(f"send the body as application/json; got {content_type[:60]!r}")
    body = await request.body()
    if not body.strip():
        return
    value = decode_body(body)
    target = field.annotation
    if isinstance(target, type) and issubclass(target, msgspec.Struct):
        check_types(value, target)
