"""Request bodies. Responses are the planner's and engine's own typed objects, serialised as they are."""

from __future__ import annotations

from typing import Annotated

import msgspec

from engine.graph_reads import MAX_HOPS

Question = Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]


class QueryRequest(msgspec.Struct, forbid_unknown_fields=True):
    question: Question
    as_of: Annotated[int, msgspec.Meta(ge=0)] | None = None
    max_hops: Annotated[int, msgspec.Meta(ge=1, le=MAX_HOPS)] | None = None
    # A follow-up ("and at 90% power?") sends back the conversation_id it chose or got with the earlier answer.
    conversation_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{8,64}$")] | None = None


class IngestRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A Markdown or plain-text document; front matter in the corpus format is honoured."""

    filename: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._-]+$")]
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=1_000_000)]


class ReplayRequest(msgspec.Struct, forbid_unknown_fields=True):
    as_of: Annotated[int, msgspec.Meta(ge=0)] | None = None
    verify: bool = True
