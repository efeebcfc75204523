"""LoRA / QLoRA fine-tuning of the answer generator on the SFT set (TRL ``SFTTrainer`` + peft + bitsandbytes).

Quantisation: on a CUDA GPU the base is loaded in bitsandbytes 4-bit NF4 (QLoRA). On CPU, bitsandbytes 0.50 does
load NF4 and runs forward and backward (checked on our 2-core machine), but without its optimised CPU kernels (the
``kernels`` package) every matmul dequantises first: one 256-token forward+backward of SmolLM2-135M took 35-89 s
in NF4 against 31-35 s in float32 on the same (heavily shared) machine, and a 135M model fits in memory in float32
anyway. So ``quantization="auto"`` falls back to plain LoRA on float32 weights on CPU and says so in the log and the
manifest. ``quantization="nf4"`` forces 4-bit anyway (e.g. to exercise the QLoRA path on CPU).

Every adapter directory holds peft's files plus ``manifest.json``: base model and its weight hash, data hash,
hyper-parameters, metrics, library versions, the quantisation actually used and why.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from training.sft_data import SFTExample, records_hash

if TYPE_CHECKING:
    from config import Settings

log = logging.getLogger(__name__)

Quantization = Literal["auto", "nf4", "none"]
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
CPU_FALLBACK_REASON = (
    "no CUDA GPU: bitsandbytes NF4 works on CPU but is slower than float32 without optimised CPU kernels "
    "(measured 35-89 s vs 31-35 s per 256-token forward+backward), so LoRA trains on float32 base weights, not QLoRA"
)
LIBRARIES = ("torch", "transformers", "trl", "peft", "bitsandbytes", "datasets", "accelerate")


class TrainingError(RuntimeError):
    """Training cannot start or finish as configured; the message says what to change."""


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Hyper-parameters. The defaults are the small CPU configuration (finishes in well under 30 minutes)."""

    name: str = "answer-lora"
    max_examples: int | None = 300
    epochs: float = 1.0
    max_seq_len: int = 768
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    # LoRA on the top N decoder layers only (None: all). Backward then stops at the lowest adapted layer, which on
    # a 2-core CPU is most of the saving; the bundled adapter uses it to train within its time budget.
    top_layers: int | None = None
    learning_rate: float = 3e-4
    batch_size: int = 4
    gradient_accumulation: int = 1
    warmup_ratio: float = 0.05
    seed: int = 13
    quantization: Quantization = "auto"
    save_steps: int = 50
    max_steps: int = -1
    logging_steps: int = 5

    def __post_init__(self) -> None:
        if self.lora_r < 1:
            raise TrainingError(f"lora_r must be at least 1; got {self.lora_r}")
        if self.max_seq_len < 64:
            raise TrainingError(f"max_seq_len must be at least 64 tokens; got {self.max_seq_len}")
        if self.epochs <= 0 and self.max_steps <= 0:
            raise TrainingError("set epochs > 0 or max_steps > 0")
        if self.top_layers is not None and self.top_layers < 1:
            raise TrainingError(
                f"top_layers must be at least 1 (or unset for all layers); got {self.top_layers}"
            )
        if self.quantization not in ("auto", "nf4", "none"):
            raise TrainingError(f"quantization must be auto, nf4 or none; got {self.quantization!r}")


@dataclass(slots=True)
class TrainResult:
    """Where the adapter went and what its manifest says."""

    adapter_dir: Path
    manifest: dict[str, Any]
    seconds: float
    examples_used: int
    examples_too_long: int
    train_loss: float | None = None
    log_history: list[dict[str, Any]] = field(default_factory=list)


def resolve_quantization(requested: Quantization, *, cuda: bool) -> tuple[Literal["nf4", "none"], str]:
    """The quantisation to use on this device and why (``auto``: NF4 QLoRA on CUDA, float32 LoRA on CPU)."""
    if requested == "nf4":
        return "nf4", "requested" + ("" if cuda else " (on CPU: slow, see module docstring)")
    if requested == "none":
        return "none", "requested"
    if cuda:
        return "nf4", "CUDA GPU available: QLoRA (bitsandbytes NF4 base, bfloat16 compute)"
    return "none", CPU_FALLBACK_REASON


def library_versions() -> dict[str, str]:
    """Installed versions of the training stack."""
    out: dict[str, str] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def encoder_adapter_manifest(
    out_dir: Path, base_dir: Path, config: Any, data: dict[str, Any], seconds: float
) -> dict[str, Any]:
    """The manifest of an adapter of the embedder (relevance, reranker): what it was trained from and how — base
    weight hash, ``data`` (splits, sizes, hash), hyper-parameters (``config``, a dataclass), time, libraries."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": out_dir.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "base_model": base_model_entry(base_dir),
        "data": data,
        "hyperparameters": asdict(config),
        "train_seconds": round(seconds, 1),
        "libraries": library_versions(),
    }


def base_model_entry(base_dir: Path) -> dict[str, str]:
    """A manifest's ``base_model``: the model directory (package-relative) and its weight hash."""
    return {"path": f"{base_dir.parent.name}/{base_dir.name}", "weights_sha256": weights_hash(base_dir)}


def weights_hash(model_dir: Path) -> str:
    """sha256 over the model directory's weight files (``*.safetensors``/``*.bin``), by name order."""
    files = sorted([*model_dir.glob("*.safetensors"), *model_dir.glob("*.bin")])
    if not files:
        raise TrainingError(f"{model_dir} holds no *.safetensors or *.bin weights")
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        digest.update(file_sha256(f).encode())
    return digest.hexdigest()


def fits(token_count: int, max_seq_len: int) -> bool:
    """Whether a tokenised prompt+answer fits: longer ones are dropped, since truncation would cut the answer."""
    return token_count <= max_seq_len


def top_layer_indices(layers: int, top: int | None) -> list[int] | None:
    """Indices of the top ``top`` of ``layers`` decoder layers (None: every layer)."""
    if top is None or top >= layers:
        return None
    return list(range(layers - top, layers))


def read_manifest(adapter_dir: Path) -> dict[str, Any]:
    """The manifest next to an adapter."""
    path = adapter_dir / MANIFEST_NAME
    if not path.is_file():
        raise TrainingError(f"{adapter_dir} has no {MANIFEST_NAME}; it was not written by expgraph train")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def record_in_manifest(adapter_dir: Path, key: str, value: Any) -> None:
    """Add (or replace) one entry of an adapter's manifest, e.g. held-out metrics measured after training."""
    manifest = read_manifest(adapter_dir)
    manifest[key] = value
    (adapter_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def fitting_examples(
    settings: Settings, examples: Sequence[SFTExample], max_seq_len: int
) -> list[SFTExample]:
    """The examples whose prompt+answer fits ``max_seq_len`` tokens of the base model's tokenizer, so that a
    sample drawn from them trains on as many examples as asked (longer ones would be skipped, not truncated)."""
    from transformers import AutoTokenizer

    from model.backends.transformers_local import locate_weights

    tokenizer = AutoTokenizer.from_pretrained(locate_weights(settings)[0], local_files_only=True)
    return [
        e
        for e, r in zip(examples, _records(examples), strict=True)
        if fits(_token_length(tokenizer, r), max_seq_len)
    ]


def _records(examples: Sequence[SFTExample]) -> list[dict[str, Any]]:
    return [{"prompt": r["prompt"], "completion": r["completion"]} for r in (e.to_record() for e in examples)]


def _token_length(tokenizer: Any, record: dict[str, Any]) -> int:
    text = tokenizer.apply_chat_template([*record["prompt"], *record["completion"]], tokenize=False)
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def train_adapter(
    settings: Settings,
    examples: Sequence[SFTExample],
    config: TrainConfig,
    out_root: Path,
    *,
    data_hash: str | None = None,
    on_log: Callable[[dict[str, Any]], None] | None = None,
    on_step: Callable[[int, int], None] | None = None,
    progress_bar: bool = True,
) -> TrainResult:
    """Fine-tune a LoRA adapter on ``examples`` and save it with its manifest under ``out_root/<config.name>``.

    The base model is the configured generator (``settings.generator_model``; default SmolLM2-135M-Instruct).
    Checkpoints go to ``<adapter>/checkpoints`` every ``save_steps`` steps (the last two are kept).
    ``on_step(done, total)`` is called after every optimizer step, for a caller's own progress bar.
    """
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        PrinterCallback,
        TrainerCallback,
        set_seed,
    )
    from trl import SFTConfig as TrlConfig
    from trl import SFTTrainer

    from model.backends.transformers_local import locate_weights

    if not examples:
        raise TrainingError("no training examples; build the SFT set first")
    started = time.perf_counter()
    cuda = torch.cuda.is_available()
    quant, reason = resolve_quantization(config.quantization, cuda=cuda)
    log.warning("quantization: %s (%s)", quant, reason)
    set_seed(config.seed)

    source, base_name, _origin = locate_weights(settings)
    base_dir = Path(source)
    base_hash = weights_hash(base_dir) if base_dir.is_dir() else None
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    records = _records(examples)
    kept = [r for r in records if fits(_token_length(tokenizer, r), config.max_seq_len)]
    too_long = len(records) - len(kept)
    if not kept:
        raise TrainingError(f"every example is longer than max_seq_len={config.max_seq_len}; raise it")
    dataset = Dataset.from_list(kept)

    load_kwargs: dict[str, Any] = {"local_files_only": True}
    if quant == "nf4":
        from transformers import BitsAndBytesConfig

        load_kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=torch.bfloat16 if cuda else torch.float32,
            bnb_4bit_use_double_quant=True,
        )
        load_kwargs["device_map"] = {"": 0 if cuda else "cpu"}
    else:
        load_kwargs["dtype"] = torch.bfloat16 if cuda else torch.float32
    model = AutoModelForCausalLM.from_pretrained(source, **load_kwargs)
    if quant == "nf4":
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cuda)

    adapter_dir = out_root / config.name
    adapter_dir.mkdir(parents=True, exist_ok=True)
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.target_modules),
        layers_to_transform=top_layer_indices(int(model.config.num_hidden_layers), config.top_layers),
        task_type="CAUSAL_LM",
    )
    args = TrlConfig(
        output_dir=str(adapter_dir / "checkpoints"),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation,
        learning_rate=config.learning_rate,
        lr_scheduler_type="cosine",
        warmup_steps=config.warmup_ratio,
        logging_steps=config.logging_steps,
        save_steps=config.save_steps,
        save_total_limit=2,
        seed=config.seed,
        data_seed=config.seed,
        max_length=config.max_seq_len,
        completion_only_loss=True,
        packing=False,
        report_to=[],
        use_cpu=not cuda,
        bf16=cuda,
        disable_tqdm=not progress_bar,
        dataloader_num_workers=0,
        dataset_num_proc=None,
    )

    history: list[dict[str, Any]] = []

    class _Logs(TrainerCallback):  # type: ignore[misc]
        def on_log(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            logs = kwargs.get("logs")
            if logs:
                history.append(dict(logs))
                if on_log is not None:
                    on_log(dict(logs))

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if on_step is not None:
                on_step(int(state.global_step), int(state.max_steps))

    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=[_Logs()],
    )
    if not progress_bar:  # without tqdm, transformers prints every log dict to stdout; on_log carries them
        trainer.remove_callback(PrinterCallback)
    output = trainer.train()
    tuned: Any = trainer.model
    tuned.save_pretrained(str(adapter_dir))
    seconds = time.perf_counter() - started
    train_loss = float(output.training_loss) if output.training_loss is not None else None
    losses = [h["loss"] for h in history if "loss" in h]
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "name": config.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "base_model": {"name": base_name, "path": source, "weights_sha256": base_hash},
        "data": {
            "hash": data_hash or records_hash(e.to_record() for e in examples),
            "examples_given": len(records),
            "examples_used": len(kept),
            "examples_too_long": too_long,
            "kinds": _kinds(examples),
        },
        "hyperparameters": asdict(config),
        "quantization": {"used": quant, "requested": config.quantization, "reason": reason},
        "device": "cuda" if cuda else "cpu",
        "metrics": {
            "train_loss": train_loss,
            "first_logged_loss": losses[0] if losses else None,
            "last_logged_loss": losses[-1] if losses else None,
            "steps": int(output.global_step),
            "seconds": round(seconds, 1),
            "torch_threads": torch.get_num_threads(),
        },
        "libraries": library_versions(),
    }
    (adapter_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return TrainResult(adapter_dir, manifest, seconds, len(kept), too_long, train_loss, history)


def _kinds(examples: Sequence[SFTExample]) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in examples:
        out[e.kind] = out.get(e.kind, 0) + 1
    return out


def steps_for(examples: int, config: TrainConfig) -> int:
    """Optimizer steps an epoch-based run takes (for estimates before training)."""
    if config.max_steps > 0:
        return config.max_steps
    per_step = config.batch_size * config.gradient_accumulation
    return math.ceil(math.ceil(examples / per_step) * config.epochs)
