"""Score concept and relation extraction against the frozen gold set (eval/extraction_gold), and time ingestion.

    python -m eval.extraction_eval --split test      # report figures (test half)
    python -m eval.extraction_eval --split dev -v    # tuning (dev half), with every miss and false positive

Known concepts are those of the bundled corpus (parsed from ``settings.corpus_dir``, embedded by the bundled
MiniLM), as after ``expgraph ingest`` of the corpus. A predicted concept counts when it is proposed as new (not
resolved to a known concept) and its name or an alias equals a gold concept's name or alias after
``ingest.extraction.normalise``; a predicted relation counts when both ends and the type match (either direction
for symmetric types). Timing: each document is ingested into a fresh in-memory graph holding the corpus concepts,
with extraction on and off; the difference is the added cost, also per page (500 words).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.ontology import SYMMETRIC_RELATIONS
from ingest.extraction import normalise

GOLD_DIR = Path(__file__).parent / "extraction_gold"
CHECKSUMS = Path(__file__).parent / "extraction_gold.sha256"
WORDS_PER_PAGE = 500


def verify_frozen() -> None:
    """Refuse to score an edited gold set: every file must match ``extraction_gold.sha256``."""
    for line in CHECKSUMS.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        actual = hashlib.sha256((GOLD_DIR / name).read_bytes()).hexdigest()
        if actual != digest:
            raise SystemExit(f"{name} changed since the gold set was frozen; restore it (git) before scoring")


def load_gold(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (GOLD_DIR / "gold.jsonl").read_text().splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score_document(
    gold: dict[str, Any], proposals: Any, known: dict[str, str]
) -> tuple[Score, Score, int, int]:
    """(concept score, relation score, categories right, categories compared) for one document.

    ``proposals`` is a ``ingest.proposals.DocumentProposals``; ``known`` maps normalised known terms to concept ids.
    """
    concepts, relations = Score(), Score()
    gold_keys: dict[str, str] = {}  # normalised gold term -> gold concept key
    for g in gold["concepts"]:
        for term in (g["name"], *g["aliases"]):
            gold_keys[normalise(term)] = f"gold:{normalise(g['name'])}"
    key_of: dict[str, str] = {}  # predicted concept id -> key
    matched_gold: set[str] = set()
    right = compared = 0
    for resolved in proposals.new_concepts:
        cand = resolved.candidate
        hits = {gold_keys[normalise(t)] for t in cand.terms if normalise(t) in gold_keys}
        key = next(iter(sorted(hits)), None)
        key_of[cand.concept_id] = key or f"new:{cand.concept_id}"
        if key is not None and key not in matched_gold:
            concepts.tp += 1
            matched_gold.add(key)
            g = next(g for g in gold["concepts"] if f"gold:{normalise(g['name'])}" == key)
            compared += 1
            right += int(resolved.category == g["category"])
        else:
            concepts.fp += 1
            concepts.wrong.append(f"{cand.name} [{cand.pattern}] «{cand.evidence.sentence[:90]}»")
    for g in gold["concepts"]:
        if f"gold:{normalise(g['name'])}" not in matched_gold:
            concepts.fn += 1
            concepts.misses.append(g["name"])
    for resolved in proposals.matched:
        # A gold concept resolved to a known one is a miss already counted; keep the reason visible.
        if resolved.match is not None:
            key_of[resolved.candidate.concept_id] = f"known:{resolved.match.concept_id}"

    def end_key(name: str) -> str:
        n = normalise(name)
        if n in gold_keys:
            return gold_keys[n]
        return f"known:{known.get(n, n)}"

    def canonical(src: str, rel: str, dst: str) -> tuple[str, str, str]:
        if rel in SYMMETRIC_RELATIONS and dst < src:
            src, dst = dst, src
        return (src, rel, dst)

    wanted = {canonical(end_key(r["source"]), r["type"], end_key(r["target"])) for r in gold["relations"]}
    got: set[tuple[str, str, str]] = set()
    for rel in proposals.relations:
        src = key_of.get(rel.source_id, f"known:{rel.source_id}")
        dst = key_of.get(rel.target_id, f"known:{rel.target_id}")
        triple = canonical(src, rel.rel_type, dst)
        if triple in got:
            continue
        got.add(triple)
        if triple in wanted:
            relations.tp += 1
        else:
            relations.fp += 1
            relations.wrong.append(f"{triple} «{rel.evidence.sentence[:90]}»")
    for missing in sorted(wanted - got):
        relations.fn += 1
        relations.misses.append(str(missing))
    return concepts, relations, right, compared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--threshold", type=float, default=None, help="entity-resolution cosine threshold")
    parser.add_argument("--no-timing", action="store_true", help="skip the ingest timing (scores only)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print misses and false positives")
    args = parser.parse_args(argv)
    verify_frozen()

    from config import Settings
    from ingest.corpus_source import CORPUS_SCOPE, load_corpus_batch
    from ingest.planning import concept_embedding_text
    from ingest.proposals import propose
    from ingest.resolution import DEFAULT_THRESHOLD, KnownConcept, Resolver
    from ingest.text_source import read_file
    from model.embedder import load_embedder

    settings = Settings()
    embedder = load_embedder(settings)
    corpus = [d.concept for d in load_corpus_batch(settings.corpus_dir, CORPUS_SCOPE).documents if d.concept]
    vectors = embedder.embed([concept_embedding_text(c) for c in corpus])
    known = [
        KnownConcept(c.slug, c.name, tuple(c.aliases), c.category, v)
        for c, v in zip(corpus, vectors, strict=True)
    ]
    resolver = Resolver(known, threshold=args.threshold if args.threshold is not None else DEFAULT_THRESHOLD)
    known_terms = {normalise(t): c.concept_id for c in known for t in (c.name, *c.aliases)}

    total_c, total_r = Score(), Score()
    right = compared = 0
    extract_seconds: list[float] = []
    words = 0
    gold_rows = load_gold(args.split)
    for gold in gold_rows:
        doc = read_file(GOLD_DIR / "docs" / gold["doc"])
        words += sum(len(c.text.split()) for c in doc.chunks)
        started = time.perf_counter()
        proposals = propose(doc, resolver, embedder)
        extract_seconds.append(time.perf_counter() - started)
        c, r, ok, n = score_document(gold, proposals, known_terms)
        right, compared = right + ok, compared + n
        for total, part in ((total_c, c), (total_r, r)):
            total.tp, total.fp, total.fn = total.tp + part.tp, total.fp + part.fp, total.fn + part.fn
        if args.verbose:
            print(
                f"\n== {gold['doc']}: concepts {c.tp}/{c.tp + c.fn} (+{c.fp} fp), relations {r.tp}/{r.tp + r.fn} (+{r.fp} fp)"
            )
            for m in c.misses:
                print(f"   concept MISS  {m}")
            for w in c.wrong:
                print(f"   concept FP    {w}")
            for m in r.misses:
                print(f"   relation MISS {m}")
            for w in r.wrong:
                print(f"   relation FP   {w}")
            for res in proposals.matched:
                assert res.match is not None
                print(
                    f"   resolved      {res.candidate.name} -> {res.match.concept_id} ({res.match.reason} {res.match.score})"
                )
    print(f"split={args.split} documents={len(gold_rows)} words={words}")
    print(
        f"concepts:  precision {total_c.precision:.3f}  recall {total_c.recall:.3f}  "
        f"(tp {total_c.tp}, fp {total_c.fp}, fn {total_c.fn}); category right {right}/{compared}"
    )
    print(
        f"relations: precision {total_r.precision:.3f}  recall {total_r.recall:.3f}  "
        f"(tp {total_r.tp}, fp {total_r.fp}, fn {total_r.fn})"
    )
    pages = words / WORDS_PER_PAGE
    print(
        f"extraction (patterns + resolution incl. embedding): {sum(extract_seconds) * 1000:.1f} ms total, "
        f"median {statistics.median(extract_seconds) * 1000:.1f} ms/document, "
        f"{sum(extract_seconds) / pages * 1000:.1f} ms/page of {WORDS_PER_PAGE} words"
    )
    if not args.no_timing:
        from eval.extraction_timing import time_ingest

        on, added = time_ingest(settings, embedder, [GOLD_DIR / "docs" / g["doc"] for g in gold_rows])
        print(
            f"ingest per document (mem:// graph holding the bundled corpus), extraction on: median "
            f"{statistics.median(on) * 1000:.0f} ms (max {max(on) * 1000:.0f}); added by extraction: median "
            f"{statistics.median(added) * 1000:.0f} ms/document, {sum(added) / pages * 1000:.0f} ms/page"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
