"""What a change does, as the few numbers a stage condition looks at. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slackbot.org.structure import Position, Structure
from slackbot.policies.model import (
    ADDS_LAYER,
    ADDS_OPEN_ROLES,
    ADDS_POSITIONS,
    EFFECTIVE_WITHIN,
    TOUCHES_BRANCH,
    Condition,
)


@dataclass(frozen=True)
class ChangeFacts:
    seats_added: int = 0  # seats (headcount) the change adds, new positions and growth
    touched: frozenset[str] = frozenset()  # keys of positions added, removed or changed
    # keys under each touched position's ancestors, before and after: for branch checks
    ancestors: tuple[tuple[str, frozenset[str]], ...] = ()
    layers_before: int = 0
    layers_after: int = 0
    open_added: int = 0  # vacant seats added
    effective: date | None = None  # None: on approval
    today: date | None = None

    def ancestors_of(self, key: str) -> frozenset[str]:
        return dict(self.ancestors).get(key, frozenset())


def _signature(p: Position) -> tuple:
    return (
        p.title,
        p.headcount,
        p.reports_to,
        getattr(p, "holders", ()),
        getattr(p, "vacancies", 0),
        getattr(p, "status", ""),
        getattr(p, "dotted", ()),
    )


def _ancestors_of(structure: Structure, key: str) -> frozenset[str]:
    """The managers above `key`, up to the top (a loop or a missing manager ends it)."""
    by_key = structure.by_key
    seen: set[str] = set()
    up = by_key[key].reports_to if key in by_key else None
    while up is not None and up in by_key and up not in seen and up != key:
        seen.add(up)
        up = by_key[up].reports_to
    return frozenset(seen)


def _layers(structure: Structure) -> int:
    """The depth of the deepest position (1: top positions only), each position's depth
    worked out once from its manager's: linear in the size of the org (a position whose
    manager is missing counts as a top position; a loop ends the walk)."""
    by_key = structure.by_key
    depth: dict[str, int] = {}
    for position in structure.positions:
        path: list[str] = []
        on_path: set[str] = set()
        key: str | None = position.key
        while key is not None and key in by_key and key not in depth and key not in on_path:
            path.append(key)
            on_path.add(key)
            key = by_key[key].reports_to
        base = depth.get(key, 0) if key is not None else 0
        for k in reversed(path):
            base += 1
            depth[k] = base
    return max(depth.values(), default=0)


def _vacant(p: Position) -> int:
    return int(getattr(p, "vacancies", 0))


def change_facts(
    before: Structure, after: Structure, *, effective: date | None = None, today: date | None = None
) -> ChangeFacts:
    """The facts a stage condition reads, for the change from `before` (the current org)
    to `after` (the proposal)."""
    old, new = before.by_key, after.by_key
    touched = {k for k in new if k not in old or _signature(old[k]) != _signature(new[k])}
    touched |= {k for k in old if k not in new}
    seats = sum(
        max(0, p.headcount - (old[p.key].headcount if p.key in old else 0)) for p in after.positions
    )
    open_added = sum(
        max(0, _vacant(p) - (_vacant(old[p.key]) if p.key in old else 0)) for p in after.positions
    )
    # only the touched positions' managers: walking all of a 10,000-position org for each
    # proposal load cost about 75 ms
    ancestors = tuple(
        sorted((k, _ancestors_of(before, k) | _ancestors_of(after, k)) for k in touched)
    )
    return ChangeFacts(
        seats_added=seats,
        touched=frozenset(touched),
        ancestors=ancestors,
        layers_before=_layers(before),
        layers_after=_layers(after),
        open_added=open_added,
        effective=effective,
        today=today,
    )


def holds(
    condition: Condition, facts: ChangeFacts, *, branch_key: str | None = None
) -> tuple[bool, str]:
    """Whether `condition` holds for the change, and why, in words for the card.

    Args:
        branch_key: the condition's position resolved to a key (the caller maps a title
            to its key); default: `condition.key` as written.
    """
    kind = condition.kind
    if kind == ADDS_POSITIONS:
        n = facts.seats_added
        words = f"adds {n} position{'s' if n != 1 else ''}"
        return (
            n > condition.n,
            words if n > condition.n else f"{words}, not more than {condition.n}",
        )
    if kind == TOUCHES_BRANCH:
        key = branch_key or condition.key
        hit = sorted(k for k in facts.touched if k == key or key in facts.ancestors_of(k))
        if hit:
            return True, f"touches {condition.key}'s branch"
        return False, f"does not touch {condition.key} or anything under it"
    if kind == ADDS_LAYER:
        ok = facts.layers_after > facts.layers_before
        return ok, (
            f"layers {facts.layers_before} → {facts.layers_after}"
            if ok
            else f"adds no layer ({facts.layers_after} layers)"
        )
    if kind == ADDS_OPEN_ROLES:
        ok = facts.open_added > condition.n
        return ok, (
            f"adds {facts.open_added} open role{'s' if facts.open_added != 1 else ''}"
            if ok or facts.open_added
            else "adds no open roles"
        )
    if kind == EFFECTIVE_WITHIN:
        if facts.effective is None or facts.today is None:
            return True, "takes effect on approval"
        days = (facts.effective - facts.today).days
        ok = days <= condition.n
        return ok, (
            f"takes effect in {max(days, 0)} days (within {condition.n})"
            if ok
            else f"takes effect in {days} days, not within {condition.n}"
        )
    return False, f"unknown condition {kind}"


def branch_change_facts(
    before: Structure,
    proposed: Structure,
    *,
    branch_root: str,
    effective: date | None = None,
    today: date | None = None,
) -> ChangeFacts:
    """`change_facts(before, apply_proposal(before, proposed, branch_root=…))` for a
    proposal that replaces one branch, worked out from the branch alone: a change to a
    60-position branch of a 10,000-position org costs the branch, not the org. Only the
    whole org's layers need the rest of it (one pass, no sets)."""
    from slackbot.org.branch import branch_keys, branch_of, path_to_top

    if branch_root not in before.by_key:  # the proposal shows as the branch alone then
        return change_facts(before, proposed, effective=effective, today=today)
    inner = change_facts(branch_of(before, branch_root), proposed, effective=effective, today=today)
    above = frozenset(path_to_top(before, branch_root)[1:])  # the root's managers
    inside = branch_keys(before, branch_root)
    depth = _depths(before)
    outside = max((d for k, d in depth.items() if k not in inside), default=0)
    return ChangeFacts(
        seats_added=inner.seats_added,
        touched=inner.touched,
        ancestors=tuple((k, a | above) for k, a in inner.ancestors),
        layers_before=max(depth.values(), default=0),
        layers_after=max(outside, len(above) + inner.layers_after),
        open_added=inner.open_added,
        effective=effective,
        today=today,
    )


def _depths(structure: Structure) -> dict[str, int]:
    """Each position's layer (1: a top position), top down in one pass; once per structure
    (structures never change; an org version's is shared between readers)."""
    cached = structure.__dict__.get("_facts_depths")
    if cached is not None:
        return cached
    depth: dict[str, int] = {}
    level = [p for p in structure.positions if p.reports_to is None]
    n = 1
    while level:
        following = []
        for p in level:
            if p.key not in depth:
                depth[p.key] = n
                following.extend(structure.children(p.key))
        level, n = following, n + 1
    structure.__dict__["_facts_depths"] = depth
    return depth
