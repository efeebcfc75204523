"""Ingestion and replay throughput on the bundled corpus, into fresh surrealkv databases in a temp dir.

Runs:
1. cold: empty embedding cache (model load + every embedding computed), fresh database;
2. warm: embedding cache filled by run 1, fresh database (what re-building a user's graph costs);
3. no-op: re-ingesting the unchanged corpus into the warm database (must append nothing);
4. replay: drop and rebuild the projection from the log (engine.replay), checking the graph hash is unchanged.

Usage: .venv/bin/python -m bench.bench_ingest [--corpus-dir DIR] [--json PATH]
Prints figures and writes them as JSON (default bench/results/ingest.json).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from config import Settings
from engine.db import open_database
from engine.graph_reads import count_rows
from engine.migrations import migrate
from engine.store import EventStore
from ingest.corpus_source import load_corpus_batch
from ingest.pipeline import IngestReport, ingest_batches
from ingest.source_document import IngestValidationError
from model.embedder import Embedder, resolve_model

REPO = Path(__file__).resolve().parent.parent


def _run(
    settings: Settings, embedder: Embedder, corpus_dir: Path
) -> tuple[IngestReport, float, dict[str, int]]:
    started = time.perf_counter()
    batch = load_corpus_batch(corpus_dir)
    with open_database(settings) as db:
        migrate(db)
        report = ingest_batches(db, EventStore(db), embedder, [batch])
        counts = count_rows(db)
    return report, time.perf_counter() - started, counts


def _figures(name: str, report: IngestReport, seconds: float) -> dict[str, Any]:
    return {
        "run": name,
        "documents": report.documents_seen,
        "events": report.events_appended,
        "texts_embedded": report.texts_embedded,
        "seconds": round(seconds, 3),
        "documents_per_s": round(report.documents_seen / seconds, 2),
        "events_per_s": round(report.events_appended / seconds, 1),
        "phases_s": {k: round(v, 3) for k, v in report.seconds.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "ingest.json")
    args = parser.parse_args()
    base = Settings()
    corpus_dir = (args.corpus_dir or base.corpus_dir).resolve()
    try:
        load_corpus_batch(corpus_dir)
    except IngestValidationError as exc:
        for problem in exc.problems[:20]:
            print(problem, file=sys.stderr)
        print(
            f"corpus at {corpus_dir} does not validate ({len(exc.problems)} problems); fix it first",
            file=sys.stderr,
        )
        return 2

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="expgraph-bench-") as tmp:
        root = Path(tmp)
        model_id, model_dir = resolve_model(base)

        def settings_for(name: str) -> Settings:
            return Settings(
                data_dir=root / name,
                db_url=f"surrealkv://{root / name / 'expgraph.db'}",
                cache_dir=root / "cache",
            )

        embedder = Embedder(model_id, model_dir, root / "cache" / "embeddings")  # empty cache: a cold start
        cold, seconds, counts = _run(settings_for("cold"), embedder, corpus_dir)
        results.append(_figures("cold (empty embedding cache, includes model load)", cold, seconds))
        warm, seconds, _ = _run(settings_for("warm"), embedder, corpus_dir)
        results.append(_figures("warm (embedding cache hit)", warm, seconds))
        noop, seconds, _ = _run(settings_for("warm"), embedder, corpus_dir)
        results.append(_figures("re-ingest unchanged", noop, seconds))
        assert noop.events_appended == 0, "re-ingesting an unchanged corpus must append nothing"

        from engine.replay import graph_hash, replay

        warm_settings = settings_for("warm")
        with open_database(warm_settings) as db:
            before = graph_hash(db)
            rebuilt = replay(warm_settings, db=db)
            after = graph_hash(db)
        replay_figures = {
            "events": rebuilt.events,
            "seconds": round(rebuilt.seconds, 3),
            "events_per_s": round(rebuilt.events_per_second, 1),
            "graph_hash_unchanged": before == after,
        }

    summary = {
        "corpus_dir": str(corpus_dir),
        "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip(),
        "rows": counts,
        "ingest": results,
        "replay": replay_figures,
    }
    print(f"corpus: {corpus_dir}")
    print(f"graph rows: {counts}")
    for row in results:
        print(
            f"{row['run']:<52} {row['documents']:>4} docs {row['events']:>6} events {row['seconds']:>8.2f} s  "
            f"{row['documents_per_s']:>8.2f} docs/s {row['events_per_s']:>9.1f} events/s  phases {row['phases_s']}"
        )
    print(f"replay: {replay_figures}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
