"""Golden pictures: the renderer's output compared with approved PNGs in
tests/data/pictures/, with a tolerance (not byte equality: another Pillow or FreeType may
anti-alias a few pixels differently), so a change in the layout or drawing shows up while
noise does not.

After an intended change in the pictures, look at the new ones and regenerate them (the
same files are copied into docs/pictures/ for docs/pictures.md):

    .venv/bin/python tests/test_pictures_golden.py --regenerate
"""

import io
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from slackbot.pictures import render_png  # noqa: E402
from slackbot.pictures.samples import (  # noqa: E402
    sample_change,
    sample_names,
    sample_org,
    small_org,
)

GOLDEN = ROOT / "tests" / "data" / "pictures"
DOCS = ROOT / "docs" / "pictures"
SIZE_TOLERANCE = 0.03  # each side within 3 %
CHANNEL_TOLERANCE = 64  # a pixel differs when a channel is off by more than this …
DIFFERENT_PIXELS = 0.01  # … and at most 1 % of the pixels may


def small() -> bytes:
    return render_png(small_org(), names=sample_names, title="Acme: the current org chart")


def three_hundred() -> bytes:
    return render_png(sample_org(300), names=sample_names, title="A 300-position org")


def before_after() -> bytes:
    current = sample_org(40)
    return render_png(
        sample_change(current),
        before=current,
        names=sample_names,
        title="Proposal #7: a data team (against the current org, version 3)",
    )


PICTURES = {
    "small.png": small,
    "300-positions.png": three_hundred,
    "before-after.png": before_after,
}


def difference(actual: bytes, golden: Path) -> tuple[tuple[int, int], tuple[int, int], float]:
    """The two sizes and the share of pixels that differ (after scaling the new picture
    to the golden's size, when they differ a little)."""
    new = Image.open(io.BytesIO(actual)).convert("RGB")
    old = Image.open(golden).convert("RGB")
    compared = new if new.size == old.size else new.resize(old.size, Image.Resampling.BILINEAR)
    delta = ImageChops.difference(compared, old).convert("L")
    changed = delta.point(lambda v: 255 if v > CHANNEL_TOLERANCE else 0).histogram()[255]
    return new.size, old.size, changed / (old.size[0] * old.size[1])


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_picture_matches_its_golden(name):
    actual = PICTURES[name]()
    new, old, changed = difference(actual, GOLDEN / name)
    for side in (0, 1):
        assert abs(new[side] - old[side]) <= old[side] * SIZE_TOLERANCE, (new, old)
    assert changed <= DIFFERENT_PIXELS, (
        f"{name}: {changed:.1%} of the pixels differ from the golden; if the change is "
        "intended, regenerate: .venv/bin/python tests/test_pictures_golden.py --regenerate"
    )


def test_the_comparison_sees_a_real_change(tmp_path):
    """A golden test that cannot fail proves nothing: a chart with one position more, or
    another title, is caught."""
    golden = tmp_path / "small.png"
    golden.write_bytes(small())
    assert difference(small(), golden)[2] == 0
    other = render_png(small_org(), names=sample_names, title="Acme: the proposed org chart")
    assert difference(other, golden)[2] > 0.0005
    moved = render_png(sample_org(12), names=sample_names, title="Acme: the current org chart")
    new, old, changed = difference(moved, golden)
    assert new != old or changed > DIFFERENT_PIXELS


def test_the_docs_show_the_goldens():
    for name in PICTURES:
        assert (DOCS / name).read_bytes() == (GOLDEN / name).read_bytes(), name
        assert f"pictures/{name}" in (ROOT / "docs" / "pictures.md").read_text()


def regenerate() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        data = draw()
        (GOLDEN / name).write_bytes(data)
        shutil.copyfile(GOLDEN / name, DOCS / name)
        size = Image.open(io.BytesIO(data)).size
        print(f"wrote {GOLDEN / name} and {DOCS / name} ({size[0]}×{size[1]}, {len(data)} bytes)")


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit(__doc__)
    regenerate()
