"""The current org as a CSV table: read (every problem with its line), written back the
same way, so an export imports unchanged. Pure: looking people up is the caller's
`People` (the Slack directory in production, a dict in tests).

Columns (a header row names them, in any order; only `title` is required):

    title, reports_to, holder, count, status, vacancies, dotted

- `holder`: who holds the position, by email or Slack user id; several separated by `;`.
- `count`: seats (default 1). `vacancies`: seats nobody holds (default: none when the
  status is `filled`, else the seats without a holder). `status`: filled, open, hire or
  backfill (the kind of the vacant seats).
- `reports_to` and `dotted` name other rows by title; `dotted` may hold several, `;`.

Titles name one position in the whole org (see `slackbot/org/branch.py`): a title repeated
is refused, every row of it listed, with a title that tells them apart as a suggestion.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Protocol

from rapidfuzz import fuzz, process

from roles import Catalog
from slackbot.org.parse import dotted_loops, position_key
from slackbot.org.structure import MAX_HEADCOUNT, MAX_TITLE, Position, Structure, has_words

COLUMNS = ("title", "reports_to", "holder", "count", "status", "vacancies", "dotted")
FILLED, OPEN, HIRE, BACKFILL = "filled", "open", "hire", "backfill"
STATUSES = (FILLED, OPEN, HIRE, BACKFILL)
MAX_ROWS = 20_000
MAX_PROBLEMS = 500  # a file that is not an org at all would list one a row
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_ALIASES = {
    "reports to": "reports_to",
    "reportsto": "reports_to",
    "manager": "reports_to",
    "holders": "holder",
    "headcount": "count",
    "open": "vacancies",
    "dotted to": "dotted",
    "dotted_to": "dotted",
    "dotted lines": "dotted",
}
# the fields this orgbot's Position has (holders, vacancies, status, dotted came in 0.3)
_FIELDS = {f.name for f in fields(Position)}


class People(Protocol):
    """Who the holders are: an address or id to the Slack user id, or None if unknown."""

    def by_email(self, email: str) -> str | None: ...

    def by_id(self, user_id: str) -> str | None: ...


@dataclass
class TableResult:
    structure: Structure = field(default_factory=Structure)
    problems: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    line: int
    title: str
    key: str
    role_id: str | None
    manager: str
    holders: tuple[str, ...]
    count: int
    status: str
    vacancies: int
    dotted: tuple[str, ...]


def _column(name: str) -> str:
    words = " ".join(name.strip().lower().replace("-", " ").split())
    return _ALIASES.get(words, words.replace(" ", "_"))


def _split(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", cell or "") if part.strip()]


def _separator(text: str) -> str:
    """The file's column separator, read from its header row: a comma, else a semicolon
    (Excel's "CSV" where the comma is the decimal mark) or a tab (cells copied out of a
    spreadsheet)."""
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    return max(";\t", key=first.count) if (";" in first or "\t" in first) else ","


def read_org_table(text: str, catalog: Catalog, *, people: People | None) -> TableResult:
    """Read the CSV `text` into a structure, or list every problem with its line.

    Args:
        catalog: to recognise titles that are catalog roles (`parse.position_key`).
        people: looks up holders; None: any holder is a problem (nobody to ask).
    """
    problems: list[str] = []
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_separator(text))
    try:
        header = next(reader)
    except StopIteration:
        return TableResult(problems=[_empty()])
    except csv.Error as error:
        return TableResult(problems=[f"Line 1: can't read the header row ({error})."])
    columns = [_column(h) for h in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in COLUMNS and h.strip()]
    if unknown:
        problems.append(
            "Line 1: unknown column(s) "
            + ", ".join(f"“{h}”" for h in unknown)
            + f". The columns are: {', '.join(COLUMNS)}."
        )
    repeated = sorted({c for c in columns if c in COLUMNS and columns.count(c) > 1})
    if repeated:
        problems.append(f"Line 1: the column(s) {', '.join(repeated)} appear more than once.")
    if "title" not in columns:
        problems.append(
            "Line 1: the first row must name the columns, with at least `title`, e.g. "
            "`title,reports_to,holder,count,status,vacancies,dotted`."
        )
        return TableResult(problems=problems)
    where = {c: columns.index(c) for c in COLUMNS if c in columns}

    keys_of: dict[str, tuple[str, str | None]] = {}  # title -> (key, role_id), cached

    def key_of(title: str) -> tuple[str, str | None]:
        if title not in keys_of:
            keys_of[title] = position_key(catalog, title)
        return keys_of[title]

    rows: list[_Row] = []
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"Line {start}: can't read this row ({error}).")
            break
        line = start
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(f"Line {line}: an org holds up to {MAX_ROWS:,} positions.")
            break
        if len(cells) > len(header):
            problems.append(
                f"Line {line}: {len(cells)} cells, but the header names {len(header)} columns "
                '(a title with a comma needs quotes: `"Head of Sales, EMEA"`).'
            )
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = where.get(name)
            return " ".join(cells[i].split()) if i is not None and i < len(cells) else ""

        row = _read_row(line, cell, key_of, people, problems)
        if row is not None:
            rows.append(row)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not rows and not problems:
        return TableResult(problems=[_empty()])
    structure = _resolve(rows, key_of, problems) if len(problems) < MAX_PROBLEMS else None
    if len(problems) >= MAX_PROBLEMS:
        problems = [*problems[:MAX_PROBLEMS], f"…stopped after {MAX_PROBLEMS} problems."]
    if problems or structure is None:
        return TableResult(problems=problems, rows=len(rows))
    return TableResult(structure=structure, rows=len(rows))


def _empty() -> str:
    return (
        "The file has no positions: write a header row, then one position a row, e.g. "
        "`title,reports_to` then `CEO,` then `COO,CEO`."
    )


def _read_row(line, cell, key_of, people, problems) -> _Row | None:
    """One row's own checks (the ones that need no other row); None if it is unusable."""
    title = cell("title")
    if not title:
        problems.append(f"Line {line}: no title.")
        return None
    if not has_words(title):
        problems.append(f"Line {line}: “{title}” is not a title (it needs letters or digits).")
        return None
    if len(title) > MAX_TITLE:
        problems.append(f"Line {line}: “{title[:40]}…” is longer than {MAX_TITLE} characters.")
        return None
    count = 1
    raw = cell("count")
    if raw:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_HEADCOUNT:
            problems.append(
                f"Line {line}: the count of “{title}” is “{raw}”; write a whole number from "
                f"1 to {MAX_HEADCOUNT}."
            )
        else:
            count = int(raw)
    status = cell("status").lower() or FILLED
    if status not in STATUSES:
        problems.append(
            f"Line {line}: the status of “{title}” is “{cell('status')}”; write one of "
            f"{', '.join(STATUSES)} (or leave it empty: filled)."
        )
        status = FILLED
    holders: list[str] = []
    for handle in _split(cell("holder")):
        user_id, why = _holder(handle, people)
        if user_id is None:
            problems.append(f"Line {line}: holder {why}")
        elif user_id in holders:
            problems.append(f"Line {line}: {handle} holds “{title}” twice.")
        else:
            holders.append(user_id)
    raw = cell("vacancies")
    if raw:
        if not raw.isdigit() or int(raw) > count:
            problems.append(
                f"Line {line}: the vacancies of “{title}” are “{raw}”; write a whole number "
                f"from 0 to its count ({count})."
            )
            vacancies = 0
        else:
            vacancies = int(raw)
    else:
        vacancies = 0 if status == FILLED else max(count - len(holders), 0)
    if status == FILLED and vacancies:
        problems.append(
            f"Line {line}: “{title}” has {vacancies} vacant seat(s) but the status filled; "
            "write open, hire or backfill for them."
        )
    elif status != FILLED and not vacancies:
        problems.append(
            f"Line {line}: “{title}” is {status}, but every seat is held; leave the status "
            "empty (filled), or raise the count."
        )
    if len(holders) > count - vacancies:
        problems.append(
            f"Line {line}: “{title}” names {len(holders)} holder(s) for "
            f"{count - vacancies} filled seat(s) (count {count}, {vacancies} vacant)."
        )
    key, role_id = key_of(title)
    return _Row(
        line=line,
        title=title,
        key=key,
        role_id=role_id,
        manager=cell("reports_to"),
        holders=tuple(holders),
        count=count,
        status=status,
        vacancies=vacancies,
        dotted=tuple(_split(cell("dotted"))),
    )


def _holder(handle: str, people: People | None) -> tuple[str | None, str]:
    """(the user id for `handle`, "") or (None, the rest of a sentence saying why not)."""
    plain = handle.strip("<>@ ")
    if USER_ID.match(plain):
        if people is None:
            return plain, ""
        found = people.by_id(plain)
        return (found, "") if found else (None, f"{plain} is not a member of this workspace.")
    if EMAIL.match(handle):
        if people is None:
            return None, f"{handle}: emails can't be looked up here (no Slack token)."
        found = people.by_email(handle)
        if found:
            return found, ""
        return None, f"{handle} is not the email of anyone in this Slack workspace."
    return None, f"“{handle}” is neither an email nor a Slack user id (U…)."


def _resolve(rows: list[_Row], key_of, problems: list[str]) -> Structure:
    """The checks between rows (duplicates, managers, dotted lines, loops), then the
    structure."""
    by_key: dict[str, list[_Row]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    titles = {row.key: row.title for row in rows}
    for same in by_key.values():
        if len(same) > 1:
            listed = ", ".join(f"line {r.line}" + _as(r, same[0]) for r in same)
            suggestions = (
                " and ".join(f"“{r.title} ({r.manager})”" for r in same[:2] if r.manager)
                or f"“{same[0].title} (…)”"
            )
            problems.append(
                f"Line {same[1].line}: “{same[0].title}” is listed {len(same)} times ({listed}). "
                f"A title names one position in the whole org: for several people in one "
                f"position give it a count; for different positions tell them apart, e.g. "
                f"{suggestions}."
            )
    managers: dict[int, str | None] = {}
    dotted: dict[int, tuple[str, ...]] = {}
    for row in rows:
        manager_key = None
        if row.manager:
            manager_key, _ = key_of(row.manager)
            if manager_key == row.key:
                problems.append(f"Line {row.line}: “{row.title}” can't report to itself.")
                manager_key = None
            elif manager_key not in titles:
                problems.append(
                    f"Line {row.line}: “{row.title}” reports to “{row.manager}”, which is not a "
                    f"title in the file.{_did_you_mean(row.manager, titles.values())}"
                )
                manager_key = None
        managers[row.line] = manager_key
        targets: list[str] = []
        for name in row.dotted:
            target, _ = key_of(name)
            if target == row.key:
                problems.append(
                    f"Line {row.line}: “{row.title}” can't have a dotted line to itself."
                )
            elif target not in titles:
                problems.append(
                    f"Line {row.line}: “{row.title}” has a dotted line to “{name}”, which is not "
                    f"a title in the file.{_did_you_mean(name, titles.values())}"
                )
            elif target == manager_key:
                problems.append(
                    f"Line {row.line}: “{row.title}” reports to {row.manager} already; a dotted "
                    "line is to someone else."
                )
            elif target in targets:
                problems.append(
                    f"Line {row.line}: “{row.title}” has the dotted line to {name} twice."
                )
            else:
                targets.append(target)
        dotted[row.line] = tuple(targets)
    first = {key: same[0] for key, same in by_key.items()}
    parent = {key: managers[row.line] for key, row in first.items()}
    problems.extend(_loops(parent, titles, {k: r.line for k, r in first.items()}))
    if rows and all(managers[r.line] is not None for r in first.values()):
        problems.append(
            "No top position: every row reports to another. Leave `reports_to` empty on the "
            "top one (e.g. the CEO)."
        )
    if problems:
        return Structure()
    positions = []
    for row in rows:
        extra: dict = {}
        if row.holders:
            extra["holders"] = row.holders
        if row.vacancies:
            extra["vacancies"] = row.vacancies
        if row.status != FILLED:
            extra["status"] = row.status
        if dotted[row.line]:
            extra["dotted"] = dotted[row.line]
        missing = [name for name in extra if name not in _FIELDS]
        if missing:  # an orgbot whose positions do not have these fields yet
            problems.append(
                f"Line {row.line}: this orgbot can't store {', '.join(missing)} yet; leave "
                "those columns empty."
            )
            continue
        positions.append(
            Position(
                row.title,
                row.key,
                row.role_id,
                row.count,
                managers[row.line],
                row.line,
                **extra,
            )
        )
    if problems:
        return Structure()
    structure = Structure(tuple(positions))
    problems.extend(dotted_loops(structure))
    return structure if not problems else Structure()


def _as(row: _Row, first: _Row) -> str:
    return "" if row.title == first.title else f" as “{row.title}”"


def _loops(parent: dict[str, str | None], titles: dict[str, str], lines: dict[str, int]):
    """Each reporting loop once, in O(positions)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    found = []
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in state:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:
            loop = path[path.index(node) :]
            names = " → ".join(titles[k] for k in [*loop, loop[0]])
            found.append(
                f"Line {min(lines[k] for k in loop)}: reporting loop {names}. Someone in it "
                "must report outside the loop, or be a top position (empty reports_to)."
            )
        for k in path:
            state[k] = 2
    return found


def _did_you_mean(name: str, titles: Iterable[str]) -> str:
    found = process.extractOne(name, list(titles), scorer=fuzz.WRatio, score_cutoff=80)
    return f" Did you mean “{found[0]}”?" if found else ""


def write_org_table(structure: Structure) -> str:
    """The CSV `read_org_table` reads back into the same structure: every column, holders
    as Slack user ids (an email can change hands; an id cannot)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    by_key = structure.by_key
    for p in structure.positions:
        holders = getattr(p, "holders", ()) or ()
        vacancies = getattr(p, "vacancies", 0) or 0
        status = getattr(p, "status", FILLED) or FILLED
        dotted = getattr(p, "dotted", ()) or ()
        writer.writerow(
            [
                p.title,
                by_key[p.reports_to].title if p.reports_to else "",
                "; ".join(holders),
                p.headcount,
                status,
                vacancies,
                "; ".join(by_key[d].title for d in dotted),
            ]
        )
    return out.getvalue()
