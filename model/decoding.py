"""Turning a growing list of token ids into streamed text: incremental detokenisation and stop strings.

Pure logic over a ``decode`` function, shared by every backend that decodes token by token and tested without a model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# A byte-level BPE token can end in the middle of a UTF-8 character; the tokenizer then renders U+FFFD until the
# following token completes it, so text ending in it is held back rather than streamed.
_INCOMPLETE = "\ufffd"


def _held_back(text: str, stops: Sequence[str]) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of some stop string."""
    best = 0
    for stop in stops:
        for size in range(min(len(stop) - 1, len(text)), best, -1):
            if text.endswith(stop[:size]):
                best = size
                break
    return best


def find_stop(text: str, stops: Sequence[str]) -> int | None:
    """Index where the earliest stop string starts in ``text``, or ``None`` if none occurs."""
    found = [index for index in (text.find(stop) for stop in stops if stop) if index >= 0]
    return min(found) if found else None


class TextAssembler:
    """Accumulates generated token ids and hands out only text that is final.

    ``push`` returns the new text that can be shown now: never half a UTF-8 character and never the start of a
    possible stop string. Once a stop string appears, ``stopped`` is true and the text ends before it. ``finish``
    flushes whatever was held back when generation ends for another reason (EOS, length).
    """

    def __init__(self, decode: Callable[[Sequence[int]], str], stops: Sequence[str] = ()) -> None:
        self._decode = decode
        self._stops = [stop for stop in stops if stop]
        self._ids: list[int] = []
        self._emitted = 0
        self._final: str | None = None
        self._stopped = False

    @property
    def token_ids(self) -> list[int]:
        """The token ids pushed so far."""
        return list(self._ids)

    @property
    def stopped(self) -> bool:
        """True once a stop string has been generated."""
        return self._stopped

    @property
    def text(self) -> str:
        """The text so far (final text once stopped), without any stop string."""
        if self._final is not None:
            return self._final
        return self._decode(self._ids)

    def push(self, token_id: int) -> str:
        """Add one token; return the text that became final with it (possibly empty)."""
        if self._final is not None:
            raise RuntimeError("push after the text was final (stop string or finish); check `stopped` first")
        self._ids.append(token_id)
        text = self._decode(self._ids)
        stop_at = find_stop(text, self._stops)
        if stop_at is not None:
            self._final = text[:stop_at]
            self._stopped = True
            return self._take(self._final)
        if text.endswith(_INCOMPLETE):
            return ""
        return self._take(text[: len(text) - _held_back(text, self._stops)])

    def finish(self) -> str:
        """Return the rest of the text once no more tokens will come."""
        if self._final is None:
            self._final = self._decode(self._ids)
        return self._take(self._final)

    def _take(self, text: str) -> str:
        piece = text[self._emitted :]
        self._emitted = max(self._emitted, len(text))
        return piece
