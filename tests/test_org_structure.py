"""Parsing, validating, drawing and diffing org structures."""

import pytest

from roles import load_catalog
from slackbot.org.structure import Structure, diff, parse_structure, starter_text

catalog = load_catalog()


def parse(text):
    return parse_structure(text, catalog)


def test_a_structure_with_counts_aliases_and_bullets():
    result = parse(
        "# our plan\n"
        "CEO\n"
        "- COO reports to CEO\n"
        "• Ops Director reports to Chief Operating Officer\n"
        "Operations Manager x3 reports to Operations Director\n"
        "Support Lead (2) -> Operations Manager\n"
        "CFO under CEO\n"
    )
    assert result.ok, result.errors
    s = result.structure
    assert [p.key for p in s.positions] == [
        "ceo", "coo", "operations-director", "operations-manager", "title:support lead", "cfo",
    ]  # fmt: skip
    assert s.by_key["operations-director"].reports_to == "coo"
    assert s.by_key["title:support lead"].headcount == 2
    assert s.headcount() == 1 + 1 + 1 + 3 + 2 + 1
    assert s.tree_lines() == [
        "CEO",
        "├─ COO",
        "│  └─ Ops Director",
        "│     └─ Operations Manager ×3",
        "│        └─ Support Lead ×2",
        "└─ CFO",
    ]
    assert [(p.title, n) for p, n in s.spans()] == [
        ("Ops Director", 3), ("CEO", 2), ("Operations Manager", 2), ("COO", 1),
    ]  # fmt: skip


def test_round_trip_through_text_and_json():
    s = parse("CEO\nCOO reports to CEO\nOperations Manager x2 reports to COO").structure
    assert parse(s.to_text()).structure == s
    assert Structure.from_json(s.to_json()) == s


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "List at least one position"),
        ("CEO\nreports to CEO", "Line 2: can't read “reports to CEO”"),
        ("CEO\nCOO reports to", "Line 2: can't read"),
        ("CEO\nWidget x0 reports to CEO", "Line 2: the count for “Widget” must be from 1 to 999"),
        ("CEO\nCOO reports to COO", "Line 2: “COO” can't report to itself"),
        ("CEO\nCOO reports to CEOO", "Did you mean “CEO”?"),
        ("CEO\nCFO reports to Treasurer", "“CFO” reports to “Treasurer”, which is not in the list"),
        (
            "CEO\nCOO reports to CEO\nCOO reports to CEO",
            "Line 3: “COO” is listed twice (also line 2)",
        ),
        ("A reports to B\nB reports to C\nC reports to A", "Reporting loop: A → B → C → A"),
        ("A reports to B\nB reports to A", "No top position"),
        ("CEO\n" + "X" * 81 + " reports to CEO", "longer than 80 characters"),
    ],
)
def test_mistakes_are_named(text, error):
    result = parse(text)
    assert not result.ok
    assert any(error in e for e in result.errors), result.errors
    assert not result.structure


def test_every_mistake_is_reported_not_just_the_first():
    result = parse("CEO\nreports to CEO\nWidget x0\nCFO reports to Treasurer")
    assert [e.split(":")[0] for e in result.errors] == ["Line 2", "Line 3", "Line 4"]


def test_a_loop_below_a_top_position_is_found():
    result = parse("CEO\nA reports to B\nB reports to A")
    assert result.errors == [
        "Reporting loop: A → B → A. Someone in it must report outside the loop, or be a top "
        "position (no “reports to”)."
    ]


def test_diff_names_additions_removals_moves_and_headcounts():
    current = parse(
        "CEO\nCOO reports to CEO\nOperations Manager x2 reports to COO\nCTO reports to CEO"
    ).structure
    proposed = parse(
        "CEO\nCOO reports to CEO\nOperations Director reports to COO\n"
        "Operations Manager x3 reports to Operations Director"
    ).structure
    assert [(c.kind, c.title, c.before, c.after) for c in diff(current, proposed)] == [
        ("added", "Operations Director", None, "COO"),
        ("moved", "Operations Manager", "COO", "Operations Director"),
        ("headcount", "Operations Manager", "2", "3"),
        ("removed", "CTO", None, None),
    ]
    assert diff(proposed, proposed) == []


def test_starter_text_adds_compared_roles_under_their_usual_manager():
    current = parse("CEO\nCOO reports to CEO").structure
    assert starter_text(catalog, current, ["operations-director"]) == (
        "CEO\nCOO reports to CEO\nOperations Director reports to COO"
    )
    assert starter_text(catalog, Structure(), ["operations-director", "coo"]) == (
        "COO\nOperations Director reports to COO"
    )


def test_a_count_needs_its_own_word():
    positions = parse(
        "CEO\nLinux2 Admin reports to CEO\nLinux2 reports to CEO\nDesk Lead ×2 reports to CEO"
    ).structure.positions
    assert [(p.title, p.headcount) for p in positions] == [
        ("CEO", 1), ("Linux2 Admin", 1), ("Linux2", 1), ("Desk Lead", 2),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [".", "-", "---", "—", "...\n-", "CEO\n.", "CEO\n. reports to CEO", "CEO\nCOO reports to ."],
)
def test_a_position_needs_a_title_with_letters_or_digits(text):
    result = parse(text)
    assert not result.ok
    assert not result.structure
    assert any("letters or digits" in e for e in result.errors), result.errors


@pytest.mark.parametrize("title", ["R&D Lead", "2IC", "Équipe", "研究員", "C-3PO"])
def test_titles_in_any_script_or_with_punctuation_are_positions(title):
    assert parse(f"{title}").ok
