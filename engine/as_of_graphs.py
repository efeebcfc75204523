"""The graph as it stood at past log positions: the engine's as-of builds, shared by every reader of one database.

The planner (``as_of`` questions) and the ``/log`` page both read past graphs. Each build is a full replay into a
namespace of its own (``engine.replay.as_of_projection``), so one bounded cache per live database decides which
builds are kept: the ``capacity`` most recently used. Dropping the least recent one removes its namespace, and a
later request builds it again (the past does not change). Had each reader its own cache, one could drop a namespace
the other still held a handle on, and that reader would answer from an empty graph.

A handle returned by ``at`` stays valid until ``capacity`` other positions have been asked for; callers use it for
one request and ask again for the next.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict

from engine.db import Database
from engine.errors import InterfaceError
from engine.graph_reads import log_position
from engine.replay import as_of_projection, drop_as_of_projection

AS_OF_BUILDS_KEPT = 4


class AsOfGraphs:
    """Bounded, thread-safe as-of builds of one live database, least recently used dropped first."""

    def __init__(self, db: Database, capacity: int = AS_OF_BUILDS_KEPT) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1; got {capacity}")
        self.db = db
        self.capacity = capacity
        self._builds: OrderedDict[int, Database] = OrderedDict()
        self._lock = threading.Lock()  # one build at a time: each is a full replay

    def at(self, position: int) -> tuple[Database, bool]:
        """The graph at ``position`` and whether it was already built; the live graph at the projection's head.

        Raises ``engine.replay.ReplayRangeError`` for a position outside the log.
        """
        if position == log_position(self.db):
            return self.db, True
        with self._lock:
            handle = self._builds.get(position)
            if handle is not None:
                self._builds.move_to_end(position)
                return handle, True
            handle = as_of_projection(self.db, position)
            self._builds[position] = handle
            while len(self._builds) > self.capacity:
                old_position, old_handle = self._builds.popitem(last=False)
                # A database closed since (InterfaceError) leaves nothing to close or drop through its handle.
                with contextlib.suppress(InterfaceError):
                    old_handle.close()
                with contextlib.suppress(InterfaceError):
                    drop_as_of_projection(self.db, old_position)
            return handle, False

    def positions(self) -> list[int]:
        """The positions built now, least recently used first."""
        with self._lock:
            return list(self._builds)
