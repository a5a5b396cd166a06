"""The skimmable answer: the verdict, the side-by-side, themes at a glance, and the size of
the default Slack answer against the full comparison behind its button."""

import itertools

from roles import compare, load_catalog
from roles.summary import side_by_side, themes_at_a_glance, verdict
from slackbot import ids
from slackbot.blockkit.limits import check_message, check_view
from slackbot.blockkit.render import render_blocks
from slackbot.ui import comparison as ui

catalog = load_catalog()
PAIRS = list(itertools.permutations(catalog, 2))
# the roles with the most text, where four-role answers are longest
WIDEST = sorted(catalog, key=lambda r: -len(r.summary + "".join(r.kpis + r.signs_you_need)))[:8]
VISIBLE_LIMIT = 3_500


def visible(blocks) -> int:
    return len(render_blocks(blocks, width=10_000).text)


def test_the_seed_verdict_carries_the_contrast_and_the_reporting_line():
    assert verdict(catalog, (catalog["coo"], catalog["operations-director"])) == (
        "The COO is strategic and company-wide; the Operations Director is tactical and "
        "departmental, and reports to the COO."
    )
    assert verdict(catalog, (catalog["operations-director"], catalog["coo"])) == (
        "The Operations Director is tactical and departmental, and reports to the COO; "
        "the COO is strategic and company-wide."
    )


def test_a_verdict_names_the_function_when_level_and_scope_are_alike():
    assert verdict(catalog, (catalog["cfo"], catalog["cmo"])) == (
        "The CFO (finance) and the CMO (marketing) are both strategic and company-wide "
        "C-suite officers; both report to the CEO."
    )
    four = verdict(catalog, [catalog[i] for i in ("coo", "cfo", "cmo", "operations-director")])
    assert four == (
        "The COO, CFO and CMO are strategic and company-wide; the Operations Director is "
        "tactical and departmental, and reports to the COO."
    )


def test_a_verdict_says_when_the_roles_sit_on_one_rung():
    assert verdict(catalog, (catalog["product-manager"], catalog["project-manager"])) == (
        "The Product Manager (product) is tactical; the Project Manager (project delivery) "
        "is operational; both are individual contributors."
    )


def test_every_pair_gets_one_true_sentence():
    for a, b in PAIRS:
        text = verdict(catalog, (a, b))
        assert text.endswith(".") and "\n" not in text and len(text) <= 300, (a.id, b.id)
        assert a.short_name in text and b.short_name in text, (a.id, b.id)
        assert " only " not in f" {text.lower()} ", (a.id, b.id)
        # a reporting line is said exactly when the catalog has it
        for x, y in ((a, b), (b, a)):
            if x.reports_to == y.id:
                assert f"reports to the {y.short_name}" in text, (a.id, b.id)
        if "both report to" in text or "reporting to" in text:
            assert a.reports_to == b.reports_to, (a.id, b.id)
        if "both are" in text or "sits higher" in text:
            assert ("both are" in text) == (a.rank == b.rank), (a.id, b.id)
        for focus in ("strategic", "tactical", "operational"):
            if f"is {focus}" in text:
                assert focus in (a.focus, b.focus), (a.id, b.id)


def test_side_by_side_has_level_focus_scope_and_reports_to():
    coo, od = side_by_side(catalog, (catalog["coo"], catalog["operations-director"]))
    assert (coo.level, coo.focus, coo.scope, coo.reports_to) == (
        "C-suite · Executive", "Strategic", "Whole organization", "CEO",
    )  # fmt: skip
    assert (od.level, od.focus, od.scope, od.reports_to) == (
        "Director · Senior management", "Tactical", "Department", "COO",
    )  # fmt: skip
    [pm] = side_by_side(catalog, (catalog["product-manager"],))
    assert pm.level == "Individual contributor"


def test_themes_at_a_glance_say_only_what_the_catalog_says():
    label_to_theme = {label: theme for theme, label in catalog.themes.items()}
    for a, b in PAIRS:
        glance = themes_at_a_glance(compare(catalog, (a, b)))
        shared = 0
        for line in glance:
            if line.heading.startswith("Both cover"):
                shared = len(line.labels)
                continue
            word, _, name = line.heading.partition(" the ")
            role, other = (a, b) if name == a.short_name else (b, a)
            assert name == role.short_name, (a.id, b.id, line)
            for label in line.labels:
                theme = label_to_theme[label]
                assert theme in role.themes and theme not in other.themes, (a.id, b.id, label)
                if word == "Only":
                    assert theme in other.not_responsible_for, (a.id, b.id, label)
        assert shared == len(a.themes & b.themes), (a.id, b.id)
    coo_od = themes_at_a_glance(compare(catalog, (catalog["coo"], catalog["operations-director"])))
    assert coo_od[0].heading == "Both cover, each at its own scope"
    assert "Day-to-day operations" in coo_od[0].labels
    assert coo_od[1].heading == "Mainly the COO"


def test_the_answer_opens_with_the_verdict_and_offers_the_full_comparison():
    comparison = compare(catalog, (catalog["coo"], catalog["operations-director"]))
    message = ui.comparison_message(comparison, catalog)
    blocks = message["blocks"]
    assert blocks[0]["type"] == "header"
    assert blocks[1]["text"]["text"].startswith("*The COO is strategic and company-wide;")
    assert [f["text"].split("\n")[0] for f in blocks[2]["fields"]] == [
        "*COO* · operations",
        "*Operations Director* · operations",
    ]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0]["action_id"] == ids.OPEN_FULL_COMPARISON
    assert buttons[0]["value"] == "coo,operations-director"
    assert message["text"].startswith("COO vs Operations Director: The COO is strategic")
    # the long summaries and KPIs are behind the button, not in the answer
    text = render_blocks(blocks, width=10_000).text
    assert catalog["coo"].kpis[0] not in text and "second-in-command" not in text


def test_the_default_answer_stays_short_and_the_full_view_fits_a_modal():
    for a, b in PAIRS:
        comparison = compare(catalog, (a, b))
        message = ui.comparison_message(comparison, catalog)
        assert visible(message["blocks"]) <= VISIBLE_LIMIT, (a.id, b.id)
        assert check_message(message) == [], (a.id, b.id)
        blocks = ui.full_comparison_blocks(comparison, catalog)
        assert len(blocks) <= 100  # nothing cut off by the view's block limit
        assert check_view(ui.full_comparison_modal(comparison, catalog)) == [], (a.id, b.id)
    coo_od = compare(catalog, (catalog["coo"], catalog["operations-director"]))
    assert visible(ui.comparison_message(coo_od, catalog)["blocks"]) <= 1_600


def test_four_roles_stay_readable():
    for group in itertools.combinations(WIDEST, 4):
        comparison = compare(catalog, group)
        message = ui.comparison_message(comparison, catalog)
        assert check_message(message) == [], [r.id for r in group]
        assert visible(message["blocks"]) <= 2 * VISIBLE_LIMIT, [r.id for r in group]
        # one side-by-side block, two columns in Slack: four roles read as a 2x2 grid
        assert len(message["blocks"][2]["fields"]) == 4
        blocks = ui.full_comparison_blocks(comparison, catalog)
        assert len(blocks) <= 100
        assert check_view(ui.full_comparison_modal(comparison, catalog)) == []


def test_the_onet_credit_appears_once_in_the_full_view_only():
    comparison = compare(catalog, (catalog["coo"], catalog["operations-director"]))
    answer = render_blocks(ui.comparison_message(comparison, catalog)["blocks"]).text
    full = render_blocks(ui.full_comparison_modal(comparison, catalog)["blocks"]).text
    assert "O*NET" not in answer
    assert full.count("USDOL/ETA") >= 1 and full.count("CC BY 4.0") == 1
    assert "creativecommons.org/licenses/by/4.0" in full


def test_orgbot_compare_prints_the_verdict_first_and_the_rest_with_full(capsys):
    from slackbot.cli import main

    assert main(["compare", "--width", "10000", "COO", "vs", "Operations", "Director"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "COO VS OPERATIONS DIRECTOR"
    assert lines[2].startswith("The COO is strategic and company-wide; the Operations Director")
    assert lines[3].strip() == "COO · operations" and "Level: C-suite · Executive" in lines[4]
    assert "orgbot compare --full COO vs Operations Director" in out
    assert "second-in-command" not in out and len(out) <= VISIBLE_LIMIT

    assert main(["compare", "--full", "--width", "10000", "COO", "vs", "Operations Director"]) == 0
    full = capsys.readouterr().out
    assert full.splitlines()[2] == lines[2]  # the same order: verdict first...
    assert full.index("Level: C-suite") < full.index("second-in-command")  # ...details last
    assert full.index("second-in-command") < full.index("When to choose which")
    assert full.count("O*NET-SOC") == 1 and "--full" not in full


def test_a_workspace_role_is_marked_as_its_own_in_the_side_by_side():
    from dataclasses import replace

    ours = catalog.with_roles([replace(catalog["coo"], summary="Our COO. Runs it all.")])
    comparison = compare(ours, (ours["coo"], ours["operations-director"]))
    coo, od = ui.comparison_message(comparison, ours)["blocks"][2]["fields"]
    assert "this workspace's own" in coo["text"] and "_Our COO._" in coo["text"]
    assert "this workspace's own" not in od["text"]


def test_a_role_between_two_on_the_ladder_is_who_the_lower_one_reports_to():
    # the Operations Director reports to the COO (the seed), or to the VP of Operations
    # where there is one: compared with the VP, "both report to the COO" flattens the ladder
    pair = verdict(catalog, (catalog["vp-operations"], catalog["operations-director"]))
    assert "both report to the COO" not in pair
    assert "the Operations Director is departmental, and reports to the Vice President" in pair
    ladder = verdict(
        catalog,
        [catalog[i] for i in ("coo", "vp-operations", "operations-director", "operations-manager")],
    )
    assert "the Operations Director is tactical and departmental, and reports to the Vice" in (
        ladder.replace("\n", " ")
    )


def test_no_verdict_flattens_the_ladder_or_puts_the_chair_under_the_board():
    roles = list(catalog)
    for a in roles:
        for b in roles:
            if a.id == b.id:
                continue
            text = verdict(catalog, (a, b))
            if 0 in (a.rank, b.rank):  # the chair leads the board it is "answerable" to
                assert "report to the board" not in text, text
            between = a.function == b.function and a.reports_to == b.reports_to
            if between and a.rank < b.rank and a.reports_to in catalog:
                assert "both report to" not in text, text
