"""Which related concepts an answer shows (pure given the concepts' similarity to the question).

Traversal finds every concept within ``max_hops`` of the linked ones; two or three hops out that includes concepts
that have nothing to do with the question ("is it ok to change the traffic split mid-experiment?" reached the
Benjamini-Yekutieli procedure through traffic allocation → power → multiple testing). A related concept is shown
only when the graph joins it directly to a concept the question names, when it lies on a path between two of them,
or when its name is close to the question (cosine with the planner's embedder, ``MIN_QUESTION_SIMILARITY``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

MIN_QUESTION_SIMILARITY = 0.35  # cosine(question, concept name) for a concept two or more hops away
MENTION_BONUS = 0.05  # among equally strong related concepts, those the retrieved text discusses rank first

# cosine between the question and each concept name (the planner passes its embedder)
NameSimilarity = Callable[[Sequence[str]], Sequence[float]]


def relevant(
    rows: Sequence[Mapping[str, Any]],
    *,
    connecting_ids: set[str],
    similarity: NameSimilarity,
    min_similarity: float = MIN_QUESTION_SIMILARITY,
) -> list[Mapping[str, Any]]:
    """The rows (``concept_id``, ``name``, ``path`` of names, ``hops``) a reader of this answer would follow.

    Kept: one hop from a linked concept, on a connecting path, or named close to the question.
    """
    far = [r for r in rows if r["hops"] > 1 and r["concept_id"] not in connecting_ids]
    scores = dict(zip([r["concept_id"] for r in far], similarity([str(r["name"]) for r in far]), strict=True))
    return [r for r in rows if r["concept_id"] not in scores or scores[r["concept_id"]] >= min_similarity]


def rank(
    rows: Sequence[dict[str, Any]], discussed: Mapping[str, int], topics: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The question's unnamed topics first ("what does Holm do about it?" is about the Holm method however many
    concepts the graph joins more strongly to the named ones); then the strongest path; among equals, concepts the
    retrieved passages discuss, then shorter paths."""
    return sorted(
        rows,
        key=lambda r: (
            r["concept_id"] not in topics,
            -(r["score"] + MENTION_BONUS * min(2, discussed.get(r["concept_id"], 0))),
            len(r["path"]),
            r["concept_id"],
        ),
    )
