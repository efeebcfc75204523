"""Load test: 1 client, then N concurrent clients, uncached, on the same server in one run; then cached.

    .venv/bin/python -m bench.bench_load                        # starts its own server (temp data dir)
    .venv/bin/python -m bench.bench_load --url http://127.0.0.1:8000 --clients 8 --seconds 60
    .venv/bin/python -m bench.bench_load --cold-start [--checkout /work/base]   # serve on an empty data dir → /ready

Phases over a mix of calculation and explanation questions: ``uncached`` with 1 client and with ``--clients``
(every request sends ``Cache-Control: no-cache`` so the planner and model run), then ``cached``. Reports
throughput, p50/p95/p99 latency, errors (a 503 counts as one), the 8-to-1 throughput ratio, and for the 1-client
phase the median time per planner node (``timings_ms`` of the responses). Only loopback targets are allowed.

``--cold-start`` times ``serve`` from an empty data dir until ``/ready`` answers 200 for the code in ``--checkout``
(run with this virtual environment's Python from that directory, so /work/base gives the "before" figure).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

QUESTIONS = [
    "What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?",
    "How long should I run a test with 20,000 visitors a day, a 4% baseline and a 10% relative MDE?",
    "We saw 50,000 vs 48,900 users in a 50/50 test. Is that a sample ratio mismatch?",
    "Why does CUPED shorten experiments?",
    "How does variance affect sample size?",
    "What is the difference between a one-sided and a two-sided test?",
    "Why is peeking at results a problem and what can I do instead?",
    "What is a guardrail metric?",
    "When should I use the Benjamini-Hochberg procedure instead of Bonferroni?",
    "what does the novelty effect do to my results",
    "is a confidence interval for the lift the same as the p value??",
    "how do i pick the randomization unit",
]
REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run_phase(url: str, clients: int, seconds: float, *, cached: bool) -> dict[str, Any]:
    """``clients`` threads asking in a loop for ``seconds``; requests still running at the end are waited for."""
    latencies: list[float] = []
    errors: list[str] = []
    nodes: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {} if cached else {"Cache-Control": "no-cache"}

    def worker(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=600) as http:
            i = offset * 5
            while time.monotonic() < stop_at:
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                started = time.perf_counter()
                try:
                    response = http.post("/query", json={"question": question}, headers=headers)
                    ok = response.status_code == 200
                    error = "" if ok else f"HTTP {response.status_code}"
                    timings = response.json().get("timings_ms", {}) if ok else {}
                except httpx.HTTPError as exc:
                    ok, error, timings = False, type(exc).__name__, {}
                elapsed = time.perf_counter() - started
                with lock:
                    if ok:
                        latencies.append(elapsed)
                        for node, ms in timings.items():
                            nodes[node].append(float(ms))
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
        "clients": clients,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "throughput_rps": len(latencies) / wall,
        "p50_s": _percentile(latencies, 50),
        "p95_s": _percentile(latencies, 95),
        "p99_s": _percentile(latencies, 99),
        "mean_s": statistics.fmean(latencies) if latencies else float("nan"),
        "node_p50_ms": {node: statistics.median(ms) for node, ms in nodes.items()},
    }


def _serve(
    checkout: Path, port: int, data_dir: str, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPGRAPH_")}
    env.update(extra_env or {})
    env.update({"EXPGRAPH_DATA_DIR": data_dir, "EXPGRAPH_RATE_LIMIT_PER_MINUTE": "1000000"})
    cmd = [str(PYTHON), "-c", "from cli.main import app; app()", "serve", "--port", str(port)]
    log = open(Path(data_dir) / "serve.log", "wb")  # noqa: SIM115 - the server outlives this function
    return subprocess.Popen(
        cmd, env=env, cwd=checkout, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _wait_ready(proc: subprocess.Popen[bytes], url: str, limit_s: float = 900) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        try:
            if httpx.get(url + "/ready", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} before it was ready")
        time.sleep(0.5)
    raise SystemExit(f"the server was not ready within {limit_s:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def cold_start(checkout: Path, port: int) -> None:
    data_dir = tempfile.mkdtemp(prefix="expgraph-cold-")
    url = f"http://127.0.0.1:{port}"
    print(f"load average before: {_load_average()}", flush=True)
    proc = _serve(checkout, port, data_dir)
    try:
        seconds = _wait_ready(proc, url)
        print(f"cold start ({checkout}): /ready after {seconds:.1f} s; load average {_load_average()}")
    finally:
        _stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)


def _row(name: str, r: dict[str, Any]) -> str:
    return (
        f"{name:<9} {r['clients']:>7} {r['requests']:>6} {r['errors']:>6} {r['throughput_rps']:>7.2f} "
        f"{r['p50_s']:>7.2f} {r['p95_s']:>7.2f} {r['p99_s']:>7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--url", help="A running server (loopback only). Default: start one on a fresh data dir."
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument(
        "--cold-start", action="store_true", help="Only time serve → /ready on an empty data dir."
    )
    parser.add_argument("--checkout", type=Path, default=REPO, help="Code to serve (default: this checkout).")
    args = parser.parse_args()
    if args.cold_start:
        cold_start(args.checkout.resolve(), args.port)
        return
    proc = None
    data_dir = None
    url = args.url
    if url is None:
        data_dir = tempfile.mkdtemp(prefix="expgraph-load-")
        proc = _serve(args.checkout.resolve(), args.port, data_dir)
        url = f"http://127.0.0.1:{args.port}"
        print(f"server ready after {_wait_ready(proc, url):.1f} s", flush=True)
    host = urlparse(url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"} and not host.startswith("127."):
        raise SystemExit(f"refusing to load {host}: this benchmark only targets loopback addresses")
    try:
        for question in QUESTIONS[:3]:  # load the embedder and fill the model's prefix cache
            httpx.post(url + "/query", json={"question": question}, timeout=600)
        print(f"load average: {_load_average()}")
        print(
            f"{'phase':<9} {'clients':>7} {'reqs':>6} {'errors':>6} {'req/s':>7} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7}"
        )
        single = run_phase(url, 1, args.seconds, cached=False)
        print(_row("uncached", single), flush=True)
        many = run_phase(url, args.clients, args.seconds, cached=False)
        print(_row("uncached", many), flush=True)
        cached = run_phase(url, args.clients, min(args.seconds, 15.0), cached=True)
        print(_row("cached", cached), flush=True)
        ratio = many["throughput_rps"] / single["throughput_rps"] if single["throughput_rps"] else 0.0
        print(f"throughput {args.clients} clients / 1 client: {ratio:.2f}x; load average {_load_average()}")
        for r in (single, many):
            if r["error_kinds"]:
                print(f"errors at {r['clients']} client(s): {r['error_kinds']}")
        breakdown = ", ".join(
            f"{k} {v:.0f}" for k, v in sorted(single["node_p50_ms"].items(), key=lambda kv: -kv[1])
        )
        print(f"1 client, median ms per node: {breakdown}")
    finally:
        if proc is not None:
            _stop(proc)
        if data_dir is not None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
