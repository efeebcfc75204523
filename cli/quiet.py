"""A quiet terminal: library warnings, log records and third-party progress bars go to ``<data_dir>/logs/``.

Model loading pulls in transformers, bitsandbytes and huggingface_hub, which print conversion bars, "pip install
kernels" hints and FutureWarnings that mean nothing to someone asking a question. Unless ``--verbose``, they are
written to ``<data_dir>/logs/expgraph.log`` instead; our own progress bars (rich) and messages still show. The log
file and its folder are created on the first record only, so a read-only command leaves no data directory behind.
Standard library ``logging`` and ``warnings.captureWarnings`` do the routing; tqdm and the Hugging Face libraries
honour their documented environment switches.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

# Documented switches: tqdm >= 4.66 reads TQDM_* defaults; huggingface_hub and transformers their own flags.
QUIET_ENV = {
    "TQDM_DISABLE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


_INSTALLED: list[logging.Handler] = []  # what configure() added, for the next call to replace


class LazyFileHandler(logging.FileHandler):
    """A file handler that creates its folder and file on the first record, not when configured."""

    def __init__(self, path: Path) -> None:
        self._path = path
        super().__init__(path, encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:  # type: ignore[has-type]
            self._path.parent.mkdir(parents=True, exist_ok=True)
        super().emit(record)


def log_file(data_dir: Path) -> Path:
    return data_dir / "logs" / "expgraph.log"


def configure(data_dir: Path, *, verbose: bool) -> Path | None:
    """Route warnings and library logs to the log file (or, verbose, to the terminal). Returns the log path."""
    root = logging.getLogger()
    while _INSTALLED:
        root.removeHandler(_INSTALLED.pop())
    handler: logging.Handler
    if verbose:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.setLevel(logging.INFO)
        path = None
    else:
        for key, value in QUIET_ENV.items():
            os.environ.setdefault(key, value)
        path = log_file(data_dir)
        handler = LazyFileHandler(path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.setLevel(logging.WARNING)
    _INSTALLED.append(handler)
    root.addHandler(handler)
    logging.captureWarnings(True)
    return path
