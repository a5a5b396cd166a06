"""What a chart shows: the boxes, who reports to whom, what changed, and what is folded
away so a large org stays legible. Pure; no drawing, no fonts.

A structure of any size becomes at most `MAX_BOXES` boxes: a manager shows at most
`MAX_REPORTS` reports (the rest fold into one "and N more" box), and the levels below the
depth where the budget runs out fold into a "N below" note on their manager. In a
before/after chart the changed positions and their managers are kept in view first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from slackbot.org.structure import Position, Structure

MAX_BOXES = 420
MAX_REPORTS = 30
MAX_DEPTH = 14

ADDED, MOVED, REMOVED, CHANGED = "added", "moved", "removed", "changed"
MARKS = (ADDED, MOVED, REMOVED, CHANGED)
# the words beside each colour, so the marks do not depend on colour alone
MARK_TAGS = {ADDED: "+ New", MOVED: "→ Moved", REMOVED: "− Removed", CHANGED: "± Changed"}
MARK_LEGEND = {
    ADDED: "added",
    MOVED: "moved",
    REMOVED: "removed",
    CHANGED: "changed",
}
STATUS_LABELS = {"open": "Open", "hire": "To hire", "backfill": "Backfill"}

Names = Callable[[str], str]


@dataclass(frozen=True)
class Box:
    """One box to draw: a position, or a fold ("and N more")."""

    id: int
    title: str
    people: str = ""  # the holders' names, or "" when nobody holds it
    status: str = ""  # "Open", "To hire", "1 open", "2 backfill" …
    note: str = ""  # "from COO", "was ×2", "12 below" …
    headcount: int = 1
    vacant: bool = False  # every seat vacant: drawn dashed
    mark: str | None = None  # added | moved | removed | changed
    fold: bool = False  # an "and N more" box
    key: str | None = None


@dataclass
class Chart:
    """The boxes and lines to draw, before any geometry."""

    boxes: dict[int, Box] = field(default_factory=dict)
    roots: list[int] = field(default_factory=list)
    children: dict[int, list[int]] = field(default_factory=dict)
    dotted: list[tuple[int, int]] = field(default_factory=list)  # (manager box, report box)
    counts: dict[str, int] = field(default_factory=dict)  # mark -> positions
    positions: int = 0
    seats: int = 0
    vacant_seats: int = 0
    hidden: int = 0  # positions folded away
    compared: bool = False


def clean(text: str) -> str:
    """Text safe to measure and draw: control and format characters, lone surrogates and
    non-characters become nothing or a space; runs of white space become one."""
    out = []
    for ch in text or "":
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif category in ("Cs", "Co", "Cn") or ch in "\ufffe\uffff":
            out.append("\ufffd")
        elif category == "Cf" and ch not in "\u200d":
            continue  # zero-width, bidi overrides …
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def _name(names: Names | None, user_id: str) -> str:
    if names is not None:
        try:
            name = names(user_id)
        except Exception:
            name = None
        if name:
            return clean(str(name))
    return clean(user_id)


def _status_label(position: Position) -> tuple[str, bool]:
    vacancies = position.vacancies
    if vacancies <= 0:
        return "", False
    label = STATUS_LABELS.get(position.status, "Open")
    if vacancies >= position.headcount:
        if position.headcount > 1:
            return f"{label} ×{vacancies}", True
        return label, True
    return f"{vacancies} {label.lower()}", False


def _changes(old: Position, new: Position) -> list[str]:
    notes = []
    if clean(old.title) != clean(new.title):
        notes.append(f"was “{clean(old.title)}”")
    if old.headcount != new.headcount:
        notes.append(f"was ×{old.headcount}")
    if (old.vacancies, old.status) != (new.vacancies, new.status):
        notes.append(f"was {_status_label(old)[0] or 'filled'}")
    if old.holders != new.holders:
        notes.append("holder changed")
    if set(old.dotted) != set(new.dotted):
        notes.append("dotted line changed")
    return notes


def build_chart(
    structure: Structure,
    *,
    before: Structure | None = None,
    names: Names | None = None,
    max_boxes: int = MAX_BOXES,
    max_reports: int = MAX_REPORTS,
    max_depth: int = MAX_DEPTH,
) -> Chart:
    """The chart of `structure`; with `before`, marked against it (removed positions are
    shown where they were, under their old manager when it is still there)."""
    first: dict[str, Position] = {}
    for p in structure.positions:
        first.setdefault(p.key, p)  # a key is one box (its first listing), whatever is stored
    positions = list(first.values())
    keys = {p.key for p in positions}
    marks: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    parent: dict[str, str | None] = {p.key: p.reports_to for p in positions}
    chart = Chart(compared=before is not None)

    if before is not None:
        old = before.by_key
        old_titles = {p.key: clean(p.title) for p in before.positions}
        new_titles = {p.key: clean(p.title) for p in positions}
        for p in positions:
            previous = old.get(p.key)
            if previous is None:
                marks[p.key] = ADDED
                continue
            changes = _changes(previous, p)
            if previous.reports_to != p.reports_to:
                marks[p.key] = MOVED
                source = old_titles.get(previous.reports_to or "", "")
                changes.insert(0, f"from {source}" if source else "was a top position")
            elif changes:
                marks[p.key] = CHANGED
            if changes:
                notes[p.key] = changes
        for p in old.values():
            if p.key in keys:
                continue
            marks[p.key] = REMOVED
            positions.append(p)
            # under the nearest manager that is still drawn
            manager = p.reports_to
            hops = 0
            while manager is not None and manager not in keys and hops <= len(old):
                manager = old[manager].reports_to if manager in old else None
                hops += 1
            parent[p.key] = manager if manager in keys or manager is None else None
            if manager is not None and manager != p.reports_to and manager in new_titles:
                notes.setdefault(p.key, []).append(f"was under {old_titles[p.reports_to]}")
        keys = {p.key for p in positions}
        for mark in marks.values():
            chart.counts[mark] = chart.counts.get(mark, 0) + 1

    by_key = {p.key: p for p in positions}
    kids: dict[str | None, list[str]] = {}
    for p in positions:
        manager = parent.get(p.key)
        if manager not in keys or manager == p.key:
            manager = None
        kids.setdefault(manager, []).append(p.key)

    # depth of each position (iterative); what a loop leaves unreached becomes a root
    depth: dict[str, int] = {}
    order: list[str] = []
    tops = list(kids.get(None, []))
    pending = list(reversed(tops))
    for key in tops:
        depth[key] = 1
    while True:
        while pending:
            key = pending.pop()
            order.append(key)
            for child in kids.get(key, []):
                if child not in depth:
                    depth[child] = depth[key] + 1
                    pending.append(child)
        unreached = [p.key for p in positions if p.key not in depth]
        if not unreached:
            break
        tops.append(unreached[0])
        depth[unreached[0]] = 1
        pending.append(unreached[0])

    # descendants under each position (all levels), children before parents
    below: dict[str, int] = {}
    for key in reversed(order):
        below[key] = sum(1 + below[c] for c in kids.get(key, []) if depth.get(c) == depth[key] + 1)

    # what must stay in view in a before/after: the marked positions and their managers
    wanted: set[str] = set()
    for key in marks:
        current: str | None = key
        while current is not None and current not in wanted and current in depth:
            wanted.add(current)
            manager = parent.get(current)
            current = manager if manager in keys else None

    # breadth first, level by level, within the budget
    visible: set[str] = set()
    shown_children: dict[str, list[str]] = {}
    folded: dict[str, list[str]] = {}
    level = [k for k in tops]
    budget = max_boxes
    level_number = 1
    root_level = _fold(level, wanted, max_reports * 2)
    level = root_level[0]
    visible.update(level)
    budget -= len(level)
    if root_level[1]:
        folded[""] = root_level[1]
    while level:
        candidates: list[tuple[str, list[str], list[str]]] = []
        cost = 0
        for key in level:
            children = [c for c in kids.get(key, []) if depth.get(c) == depth[key] + 1]
            shown, hidden = _fold(children, wanted, max_reports)
            candidates.append((key, shown, hidden))
            cost += len(shown) + (1 if hidden else 0)
        if cost == 0:
            break
        take_all = cost <= budget and level_number < max_depth
        next_level = []
        for key, shown, hidden in candidates:
            if not take_all:
                # only the branches a before/after needs, the rest folds into a note
                # (past the budget if need be: a change is never folded away)
                keep = [c for c in shown if c in wanted]
                if not keep:
                    continue
                shown, hidden = keep, [c for c in shown + hidden if c not in keep]
            shown_children[key] = shown
            if hidden:
                folded[key] = hidden
            visible.update(shown)
            next_level.extend(shown)
            budget -= len(shown) + (1 if hidden else 0)
        level = next_level
        level_number += 1

    # the boxes
    ids: dict[str, int] = {}
    for key in order:
        if key in visible:
            ids[key] = len(ids)
    for key, box_id in ids.items():
        p = by_key[key]
        status, vacant = _status_label(p)
        people = ", ".join(_name(names, h) for h in p.holders)
        note_parts = list(notes.get(key, []))
        hidden_below = below.get(key, 0) - sum(
            1 + below.get(c, 0) for c in shown_children.get(key, [])
        )
        if hidden_below > 0 and key not in folded:
            note_parts.append(f"{hidden_below} below")
        chart.boxes[box_id] = Box(
            id=box_id,
            title=clean(p.title),
            people=people,
            status=status,
            note=" · ".join(note_parts),
            headcount=p.headcount,
            vacant=vacant,
            mark=marks.get(key),
            key=key,
        )
    for key, box_id in ids.items():
        chart.children[box_id] = [ids[c] for c in shown_children.get(key, []) if c in ids]
    chart.roots = [ids[k] for k in root_level[0] if k in ids]
    for owner, hidden in folded.items():
        count = len(hidden) + sum(below.get(k, 0) for k in hidden)
        fold_id = len(chart.boxes)
        chart.boxes[fold_id] = Box(
            id=fold_id,
            title=f"and {len(hidden)} more",
            note=f"{count} positions" if count != len(hidden) else "",
            fold=True,
        )
        if owner == "":
            chart.roots.append(fold_id)
        else:
            chart.children[ids[owner]].append(fold_id)
    for p in positions:
        if p.key not in ids:
            continue
        for manager in p.dotted:
            if manager in ids and manager not in (p.key, parent.get(p.key)):
                chart.dotted.append((ids[manager], ids[p.key]))

    current_positions = structure.positions
    chart.positions = len(current_positions)
    chart.seats = sum(p.headcount for p in current_positions)
    chart.vacant_seats = sum(p.vacancies for p in current_positions)
    chart.hidden = len(positions) - len(ids)
    return chart


def _fold(children: list[str], wanted: set[str], limit: int) -> tuple[list[str], list[str]]:
    """The children shown (at most `limit`, the wanted ones first, in their order) and
    those folded into "and N more"."""
    if len(children) <= limit:
        return children, []
    room = limit - 1
    keep = set([c for c in children if c in wanted][:room])
    for c in children:
        if len(keep) >= room:
            break
        keep.add(c)
    return [c for c in children if c in keep], [c for c in children if c not in keep]
