"""Chart pictures: what is drawn (slackbot/pictures/chart.py), where (layout.py) and how
(render.py), through the public render_png / render_svg."""

import io
import random
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from slackbot.org.structure import Structure
from slackbot.pictures import MAX_HEIGHT, MAX_WIDTH, render_png, render_svg
from slackbot.pictures.chart import MAX_BOXES, build_chart, clean
from slackbot.pictures.layout import Spacing, layout
from slackbot.pictures.render import fit, text_width
from slackbot.pictures.samples import (
    position,
    sample_change,
    sample_names,
    sample_org,
    small_org,
)

SVG = "{http://www.w3.org/2000/svg}"


def org(*rows) -> Structure:
    """(title, manager title or None) rows; keys are the titles."""
    return Structure(
        tuple(position(title=t, key=t, reports_to=m, line=i) for i, (t, m) in enumerate(rows, 1))
    )


def png_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes the whole picture
    assert image.format == "PNG"
    return image.size


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_a_small_chart_as_png_and_svg():
    structure = org(("CEO", None), ("COO", "CEO"), ("CFO", "CEO"), ("Controller", "CFO"))
    width, height = png_size(render_png(structure))
    assert 400 < width < 1200 and 200 < height < 600
    texts = svg_texts(render_svg(structure))
    for title in ("CEO", "COO", "CFO", "Controller"):
        assert title in texts
    assert "4 positions · 4 seats" in texts


def test_svg_escapes_what_people_typed():
    structure = org(("<script>alert(1)</script> & co", None), ('Head of "R&D"', None))
    svg = render_svg(structure, title="<b>Plan</b>")
    assert "<script>" not in svg and "<b>" not in svg
    texts = svg_texts(svg)
    assert "<b>Plan</b>" in texts
    assert any(t.startswith("<script>alert(1)") for t in texts)
    assert 'Head of "R&D"' in texts


@pytest.mark.parametrize(
    "title",
    [
        "运营总监",  # CJK: not in the bundled font, drawn as boxes
        "مدير العمليات",  # Arabic, right to left
        "Chief Happiness Officer 😀🚀👩‍💻",  # emoji, a ZWJ sequence
        "\u200b",  # nothing visible at all
        "\u200b\u200e\u2066",  # zero width space, bidi marks and isolates
        "Lead\x00\x07\x1b[31m",  # control characters
        "Broken \ud800 surrogate",  # a lone surrogate from bad JSON
        "\ufffe\uffff non-characters",
        "Ǹ̸̢̛̞͎̮̯͚̪ͩ̈́͋͑̒̌͐ͯ͑ͪ̾̓̒ͨ̚ǫ̷̹̹̟̫̮̭̗̹̖͓̒̈͛̔̏ͦ̈́̆̓ͤ̽͗ͤ͂",  # stacked combining marks
        "W" * 200,
    ],
)
def test_any_text_draws_without_error(title):
    structure = org(("CEO", None), (title, "CEO"))
    png_size(render_png(structure, title=title))
    texts = svg_texts(render_svg(structure, title=title))
    assert "CEO" in texts
    # SVG is XML 1.0: no control characters survive
    assert not any(ord(c) < 32 for t in texts for c in t)


def test_clean_removes_invisible_and_unsafe_characters():
    assert clean("a\x00b\nc\u200bd") == "a b cd"
    assert clean("x\ud800y") == "x\ufffdy"
    assert clean("  many   spaces ") == "many spaces"
    assert clean("👩‍💻") == "👩‍💻"  # the zero width joiner of an emoji sequence stays


def test_long_titles_are_cut_with_an_ellipsis():
    long = "Senior Vice President of Global Strategic Partnerships and Alliances"
    cut = fit(long, 160, 13, bold=True)
    assert cut.endswith("…") and long.startswith(cut[:-1])
    assert text_width(cut, 13, bold=True) <= 160
    assert fit("COO", 160, 13) == "COO"
    svg_titles = svg_texts(render_svg(org((long, None))))
    assert any(t.endswith("…") and long.startswith(t[:-1]) for t in svg_titles)


def test_a_chain_thousands_deep_neither_overflows_nor_grows_past_the_limit():
    rows = [("P0", None)] + [(f"P{i}", f"P{i - 1}") for i in range(1, 3000)]
    structure = org(*rows)
    width, height = png_size(render_png(structure))
    assert width <= MAX_WIDTH and height <= MAX_HEIGHT
    chart = build_chart(structure)
    assert len(chart.boxes) < 20
    deepest = max(chart.boxes.values(), key=lambda b: b.id)
    assert deepest.note.endswith("below")
    # the layout itself walks without recursion too
    children = {i: [i + 1] for i in range(5000)}
    placed = layout([0], children)
    assert len(placed.boxes) == 5001


def test_a_very_wide_level_folds_into_and_n_more():
    rows = [("CEO", None)] + [(f"Analyst {i}", "CEO") for i in range(500)]
    structure = org(*rows)
    chart = build_chart(structure)
    folds = [b for b in chart.boxes.values() if b.fold]
    assert len(folds) == 1 and folds[0].title.startswith("and ")
    shown = len(chart.boxes) - 2  # the CEO and the fold
    assert folds[0].title == f"and {500 - shown} more"
    assert chart.hidden == 500 - shown
    width, height = png_size(render_png(structure))
    assert width <= MAX_WIDTH and height <= MAX_HEIGHT


@pytest.mark.parametrize("size", [300, 3000])
def test_large_orgs_stay_within_the_box_budget_and_the_size_limit(size):
    structure = sample_org(size)
    assert len(structure) == size
    chart = build_chart(structure)
    assert len(chart.boxes) <= MAX_BOXES + 40  # folds included
    if size == 300:
        assert chart.hidden == 0  # a few hundred positions are all drawn
    data = render_png(structure)
    width, height = png_size(data)
    assert width <= MAX_WIDTH and height <= MAX_HEIGHT
    assert len(data) < 3_000_000


def test_layout_boxes_never_overlap_and_stay_within_the_width():
    rng = random.Random(3)
    for _ in range(20):
        n = rng.randrange(2, 400)
        children: dict[int, list[int]] = {}
        for node in range(1, n):
            children.setdefault(rng.randrange(node), []).append(node)
        spacing = Spacing(max_width=2000)
        placed = layout([0], children, spacing=spacing)
        assert len(placed.boxes) == n
        boxes = sorted(placed.boxes.values())
        w, h = spacing.box_width, spacing.box_height
        for i, (x1, y1) in enumerate(boxes):
            for x2, y2 in boxes[i + 1 : i + 40]:
                assert x2 >= x1 + w or abs(y2 - y1) >= h, (x1, y1, x2, y2)
        assert placed.width <= 2000 + 4 * spacing.trunk
        assert all(0 <= x <= placed.width - w + 0.01 for x, _ in boxes)


def test_before_after_marks_each_change_by_colour_and_by_words():
    before = org(("CEO", None), ("COO", "CEO"), ("CFO", "CEO"), ("QA Lead", "COO"))
    after = Structure(
        (
            position(title="CEO", key="CEO"),
            position(title="COO", key="COO", reports_to="CEO", headcount=2),  # changed
            position(title="CFO", key="CFO", reports_to="COO"),  # moved
            position(title="Head of Data", key="Head of Data", reports_to="CEO"),  # added
        )
    )  # QA Lead removed
    chart = build_chart(after, before=before)
    marks = {b.title: b.mark for b in chart.boxes.values()}
    assert marks == {
        "CEO": None,
        "COO": "changed",
        "CFO": "moved",
        "Head of Data": "added",
        "QA Lead": "removed",
    }
    notes = {b.title: b.note for b in chart.boxes.values()}
    assert notes["CFO"] == "from CEO" and notes["COO"] == "was ×1"
    assert chart.counts == {"changed": 1, "moved": 1, "added": 1, "removed": 1}
    texts = svg_texts(render_svg(after, before=before))
    # the legend and the tags say it in words, not only in colour
    for words in ("+ New", "→ Moved", "− Removed", "± Changed"):
        assert texts.count(words) == 2  # the legend's and the box's
    for legend in ("1 added", "1 moved", "1 removed", "1 changed"):
        assert legend in texts
    png_size(render_png(after, before=before))


def test_before_after_of_a_large_org_keeps_the_changes_in_view():
    current = sample_org(3000)
    proposed = sample_change(current)
    chart = build_chart(proposed, before=current)
    marked = {b.mark for b in chart.boxes.values() if b.mark}
    assert marked == {"added", "moved", "removed", "changed"}
    assert chart.hidden > 0


def test_holders_open_roles_hires_and_dotted_lines():
    structure = small_org()
    names = {"U0001": "Maria Lopez", "U0006": "Ana", "U0007": "Kofi"}
    svg = render_svg(structure, names=lambda uid: names.get(uid, ""))
    texts = svg_texts(svg)
    assert "Maria Lopez" in texts  # a name from the directory
    assert "U0002" in texts  # no name: the id
    assert "Ana, Kofi" in texts
    assert "1 open" in texts
    assert "To hire" in texts and "Backfill" in texts
    assert "dotted line" in texts and "open role or hire" in texts
    root = ET.fromstring(svg)
    dashed_lines = [
        e for e in root.iter(f"{SVG}line") if e.get("stroke-dasharray") and e.get("y1") != "0"
    ]
    assert dashed_lines  # the Head of Data's dotted line to the COO
    # a vacant position's box is dashed, a filled one solid
    dashed_boxes = [e for e in root.iter(f"{SVG}rect") if e.get("stroke-dasharray")]
    assert len(dashed_boxes) >= 3  # the hire, the backfill, the legend's sample
    png_size(render_png(structure, names=sample_names))


def test_a_names_function_that_fails_falls_back_to_the_id():
    def broken(uid):
        raise RuntimeError("directory down")

    structure = small_org()
    texts = svg_texts(render_svg(structure, names=broken))
    assert "U0001" in texts


def test_an_empty_structure_draws_an_empty_chart():
    width, height = png_size(render_png(Structure()))
    assert width > 0 and height > 0
    assert "0 positions · 0 seats" in svg_texts(render_svg(Structure()))


def test_broken_structures_still_draw():
    """Nothing the store could hold makes the renderer fail: a manager that is not in the
    structure, a loop, a position reporting to itself, a key listed twice."""
    structure = Structure(
        (
            position(title="CEO", key="ceo"),
            position(title="Orphan", key="orphan", reports_to="gone"),
            position(title="Loop A", key="a", reports_to="b"),
            position(title="Loop B", key="b", reports_to="a"),
            position(title="Self", key="self", reports_to="self"),
            position(title="Twice", key="twice", reports_to="ceo"),
            position(title="Twice again", key="twice", reports_to="ceo"),
            position(title="Dotted nowhere", key="d", reports_to="ceo", dotted=("gone", "d")),
        )
    )
    chart = build_chart(structure)
    titles = {b.title for b in chart.boxes.values()}
    assert {"CEO", "Orphan", "Self", "Twice"} <= titles and titles & {"Loop A", "Loop B"}
    assert "Twice again" not in titles  # a key is one box: its first listing
    assert chart.dotted == []
    png_size(render_png(structure))
    svg_texts(render_svg(structure, before=structure))


def test_pictures_drawn_from_several_threads_at_once_are_all_whole():
    from concurrent.futures import ThreadPoolExecutor

    structure = sample_org(120)
    alone = render_png(structure, names=sample_names)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: render_png(structure, names=sample_names), range(8)))
    assert all(r == alone for r in results)


def test_without_the_bundled_font_pillows_own_stands_in(monkeypatch):
    from slackbot.pictures import render

    monkeypatch.setattr(render, "FONT_FILES", {False: "missing.ttf", True: "missing.ttf"})
    render.font.cache_clear()
    render._width.cache_clear()
    try:
        assert "DejaVu" not in str(render.font(13).getname())
        structure = org(("CEO", None), ("运营总监 😀", "CEO"))
        png_size(render_png(structure))
    finally:
        monkeypatch.undo()
        render.font.cache_clear()
        render._width.cache_clear()
    assert "DejaVu" in str(render.font(13).getname())


def test_max_boxes_gives_a_smaller_overview_that_keeps_the_changes():
    current = sample_org(300)
    full = png_size(render_png(current))
    small = png_size(render_png(current, max_boxes=40))
    assert small[0] * small[1] < full[0] * full[1] / 3
    texts = svg_texts(render_svg(current, max_boxes=40))
    assert any(t.endswith("folded away to stay legible") for t in texts)
    texts = svg_texts(render_svg(sample_change(current), before=current, max_boxes=40))
    for words in ("+ New", "→ Moved", "− Removed", "± Changed"):
        assert texts.count(words) == 2
