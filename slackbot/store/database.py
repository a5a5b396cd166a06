"""The SQLite file: one connection per thread, WAL, a busy timeout, migrations at open.

The database is orgbot's source of truth. Its tables are plain and named for what they
hold, so `sqlite-utils tables orgbot.db` and Datasette show them as they are.
"""

from __future__ import annotations

import collections
import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import pathname2url

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000
# On the threads that answer Slack: Slack wants its answer within 3 s, so a request gives
# up waiting for another process's writer sooner and tells the person to try again.
REQUEST_BUSY_TIMEOUT_MS = 1_500
# How long one request may wait, in all, for orgbot's own write lock (the writers of this
# process), counted from when its listener starts: what is left of Slack's 3 s pays for
# the transaction and the answer, and for the time the request queued before a worker
# thread took it. Refused after that, the person reads why in the answer itself.
REQUEST_WRITE_WAIT_S = 2.0
# how long a health probe waits for another writer before calling the database stuck
HEALTH_TIMEOUT_S = 3.0
# the database file (and so its -wal and -shm files, which SQLite creates with the
# database's own permissions) is readable by its owner only: it holds Slack user ids,
# proposals and, with OAuth, tokens
FILE_MODE = 0o600


class WriterLock:
    """The in-process write lock: first come, first served, with a priority.

    A request thread (a person waiting on an ack) goes before after-ack posting work:
    posting a card, its DMs and replies takes several small write transactions (claims,
    then results), which under a burst would otherwise queue in front of the acks.

    Within each of the two queues the order is the order of arrival, and a release hands
    the lock straight to the next waiter. (A lock that only wakes its waiters lets whoever
    runs first take it: under a burst, threads that had just arrived took it while a woken
    waiter still waited for the GIL, and a request that had waited from the start was
    passed over 20 times and refused. See docs/performance.md, "A burst".)
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._first: collections.deque[_Waiter] = collections.deque()  # request threads
        self._later: collections.deque[_Waiter] = collections.deque()  # posting work

    @property
    def waiting(self) -> int:
        """How many threads wait for the lock now."""
        with self._mutex:
            return len(self._first) + len(self._later)

    def acquire(self, *, timeout: float, background: bool = False) -> bool:
        """Take the lock, waiting at most `timeout` seconds behind those who came first
        (and, for `background` work, behind every request thread); False if not taken."""
        with self._mutex:
            if not self._held:  # free: nobody waits either (a release hands it on)
                self._held = True
                return True
            waiter = _Waiter(self._mutex)
            queue = self._later if background else self._first
            queue.append(waiter)
            deadline = time.monotonic() + timeout
            while not waiter.granted:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    queue.remove(waiter)
                    return False
                waiter.wake.wait(remaining)
            return True

    def release(self) -> None:
        with self._mutex:
            queue = self._first or self._later
            if queue:
                waiter = queue.popleft()  # the lock passes to it, still held
                waiter.granted = True
                waiter.wake.notify()
            else:
                self._held = False


class _Waiter:
    __slots__ = ("granted", "wake")

    def __init__(self, mutex: threading.Lock) -> None:
        self.granted = False
        self.wake = threading.Condition(mutex)


def _in_background() -> bool:
    """True on the after-ack posting lane (see `slackbot.background`)."""
    from slackbot.ratelimit import POSTING, current_lane

    return current_lane() == POSTING


class StoreError(Exception):
    """The database cannot be used as it is; the message names the file, says what is
    wrong and what to do about it (one or two lines, for an operator)."""


class NewerSchemaError(StoreError):
    """The database was written by a newer orgbot: it has migrations this one does not know."""


def describe(path: str, error: BaseException) -> str:
    """An operator's sentence for why `path` cannot be opened, read or written."""
    where = os.path.abspath(path)
    folder = os.path.dirname(where)
    text = str(error)
    lowered = text.lower()
    if isinstance(error, OSError):
        blocker = Path(folder)
        while not blocker.exists() and blocker != blocker.parent:
            blocker = blocker.parent
        if blocker.exists() and not blocker.is_dir():
            return f"cannot create {where}: {blocker} is a file, not a folder. Choose another path."
        if Path(folder).is_dir():
            return (
                f"cannot create {where} ({error.strerror or text}). Let the user running "
                f"orgbot write to {folder} (SQLite writes -wal and -shm files there too), or "
                "choose another path."
            )
        return (
            f"cannot create the folder for {where} ({error.strerror or text}). Create "
            f"{folder} and let the user running orgbot write to it, or choose another path."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return (
            f"{where} is read-only for the user running orgbot ({text}). Let that user "
            f"write to the file and to {folder} (SQLite writes -wal and -shm files beside it)."
        )
    if "unable to open" in lowered:
        return (
            f"cannot open or create {where} ({text}). Check that {folder} exists, that the "
            "path is not a folder, and that the user running orgbot can write there "
            "(SQLite writes -wal and -shm files beside the database)."
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"{where} is damaged or is not an orgbot database ({text}). Restore it from a "
            "backup (docs/operations.md, Backups), or point to the right file."
        )
    if "disk is full" in lowered or "disk i/o" in lowered:
        return f"cannot write {where} ({text}). Free space on its disk, then start again."
    if "locked" in lowered or "busy" in lowered:
        return (
            f"{where} is locked by another process ({text}); it held the lock for longer "
            "than the busy timeout. Look for a stuck process using the file."
        )
    return f"cannot use {where} ({text})."


class Store:
    """Opens `path` (created if missing), applies migrations, and hands each thread its own
    `sqlite_utils.Database` on the same file.

    Bolt runs listeners on worker threads and APScheduler runs jobs on its own, so sharing
    one `sqlite3.Connection` would need a lock around every query; per-thread connections
    in WAL mode let readers run while one thread writes.
    """

    def __init__(self, path: str | Path, *, migrate: bool = True, create: bool = True):
        """Open the database.

        Args:
            path: the SQLite file, or `:memory:`.
            migrate: apply pending migrations (refusing a database from a newer orgbot).
            create: create the file when it is missing (`orgbot run`); read-only
                commands pass False, so a typo in the path is an error, not a new file.

        Raises:
            StoreError: the file is missing (with `create=False`), cannot be created,
                opened, read or written, or is damaged.
            NewerSchemaError: a newer orgbot has migrated it (with `migrate=True`).
        """
        self.path = str(path)
        self.memory = self.path == ":memory:"
        if self.memory:
            # one shared in-memory database for every thread of this Store
            self.path = f"file:orgbot-{id(self)}?mode=memory&cache=shared"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer = WriterLock()  # one write transaction at a time in this process
        try:
            if not self.memory:
                self._create_file(create=create)
            if migrate:
                self._migrate()
            else:
                self.db.execute("select count(*) from sqlite_master").fetchone()
        except (sqlite3.Error, OSError) as error:
            self.close()
            raise StoreError(describe(self.path, error)) from error
        except StoreError:
            self.close()
            raise

    def _create_file(self, *, create: bool) -> None:
        target = Path(self.path)
        if target.exists():
            return
        if not create:
            raise StoreError(
                f"there is no database at {target.absolute()}. `orgbot run` creates it (so "
                "before the first start this is expected); otherwise check the path (a "
                "relative path is read from the folder you run in)."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it just now
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))

    def _migrate(self) -> None:
        from slackbot.store.schema import migrations, unknown_migrations

        # inside one write transaction, so two processes starting on a new file do
        # not both try to create the tables
        with self.write() as db:
            unknown = unknown_migrations(db)
            if unknown:
                raise NewerSchemaError(
                    f"{os.path.abspath(self.path)} was written by a newer orgbot: it has "
                    f"migration(s) {', '.join(unknown)}, which this orgbot does not know. Run "
                    "that newer orgbot, or restore a backup taken before the upgrade; this "
                    "version will not downgrade it."
                )
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
    def answering(self, *, within: float) -> Iterator[None]:
        """While the block runs, write transactions on this thread wait for orgbot's write
        lock only until `within` seconds from now, all of them together (a person waits
        on the answer). Elsewhere each write waits up to this thread's busy timeout."""
        previous = getattr(self._local, "deadline", None)
        self._local.deadline = time.monotonic() + within
        try:
            yield
        finally:
            self._local.deadline = previous

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
        # The threads of this process queue on a lock of their own first: a waiter wakes
        # the moment the writer before it commits, where SQLite's busy handler sleeps in
        # growing steps and can pass a waiter over again and again under a burst. The busy
        # timeout then only covers other processes on the same file.
        deadline = getattr(self._local, "deadline", None)
        if deadline is not None:
            wait = max(0.0, deadline - time.monotonic())
        else:
            wait = getattr(self._local, "busy_ms", BUSY_TIMEOUT_MS) / 1000
        if not self._writer.acquire(timeout=wait, background=_in_background()):
            raise sqlite3.OperationalError("database is locked (by another writer in orgbot)")
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise
            else:
                db.conn.execute("COMMIT")
        finally:
            self._writer.release()

    def ping(self) -> bool:
        """True when the database answers a query."""
        try:
            return next(self.db.query("select 1 as ok"))["ok"] == 1
        except sqlite3.Error:
            return False

    def health_problem(self) -> str | None:
        """None when the file can be read and written now, else what is wrong, in words.

        A fresh connection each time (nothing cached), which reads the schema and commits
        a one-row write, so a damaged file, a read-only file or folder, a full disk or a
        file deleted under the running process all show, not just a dead connection."""
        try:
            if self.memory:
                with self.write() as db:
                    self._probe(db.conn)
                return None
            where = os.path.abspath(self.path)
            if os.path.exists(where) and not os.access(where, os.R_OK | os.W_OK):
                # connections opened before may still write, but new ones (a new worker
                # thread, a restart) cannot; and SQLite could quietly reuse an old
                # descriptor for the probe below, so ask the file system
                return describe(
                    where, sqlite3.OperationalError("attempt to write a readonly database")
                )
            uri = "file:" + pathname2url(where) + "?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=HEALTH_TIMEOUT_S)
            try:
                conn.execute("BEGIN IMMEDIATE")
                self._probe(conn)
                conn.execute("COMMIT")
            finally:
                conn.close()
        except sqlite3.Error as error:
            return describe(self.path, error)
        return None

    @staticmethod
    def _probe(conn: sqlite3.Connection) -> None:
        conn.execute("select count(*) from sqlite_master").fetchone()
        conn.execute(
            "insert or replace into health_probe (id, checked_at) values (1, ?)",
            [datetime.now(UTC).isoformat(timespec="seconds")],
        )

    def quick_check(self) -> list[str]:
        """SQLite's `PRAGMA quick_check`: [] when the file is sound, else its findings.

        Raises:
            sqlite3.DatabaseError: the file is too damaged to check.
        """
        rows = [row[0] for row in self.db.execute("PRAGMA quick_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
