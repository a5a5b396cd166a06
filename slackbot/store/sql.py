"""Plain SQL for the writes that run while the write lock is held.

`sqlite_utils`' `table.insert()` and `table.update()` look the table up first (three
queries on `sqlite_master`, then `PRAGMA table_info` for an update) and wrap the
statement in a savepoint, and `db.query()` wraps each read in one: six to nine calls
into SQLite for one row. Each call lets go of Python's GIL, and under load each one can
cost a wait to get it back, while every other writer in the process waits on the lock
(docs/performance.md, "A burst"). These helpers make one call per statement. Table and
column names come from orgbot's code, never from input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlite_utils import Database


def insert(db: Database, table: str, row: Mapping[str, Any], *, unless_there: bool = False) -> int:
    """Insert one row; its rowid. `unless_there`: a row with the same primary or unique
    key is left as it is (and 0 returned); any other constraint still raises."""
    columns = list(row)
    cursor = db.execute(
        f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
        + (" on conflict do nothing" if unless_there else ""),
        [row[c] for c in columns],
    )
    return cursor.lastrowid if cursor.rowcount == 1 else 0


def insert_all(db: Database, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert rows that all have the same columns, in one statement."""
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    one = f"({', '.join('?' * len(columns))})"
    db.execute(
        f"insert into {table} ({', '.join(columns)}) values {', '.join([one] * len(rows))}",
        [row[c] for row in rows for c in columns],
    )


def update(db: Database, table: str, key: tuple[str, Any], values: Mapping[str, Any]) -> int:
    """Set `values` on the row whose `key[0]` column equals `key[1]`; rows changed."""
    column, value = key
    sets = ", ".join(f"{name} = ?" for name in values)
    cursor = db.execute(f"update {table} set {sets} where {column} = ?", [*values.values(), value])
    return cursor.rowcount


def rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows `sql` returns, as dicts, read at once."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
