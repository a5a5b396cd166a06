"""Org structures: positions with their holders, open seats and dotted lines, drawn as a
tree, written back as text and compared with another structure. Pure; no Slack, no
database. The text people type is read by `slackbot/org/parse.py` (`parse_structure`,
re-exported here).

    CEO (@maria)
    COO (@sam) reports to CEO
    Operations Director (@dana) reports to COO
    Operations Manager x3, 1 open reports to Operations Director
    Data Analyst [hire] reports to COO
    Head of Data reports to COO, dotted to CEO
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from roles import Catalog

if TYPE_CHECKING:
    from slackbot.org.parse import ParseResult

MAX_POSITIONS = 60
MAX_TITLE = 80
MAX_HEADCOUNT = 999
WIDE_SPAN = 8

FILLED, OPEN, HIRE, BACKFILL = "filled", "open", "hire", "backfill"
VACANT_KINDS = (OPEN, HIRE, BACKFILL)
# how a kind of vacant seat reads after a count: "1 open", "2 to hire", "1 backfill"
SEAT_WORDS = {OPEN: "open", HIRE: "to hire", BACKFILL: "backfill"}

EXAMPLE = "Operations Director reports to COO"
# a title needs at least one letter or digit: `.`, `-` or `---` is not a position
_WORDLIKE = re.compile(r"[^\W_]")
# a Slack user id as people paste it: U…/W… in capitals and digits
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# what a name written back as `@name` must not hold (it would not read back as one name)
_NAME_UNSAFE = re.compile(r"[,()<>\[\]@\n]")


def has_words(text: str) -> bool:
    """True when `text` holds a letter or digit: not only punctuation, emoji or invisible
    characters (a zero-width space), which a title or a reason needs."""
    return bool(_WORDLIKE.search(text))


class HolderResolver(Protocol):
    """Who `@name` is, for the parser, and what to call a user id, for `to_text`.

    `resolve` gets the handle as written after the `@` (a name, or a user id) and returns
    the user id, or the candidates when there is not exactly one (`[]`: nobody by that
    name, or an id that is not a member). `name` gives the name to write for a user id.
    """

    def resolve(self, handle: str) -> str | list[str]: ...

    def name(self, user_id: str) -> str | None: ...


@dataclass(frozen=True)
class Position:
    """One box on the chart. `key` is its identity: the catalog role id when the title is
    a known role name (so `COO` and `Chief Operating Officer` are one position), otherwise
    the normalized title.

    `headcount` counts seats, filled and vacant; `vacancies` of them are held by nobody
    yet, and `status` says what kind of vacancy they are (open, to hire, backfill).
    `holders` are the Slack user ids in the filled seats, when named (at most
    headcount - vacancies). `dotted` holds the keys of dotted-line managers.
    """

    title: str
    key: str
    role_id: str | None = None
    headcount: int = 1
    reports_to: str | None = None  # the key of its (solid-line) manager
    line: int = 0
    holders: tuple[str, ...] = ()
    vacancies: int = 0
    status: str = FILLED
    dotted: tuple[str, ...] = ()

    @property
    def is_vacant(self) -> bool:
        """Every seat is vacant (nobody holds the position)."""
        return self.vacancies >= self.headcount

    @property
    def filled(self) -> int:
        """Seats somebody holds (named or not)."""
        return self.headcount - self.vacancies

    def label(self) -> str:
        return f"{self.title} ×{self.headcount}" if self.headcount > 1 else self.title

    def seats_text(self) -> str:
        """The vacant seats in words: "", "open", "to hire", "1 open", "2 to hire"."""
        if not self.vacancies:
            return ""
        word = SEAT_WORDS.get(self.status, self.status)
        if self.is_vacant and self.headcount == 1:
            return word
        return f"{self.vacancies} {word}"


Names = Callable[[str], str]


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


@dataclass(frozen=True)
class Structure:
    positions: tuple[Position, ...] = ()

    def __len__(self) -> int:
        return len(self.positions)

    def __bool__(self) -> bool:
        return bool(self.positions)

    @cached_property
    def by_key(self) -> dict[str, Position]:
        """Positions by key (built once per structure; do not mutate)."""
        return {p.key: p for p in self.positions}

    @cached_property
    def _children(self) -> dict[str | None, list[Position]]:
        index: dict[str | None, list[Position]] = {}
        for p in self.positions:
            index.setdefault(p.reports_to, []).append(p)
        return index

    @cached_property
    def _dotted_reports(self) -> dict[str, list[Position]]:
        index: dict[str, list[Position]] = {}
        for p in self.positions:
            for key in p.dotted:
                index.setdefault(key, []).append(p)
        return index

    def roots(self) -> list[Position]:
        return list(self._children.get(None, ()))

    def children(self, key: str) -> list[Position]:
        """Solid-line direct reports of `key`, in the order written."""
        return list(self._children.get(key, ()))

    def dotted_reports(self, key: str) -> list[Position]:
        """Positions with a dotted line to `key`."""
        return list(self._dotted_reports.get(key, ()))

    def headcount(self) -> int:
        return sum(p.headcount for p in self.positions)

    def vacancies(self) -> int:
        return sum(p.vacancies for p in self.positions)

    def holders(self) -> list[str]:
        """Every named holder, once, in the order written."""
        return list(dict.fromkeys(h for p in self.positions for h in p.holders))

    def spans(self) -> list[tuple[Position, int]]:
        """Each manager with the number of people reporting directly to them, widest first."""
        spans = []
        for position in self.positions:
            reports = sum(c.headcount for c in self._children.get(position.key, ()))
            if reports:
                spans.append((position, reports))
        return sorted(spans, key=lambda item: (-item[1], item[0].line))

    def describe(self, position: Position, *, holder: Names = mention) -> str:
        """One position as a line of the tree: title, count, who holds it, vacant seats and
        dotted lines, e.g. `Operations Manager ×3 · <@U1>, <@U2> · 1 open ┄ dotted to COO`."""
        parts = [position.label()]
        if position.holders:
            parts.append(", ".join(holder(h) for h in position.holders))
        if position.vacancies:
            parts.append(position.seats_text())
        text = " · ".join(parts)
        if position.dotted:
            by_key = self.by_key
            names = ", ".join(by_key[k].title if k in by_key else k for k in position.dotted)
            text += f" ┄ dotted to {names}"
        return text

    def tree_lines(self, *, holder: Names | None = None, plain: bool = False) -> list[str]:
        """The chart as an indented tree of solid lines, top positions first, in the order
        written. Holders, vacant seats and dotted lines are on each position's line (see
        `describe`); `plain` gives titles and counts only (the 0.2.0 tree)."""
        lines: list[str] = []
        show = holder or mention

        def text(position: Position) -> str:
            return position.label() if plain else self.describe(position, holder=show)

        # iterative (an org may be thousands of positions deep in a pathological paste)
        stack: list[tuple[Position, str, bool, bool]] = [
            (root, "", True, True) for root in reversed(self.roots())
        ]
        while stack:
            position, prefix, last, top = stack.pop()
            branch = "" if top else ("└─ " if last else "├─ ")
            lines.append(f"{prefix}{branch}{text(position)}")
            children = self._children.get(position.key, [])
            extension = "" if top else ("   " if last else "│  ")
            for i in range(len(children) - 1, -1, -1):
                stack.append((children[i], prefix + extension, i == len(children) - 1, False))
        return lines

    def to_text(self, names: HolderResolver | None = None) -> str:
        """The structure in the form people type it (what the edit modal is pre-filled with).
        Holders are written `@name` when `names` knows a name that reads back as that one
        person, otherwise `<@U…>`. `parse_structure(s.to_text(r), catalog, people=r)` gives
        `s` back (lines renumbered)."""
        by_key = self.by_key
        lines = []
        for p in self.positions:
            head = f"{p.title} x{p.headcount}" if p.headcount > 1 else p.title
            if p.holders:
                head += " (" + ", ".join(handle(h, names) for h in p.holders) + ")"
            if p.vacancies:
                word = SEAT_WORDS.get(p.status, p.status)
                if p.is_vacant and not p.holders:
                    head += f" [{p.status}]"
                else:
                    head += f", {p.vacancies} {word}"
            if p.reports_to:
                head += f" reports to {by_key[p.reports_to].title}"
            if p.dotted:
                head += ", dotted to " + ", ".join(by_key[k].title for k in p.dotted)
            lines.append(head)
        return "\n".join(lines)

    def role_ids(self) -> list[str]:
        return [p.role_id for p in self.positions if p.role_id]

    def to_json(self) -> str:
        """The stored form. Keys added after 0.2.0 are written only when not their default,
        so a structure without holders, vacancies or dotted lines is stored as before."""
        rows = []
        for p in self.positions:
            row: dict[str, object] = {
                "title": p.title,
                "key": p.key,
                "role_id": p.role_id,
                "headcount": p.headcount,
                "reports_to": p.reports_to,
                "line": p.line,
            }
            if p.holders:
                row["holders"] = list(p.holders)
            if p.vacancies:
                row["vacancies"] = p.vacancies
            if p.status != FILLED:
                row["status"] = p.status
            if p.dotted:
                row["dotted"] = list(p.dotted)
            rows.append(row)
        return json.dumps(rows, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Structure:
        """Read `to_json`'s form, including rows written by 0.2.0 (no holders, vacancies,
        status or dotted keys: every seat filled)."""
        if not text:
            return cls()
        items = _rekey_0_2_0(json.loads(text))
        positions = []
        for item in items:
            positions.append(
                Position(
                    title=item["title"],
                    key=item["key"],
                    role_id=item.get("role_id"),
                    headcount=item.get("headcount", 1),
                    reports_to=item.get("reports_to"),
                    line=item.get("line", 0),
                    holders=tuple(item.get("holders") or ()),
                    vacancies=item.get("vacancies", 0),
                    status=item.get("status", FILLED),
                    dotted=tuple(item.get("dotted") or ()),
                )
            )
        return cls(tuple(positions))


def _rekey_0_2_0(items: list[dict]) -> list[dict]:
    """Rows as stored, with the keys 0.2.0 gave titles outside ASCII replaced by today's.

    0.2.0 keyed a title that is not a catalog role by its ASCII letters only
    (`Geschäftsführer` as `title:gesch ftsf hrer`, `国際部長` as `title:`); the parser now
    keeps every letter, so without this the next proposal would show such a position
    removed and added again. A key is replaced only where it differs from what the
    parser gives that title today, and `reports_to` and `dotted` follow it."""
    stale = {
        item["key"]: item["title"]
        for item in items
        if not item["title"].isascii() and str(item["key"]).startswith("title:")
    }
    if not stale:
        return items
    from slackbot.org.parse import title_key  # the parser imports this module

    renamed = {key: title_key(title) for key, title in stale.items()}
    renamed = {old: new for old, new in renamed.items() if old != new}
    if not renamed:
        return items
    return [
        {
            **item,
            "key": renamed.get(item["key"], item["key"]),
            "reports_to": renamed.get(item.get("reports_to"), item.get("reports_to")),
            "dotted": [renamed.get(d, d) for d in item.get("dotted") or ()],
        }
        for item in items
    ]


def handle(user_id: str, names: HolderResolver | None) -> str:
    """How `to_text` writes a holder: `@name` when that name reads back as this one person,
    else `<@U…>`."""
    if names is not None:
        name = names.name(user_id)
        safe = name and not _NAME_UNSAFE.search(name) and name.strip() == name
        if safe and names.resolve(name) == user_id:
            return f"@{name}"
    return f"<@{user_id}>"


@dataclass(frozen=True)
class Change:
    """One difference between two structures, for the card.

    kind: added | removed | moved | headcount | holders | seats | dotted.
    `before`/`after` are display text: a manager's title (moved, added), a count
    (headcount), holders as `<@U…>` joined by ", " or "" (holders), seats in words such
    as "1 open" or "" (seats), dotted-line titles joined by ", " or "" (dotted).
    """

    kind: str
    title: str
    before: str | None = None
    after: str | None = None


def diff(current: Structure, proposed: Structure) -> list[Change]:
    """What `proposed` changes against `current`, in the proposal's order, then removals."""
    old, new = current.by_key, proposed.by_key
    changes: list[Change] = []

    def titles(structure: dict[str, Position], keys: Iterable[str]) -> str:
        return ", ".join(structure[k].title if k in structure else k for k in keys)

    for p in proposed.positions:
        before = old.get(p.key)
        if before is None:
            manager = new[p.reports_to].title if p.reports_to else None
            changes.append(Change("added", p.label(), after=manager))
            continue
        if before.reports_to != p.reports_to:
            changes.append(
                Change(
                    "moved",
                    p.title,
                    before=old[before.reports_to].title if before.reports_to else None,
                    after=new[p.reports_to].title if p.reports_to else None,
                )
            )
        if before.headcount != p.headcount:
            changes.append(Change("headcount", p.title, str(before.headcount), str(p.headcount)))
        if before.holders != p.holders:
            changes.append(
                Change(
                    "holders",
                    p.title,
                    ", ".join(mention(h) for h in before.holders),
                    ", ".join(mention(h) for h in p.holders),
                )
            )
        if (before.vacancies, before.status) != (p.vacancies, p.status):
            changes.append(Change("seats", p.title, before.seats_text(), p.seats_text()))
        if before.dotted != p.dotted:
            changes.append(
                Change("dotted", p.title, titles(old, before.dotted), titles(new, p.dotted))
            )
    for p in current.positions:
        if p.key not in new:
            changes.append(Change("removed", p.label()))
    return changes


def parse_structure(
    text: str,
    catalog: Catalog,
    *,
    people: HolderResolver | None = None,
    max_positions: int | None = MAX_POSITIONS,
) -> ParseResult:
    """Read the text people type; see `slackbot.org.parse.parse_structure`."""
    from slackbot.org.parse import parse_structure as parse

    return parse(text, catalog, people=people, max_positions=max_positions)


def starter_text(
    catalog: Catalog,
    current: Structure,
    role_ids: Iterable[str] = (),
    *,
    names: HolderResolver | None = None,
) -> str:
    """What a new proposal's structure field starts with: the current org, plus a line for
    each of `role_ids` not in it yet (reporting to its usual manager when that is listed)."""
    positions = list(current.positions)
    keys = {p.key for p in positions}
    wanted = [catalog[r] for r in role_ids if r in catalog and r not in keys]
    wanted.sort(key=lambda r: r.level_rank)
    lines = current.to_text(names).splitlines() if current else []
    for role in wanted:
        manager = role.reports_to if role.reports_to in keys else None
        keys.add(role.id)
        title = role.abbreviation or role.title
        if manager:
            manager_position = next((p for p in positions if p.key == manager), None)
            manager_title = (
                manager_position.title if manager_position else catalog[manager].short_name
            )
            lines.append(f"{title} reports to {manager_title}")
        else:
            lines.append(title)
    return "\n".join(lines)
