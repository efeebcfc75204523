"""Replay throughput: a synthetic log of vector-free events, and a corpus-shaped log with 384-d vectors.

    .venv/bin/python -m bench.bench_replay [--events 100000] [--url mem://] [--live] [--sdk-codec]

Prints append and rebuild throughput, wall and CPU time (the embedded engine runs in this process, so CPU time
is what the work costs on an idle machine; wall time depends on what else shares the cores). Targets: vector-free
replay >= 5,000 events/s; corpus-shaped rebuild < 60 s. ``--live`` also times a live projector (rows read back
from the database, 500-event batches) folding the same log into another namespace, to show what the rebuild's
row mirror and large batches buy; ``--sdk-codec`` runs everything through the SDK's pure-Python CBOR codec.
"""

from __future__ import annotations

import argparse
import math
import random
import time

from config import Settings
from engine.db import Database, open_database
from engine.events import (
    ChunkAdded,
    ConceptAliased,
    ConceptDefined,
    DocumentIngested,
    DocumentRetracted,
    NewEvent,
    Payload,
    Provenance,
    RelationAsserted,
    RelationRetracted,
    stream_for,
)
from engine.graph_reads import count_rows
from engine.migrations import migrate
from engine.ontology import RELATION_TYPES, ConceptCategory
from engine.projection import Projector
from engine.replay import graph_hash, rebuild
from engine.store import EventStore, StreamAppend

TYPES = sorted(RELATION_TYPES)


def _unit(rng: random.Random) -> list[float]:
    v = [rng.gauss(0, 1) for _ in range(384)]
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v]


def _concept(i: int, rng: random.Random, doc: str) -> tuple[Payload, str]:
    return (
        ConceptDefined(
            concept_id=f"c{i}", name=f"Concept {i}", category=ConceptCategory.TEST, definition=f"Definition {i}.",
            aliases=[f"alias {i}"], embedding=_unit(rng), embedding_model="bench",
        ),
        doc,
    )  # fmt: skip


def _relation(i: int, rng: random.Random, n_concepts: int, doc: str) -> tuple[Payload, str]:
    a, b = rng.sample(range(n_concepts), 2)
    rel_type = TYPES[i % len(TYPES)]
    rid = f"c{a}:{rel_type}:c{b}"
    return RelationAsserted(
        relation_id=rid, source_id=f"c{a}", target_id=f"c{b}", rel_type=rel_type, weight=0.5
    ), doc


def vector_free_log(n_events: int, n_concepts: int, seed: int = 7) -> list[tuple[Payload, str]]:
    """``n_concepts`` concepts (with vectors), then ``n_events`` vector-free events of a realistic mix."""
    rng = random.Random(seed)
    log = [_concept(i, rng, f"doc{i % 50}") for i in range(n_concepts)]
    relation_ids: list[str] = []
    docs = 0
    for i in range(n_events):
        roll = i % 20
        if roll < 6:
            docs += 1
            concepts = [f"c{rng.randrange(n_concepts)}" for _ in range(3)]
            log.append((DocumentIngested(doc_id=f"doc{docs}", title=f"Doc {docs}", kind="guide", source="bench",
                                         content_hash=str(i), metadata={"concepts": concepts}), f"doc{docs}"))  # fmt: skip
        elif roll < 16:
            payload, doc = _relation(i, rng, n_concepts, f"doc{rng.randrange(1, docs + 1)}")
            relation_ids.append(payload.relation_id)  # type: ignore[attr-defined]
            log.append((payload, doc))
        elif roll < 19:
            log.append(
                (ConceptAliased(concept_id=f"c{rng.randrange(n_concepts)}", alias=f"alias-{i}"), "doc1")
            )
        elif i % 40 == 19:
            log.append((RelationRetracted(relation_id=rng.choice(relation_ids)), ""))
        else:
            log.append((DocumentRetracted(doc_id=f"doc{rng.randrange(1, docs + 1)}"), ""))
    return log


def corpus_shaped_log(seed: int = 11) -> list[tuple[Payload, str]]:
    """About the bundled corpus: 200 documents, 2,000 chunks, 150 concepts, 600 relations (~2,950 events)."""
    rng = random.Random(seed)
    log: list[tuple[Payload, str]] = []
    for d in range(200):
        doc = f"doc{d}"
        log.append((DocumentIngested(doc_id=doc, title=doc, kind="guide", source="bench", content_hash=doc,
                                     metadata={"concepts": [f"c{rng.randrange(150)}" for _ in range(4)]}), doc))  # fmt: skip
        for c in range(10):
            log.append((ChunkAdded(chunk_id=f"{doc}#{c}", doc_id=doc, position=c, text=f"chunk {c} of {doc} on variance",
                                   embedding=_unit(rng), embedding_model="bench", content_hash=f"{doc}{c}"), doc))  # fmt: skip
    log += [_concept(i, rng, f"doc{i}") for i in range(150)]
    log += [_relation(i, rng, 150, f"doc{i % 150}") for i in range(600)]
    return log


def append_log(store: EventStore, log: list[tuple[Payload, str]], per_call: int = 1000) -> float:
    """Append the log in atomic multi-stream calls; return seconds."""
    started = time.perf_counter()
    for start in range(0, len(log), per_call):
        grouped: dict[str, list[NewEvent]] = {}
        for payload, doc in log[start : start + per_call]:
            grouped.setdefault(stream_for(payload), []).append(
                NewEvent(payload=payload, provenance=Provenance(document_id=doc or None, extractor="bench"))
            )
        store.append_many([StreamAppend(s, events) for s, events in grouped.items()])
    return time.perf_counter() - started


def run(db: Database, label: str, log: list[tuple[Payload, str]], *, live: bool = False) -> None:
    migrate(db)
    store = EventStore(db)
    cpu = time.process_time()
    seconds = append_log(store, log)
    cpu = time.process_time() - cpu
    print(
        f"[{label}] appended {len(log):,} events in {seconds:.1f} s wall, {cpu:.1f} s CPU "
        f"({len(log) / seconds:,.0f} events/s wall)"
    )
    cpu = time.process_time()
    report = rebuild(db, store)
    cpu = time.process_time() - cpu
    print(
        f"[{label}] rebuild: {report.events:,} events in {report.seconds:.1f} s wall, {cpu:.1f} s CPU (all threads; "
        f"{report.events_per_second:,.0f} events/s wall, {report.events / cpu:,.0f} events per CPU-second); "
        f"rows: {count_rows(db)}"
    )
    if live:
        with db.sibling(f"{db.ns}_live", db.name) as other:
            migrate(other)
            started = time.perf_counter()
            events = Projector(other).catch_up(store)
            seconds = time.perf_counter() - started
            same = graph_hash(other) == graph_hash(db)
        print(
            f"[{label}] live projector: {events:,} events in {seconds:.1f} s ({events / seconds:,.0f} events/s); "
            f"same graph as the rebuild: {same}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000, help="vector-free events in the synthetic log")
    parser.add_argument("--concepts", type=int, default=500, help="concepts (with vectors) the log refers to")
    parser.add_argument("--url", default="mem://", help="database URL (mem:// or surrealkv://path)")
    parser.add_argument("--skip-corpus", action="store_true", help="skip the corpus-shaped log")
    parser.add_argument("--live", action="store_true", help="also time a live projector over the same log")
    parser.add_argument("--sdk-codec", action="store_true", help="use the SDK's pure-Python CBOR codec")
    args = parser.parse_args()
    settings = Settings(db_url=args.url, db_fast_codec=not args.sdk_codec)
    with open_database(settings, ns="bench", name="vector_free") as db:
        run(db, "vector-free", vector_free_log(args.events, args.concepts), live=args.live)
    if not args.skip_corpus:
        with open_database(settings, ns="bench", name="corpus_shaped") as db:
            run(db, "corpus-shaped", corpus_shaped_log(), live=args.live)


if __name__ == "__main__":
    main()
