"""BM25 over the graph's chunks, held in memory per graph version, with each chunk's details for the planner.

Why not a full-text index in the database: on SurrealDB 2.0.0 embedded, one ``@@`` query ORing four terms over the
bundled corpus's 536 chunks took 44 ms median and 100 ms at worst (about 0.4 ms per matching chunk, measured with
the dev questions of eval/answers_dev.jsonl), and the details of the winners another 10 ms; the same scoring over
an in-memory inverted index takes well under a millisecond. Keeping the database's index up to date was worse:
it was 20 s of the 25 s a cold projection of the bundled corpus took, so migrations/0020 removed it. The index reads
every chunk once per graph version (the planner's ``GraphView`` keeps it), like the exact kNN matrix of
``engine.vector_index``.

Tokens follow the schema's ``english`` analyzer (class tokenizer, lowercase, ascii folding, Snowball English
stemming): the Porter2 algorithm SurrealDB's analyzer uses, so a term matches the chunks it matched there
(tests/engine/test_text_index.py compares the two). The stemmer is the ``snowballstemmer`` package, pinned at 2.2.0:
it gives NLTK's ``SnowballStemmer("english")`` stem for all 11,444 words of the corpus and the eval files, and
imports in 0.3 s where NLTK took 2.7 s of every process start (its package imports its whole toolkit). 3.x changes
the algorithm (19 of those words differ: "interval" stays "interval", "organization" becomes "organiz").
Its stemmer objects keep state while stemming, so one stems under a lock (misses of the cache only). Scores are Okapi BM25 (k1
1.2, b 0.75, the database's defaults) with the non-negative idf ``log(1 + (N - df + 0.5) / (df + 0.5))``.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer

from engine import graph_reads as reads

K1 = 1.2
B = 0.75
_TOKEN = re.compile(r"[a-z]+|[0-9]+")
# the pure-Python class: ``snowballstemmer.stemmer()`` would hand over to PyStemmer, whatever its version, if installed
_STEMMER = snowballstemmer.EnglishStemmer()
_STEMMER_LOCK = threading.Lock()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


def analyse(text: str) -> list[str]:
    """The stemmed tokens of ``text``, as the schema's ``english`` analyzer cuts them."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    return [stem(t) for t in _TOKEN.findall(folded)]


@dataclass(slots=True)
class ChunkTextIndex:
    """Per-chunk details (``rows``) and an inverted index ``stem -> {chunk_id: term frequency}``."""

    rows: dict[str, dict[str, Any]]
    postings: dict[str, dict[str, int]] = field(default_factory=dict)
    lengths: dict[str, int] = field(default_factory=dict)
    average_length: float = 0.0

    @classmethod
    def build(cls, rows: Sequence[Mapping[str, Any]]) -> ChunkTextIndex:
        index = cls(rows={str(r["chunk_id"]): dict(r) for r in rows if r.get("chunk_id")})
        for cid, row in index.rows.items():
            tokens = analyse(str(row.get("text") or ""))
            index.lengths[cid] = len(tokens)
            for tok in tokens:
                posting = index.postings.setdefault(tok, {})
                posting[cid] = posting.get(cid, 0) + 1
        index.average_length = sum(index.lengths.values()) / len(index.lengths) if index.lengths else 0.0
        return index

    @classmethod
    def load(cls, db: reads.QueryRunner) -> ChunkTextIndex:
        return cls.build(reads.all_chunk_details(db))

    @property
    def total(self) -> int:
        return len(self.rows)

    def _matches(self, term: str) -> tuple[list[str], set[str]]:
        stems = list(dict.fromkeys(analyse(term)))
        if not stems:
            return stems, set()
        found = set(self.postings.get(stems[0], {}))
        for s in stems[1:]:
            found &= set(self.postings.get(s, {}))
        return stems, found

    def document_frequency(self, term: str) -> int:
        """How many chunks hold every token of ``term`` (what ``text @@ term`` matches)."""
        return len(self._matches(term)[1])

    def search(self, terms: Sequence[str], limit: int = 20) -> list[dict[str, Any]]:
        """Chunks matching any of ``terms``, best BM25 first (ties by chunk id); rows carry ``bm25``."""
        scores: dict[str, float] = {}
        n = self.total
        for term in terms:
            stems, found = self._matches(term)
            for s in stems:
                posting = self.postings.get(s, {})
                df = len(posting)
                idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
                for cid in found:
                    tf = posting[cid]
                    norm = K1 * (1.0 - B + B * self.lengths[cid] / (self.average_length or 1.0))
                    scores[cid] = scores.get(cid, 0.0) + idf * tf * (K1 + 1.0) / (tf + norm)
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [{**self.rows[cid], "bm25": score} for cid, score in best]

    def details(self, chunk_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {cid: self.rows[cid] for cid in chunk_ids if cid in self.rows}
