"""Fuzz the API from its own OpenAPI schema: any 5xx fails.

Each operation's request-body and parameter schemas become hypothesis strategies through ``schema_strategy``
below (hypothesis-jsonschema 0.23 does not run on hypothesis 6.170, and schemathesis pulls in a runner and network
features we do not need); it covers the JSON-schema subset Litestar emits for our API. Each example is either
schema-shaped (the edge values a schema allows: empty strings, huge integers, unicode) or arbitrary JSON sent where
a body is expected. Operations that run the answer model on a valid body (``/query``, ``/query/stream``) get only
the arbitrary-JSON half, so the run stays within about a minute on a busy machine; their valid path is covered by
the query tests.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from api.errors import ErrorCode

MODEL_BACKED = {"/query", "/query/stream"}
BUDGET_SECONDS = 60
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete") and not path.startswith("/schema"):
                ops.append((method.upper(), path, op))
    return ops


def schema_strategy(
    schema: dict[str, Any], components: dict[str, Any], depth: int = 0
) -> st.SearchStrategy[Any]:
    """Values the schema allows (edges included: bounds, empty strings, unicode), or any JSON past depth 4."""
    if depth > 4:
        return JSON
    if "$ref" in schema:
        return schema_strategy(
            components["schemas"][schema["$ref"].rsplit("/", 1)[-1]], components, depth + 1
        )
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([schema_strategy(s, components, depth + 1) for s in schema[key]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([schema_strategy({**schema, "type": k}, components, depth) for k in kind])
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: schema_strategy(v, components, depth + 1) for k, v in props.items() if k in required},
            optional={
                k: schema_strategy(v, components, depth + 1) for k, v in props.items() if k not in required
            },
        )
    if kind == "array":
        return st.lists(schema_strategy(schema.get("items", {}), components, depth + 1), max_size=5)
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: len(s) <= schema.get("maxLength", 10**6)
            )
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 60), 60))
    return JSON


@pytest.fixture(scope="module")
def openapi(hostile_client: TestClient) -> dict[str, Any]:  # type: ignore[type-arg]
    return hostile_client.get("/schema/openapi.json").json()  # type: ignore[no-any-return]


def _request(
    draw: Any, method: str, path: str, op: dict[str, Any], components: dict[str, Any]
) -> tuple[str, Any]:
    url = path
    query: dict[str, Any] = {}
    for param in op.get("parameters", []):
        schema = param.get("schema", {"type": "string"})
        value = (
            draw(schema_strategy(schema, components) | st.text(max_size=20))
            if param["in"] != "header"
            else None
        )
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", urllib.parse.quote(str(value), safe="") or "x")
        elif param["in"] == "query" and value is not None and draw(st.booleans()):
            query[param["name"]] = json.dumps(value) if isinstance(value, dict | list) else value
    if query:
        url += "?" + urllib.parse.urlencode(query, doseq=False)
    body: Any = None
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if method in ("POST", "PUT", "PATCH"):
        if content and path not in MODEL_BACKED and draw(st.booleans()):
            body = draw(schema_strategy(content["schema"], components))
        else:
            body = draw(JSON)
    return url, body


def test_no_request_built_from_the_schema_gets_a_5xx(
    hostile_client: TestClient,  # type: ignore[type-arg]
    openapi: dict[str, Any],
) -> None:
    components = openapi.get("components", {})
    ops = _operations(openapi)
    assert len(ops) >= 15, [f"{m} {p}" for m, p, _ in ops]
    started = time.monotonic()
    sent: list[tuple[str, str, int]] = []
    failures: list[tuple[str, str, Any, int, str]] = []
    codes = {c.value for c in ErrorCode}

    @settings(
        max_examples=2500,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        if time.monotonic() - started > BUDGET_SECONDS:
            return
        method, path, op = data.draw(st.sampled_from(ops))
        url, body = _request(data.draw, method, path, op, components)
        content_type = data.draw(
            st.sampled_from(["application/json"] * 6 + ["text/plain", "application/msgpack"])
        )
        response = hostile_client.request(
            method, url, content=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": content_type, "Cache-Control": "no-cache"},
        )  # fmt: skip
        sent.append((method, path, response.status_code))
        if response.status_code >= 500:
            failures.append((method, url[:80], body, response.status_code, response.text[:200]))
        elif response.status_code >= 400 and response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            error = response.json().get("error", {})
            if error.get("code") not in codes:
                failures.append((method, url[:80], body, response.status_code, f"code {error.get('code')!r}"))

    run()
    by_path = {p for _, p, _ in sent}
    print(
        f"\nfuzz: {len(sent)} requests over {len(by_path)} operations in {time.monotonic() - started:.0f} s"
    )
    assert not failures, failures[:5]
    assert len(sent) >= 100 and len(by_path) >= len(ops) // 2
