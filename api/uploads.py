"""Upload names the API accepts: a plain basename with a text suffix (the files themselves: ``services.uploads``)."""

from __future__ import annotations

import re
from pathlib import Path

from api.errors import InvalidRequest
from services.uploads import UPLOAD_SUFFIXES

MAX_NAME_CHARS = 200
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def safe_upload_name(filename: str) -> str:
    """The name itself if it is a safe basename with a text suffix; ``InvalidRequest`` (400) saying why not.

    Safe: letters, digits, ``.``, ``_``, ``-``; starts with a letter or digit (so never ``.``, ``..`` or a hidden
    file); no path separator; a ``.md``/``.markdown``/``.txt``/``.text`` suffix.
    """
    if len(filename) > MAX_NAME_CHARS or not _SAFE_NAME.match(filename) or Path(filename).name != filename:
        raise InvalidRequest(
            f"filename must be a plain file name of letters, digits, '.', '_' or '-' that starts with a letter or "
            f"digit (at most {MAX_NAME_CHARS} characters), e.g. notes.md; got {filename[:60]!r}",
            field="filename",
        )
    if Path(filename).suffix.lower() not in UPLOAD_SUFFIXES:
        raise InvalidRequest(
            f"filename must end in one of {', '.join(sorted(UPLOAD_SUFFIXES))}; got {filename[:60]!r}",
            field="filename",
        )
    return filename
