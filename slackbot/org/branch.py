"""Branches: a part of the org (a position and everything below it) that a proposal edits,
and what approving such a proposal makes of the whole org. Pure; no Slack, no database.

Identity of a position is its key (`structure.position_key`: the catalog role id, or the
normalized title), and keys are unique in the whole org, branches included: a branch
proposal cannot bring in a position that already sits outside the branch (it would be
two boxes with one name), and says so, naming a branch that holds both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from rapidfuzz import fuzz, process

from roles import Catalog
from slackbot.org.parse import position_key
from slackbot.org.structure import Change, Position, Structure, diff

T = TypeVar("T")


class BranchError(ValueError):
    """A branch proposal that cannot be applied to this org; `str(error)` says why."""


def _cached(structure: Structure, name: str, build: Callable[[], T]) -> T:
    """`build()` once per structure (structures are immutable): kept in the instance's
    `__dict__`, which dataclass equality, repr and `to_json` never look at."""
    cache = structure.__dict__
    if name not in cache:
        cache[name] = build()
    return cache[name]


def keys_of(structure: Structure) -> dict[str, Position]:
    """`structure.by_key`, built once per structure."""
    return _cached(structure, "_branch_by_key", lambda: structure.by_key)


def children_index(structure: Structure) -> dict[str | None, list[Position]]:
    """Positions by the key of their manager (None: top positions), in the order written;
    built once per structure (do not change the lists)."""

    def build() -> dict[str | None, list[Position]]:
        index: dict[str | None, list[Position]] = {}
        for position in structure.positions:
            index.setdefault(position.reports_to, []).append(position)
        return index

    return _cached(structure, "_branch_children", build)


def with_dotted(structure: Structure) -> list[Position]:
    """The positions that have dotted-line managers, built once per structure."""
    return _cached(
        structure, "_branch_dotted", lambda: [p for p in structure.positions if dotted_of(p)]
    )


def branch_keys(structure: Structure, root_key: str) -> set[str]:
    """The keys of `root_key` and every position below it (solid lines only)."""
    if root_key not in keys_of(structure):
        return set()
    index = children_index(structure)
    keys = {root_key}
    stack = [root_key]
    while stack:
        for child in index.get(stack.pop(), ()):
            if child.key not in keys:  # a loop cannot come from a validated structure
                keys.add(child.key)
                stack.append(child.key)
    return keys


def dotted_of(position: Position) -> tuple[str, ...]:
    """The position's dotted-line managers (() before positions had them)."""
    return tuple(getattr(position, "dotted", ()) or ())


def branch_of(structure: Structure, root_key: str) -> Structure:
    """The branch under (and including) `root_key`, as a structure of its own: its root is a
    top position, and dotted lines to positions outside the branch are left out (a branch
    proposal keeps them as they are; see `apply_proposal`).

    Raises:
        BranchError: no position has that key.
    """
    keys = branch_keys(structure, root_key)
    if not keys:
        raise BranchError(f"There is no position {root_key!r} in the org.")
    positions = []
    for position in structure.positions:
        if position.key not in keys:
            continue
        changes: dict = {}
        if position.key == root_key:
            changes["reports_to"] = None
        dotted = dotted_of(position)
        if dotted and any(d not in keys for d in dotted):
            changes["dotted"] = tuple(d for d in dotted if d in keys)
        positions.append(replace(position, **changes) if changes else position)
    return Structure(tuple(positions))


def path_to_top(structure: Structure, key: str) -> list[str]:
    """`key`, its manager, their manager, … up to a top position."""
    by_key = keys_of(structure)
    path: list[str] = []
    current: str | None = key
    while current is not None and current in by_key and current not in path:
        path.append(current)
        current = by_key[current].reports_to
    return path


def common_manager(structure: Structure, keys: Iterable[str]) -> str | None:
    """The lowest position that has all of `keys` in its branch (None: no one does)."""
    paths = [path_to_top(structure, k) for k in keys]
    if not paths:
        return None
    shared = set(paths[0]).intersection(*map(set, paths[1:]))
    return next((k for k in paths[0] if k in shared), None)


def branch_problems(current: Structure, proposed: Structure, *, branch_root: str) -> list[str]:
    """What stops `proposed` from replacing the branch under `branch_root` of `current`, in
    words for the author (empty: it can be applied). Costs the size of the branch, not of
    the org (the org's indexes are built once)."""
    by_key = keys_of(current)
    if branch_root not in by_key:
        return [
            "The position this proposal started from is no longer in the current org. "
            "Start a new proposal from a branch that exists."
        ]
    inside = branch_keys(current, branch_root)
    root_title = by_key[branch_root].title
    problems: list[str] = []
    tops = [p for p in proposed.positions if p.reports_to is None]
    if len(tops) > 1:
        names = ", ".join(f"“{p.title}”" for p in tops)
        problems.append(
            f"A branch has one top position; this one has {len(tops)} ({names}). Make the "
            f"others report to someone in the branch, or start from a higher branch."
        )
    for position in proposed.positions:
        if position.key in by_key and position.key not in inside:
            outside = by_key[position.key]
            higher = common_manager(current, [branch_root, position.key])
            where = (
                f"start from a branch that holds both, e.g. `/org-proposal branch {by_key[higher].title}`"
                if higher
                else "propose a change to the whole org"
            )
            manager = by_key[outside.reports_to].title if outside.reports_to else None
            problems.append(
                f"Line {position.line}: “{position.title}” is already in the org outside the "
                f"{root_title} branch"
                + (f" (reporting to {manager})" if manager else " (a top position)")
                + f". A title names one position in the whole org: rename this one (e.g. "
                f"“{position.title} ({root_title})”), or to move it, {where}."
            )
    kept = {p.key for p in proposed.positions}
    removed = inside - kept
    for position in with_dotted(current):
        if position.key in inside:
            continue
        for target in dotted_of(position):
            if target in removed:
                problems.append(
                    f"“{position.title}” (outside the branch) has a dotted line to "
                    f"“{by_key[target].title}”, which this proposal removes. Keep "
                    f"{by_key[target].title}, or start from a branch that holds both."
                )
    return problems


def apply_proposal(
    current: Structure, proposed: Structure, *, branch_root: str | None
) -> Structure:
    """The org once `proposed` is approved.

    Without `branch_root`, `proposed` is the whole org. With it, `proposed` replaces the
    branch under `branch_root` in `current` (that position and everything below it): the
    rest of the org is kept as it is (the same positions, lines included), the branch's top
    position keeps the manager the branch root had, positions keep their order (the branch
    where its root was), and
    dotted lines from the branch to positions outside it are kept for every position that
    stays (a branch's text does not show them).

    Raises:
        BranchError: `branch_problems` names why it cannot be applied.
    """
    if branch_root is None:
        return proposed
    problems = branch_problems(current, proposed, branch_root=branch_root)
    if problems:
        raise BranchError(" ".join(problems))
    by_key = keys_of(current)
    inside = branch_keys(current, branch_root)
    manager = by_key[branch_root].reports_to
    branch: list[Position] = []
    for position in proposed.positions:
        changes: dict = {}
        if position.reports_to is None:
            changes["reports_to"] = manager
        before = by_key.get(position.key)
        if before is not None:
            outside = tuple(d for d in dotted_of(before) if d not in inside)
            if outside:
                changes["dotted"] = dotted_of(position) + tuple(
                    d for d in outside if d not in dotted_of(position)
                )
        branch.append(replace(position, **changes) if changes else position)
    positions: list[Position] = []
    for position in current.positions:
        if position.key == branch_root:
            positions.extend(branch)
        elif position.key not in inside:
            positions.append(position)
    # positions outside the branch are the same objects (no copy of a 10,000-position org);
    # each keeps the line it had in the text or file it came from
    return Structure(tuple(positions))


def branch_changes(
    current: Structure, proposed: Structure, *, branch_root: str | None
) -> list[Change]:
    """What `proposed` changes (`structure.diff`): against the whole org, or, for a branch
    proposal, against that branch only (the rest of the org is not part of it). A branch
    root that is no longer in the org compares with nothing (everything is added)."""
    if branch_root is None:
        return diff(current, proposed)
    if branch_root not in keys_of(current):
        return diff(Structure(), proposed)
    return diff(branch_of(current, branch_root), proposed)


def find_position(
    current: Structure, name: str, catalog: Catalog
) -> tuple[Position | None, list[str]]:
    """The position `name` names in `current` (its title, or another name of its catalog
    role), or None and up to three titles it may have meant."""
    key, _ = position_key(catalog, " ".join(name.split()))
    found = keys_of(current).get(key)
    if found is not None:
        return found, []
    titles = [p.title for p in current.positions]
    near = process.extract(name, titles, scorer=fuzz.WRatio, limit=3, score_cutoff=75)
    return None, [n[0] for n in near]


def text_sizes(structure: Structure) -> dict[str, int]:
    """For each position, the characters its branch takes as text (`to_text`), counted
    bottom-up in one pass."""
    lines = structure.to_text().splitlines()
    if len(lines) == len(structure.positions):
        own = {p.key: len(line) + 1 for p, line in zip(structure.positions, lines, strict=True)}
    else:  # a to_text that is not one line a position: measure each on its own
        own = {p.key: len(Structure((p,)).to_text()) + 1 for p in structure.positions}
    index = children_index(structure)
    sizes: dict[str, int] = {}
    for key in _bottom_up(structure, index):
        sizes[key] = own[key] + sum(sizes[c.key] for c in index.get(key, ()))
    return sizes


def _bottom_up(structure: Structure, index: dict[str | None, list[Position]]) -> list[str]:
    """Every key, each after all of its reports (children before managers)."""
    order: list[str] = []
    stack = [p.key for p in index.get(None, ())]
    while stack:
        key = stack.pop()
        order.append(key)
        stack.extend(c.key for c in index.get(key, ()))
    return order[::-1]


def branch_counts(structure: Structure) -> dict[str, int]:
    """For each position, how many positions its branch holds (itself included)."""
    index = children_index(structure)
    counts: dict[str, int] = {}
    for key in _bottom_up(structure, index):
        counts[key] = 1 + sum(counts[c.key] for c in index.get(key, ()))
    return counts


def branches_that_fit(
    structure: Structure,
    root_key: str | None,
    *,
    max_chars: int,
    max_positions: int,
    limit: int = 6,
) -> list[tuple[Position, int]]:
    """The largest branches under `root_key` (None: the whole org) whose text fits in
    `max_chars` and `max_positions`: (top position, positions in it), largest first."""
    index = children_index(structure)
    sizes = text_sizes(structure)
    counts = branch_counts(structure)
    fitting: list[Position] = []
    stack = list(index.get(root_key, ()))
    while stack:
        position = stack.pop()
        if sizes[position.key] <= max_chars and counts[position.key] <= max_positions:
            fitting.append(position)
        else:
            stack.extend(index.get(position.key, ()))
    fitting.sort(key=lambda p: (-counts[p.key], p.line))
    return [(p, counts[p.key]) for p in fitting[:limit]]


def tree_summary(structure: Structure, *, max_chars: int) -> list[str]:
    """The chart as an indented tree cut at the deepest layer that fits in `max_chars`;
    a position whose reports are cut says how many positions are below it."""
    index = children_index(structure)
    counts = branch_counts(structure)

    def lines_to(depth: int) -> list[str]:
        lines: list[str] = []

        def walk(position: Position, prefix: str, last: bool, top: bool, level: int) -> None:
            branch = "" if top else ("└─ " if last else "├─ ")
            children = index.get(position.key, [])
            below = counts[position.key] - 1
            cut = level >= depth and children
            lines.append(
                f"{prefix}{branch}{position.label()}" + (f"  (+{below:,} below)" if cut else "")
            )
            if cut:
                return
            extension = "" if top else ("   " if last else "│  ")
            for i, child in enumerate(children):
                walk(child, prefix + extension, i == len(children) - 1, False, level + 1)

        for root in index.get(None, ()):
            walk(root, "", True, True, 1)
        return lines

    best = lines_to(1)
    depth = 2
    while True:
        lines = lines_to(depth)
        if sum(len(line) + 1 for line in lines) > max_chars or lines == best:
            return best
        best, depth = lines, depth + 1


def org_after(
    current: Structure | None, proposed: Structure, *, branch_root: str | None
) -> Structure:
    """What the whole org would be if `proposed` were approved now, for showing its shape;
    a branch that can no longer be applied shows the branch alone (never raises)."""
    if branch_root is None or current is None:
        return proposed
    try:
        return apply_proposal(current, proposed, branch_root=branch_root)
    except BranchError:
        return proposed
