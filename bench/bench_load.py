"""Load test: concurrent clients against a running expgraph server on localhost.

    .venv/bin/python bench/bench_load.py                      # starts its own server (temp data dir), then loads it
    .venv/bin/python bench/bench_load.py --url http://127.0.0.1:8000 --clients 8 --seconds 60

Two phases over a mix of calculation and explanation questions: ``uncached`` (every request sends
``Cache-Control: no-cache`` so the planner and model run) and ``cached`` (answers served from the answer cache).
Reports throughput, p50/p95/p99 latency and errors per phase. Only loopback targets are allowed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

QUESTIONS = [
    "What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?",
    "What sample size do I need for 5% MDE at 80% power?",
    "How long should I run a test with 20,000 visitors a day, a 4% baseline and a 10% relative MDE?",
    "We saw 50,000 vs 48,900 users in a 50/50 test. Is that a sample ratio mismatch?",
    "Why does CUPED shorten experiments?",
    "How does variance affect sample size?",
    "What is the difference between a one-sided and a two-sided test?",
    "Why is peeking at results a problem and what can I do instead?",
    "What is a guardrail metric?",
    "When should I use the Benjamini-Hochberg procedure instead of Bonferroni?",
]
REPO = Path(__file__).resolve().parent.parent


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run_phase(url: str, clients: int, seconds: float, *, cached: bool) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {} if cached else {"Cache-Control": "no-cache"}

    def worker(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            i = offset
            while time.monotonic() < stop_at:
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                started = time.perf_counter()
                try:
                    response = http.post("/query", json={"question": question}, headers=headers)
                    ok = response.status_code == 200
                    error = "" if ok else f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, error = False, type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    return {
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "throughput_rps": len(latencies) / wall,
        "p50_ms": 1000 * _percentile(latencies, 50),
        "p95_ms": 1000 * _percentile(latencies, 95),
        "p99_ms": 1000 * _percentile(latencies, 99),
        "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
    }


def _start_server(port: int) -> tuple[subprocess.Popen[bytes], str]:
    data_dir = tempfile.mkdtemp(prefix="expgraph-load-")
    env = {
        **os.environ,
        "EXPGRAPH_DATA_DIR": data_dir,
        "EXPGRAPH_CACHE_DIR": str(REPO / ".data" / "cache"),
        "EXPGRAPH_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    cmd = [str(REPO / ".venv" / "bin" / "expgraph"), "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/ready", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} before it was ready")
        time.sleep(1)
    proc.terminate()
    raise SystemExit("the server was not ready within 600 s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="A running server (loopback only). Default: start one.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    proc = None
    url = args.url
    if url is None:
        print("starting a server (first start ingests the bundled corpus)…", flush=True)
        proc, url = _start_server(args.port)
    host = urlparse(url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"} and not host.startswith("127."):
        raise SystemExit(f"refusing to load {host}: this benchmark only targets loopback addresses")
    try:
        for question in QUESTIONS:  # warm the cache and the model
            httpx.post(url + "/query", json={"question": question}, timeout=300)
        print(
            f"{'phase':<9} {'clients':>7} {'secs':>5} {'reqs':>6} {'errors':>6} {'req/s':>7} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        )
        for cached in (False, True):
            r = run_phase(url, args.clients, args.seconds, cached=cached)
            name = "cached" if cached else "uncached"
            print(
                f"{name:<9} {args.clients:>7} {args.seconds:>5.0f} {r['requests']:>6.0f} {r['errors']:>6.0f} "
                f"{r['throughput_rps']:>7.2f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f}",
                flush=True,
            )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    sys.exit(0)


if __name__ == "__main__":
    main()
