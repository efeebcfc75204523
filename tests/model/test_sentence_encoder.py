"""model.sentence_encoder: sentence-transformers' vectors without importing sentence-transformers.

The embedding cache is keyed by model id and text, so the plain-transformers encoder must give the library's vectors
bit for bit, with and without the relevance adapter; a directory it cannot reproduce must go to the library.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.embedder import _merged, bundled_model_dir
from model.sentence_encoder import LibraryEncoder, PlainEncoder, layout, load_sentence_encoder

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEVANCE_ADAPTER = REPO_ROOT / "adapters" / "answer-relevance-lora"

# lengths from 1 to past the 256-token limit, surrounding whitespace, non-ASCII, the same text twice: each changes
# padding, truncation or the batch's length order, where a careless reimplementation drifts in the last bits
TEXTS = [
    "x",
    "  what sample size for a 5% relative lift on a 10% baseline?  ",
    "p = 0.07 and the PM wants one more week — is that peeking?",
    "CUPED regresses the metric on its pre-period value and subtracts the explained part.",
    "CUPED regresses the metric on its pre-period value and subtracts the explained part.",
    "Sample ratio mismatch: 50.6% vs 49.4% on a million users is not chance.",
    "naïve café résumé Ångström",
    "\tnovelty effects fade\n",
    " ".join(["the variance of the difference in means shrinks with more users"] * 40),
    "SRM",
    "How does the O'Brien-Fleming spending function spend alpha across five looks?",
    "Winsorize revenue at the 99th percentile before the t-test, and say so in the readout.",
]


def _copy_json(tmp_path: Path) -> Path:
    """The bundled directory's JSON files alone (``layout`` reads nothing else)."""
    source = bundled_model_dir()
    for path in source.rglob("*.json"):
        target = tmp_path / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return tmp_path


def test_the_bundled_minilm_runs_without_the_library_as_mean_pooling_normalised_to_256_tokens() -> None:
    spec = layout(bundled_model_dir())
    assert spec is not None
    assert (spec.pooling, spec.normalize, spec.max_seq_length, spec.lower_case) == ("mean", True, 256, False)


@pytest.mark.parametrize(
    "change",
    [
        "a dense layer",
        "weighted-mean pooling",
        "two pooling modes",
        "a prompt",
        "the transformer in a folder of its own",
        "model arguments",
    ],
)
def test_a_directory_the_plain_encoder_cannot_reproduce_goes_to_the_library(
    tmp_path: Path, change: str
) -> None:
    directory = _copy_json(tmp_path)
    modules_path = directory / "modules.json"
    pooling_path = directory / "1_Pooling" / "config.json"
    modules = json.loads(modules_path.read_text())
    pooling = json.loads(pooling_path.read_text())
    if change == "a dense layer":
        modules.insert(
            2, {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}
        )
    elif change == "weighted-mean pooling":
        pooling["pooling_mode_mean_tokens"] = False
        pooling["pooling_mode_weightedmean_tokens"] = True
    elif change == "two pooling modes":
        pooling["pooling_mode_max_tokens"] = True
    elif change == "the transformer in a folder of its own":
        modules[0]["path"] = "0_Transformer"
    elif change == "model arguments":
        (directory / "sentence_bert_config.json").write_text(
            json.dumps({"max_seq_length": 256, "model_args": {"attn_implementation": "eager"}})
        )
    else:
        (directory / "config_sentence_transformers.json").write_text(
            json.dumps({"prompts": {"query": "query: "}, "default_prompt_name": "query"})
        )
    modules_path.write_text(json.dumps(modules))
    pooling_path.write_text(json.dumps(pooling))
    assert layout(directory) is None


def _library_rows(library: LibraryEncoder, texts: list[str]) -> np.ndarray:
    return np.asarray(library.encode(texts), dtype="float32")


def test_the_plain_encoder_gives_the_librarys_vectors_bit_for_bit_with_and_without_the_adapter() -> None:
    plain = load_sentence_encoder(bundled_model_dir(), "cpu")
    assert isinstance(plain, PlainEncoder)
    library = LibraryEncoder(bundled_model_dir(), "cpu")
    ours = plain.encode(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 384)
    assert np.array_equal(ours, _library_rows(library, TEXTS))
    # in the caller's order, whatever the lengths: the same text twice gives the same row
    assert np.array_equal(ours[3], ours[4])
    assert np.array_equal(plain.encode(TEXTS[::-1])[::-1], ours)

    plain.auto_model = _merged(plain.auto_model, RELEVANCE_ADAPTER)
    library.auto_model = _merged(library.auto_model, RELEVANCE_ADAPTER)
    tuned = plain.encode(TEXTS)
    assert np.array_equal(tuned, _library_rows(library, TEXTS))
    assert not np.array_equal(tuned, ours)  # the adapter was applied, not dropped


def test_embedding_a_question_never_imports_sentence_transformers() -> None:
    """The point of the module: a process that embeds skips the library's ~8 s import."""
    script = (
        "import sys\n"
        "from model.embedder import BUNDLED_MODEL_ID, Embedder, bundled_model_dir\n"
        "vector = Embedder(BUNDLED_MODEL_ID, bundled_model_dir(), None).embed_one('how long should my test run')\n"
        "assert len(vector) == 384\n"
        "print(sorted(m for m in sys.modules if m.startswith('sentence_transformers')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
