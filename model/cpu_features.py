"""What this CPU computes natively, for choosing a model's precision at load time.

bfloat16 halves a CPU forward pass where oneDNN has a native bfloat16 path (AVX-512 with its bfloat16 extensions,
AMX) and multiplies it where it has not: on an AVX2-only 2-core EPYC the answer reranker took 3.4 s in bfloat16
against 0.59 s in float32 for 30 pairs, while on a 2-core AVX-512 machine bfloat16 took 0.12 s against 0.31 s.
"""

from __future__ import annotations

import functools


@functools.cache
def native_bfloat16() -> bool:
    """Whether bfloat16 matrix products run natively on this CPU (PyTorch's own oneDNN check)."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a build without oneDNN: assume the slow path
        return False
