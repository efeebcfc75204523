"""One JSON error shape for every failure: ``{"error": {"status", "code", "message", "field"?}}``.

Handlers raise typed errors (ours, the tools' input error, Litestar's validation error); nothing else reaches the
client: unexpected exceptions become a 500 with a request id, logged with their stack trace, never returned.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from tools.errors import CalculationInputError

log = logging.getLogger("expgraph.api")


class ApiError(Exception):
    """An error with a status code, a stable code and a message that tells the caller what to do."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"


class Unprocessable(ApiError):
    status_code = 422
    code = "invalid_input"


class NotReady(ApiError):
    status_code = 503
    code = "not_ready"


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
    return _respond(exc.status_code, error_body(exc.status_code, exc.code, exc.message, exc.field))


def handle_calculation_error(
    _: Request[Any, Any, Any], exc: CalculationInputError
) -> Response[dict[str, Any]]:
    return _respond(422, error_body(422, "invalid_parameter", str(exc), exc.field))


def handle_validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    first = extra[0] if extra and isinstance(extra[0], dict) else {}
    field = first.get("key") or first.get("source")
    message = first.get("message") or exc.detail
    return _respond(400, error_body(400, "invalid_request", f"{message}", field, details=extra))


def handle_http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    code = (
        "not_found"
        if isinstance(exc, NotFoundException)
        else exc.__class__.__name__.removesuffix("Exception").lower()
    )
    headers = dict(exc.headers) if exc.headers else None
    return _respond(exc.status_code, error_body(exc.status_code, code or "http_error", exc.detail), headers)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    request_id = uuid.uuid4().hex[:12]
    log.exception("unhandled error %s on %s %s", request_id, request.method, request.url.path, exc_info=exc)
    message = f"internal error; quote request id {request_id} when reporting it"
    return _respond(
        HTTP_500_INTERNAL_SERVER_ERROR, error_body(500, "internal_error", message, request_id=request_id)
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: handle_api_error,
    CalculationInputError: handle_calculation_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
