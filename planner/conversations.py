"""Conversation turns in the ``conversation_turn`` table (migration 0014), for follow-up calculations.

Why a table of its own rather than events or LangGraph's checkpointer: a conversation is operational data (like a
trace), not knowledge, so it stays out of the event log that the graph is replayed from; and a checkpointer would
store the planner's whole state per thread (question vectors, retrieved sources) when a follow-up needs only the
previous turn's calculation reading — its calculator family, unknown, method and grounded roles.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from planner.trace_store import jsonable

_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class ConversationIdError(ValueError):
    """A conversation id that is not 8–64 letters, digits, '-' or '_'; the message says what to send."""


def new_conversation_id() -> str:
    return uuid.uuid4().hex


def check_conversation_id(conversation_id: str) -> str:
    if not _CONVERSATION_ID.match(conversation_id or ""):
        raise ConversationIdError(
            f"conversation_id must be 8-64 letters, digits, '-' or '_' (send back the conversation_id of an "
            f"earlier answer, or omit it to start a new conversation); got {conversation_id!r}"
        )
    return conversation_id


def last_turn(db: Any, conversation_id: str) -> dict[str, Any] | None:
    """The latest stored turn of the conversation, or None for a new one."""
    rows = db.query(
        "SELECT * OMIT id FROM conversation_turn WHERE conversation_id = $cid ORDER BY turn DESC LIMIT 1",
        {"cid": conversation_id},
    )
    return dict(rows[0]) if rows else None


def last_calculation(db: Any, conversation_id: str) -> dict[str, Any] | None:
    """The most recent calculation reading (``Reading.memory()``) in the conversation, or None."""
    rows = db.query(
        "SELECT calculation, turn FROM conversation_turn WHERE conversation_id = $cid AND calculation != NONE "
        "ORDER BY turn DESC LIMIT 1",
        {"cid": conversation_id},
    )
    if not rows:
        return None
    memory = rows[0].get("calculation")
    return dict(memory) if memory else None


def save_turn(
    db: Any, conversation_id: str, question: str, trace_id: str, calculation: dict[str, Any] | None
) -> int:
    """Append one turn (its calculation memory, if it computed or asked for inputs) and return its number."""
    previous = last_turn(db, conversation_id)
    turn = int(previous["turn"]) + 1 if previous else 1
    doc = jsonable(
        {
            "conversation_id": conversation_id,
            "turn": turn,
            "question": question,
            "trace_id": trace_id,
            "calculation": calculation,
            "saved_at": datetime.now(UTC).isoformat(),
        }
    )
    db.query("CREATE conversation_turn CONTENT $doc", {"doc": doc})
    return turn
