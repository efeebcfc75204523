"""The engine's exception hierarchy, modelled on PEP 249 (DB-API 2.0).

Callers catch ``EngineError`` for anything the engine raises; the subclasses say what kind of failure it was:
``IntegrityError`` for a conflicting append, ``DataError`` for a bad event payload, ``OperationalError`` for a
database that cannot be opened or used.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises (PEP 249 ``Error``)."""


class InterfaceError(EngineError):
    """The engine was used wrongly (unsupported URL scheme, closed database)."""


class DatabaseError(EngineError):
    """The database reported an error."""


class OperationalError(DatabaseError):
    """The database cannot be reached, opened or is busy."""


class DatabaseLockedError(OperationalError):
    """Another process holds the embedded database file."""


class ProgrammingError(DatabaseError):
    """A query was malformed or referred to something that does not exist."""


class MigrationError(DatabaseError):
    """A schema migration failed or the migrations folder is inconsistent."""


class IntegrityError(DatabaseError):
    """A write would break an invariant of the log (duplicate position, stream version, immutability)."""


class ConcurrencyError(IntegrityError):
    """Optimistic concurrency failed: the stream is not at the version the writer expected."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, not the expected {expected}; "
            "reload the stream and retry the decision"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class DataError(DatabaseError):
    """Data is invalid for what it is meant to be."""


class EventValidationError(DataError):
    """An event or its payload failed validation; nothing was written."""

    def __init__(self, event_type: str, reason: str) -> None:
        super().__init__(f"invalid {event_type} event: {reason}")
        self.event_type = event_type
        self.reason = reason


class UnknownEventTypeError(EventValidationError):
    """The event type is not one the engine knows."""

    def __init__(self, event_type: str, known: list[str]) -> None:
        super().__init__(event_type, f"unknown event type; use one of: {', '.join(sorted(known))}")
