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


# --- positions with people, open seats and dotted lines (issue 10) ----------------------


class People:
    """A HolderResolver over a fixed directory: names to ids, as the member directory does."""

    def __init__(self, members):
        self.members = members  # id -> list of names (display, real, username)

    def resolve(self, handle):
        if handle in self.members:
            return handle
        found = [
            uid
            for uid, names in self.members.items()
            if handle.casefold() in (n.casefold() for n in names)
        ]
        return found[0] if len(found) == 1 else found

    def name(self, user_id):
        names = self.members.get(user_id)
        return names[0] if names else None


people = People(
    {
        "U0MARIA": ["maria", "Maria Lopez"],
        "U0SAM": ["sam", "Sam Lee"],
        "U0SAM2": ["sam.park", "Sam Park"],
        "U0AL1": ["alex.a", "Alex"],
        "U0AL2": ["alex.b", "Alex"],
        "U0DANA": ["dana", "Dana Kim"],
        "U0JO": ["Jo Ng", "Jo"],
        "U0RIN": ["凛", "Rin"],
    }
)


def parse_with(text, resolver=people):
    return parse_structure(text, catalog, people=resolver)


CONTRACT_EXAMPLE = (
    "CEO (@maria)\n"
    "COO (@sam) reports to CEO\n"
    "CFO reports to CEO\n"
    "HR Director reports to CEO\n"
    "Operations Director (@dana) reports to COO\n"
    "Operations Manager x3, 1 open reports to Operations Director\n"
    "Data Analyst [hire] reports to CFO\n"
    "Recruiter [backfill] reports to HR Director\n"
    "Head of Data reports to CFO, dotted to COO\n"
)


def test_the_contract_example_reads_holders_seats_and_dotted_lines():
    result = parse_with(CONTRACT_EXAMPLE)
    assert result.ok, result.errors
    s = result.structure
    p = {x.title: x for x in s.positions}
    assert p["CEO"].holders == ("U0MARIA",)
    assert (p["CEO"].vacancies, p["CEO"].status) == (0, "filled")
    assert p["COO"].holders == ("U0SAM",)
    ops = p["Operations Manager"]
    assert (ops.headcount, ops.vacancies, ops.status, ops.holders) == (3, 1, "open", ())
    assert ops.reports_to == "operations-director"
    analyst = p["Data Analyst"]
    assert (analyst.headcount, analyst.vacancies, analyst.status) == (1, 1, "hire")
    assert analyst.is_vacant and analyst.reports_to == "cfo"
    assert (p["Recruiter"].status, p["Recruiter"].vacancies) == ("backfill", 1)
    head = p["Head of Data"]
    assert head.reports_to == "cfo" and head.dotted == ("coo",)
    assert s.headcount() == 11 and s.vacancies() == 3
    assert s.dotted_reports("coo") == [head]
    assert [c.title for c in s.children("ceo")] == ["COO", "CFO", "HR Director"]


def test_the_tree_shows_holders_seats_and_dotted_lines_on_each_line():
    s = parse_with(CONTRACT_EXAMPLE).structure
    assert s.tree_lines() == [
        "CEO · <@U0MARIA>",
        "├─ COO · <@U0SAM>",
        "│  └─ Operations Director · <@U0DANA>",
        "│     └─ Operations Manager ×3 · 1 open",
        "├─ CFO",
        "│  ├─ Data Analyst · to hire",
        "│  └─ Head of Data ┄ dotted to COO",
        "└─ HR Director",
        "   └─ Recruiter · backfill",
    ]
    assert s.tree_lines(holder=lambda uid: "@" + people.name(uid))[0] == "CEO · @maria"
    assert s.tree_lines(plain=True)[3] == "│     └─ Operations Manager ×3"


@pytest.mark.parametrize(
    "text",
    [
        CONTRACT_EXAMPLE,
        "CEO (@maria)\nCOO (@sam, @dana) x3, 1 to hire reports to CEO",
        "CEO\nOps Lead x4 (@dana), 2 backfill reports to CEO, dotted to CFO\nCFO reports to CEO",
        "CEO\nCFO [open] reports to CEO\nCTO x2 [hire] reports to CEO, dotted to CFO",
        "研究所長 (@凛)\n研究員 x5, 2 open reports to 研究所長\n🚀 Launch Lead [hire] reports to 研究所長",
        "CEO (<@U0DANA>)",
    ],
)
def test_text_round_trips_through_to_text_and_json(text):
    s = parse_with(text).structure
    assert s, parse_with(text).errors
    again = parse_with(s.to_text(people)).structure
    assert [_no_line(p) for p in again.positions] == [_no_line(p) for p in s.positions]
    assert Structure.from_json(s.to_json()) == s
    # without names every holder is written as an id, which any parser reads back
    bare = parse_structure(s.to_text(), catalog).structure
    assert [_no_line(p) for p in bare.positions] == [_no_line(p) for p in s.positions]


def _no_line(position):
    from dataclasses import replace

    return replace(position, line=0)


def test_to_text_writes_names_only_when_they_read_back_as_that_person():
    s = parse_with(
        "CEO (@maria)\nCOO (<@U0SAM2>) reports to CEO\nCFO (@jo ng) reports to CEO"
    ).structure
    # sam.park's first name is unique; "Jo Ng" holds a space and reads back as one person
    assert s.to_text(people) == (
        "CEO (@maria)\nCOO (@sam.park) reports to CEO\nCFO (@Jo Ng) reports to CEO"
    )
    ambiguous = People({"U1": ["sam"], "U2": ["sam"]})
    assert Structure(s.positions[:1]).to_text(ambiguous) == "CEO (<@U0MARIA>)"


def test_json_from_0_2_0_loads_unchanged_and_new_keys_are_written_only_when_used():
    old = (
        '[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, '
        '"reports_to": null, "line": 1}, {"title": "Ops Manager", "key": "operations-manager", '
        '"role_id": "operations-manager", "headcount": 3, "reports_to": "ceo", "line": 2}]'
    )
    s = Structure.from_json(old)
    assert [(p.holders, p.vacancies, p.status, p.dotted) for p in s.positions] == [
        ((), 0, "filled", ())
    ] * 2
    assert s.to_json() == old
    new = parse_with("CEO (@maria)\nCOO [hire] reports to CEO, dotted to CEO x").structure
    assert not new  # an unknown dotted target
    new = parse_with("CEO (@maria)\nCFO reports to CEO\nCOO [hire] reports to CEO, dotted to CFO")
    rows = __import__("json").loads(new.structure.to_json())
    assert rows[0]["holders"] == ["U0MARIA"] and "status" not in rows[0]
    assert (rows[2]["vacancies"], rows[2]["status"], rows[2]["dotted"]) == (1, "hire", ["cfo"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ops Manager x3, 1 open", (3, 1, "open")),
        ("Ops Manager ×3 (1 open)", (3, 1, "open")),
        ("Ops Manager x3, 2 to hire", (3, 2, "hire")),
        ("Ops Manager x3, 2 hiring", (3, 2, "hire")),
        ("Ops Manager x3, 1 backfill", (3, 1, "backfill")),
        ("Ops Manager x3, 1 vacant", (3, 1, "open")),
        ("Ops Manager x3 [open]", (3, 3, "open")),
        ("Ops Manager x3 (@dana) [hire]", (3, 2, "hire")),
        ("Ops Manager (@dana) x3 [2 hire]", (3, 2, "hire")),
        ("Ops Manager [Open]", (1, 1, "open")),
        ("Ops Manager [to hire]", (1, 1, "hire")),
        ("Ops Manager x3, 0 open", (3, 0, "filled")),
        ("Ops Manager x3 (@dana, @sam)", (3, 0, "filled")),
    ],
)
def test_seats_read_naturally_in_any_order(text, expected):
    result = parse_with(text)
    assert result.ok, result.errors
    p = result.structure.positions[0]
    assert (p.headcount, p.vacancies, p.status) == expected
    assert p.title == "Ops Manager"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "CEO\nOps x2, 3 open reports to CEO",
            "Line 2: “Ops” has 2 seats; 3 open is more than that",
        ),
        ("CEO\nOps, 2 open reports to CEO", "“Ops” has 1 seat; 2 open"),
        ("CEO\nOps [contractor] reports to CEO", "Line 2: “[contractor]” is not a status"),
        ("CEO\nOps [] reports to CEO", "“[]” is not a status"),
        ("CEO\nOps x2 (@dana, @sam, @maria) reports to CEO", "names 3 holders for 2 filled seats"),
        ("CEO\nOps x2, 1 open (@dana, @sam) reports to CEO", "names 2 holders for 1 filled seat"),
        ("CEO (@maria) [open]", "Line 1: “CEO” is marked open but every seat has a holder"),
        ("CEO\nOps [hire], 1 open reports to CEO", "is marked both"),
        ("CEO\nOps x2 x3 reports to CEO", "write its count once"),
        ("CEO (@nobody)", "Line 1: nobody in this workspace is called “@nobody”"),
        ("CEO (@ALEX)", "“@ALEX” (holder of “CEO”) could be 2 people"),
        ("CEO x2 (@dana, @Dana Kim)", "“@Dana Kim” is named twice as holder of “CEO”"),
        ("CEO x2 (@dana, dana)", "“dana” in the holders of “CEO” is not a person"),
        ("CEO x2 (@dana, )", "“” in the holders"),
        ("CEO\nCOO reports to CEO, dotted to CXO", "Line 2: “COO” has a dotted line to “CXO”"),
        ("CEO\nCOO reports to CEO, dotted to CEOO", "Did you mean “CEO”?"),
        ("CEO\nCOO reports to CEO, dotted to COO", "“COO” can't have a dotted line to itself"),
        ("CEO\nCOO reports to CEO, dotted to CEO", "“COO” already reports to CEO"),
        (
            "CEO\nCFO reports to CEO\nCOO reports to CEO, dotted to CFO, Chief Financial Officer",
            "the dotted line from “COO” to CFO is written twice",
        ),
        ("CEO\nCOO reports to CEO, dotted to", "“COO” has a dotted line to whom?"),
        ("CEO\nCOO reports to CEO, dotted to ., CEO", "which is not a position title"),
    ],
)
def test_mistakes_in_people_seats_and_dotted_lines_are_named(text, error):
    result = parse_with(text)
    assert not result.ok
    assert any(error in e for e in result.errors), result.errors
    assert not result.structure


def test_ids_pass_without_a_resolver_and_names_say_they_cannot_be_looked_up():
    result = parse_structure("CEO (<@U0ABC|maria>)\nCOO (@W0XYZ12) reports to CEO", catalog)
    assert result.ok, result.errors
    assert [p.holders for p in result.structure.positions] == [("U0ABC",), ("W0XYZ12",)]
    result = parse_structure("CEO (@maria)", catalog)
    assert result.errors == [
        "Line 1: “@maria” can't be looked up here; write holders as user ids (`<@U012AB3CD>`)."
    ]


def test_an_id_the_directory_knows_is_not_a_member_is_a_mistake():
    class Strict(People):
        def resolve(self, handle):
            return handle if handle in self.members else []

    result = parse_with("CEO (<@U0GONE>)", Strict({"U0MARIA": ["maria"]}))
    assert result.errors == [
        "Line 1: “<@U0GONE>” (holder of “CEO”) is not a member of this workspace."
    ]


def test_ambiguous_names_list_the_candidates_and_unknown_ones_suggest():
    class Suggesting(People):
        def suggest(self, handle):
            return ["dana"] if handle.startswith("dan") else []

        def describe(self, user_id):
            return f"{self.members[user_id][1]} (@{self.members[user_id][0]})"

    result = parse_with("CEO (@alex)\nCOO (@danna) reports to CEO", Suggesting(people.members))
    assert result.errors == [
        "Line 1: “@alex” (holder of “CEO”) could be 2 people: Alex (@alex.a), Alex "
        "(@alex.b). Write the one you mean by a name only they have, or as <@U…>.",
        "Line 2: nobody in this workspace is called “@danna” (holder of “COO”). Did you mean "
        "“@dana”?",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Head of Data also reports to COO",
        "Head of Data dotted-line to COO",
        "Head of Data, dotted to COO",
        "Head of Data dotted to COO; CEO",
        "Head of Data, dotted to COO, reports to CEO",
    ],
)
def test_dotted_lines_are_written_several_ways(text):
    result = parse_with("CEO\nCOO reports to CEO\n" + text.replace(", reports to CEO", ""))
    if "reports to CEO" in text:
        result = parse_with("CEO\nCOO reports to CEO\n" + text)
        assert result.structure.by_key["title:head of data"].reports_to == "ceo"
    assert result.ok, result.errors
    assert result.structure.by_key["title:head of data"].dotted[0] == "coo"


def test_titles_in_other_scripts_are_distinct_positions():
    result = parse_with(
        "研究所長\n研究員 x3 reports to 研究所長\n工程師 reports to 研究所長\nÉquipe reports to 研究所長"
    )
    assert result.ok, result.errors
    assert len({p.key for p in result.structure.positions}) == 4
    assert parse_with("研究員\n研究員 x2").errors[0].startswith("Line 2: “研究員” is listed twice")


def test_emoji_in_titles_and_a_trailing_comment():
    result = parse_with(
        "🚀 Launch Lead (@dana) # the rocket team\n🛠️ Fixer [hire] reports to 🚀 Launch Lead"
    )
    assert result.ok, result.errors
    assert [p.title for p in result.structure.positions] == ["🚀 Launch Lead", "🛠️ Fixer"]


def test_diff_names_holder_seat_and_dotted_line_changes():
    current = parse_with(
        "CEO (@maria)\nCOO (@dana) reports to CEO\nCFO reports to CEO\nOps x3 reports to COO"
    ).structure
    proposed = parse_with(
        "CEO (@maria)\nCOO (@sam) reports to CEO\nCFO [backfill] reports to CEO\n"
        "Ops x3, 1 open reports to COO, dotted to CFO"
    ).structure
    assert [(c.kind, c.title, c.before, c.after) for c in diff(current, proposed)] == [
        ("holders", "COO", "<@U0DANA>", "<@U0SAM>"),
        ("seats", "CFO", "", "backfill"),
        ("seats", "Ops", "", "1 open"),
        ("dotted", "Ops", "", "CFO"),
    ]


def test_children_use_an_index_built_once():
    text = "CEO\n" + "\n".join(f"Team {i} reports to CEO" for i in range(3000))
    s = parse_structure(text, catalog, max_positions=None).structure
    assert len(s.children("ceo")) == 3000
    assert s._children is s._children  # cached
    assert len(s.tree_lines()) == 3001


@pytest.mark.parametrize(
    "text",
    [
        "CEO\nCOO reports to CEO, dotted to Ops\nOps reports to COO",
        "CEO, dotted to Analyst\nCOO reports to CEO\nOps reports to COO\nAnalyst reports to Ops",
    ],
)
def test_a_dotted_line_to_ones_own_report_is_a_loop_named_with_its_line(text):
    from slackbot.org.parse import parse_structure as parse

    result = parse(text, load_catalog())
    assert not result.ok
    [problem] = result.errors
    assert "has a dotted line to" in problem and "who reports to it" in problem
    assert problem.startswith("Line 2:" if text.startswith("CEO\n") else "Line 1:")
    assert "Remove the dotted line" in problem
