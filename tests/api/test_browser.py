"""The web page in a real headless Chromium (Debian's, driven by Playwright): ask, read a citation, open the trace.

The server is the real app (uvicorn on a loopback port) over the session's corpus graph and the real models.
"""

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
from config import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is not installed (scripts/install_browser.sh)"
    ),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(api_settings: Settings, corpus_runtime: Runtime) -> Iterator[str]:
    port = _free_port()
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


def test_ask_read_a_citation_and_open_the_trace(server_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(server_url + "/")
            page.fill("#question", "How does variance affect sample size?")
            page.click("#ask-button")
            expect(page.locator("#result")).to_be_visible(timeout=60_000)
            expect(page.locator("#status")).to_have_text("Done.", timeout=60_000)
            assert page.locator("#answer").inner_text().strip()
            citation = page.locator("#citations li button").first
            expect(citation).to_be_visible()
            citation.click()
            expect(page.locator("#side-panel")).to_be_visible()
            assert page.locator("#side-content").inner_text().strip()
            assert page.locator("#related li").count() > 0
            page.click("#trace-button")
            expect(page.locator("#trace-panel")).to_be_visible(timeout=10_000)
            assert page.locator("#trace-timeline .row").count() >= 5
            assert page.locator("#trace-graph circle").count() >= 2
        finally:
            browser.close()
