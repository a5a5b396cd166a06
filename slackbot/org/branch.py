"""Branches: a part of the org (a position and everything below it) that a proposal edits,
and what approving such a proposal makes of the whole org. Pure; no Slack, no database.

Identity of a position is its key (`structure.position_key`: the catalog role id, or the
normalized title), and keys are unique in the whole org, branches included: a branch
proposal cannot bring in a position that already sits outside the branch (it would be
two boxes with one name), and says so, naming a branch that holds both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from slackbot.org.structure import Change, Position, Structure, diff


class BranchError(ValueError):
    """A branch proposal that cannot be applied to this org; `str(error)` says why."""


def children_index(structure: Structure) -> dict[str | None, list[Position]]:
    """Positions by the key of their manager (None: top positions), in the order written."""
    index: dict[str | None, list[Position]] = {}
    for position in structure.positions:
        index.setdefault(position.reports_to, []).append(position)
    return index


def branch_keys(structure: Structure, root_key: str) -> set[str]:
    """The keys of `root_key` and every position below it (solid lines only)."""
    if root_key not in {p.key for p in structure.positions}:
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
    by_key = structure.by_key
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
    words for the author (empty: it can be applied)."""
    by_key = current.by_key
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
    for position in current.positions:
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
    rest of the org is kept as it is, the branch's top position keeps the manager the
    branch root had, positions keep their order (the branch where its root was), and
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
    by_key = current.by_key
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
    return Structure(tuple(replace(p, line=i) for i, p in enumerate(positions, start=1)))


def branch_changes(
    current: Structure, proposed: Structure, *, branch_root: str | None
) -> list[Change]:
    """What `proposed` changes (`structure.diff`): against the whole org, or, for a branch
    proposal, against that branch only (the rest of the org is not part of it). A branch
    root that is no longer in the org compares with nothing (everything is added)."""
    if branch_root is None:
        return diff(current, proposed)
    if branch_root not in current.by_key:
        return diff(Structure(), proposed)
    return diff(branch_of(current, branch_root), proposed)


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
