"""Where each box of a chart goes: a tidy, compact tree layout. Pure geometry, no drawing.

Every subtree is laid out as a block relative to its own top-left corner, children before
parents (an explicit post-order walk, not recursion, so a chain thousands deep cannot
overflow the stack), then a second walk adds up the offsets. Three shapes of block:

- a leaf: its box;
- a manager whose reports are all leaves: the reports stacked in columns under it (up to
  `stack_rows` a column), each column hanging from a line on its left, the usual compact
  form of org charts, which keeps a team of twelve from taking twelve box widths;
- any other manager: its reports' blocks side by side under it, the manager centred over
  its first and last report (as in Reingold–Tilford), and when the row would be wider
  than `max_width` the reports wrap into several rows joined by a line down the left.

The blocks never overlap and no block is wider than `max_width` plus one `trunk` a level
of wrapping, so the picture's size follows the number of boxes, not the widest level.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]
Segment = tuple[Point, Point]


@dataclass(frozen=True, kw_only=True)
class Spacing:
    box_width: float = 184
    box_height: float = 68
    gap_x: float = 16  # between blocks side by side
    gap_y: float = 44  # between a manager and its reports
    stack_gap: float = 14  # between stacked boxes
    stack_rows: int = 8  # boxes a stacked column holds
    stack_min: int = 4  # stack when a manager has at least this many reports, all leaves
    indent: float = 20  # room for a stacked column's line
    trunk: float = 24  # room for the line that joins wrapped rows
    max_width: float = 3600


@dataclass
class Layout:
    """Top-left corner of each box, the connector segments (solid reporting lines), and
    the size of the whole drawing."""

    boxes: dict[int, Point] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    width: float = 0
    height: float = 0


@dataclass
class _Block:
    width: float
    height: float
    box: Point  # the node's own box, relative to the block
    children: list[tuple[int, Point]]  # child id, child block offset
    segments: list[Segment]


def layout(
    roots: Sequence[int], children: Mapping[int, Sequence[int]], *, spacing: Spacing = Spacing()
) -> Layout:
    """Lay out the forest under `roots`; `children[n]` lists n's reports in order.

    Args:
        roots: the top boxes, left to right.
        children: each node's children (a node missing from it has none). It must be a
            forest: a node reachable twice is laid out once, at its first place.
        spacing: box size and gaps.

    Returns:
        A `Layout` whose coordinates start at (0, 0).
    """
    # post-order without recursion: (node, expanded?) on an explicit stack
    order: list[int] = []
    seen: set[int] = set()
    kept: dict[int, list[int]] = {}
    for root in roots:
        if root in seen:
            continue
        stack = [(root, False)]
        seen.add(root)
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            stack.append((node, True))
            mine = [c for c in children.get(node, ()) if c not in seen]
            seen.update(mine)
            kept[node] = mine
            stack.extend((c, False) for c in reversed(mine))

    # 1. bottom-up: each subtree's natural width (nothing wrapped) and narrowest width
    stacked = {
        n for n in order if len(kept[n]) >= spacing.stack_min and all(not kept[k] for k in kept[n])
    }
    natural: dict[int, float] = {}
    narrowest: dict[int, float] = {}
    for node in order:
        kids = kept[node]
        if not kids:
            natural[node] = narrowest[node] = spacing.box_width
        elif node in stacked:
            columns = math.ceil(len(kids) / spacing.stack_rows)
            column = spacing.indent + spacing.box_width
            natural[node] = columns * column + (columns - 1) * spacing.gap_x
            narrowest[node] = column
        else:
            gaps = spacing.gap_x * (len(kids) - 1)
            natural[node] = max(spacing.box_width, sum(natural[k] for k in kids) + gaps)
            narrowest[node] = max(
                spacing.box_width,
                min(natural[node], spacing.trunk + max(narrowest[k] for k in kids)),
            )

    # 2. top-down: the width each subtree may take; a row too wide for its manager's
    # share is squeezed (each report's subtree narrower, wrapping inside) while that
    # can fit, so the upper levels stay side by side; otherwise the reports wrap
    top = [r for r in dict.fromkeys(roots) if r in natural]
    budget: dict[int, float] = {}
    _share(top, spacing.max_width, natural, narrowest, budget, spacing)
    for node in reversed(order):
        kids = kept[node]
        if node in stacked:
            budget.update((k, natural[k]) for k in kids)
        elif kids:
            _share(kids, budget[node], natural, narrowest, budget, spacing)

    # 3. bottom-up: the blocks
    blocks: dict[int, _Block] = {}
    for node in order:
        blocks[node] = _block(node in stacked, kept[node], blocks, budget[node], spacing)

    # the roots side by side, wrapped like any row
    result = Layout()
    rows = _rows([blocks[r].width for r in top], spacing.max_width, spacing.gap_x)
    y = 0.0
    for row in rows:
        x = 0.0
        height = 0.0
        for index in row:
            root = top[index]
            _place(root, (x, y), blocks, result)
            x += blocks[root].width + spacing.gap_x
            height = max(height, blocks[root].height)
        result.width = max(result.width, x - spacing.gap_x)
        y += height + spacing.gap_y
    result.height = max(0.0, y - spacing.gap_y)
    return result


def _place(root: int, origin: Point, blocks: dict[int, _Block], result: Layout) -> None:
    todo = [(root, origin)]
    while todo:
        node, (ox, oy) = todo.pop()
        block = blocks[node]
        result.boxes[node] = (ox + block.box[0], oy + block.box[1])
        result.segments.extend(
            ((ox + a[0], oy + a[1]), (ox + b[0], oy + b[1])) for a, b in block.segments
        )
        todo.extend((child, (ox + cx, oy + cy)) for child, (cx, cy) in block.children)


def _rows(widths: Sequence[float], limit: float, gap: float) -> list[list[int]]:
    """Indexes of `widths` packed greedily into rows no wider than `limit` (a row holds at
    least one)."""
    rows: list[list[int]] = []
    current: list[int] = []
    used = 0.0
    for index, width in enumerate(widths):
        needed = width if not current else used + gap + width
        if current and needed > limit:
            rows.append(current)
            current, used = [index], width
        else:
            current.append(index)
            used = needed
    if current:
        rows.append(current)
    return rows


def _share(
    kids: list[int],
    width: float,
    natural: dict[int, float],
    narrowest: dict[int, float],
    budget: dict[int, float],
    s: Spacing,
) -> None:
    room = width - s.gap_x * (len(kids) - 1)
    wanted = sum(natural[k] for k in kids)
    least = sum(narrowest[k] for k in kids)
    if wanted <= room:
        for k in kids:
            budget[k] = natural[k]
    elif least <= room and wanted > least:
        spare = (room - least) / (wanted - least)
        for k in kids:
            budget[k] = narrowest[k] + (natural[k] - narrowest[k]) * spare
    else:
        for k in kids:
            budget[k] = max(narrowest[k], min(natural[k], width - s.trunk))


def _block(
    stacked: bool, kids: list[int], blocks: dict[int, _Block], width: float, s: Spacing
) -> _Block:
    bw, bh = s.box_width, s.box_height
    if not kids:
        return _Block(bw, bh, (0, 0), [], [])
    if stacked:
        return _stacked(kids, blocks, width, s)
    widths = [blocks[k].width for k in kids]
    rows = _rows(widths, max(width, bw) + 0.5, s.gap_x)
    if len(rows) == 1:
        return _one_row(kids, blocks, s)
    return _wrapped(kids, _rows(widths, max(width - s.trunk, bw) + 0.5, s.gap_x), blocks, s)


def _stacked(kids: list[int], blocks: dict[int, _Block], width: float, s: Spacing) -> _Block:
    bw, bh = s.box_width, s.box_height
    column_width = s.indent + max(blocks[k].width for k in kids)
    fit = max(1, int((width + s.gap_x + 0.5) // (column_width + s.gap_x)))
    columns = min(math.ceil(len(kids) / s.stack_rows), fit)
    per_column = math.ceil(len(kids) / columns)
    total = columns * column_width + (columns - 1) * s.gap_x
    width = max(bw, total)
    box = ((width - bw) / 2, 0.0)
    left = (width - total) / 2
    top = bh + s.gap_y
    bus = bh + s.gap_y / 2
    centre = box[0] + bw / 2
    placed: list[tuple[int, Point]] = []
    segments: list[Segment] = [((centre, bh), (centre, bus))]
    trunks = []
    bottom = top
    for column in range(columns):
        members = kids[column * per_column : (column + 1) * per_column]
        if not members:
            continue
        x = left + column * (column_width + s.gap_x)
        trunk = x + s.indent / 2
        trunks.append(trunk)
        y = top
        for kid in members:
            placed.append((kid, (x + s.indent, y)))
            middle = y + blocks[kid].height / 2
            segments.append(((trunk, middle), (x + s.indent, middle)))
            last_middle = middle
            y += blocks[kid].height + s.stack_gap
        segments.append(((trunk, bus), (trunk, last_middle)))
        bottom = max(bottom, y - s.stack_gap)
    segments.append(((min([*trunks, centre]), bus), (max([*trunks, centre]), bus)))
    return _Block(width, bottom, box, placed, segments)


def _one_row(kids: list[int], blocks: dict[int, _Block], s: Spacing) -> _Block:
    bw, bh = s.box_width, s.box_height
    top = bh + s.gap_y
    bus = bh + s.gap_y / 2
    offsets = []
    x = 0.0
    for kid in kids:
        offsets.append(x)
        x += blocks[kid].width + s.gap_x
    row_width = x - s.gap_x
    centres = [offsets[i] + blocks[k].box[0] + bw / 2 for i, k in enumerate(kids)]
    middle = (centres[0] + centres[-1]) / 2
    # the manager centred over its first and last report; shift so nothing is left of 0
    shift = max(0.0, bw / 2 - middle)
    box_x = middle + shift - bw / 2
    width = max(row_width + shift, box_x + bw)
    placed = [(k, (offsets[i] + shift, top)) for i, k in enumerate(kids)]
    centre = box_x + bw / 2
    segments: list[Segment] = [((centre, bh), (centre, bus))]
    segments.append(((centres[0] + shift, bus), (centres[-1] + shift, bus)))
    for c in centres:
        segments.append(((c + shift, bus), (c + shift, top)))
    height = top + max(blocks[k].height for k in kids)
    return _Block(width, height, (box_x, 0.0), placed, segments)


def _wrapped(
    kids: list[int], rows: list[list[int]], blocks: dict[int, _Block], s: Spacing
) -> _Block:
    bw, bh = s.box_width, s.box_height
    spine = s.trunk / 2
    placed: list[tuple[int, Point]] = []
    segments: list[Segment] = []
    y = bh + s.gap_y
    width = bw
    last_bus = y
    for row in rows:
        x = s.trunk
        bus = y - s.gap_y / 2
        right = spine
        for index in row:
            kid = kids[index]
            block = blocks[kid]
            placed.append((kid, (x, y)))
            centre = x + block.box[0] + bw / 2
            segments.append(((centre, bus), (centre, y)))
            right = centre
            x += block.width + s.gap_x
        segments.append(((spine, bus), (right, bus)))
        width = max(width, x - s.gap_x)
        last_bus = bus
        y += max(blocks[kids[i]].height for i in row) + s.gap_y
    segments.append(((spine, bh), (spine, last_bus)))
    return _Block(width, y - s.gap_y, (0.0, 0.0), placed, segments)
