"""The web pages in a real headless Chromium (Debian's, driven by Playwright), as a user would use them.

The server is the real app (uvicorn on a loopback port) over the session's corpus graph and the real models. Each
test saves screenshots under its tmp dir. Without Chromium the suite is skipped locally, but fails under ``CI=true``
(scripts/install_browser.sh installs it there), so CI cannot go green with the pages untested.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.runtime import Runtime
from config import Settings
from engine.db import Database
from tests.api.conftest import API_KEY

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [pytest.mark.browser]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CALC_QUESTION = "How many users per variant to detect a lift from 10% to 11% conversion at 80% power?"
# R: power.prop.test(p1 = 0.10, p2 = 0.11, power = 0.8) gives n = 14750.79 per group, 14,751 rounded up.
N_PER_GROUP = "14,751"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        message = "Debian's chromium is not installed (bash scripts/install_browser.sh)"
        if IN_CI:
            pytest.fail(f"CI=true and {message}: the web pages would go untested")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def server_url(
    api_settings: Settings, corpus_db: Database, embedder: object, generator: object
) -> Iterator[str]:
    # Its own runtime, so its own answer cache: what these tests see does not depend on other modules.
    yield from _serve(api_settings, Runtime.from_parts(api_settings, corpus_db, embedder, generator))


@pytest.fixture
def fresh_server_url(
    api_settings: Settings, db: Database, embedder: object, generator: object
) -> Iterator[str]:
    """The app over a fresh, empty database (per test), for pages that ingest and review."""
    yield from _serve(api_settings, Runtime.from_parts(api_settings, db, embedder, generator))


def _serve(api_settings: Settings, runtime: Runtime) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(api_settings, runtime), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.shots = tmp_path  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _shot(page: Any, name: str) -> Path:
    path: Path = page.shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_home_shows_no_result_card_before_a_question(page: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    expect(page.locator("#result")).to_be_hidden()
    body = page.inner_text("body")
    assert not re.search(r"show trace|calculations", body, re.I)
    expect(page.locator("#sources-section")).to_be_hidden()
    assert "Max hops" not in body and "log position" not in body
    for example in page.locator(".example").all_inner_texts():
        assert example.rstrip().endswith("?") and len(example.split()) >= 4
    _shot(page, "home")


def test_streamed_calculation_answer_with_curve_citation_and_trace(page: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    statuses: list[str] = []
    page.expose_function("noteStatus", lambda text: statuses.append(text))
    # Read each status from the nodes every mutation added, not from the line at callback time: several step
    # events can arrive in one network chunk, and one callback then sees only the last of them.
    page.evaluate(
        "new MutationObserver((records) => { for (const r of records) {"
        " const text = [...r.addedNodes].map((n) => n.textContent).join('');"
        " if (text) window.noteStatus(text); } })"
        ".observe(document.getElementById('status'), {childList: true, subtree: true, characterData: true})"
    )
    page.fill("#question", CALC_QUESTION)
    page.click("#ask-button")
    expect(page.locator("#status")).to_contain_text("Answered in", timeout=300_000)
    _shot(page, "answer-streamed")
    assert any(re.search(r"· \d+\.\d s$", s) for s in statuses), (
        "the status line shows the running step's time"
    )
    assert any("Writing the answer" in s for s in statuses)
    answer = page.locator("#answer").inner_text()
    assert N_PER_GROUP in answer
    # the table agrees with the answer: rounded the same way, the exact value on hover
    cell = page.locator("#calculations td[data-exact]").first
    assert cell.inner_text() == N_PER_GROUP
    assert float(cell.get_attribute("data-exact")) == pytest.approx(14750.79, abs=0.01)
    assert "input " not in page.locator("#calculations").inner_text()
    # the same power curve as /calculators, the chosen design marked
    expect(page.locator("#answer-curve svg path.curve")).to_have_count(2, timeout=20_000)
    assert page.locator("#answer-curve circle.marker").count() == 2
    # sources are numbered 1..n whatever the planner's markers were
    numbers = [int(v) for v in page.locator("#citations li").evaluate_all("els => els.map(e => e.value)")]
    assert numbers == list(range(1, len(numbers) + 1))
    cites = {int(t.strip("[]")) for t in page.locator("#answer .cite").all_inner_texts()}
    assert cites <= set(numbers)
    # related concepts read as sentences in the ontology's direction, never "is ... by"
    for item in page.locator("#related li").all_inner_texts():
        assert not re.search(r"\bis \w+ by\b", item), item
    page.locator("#citations li button").first.click()
    expect(page.locator("#side-panel")).to_be_visible()
    assert page.locator("#side-content blockquote").inner_text().strip()
    _shot(page, "citation")
    page.click("#trace-button")
    expect(page.locator("#trace-panel")).to_be_visible(timeout=10_000)
    edges = page.locator("#trace-graph path.edge")
    assert edges.count() >= 1, "the trace draws the relations it followed"
    assert page.locator("#trace-graph circle").count() >= 2
    assert page.locator("#trace-timeline .row").count() >= 5
    _shot(page, "trace")


def test_plain_request_flow_renders_the_same_answer(page: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    page.uncheck("#stream")
    page.fill("#question", "What is a sample ratio mismatch?")
    with page.expect_response(lambda r: r.url.endswith("/query") and r.request.method == "POST") as reply:
        page.click("#ask-button")
    assert reply.value.status == 200
    expect(page.locator("#status")).to_contain_text("Answered in", timeout=300_000)
    assert page.locator("#answer").inner_text().strip()
    assert page.locator("#result").is_visible()
    _shot(page, "answer-plain")


def test_a_refused_question_is_shown_as_an_error(page: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    # A depth the server refuses (1..5): the real 4xx reply, displayed, not swallowed.
    page.evaluate(
        "const o = document.createElement('option'); o.value = '9'; document.getElementById('max-hops').append(o)"
    )
    page.select_option("#max-hops", "9")
    page.fill("#question", "What is statistical power?")
    page.click("#ask-button")
    expect(page.locator("#error")).to_be_visible(timeout=30_000)
    assert "Could not answer" in page.locator("#error").inner_text()
    expect(page.locator("#result")).to_be_hidden()
    _shot(page, "error")


def test_calculators_page_draws_a_curve_and_updates_live(page: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(server_url + "/calculators")
    expect(page.locator("#curves svg path.curve")).to_have_count(2, timeout=20_000)
    assert page.locator("#curves circle.marker").count() == 2
    # baseline 10%, +10% relative, 80% power: 14,751 per group (R power.prop.test, as above)
    expect(page.locator("#headline")).to_contain_text(N_PER_GROUP)
    assert page.locator("#alternatives tr").count() >= 3, "other methods side by side"
    assert page.locator("#formula").inner_text().strip()
    _shot(page, "calculators")
    page.fill("input[name=mde]", "0.2")
    expect(page.locator("#headline")).not_to_contain_text(N_PER_GROUP, timeout=10_000)
    headline = int(page.locator("#headline span[data-exact]").inner_text().replace(",", ""))
    assert 3000 < headline < 4500  # a twice larger effect needs about a quarter of the users
    page.fill("input[name=baseline]", "2")
    expect(page.locator("#calc-error")).to_be_visible(timeout=10_000)
    assert page.locator("label.invalid").count() >= 1
    # every calculator in the registry has a form
    page.locator("#tool-list button", has_text="Sample ratio mismatch").click()
    expect(page.locator("label[data-param=counts]")).to_be_visible()


def test_graph_explorer_reads_relations_and_finds_paths(page: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(server_url + "/graph")
    page.fill("#search", "CUPED")
    page.locator("#results button", has_text="CUPED").first.click()
    expect(page.locator("#concept-name")).to_have_text("CUPED", timeout=10_000)
    relations = page.locator(".rel .sentence").all_inner_texts()
    assert "CUPED decreases Sample size" in relations
    assert page.locator(".rel .sources .chip").count() >= 1
    assert page.locator("#concept-card svg line.edge").count() >= 3
    _shot(page, "graph-concept")
    page.locator(".rel .sentence button", has_text="Sample size").first.click()
    expect(page.locator("#concept-name")).to_have_text("Sample size", timeout=10_000)
    page.fill("#from", "Variance")
    page.fill("#to", "Sample size")
    page.click("#connect-button")
    expect(page.locator(".path-card").first).to_be_visible(timeout=10_000)
    first = page.locator(".path-card").first.inner_text()
    assert "Variance increases Sample size" in first and "score" in first
    _shot(page, "graph-paths")


def test_history_page_filters_the_log_and_views_the_graph_as_of_a_position(
    page: Any, server_url: str
) -> None:
    from playwright.sync_api import expect

    page.goto(server_url + "/log")
    expect(page.locator("#as-of-status")).to_contain_text("The graph now", timeout=30_000)
    now_concepts = int(page.locator("[data-count=concepts] .n").inner_text().replace(",", ""))
    assert now_concepts > 100
    expect(page.locator("#events-body tr").first).to_be_visible()
    page.select_option("#filter-type", "RelationAsserted")
    expect(page.locator("#events-body tr").first).to_contain_text("relation stated", timeout=10_000)
    kinds = set(page.locator("#events-body td:nth-child(2)").all_inner_texts())
    assert kinds == {"relation stated"}
    # the slider: the graph before the first concept was defined has no concepts
    first_concept = int(
        page.evaluate(
            "fetch('/api/log/events?type=ConceptDefined&limit=1').then(r => r.json()).then(b => b.events[0].position)"
        )
    )
    page.fill("#as-of-number", str(first_concept - 1))
    page.dispatch_event("#as-of-number", "change")
    expect(page.locator("#as-of-status")).to_contain_text(
        f"after change #{first_concept - 1:,}", timeout=600_000
    )
    assert page.locator("[data-count=concepts] .n").inner_text() == "0"
    assert int(page.locator("#as-of").input_value()) == first_concept - 1
    assert page.locator("#as-of-concepts .chip.later").count() == now_concepts
    _shot(page, "history-as-of")


# Written for this test: an invented company metric, defined with an acronym, and a relation to it.
REVIEW_DOC = (
    "# Ferncastle metrics\n\nFerncastle Weekly Bookers (FWB) is defined as the number of guests with a confirmed "
    "booking in a rolling 7-day window.\n\nCalendar drift is when a listing's calendar stops syncing. "
    "Calendar drift decreases FWB.\n"
)
FWB = "concept:ferncastle-weekly-bookers"


def test_graph_explorer_lists_proposals_with_evidence_and_accepts_one_with_the_admin_key(
    page: Any, fresh_server_url: str
) -> None:
    from playwright.sync_api import expect

    ingested = page.request.post(
        fresh_server_url + "/ingest",
        data={"filename": "fern.md", "content": REVIEW_DOC},
        headers={"X-API-Key": API_KEY},
    )
    assert ingested.status == 201, ingested.text()
    page.goto(fresh_server_url + "/graph")
    fwb = page.locator(f'.proposal[data-id="{FWB}"]')
    expect(fwb).to_have_attribute("data-status", "proposed", timeout=10_000)
    expect(fwb.locator("blockquote")).to_contain_text("Ferncastle Weekly Bookers (FWB) is defined as")
    meta = fwb.locator(".evidence-meta").first.inner_text()
    assert "fern" in meta and "chunk" in meta and re.search(r"characters \d+–\d+", meta), meta
    assert re.search(r"confidence [01]\.\d\d", meta), meta
    relation = page.locator('.proposal[data-id^="relation:calendar-drift:decreases:"]')
    expect(relation.locator(".sentence")).to_contain_text("Calendar drift")
    expect(relation.locator("blockquote")).to_contain_text("Calendar drift decreases FWB.")

    # the proposed relation is drawn dashed in the neighbourhood diagram
    relation.locator(".sentence button", has_text="Calendar drift").click()
    expect(page.locator("#concept-name")).to_contain_text("Calendar drift", timeout=10_000)
    expect(page.locator("#concept-card svg line.edge.proposed")).to_have_count(1)

    # without the key, and with a wrong one, nothing changes and the page says why
    fwb.locator("button.accept").click()
    expect(page.locator("#review-message")).to_contain_text("Enter the admin key")
    page.fill("#admin-key", "not-the-key")
    fwb.locator("button.accept").click()
    expect(page.locator("#review-message")).to_contain_text("refused the admin key (401)", timeout=10_000)
    expect(fwb).to_have_attribute("data-status", "proposed")

    page.fill("#admin-key", API_KEY)
    fwb.locator("button.accept").click()
    expect(page.locator("#review-message")).to_contain_text(f"Accepted {FWB}", timeout=10_000)
    expect(fwb).to_have_attribute("data-status", "accepted", timeout=10_000)
    assert page.evaluate("sessionStorage.getItem('expgraph.adminKey')") == API_KEY
    listed = page.request.get(fresh_server_url + "/proposals?status=all").json()
    assert [c["status"] for c in listed["concepts"] if c["id"] == FWB] == ["accepted"]
    _shot(page, "graph-proposals")

    relation.locator("button.reject").click()
    expect(relation).to_have_attribute("data-status", "rejected", timeout=10_000)
    expect(page.locator("#concept-card svg line.edge.proposed")).to_have_count(0, timeout=10_000)
