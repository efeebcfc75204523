"""Int8 weights for CPU decoding.

Decoding one token reads every weight once, so on a CPU it is bound by memory traffic: halving the bytes per weight
(bfloat16 -> int8) speeds it up almost proportionally. Two ways are offered:

- ``weight_only`` (the ``int8`` default): int8 weights with one bfloat16 scale per output row, multiplied by bfloat16
  activations (``torch._weight_int8pack_mm``). Activations stay unquantised, so outputs stay close to bfloat16.
  Prompt processing (many rows at once) is compute-bound instead, and there the int8 kernel is slower than a
  bfloat16 matmul; each layer therefore also keeps its bfloat16 weight and uses it for inputs of more than
  ``PREFILL_ROWS`` rows. That costs the bfloat16 copy's memory (270 MB for SmolLM2-135M) and buys bfloat16's
  time to first token together with int8's decode speed.
- ``dynamic``: ``torch.ao`` dynamic quantisation, which also quantises activations per tensor at run time. Faster,
  but SmolLM2's activations have large outlier channels, and per-tensor activation scales change the greedy output
  from the first token (measured by bench/bench_generation.py), so it is not the default.
"""

from __future__ import annotations

from typing import Any, Literal

import torch
from torch import nn

Int8Scheme = Literal["weight_only", "dynamic"]
PREFILL_ROWS = 8


class Int8WeightOnlyLinear(nn.Module):
    """A bias-free ``nn.Linear`` as int8 rows with per-row scales for decoding, bfloat16 for prompt processing."""

    weight_int8: torch.Tensor
    scales: torch.Tensor
    weight_bf16: torch.Tensor

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        if linear.bias is not None:
            raise ValueError("Int8WeightOnlyLinear supports bias-free linear layers only")
        weight = linear.weight.detach().float()
        scales = weight.abs().amax(dim=1).clamp(min=1e-8) / 127.0
        quantized = torch.round(weight / scales[:, None]).clamp(-127, 127).to(torch.int8)
        self.in_features: int = linear.in_features
        self.out_features: int = linear.out_features
        self.register_buffer("weight_int8", quantized.contiguous())
        self.register_buffer("scales", scales.to(torch.bfloat16))
        self.register_buffer("weight_bf16", weight.to(torch.bfloat16).contiguous())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        flat = x.reshape(-1, shape[-1]).to(torch.bfloat16)
        if flat.shape[0] > PREFILL_ROWS:
            out = torch.nn.functional.linear(flat, self.weight_bf16)
        else:
            out = torch._weight_int8pack_mm(flat, self.weight_int8, self.scales)
        return out.reshape(*shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8 weight-only"


def _replace_linears(module: nn.Module) -> int:
    replaced = 0
    for name, child in list(module.named_children()):
        if isinstance(child, nn.Linear) and child.bias is None:
            setattr(module, name, Int8WeightOnlyLinear(child))
            replaced += 1
        else:
            replaced += _replace_linears(child)
    return replaced


def quantize_int8(model: Any, scheme: Int8Scheme = "weight_only") -> Any:
    """Return ``model`` (a float32 causal LM on CPU) with int8 linear layers, ready for inference.

    ``weight_only`` also casts the remaining weights (embeddings, norms) to bfloat16 so activations flow in
    bfloat16 end to end. The tied embedding stays a full-precision lookup table; only the output head is int8.
    """
    if scheme == "dynamic":
        from torch.ao.quantization import quantize_dynamic

        return quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    if not hasattr(torch, "_weight_int8pack_mm"):
        raise RuntimeError("this torch build lacks _weight_int8pack_mm; use generator_dtype=bfloat16")
    if _replace_linears(model) == 0:
        raise ValueError("the model has no bias-free linear layers to quantise")
    return model.to(torch.bfloat16)
