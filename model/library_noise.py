"""Library messages that mean nothing to someone using expgraph, silenced where our model code triggers them.

Importing transformers with bitsandbytes installed makes bitsandbytes log a hint about optional CPU 4-bit kernels
("pip install kernels"): we never run 4-bit on CPU. Merging the LoRA adapter makes peft call a transformers method
that is deprecated for v6 (a FutureWarning about code we do not call). The CLI routes library records to its log
file, but a server writes its log to the terminal, and its generator child process has no logging set up at all.
"""

from __future__ import annotations

import logging
import warnings


def silence_library_noise() -> None:
    """Keep the two messages above off the terminal (errors from the same libraries still show)."""
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"transformers\.modeling_utils")
