"""model.merged_weights: the relevance embedder and the reranker read their merged weights back without peft.

The embedding cache is keyed by model id, adapter hash and text, so a read-back model must give the merge's vectors
and scores bit for bit; a changed adapter must never reuse the old merge; a damaged file must be merged again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from model.embedder import BUNDLED_MODEL_ID, Embedder, bundled_model_dir
from model.merged_weights import merge_key
from model.reranker import Reranker

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEVANCE_ADAPTER = REPO_ROOT / "adapters" / "answer-relevance-lora"
RERANKER_ADAPTER = REPO_ROOT / "adapters" / "answer-reranker-lora"

QUESTION = "why does CUPED let us stop a test earlier?"
TEXTS = [
    "CUPED regresses the metric on its pre-period value and subtracts the explained part.",
    "Cutting the variance by a quarter cuts the sample, and so the duration, by a quarter.",
    "Sample ratio mismatch: 50.6% vs 49.4% on a million users is not chance.",
    "naïve café résumé",
]


def _relevance(merge_cache: Path | None) -> Embedder:
    """A fresh relevance embedder with no vector cache, so every vector comes from the model."""
    return Embedder(
        BUNDLED_MODEL_ID, bundled_model_dir(), None, adapter_dir=RELEVANCE_ADAPTER, merge_cache=merge_cache
    )


def test_the_relevance_encoder_read_back_gives_the_merges_vectors_bit_for_bit(tmp_path: Path) -> None:
    merged = _relevance(None).embed(TEXTS)
    first = _relevance(tmp_path).embed(TEXTS)  # merges with peft and keeps the result
    kept = list(tmp_path.glob("BertModel-*.safetensors"))
    assert len(kept) == 1
    read_back = _relevance(tmp_path).embed(TEXTS)
    assert first == merged
    assert read_back == merged
    plain = Embedder(BUNDLED_MODEL_ID, bundled_model_dir(), None).embed(TEXTS)
    assert plain != merged  # the adapter is really applied on the read-back path


def test_the_reranker_read_back_gives_the_merges_scores_bit_for_bit(tmp_path: Path) -> None:
    merged = Reranker(bundled_model_dir(), RERANKER_ADAPTER).scores(QUESTION, TEXTS)
    first = Reranker(bundled_model_dir(), RERANKER_ADAPTER, tmp_path).scores(QUESTION, TEXTS)
    assert len(list(tmp_path.glob("BertForSequenceClassification-*.safetensors"))) == 1
    read_back = Reranker(bundled_model_dir(), RERANKER_ADAPTER, tmp_path).scores(QUESTION, TEXTS)
    assert first == merged == read_back
    assert max(range(len(TEXTS)), key=lambda i: merged[i]) != 2  # SRM does not answer a CUPED question


@pytest.mark.parametrize("damage", ["truncated", "another model's tensors", "another dtype"])
def test_a_damaged_file_is_merged_again_and_rewritten(tmp_path: Path, damage: str) -> None:
    expected = _relevance(None).embed(TEXTS[:2])
    _relevance(tmp_path).embed(["x"])
    (kept,) = tmp_path.glob("BertModel-*.safetensors")
    size = kept.stat().st_size
    if damage == "truncated":
        kept.write_bytes(kept.read_bytes()[: size // 3])
    else:
        from safetensors.torch import load_file, save_file

        own = load_file(kept)
        if damage == "another dtype":  # every key and shape right, in half precision
            save_file({k: v.to(torch.float16) for k, v in own.items()}, kept)
        else:  # the right first keys with the wrong shapes, and too few of them
            save_file({k: torch.zeros(2) for k in list(own)[:5]}, kept)
    assert _relevance(tmp_path).embed(TEXTS[:2]) == expected
    assert kept.stat().st_size == size
    assert not list(tmp_path.glob(".*partial*"))


def test_another_adapter_or_base_never_reuses_a_merge(tmp_path: Path) -> None:
    class BertModel:  # only the class name enters the key
        pass

    adapter = tmp_path / "adapter"
    shutil.copytree(RELEVANCE_ADAPTER, adapter)
    base = tmp_path / "base"
    base.mkdir()
    (base / "model.safetensors").write_bytes(b"weights one")
    key = merge_key(BertModel(), base, adapter)
    assert merge_key(BertModel(), base, adapter) == key
    (base / "model.safetensors").write_bytes(b"weights two")
    changed_base = merge_key(BertModel(), base, adapter)
    config = adapter / "adapter_config.json"
    text = config.read_text()
    assert '"r": 16' in text
    config.write_text(text.replace('"r": 16', '"r": 8'))
    changed_adapter = merge_key(BertModel(), base, adapter)
    assert len({key, changed_base, changed_adapter}) == 3


@pytest.mark.slow
def test_a_new_process_with_the_merges_kept_never_imports_peft(tmp_path: Path) -> None:
    """The point of the module: an `ask` in a new process skips peft's import (5.6 s on 2 cores)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from model.embedder import BUNDLED_MODEL_ID, Embedder, bundled_model_dir\n"
        "from model.reranker import Reranker\n"
        "cache = Path(sys.argv[1])\n"
        f"e = Embedder(BUNDLED_MODEL_ID, bundled_model_dir(), None, adapter_dir=Path({str(RELEVANCE_ADAPTER)!r}), "
        "merge_cache=cache)\n"
        "assert len(e.embed_one('how long should my test run')) == 384\n"
        f"r = Reranker(bundled_model_dir(), Path({str(RERANKER_ADAPTER)!r}), cache)\n"
        "assert len(r.scores('how long should my test run', ['two full weeks', 'a p-value'])) == 2\n"
        "print(sorted(m for m in sys.modules if m == 'peft' or m.startswith('peft.')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1:]

    assert run() != ["[]"]  # the first process merges with peft
    assert run() == ["[]"]
