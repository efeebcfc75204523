"""The /analyze page in headless Chromium: upload each shipped dataset and read its scorecard."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from api.app import create_app
from api.runtime import Runtime
from config import REPO_ROOT, Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

EXAMPLES = REPO_ROOT / "examples" / "analysis"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is not installed (scripts/install_browser.sh)"
    ),
]


@pytest.fixture(scope="module")
def analyze_url(api_settings: Settings, corpus_runtime: Runtime) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        create_app(api_settings, corpus_runtime), host="127.0.0.1", port=port, log_level="warning"
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


def test_upload_each_example_and_read_the_scorecard(analyze_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    expected = {
        "clean_win.csv": ("ship", "pass"),
        "srm.csv": ("investigate", "fail"),
        "heavy_tailed_revenue.csv": ("ship", "pass"),
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(analyze_url + "/analyze")
            for name, (decision, srm_status) in expected.items():
                page.set_input_files("#file", str(EXAMPLES / name))
                page.click("#analyze-button")
                expect(page.locator("#status")).to_have_text("Done.", timeout=60_000)
                expect(page.locator("#verdict")).to_have_attribute("data-decision", decision)
                first = page.locator(".finding").first
                expect(first).to_have_attribute("data-kind", "srm")
                expect(first).to_have_attribute("data-status", srm_status)
                expect(first.locator('a[data-slug="sample-ratio-mismatch"]')).to_have_count(1)
                assert page.locator("#trace tbody tr").count() >= 3
                page.set_input_files("#file", [])
            if_heavy = page.locator('.finding[data-kind="cuped"]')
            expect(if_heavy).to_have_count(1)
            page.set_input_files("#file", str(EXAMPLES / "clustered_stores.csv"))
            page.click("#analyze-button")
            expect(page.locator("#status")).to_have_text("Done.", timeout=60_000)
            summary = page.locator("#summary")
            expect(summary).to_contain_text("multiple testing: holm across 2 comparisons")
            expect(summary).to_contain_text("clusters control 20, treatment 20")
            page.set_input_files("#file", [])
            page.fill("#data", "variant,units,conversions\ncontrol,100,10\ntreatment,100,130\n")
            page.click("#analyze-button")
            expect(page.locator("#error")).to_contain_text("row 3")
            expect(page.locator("#scorecard")).to_be_hidden()
        finally:
            browser.close()
