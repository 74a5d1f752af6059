"""A client-side bound on how long a web request waits for PostgreSQL.

libpq has no read timeout, and `statement_timeout` is enforced by the server:
a server process that is frozen while its host still answers TCP (stopped,
swapping, a hung storage volume) holds a request thread, and the pooled
connection's pre-ping, forever; gthread's worker timeout does not fire while
the worker's main thread is alive. So while a request holds a pooled
connection, a watchdog thread of the process shuts the connection's socket
down once the connection has been silent for longer than the server itself
would allow (`DATABASE_STATEMENT_TIMEOUT_MS` + GRACE_SECONDS). psycopg then
raises OperationalError, SQLAlchemy discards the connection, and the request
is a 503 like any other database outage.

Only connections checked out inside a request are watched: migrations, the
CLI and the email worker may legitimately run long.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger("gatehouse.database")

GRACE_SECONDS = 5.0
TICK_SECONDS = 0.25


class Watchdog:
    """Deadlines for pooled connections, and one thread per process enforcing them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, object]] = {}
        self._pid: int | None = None

    def arm(self, dbapi_connection, seconds: float) -> None:
        with self._lock:
            if self._pid != os.getpid():  # a forked worker needs its own thread
                self._deadlines.clear()
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="db-watchdog", daemon=True).start()
            self._deadlines[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)

    def extend(self, dbapi_connection, seconds: float) -> None:
        """Push the deadline of a watched connection (a new statement, commit, rollback)."""
        with self._lock:
            if id(dbapi_connection) in self._deadlines:
                self._deadlines[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)

    def disarm(self, dbapi_connection) -> None:
        with self._lock:
            self._deadlines.pop(id(dbapi_connection), None)

    def _run(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                expired = [key for key, (deadline, _) in self._deadlines.items() if deadline <= now]
                severed = [self._deadlines.pop(key)[1] for key in expired]
            for dbapi_connection in severed:
                _sever(dbapi_connection)


def _sever(dbapi_connection) -> None:
    try:
        # A duplicate of libpq's descriptor: shutting it down wakes libpq's
        # wait with an end of stream; closing the duplicate leaves libpq's own.
        with socket.socket(fileno=os.dup(dbapi_connection.pgconn.socket)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # noqa: BLE001 (already closed: nothing to cut)
        return
    log.warning("database connection silent too long during a request: cut")


watchdog = Watchdog()


def install(engine, statement_timeout_ms: int) -> None:
    """Watch `engine`'s connections during requests, and ping each connection
    as it is checked out (under the watchdog: SQLAlchemy's pool_pre_ping runs
    before any hook, unguarded). Nothing without a statement timeout."""
    if statement_timeout_ms <= 0:
        return
    bound = statement_timeout_ms / 1000 + GRACE_SECONDS

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, proxy):
        if has_request_context():
            watchdog.arm(dbapi_connection, bound)
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            watchdog.disarm(dbapi_connection)
            # The pool replaces the connection and tries again (as pool_pre_ping does).
            raise DisconnectionError("pre-ping failed") from exc

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record):
        if dbapi_connection is not None:
            watchdog.disarm(dbapi_connection)

    @event.listens_for(engine, "invalidate")
    def _invalidated(dbapi_connection, record, exception):
        if dbapi_connection is not None:
            watchdog.disarm(dbapi_connection)

    def _active(conn, *args, **kwargs):
        watchdog.extend(conn.connection.dbapi_connection, bound)

    for name in ("before_cursor_execute", "commit", "rollback"):
        event.listen(engine, name, _active)
