"""Database connections: one per request or job, with nestable transactions.

``Database`` wraps one pymysql connection. ``transaction()`` opens a real transaction at the
outermost level and a SAVEPOINT when nested, so a domain function can always say "this is one
unit" and a test can still wrap the whole thing in a transaction it rolls back.

Table names cannot be query parameters: callers build them with ``prefix.py`` (validated ids,
validated prefix) and pass every *value* as a parameter, never spliced into SQL.
"""

from __future__ import annotations

import random
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

import pymysql
import pymysql.cursors

from ..config import DatabaseSettings

Row = dict[str, Any]
T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database cannot be reached or dropped the connection."""


class DatabaseBusy(Exception):
    """InnoDB gave up on a lock: this transaction was a deadlock's victim (``deadlock``: the
    whole transaction was rolled back, savepoints included) or a lock wait timed out (only
    the statement was). Running the whole transaction again is the remedy."""

    def __init__(self, message: str = "", *, deadlock: bool = False):
        super().__init__(message)
        self.deadlock = deadlock


def connect(settings: DatabaseSettings) -> Database:
    """Open a connection (utf8mb4, autocommit outside transactions).

    Raises DatabaseUnavailable when the server cannot be reached or refuses the log-in.
    """
    try:
        conn = pymysql.connect(
            host=settings.host,
            port=settings.port,
            user=settings.user,
            password=settings.password,
            database=settings.name,
            charset="utf8mb4",
            autocommit=True,
            connect_timeout=5,
            read_timeout=60,
            write_timeout=60,
            cursorclass=pymysql.cursors.DictCursor,
            init_command=_lock_wait(settings.lock_wait_seconds),
            **_tls_options(settings.tls, settings.tls_ca),
        )
    except pymysql.err.OperationalError as error:
        raise DatabaseUnavailable(
            f"cannot connect to MySQL at {settings.host}:{settings.port}"
        ) from error
    return Database(conn, settings.table_prefix)


def _lock_wait(seconds: int) -> str:
    """The session's row-lock patience: a request gives up (DatabaseBusy) instead of waiting
    MariaDB's 50 s, longer than the web server lets a worker run."""
    return f"SET SESSION innodb_lock_wait_timeout = {int(seconds)}"


def _tls_options(mode: str, ca_file: str) -> dict:
    """pymysql options for ``database.tls``. pymysql ≥1.2 would otherwise try TLS on every
    connection and build a fresh SSL context each time (~25 ms); we build it once per process."""
    if mode == "off":
        return {"ssl_disabled": True}
    return {"ssl": _tls_context(mode == "verify", ca_file or None)}


@lru_cache(maxsize=4)
def _tls_context(verify: bool, ca_file: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_file)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class Database:
    """One connection plus the WordPress base table prefix it serves."""

    def __init__(self, conn: pymysql.connections.Connection, table_prefix: str):
        self.conn = conn
        self.prefix = table_prefix
        self._depth = 0

    def fetch_all(self, sql: str, params: Sequence[Any] | dict = ()) -> list[Row]:
        """Run a query and return every row as a dict."""
        with self._cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())

    def fetch_one(self, sql: str, params: Sequence[Any] | dict = ()) -> Row | None:
        """Run a query and return its first row, or None."""
        with self._cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()

    def fetch_value(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        """Run a query and return the first column of its first row, or None."""
        row = self.fetch_one(sql, params)
        return None if row is None else next(iter(row.values()))

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> int:
        """Run a statement; return the number of affected rows."""
        with self._cursor() as cur:
            return cur.execute(sql, params)

    def insert(self, sql: str, params: Sequence[Any] | dict = ()) -> int:
        """Run an INSERT; return the new AUTO_INCREMENT id."""
        with self._cursor() as cur:
            cur.execute(sql, params)
            return cur.lastrowid

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Commit the block as one unit, or roll it back if it raises (savepoint when nested)."""
        level = self._depth
        self._begin(level)
        self._depth += 1
        try:
            yield self
        except BaseException as error:
            self._depth -= 1
            self._rollback(level, error)
            raise
        self._depth -= 1
        self._commit(level)

    def retrying(self, work: Callable[[], T], attempts: int = 4) -> T:
        """Run ``work()`` as one transaction; when InnoDB rolls it back as a deadlock victim,
        run it again from the start after a short random pause (up to ``attempts`` times).

        Concurrent workers updating rows of one indexed queue can deadlock on the index's
        records; the database's advice is to retry the whole transaction. ``work`` must only
        write to the database (it may run more than once). A lock wait timeout is not
        retried (it already waited ``lock_wait_seconds``). Inside an outer transaction the
        work runs once, as a savepoint: only the outer owner can start over. Raises
        DatabaseBusy when the last attempt fails too."""
        if self.in_transaction:
            with self.transaction():
                return work()
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction():
                    return work()
            except DatabaseBusy as error:
                if not error.deadlock or attempt == attempts:
                    raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)  # noqa: S311 (jitter, not secrets)
        raise AssertionError("unreachable")

    @contextmanager
    def named_lock(self, name: str, wait_seconds: int = 0) -> Iterator[bool]:
        """Hold the MySQL lock ``name`` (``GET_LOCK``) for the block; yields False, without
        holding anything, when another connection keeps it for ``wait_seconds``."""
        acquired = self.fetch_value("SELECT GET_LOCK(%s, %s)", (name, wait_seconds)) == 1
        try:
            yield acquired
        finally:
            if acquired:
                self.fetch_value("SELECT RELEASE_LOCK(%s)", (name,))

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        if self.conn.open:
            self.conn.close()

    def _begin(self, level: int) -> None:
        self.execute("BEGIN" if level == 0 else f"SAVEPOINT sp{level}")

    def _commit(self, level: int) -> None:
        if level == 0:
            with _mapped_errors():
                self.conn.commit()
        else:
            self.execute(f"RELEASE SAVEPOINT sp{level}")

    def _rollback(self, level: int, cause: BaseException) -> None:
        if not self.conn.open:
            return
        if level == 0:
            self.conn.rollback()
        elif not (isinstance(cause, DatabaseBusy) and cause.deadlock):
            self.execute(f"ROLLBACK TO SAVEPOINT sp{level}")
        # else: the deadlock rolled the whole transaction back and its savepoints are gone;
        # the error goes up to the outermost level, which rolls back (and may retry)

    @contextmanager
    def _cursor(self):
        with _mapped_errors(), self.conn.cursor() as cur:
            yield cur


@contextmanager
def _mapped_errors() -> Iterator[None]:
    """pymysql's errors for a lost connection and for lock conflicts, as our own."""
    try:
        yield
    except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as error:
        if _is_connection_error(error):
            raise DatabaseUnavailable("the database connection was lost") from error
        if _is_lock_conflict(error):
            message = error.args[1] if len(error.args) > 1 else ""
            raise DatabaseBusy(message, deadlock=error.args[0] == 1213) from error
        raise


_CONNECTION_ERRORS = {2003, 2006, 2013, 2055, 1927}


_LOCK_CONFLICTS = {1205, 1213}  # lock wait timeout, deadlock


def _is_lock_conflict(error: Exception) -> bool:
    return bool(error.args) and error.args[0] in _LOCK_CONFLICTS


def _is_connection_error(error: Exception) -> bool:
    code = error.args[0] if error.args else None
    return isinstance(error, pymysql.err.InterfaceError) or code in _CONNECTION_ERRORS
