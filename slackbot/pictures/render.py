"""Drawing a laid-out chart as PNG (Pillow) or SVG (text). Both share one scene: the boxes,
texts and lines with their coordinates, so the two outputs show the same picture.

Text is measured with the bundled DejaVu Sans Condensed (Bitstream Vera licence, see
fonts/LICENSE), which covers Latin, Greek, Cyrillic, Arabic, Hebrew and many symbols;
a character it lacks (CJK, emoji) draws as a box, never an error. Should the font file be
missing, Pillow's own default font stands in.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from slackbot.pictures.chart import (
    ADDED,
    CHANGED,
    MARK_LEGEND,
    MARK_TAGS,
    MARKS,
    MOVED,
    REMOVED,
    Box,
    Chart,
)
from slackbot.pictures.layout import Layout, Spacing, layout

MAX_WIDTH = 4000  # px: Slack shows a larger picture scaled down anyway
MAX_HEIGHT = 6000
MARGIN = 24
PAD = 10
SPACING = Spacing()
COMPACT_HEIGHT = 40  # a chart with nothing but titles
STACK_PAIRS_FROM = 40  # boxes

INK = "#1d1c1d"
SOFT = "#4a5058"
FAINT = "#6b7280"
LINE = "#9aa3ad"
BORDER = "#5f6b7a"
PAPER = "#ffffff"
VACANT_FILL = "#f5f6f8"
FOLD_FILL = "#eef1f4"
BADGE_FILL = "#e3e8ee"
DOTTED = "#7b4bb7"
MARK_COLOURS = {ADDED: "#1a7f37", MOVED: "#0b5cad", REMOVED: "#b42318", CHANGED: "#9a6700"}
MARK_FILLS = {ADDED: "#eaf6ec", MOVED: "#e8f1fb", REMOVED: "#fdeceb", CHANGED: "#fdf5e2"}

FONT_FILES = {False: "DejaVuSansCondensed.ttf", True: "DejaVuSansCondensed-Bold.ttf"}


@lru_cache(maxsize=32)
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The bundled font at `size` px; Pillow's default font if it cannot be read."""
    try:
        path = resources.files("slackbot.pictures") / "fonts" / FONT_FILES[bold]
        with resources.as_file(path) as real:
            return ImageFont.truetype(str(real), size)
    except OSError:
        return ImageFont.load_default(size)


def text_width(text: str, size: int, *, bold: bool = False) -> float:
    return _width(text, size, bold)


@lru_cache(maxsize=8192)
def _width(text: str, size: int, bold: bool) -> float:
    return float(font(size, bold=bold).getlength(text))


def fit(text: str, width: float, size: int, *, bold: bool = False) -> str:
    """`text`, cut with an ellipsis so it is at most `width` px wide."""
    if _width(text, size, bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + "…", size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…" if low else "…"


# ---- the scene: shapes with coordinates, drawn by either back end ----


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    width: float = 1
    dashed: bool = False
    radius: float = 0


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 2
    dashed: bool = False


@dataclass(frozen=True)
class Text:
    x: float  # left end of the baseline
    y: float
    text: str
    size: int
    colour: str
    bold: bool = False
    strike: bool = False


@dataclass
class Scene:
    width: float
    height: float
    shapes: list[Rect | Line | Text] = field(default_factory=list)


HEADER = 26
LEGEND = 24


def scene(chart: Chart, *, title: str | None = None) -> Scene:
    """Lay out `chart` and turn it into shapes."""
    compact = not any(b.people or b.status or b.note for b in chart.boxes.values())
    spacing = replace(SPACING, box_height=COMPACT_HEIGHT) if compact else SPACING
    if len(chart.boxes) > STACK_PAIRS_FROM:
        spacing = replace(spacing, stack_min=2)  # a large chart stacks even two reports
    placed = layout(chart.roots, chart.children, spacing=spacing)
    header = _header_lines(chart, title)
    legend = _legend(chart)
    top = MARGIN + HEADER * len(header) + (LEGEND if legend else 0) + 16
    header_width = max([text_width(t, size, bold=bold) for t, size, bold in header] + [0])
    legend_width = sum(item[0] for item in legend)
    width = max(placed.width, header_width, legend_width) + 2 * MARGIN
    height = top + placed.height + MARGIN
    result = Scene(width, height, [Rect(0, 0, width, height, PAPER)])
    shapes = result.shapes
    y = MARGIN + 16
    for line, size, bold in header:
        shapes.append(Text(MARGIN, y, line, size, INK if bold else SOFT, bold=bold))
        y += HEADER
    x = MARGIN
    for item_width, items in legend:
        shapes.extend(item.moved(x, y - 12) for item in items)
        x += item_width
    _draw_lines(chart, placed, MARGIN, top, shapes, spacing)
    for box_id, (bx, by) in placed.boxes.items():
        _draw_box(chart.boxes[box_id], MARGIN + bx, top + by, shapes, spacing)
    return result


def _header_lines(chart: Chart, title: str | None) -> list[tuple[str, int, bool]]:
    """The lines above the chart: (text, size, bold)."""
    lines = [(fit(title, MAX_WIDTH - 2 * MARGIN, 16, bold=True), 16, True)] if title else []
    seats = f"{chart.seats} seat{'s' if chart.seats != 1 else ''}"
    summary = f"{chart.positions} position{'s' if chart.positions != 1 else ''} · {seats}"
    if chart.vacant_seats:
        summary += f" · {chart.vacant_seats} vacant"
    if chart.hidden:
        summary += f" · {chart.hidden} folded away to stay legible"
    lines.append((summary, 13, False))
    return lines


@dataclass(frozen=True)
class _Item:
    """A legend shape relative to its legend entry."""

    shape: Rect | Line | Text

    def moved(self, x: float, y: float) -> Rect | Line | Text:
        s = self.shape
        if isinstance(s, Rect):
            return Rect(s.x + x, s.y + y, s.w, s.h, s.fill, s.stroke, s.width, s.dashed, s.radius)
        if isinstance(s, Line):
            return Line(s.x1 + x, s.y1 + y, s.x2 + x, s.y2 + y, s.colour, s.width, s.dashed)
        return Text(s.x + x, s.y + y, s.text, s.size, s.colour, s.bold, s.strike)


def _legend(chart: Chart) -> list[tuple[float, list[_Item]]]:
    entries: list[tuple[float, list[_Item]]] = []

    def words(x: float, text: str) -> tuple[float, _Item]:
        return x + text_width(text, 12) + 22, _Item(Text(x, 12, text, 12, SOFT))

    if chart.compared:
        for mark in MARKS:
            tag = MARK_TAGS[mark]
            tag_width = text_width(tag, 11, bold=True) + 12
            pill = _Item(Rect(0, 0, tag_width, 17, MARK_COLOURS[mark], radius=8))
            label = _Item(Text(6, 12.5, tag, 11, PAPER, bold=True))
            end, legend_text = words(
                tag_width + 6, f"{chart.counts.get(mark, 0)} {MARK_LEGEND[mark]}"
            )
            entries.append((end, [pill, label, legend_text]))
    line = _Item(Line(0, 8, 26, 8, LINE))
    end, text = words(32, "reports to")
    entries.append((end, [line, text]))
    if chart.dotted:
        dotted = _Item(Line(0, 8, 26, 8, DOTTED, dashed=True))
        end, text = words(32, "dotted line")
        entries.append((end, [dotted, text]))
    if any(b.vacant for b in chart.boxes.values()):
        sample = _Item(Rect(0, 0, 26, 16, VACANT_FILL, BORDER, 1.5, dashed=True))
        end, text = words(32, "open role or hire")
        entries.append((end, [sample, text]))
    return entries


def _draw_lines(
    chart: Chart, placed: Layout, ox: float, oy: float, shapes: list, spacing: Spacing
) -> None:
    for (x1, y1), (x2, y2) in placed.segments:
        shapes.append(Line(ox + x1, oy + y1, ox + x2, oy + y2, LINE))
    bw, bh = spacing.box_width, spacing.box_height
    for manager, report in chart.dotted:
        if manager not in placed.boxes or report not in placed.boxes:
            continue
        mx, my = placed.boxes[manager]
        rx, ry = placed.boxes[report]
        # from the manager's side to the report's side, whichever faces the other
        if abs(ry - my) < bh:
            start = (mx + (bw if rx > mx else 0), my + bh / 2)
            end = (rx + (0 if rx > mx else bw), ry + bh / 2)
        elif ry > my:
            start, end = (mx + bw * 0.75, my + bh), (rx + bw * 0.75, ry)
        else:
            start, end = (mx + bw * 0.75, my), (rx + bw * 0.75, ry + bh)
        shapes.append(
            Line(ox + start[0], oy + start[1], ox + end[0], oy + end[1], DOTTED, dashed=True)
        )


def _draw_box(box: Box, x: float, y: float, shapes: list, spacing: Spacing) -> None:
    bw, bh = spacing.box_width, spacing.box_height
    compact = bh == COMPACT_HEIGHT
    inner = bw - 2 * PAD
    if box.fold:
        shapes.append(Rect(x, y, bw, bh, FOLD_FILL, LINE, 1.5, dashed=True, radius=0))
        title = fit(box.title, inner, 13, bold=True)
        left = x + (bw - text_width(title, 13, bold=True)) / 2
        shapes.append(Text(left, y + (25 if compact else 30), title, 13, INK, True))
        if box.note:
            note = fit(box.note, inner, 11)
            shapes.append(Text(x + (bw - text_width(note, 11)) / 2, y + 48, note, 11, SOFT))
        return
    colour = MARK_COLOURS.get(box.mark or "")
    fill = MARK_FILLS.get(box.mark or "", VACANT_FILL if box.vacant else PAPER)
    dashed = box.vacant or box.mark == REMOVED
    shapes.append(
        Rect(
            x,
            y,
            bw,
            bh,
            fill,
            colour or BORDER,
            3 if colour else 1.5,
            dashed=dashed,
            radius=0 if dashed else 6,
        )
    )
    title_room = inner
    if box.headcount > 1:
        badge = f"×{box.headcount}"
        badge_width = text_width(badge, 11, bold=True) + 10
        top = y + (11 if compact else 8)
        left = x + bw - PAD - badge_width + 4
        shapes.append(Rect(left, top, badge_width, 17, BADGE_FILL, radius=8))
        shapes.append(Text(left + 5, top + 12.5, badge, 11, INK, bold=True))
        title_room -= badge_width + 2
    title = fit(box.title, title_room, 13, bold=True)
    removed = box.mark == REMOVED
    baseline = y + (25 if compact else 23)
    shapes.append(Text(x + PAD, baseline, title, 13, INK, bold=True, strike=removed))
    if box.people:
        shapes.append(Text(x + PAD, y + 41, fit(box.people, inner, 12), 12, SOFT))
    bottom = y + 58
    left = x + PAD
    if box.status:
        status_width = min(text_width(box.status, 11, bold=True) + 10, inner)
        shapes.append(Rect(left, bottom - 12, status_width, 16, PAPER, BORDER, 1, radius=3))
        shapes.append(
            Text(left + 5, bottom, fit(box.status, inner - 10, 11, bold=True), 11, INK, bold=True)
        )
        left += status_width + 6
    if box.note and left < x + bw - PAD - 12:
        shapes.append(Text(left, bottom, fit(box.note, x + bw - PAD - left, 11), 11, FAINT))
    if box.mark:
        tag = MARK_TAGS[box.mark]
        tag_width = text_width(tag, 11, bold=True) + 12
        shapes.append(Rect(x + 8, y - 11, tag_width, 16, colour or INK, radius=8))
        shapes.append(Text(x + 14, y + 1, tag, 11, PAPER, bold=True))


# ---- PNG ----


def to_png(picture: Scene) -> bytes:
    width, height = math.ceil(picture.width), math.ceil(picture.height)
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    for shape in picture.shapes:
        if isinstance(shape, Rect):
            _png_rect(draw, shape)
        elif isinstance(shape, Line):
            _png_line(draw, shape)
        else:
            draw.text(
                (shape.x, shape.y),
                shape.text,
                fill=shape.colour,
                font=font(shape.size, bold=shape.bold),
                anchor="ls",
            )
            if shape.strike:
                length = text_width(shape.text, shape.size, bold=shape.bold)
                middle = shape.y - shape.size * 0.35
                draw.line((shape.x, middle, shape.x + length, middle), fill=shape.colour, width=2)
    scale = min(1.0, MAX_WIDTH / width, MAX_HEIGHT / height)
    if scale < 1.0:
        image = image.resize(
            (max(1, int(width * scale)), max(1, int(height * scale))), Image.Resampling.LANCZOS
        )
    out = io.BytesIO()
    _to_palette(image).save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return value >> 16, value >> 8 & 255, value & 255


def _mix(a: tuple[int, ...], b: tuple[int, ...], t: float) -> tuple[int, ...]:
    return tuple(round(x * (1 - t) + y * t) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=1)
def _palette() -> tuple[Image.Image, tuple[tuple[int, ...], ...]]:
    """The chart's colours and the anti-aliasing ramps between them (text and lines on
    each fill), as a 256-colour palette; and the flat colours alone."""
    inks = [INK, SOFT, FAINT, LINE, BORDER, DOTTED, *MARK_COLOURS.values()]
    fills = [PAPER, VACANT_FILL, FOLD_FILL, BADGE_FILL, *MARK_FILLS.values()]
    flat = tuple(dict.fromkeys(_rgb(c) for c in inks + fills))
    colours = list(flat)
    for ink in inks:
        colours += [_mix(_rgb(ink), _rgb(PAPER), k / 10) for k in range(1, 10)]
    for ink in (INK, SOFT):
        for fill in fills[1:]:
            colours += [_mix(_rgb(ink), _rgb(fill), k / 6) for k in range(1, 6)]
    for tag in MARK_COLOURS.values():  # white words on the tags
        colours += [_mix(_rgb(PAPER), _rgb(tag), k / 6) for k in range(1, 6)]
    colours = list(dict.fromkeys(colours))[:256]
    colours += [colours[0]] * (256 - len(colours))
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for c in colours for v in c])
    return palette, flat


def _to_palette(image: Image.Image) -> Image.Image:
    """`image` in 256 colours: encoded ~5x faster and half the size of RGB, and the
    picture looks the same (it only ever holds the chart's colours and their blends).
    Pillow matches colours through a coarse cache, so a flat colour can come out a shade
    off (white as #fbfcfc); each palette entry that close to a flat colour is set back to
    it exactly."""
    palette, flat = _palette()
    reduced = image.quantize(palette=palette, dither=Image.Dither.NONE)
    entries = reduced.getpalette() or []
    snapped: list[int] = []
    for i in range(0, len(entries), 3):
        entry = tuple(entries[i : i + 3])
        near = min(flat, key=lambda c: sum((x - y) ** 2 for x, y in zip(entry, c, strict=True)))
        distance = sum((x - y) ** 2 for x, y in zip(entry, near, strict=True))
        snapped.extend(near if distance <= 48 else entry)
    reduced.putpalette(snapped)
    return reduced


def _png_rect(draw: ImageDraw.ImageDraw, r: Rect) -> None:
    box = (r.x, r.y, r.x + r.w, r.y + r.h)
    width = round(r.width) if r.stroke else 0
    if r.dashed:
        draw.rectangle(box, fill=r.fill)
        if r.stroke:
            for a, b in (
                ((r.x, r.y), (r.x + r.w, r.y)),
                ((r.x + r.w, r.y), (r.x + r.w, r.y + r.h)),
                ((r.x + r.w, r.y + r.h), (r.x, r.y + r.h)),
                ((r.x, r.y + r.h), (r.x, r.y)),
            ):
                _dashes(draw, a, b, r.stroke, width)
        return
    if r.radius:
        draw.rounded_rectangle(box, radius=r.radius, fill=r.fill, outline=r.stroke, width=width)
    else:
        draw.rectangle(box, fill=r.fill, outline=r.stroke, width=width)


def _png_line(draw: ImageDraw.ImageDraw, line: Line) -> None:
    a, b = (line.x1, line.y1), (line.x2, line.y2)
    if line.dashed:
        _dashes(draw, a, b, line.colour, round(line.width))
    else:
        draw.line((a, b), fill=line.colour, width=round(line.width))


def _dashes(draw, a, b, colour: str, width: int, dash: float = 6, gap: float = 4) -> None:
    length = math.dist(a, b)
    if length == 0:
        return
    dx, dy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    at = 0.0
    while at < length:
        end = min(at + dash, length)
        draw.line(
            ((a[0] + dx * at, a[1] + dy * at), (a[0] + dx * end, a[1] + dy * end)),
            fill=colour,
            width=width,
        )
        at = end + gap


# ---- SVG ----

SVG_FONT = "'DejaVu Sans Condensed', 'DejaVu Sans', 'Arial Narrow', Arial, sans-serif"


def to_svg(picture: Scene) -> str:
    width, height = math.ceil(picture.width), math.ceil(picture.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(SVG_FONT)}>'
    ]
    for shape in picture.shapes:
        if isinstance(shape, Rect):
            stroke = (
                f' stroke="{shape.stroke}" stroke-width="{shape.width:g}"' if shape.stroke else ""
            )
            dash = ' stroke-dasharray="6 4"' if shape.dashed and shape.stroke else ""
            radius = f' rx="{shape.radius:g}"' if shape.radius else ""
            parts.append(
                f'<rect x="{shape.x:g}" y="{shape.y:g}" width="{shape.w:g}" height="{shape.h:g}"'
                f'{radius} fill="{shape.fill}"{stroke}{dash}/>'
            )
        elif isinstance(shape, Line):
            dash = ' stroke-dasharray="6 4"' if shape.dashed else ""
            parts.append(
                f'<line x1="{shape.x1:g}" y1="{shape.y1:g}" x2="{shape.x2:g}" y2="{shape.y2:g}" '
                f'stroke="{shape.colour}" stroke-width="{shape.width:g}"{dash}/>'
            )
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            strike = ' text-decoration="line-through"' if shape.strike else ""
            parts.append(
                f'<text x="{shape.x:g}" y="{shape.y:g}" font-size="{shape.size}" '
                f'fill="{shape.colour}"{weight}{strike}>{escape(shape.text)}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
