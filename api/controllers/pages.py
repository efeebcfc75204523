"""The web pages (``/``, ``/calculators``, ``/graph``, ``/log``), the favicon and static files (no CDN)."""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, get
from litestar.response import File
from litestar.static_files import create_static_files_router

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _page(name: str) -> File:
    return File(STATIC_DIR / name, content_disposition_type="inline", media_type=MediaType.HTML)


@get("/", media_type=MediaType.HTML, include_in_schema=False)
async def index() -> File:
    return _page("index.html")


@get("/calculators", media_type=MediaType.HTML, include_in_schema=False)
async def calculators_page() -> File:
    return _page("calculators.html")


@get("/graph", media_type=MediaType.HTML, include_in_schema=False)
async def graph_page() -> File:
    return _page("graph.html")


@get("/log", media_type=MediaType.HTML, include_in_schema=False)
async def log_page() -> File:
    return _page("log.html")


@get("/favicon.ico", include_in_schema=False)
async def favicon() -> File:
    return File(STATIC_DIR / "favicon.svg", content_disposition_type="inline", media_type="image/svg+xml")


PAGES = [index, calculators_page, graph_page, log_page, favicon]
static_router = create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False)
