"""Spans and layers (`slackbot.org.shape`): layers, spans in seats, Orgvue's bands,
managers with one report, headcount under each manager, what a change does, guardrails."""

from __future__ import annotations

import time

import pytest

from roles import load_catalog
from slackbot.org.shape import (
    BANDS,
    Guardrails,
    Shape,
    band_of,
    describe_bands,
    guardrail_flags,
    shape,
    shape_effects,
)
from slackbot.org.structure import Position, Structure, parse_structure

CATALOG = load_catalog()


def org(text: str) -> Structure:
    result = parse_structure(text, CATALOG)
    assert result.ok, result.errors
    return result.structure


def tree(*edges: tuple[str, str | None, int]) -> Structure:
    """Positions as (key, manager key, seats), titled by their key."""
    return Structure(
        tuple(
            Position(title=key, key=key, headcount=seats, reports_to=manager)
            for key, manager, seats in edges
        )
    )


def spans(s: Shape) -> dict[str, int]:
    return {m.title: m.span for m in s.managers}


COO_ORG = (
    "CEO\n"
    "COO reports to CEO\n"
    "CFO reports to CEO\n"
    "Operations Director reports to COO\n"
    "Operations Manager x3 reports to Operations Director\n"
)


def test_an_empty_structure_has_no_layers_and_no_managers():
    s = shape(Structure())
    assert (s.layers, s.positions, s.headcount, s.managers) == (0, 0, 0, ())
    assert s.widest is None and s.narrowest is None and s.single_report == ()


def test_only_a_ceo_is_one_layer_and_no_manager():
    s = shape(org("CEO"))
    assert (s.layers, s.positions, s.headcount, s.managers) == (1, 1, 1, ())
    assert describe_bands(s) == "1: 0 · 2–3: 0 · 4–7: 0 · 8–12: 0 · 13–16: 0 · 17+: 0"


def test_a_small_org_layers_spans_and_headcount_under():
    s = shape(
        org(
            "CEO\nCOO reports to CEO\nCFO reports to CEO\n"
            "Operations Director reports to COO\n"
            "Operations Manager x3 reports to Operations Director"
        )
    )
    assert s.layers == 4
    assert spans(s) == {"CEO": 2, "COO": 1, "Operations Director": 3}
    assert {m.title: m.under for m in s.managers} == {"CEO": 6, "COO": 4, "Operations Director": 3}
    assert {m.title: m.layer for m in s.managers} == {"CEO": 1, "COO": 2, "Operations Director": 3}
    assert [m.title for m in s.single_report] == ["COO"]
    assert s.widest.title == "Operations Director" and s.narrowest.title == "COO"
    assert s.headcount == 7 and s.positions == 5
    assert s.span_of("ceo") == 2 and s.span_of("cfo") == 0 and s.span_of("nobody") == 0


def test_open_roles_count_as_seats_in_spans_and_headcount_under():
    """`headcount` is seats, filled or not: an x5 position with 2 open still counts 5."""
    s = shape(tree(("boss", None, 1), ("team", "boss", 5), ("lead", "boss", 1)))
    assert spans(s) == {"boss": 6}
    assert s.managers[0].reports == 2 and s.managers[0].under == 6


def test_several_top_positions_each_start_layer_one():
    s = shape(tree(("a", None, 1), ("b", None, 1), ("a1", "a", 1), ("a2", "a1", 2)))
    assert s.layers == 3
    assert {m.title: m.layer for m in s.managers} == {"a": 1, "a1": 2}
    assert spans(s) == {"a": 1, "a1": 2}
    assert s.headcount == 5


def test_a_manager_missing_from_the_structure_makes_a_top_position():
    s = shape(tree(("a", "gone", 1), ("b", "a", 1)))
    assert s.layers == 2 and spans(s) == {"a": 1}


def test_a_reporting_loop_counts_in_spans_but_never_hangs():
    s = shape(tree(("top", None, 1), ("x", "y", 1), ("y", "x", 2)))
    assert s.layers == 1
    assert spans(s) == {"x": 2, "y": 1}


def test_a_chain_of_ten_thousand_is_ten_thousand_layers_without_recursion():
    n = 10_000
    chain = tree(*((f"p{i}", f"p{i - 1}" if i else None, 1) for i in range(n)))
    started = time.perf_counter()
    s = shape(chain)
    elapsed = time.perf_counter() - started
    assert s.layers == n
    assert len(s.managers) == n - 1 and len(s.single_report) == n - 1
    assert s.managers[0].under == n - 1 and s.managers[-1].under == 1
    assert elapsed < 2.0  # ~30 ms; generous for a loaded machine (bench/run.py shape measures)


def test_a_wide_fan_out_of_ten_thousand_is_one_manager_in_the_top_band():
    n = 10_000
    s = shape(tree(("ceo", None, 1), *((f"p{i}", "ceo", 1) for i in range(1, n))))
    assert s.layers == 2 and spans(s) == {"ceo": n - 1}
    assert dict(s.bands)["17+"] == 1 and sum(c for _, c in s.bands) == 1


def test_a_balanced_org_of_ten_thousand_is_fast():
    edges = [("p0", None, 1)]
    for i in range(1, 10_000):
        edges.append((f"p{i}", f"p{(i - 1) // 8}", 1 + i % 3))
    started = time.perf_counter()
    s = shape(tree(*edges))
    assert time.perf_counter() - started < 2.0  # ~10 ms; see docs/performance.md
    assert s.layers == 6
    assert s.managers[0].under == s.headcount - 1


@pytest.mark.parametrize(
    ("span", "band"),
    [
        (1, "1"),
        (2, "2–3"),
        (3, "2–3"),
        (4, "4–7"),
        (7, "4–7"),
        (8, "8–12"),
        (12, "8–12"),
        (13, "13–16"),
        (16, "13–16"),
        (17, "17+"),
        (999, "17+"),
    ],
)
def test_band_boundaries(span, band):
    assert band_of(span) == band
    s = shape(tree(("m", None, 1), ("r", "m", span)))
    assert dict(s.bands) == {label: int(label == band) for _, _, label in BANDS}


def test_a_span_of_zero_has_no_band():
    with pytest.raises(ValueError):
        band_of(0)


def test_bands_count_every_manager():
    s = shape(
        tree(
            ("ceo", None, 1),
            ("a", "ceo", 1),
            ("b", "ceo", 1),
            ("c", "ceo", 1),
            ("d", "ceo", 1),  # ceo: 4
            ("a1", "a", 1),  # a: 1
            ("b1", "b", 9),  # b: 9
            ("c1", "c", 20),  # c: 20
        )
    )
    assert dict(s.bands) == {"1": 1, "2–3": 0, "4–7": 1, "8–12": 1, "13–16": 0, "17+": 1}
    assert describe_bands(s) == "1: 1 · 2–3: 0 · 4–7: 1 · 8–12: 1 · 13–16: 0 · 17+: 1"


# --- what a change does -------------------------------------------------------------------


def test_effects_of_flattening():
    before = shape(
        org(
            "CEO\nCOO reports to CEO\nOperations Director reports to COO\n"
            "Operations Manager x3 reports to Operations Director\nCFO reports to CEO\n"
            "Controller reports to CFO"
        )
    )
    after = shape(
        org(
            "CEO\nCOO reports to CEO\nOperations Manager x3 reports to COO\n"
            "CFO reports to CEO\nController reports to CEO"
        )
    )
    assert shape_effects(before, after) == [
        "Layers 4 → 3",
        "Managers with one report 2 → 0",
        "Span of COO 1 → 3",  # biggest changes first; ties in the proposal's order,
        "Span of CEO 2 → 3",
        "Span of CFO 1 → 0",  # then those who manage nobody now
    ]


def test_effects_say_nothing_when_the_shape_is_the_same():
    same = shape(org(COO_ORG))
    assert shape_effects(same, shape(org(COO_ORG))) == []


def test_a_new_manager_is_marked_new_and_a_removed_one_is_left_to_the_diff():
    before = shape(tree(("ceo", None, 1), ("old", "ceo", 1), ("x", "old", 2)))
    after = shape(tree(("ceo", None, 1), ("new", "ceo", 1), ("x", "new", 2)))
    assert shape_effects(before, after) == ["Span of new 2 (new)"]


def test_span_lines_are_capped_with_and_n_more():
    before = shape(tree(("ceo", None, 1), *((f"m{i}", "ceo", 1) for i in range(8))))
    after_edges = [("ceo", None, 1), *((f"m{i}", "ceo", 1) for i in range(8))]
    after_edges += [(f"r{i}", f"m{i}", i + 1) for i in range(8)]
    lines = shape_effects(before, shape(tree(*after_edges)))
    assert lines[:2] == ["Layers 2 → 3", "Managers with one report 0 → 1"]
    assert lines[2:7] == [f"Span of m{i} 0 → {i + 1}" for i in (7, 6, 5, 4, 3)]
    assert lines[7:] == ["and 3 more span changes"]
    assert len(shape_effects(before, shape(tree(*after_edges)), max_spans=7)) == 2 + 7 + 1


# --- guardrails ---------------------------------------------------------------------------


def test_no_guardrails_no_flags():
    assert not Guardrails()
    assert Guardrails().describe() == "none"
    assert guardrail_flags(shape(org(COO_ORG)), Guardrails()) == []


def test_too_many_layers_is_flagged():
    flags = guardrail_flags(shape(org(COO_ORG)), Guardrails(max_layers=3))
    assert flags == ["4 layers; the workspace's maximum is 3"]
    assert guardrail_flags(shape(org(COO_ORG)), Guardrails(max_layers=4)) == []


def test_spans_outside_the_range_are_flagged_furthest_first():
    s = shape(tree(("ceo", None, 1), ("coo", "ceo", 1), ("team", "coo", 14), ("x", "ceo", 1)))
    g = Guardrails(span_min=3, span_max=12)
    assert g.describe() == "spans from 3 to 12"
    assert guardrail_flags(s, g) == ["Span of coo is 14, above 12", "Span of ceo is 2, below 3"]
    # the limits themselves are inside
    assert guardrail_flags(s, Guardrails(span_min=2, span_max=14)) == []
    assert guardrail_flags(s, Guardrails(span_max=13)) == ["Span of coo is 14, above 13"]
    assert Guardrails(span_max=13).describe() == "spans of at most 13"
    assert (
        Guardrails(span_min=2, max_layers=5).describe() == "at most 5 layers, spans of at least 2"
    )


def test_span_flags_are_capped():
    edges = [("ceo", None, 1), *((f"m{i}", "ceo", 1) for i in range(8))]
    edges += [(f"r{i}", f"m{i}", 1) for i in range(8)]
    s = shape(tree(*edges))
    flags = guardrail_flags(s, Guardrails(span_min=2), max_lines=3)
    assert flags == [
        "Span of m0 is 1, below 2",
        "Span of m1 is 1, below 2",
        "Span of m2 is 1, below 2",
        "and 5 more managers outside the span range",
    ]


def test_open_hire_and_backfill_seats_written_as_people_type_them_count_in_spans():
    s = shape(
        org(
            "CEO\nCOO reports to CEO\n"
            "Operations Manager x3, 1 open reports to COO\n"
            "Data Analyst [hire] reports to COO\n"
            "Recruiter [backfill] reports to CEO"
        )
    )
    ops = next(
        p for p in org("CEO\nOperations Manager x3, 1 open reports to CEO").positions if p.vacancies
    )
    assert (ops.headcount, ops.vacancies) == (3, 1)
    assert spans(s) == {"CEO": 2, "COO": 4}
    assert {m.title: m.under for m in s.managers} == {"CEO": 6, "COO": 4}
    assert s.headcount == 7


def test_dotted_lines_count_in_no_span_and_no_layer():
    s = shape(
        org(
            "CEO\nCOO reports to CEO\nCFO reports to CEO\n"
            "Head of Data reports to CFO, dotted to COO"
        )
    )
    assert spans(s) == {"CEO": 2, "CFO": 1}
    assert s.layers == 3
