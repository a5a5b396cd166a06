"""Org structures: parsed from "one position a line" text, validated, drawn as a tree, and
compared with another structure. Pure; no Slack, no database.

    CEO
    COO reports to CEO
    Operations Director reports to COO
    Operations Manager x3 reports to Operations Director
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from roles import Catalog
from roles.names import lookup, normalize

MAX_POSITIONS = 60
MAX_TITLE = 80
MAX_HEADCOUNT = 999
WIDE_SPAN = 8

EXAMPLE = "Operations Director reports to COO"
_REPORTS = re.compile(
    r"\s+(?:reports?\s+(?:to|into)|reporting\s+to|under)\s+|\s*(?:->|→|=>)\s*", re.IGNORECASE
)
# "Manager x3", "Manager ×3", "Manager (3)": an x needs a space before it, so that a
# title ending in a digit ("Linux2", "Tier x2 Lead" aside) is not read as a count
_HEADCOUNT = re.compile(
    r"^(?P<title>.*?)(?:\s+[x*]\s*(?P<n>\d+)|\s*×\s*(?P<n3>\d+)|\s*\(\s*(?P<n2>\d+)\s*\))$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
# a title needs at least one letter or digit: `.`, `-` or `---` is not a position
_WORDLIKE = re.compile(r"[^\W_]")


def has_words(text: str) -> bool:
    """True when `text` holds a letter or digit: not only punctuation, emoji or invisible
    characters (a zero-width space), which a title or a reason needs."""
    return bool(_WORDLIKE.search(text))


@dataclass(frozen=True)
class Position:
    """One box on the chart. `key` is its identity: the catalog role id when the title is
    a known role name (so `COO` and `Chief Operating Officer` are one position), otherwise
    the normalized title."""

    title: str
    key: str
    role_id: str | None = None
    headcount: int = 1
    reports_to: str | None = None  # the key of its manager
    line: int = 0

    def label(self) -> str:
        return f"{self.title} ×{self.headcount}" if self.headcount > 1 else self.title


@dataclass(frozen=True)
class Structure:
    positions: tuple[Position, ...] = ()

    def __len__(self) -> int:
        return len(self.positions)

    def __bool__(self) -> bool:
        return bool(self.positions)

    @property
    def by_key(self) -> dict[str, Position]:
        return {p.key: p for p in self.positions}

    def roots(self) -> list[Position]:
        return [p for p in self.positions if p.reports_to is None]

    def children(self, key: str) -> list[Position]:
        return [p for p in self.positions if p.reports_to == key]

    def headcount(self) -> int:
        return sum(p.headcount for p in self.positions)

    def spans(self) -> list[tuple[Position, int]]:
        """Each manager with the number of people reporting directly to them, widest first."""
        spans = []
        for position in self.positions:
            reports = sum(c.headcount for c in self.children(position.key))
            if reports:
                spans.append((position, reports))
        return sorted(spans, key=lambda item: (-item[1], item[0].line))

    def tree_lines(self) -> list[str]:
        """The chart as an indented tree, top positions first, in the order written."""
        lines: list[str] = []

        def walk(position: Position, prefix: str, last: bool, top: bool) -> None:
            branch = "" if top else ("└─ " if last else "├─ ")
            lines.append(f"{prefix}{branch}{position.label()}")
            children = self.children(position.key)
            extension = "" if top else ("   " if last else "│  ")
            for i, child in enumerate(children):
                walk(child, prefix + extension, i == len(children) - 1, False)

        for root in self.roots():
            walk(root, "", True, True)
        return lines

    def to_text(self) -> str:
        """The structure in the form people type it (what the edit modal is pre-filled with)."""
        by_key = self.by_key
        lines = []
        for p in self.positions:
            head = f"{p.title} x{p.headcount}" if p.headcount > 1 else p.title
            if p.reports_to:
                head += f" reports to {by_key[p.reports_to].title}"
            lines.append(head)
        return "\n".join(lines)

    def role_ids(self) -> list[str]:
        return [p.role_id for p in self.positions if p.role_id]

    def to_json(self) -> str:
        return json.dumps(
            [
                {
                    "title": p.title,
                    "key": p.key,
                    "role_id": p.role_id,
                    "headcount": p.headcount,
                    "reports_to": p.reports_to,
                    "line": p.line,
                }
                for p in self.positions
            ]
        )

    @classmethod
    def from_json(cls, text: str | None) -> Structure:
        if not text:
            return cls()
        return cls(tuple(Position(**item) for item in json.loads(text)))


@dataclass
class ParseResult:
    structure: Structure = field(default_factory=Structure)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def position_key(catalog: Catalog, title: str) -> tuple[str, str | None]:
    role = lookup(catalog, title)
    if role is not None:
        return role.id, role.id
    return "title:" + normalize(title), None


def parse_structure(text: str, catalog: Catalog) -> ParseResult:
    """Read one position a line: `Title [xN] [reports to Manager]`.

    Blank lines and lines starting with `#` are skipped; list bullets are allowed. Every
    problem is reported (with its line number), not just the first.
    """
    errors: list[str] = []
    raw: list[tuple[int, str, int, str | None]] = []  # line, title, headcount, manager title
    for number, line in enumerate((text or "").splitlines(), start=1):
        stripped = _BULLET.sub("", line).strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = _REPORTS.split(stripped, maxsplit=1)
        head = parts[0].strip()
        manager = parts[1].strip() if len(parts) > 1 else None
        match = _HEADCOUNT.match(head)
        headcount = 1
        count = match and (match.group("n") or match.group("n2") or match.group("n3"))
        if count:
            head = match.group("title").strip()
            headcount = int(count)
        problem = _line_problem(stripped, head, manager, headcount)
        if problem:
            errors.append(f"Line {number}: {problem}")
            continue
        raw.append((number, head, headcount, manager))

    if not raw and not errors:
        return ParseResult(errors=[f"List at least one position, e.g. `{EXAMPLE}`."])
    if len(raw) > MAX_POSITIONS:
        errors.append(
            f"That's {len(raw)} positions; a proposal holds up to {MAX_POSITIONS} so its card "
            "fits in one Slack message. Split it into smaller proposals."
        )

    keys: dict[str, tuple[int, str]] = {}  # key -> (line, title)
    positions: list[Position] = []
    for number, title, headcount, manager in raw:
        key, role_id = position_key(catalog, title)
        if key in keys:
            first_line, first_title = keys[key]
            same = "" if normalize(first_title) == normalize(title) else f" (as “{first_title}”)"
            errors.append(
                f"Line {number}: “{title}” is listed twice (also line {first_line}{same}). "
                "For several people in one role write it once with a count, e.g. "
                f"`{title} x2`."
            )
            continue
        keys[key] = (number, title)
        positions.append(Position(title, key, role_id, headcount, manager, number))

    resolved: list[Position] = []
    titles = {p.key: p.title for p in positions}
    for position in positions:
        manager_title = position.reports_to
        if manager_title is None:
            resolved.append(position)
            continue
        manager_key, _ = position_key(catalog, manager_title)
        if manager_key == position.key:
            errors.append(f"Line {position.line}: “{position.title}” can't report to itself.")
            continue
        if manager_key not in titles:
            errors.append(
                f"Line {position.line}: “{position.title}” reports to “{manager_title}”, which "
                f"is not in the list.{_did_you_mean(manager_title, titles.values())} Add a line "
                f"for {manager_title} or correct the name."
            )
            continue
        resolved.append(
            Position(
                position.title,
                position.key,
                position.role_id,
                position.headcount,
                manager_key,
                position.line,
            )
        )

    structure = Structure(tuple(resolved))
    if not errors:
        errors.extend(_shape_problems(structure))
    return ParseResult(structure=structure if not errors else Structure(), errors=errors)


def _line_problem(line: str, head: str, manager: str | None, headcount: int) -> str | None:
    if not head:
        return f"can't read “{line}”: it has no position title. Write e.g. `{EXAMPLE}`."
    if not _WORDLIKE.search(head):
        return (
            f"“{line}” is not a position: a title needs letters or digits. Write e.g. `{EXAMPLE}`."
        )
    if manager is not None and not manager:
        return f"“{head}” reports to whom? Write e.g. `{EXAMPLE}`."
    if manager is not None and not _WORDLIKE.search(manager):
        return (
            f"“{head}” reports to “{manager}”, which is not a position title (it needs "
            f"letters or digits). Write e.g. `{EXAMPLE}`."
        )
    if re.search(r"\breports?\b|\bunder\b", head, re.IGNORECASE) and manager is None:
        return f"can't read “{line}”. Write e.g. `{EXAMPLE}`."
    if headcount < 1 or headcount > MAX_HEADCOUNT:
        return f"the count for “{head}” must be from 1 to {MAX_HEADCOUNT}."
    for name in (head, manager or ""):
        if len(name) > MAX_TITLE:
            return f"“{name[:40]}…” is longer than {MAX_TITLE} characters; shorten the title."
    return None


def _did_you_mean(name: str, titles: Iterable[str]) -> str:
    found = process.extractOne(name, list(titles), scorer=fuzz.WRatio, score_cutoff=70)
    return f" Did you mean “{found[0]}”?" if found else ""


def _shape_problems(structure: Structure) -> list[str]:
    problems = []
    by_key = structure.by_key
    seen_in_loop: set[str] = set()
    for position in structure.positions:
        path: list[str] = []
        current: str | None = position.key
        while current is not None and current not in path:
            path.append(current)
            current = by_key[current].reports_to
        if current is not None and current not in seen_in_loop:
            loop = path[path.index(current) :]
            seen_in_loop.update(loop)
            names = " → ".join(by_key[k].title for k in [*loop, loop[0]])
            problems.append(
                f"Reporting loop: {names}. Someone in it must report outside the loop, or "
                "be a top position (no “reports to”)."
            )
    if not structure.roots():
        problems.insert(
            0,
            "No top position: every position reports to another. Leave “reports to …” off "
            "the top one, e.g. just `CEO`.",
        )
    return problems


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | moved | headcount
    title: str
    before: str | None = None
    after: str | None = None


def diff(current: Structure, proposed: Structure) -> list[Change]:
    """What `proposed` changes against `current`, in the proposal's order, then removals."""
    old, new = current.by_key, proposed.by_key
    changes: list[Change] = []
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
    for p in current.positions:
        if p.key not in new:
            changes.append(Change("removed", p.label()))
    return changes


def starter_text(catalog: Catalog, current: Structure, role_ids: Iterable[str] = ()) -> str:
    """What a new proposal's structure field starts with: the current org, plus a line for
    each of `role_ids` not in it yet (reporting to its usual manager when that is listed)."""
    positions = list(current.positions)
    keys = {p.key for p in positions}
    wanted = [catalog[r] for r in role_ids if r in catalog and r not in keys]
    wanted.sort(key=lambda r: r.level_rank)
    lines = current.to_text().splitlines() if current else []
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
