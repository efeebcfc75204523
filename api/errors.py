"""One JSON error shape for every failure: ``{"error": {"status", "code", "message", "field"?}}``.

Handlers raise typed errors (ours, the tools' input error, Litestar's validation error); nothing else reaches the
client: unexpected exceptions become a 500 with a request id, logged with their stack trace, never returned.
"""

from __future__ import annotations

import logging
import uuid
from enum import StrEnum
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from model.generator import GeneratorBusyError
from planner.service import PlannerInputError
from tools.errors import CalculationInputError

log = logging.getLogger("expgraph.api")


class ErrorCode(StrEnum):
    """Every ``error.code`` the API can answer; a stable, documented set (the OpenAPI ``Error`` schema lists it).

    Clients may branch on these; adding one is an API change, renaming one is a breaking change.
    """

    BAD_REQUEST = "bad_request"  # malformed body: not JSON, nested too deep, wrong shape
    INVALID_REQUEST = "invalid_request"  # a field has the wrong type or is out of range (strict, no coercion)
    INVALID_INPUT = (
        "invalid_input"  # well-formed, but the content cannot be used (an empty question, a bad file)
    )
    INVALID_PARAMETER = "invalid_parameter"  # a calculator parameter is not finite, out of range, or unknown
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    NOT_READY = "not_ready"
    BUSY = "busy"  # every answer place is taken; retry after Retry-After seconds
    HTTP_ERROR = "http_error"  # any other HTTP status the framework raises


_CODE_BY_STATUS = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.INVALID_INPUT,
    429: ErrorCode.RATE_LIMITED,
    500: ErrorCode.INTERNAL_ERROR,
    503: ErrorCode.NOT_READY,
}

# Seconds a rate-limited client is told to wait when the limiter did not say when its window resets.
DEFAULT_RETRY_AFTER = 60


_MEANINGS = {
    ErrorCode.BAD_REQUEST: "the body is not JSON, nests too deeply, or has the wrong shape",
    ErrorCode.INVALID_REQUEST: "a field has the wrong type or is out of range (no coercion: '3' is not 3)",
    ErrorCode.INVALID_INPUT: "well-formed, but the content cannot be used (an empty question, a bad document)",
    ErrorCode.INVALID_PARAMETER: "a calculator parameter is missing, not finite, out of range or unknown",
    ErrorCode.UNAUTHORIZED: "missing or wrong X-API-Key",
    ErrorCode.FORBIDDEN: "not allowed for this client",
    ErrorCode.NOT_FOUND: "no such route, concept, trace or calculator",
    ErrorCode.METHOD_NOT_ALLOWED: "the route exists but not with this HTTP method",
    ErrorCode.CONFLICT: "the request conflicts with the current state; retry",
    ErrorCode.PAYLOAD_TOO_LARGE: "the body is over the size limit",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "send application/json",
    ErrorCode.RATE_LIMITED: "too many requests; wait the Retry-After seconds",
    ErrorCode.INTERNAL_ERROR: "a bug; quote the request id when reporting it",
    ErrorCode.NOT_READY: "the service is starting or its projection lags the log; retry shortly",
    ErrorCode.BUSY: "every answer place is taken (batch and queue full); wait the Retry-After seconds",
    ErrorCode.HTTP_ERROR: "another HTTP error raised by the framework",
}


class ErrorDetail(msgspec.Struct, frozen=True, omit_defaults=True):
    status: int
    code: ErrorCode
    message: str
    field: str | None = None


class ErrorBody(msgspec.Struct, frozen=True):
    """The one error shape: ``{"error": {"status", "code", "message", "field"?}}``."""

    error: ErrorDetail


class ErrorCodeInfo(msgspec.Struct, frozen=True):
    code: ErrorCode
    meaning: str


class ErrorCatalogue(msgspec.Struct, frozen=True):
    """What ``GET /errors`` answers: every code with its meaning, and an example of the shape."""

    codes: list[ErrorCodeInfo]
    example: ErrorBody


def error_catalogue() -> ErrorCatalogue:
    return ErrorCatalogue(
        codes=[ErrorCodeInfo(code, _MEANINGS[code]) for code in ErrorCode],
        example=ErrorBody(
            ErrorDetail(400, ErrorCode.INVALID_REQUEST, "Expected `int`, got `str`", "max_hops")
        ),
    )


class ApiError(Exception):
    """An error with a status code, a stable code and a message that tells the caller what to do."""

    status_code = 400
    code: str = ErrorCode.BAD_REQUEST

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ApiError):
    status_code = 404
    code = ErrorCode.NOT_FOUND


class Unauthorized(ApiError):
    status_code = 401
    code = ErrorCode.UNAUTHORIZED


class Unprocessable(ApiError):
    status_code = 422
    code = ErrorCode.INVALID_INPUT


class NotReady(ApiError):
    status_code = 503
    code = ErrorCode.NOT_READY


class BadRequest(ApiError):
    """A body that cannot be read as the endpoint's JSON (malformed, too deep, wrong types)."""

    status_code = 400
    code = ErrorCode.BAD_REQUEST


class UnsupportedMediaType(ApiError):
    status_code = 415
    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class InvalidRequest(ApiError):
    status_code = 400
    code = ErrorCode.INVALID_REQUEST


def error_body(
    status: int, code: str, message: str, field: str | None = None, **extra: Any
) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if field is not None:
        error["field"] = field
    error.update(extra)
    return {"error": error}


def _respond(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    return Response(content=body, status_code=status, media_type=MediaType.JSON, headers=headers)


def handle_api_error(_: Request[Any, Any, Any], exc: ApiError) -> Response[dict[str, Any]]:
    return _respond(exc.status_code, error_body(exc.status_code, str(exc.code), exc.message, exc.field))


def handle_busy(_: Request[Any, Any, Any], exc: GeneratorBusyError) -> Response[dict[str, Any]]:
    """Every place for a new answer (or the generator's queue) is taken: 503 with ``Retry-After``."""
    return _respond(503, error_body(503, ErrorCode.BUSY, str(exc)), {"Retry-After": str(exc.retry_after)})


def handle_planner_input(_: Request[Any, Any, Any], exc: PlannerInputError) -> Response[dict[str, Any]]:
    return _respond(422, error_body(422, ErrorCode.INVALID_INPUT, str(exc), exc.field))


def handle_calculation_error(
    _: Request[Any, Any, Any], exc: CalculationInputError
) -> Response[dict[str, Any]]:
    return _respond(422, error_body(422, ErrorCode.INVALID_PARAMETER, str(exc), exc.field))


def handle_validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    first = extra[0] if extra and isinstance(extra[0], dict) else {}
    field = first.get("key") or first.get("source")
    message = first.get("message") or exc.detail
    return _respond(400, error_body(400, ErrorCode.INVALID_REQUEST, f"{message}", field, details=extra))


def handle_http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    code = _CODE_BY_STATUS.get(exc.status_code, ErrorCode.HTTP_ERROR)
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 429:
        # RFC 9110 §10.2.3: tell the client when to come back (the limiter's window reset, else a minute).
        reset = headers.get("RateLimit-Reset", "")
        headers["Retry-After"] = reset if reset.isdigit() and int(reset) > 0 else str(DEFAULT_RETRY_AFTER)
    return _respond(exc.status_code, error_body(exc.status_code, code, exc.detail), headers or None)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    request_id = uuid.uuid4().hex[:12]
    log.exception("unhandled error %s on %s %s", request_id, request.method, request.url.path, exc_info=exc)
    message = f"internal error; quote request id {request_id} when reporting it"
    return _respond(
        HTTP_500_INTERNAL_SERVER_ERROR,
        error_body(500, ErrorCode.INTERNAL_ERROR, message, request_id=request_id),
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: handle_api_error,
    GeneratorBusyError: handle_busy,
    PlannerInputError: handle_planner_input,
    CalculationInputError: handle_calculation_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
