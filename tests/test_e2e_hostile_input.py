"""Input written to hurt: numbers too big for the database, formulas for a spreadsheet,
forged modal metadata, mentions hidden in position titles."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from roles import load_catalog
from slackbot import ids
from slackbot.cli import main
from slackbot.clock import ManualClock
from slackbot.org.structure import parse_structure
from slackbot.proposals import Draft, ProposalService
from slackbot.store import Store
from tests.conftest import eventually
from tests.test_e2e_proposals import ALEX, card_in, open_form, propose, text_of

HUGE = "99999999999999999999"


@pytest.mark.parametrize("text", [HUGE, f"show {HUGE}", f"#{HUGE}"])
def test_a_proposal_number_too_big_for_the_database_is_just_not_there(fake, bot, text):
    answer = text_of(fake.slash("kenji", "/org-proposal", text).json["blocks"])
    assert f"There is no proposal #{HUGE}" in answer
    assert "Something went wrong" not in answer


def test_a_button_naming_a_proposal_too_big_for_the_database_is_answered(fake, bot):
    card = propose(fake)
    with fake.lock:  # a forged button value, as a crafted request would carry
        shown = fake.ws.find_message("C0ORGDES02", card["ts"])
        shown["blocks"] = json.loads(json.dumps(shown["blocks"]).replace('"1:1"', f'"{HUGE}:1"'))
    fake.click("alex", card, ids.APPROVE, value=f"{HUGE}:1")
    said = " ".join(e.message.get("text", "") for e in eventually(lambda: fake.ephemerals("alex")))
    assert "That button is no longer valid" in said and "Something went wrong" not in said


@pytest.mark.parametrize(
    "metadata",
    [
        '{"base": "1"}',
        '{"base": [1]}',
        '{"base": true}',
        '{"base": -1}',
        '{"base": 0, "proposal_id": "1"}',
        f'{{"base": 0, "proposal_id": {HUGE}}}',
        "not json",
        "[0]",
    ],
)
def test_forged_modal_metadata_is_refused_inline_and_nothing_is_stored(fake, bot, metadata):
    open_form(fake)
    forge_metadata(fake, "dana", metadata)
    response = fake.submit("dana", {ids.TITLE_BLOCK: "Forged", ids.REVIEWERS_BLOCK: [ALEX]})
    assert response.status == 200
    answer = response.json
    assert answer["response_action"] == "errors"
    assert "came back from Slack changed" in answer["errors"][ids.TITLE_BLOCK]
    assert bot.services.store.db["proposals"].count == 0


def forge_metadata(fake, user: str, metadata: str) -> None:
    with fake.lock:  # what no Slack client can do: change the modal's hidden state
        top = fake.ws.stacks[fake.ws.user(user).id][-1]
        fake.ws.views[top].view["private_metadata"] = metadata


@pytest.mark.parametrize(
    "metadata",
    [
        '{"proposal_id": "1", "kind": "commented"}',
        '{"proposal_id": 1, "kind": "approved"}',
        '{"proposal_id": 1, "kind": "commented", "version": "x"}',
        f'{{"proposal_id": {HUGE}, "kind": "commented"}}',
        '{"kind": "commented"}',
        "",
        "null",
    ],
)
def test_forged_metadata_on_the_comment_modal_is_refused_inline(fake, bot, metadata):
    card = propose(fake)
    fake.click("kenji", card, ids.COMMENT, value="1:1")
    fake.wait_for("views.open", 2)
    forge_metadata(fake, "kenji", metadata)
    response = fake.submit("kenji", {ids.COMMENT_BLOCK: "What about the CFO?"})
    assert response.json["response_action"] == "errors"
    assert "came back from Slack changed" in response.json["errors"][ids.COMMENT_BLOCK]
    assert fake.ws.replies("C0ORGDES02", card["ts"]) == []


def test_position_titles_in_the_edit_note_mention_nobody(fake, bot):
    first = propose(
        fake,
        **{
            ids.TITLE_BLOCK: "Add a lead",
            ids.STRUCTURE_BLOCK: "CEO\n<!channel> Lead <@U0ALEX0001> reports to CEO",
            ids.REVIEWERS_BLOCK: [ALEX],
        },
    )
    propose(fake, **{ids.TITLE_BLOCK: "Add a CMO", ids.STRUCTURE_BLOCK: "CEO\nCMO reports to CEO"})
    fake.click("alex", first, ids.APPROVE, value="1:1")
    fake.wait_for("chat.update", 2)
    fake.click("dana", card_in(fake), ids.EDIT, value="2")
    fake.wait_for("views.open", 3)
    raw = json.dumps(fake.open_view("dana")["blocks"])
    assert "The org chart changed since" in raw
    assert "&lt;!channel&gt; Lead &lt;@U0ALEX0001&gt;" in raw
    assert "<!channel>" not in raw and "<@U0ALEX0001>" not in raw


def test_csv_cells_that_a_spreadsheet_would_run_are_text_and_json_stays_exact(
    tmp_path, monkeypatch, capsys
):
    title = '=HYPERLINK("https://evil.example","click")'
    comments = ["+1 looks right", "-2 positions", "@SUM(A1:A9)", "\tindented", "\rreturn", "fine"]
    store = Store(tmp_path / "o.db")
    service = ProposalService(store, ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC)))
    text = "CEO\nCOO reports to CEO"
    draft = Draft(
        title,
        "why",
        text,
        parse_structure(text, load_catalog()).structure,
        ("UALEX",),
        date(2026, 12, 2),
        "C1",
    )
    proposal = service.create("T1", "UDANA", draft).proposal
    for comment in comments:
        service.comment("T1", proposal.id, "UALEX", comment)
    store.close()
    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "o.db"))
    monkeypatch.chdir(tmp_path)

    assert main(["export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["proposal_title"] for r in rows} == {"'" + title}
    assert [r["comment"] for r in rows if r["kind"] == "commented"] == [
        "'+1 looks right",
        "'-2 positions",
        "'@SUM(A1:A9)",
        "'\tindented",
        "'\rreturn",
        "fine",
    ]
    assert rows[0]["version"] == "1"  # numbers stay numbers

    assert main(["export", "--format", "json"]) == 0
    [exported] = json.loads(capsys.readouterr().out)["proposals"]
    assert exported["title"] == title
    assert [e["comment"] for e in exported["history"] if e["kind"] == "commented"] == comments


FORGED = ["abc", "1:x", "", "x:1", "1:2:3", f"1:{HUGE}", "-1", " 1", "1\nERROR forged", None]


@pytest.mark.parametrize(
    ("action_id", "value"),
    [(ids.APPROVE, v) for v in FORGED]
    + [(a, v) for a in (ids.COMMENT, ids.EDIT, ids.WITHDRAW) for v in ("1:x", None)],
)
def test_a_forged_button_value_is_answered_plainly_with_one_warning(
    fake, bot, caplog, action_id, value
):
    card = propose(fake)
    with fake.lock:  # a crafted request: the button's value is not one orgbot wrote
        shown = fake.ws.find_message("C0ORGDES02", card["ts"])
        [button] = [
            e
            for b in shown["blocks"]
            for e in b.get("elements") or []
            if e.get("action_id") == action_id
        ]
        if value is None:
            button.pop("value", None)
        else:
            button["value"] = value
    caplog.clear()
    assert fake.click("alex", card, action_id).status == 200
    said = " ".join(e.message.get("text", "") for e in eventually(lambda: fake.ephemerals("alex")))
    assert "That button is no longer valid" in said and "Something went wrong" not in said
    assert not [r for r in caplog.records if r.levelname == "ERROR" or r.exc_info]
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "\n" not in warnings[0].getMessage()
    assert bot.services.store.db["proposals"].count == 1
