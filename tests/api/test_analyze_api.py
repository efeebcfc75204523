"""POST /analyze and GET /analyses/{id} over the real app and database: scorecards, stored records, clean errors."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.runtime import Runtime
from config import REPO_ROOT, Settings
from engine.db import Database
from engine.store import EventStore

EXAMPLES = REPO_ROOT / "examples" / "analysis"


@pytest.fixture
def small_limit_client(
    api_settings: Settings, db: Database, embedder: object, generator: object
) -> Iterator[TestClient]:  # type: ignore[type-arg]
    settings = api_settings.model_copy(update={"max_analysis_bytes": 200})
    runtime = Runtime.from_parts(settings, db, embedder, generator)
    with TestClient(app=create_app(settings, runtime)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("name", "decision"),
    [("clean_win.csv", "ship"), ("srm.csv", "investigate"), ("heavy_tailed_revenue.csv", "ship")],
)
def test_each_example_dataset_gets_a_scorecard_that_is_stored_but_not_logged(
    client: TestClient,
    corpus_runtime: Runtime,
    name: str,
    decision: str,  # type: ignore[type-arg]
) -> None:
    head = EventStore(corpus_runtime.db).head()
    response = client.post(
        "/analyze", json={"data": (EXAMPLES / name).read_text(), "options": {"bayesian": True}}
    )
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["decision"] == decision
    assert record["findings"][0]["kind"] == "srm" and record["trace"][0]["tool"] == "srm_check"
    assert all(f["citations"] for f in record["findings"])
    stored = client.get(f"/analyses/{record['analysis_id']}")
    assert stored.status_code == 200
    assert stored.json() == record
    assert len(record["inputs_hash"]) == 64
    assert EventStore(corpus_runtime.db).head() == head  # uploaded data is not knowledge


def test_same_inputs_give_the_same_hash_and_parquet_is_accepted(client: TestClient) -> None:  # type: ignore[type-arg]
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    text = (EXAMPLES / "srm.csv").read_text()
    first = client.post("/analyze", json={"data": text}).json()
    second = client.post("/analyze", json={"data": text}).json()
    assert first["inputs_hash"] == second["inputs_hash"] and first["analysis_id"] != second["analysis_id"]
    buffer = io.BytesIO()
    pq.write_table(
        pa.table({"variant": ["control", "treatment"], "units": [10000, 10600], "conversions": [996, 1097]}),
        buffer,
    )
    parquet = client.post(
        "/analyze", json={"data_base64": base64.b64encode(buffer.getvalue()).decode(), "format": "parquet"}
    )
    assert parquet.status_code == 200 and parquet.json()["decision"] == "investigate"


def test_a_question_with_results_is_analysed(client: TestClient) -> None:  # type: ignore[type-arg]
    response = client.post(
        "/analyze",
        json={
            "question": "control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we ship?"
        },
    )
    assert response.status_code == 200
    assert response.json()["summary"]["units"] == {"control": 10000, "treatment": 10050}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"data": "group,units,conversions\nc,100,1\nt,100,2\n"}, "data", "row 1"),
        ({"data": "variant,units,conversions\ncontrol,100,10\ntreatment,100,-2\n"}, "conversions", "row 3"),
        ({"data": "variant,units,conversions\ncontrol,100,10\ntreatment,100,120\n"}, "conversions", "row 3"),
        (
            {
                "data": "variant,units,conversions\nc,100,1\nt,100,2\n",
                "options": {"metric_types": {"conversion": "median"}},
            },
            "conversion",
            "unknown metric type",
        ),
        (
            {"data": "variant,units,conversions\nc,100,1\nt,100,2\n", "options": {"colour": "red"}},
            "colour",
            "unknown option",
        ),
    ],
)
def test_bad_input_answers_422_naming_row_and_column_and_stores_nothing(
    client: TestClient,
    corpus_runtime: Runtime,
    body: dict[str, object],
    field: str,
    words: str,  # type: ignore[type-arg]
) -> None:
    before = corpus_runtime.db.query("SELECT count() AS n FROM analysis GROUP ALL")
    response = client.post("/analyze", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field and words in error["message"]
    assert corpus_runtime.db.query("SELECT count() AS n FROM analysis GROUP ALL") == before


def test_a_file_over_the_size_limit_is_refused(small_limit_client: TestClient) -> None:  # type: ignore[type-arg]
    response = small_limit_client.post(
        "/analyze", json={"data": (EXAMPLES / "clean_win.csv").read_text() * 3}
    )
    assert response.status_code == 422
    assert "limit" in response.json()["error"]["message"]


def test_unknown_analysis_ids_are_404(client: TestClient) -> None:  # type: ignore[type-arg]
    assert client.get("/analyses/" + "0" * 32).status_code == 404
    assert client.get("/analyses/not-an-id").status_code == 404


def test_the_page_is_served(client: TestClient) -> None:  # type: ignore[type-arg]
    page = client.get("/analyze")
    assert page.status_code == 200 and 'id="analyze-button"' in page.text
