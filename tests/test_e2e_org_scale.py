"""Large orgs end to end: an imported 2,000-position org, a proposal that starts from one
branch of it, approved, changes that branch only. Signed HTTP in, Web API calls to the fake."""

from __future__ import annotations

from slackbot import ids
from slackbot.org.branch import branch_keys
from slackbot.org.importing import import_org, plan_import
from tests.conftest import eventually
from tests.test_e2e_proposals import card_in, form_values, text_of, wait_card_update

UNITS, TEAMS, SQUADS = 20, 10, 9  # 1 + 20 + 200 + 1,800 positions


def org_csv() -> str:
    rows = ["title,reports_to,count", "CEO,,1"]
    for u in range(UNITS):
        rows.append(f"Unit {u},CEO,1")
        for t in range(TEAMS):
            rows.append(f"Team {u}-{t},Unit {u},1")
            rows += [f"Squad {u}-{t}-{s},Team {u}-{t},4" for s in range(SQUADS)]
    return "\n".join(rows) + "\n"


def import_big_org(bot, fake):
    services = bot.services
    plan = plan_import(
        services.store,
        fake.ws.team_id,
        org_csv(),
        catalog=services.catalog_for(fake.ws.team_id),
        people=None,
    )
    assert plan.ok, plan.result.problems[:5]
    return import_org(
        services.store,
        fake.ws.team_id,
        plan.result.structure,
        by="test",
        now=services.clock.now(),
    )


def test_a_branch_proposal_on_an_imported_2000_position_org_changes_only_that_branch(fake, bot):
    before = import_big_org(bot, fake).structure
    assert len(before) == 2021

    # the whole org does not fit in one form: the modal says so and names branches that do
    fake.slash("dana", "/org-proposal", "", channel="org-design")
    fake.wait_for("views.open", 1)
    notice = fake.open_view("dana")
    assert notice["callback_id"] != ids.PROPOSAL_MODAL
    said = text_of(notice["blocks"])
    assert "The current org is too large to edit in one form: 2,021 positions" in said
    assert "/org-proposal branch Team" in said

    # a unit is too large too; a team fits
    answer = text_of(fake.slash("dana", "/org-proposal", "branch Unit 3").json["blocks"])
    assert "The Unit 3 branch is too large to edit in one form: 101 positions" in answer
    assert "`/org-proposal branch Team 3-" in answer
    unknown = text_of(fake.slash("dana", "/org-proposal", "branch Tema 3-4").json["blocks"])
    assert "“Tema 3-4” is not a position in the current org (version 1)." in unknown
    assert "Did you mean “Team 3-4”" in unknown

    fake.slash("dana", "/org-proposal", "branch team 3-4", channel="org-design")
    fake.wait_for("views.open", 2)
    view = fake.open_view("dana")
    assert view["callback_id"] == ids.PROPOSAL_MODAL
    field = next(b for b in view["blocks"] if b.get("block_id") == ids.STRUCTURE_BLOCK)
    assert field["label"]["text"] == "The Team 3-4 branch"
    assert field["element"]["initial_value"].splitlines() == ["Team 3-4"] + [
        f"Squad 3-4-{s} x4 reports to Team 3-4" for s in range(SQUADS)
    ]
    assert "Approving it replaces this branch only" in text_of(view["blocks"])

    # a position from outside the branch is refused, inline, naming a branch that holds both
    refused = fake.submit(
        "dana",
        form_values(**{ids.STRUCTURE_BLOCK: "Team 3-4\nSquad 7-1-1 reports to Team 3-4"}),
    )
    errors = refused.json["errors"][ids.STRUCTURE_BLOCK]
    assert "“Squad 7-1-1” is already in the org outside the Team 3-4 branch" in errors
    assert "/org-proposal branch CEO" in errors

    branch = (
        "Team 3-4\n"
        "Squad 3-4-0 x6 reports to Team 3-4\n"  # grows
        "Squad 3-4-1 x4 reports to Squad 3-4-0\n"  # moves under another squad
        "Platform Guild x2 reports to Team 3-4\n"  # added; squads 2 to 8 removed
    )
    response = fake.submit(
        "dana", form_values(**{ids.STRUCTURE_BLOCK: branch, ids.REVIEWERS_BLOCK: ["U0ALEX0001"]})
    )
    assert response.status == 200 and response.body == b"", response.body
    card = eventually(lambda: [m for m in fake.messages("org-design") if "thread_ts" not in m])[-1]
    shown = text_of(card["blocks"])
    assert "Proposed Team 3-4 branch" in shown
    assert "What changes in the Team 3-4 branch of the current org (version 1)" in shown
    assert "Removed *Squad 3-4-2 ×4*" in shown or "Removed Squad 3-4-2 ×4" in shown
    assert "Squad 0-0-0" not in shown  # the rest of the org is not on the card

    fake.click("alex", card, ids.APPROVE, value="1:1")
    wait_card_update(fake)
    assert "Approved" in text_of(card_in(fake)["blocks"])

    after = bot.services.proposals.current_org(fake.ws.team_id)
    assert after.version == 2
    key = {p.title: p.key for p in [*before.positions, *after.structure.positions]}
    root = key["Team 3-4"]
    outside_before = [p for p in before.positions if p.key not in branch_keys(before, root)]
    outside_after = [
        p for p in after.structure.positions if p.key not in branch_keys(after.structure, root)
    ]
    assert [(p.key, p.reports_to, p.headcount) for p in outside_after] == [
        (p.key, p.reports_to, p.headcount) for p in outside_before
    ]
    by_key = after.structure.by_key
    assert by_key[root].reports_to == key["Unit 3"]
    assert by_key[key["Squad 3-4-0"]].headcount == 6
    assert by_key[key["Squad 3-4-1"]].reports_to == key["Squad 3-4-0"]
    assert by_key[key["Platform Guild"]].reports_to == root
    assert key["Squad 3-4-2"] not in by_key
    assert len(after.structure) == 2021 - 7 + 1

    # the current org of a large workspace is summarised within Slack's limits
    current = text_of(fake.slash("kenji", "/org-proposal", "current").json["blocks"])
    assert "2,015 positions" in current and "the top layers are shown" in current


MISTAKES = """\
title,reports_to,holder,count,status,dotted
CEO,,alex@example.com,1,,
COO,CEO,nobody@example.com,1,,
CFO,Chief Finance Guy,,1,,
Analyst,CFO,,lots,,
Analyst,COO,,1,,
Recruiter,CFO,,1,someday,
Data Lead,CFO,,1,,Head of Nothing
"""


def open_import(fake, user="alex"):
    before = len(fake.calls_to("views.open"))
    fake.slash(user, "/org-proposal", "import", channel="org-design")
    fake.wait_for("views.open", before + 1)
    return fake.open_view(user)


def test_an_import_with_mistakes_lists_every_one_with_its_line_and_changes_nothing(fake, bot):
    view = open_import(fake)
    assert view["callback_id"] == ids.ORG_IMPORT_MODAL
    response = fake.submit("alex", {ids.ORG_IMPORT_CSV_BLOCK: MISTAKES})
    error = response.json["errors"][ids.ORG_IMPORT_CSV_BLOCK]
    assert error.startswith("6 problem(s); nothing was imported:")
    for needle in (
        "Line 3: holder nobody@example.com is not the email of anyone in this Slack workspace.",
        "Line 4: “CFO” reports to “Chief Finance Guy”, which is not a title in the file.",
        "Line 5: the count of “Analyst” is “lots”",
        "Line 6: “Analyst” is listed 2 times (line 5, line 6).",
        "Line 7: the status of “Recruiter” is “someday”",
        "Line 8: “Data Lead” has a dotted line to “Head of Nothing”, which is not a title",
    ):
        assert needle in error, error
    assert bot.services.proposals.current_org(fake.ws.team_id) is None
    assert fake.calls_to("users.lookupByEmail")  # the unknown address was asked about


def test_an_admin_pastes_a_csv_checks_it_and_confirms_one_new_org_version(fake, bot):
    open_import(fake)
    text = "title,reports_to,holder,count\nCEO,,alex@example.com,1\nCOO,CEO,,1\nOps Lead,COO,,3\n"
    checked = fake.submit("alex", {ids.ORG_IMPORT_CSV_BLOCK: text})
    assert checked.json["response_action"] == "update"
    confirm = fake.open_view("alex")
    said = text_of(confirm["blocks"])
    assert "No problems found" in said and "3 positions, 5 seats." in said
    assert "first org chart of this workspace (version 1)" in said
    assert bot.services.proposals.current_org(fake.ws.team_id) is None  # not yet

    done = fake.submit("alex")  # the checked CSV, as it stands in the field
    assert done.json["response_action"] == "update"
    assert "Imported as version 1 of the org" in text_of(fake.open_view("alex")["blocks"])
    current = bot.services.proposals.current_org(fake.ws.team_id)
    assert (current.version, current.imported_by) == (1, "U0ALEX0001")
    assert [p.title for p in current.structure.positions] == ["CEO", "COO", "Ops Lead"]
    fake.resubmit("alex")  # a replayed confirmation imports nothing more
    assert bot.services.proposals.current_org(fake.ws.team_id).version == 1


def test_only_admins_may_import(fake, bot):
    view = open_import(fake, "dana")
    eventually(lambda: "Only workspace admins" in text_of(fake.open_view("dana")["blocks"]))
    assert view["callback_id"] == ids.ORG_IMPORT_MODAL
    assert bot.services.proposals.current_org(fake.ws.team_id) is None


def test_holders_of_an_imported_org_are_named_once_the_directory_is_fetched(fake, bot):
    # the import finds holders by email (users.lookupByEmail): no member directory yet
    open_import(fake)
    text = "title,reports_to,holder,count\nCEO,,alex@example.com,1\nCOO,CEO,sam@example.com,1\n"
    fake.submit("alex", {ids.ORG_IMPORT_CSV_BLOCK: text})
    fake.submit("alex")
    eventually(lambda: bot.services.proposals.current_org(fake.ws.team_id))
    fake.slash("kenji", "/org-proposal", "current")
    # the answer asks for the directory in the background, so the next one names them
    fake.wait_for("users.list")
    shown = eventually(
        lambda: (lambda t: "CEO · @alex" in t and t)(
            text_of(fake.slash("kenji", "/org-proposal", "current").json["blocks"])
        )
    )
    assert "@U0ALEX0001" not in shown and "COO · @sam" in shown
