"""The bundled LoRA adapter (adapters/answer-lora) is the default generator: settings, manifest, real model."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config import REPO_ROOT, Settings
from model.backends.transformers_local import TransformersGenerator
from model.loader import load_generator
from model.prompts import PromptSource, build_answer_messages
from training.lora import read_manifest, weights_hash

BUNDLED = REPO_ROOT / "adapters" / "answer-lora"


def test_the_default_adapter_is_the_bundled_one_with_its_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXPGRAPH_GENERATOR_ADAPTER", raising=False)
    assert Settings(_env_file=None).generator_adapter == BUNDLED  # type: ignore[call-arg]
    for name in ("adapter_config.json", "adapter_model.safetensors", "manifest.json"):
        assert (BUNDLED / name).is_file(), name
    # small enough to live in git: r=8 on the attention projections of the top layers
    assert (BUNDLED / "adapter_model.safetensors").stat().st_size < 5_000_000


@pytest.mark.parametrize("value", ["none", "NONE", " None ", ""])
def test_none_in_any_case_turns_the_adapter_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EXPGRAPH_GENERATOR_ADAPTER", value)
    assert Settings(_env_file=None).generator_adapter is None  # type: ignore[call-arg]


def test_a_missing_adapter_directory_is_a_clear_settings_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXPGRAPH_GENERATOR_ADAPTER", str(tmp_path / "no-such-adapter"))
    with pytest.raises(ValidationError, match=r"no-such-adapter is not a directory.*or set it to `none`"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_manifest_names_the_shipped_base_model_by_its_weight_hash(
    generator: TransformersGenerator,
) -> None:
    manifest = read_manifest(BUNDLED)
    base_dir = Path(generator.load_info.path)  # the converted SmolLM2 the generator loaded
    assert manifest["base_model"]["weights_sha256"] == weights_hash(base_dir)
    assert manifest["data"]["hash"] and manifest["hyperparameters"]["lora_r"] == 8
    assert set(manifest["held_out"]) >= {"base", "tuned", "examples"}


def test_the_default_generator_is_tuned_and_answers_differently_from_the_base(
    settings: Settings, generator: TransformersGenerator, generator_fp32: TransformersGenerator
) -> None:
    assert settings.generator_adapter == BUNDLED
    assert "+answer-lora:" in generator.model_id
    assert generator.load_info.adapter == str(BUNDLED)
    # Compared in float32, where the merged adapter is exact: the CPU default (int8 weights, one scale per row) moves
    # only a few percent of the adapted weights by one step, so whether a short greedy answer changes under int8
    # depends on the CPU's kernels (it does on an AVX2 machine, not on one with AVX-512 bfloat16).
    assert generator_fp32.load_info.adapter == str(BUNDLED)
    base = load_generator(
        settings.model_copy(update={"generator_adapter": None, "generator_dtype": "float32"})
    )
    assert "+answer-lora" not in base.model_id
    messages = build_answer_messages(
        "What is statistical power?",
        [
            PromptSource(
                1,
                "Statistical power",
                "Statistical power is the probability that a test detects an effect of a given size when it is "
                "really there. It is one minus the type II error rate.",
                "concept",
            )
        ],
    )
    tuned_text = generator_fp32.generate(messages, max_new_tokens=40).text
    base_text = base.generate(messages, max_new_tokens=40).text
    assert tuned_text.strip() and base_text.strip()
    assert tuned_text != base_text
