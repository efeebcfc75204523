"""The answer reranker's share in a plan's choice of sentences (pure given a scoring function).

The plan ranks the passage sentences it weighs by the embedders' blend (cheap: cached vectors); the cross-encoder
(``model.reranker``) then reads the ``RERANK_CANDIDATES`` best of them with the question and moves each by
``RERANK_WEIGHT`` cosine points per standard deviation of its score above or below theirs. A shift rather than a
replacement: the blend's cosine stays the scale every other rule of the plan reads (its minimum similarity, its
bonuses), and a sentence the reranker never read keeps its score.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence

# Scores each sentence for how well it answers the question (higher = better), comparable within one call.
Rerank = Callable[[str, Sequence[str]], Sequence[float]]

# the blend's best sentences the cross-encoder reads (2 cores: 0.12 s in bfloat16, 0.7 s in float32 on AVX2 alone)
RERANK_CANDIDATES = 30
# cosine points per standard deviation of the reranker's score among the candidates (dev10 + dev12, which the
# reranker never trained on: 283 -> 293 of 372 key facts at 0.1, 287 at 0.05, 293 at 0.2, 292 at 0.3)
RERANK_WEIGHT = 0.1


def reranked(
    question: str, texts: Sequence[str], scores: Sequence[float], rerank: Rerank
) -> tuple[list[float], dict[int, float]]:
    """``scores`` with the reranker's shift added to the best ``RERANK_CANDIDATES``, and the reranker's own score
    of each of them by index (for the trace)."""
    best = sorted(range(len(texts)), key=lambda i: (-scores[i], i))[:RERANK_CANDIDATES]
    if len(best) < 2:
        return list(scores), {}
    read = [float(x) for x in rerank(question, [texts[i] for i in best])]
    mean = statistics.fmean(read)
    spread = statistics.pstdev(read) or 1.0
    out = list(scores)
    for i, x in zip(best, read, strict=True):
        out[i] = scores[i] + RERANK_WEIGHT * (x - mean) / spread
    return out, dict(zip(best, read, strict=True))
