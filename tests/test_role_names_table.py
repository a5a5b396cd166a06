"""The table of realistic names (tests/data/role_names.tsv): each input gives the role,
a question ("ask"), or "not in the catalog" with the nearest roles, as the table says."""

from pathlib import Path

import pytest

from roles import load_catalog, parse_compare

TABLE = Path(__file__).parent / "data" / "role_names.tsv"
catalog = load_catalog()


def _rows() -> list[tuple[str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, expected = line.split("\t")
            rows.append((text, expected))
    return rows


def test_the_table_is_big_enough():
    rows = _rows()
    assert len(rows) >= 150
    assert len({text for text, _ in rows}) == len(rows)
    for _, expected in rows:
        for part in expected.split(" | "):
            kind, _, ids = part.partition(":")
            assert kind in {"role", "ask", "unknown"}
            assert all(i in catalog for i in ids.split(",") if i), part


@pytest.mark.parametrize(("text", "expected"), _rows(), ids=[t for t, _ in _rows()])
def test_a_typed_name_resolves_as_the_table_says(text, expected):
    request = parse_compare(catalog, text)
    wanted = expected.split(" | ")
    assert len(request.resolutions) == len(wanted), [r.query for r in request.resolutions]
    for resolution, part in zip(request.resolutions, wanted, strict=True):
        kind, _, ids = part.partition(":")
        ids = [i for i in ids.split(",") if i]
        offered = [r.id for r in resolution.suggestions]
        if kind == "role":
            assert resolution.role is not None, (resolution.query, offered)
            assert resolution.role.id == ids[0]
        elif kind == "ask":
            assert resolution.role is None and resolution.ambiguous, resolution
            assert set(ids) <= set(offered), offered
        else:
            assert resolution.role is None and not resolution.ambiguous, resolution
            if ids:
                assert set(ids) <= set(offered[:3]), offered
                assert resolution.nearest_by
            else:
                assert offered == []
