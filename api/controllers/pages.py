"""The web page at ``/`` and its static files (served from the package; no CDN)."""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, get
from litestar.response import File
from litestar.static_files import create_static_files_router

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@get("/", media_type=MediaType.HTML, include_in_schema=False)
async def index() -> File:
    return File(STATIC_DIR / "index.html", content_disposition_type="inline", media_type=MediaType.HTML)


static_router = create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False)
