"""Library messages that mean nothing to someone using expgraph, silenced where our model code triggers them.

Importing transformers with bitsandbytes installed makes bitsandbytes log a hint about optional CPU 4-bit kernels
("pip install kernels"): we never run 4-bit on CPU. Merging the LoRA adapter makes peft call a transformers method
that is deprecated for v6 (a FutureWarning about code we do not call). Loading the reranker's base encoder as a
one-output classifier makes transformers report its classifier head as missing and "newly initialized", with advice to
train it: the LoRA adapter merged next supplies that head, so the report describes nothing wrong. The CLI routes
library records to its log file, but a server writes its log to the terminal, and its generator child process has no
logging set up at all.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def silence_library_noise() -> None:
    """Keep the two messages above off the terminal (errors from the same libraries still show)."""
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"transformers\.modeling_utils")


class _HeadOnlyReport(logging.Filter):
    """Drops transformers' load report when the only weights it names are a missing ``classifier`` head."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = _ANSI.sub("", record.getMessage())
        if "LOAD REPORT" not in text:
            return True
        rows = [
            line
            for line in text.splitlines()
            if "|" in line and not line.startswith(("Key", "-")) and line.split("|")[0].strip()
        ]
        head_only = bool(rows) and all(
            line.split("|")[0].strip().startswith("classifier.") and "MISSING" in line for line in rows
        )
        return not head_only


@contextmanager
def head_supplied_by_adapter() -> Iterator[None]:
    """While loading a base model whose classifier head an adapter supplies: no report of that head as missing
    (a report that names any other weight still shows)."""
    logger = logging.getLogger("transformers.modeling_utils")
    quiet = _HeadOnlyReport()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
