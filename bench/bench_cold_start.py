"""Cold start: ``expgraph ingest`` of the bundled corpus into an empty data dir, ``expgraph ask`` on it in a fresh
process, and ``serve`` on an empty data dir until /ready.

    .venv/bin/python -m bench.bench_cold_start                      # this checkout, once each
    .venv/bin/python -m bench.bench_cold_start --checkout /work/base --repeats 2
    .venv/bin/python -m bench.bench_cold_start --no-embedding-cache # as if set-up had shipped no embeddings
    .venv/bin/python -m bench.bench_cold_start --only ask --repeats 3 # a question never asked before, alone

Issue 16's targets, on a quiet machine: a cold ``ingest`` in 10 s or less, ``serve`` ``/ready`` within 30 s. Each
run gets a fresh temporary data dir; the model and embedding caches are the checkout's own (``<checkout>/.cache``,
filled by ``scripts/setup.sh``) unless ``--no-embedding-cache`` points the embedding cache at an empty directory.
The ``ask`` figure is one question answered by a new ``expgraph ask`` process with no server running: imports, model
loads and the answer, what a user of the CLI waits for. After the first run its question's vectors are cached, so
that ``ask`` loads no embedder; ``--only ask`` times the ``ask`` alone (the ingest untimed, once) with a copy of the
embedding cache that lacks the question's own vectors, as for a question never asked before.
The code runs from ``--checkout`` with this virtual environment's Python (so ``/work/base`` gives a "before"
figure), and every figure is printed with the load average, since this machine is shared.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.bench_load import PYTHON, REPO, _load_average, _serve, _stop, _wait_ready

ASK_QUESTION = "Why does CUPED shorten experiments?"


def _env(data_dir: str, embedding_cache: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPGRAPH_")}
    env["EXPGRAPH_DATA_DIR"] = data_dir
    if embedding_cache is not None:
        env["EXPGRAPH_EMBEDDING_CACHE"] = embedding_cache
    return env


def _expgraph(checkout: Path, data_dir: str, embedding_cache: str | None, *args: str) -> float:
    started = time.monotonic()
    done = subprocess.run(
        [str(PYTHON), "-c", "from cli.main import main; main()", *args],
        cwd=checkout,
        env={**_env(data_dir, embedding_cache), "EXPGRAPH_PORT": "1"},  # no server: `ask` answers in-process
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(
            f"expgraph {args[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return seconds


def time_ingest_and_ask(checkout: Path, embedding_cache: str | None) -> tuple[float, float]:
    """Seconds for ``expgraph ingest`` (bundled corpus, projection included) into an empty data dir, then for one
    ``expgraph ask`` on that data dir."""
    data_dir = tempfile.mkdtemp(prefix="expgraph-cold-ingest-")
    try:
        ingest = _expgraph(checkout, data_dir, embedding_cache, "ingest")
        ask = _expgraph(checkout, data_dir, embedding_cache, "ask", "--json", ASK_QUESTION)
        return ingest, ask
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _without_question(cache_file: Path, question: str) -> str:
    """A temporary copy of the embedding cache without ``question``'s vectors (plain and relevance embedder)."""
    from config import Settings
    from model.embedder import cache_key, load_embedder, load_relevance_embedder

    settings = Settings()
    ids = [e.model_id for e in (load_embedder(settings), load_relevance_embedder(settings)) if e is not None]
    copy = tempfile.mkdtemp(prefix="expgraph-ask-embeddings-")
    target = Path(copy) / cache_file.name
    with (
        contextlib.closing(sqlite3.connect(f"file:{cache_file}?mode=ro", uri=True)) as source,
        contextlib.closing(sqlite3.connect(target)) as out,
    ):
        source.backup(out)
        with out:
            out.executemany("DELETE FROM embedding WHERE key = ?", [(cache_key(i, question),) for i in ids])
    return copy


def time_new_question_asks(checkout: Path, repeats: int) -> None:
    """``repeats`` times: one ``expgraph ask`` in a new process of a question whose vectors are not cached, on a
    data dir ingested once (untimed)."""
    data_dir = tempfile.mkdtemp(prefix="expgraph-cold-ask-")
    cache_file = checkout / ".cache" / "embeddings" / "embeddings.sqlite3"
    try:
        _expgraph(checkout, data_dir, None, "ingest")
        for _ in range(repeats):
            cache = _without_question(cache_file, ASK_QUESTION)
            try:
                load = _load_average()
                seconds = _expgraph(checkout, data_dir, cache, "ask", "--json", ASK_QUESTION)
                print(
                    f"`expgraph ask` of a new question in a new process ({checkout}): {seconds:.1f} s; "
                    f"load average {load} -> {_load_average()}",
                    flush=True,
                )
            finally:
                shutil.rmtree(cache, ignore_errors=True)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def time_serve(checkout: Path, port: int, embedding_cache: str | None) -> float:
    """Seconds from starting ``expgraph serve`` on an empty data dir until ``/ready`` answers 200."""
    data_dir = tempfile.mkdtemp(prefix="expgraph-cold-serve-")
    proc = _serve(checkout, port, data_dir, extra_env=_env(data_dir, embedding_cache))
    try:
        return _wait_ready(proc, f"http://127.0.0.1:{port}")
    finally:
        _stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checkout", type=Path, default=REPO, help="Code to run (default: this checkout).")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--only",
        choices=("ingest", "serve", "ask"),
        help="Time one only (ingest times `ask` after it; ask: a new question's `ask` alone, the ingest untimed).",
    )
    parser.add_argument(
        "--no-embedding-cache",
        action="store_true",
        help="Start from an empty embedding cache (every corpus text embedded by the model).",
    )
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    if args.only == "ask":
        time_new_question_asks(checkout, args.repeats)
        return
    for _ in range(args.repeats):
        cache = tempfile.mkdtemp(prefix="expgraph-empty-embeddings-") if args.no_embedding_cache else None
        try:
            if args.only in (None, "ingest"):
                load = _load_average()
                seconds, asked = time_ingest_and_ask(checkout, cache)
                print(
                    f"cold ingest ({checkout}): {seconds:.1f} s; then `expgraph ask` in a new process: {asked:.1f} s; "
                    f"load average {load} -> {_load_average()}",
                    flush=True,
                )
            if cache is not None:  # the ingest just filled it
                shutil.rmtree(cache, ignore_errors=True)
                cache = tempfile.mkdtemp(prefix="expgraph-empty-embeddings-")
            if args.only in (None, "serve"):
                load = _load_average()
                seconds = time_serve(checkout, args.port, cache)
                print(
                    f"cold serve ({checkout}): /ready after {seconds:.1f} s; load average {load} -> {_load_average()}",
                    flush=True,
                )
        finally:
            if cache is not None:
                shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
