"""A thin, thread-safe handle on SurrealDB through the official ``surrealdb`` SDK.

Engine facts this module accounts for (surrealdb SDK 2.0.0, embedded engine):

- every ``mem://`` connection is its own, empty datastore, so each ``open_database`` of ``mem://`` is isolated;
- the embedded connection has no lock of its own, so one lock serialises every call on a connection;
- opening the same ``surrealkv://`` directory twice does NOT share state (two independent datastores over one set of
  files lose each other's writes), in one process or in two. So within a process every open of a path shares one
  connection (reference counted), and across processes an exclusive file lock refuses a second opener with
  ``DatabaseLockedError``. Several processes must share a SurrealDB server (``ws://``/``http://``) instead.
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from surrealdb import Surreal
from surrealdb.errors import SurrealError

from config import Settings
from engine import wire
from engine.errors import (
    DatabaseError,
    DatabaseLockedError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)

_NOT_EXECUTED = "The query was not executed due to a failed transaction"


class TransactionConflictError(OperationalError):
    """Two transactions wrote the same keys at once; the loser may retry."""


class _Connection:
    """One SDK connection, the lock that serialises it, and the namespace/database it currently uses."""

    def __init__(self, url: str, key: str | None, lock_file: IO[str] | None) -> None:
        self.url = url
        self.key = key
        self.lock = threading.RLock()
        self.sdk: Any = Surreal(url)
        self.current: tuple[str, str] | None = None
        self.refs = 0
        self.lock_file = lock_file
        # The embedded engine's handle when queries go through the compiled codec (engine/wire.py), else None.
        self.engine: Any = None

    def query_raw(self, sql: str, vars: dict[str, Any]) -> dict[str, Any]:
        if self.engine is not None:
            return wire.query_raw(self.engine, sql, vars)
        response: dict[str, Any] = self.sdk.query_raw(sql, vars)
        return response

    def close(self) -> None:
        self.sdk.close()
        if self.lock_file is not None:
            fcntl.flock(self.lock_file, fcntl.LOCK_UN)
            self.lock_file.close()


# Open surrealkv connections of this process by resolved path (see the module docstring for why).
_open_files: dict[str, _Connection] = {}
_open_files_lock = threading.Lock()


def _surrealkv_path(url: str) -> Path | None:
    for scheme in ("surrealkv://", "surrealkv+versioned://", "file://", "rocksdb://"):
        if url.startswith(scheme):
            return Path(url[len(scheme) :]).expanduser().resolve()
    return None


def _connect(settings: Settings) -> _Connection:
    url = settings.database_url
    path = _surrealkv_path(url)
    if path is None:
        conn = _Connection(url, None, None)
        _start(conn, settings)
        conn.refs = 1
        return conn
    key = str(path)
    with _open_files_lock:
        shared = _open_files.get(key)
        if shared is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock_file = open(f"{path}.lock", "w")  # noqa: SIM115 - held open for the connection's life
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock_file.close()
                raise DatabaseLockedError(
                    f"{path} is open in another process; the embedded engine allows one process per database "
                    "file. Stop the other process, or run a SurrealDB server and set EXPGRAPH_DB_URL=ws://..."
                ) from None
            lock_file.write(str(os.getpid()))
            lock_file.flush()
            shared = _Connection(url, key, lock_file)
            try:
                _start(shared, settings)
            except BaseException:
                shared.close()
                raise
            _open_files[key] = shared
        shared.refs += 1
        return shared


def _start(conn: _Connection, settings: Settings) -> None:
    try:
        conn.sdk.connect()
        if settings.db_fast_codec:
            conn.engine = wire.engine_handle(conn.sdk)
        if settings.db_user and not url_is_embedded(conn.url):
            conn.sdk.signin({"username": settings.db_user, "password": settings.db_password or ""})
    except SurrealError as exc:
        raise OperationalError(f"cannot open database {conn.url}: {exc}") from exc


def url_is_embedded(url: str) -> bool:
    """True for ``mem://`` and file-backed URLs that run the engine inside this process."""
    return url.startswith(("mem://", "memory")) or _surrealkv_path(url) is not None


def _release(conn: _Connection) -> None:
    with _open_files_lock:
        conn.refs -= 1
        if conn.refs > 0:
            return
        if conn.key is not None:
            _open_files.pop(conn.key, None)
    conn.close()


def translate_error(message: str) -> DatabaseError:
    """Map a SurrealDB statement error message to the engine's PEP 249 hierarchy."""
    lowered = message.lower()
    if "already exists" in lowered or "already contains" in lowered or "an error occurred:" in lowered:
        return IntegrityError(message)
    if "conflict" in lowered or "resource busy" in lowered or "can be retried" in lowered:
        return TransactionConflictError(message)
    if "parse error" in lowered or "unexpected token" in lowered or "invalid query" in lowered:
        return ProgrammingError(message)
    return DatabaseError(message)


class Database:
    """A namespace/database on a SurrealDB connection. Thread-safe; use as a context manager or call ``close``.

    ``query`` runs SurrealQL with ``$parameters`` and returns the last statement's rows (a list);
    ``query_all`` returns every statement's result. Any failed statement raises an ``engine.errors`` exception.
    """

    def __init__(
        self, conn: _Connection, ns: str, name: str, *, owns: bool, crash_at: str | None = None
    ) -> None:
        self._conn = conn
        self.ns = ns
        self.name = name
        self._owns = owns
        self._closed = False
        self._crash_at = crash_at

    def crash_point(self, name: str) -> None:
        """Test seam (``EXPGRAPH_TEST_CRASH_AT``): SIGKILL this process here, as a power cut would.

        The crash tests set it to kill a real ``expgraph`` process at an exact point (before or after an append,
        inside a projection batch, after an upload is written); in production it is unset and this does nothing.
        """
        if self._crash_at == name:
            os.kill(os.getpid(), signal.SIGKILL)

    @property
    def embedded(self) -> bool:
        """True when the engine runs inside this process (``mem://``, ``surrealkv://``)."""
        return url_is_embedded(self._conn.url)

    @property
    def uses_compiled_codec(self) -> bool:
        """Whether queries go through the compiled cbor2 codec (``engine/wire.py``) rather than the SDK's."""
        return self._conn.engine is not None

    @property
    def url(self) -> str:
        return self._conn.url

    def query_all(self, sql: str, vars: dict[str, Any] | None = None) -> list[Any]:
        """Run one or more statements; return each statement's result, raising on the first real error."""
        if self._closed:
            raise InterfaceError("the database handle is closed; open a new one with open_database(settings)")
        conn = self._conn
        with conn.lock:
            try:
                if conn.current != (self.ns, self.name):
                    conn.sdk.use(self.ns, self.name)
                    conn.current = (self.ns, self.name)
                response = conn.query_raw(sql, vars or {})
            except (
                SurrealError,
                RuntimeError,
            ) as exc:  # the embedded engine raises RuntimeError on parse errors
                raise translate_error(str(exc)) from exc
            except wire.CodecError as exc:
                raise ProgrammingError(str(exc)) from exc
        if response.get("error") is not None:
            raise translate_error(str(response["error"]))
        statements = response.get("result") or []
        errors = [str(s["result"]) for s in statements if s.get("status") == "ERR"]
        if errors:
            real = [e for e in errors if e != _NOT_EXECUTED]
            raise translate_error(real[0] if real else errors[0])
        return [s.get("result") for s in statements]

    def query(self, sql: str, vars: dict[str, Any] | None = None) -> list[Any]:
        """Run SurrealQL and return the last statement's result as a list (``[]`` for NONE)."""
        results = self.query_all(sql, vars)
        last = results[-1] if results else None
        if last is None:
            return []
        return last if isinstance(last, list) else [last]

    def scalar(self, sql: str, vars: dict[str, Any] | None = None) -> Any:
        """Run SurrealQL and return the last statement's single value (or ``None``)."""
        results = self.query_all(sql, vars)
        last = results[-1] if results else None
        if isinstance(last, list):
            return last[0] if last else None
        return last

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the connection's lock across several calls (e.g. a read-then-write sequence)."""
        with self._conn.lock:
            yield

    def sibling(self, ns: str, name: str) -> Database:
        """Another namespace/database on the same connection (the way to reach it under ``mem://``)."""
        with _open_files_lock:
            self._conn.refs += 1
        return Database(self._conn, ns, name, owns=True, crash_at=self._crash_at)

    def close(self) -> None:
        """Release this handle; the connection closes when its last handle does."""
        if not self._closed:
            self._closed = True
            if self._owns:
                _release(self._conn)

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({self._conn.url!r}, ns={self.ns!r}, db={self.name!r})"


def open_database(settings: Settings, *, ns: str | None = None, name: str | None = None) -> Database:
    """Open ``settings.database_url`` at namespace ``ns`` / database ``name`` (default: settings.db_ns/db_name).

    ``mem://`` gives a fresh private datastore on every call. Raises ``DatabaseLockedError`` when another process
    holds a surrealkv file and ``OperationalError`` when the database cannot be opened.
    """
    conn = _connect(settings)
    return Database(
        conn, ns or settings.db_ns, name or settings.db_name, owns=True, crash_at=settings.test_crash_at
    )
