"""LoRA training: configuration rules (pure) and a tiny real run on SmolLM2 whose adapter the generator loads."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from config import Settings
from model.backends.transformers_local import TransformersGenerator, locate_weights
from model.loader import load_generator
from model.prompts import PromptSource, build_answer_messages
from training.lora import (
    CPU_FALLBACK_REASON,
    TrainConfig,
    TrainingError,
    fits,
    read_manifest,
    resolve_quantization,
    steps_for,
    train_adapter,
    weights_hash,
)
from training.sft_data import SFTExample


def _example(i: int, question: str, definition: str, name: str) -> SFTExample:
    sources = [
        PromptSource(1, name, definition, "concept"),
        PromptSource(2, "Variance", "Spread of a metric.", "concept"),
    ]
    return SFTExample(
        id=f"definition-{i}",
        kind="definition",
        split="train",
        question=question,
        messages=tuple(build_answer_messages(question, sources)),
        target=f"{definition[:-1]} [1].",
        concepts=(name.lower(),),
        valid_markers=(1, 2),
        answer_markers=(1,),
    )


EXAMPLES = [
    _example(0, "What is power?", "Power is the probability of detecting a true effect.", "Power"),
    _example(1, "What is alpha?", "Alpha is the false positive rate the test allows.", "Alpha"),
]


def test_auto_quantization_is_qlora_on_cuda_and_float32_lora_on_cpu() -> None:
    assert resolve_quantization("auto", cuda=True)[0] == "nf4"
    assert resolve_quantization("auto", cuda=False) == ("none", CPU_FALLBACK_REASON)
    used, why = resolve_quantization("nf4", cuda=False)
    assert used == "nf4" and "slow" in why
    assert resolve_quantization("none", cuda=True)[0] == "none"


def test_bad_hyperparameters_are_rejected_with_the_value() -> None:
    with pytest.raises(TrainingError, match="lora_r must be at least 1; got 0"):
        TrainConfig(lora_r=0)
    with pytest.raises(TrainingError, match="quantization must be"):
        TrainConfig(quantization="int3")  # type: ignore[arg-type]


def test_step_estimate_and_length_rule() -> None:
    assert steps_for(300, TrainConfig(batch_size=4, epochs=1)) == 75
    assert steps_for(300, TrainConfig(max_steps=7)) == 7
    assert fits(512, 512) and not fits(513, 512)


def test_no_examples_is_an_error(
    generator: TransformersGenerator, settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(TrainingError, match="no training examples"):
        train_adapter(settings, [], TrainConfig(max_steps=1), tmp_path)


def test_a_tiny_run_writes_an_adapter_and_manifest_the_generator_loads(
    generator: TransformersGenerator, settings: Settings, tmp_path: Path
) -> None:
    from safetensors.torch import load_file

    # No warm-up: with a single step, a linear warm-up would run it at learning rate 0.
    config = TrainConfig(
        name="tiny",
        max_steps=1,
        batch_size=2,
        save_steps=1000,
        logging_steps=1,
        learning_rate=1e-3,
        warmup_ratio=0.0,
    )
    steps: list[tuple[int, int]] = []
    result = train_adapter(
        settings,
        EXAMPLES,
        config,
        tmp_path,
        data_hash="abc123",
        on_step=lambda done, total: steps.append((done, total)),
        progress_bar=False,
    )
    assert steps == [(1, 1)], "the CLI's progress bar (done, total) follows every optimizer step"

    assert result.adapter_dir == tmp_path / "tiny"
    manifest = read_manifest(result.adapter_dir)
    assert manifest == json.loads((result.adapter_dir / "manifest.json").read_text())
    assert manifest["quantization"] == {"used": "none", "requested": "auto", "reason": CPU_FALLBACK_REASON}
    assert manifest["data"] == {
        "hash": "abc123",
        "examples_given": 2,
        "examples_used": 2,
        "examples_too_long": 0,
        "kinds": {"definition": 2},
    }
    source, _name, _origin = locate_weights(settings)
    assert manifest["base_model"]["weights_sha256"] == weights_hash(Path(source))
    assert manifest["hyperparameters"]["lora_r"] == 8
    assert manifest["metrics"]["steps"] == 1 and math.isfinite(manifest["metrics"]["train_loss"])
    assert {"torch", "transformers", "trl", "peft", "bitsandbytes"} <= set(manifest["libraries"])

    weights = load_file(str(result.adapter_dir / "adapter_model.safetensors"))
    lora_b = [t for k, t in weights.items() if "lora_B" in k]
    assert lora_b and any(float(t.abs().sum()) > 0 for t in lora_b), (
        "one optimizer step moved the LoRA weights"
    )

    tuned = load_generator(settings.model_copy(update={"generator_adapter": result.adapter_dir}))
    assert isinstance(tuned, TransformersGenerator)
    assert "+tiny" in tuned.model_id
    out = tuned.generate(list(EXAMPLES[0].messages), max_new_tokens=4)
    assert out.completion_tokens >= 1
