"""Turn validated source batches into events, append them atomically, and bring the projection up to date.

``ingest_batches`` is the one entry point every source goes through:
1. fold the event log into a ``LogState`` (what is already known);
2. ``plan_ingest``: diff each document against it (content hash, chunk ids, concept and relation fingerprints);
3. embed exactly the texts the new events need (cache first, batched, with progress);
4. append every event in ONE ``append_many`` transaction with optimistic stream versions — all or nothing;
5. run the projector to catch up.
Re-ingesting unchanged input appends nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from config import Settings
from engine.db import Database
from engine.events import NewEvent
from engine.graph_reads import list_concepts
from engine.graph_reads import resolution_candidates_knn as nearest_concepts
from engine.projection import Projector
from engine.store import EventStore, StreamAppend
from ingest.corpus_format import CorpusFormatError
from ingest.corpus_source import CORPUS_SCOPE, load_corpus_batch
from ingest.corpus_source import EXTRACTOR as CORPUS_EXTRACTOR
from ingest.log_state import LogState, fold_log_state
from ingest.planning import (
    ConceptLexicon,
    ConceptTerms,
    IngestPlan,
    PlannedEvent,
    build_events,
    concept_embedding_text,
    idempotency_key,
    plan_ingest,
)
from ingest.proposals import plan_proposals, propose
from ingest.resolution import DEFAULT_THRESHOLD, KnownConcept, Resolver
from ingest.source_document import IngestValidationError, SourceBatch
from ingest.text_source import load_text_batches


class EmbedderLike(Protocol):
    model_id: str

    def embed(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]: ...


class IngestProgress(Protocol):
    """Progress reporting hooks (the CLI draws a rich progress bar)."""

    def phase(self, name: str, total: int | None) -> None: ...

    def advance(self, amount: int) -> None: ...


class _Silent:
    def phase(self, name: str, total: int | None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


@dataclass(slots=True)
class IngestReport:
    """What one ingestion run did."""

    documents_seen: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    retracted: list[str] = field(default_factory=list)
    events_by_type: dict[str, int] = field(default_factory=dict)
    texts_embedded: int = 0
    first_position: int | None = None
    last_position: int | None = None
    projected: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def events_appended(self) -> int:
        return sum(self.events_by_type.values())

    def summary(self) -> str:
        """One line for humans."""
        parts = [
            f"{self.documents_seen} document(s): {len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.restored)} restored, {self.unchanged} unchanged, {len(self.retracted)} retracted",
            f"{self.events_appended} event(s) appended",
        ]
        if self.events_by_type:
            parts.append(", ".join(f"{k} {v}" for k, v in sorted(self.events_by_type.items())))
        if self.first_position is not None:
            parts.append(f"positions {self.first_position}-{self.last_position}")
        return "; ".join(parts)


def read_log_state(store: EventStore) -> LogState:
    """Fold the whole event log into the baseline ingestion diffs against."""
    state = fold_log_state(store.read())
    state.head = max(state.head, store.head())
    return state


def known_concepts(db: Database) -> list[ConceptTerms]:
    """Names and aliases of the concepts in the projected graph (to link mentions in free text)."""
    rows = list_concepts(db)
    return [ConceptTerms(r["concept_id"], (r["name"], *(r.get("aliases") or []))) for r in rows]


def _lexicon(batches: Sequence[SourceBatch], db: Database) -> ConceptLexicon:
    terms = {c.concept_id: c for c in known_concepts(db)}
    for batch in batches:
        for doc in batch.documents:
            if doc.concept is not None:
                terms[doc.concept.slug] = ConceptTerms(
                    doc.concept.slug, (doc.concept.name, *doc.concept.aliases)
                )
    return ConceptLexicon.build(terms.values())


def group_by_stream(events: Sequence[PlannedEvent], head: int, state: LogState) -> list[StreamAppend]:
    """Consecutive events per stream, in first-appearance order, with the expected versions from ``state``."""
    grouped: dict[str, list[NewEvent]] = {}
    for index, event in enumerate(events):
        grouped.setdefault(event.stream_id, []).append(
            NewEvent(
                payload=event.payload,
                provenance=event.provenance,
                idempotency_key=idempotency_key(head, index, event),
            )
        )
    return [
        StreamAppend(stream_id, stream_events, expected_version=state.stream_versions.get(stream_id, 0))
        for stream_id, stream_events in grouped.items()
    ]


def _report(plan: IngestPlan, events: Sequence[PlannedEvent]) -> IngestReport:
    report = IngestReport(documents_seen=len(plan.diffs))
    for diff in plan.diffs:
        if diff.status == "unchanged":
            report.unchanged += 1
        else:
            getattr(report, diff.status).append(diff.doc.doc_id)
    report.retracted = [r.doc_id for r in plan.retractions]
    report.events_by_type = dict(Counter(type(e.payload).__name__ for e in events))
    return report


def extraction_events(
    db: Database,
    embedder: EmbedderLike,
    batches: Sequence[SourceBatch],
    plan: IngestPlan,
    state: LogState,
    vectors: Mapping[str, list[float]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[PlannedEvent]:
    """Proposal events for the new or changed user documents of ``plan`` (the bundled corpus is curated: skipped)."""
    user_docs = {
        doc.doc_id for batch in batches if batch.extractor != CORPUS_EXTRACTOR for doc in batch.documents
    }
    todo = [
        d.doc
        for d in plan.diffs
        if d.status != "unchanged" and d.doc.doc_id in user_docs and d.doc.concept is None
    ]
    if not todo:
        return []
    # Names and aliases of every concept; vectors only of those defined in this run (not in the graph yet): the
    # rest are compared through the graph's vector index.
    known = {
        r["concept_id"]: KnownConcept(
            r["concept_id"], r["name"], tuple(r.get("aliases") or ()), r["category"]
        )
        for r in list_concepts(db)
    }
    for (
        batch
    ) in batches:  # concepts defined in this same run are known too (the corpus ingested with a folder)
        for doc in batch.documents:
            if doc.concept is not None:
                spec = doc.concept
                known[spec.slug] = KnownConcept(
                    spec.slug,
                    spec.name,
                    tuple(spec.aliases),
                    spec.category,
                    vectors.get(concept_embedding_text(spec)),
                )
    resolver = Resolver(
        list(known.values()), threshold=threshold, search=lambda vector, k: nearest_concepts(db, vector, k)
    )
    events: list[PlannedEvent] = []
    for doc in todo:
        events += plan_proposals(propose(doc, resolver, embedder), state)
    return events


def ingest_batches(
    db: Database,
    store: EventStore,
    embedder: EmbedderLike,
    batches: Sequence[SourceBatch],
    *,
    progress: IngestProgress | None = None,
    project: bool = True,
    extract: bool = True,
    match_threshold: float = DEFAULT_THRESHOLD,
) -> IngestReport:
    """Append the events that bring the log in line with ``batches`` (atomically), then project them.

    Batches must come from a source loader, which has already validated every file. Raises
    ``engine.errors.ConcurrencyError`` if another writer appended to an affected stream meanwhile (nothing is
    written; run again).
    """
    progress = progress or _Silent()
    clock = time.perf_counter
    t0 = clock()
    progress.phase("reading event log", None)
    state = read_log_state(store)
    t1 = clock()
    plan = plan_ingest(batches, state, embedder.model_id)
    texts = plan.texts_to_embed()
    vectors: dict[str, list[float]] = {}
    if texts:
        progress.phase("embedding", len(texts))
        vectors = dict(zip(texts, embedder.embed(texts, progress=progress.advance), strict=True))
    t2 = clock()
    extractors = {
        doc.doc_id: (batch.extractor, batch.extractor_version) for batch in batches for doc in batch.documents
    }
    events = build_events(plan, vectors, _lexicon(batches, db), extractors)
    t_extract = clock()
    if extract:
        progress.phase("extracting concepts and relations", None)
        events += extraction_events(db, embedder, batches, plan, state, vectors, threshold=match_threshold)
    extract_seconds = clock() - t_extract
    report = _report(plan, events)
    report.texts_embedded = len(texts)
    if events:
        progress.phase("appending events", len(events))
        appends = group_by_stream(events, state.head, state)
        positions = [p for stream in store.append_many(appends) for p in stream]
        progress.advance(len(events))
        report.first_position, report.last_position = min(positions), max(positions)
    t3 = clock()
    if project:
        report.projected = catch_up(db, store, progress)
    t4 = clock()
    report.seconds = {
        "read_log": t1 - t0,
        "embed": t2 - t1,
        "extract": extract_seconds,
        "append": t3 - t2 - extract_seconds,
        "project": t4 - t3,
    }
    return report


def catch_up(db: Database, store: EventStore, progress: IngestProgress | None = None) -> int:
    """Fold events after the projection checkpoint into the graph; returns how many were applied."""
    projector = Projector(db)
    start = projector.checkpoint()
    pending = store.head() - start
    if pending <= 0:
        return 0
    if progress is None:
        return projector.catch_up(store)
    progress.phase("projecting", pending)
    reached = start

    def hook(position: int, head: int) -> None:
        nonlocal reached
        progress.advance(position - reached)
        reached = position

    return projector.catch_up(store, progress=hook)


def load_sources(
    corpus_dir: Path | None, paths: Sequence[Path], *, corpus_scope: str | None = None
) -> tuple[list[SourceBatch], list[Path]]:
    """Read and validate every input before anything is written: the corpus (if given), then files/folders.

    ``corpus_scope`` defaults to ``corpus`` (the bundled corpus); pass ``ingest.corpus_source.corpus_scope(...)``
    for another corpus directory so its deletions never retract the bundled corpus.

    Returns the batches and the unsupported files skipped inside folders; raises ``IngestValidationError`` listing
    every problem of every input.
    """

    batches: list[SourceBatch] = []
    problems: list[CorpusFormatError] = []
    if corpus_dir is not None:
        try:
            batches.append(load_corpus_batch(corpus_dir, corpus_scope or CORPUS_SCOPE))
        except IngestValidationError as exc:
            problems.extend(exc.problems)
    skipped: list[Path] = []
    papers = [p for p in paths if p.suffix.lower() == ".jsonl"]
    paths = [p for p in paths if p.suffix.lower() != ".jsonl"]
    for path in papers:
        try:
            batches.append(load_papers_file(path))
        except CorpusFormatError as exc:
            problems.append(exc)
    if paths:
        try:
            text_batches, skipped = load_text_batches(paths)
            batches.extend(text_batches)
        except IngestValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise IngestValidationError(problems)
    return batches, skipped


def load_papers_file(path: Path) -> SourceBatch:
    """Papers saved by ``expgraph collect arxiv --out FILE.jsonl`` as a batch of paper documents."""
    from ingest.arxiv import papers_batch, read_papers

    try:
        return papers_batch(read_papers(path))
    except OSError as exc:
        raise CorpusFormatError(path, 0, f"cannot read papers file: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusFormatError(
            path,
            0,
            f"not a papers file from `expgraph collect arxiv --out` ({exc!r}); pass .md/.txt/.pdf files",
        ) from None


def ingest_corpus(
    settings: Settings,
    db: Database,
    *,
    embedder: EmbedderLike | None = None,
    progress: IngestProgress | None = None,
) -> IngestReport:
    """Ingest the bundled corpus (``settings.corpus_dir``) into ``db`` and project it; a no-op when unchanged.

    What ``expgraph serve`` runs on first start and what the ``corpus_db`` test fixture uses. Raises
    ``IngestValidationError`` when the corpus breaks an integrity rule (nothing is appended then).
    """
    from model.embedder import load_embedder

    batch = load_corpus_batch(settings.corpus_dir, CORPUS_SCOPE)
    return ingest_batches(db, EventStore(db), embedder or load_embedder(settings), [batch], progress=progress)
