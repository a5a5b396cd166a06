"""The SQLite file: one connection per thread, WAL, a busy timeout, migrations at open.

The database is orgbot's source of truth. Its tables are plain and named for what they
hold, so `sqlite-utils tables orgbot.db` and Datasette show them as they are.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000
# On the threads that answer Slack: Slack wants its answer within 3 s, so a request gives
# up waiting for another writer sooner and tells the person to try again.
REQUEST_BUSY_TIMEOUT_MS = 1_500


class Store:
    """Opens `path` (created if missing), applies migrations, and hands each thread its own
    `sqlite_utils.Database` on the same file.

    Bolt runs listeners on worker threads and APScheduler runs jobs on its own, so sharing
    one `sqlite3.Connection` would need a lock around every query; per-thread connections
    in WAL mode let readers run while one thread writes.
    """

    def __init__(self, path: str | Path, *, migrate: bool = True):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        else:
            # one shared in-memory database for every thread of this Store
            self.path = f"file:orgbot-{id(self)}?mode=memory&cache=shared"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if migrate:
            from slackbot.store.schema import migrations

            # inside one write transaction, so two processes starting on a new file do
            # not both try to create the tables
            with self.write() as db:
                migrations.apply(db)

    @property
    def db(self) -> Database:
        """This thread's connection, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
                uri=self.path.startswith("file:"),
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not self.path.startswith("file:"):
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            db = Database(conn, execute_plugins=False)
            self._local.db = db
            with self._lock:
                self._all.append(conn)
        return db

    def use_busy_timeout(self, ms: int) -> None:
        """How long this thread's connection waits for another writer before SQLite raises
        `database is locked` (every thread starts with `BUSY_TIMEOUT_MS`)."""
        if getattr(self._local, "busy_ms", BUSY_TIMEOUT_MS) != ms:
            self.db.conn.execute(f"PRAGMA busy_timeout = {int(ms)}")
            self._local.busy_ms = ms

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction, taken at once (`BEGIN IMMEDIATE`), committed on success and
        rolled back on error. Nested use joins the outer transaction.

        Taking the write lock up front means two processes on one file queue on the busy
        timeout instead of failing when a read turns into a write.
        """
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        else:
            db.conn.execute("COMMIT")

    def ping(self) -> bool:
        """True when the database answers a query."""
        try:
            return next(self.db.query("select 1 as ok"))["ok"] == 1
        except sqlite3.Error:
            return False

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
