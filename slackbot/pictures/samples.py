"""Sample orgs of any size for the golden-image tests, the benchmark and the docs'
pictures. Deterministic: the same arguments give the same structure."""

from __future__ import annotations

import dataclasses
import random

from slackbot.org.structure import Position, Structure

FUNCTIONS = [
    ("COO", "Operations"),
    ("CFO", "Finance"),
    ("CTO", "Engineering"),
    ("CMO", "Marketing"),
    ("CHRO", "People"),
    ("CRO", "Sales"),
    ("General Counsel", "Legal"),
]
LEVELS = ["Director", "Manager", "Lead", "Specialist"]
FIRST = ["Maria", "Sam", "Dana", "Alex", "Priya", "Chen", "Fatima", "Jonas", "Ana", "Kofi"]
LAST = ["Lopez", "Okafor", "Kim", "Novak", "Haddad", "Silva", "Berg", "Tanaka", "Reyes"]


def position(**fields) -> Position:
    """A Position from keyword arguments."""
    return Position(**fields)


def sample_names(user_id: str) -> str:
    """A display name for the user ids the samples make up (U0001 …)."""
    number = int(user_id[1:]) if user_id[1:].isdigit() else 0
    return f"{FIRST[number % len(FIRST)]} {LAST[number // len(FIRST) % len(LAST)]}"


FAN_OUTS = [
    (1, 1, 1, 2),
    (2, 1, 1, 3),
    (2, 2, 2, 3),
    (3, 3, 2, 4),
    (4, 3, 3, 4),
    (4, 4, 3, 5),
    (5, 4, 4, 5),
    (6, 5, 4, 6),
    (8, 6, 5, 8),
]


def sample_org(size: int, *, seed: int = 11) -> Structure:
    """An org of `size` positions (up to ~20,000): a CEO, functions under C-level heads,
    then directors, managers, leads and specialists, pruned at random to the size; some
    seats open, to hire or backfill, a few dotted lines."""
    rng = random.Random(seed)
    positions: list[Position] = []
    user = 0
    fan_out = next((f for f in FAN_OUTS if _full_size(f) >= size), FAN_OUTS[-1])

    def add(title: str, manager: str | None, *, leaf: bool = False) -> str:
        nonlocal user
        key = f"p{len(positions)}"
        headcount = rng.choice([1, 1, 1, 2, 3, 5]) if leaf else 1
        vacancies = 0
        status = "filled"
        roll = rng.random()
        if roll < 0.08:
            vacancies, status = headcount, "open"
        elif roll < 0.12:
            vacancies, status = headcount, "hire"
        elif roll < 0.16 and headcount > 1:
            vacancies, status = 1, "backfill"
        holders = []
        for _ in range(min(headcount - vacancies, 2)):
            user += 1
            holders.append(f"U{user:04d}")
        positions.append(
            position(
                title=title,
                key=key,
                headcount=headcount,
                reports_to=manager,
                line=len(positions) + 1,
                holders=tuple(holders),
                vacancies=vacancies,
                status=status,
            )
        )
        return key

    ceo = add("CEO", None)
    todo: list[tuple[str, str, int]] = []  # key, function, level (depth first)
    for head, function in reversed(FUNCTIONS):
        todo.append((add(head, ceo), function, 0))
    todo.reverse()
    while todo:
        manager, function, level = todo.pop()
        made = []
        for number in range(fan_out[level]):
            leaf = level == len(LEVELS) - 1
            key = add(f"{function} {LEVELS[level]} {number + 1}", manager, leaf=leaf)
            if not leaf:
                made.append((key, function, level + 1))
        todo.extend(reversed(made))

    # prune leaves at random down to the size
    reports: dict[str | None, int] = {}
    for p in positions:
        reports[p.reports_to] = reports.get(p.reports_to, 0) + 1
    removed: set[str] = set()
    by_key = {p.key: p for p in positions}
    leaves = [p.key for p in positions if p.key not in reports]
    while len(positions) - len(removed) > size and leaves:
        key = leaves.pop(rng.randrange(len(leaves)))
        removed.add(key)
        manager = by_key[key].reports_to
        reports[manager] -= 1
        if manager is not None and not reports[manager] and manager != ceo:
            leaves.append(manager)
    positions = [p for p in positions if p.key not in removed]

    # a few dotted lines: a function's first director also reports to the next head
    heads = [p.key for p in positions if p.reports_to == ceo]
    if len(heads) > 1:
        changed = []
        for p in positions:
            wanted = len([c for c in changed if c.dotted]) < 2
            if wanted and p.title.endswith("Director 1") and p.reports_to in heads:
                other = heads[(heads.index(p.reports_to) + 1) % len(heads)]
                p = dataclasses.replace(p, dotted=(other,))
            changed.append(p)
        positions = changed
    return Structure(tuple(positions))


def _full_size(fan_out: tuple[int, ...]) -> int:
    total, level = 1 + len(FUNCTIONS), len(FUNCTIONS)
    for n in fan_out:
        level *= n
        total += level
    return total


def small_org() -> Structure:
    """The example of docs/proposals.md: holders, open seats, a hire, a backfill and a
    dotted line."""
    rows = [
        ("CEO", "ceo", None, 1, ("U0001",), 0, "filled", ()),
        ("COO", "coo", "ceo", 1, ("U0002",), 0, "filled", ()),
        ("CFO", "cfo", "ceo", 1, ("U0003",), 0, "filled", ()),
        ("HR Director", "hr", "ceo", 1, ("U0004",), 0, "filled", ()),
        ("Operations Director", "od", "coo", 1, ("U0005",), 0, "filled", ()),
        ("Operations Manager", "om", "od", 3, ("U0006", "U0007"), 1, "open", ()),
        ("Head of Data", "data", "cfo", 1, ("U0008",), 0, "filled", ("coo",)),
        ("Data Analyst", "analyst", "data", 1, (), 1, "hire", ()),
        ("Controller", "controller", "cfo", 1, ("U0009",), 0, "filled", ()),
        ("Recruiter", "recruiter", "hr", 1, (), 1, "backfill", ()),
    ]
    return Structure(
        tuple(
            position(
                title=title,
                key=key,
                reports_to=manager,
                headcount=headcount,
                holders=holders,
                vacancies=vacancies,
                status=status,
                dotted=dotted,
                line=number,
            )
            for number, (
                title,
                key,
                manager,
                headcount,
                holders,
                vacancies,
                status,
                dotted,
            ) in enumerate(rows, start=1)
        )
    )


def sample_change(current: Structure, *, seed: int = 5) -> Structure:
    """A proposal against `current`: one position added, one moved, one removed and one
    changed (a seat more), among the first managers."""
    rng = random.Random(seed)
    positions = list(current.positions)
    bosses = {p.reports_to for p in positions}
    top = {p.key for p in positions if p.reports_to is None}
    heads = {p.key for p in positions if p.reports_to in top}
    managers = [p for p in positions if p.key in bosses and p.key not in top | heads]
    if len(managers) < 3:
        return current
    leaves = [p for p in positions if p.key not in bosses]
    removed = leaves[rng.randrange(len(leaves))]
    moved = managers[1]
    by_key = {p.key: p for p in positions}

    def under_moved(key: str | None) -> bool:
        while key is not None:
            if key == moved.key:
                return True
            key = by_key[key].reports_to
        return False

    target = next(
        m for m in reversed(managers) if m.key != moved.reports_to and not under_moved(m.key)
    )
    changed = next(m for m in managers[2:] if m.key not in (moved.key, target.key))
    result = []
    for p in positions:
        if p.key == removed.key:
            continue
        if p.key == moved.key:
            p = dataclasses.replace(p, reports_to=target.key)
        elif p.key == changed.key:
            p = dataclasses.replace(p, headcount=p.headcount + 1)
        result.append(p)
    result.append(
        position(
            title="Head of Data",
            key="new-head-of-data",
            reports_to=managers[0].key,
            line=len(result) + 1,
            status="hire",
            vacancies=1,
        )
    )
    return Structure(tuple(result))
