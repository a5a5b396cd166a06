"""Pictures of org charts: a structure (or a proposal against the current org) drawn as a
PNG or an SVG.

    render_png(structure)                       # the chart
    render_png(proposed, before=current)        # before/after: added, moved, removed and
                                                # changed positions marked and labelled
    render_svg(structure, names=directory.name) # holders by display name

`chart.py` decides what is shown (folding large orgs), `layout.py` where it goes (a tidy
tree layout), `render.py` how it is drawn (Pillow for PNG, plain text for SVG).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from slackbot.org.structure import Structure
from slackbot.pictures.chart import MAX_BOXES, build_chart, clean
from slackbot.pictures.render import MAX_HEIGHT, MAX_WIDTH, scene, to_png, to_svg

__all__ = ["MAX_BOXES", "MAX_HEIGHT", "MAX_WIDTH", "render_png", "render_svg"]


# FreeType faces are not safe to use from two threads at once, and the app draws from its
# worker pools: one picture at a time (a large one takes a few hundred ms)
_DRAWING = threading.Lock()


def _scene(structure, before, names, title, max_boxes):
    chart = build_chart(structure, before=before, names=names, max_boxes=max_boxes or MAX_BOXES)
    return scene(chart, title=clean(title) if title else None)


def render_png(
    structure: Structure,
    *,
    before: Structure | None = None,
    names: Callable[[str], str] | None = None,
    title: str | None = None,
    max_boxes: int | None = None,
) -> bytes:
    """The chart of `structure` as PNG bytes, at most `MAX_WIDTH` × `MAX_HEIGHT` px.

    Args:
        structure: the chart to draw (the proposal's, in a before/after).
        before: when given, the picture marks what `structure` changes against it:
            added, moved, removed and changed positions, each by colour and by a label,
            with a legend that counts them.
        names: maps a holder's user id to the name shown; ids are shown without it.
        title: a first line above the chart (e.g. the proposal's title).
        max_boxes: draw at most about this many boxes (default `MAX_BOXES`, 420): the
            levels past it fold into "N below" notes (a before/after keeps its changes in
            view). A smaller number gives a smaller, more legible overview of a large org.

    Never raises for the text in a structure: any script or emoji draws (glyphs the
    bundled font lacks as boxes).
    """
    with _DRAWING:
        return to_png(_scene(structure, before, names, title, max_boxes))


def render_svg(
    structure: Structure,
    *,
    before: Structure | None = None,
    names: Callable[[str], str] | None = None,
    title: str | None = None,
    max_boxes: int | None = None,
) -> str:
    """The same picture as `render_png`, as an SVG document (all text escaped)."""
    with _DRAWING:
        return to_svg(_scene(structure, before, names, title, max_boxes))
