"""Prometheus metrics beyond Litestar's per-route ones: planner node latency and answer-cache outcomes.

prometheus_client registers metrics process-wide, so they are created once and shared by every app instance.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from prometheus_client import Counter, Histogram

_lock = threading.Lock()
_node_seconds: Histogram | None = None
_cache_lookups: Counter | None = None

NODE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def _metrics() -> tuple[Histogram, Counter]:
    global _node_seconds, _cache_lookups
    with _lock:
        if _node_seconds is None or _cache_lookups is None:
            _node_seconds = Histogram(
                "expgraph_planner_node_seconds",
                "Time spent in each planner node.",
                ["node"],
                buckets=NODE_BUCKETS,
            )
            _cache_lookups = Counter(
                "expgraph_answer_cache_total", "Answer cache lookups by outcome.", ["outcome"]
            )
        return _node_seconds, _cache_lookups


def observe_planner_timings(timings_ms: Mapping[str, float]) -> None:
    histogram, _ = _metrics()
    for node, ms in timings_ms.items():
        histogram.labels(node=node).observe(ms / 1000.0)


def count_cache(hit: bool) -> None:
    _, counter = _metrics()
    counter.labels(outcome="hit" if hit else "miss").inc()
