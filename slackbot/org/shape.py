"""Spans and layers of an org structure, what a change does to them, and the workspace's
guardrails. Pure; no Slack, no database.

- **Layers**: how deep the hierarchy is; a structure with only a CEO has 1 layer.
- **Span of control**: the seats reporting directly to a manager (open roles included),
  so `Operations Manager x3 reports to Operations Director` gives the director a span of 3.
- **Bands**: managers counted by span, in Orgvue's bands 1, 2–3, 4–7, 8–12, 13–16, 17+.
- **Headcount under a manager**: every seat below it, all levels down, open roles included.

Built in one pass over an index of the structure (no recursion), so a 10,000-position org,
even a 10,000-deep chain, takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slackbot.org.structure import Structure

# (lowest span, highest span or None for no end, label)
BANDS: tuple[tuple[int, int | None, str], ...] = (
    (1, 1, "1"),
    (2, 3, "2–3"),
    (4, 7, "4–7"),
    (8, 12, "8–12"),
    (13, 16, "13–16"),
    (17, None, "17+"),
)
MAX_SPAN_LINES = 5
MAX_FLAG_LINES = 5


def band_of(span: int) -> str:
    """The label of the band a span falls in (`band_of(5) == "4–7"`); spans start at 1."""
    for low, high, label in BANDS:
        if span >= low and (high is None or span <= high):
            return label
    raise ValueError(f"a span is at least 1, not {span}")


@dataclass(frozen=True)
class ManagerSpan:
    """One manager: a position with at least one seat reporting to it."""

    key: str
    title: str
    span: int  # seats reporting directly (open roles included)
    reports: int  # positions reporting directly
    under: int  # seats below it, all levels down (open roles included)
    layer: int  # 1 = a top position


@dataclass(frozen=True)
class Shape:
    """Spans and layers of one structure. `managers` are in the structure's order."""

    layers: int = 0
    positions: int = 0
    headcount: int = 0
    managers: tuple[ManagerSpan, ...] = ()
    keys: frozenset[str] = field(default=frozenset(), repr=False)  # every position

    @property
    def bands(self) -> tuple[tuple[str, int], ...]:
        """How many managers fall in each band, every band listed (zero included)."""
        counts = dict.fromkeys((label for _, _, label in BANDS), 0)
        for manager in self.managers:
            counts[band_of(manager.span)] += 1
        return tuple(counts.items())

    @property
    def single_report(self) -> tuple[ManagerSpan, ...]:
        """Managers with one seat reporting to them."""
        return tuple(m for m in self.managers if m.span == 1)

    @property
    def widest(self) -> ManagerSpan | None:
        """The manager with the widest span (the first written, on a tie)."""
        return max(self.managers, key=lambda m: m.span, default=None)

    @property
    def narrowest(self) -> ManagerSpan | None:
        """The manager with the narrowest span (the first written, on a tie)."""
        return min(self.managers, key=lambda m: m.span, default=None)

    def span_of(self, key: str) -> int:
        """The span of the position `key` (0 when nobody reports to it, or it is absent)."""
        return self._spans.get(key, 0)

    @property
    def _spans(self) -> dict[str, int]:
        cached = self.__dict__.get("_span_index")
        if cached is None:
            cached = {m.key: m.span for m in self.managers}
            object.__setattr__(self, "_span_index", cached)
        return cached


def shape(structure: Structure) -> Shape:
    """Spans and layers of `structure`, in time linear in its size.

    A position whose manager is not in the structure counts as a top position. Positions in
    a reporting loop (which validation refuses) are reached from no top position: they
    count in spans but not in layers.
    """
    positions = structure.positions
    if not positions:
        return Shape()
    by_key = {p.key: p for p in positions}
    children: dict[str, list[str]] = {}
    seats: dict[str, int] = {}
    reports: dict[str, int] = {}
    tops: list[str] = []
    for p in positions:
        manager = p.reports_to
        if manager is None or manager not in by_key or manager == p.key:
            tops.append(p.key)
            continue
        children.setdefault(manager, []).append(p.key)
        seats[manager] = seats.get(manager, 0) + p.headcount
        reports[manager] = reports.get(manager, 0) + 1

    # breadth first from the top positions: each position's layer, and an order in which
    # every manager comes before its reports
    layer = dict.fromkeys(tops, 1)
    order = list(tops)
    i = 0
    while i < len(order):
        key = order[i]
        i += 1
        below = layer[key] + 1
        for child in children.get(key, ()):
            if child not in layer:
                layer[child] = below
                order.append(child)

    # seats under each manager: reports before managers, so walk the order backwards
    under = dict.fromkeys(by_key, 0)
    for key in reversed(order):
        manager = by_key[key].reports_to
        if key not in tops and manager is not None:
            under[manager] += under[key] + by_key[key].headcount
    for key, total in seats.items():  # in a loop: at least the direct reports
        if key not in layer:
            under[key] = max(under[key], total)

    managers = tuple(
        ManagerSpan(
            key=p.key,
            title=p.title,
            span=seats[p.key],
            reports=reports[p.key],
            under=under[p.key],
            layer=layer.get(p.key, 0),
        )
        for p in by_key.values()
        if seats.get(p.key)
    )
    return Shape(
        layers=max(layer.values(), default=0),
        positions=len(by_key),
        headcount=sum(p.headcount for p in by_key.values()),
        managers=managers,
        keys=frozenset(by_key),
    )


def shape_effects(before: Shape, after: Shape, *, max_spans: int = MAX_SPAN_LINES) -> list[str]:
    """What going from `before` to `after` does, as short lines a reviewer reads:
    `Layers 6 → 5`, `Managers with one report 2 → 0`, `Span of COO 3 → 7`. Only what
    changed; spans of positions that are in both and manage in either, biggest changes
    first, at most `max_spans` of them and then `and N more span changes`. Titles are as
    written (escape them for mrkdwn)."""
    lines: list[str] = []
    if before.layers != after.layers:
        lines.append(f"Layers {before.layers} → {after.layers}")
    if len(before.single_report) != len(after.single_report):
        lines.append(
            f"Managers with one report {len(before.single_report)} → {len(after.single_report)}"
        )
    old = {m.key: m for m in before.managers}
    new = {m.key: m for m in after.managers}
    changed: list[tuple[int, int, str]] = []  # (size, order, line)
    for order, m in enumerate(after.managers):
        if m.key not in before.keys:
            changed.append((m.span, order, f"Span of {m.title} {m.span} (new)"))
        elif (was := old[m.key].span if m.key in old else 0) != m.span:
            changed.append((abs(m.span - was), order, f"Span of {m.title} {was} → {m.span}"))
    for order, m in enumerate(before.managers, start=len(after.managers)):
        if m.key not in new and m.key in after.keys:  # kept, but manages nobody now
            changed.append((m.span, order, f"Span of {m.title} {m.span} → 0"))
    changed.sort(key=lambda c: (-c[0], c[1]))
    lines.extend(line for _, _, line in changed[:max_spans])
    if len(changed) > max_spans:
        more = len(changed) - max_spans
        lines.append(f"and {more} more span change{'' if more == 1 else 's'}")
    return lines


@dataclass(frozen=True)
class Guardrails:
    """A workspace's limits on its org's shape (None: no limit). A proposal outside them is
    not refused; its card and DMs say so."""

    max_layers: int | None = None
    span_min: int | None = None
    span_max: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.max_layers, self.span_min, self.span_max))

    def describe(self) -> str:
        parts = []
        if self.max_layers is not None:
            parts.append(f"at most {self.max_layers} layers")
        if self.span_min is not None and self.span_max is not None:
            parts.append(f"spans from {self.span_min} to {self.span_max}")
        elif self.span_min is not None:
            parts.append(f"spans of at least {self.span_min}")
        elif self.span_max is not None:
            parts.append(f"spans of at most {self.span_max}")
        return ", ".join(parts) or "none"


def guardrail_flags(
    org: Shape, guardrails: Guardrails, *, max_lines: int = MAX_FLAG_LINES
) -> list[str]:
    """Where `org` is outside `guardrails`, one line each: `7 layers; the workspace's
    maximum is 6`, `Span of COO is 14, above 12`, `Span of CFO is 1, below 2`; the widest
    and narrowest spans first, at most `max_lines` span lines then `and N more managers
    outside the span range`. Titles as written (escape them for mrkdwn)."""
    flags: list[str] = []
    if guardrails.max_layers is not None and org.layers > guardrails.max_layers:
        flags.append(f"{org.layers} layers; the workspace's maximum is {guardrails.max_layers}")
    outside: list[tuple[int, int, str]] = []
    for order, m in enumerate(org.managers):
        if guardrails.span_max is not None and m.span > guardrails.span_max:
            outside.append(
                (
                    m.span - guardrails.span_max,
                    order,
                    f"Span of {m.title} is {m.span}, above {guardrails.span_max}",
                )
            )
        elif guardrails.span_min is not None and m.span < guardrails.span_min:
            outside.append(
                (
                    guardrails.span_min - m.span,
                    order,
                    f"Span of {m.title} is {m.span}, below {guardrails.span_min}",
                )
            )
    outside.sort(key=lambda o: (-o[0], o[1]))
    flags.extend(line for _, _, line in outside[:max_lines])
    if len(outside) > max_lines:
        more = len(outside) - max_lines
        flags.append(f"and {more} more manager{'' if more == 1 else 's'} outside the span range")
    return flags


def describe_bands(org: Shape) -> str:
    """`1: 2 · 2–3: 1 · 4–7: 1 · 8–12: 0 · 13–16: 0 · 17+: 0` (managers in each band)."""
    return " · ".join(f"{label}: {n}" for label, n in org.bands)
