"""A workspace's own roles end to end: added and changed in the modal by an admin, refused
for everyone else, compared in `/role-compare`, offered in the picker, recognised in
proposals, exported and imported with the CLI. Signed HTTP in, Web API calls to the fake."""

from __future__ import annotations

import pytest

from roles import load_catalog
from slackbot import cli, ids
from slackbot.blockkit.render import render_blocks
from tests.conftest import eventually
from tests.test_e2e_proposals import propose, text_of

ALEX, DANA = "U0ALEX0001", "U0DANA0002"  # alex is a workspace admin, dana is not
CHAPTER_LEAD = {
    "id": "chapter-lead",
    "title": "Chapter Lead",
    "abbreviation": "",
    "aliases": "chapter leader",
    "summary": "Leads a chapter: the people of one craft across several squads, and how they grow.",
    "reports_to": "COO",
}


def shown(message: dict) -> str:
    return render_blocks(message["blocks"], width=10_000).text


def open_role_form(fake, user: str, text: str) -> dict:
    before = len(fake.calls_to("views.open"))
    response = fake.slash(user, "/role-compare", text)
    assert response.status == 200 and response.body == b""
    fake.wait_for("views.open", before + 1)
    view = fake.open_view(user)
    assert view["callback_id"] == ids.ROLE_FORM
    return view


def add_chapter_lead(fake, **changes):
    open_role_form(fake, "alex", "add Project Manager")  # start from a shipped role
    return fake.submit("alex", {**CHAPTER_LEAD, **changes})


def test_an_admin_adds_a_role_in_the_modal_and_everyone_compares_it(fake, bot):
    response = add_chapter_lead(fake)

    assert response.json["response_action"] == "update"
    saved = fake.open_view("alex")
    assert saved["callback_id"] == ids.ROLE_SAVED
    assert "Saved Chapter Lead for this workspace" in shown(saved)
    # kept from the Project Manager the form started from
    assert "Plans the project's scope" in shown(saved)

    body = fake.slash("dana", "/role-compare", "Chapter Lead vs Project Manager").json
    assert body["blocks"][0]["text"]["text"] == "Chapter Lead vs Project Manager"
    assert "Chapter Lead is this workspace's own role" in shown(body)
    card = fake.slash("dana", "/role-compare", "chapter leader").json
    assert card["blocks"][0]["text"]["text"] == "Chapter Lead"
    assert "this workspace's own role" in shown(card)
    [change] = bot.services.catalogs.roles.history(fake.ws.team_id)
    assert (change.role_id, change.changed_by, change.via) == ("chapter-lead", ALEX, "slack")


def test_non_admins_see_the_modal_turn_into_a_refusal_and_nothing_is_stored(fake, bot):
    for n, text in enumerate(("add", "edit COO"), start=1):
        response = fake.slash("dana", "/role-compare", text)
        assert response.status == 200 and response.body == b""
        # the modal opens first (the trigger id dies in 3 s), then becomes a polite no
        fake.wait_for("views.update", n)
        view = fake.open_view("dana")
        assert view["callback_id"] != ids.ROLE_FORM and not view.get("submit")
        assert "Only workspace admins and the people listed in ORGBOT_ADMINS" in shown(view)
    # a forged submission of the form is refused as well
    assert bot.services.catalogs.roles.stored(fake.ws.team_id) == []


def test_the_role_form_opens_before_the_admin_check_so_a_slow_users_info_cannot_expire_it(
    fake, bot
):
    fake.delay_next("users.info", 4)
    fake.slash("alex", "/role-compare", "add")
    [call] = fake.wait_for("views.open")
    assert call.response["ok"], call.response
    assert fake.open_view("alex")["callback_id"] == ids.ROLE_FORM
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, ALEX, cached=True), timeout=8)
    assert fake.open_view("alex")["callback_id"] == ids.ROLE_FORM
    assert fake.calls_to("views.update") == []


def test_the_modal_names_the_field_of_each_mistake(fake, bot):
    open_role_form(fake, "alex", "add")
    blank = fake.submit("alex", {"id": "chapter-lead", "title": "Chapter Lead"})
    assert set(blank.json["errors"]) >= {
        "summary",
        "function",
        "rank",
        "level",
        "responsibilities",
        "reports_to",
    }

    open_role_form(fake, "alex", "add Project Manager")
    taken = fake.submit("alex", {**CHAPTER_LEAD, "title": "Chief Operating Officer"})
    assert list(taken.json["errors"]) == ["title"]
    assert (
        "`title` “Chief Operating Officer” already names the Chief Operating Officer"
        in (taken.json["errors"]["title"])
    )
    bad_theme = fake.submit("alex", {**CHAPTER_LEAD, "responsibilities": "magic: does things"})
    assert "line 1: “magic” is not a theme" in bad_theme.json["errors"]["responsibilities"]
    bad_id = fake.submit("alex", {**CHAPTER_LEAD, "id": "Chapter Lead"})
    assert bad_id.json["errors"]["id"].startswith("`id` must be lowercase letters")
    unknown_manager = fake.submit("alex", {**CHAPTER_LEAD, "reports_to": "Chief Vibes Officer"})
    assert (
        "“Chief Vibes Officer” is not a role here" in unknown_manager.json["errors"]["reports_to"]
    )
    assert bot.services.catalogs.roles.stored(fake.ws.team_id) == []


def test_editing_a_shipped_role_changes_it_for_this_workspace_only(fake, bot):
    view = open_role_form(fake, "alex", "edit COO")
    assert "replaces the shipped role here only" in shown(view)
    response = fake.submit("alex", {"summary": "Our COO runs the three plants and logistics."})
    assert response.json["response_action"] == "update"

    card = fake.slash("dana", "/role-compare", "COO").json
    assert "Our COO runs the three plants and logistics." in shown(card)
    assert "COO is this workspace's own role" in shown(card)
    assert "Our COO" not in load_catalog()["coo"].summary  # the shipped file is untouched
    assert "Our COO" not in bot.services.catalog_for("T0OTHER99")["coo"].summary

    # the picker offers the workspace's roles, marked
    fake.slash("dana", "/role-compare", "")
    fake.wait_for("views.open", 2)
    picker = fake.open_view("dana")
    labels = [o["text"]["text"] for o in picker["blocks"][0]["element"]["options"]]
    assert "Chief Operating Officer (COO) · our own" in labels
    result = fake.submit("dana", {"pick_role_1": "coo", "pick_role_2": "ceo"})
    assert "COO is this workspace's own role" in shown(result.json["view"])


def test_a_proposal_recognises_the_workspace_role(fake, bot):
    add_chapter_lead(fake)
    structure = "CEO\nCOO reports to CEO\nChapter Lead x4 reports to COO"
    card = propose(fake, structure=structure)
    text = text_of(card["blocks"])
    assert "From the role catalog: CEO, COO, Chapter Lead (this workspace's own role)" in text
    # the role picked under a decided card, or from the author's menu, is marked too
    fake.click("dana", card, ids.SHOW_ROLE_CARD, selected="chapter-lead")
    fake.wait_for("response_url")
    [shown_card] = fake.ephemerals("dana")
    assert "Chapter Lead is this workspace's own role" in text_of(shown_card.message["blocks"])


def test_roles_export_and_import_with_the_cli(fake, bot, config, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ORGBOT_DB", config.db_path)
    team = fake.ws.team_id
    add_chapter_lead(fake)
    exported = tmp_path / "ours.toml"

    assert cli.main(["roles", "export", "--team", team, "-o", str(exported)]) == 0
    text = exported.read_text()
    assert 'id = "chapter-lead"' in text
    # a second role in the same file, written from the first
    guild = (
        text.split("[[roles]]", 1)[1]
        .replace('"chapter-lead"', '"guild-lead"')
        .replace('"Chapter Lead"', '"Guild Lead"')
        .replace('["chapter leader"]', "[]")
    )
    exported.write_text(text + "\n[[roles]]" + guild)
    assert cli.main(["roles", "import", str(exported), "--team", team, "--by", "ops"]) == 0
    assert "imported 2 role(s)" in capsys.readouterr().out

    # the running bot sees what another connection (the CLI) stored
    body = fake.slash("dana", "/role-compare", "Guild Lead vs Chapter Lead").json
    assert body["blocks"][0]["text"]["text"] == "Guild Lead vs Chapter Lead"
    assert "Guild Lead and Chapter Lead are this workspace's own roles" in shown(body)

    assert cli.main(["compare", "--team", team, "Guild Lead vs Chapter Lead"]) == 0
    assert "this workspace's own roles" in capsys.readouterr().out
    assert cli.main(["compare", "Guild Lead vs Chapter Lead"]) == 1  # not shipped

    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('level = "', 'level = "boss-', 1))
    assert cli.main(["roles", "import", str(bad), "--team", team]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, role 1 (chapter-lead): `level` is 'boss-" in err
    assert "nothing was imported" in err
    assert len(bot.services.catalogs.roles.history(team)) == 3  # the modal, then two


@pytest.mark.parametrize("text", ["edit", "edit Chief Vibes Officer"])
def test_edit_without_a_known_role_says_what_to_do(fake, bot, text):
    fake.slash("alex", "/role-compare", text)
    fake.wait_for("response_url")
    [note] = fake.ephemerals("alex")
    assert "/role-compare add" in shown(note.message)
    assert fake.calls_to("views.open") == []
    eventually(lambda: True)


def test_the_picker_groups_the_roles_when_there_are_more_than_slack_lists(fake, bot):
    from bench.run import add_workspace_roles

    add_workspace_roles(bot.services, fake.ws.team_id, 60)
    assert len(bot.services.catalog_for(fake.ws.team_id)) > 100
    fake.slash("dana", "/role-compare", "")
    fake.wait_for("views.open")
    element = fake.open_view("dana")["blocks"][0]["element"]
    assert "options" not in element
    groups = element["option_groups"]
    assert groups[0]["label"]["text"] == "This workspace's roles"
    assert len(groups[0]["options"]) == 60
    assert all(len(g["options"]) <= 100 for g in groups)

    result = fake.submit("dana", {"pick_role_1": "bench-role-0", "pick_role_2": "coo"})
    shown_view = result.json["view"]
    assert "this workspace's own role" in shown(shown_view)
    # the fake checked every view against Block Kit's limits (the fixture fails on problems)
