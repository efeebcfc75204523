"""``/schema`` documents every response body: each endpoint's success response is a named, typed schema."""

from __future__ import annotations

import pytest

from api.app import create_app
from config import Settings

# (method, path, the component its success body refers to)
TYPED = [
    ("post", "/query", "AnswerResponse"),
    ("post", "/calculate/{tool}", "Calculation"),
    ("get", "/calculate", "ToolList"),
    ("get", "/concepts", "ConceptSearch"),
    ("get", "/concepts/{concept_id}", "ConceptDetail"),
    ("get", "/concepts/{concept_id}/paths/{other_id}", "ConceptPaths"),
    ("get", "/ready", "Readiness"),
    ("get", "/health", "Health"),
    ("get", "/events", "EventsPage"),
    ("get", "/traces/{trace_id}", "Trace"),
    ("get", "/proposals", "ProposalList"),
    ("post", "/proposals/{proposal_id}/accept", "ReviewDecision"),
    ("get", "/analyses/{analysis_id}", "AnalysisRecord"),
    ("post", "/analyze", "AnalysisRecord"),
    ("post", "/ingest", "Ingested"),
    ("post", "/admin/replay", "Replayed"),
    ("get", "/api/graph/ontology", "Ontology"),
    ("get", "/api/graph/concepts", "GraphConcepts"),
    ("get", "/api/graph/concepts/{concept_id}", "GraphConcept"),
    ("get", "/api/graph/paths", "GraphPaths"),
    ("get", "/api/log/events", "LogPage"),
    ("get", "/api/log/facets", "EventFacets"),
    ("get", "/api/log/as-of/{position}", "GraphAsOf"),
    ("post", "/api/calculators/{tool}/curve", "PowerCurves"),
]


@pytest.fixture(scope="module")
def openapi(settings: Settings) -> dict:  # type: ignore[type-arg]
    # Building the app starts nothing (the runtime starts with the server), so the schema needs no database.
    return create_app(settings).openapi_schema.to_schema()


@pytest.mark.parametrize(("method", "path", "component"), TYPED)
def test_each_endpoint_documents_its_response_body(
    openapi: dict,  # type: ignore[type-arg]
    method: str,
    path: str,
    component: str,
) -> None:
    responses = openapi["paths"][path][method]["responses"]
    success = next(v for k, v in responses.items() if k.startswith("2"))
    assert success["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{component}"}
    body = openapi["components"]["schemas"][component]
    assert body["type"] == "object" and body["properties"] and body["required"]


def test_the_answer_schema_lists_the_answer_fields(openapi: dict) -> None:  # type: ignore[type-arg]
    answer = openapi["components"]["schemas"]["AnswerResponse"]
    assert {"answer", "citations", "verification", "trace_id", "as_of"} <= set(answer["required"])
    ready = openapi["components"]["schemas"]["ReadyChecks"]["properties"]
    assert {"log_position", "projection_position", "lag", "model_loaded"} <= set(ready)
