"""The ask of a question that first sets a scene: "our test shows +0.3% revenue per user, p=0.01, 2M users per arm.
but the feature is expensive to maintain. ship or not?" describes its setting (a revenue metric) and then asks
(whether to launch).

A concept the setting names is what the situation is made of; the concept the ask names or describes is what the
user wants to know about, and an advice answer is about it (``planner.answer_plans``). Practitioners write in lower
case, without a capital after a full stop, so sentences are split at any ``.``, ``?`` or ``!`` before a space,
which keeps "p=0.01" and "2.5%" whole.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def ask_clause(question: str) -> str:
    """The sentence that asks: the last one with a question mark, else the last one; "" for a one-sentence
    question, which has no separate setting."""
    text = question.strip()
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    if len(starts) < 2:
        return ""
    sentences = [text[s:e].strip() for s, e in zip(starts, [*starts[1:], len(text)], strict=True)]
    asking = [s for s in sentences if "?" in s]
    return asking[-1] if asking else sentences[-1]
