"""A database written by orgbot 0.2.0 (tests/data/orgbot-0.2.0.sql: made by 0.2.0's own
ProposalService, dumped with sqlite3 .dump) upgrades at start, and every command works on
its proposals: list, show, current, current at, history, the Home tab, the card's buttons,
an edit, an approval into a new org version, the chart and the CSV export."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from slackbot import ids
from tests.conftest import eventually
from tests.test_e2e_proposals import form_values, open_form, text_of

DUMP = Path(__file__).parent / "data" / "orgbot-0.2.0.sql"


@pytest.fixture
def old_db(tmp_path, fake):
    """The 0.2.0 database where the bot will open it, and its five cards in the channel."""
    with sqlite3.connect(tmp_path / "orgbot.db") as db:
        db.executescript(DUMP.read_text(encoding="utf-8"))
        cards = db.execute("select number, title, message_ts from proposals").fetchall()
    channel = fake.ws.channel("org-design")
    for number, title, ts in cards:
        channel.messages.append(
            {
                "type": "message",
                "user": fake.ws.bot.id,
                "bot_id": "B0ORGBOT1",
                "ts": ts,
                "text": f"Proposal #{number}: {title}",
                "blocks": [],
                "team": fake.ws.team_id,
            }
        )
    return tmp_path / "orgbot.db"


def slash(fake, text, user="kenji"):
    response = fake.slash(user, "/org-proposal", text)
    assert response.status == 200, response.body
    return text_of(response.json["blocks"])


def the_card(fake, number):
    """Proposal `number`'s card once orgbot has drawn it (0.2.0's are placeholders here)."""
    return eventually(
        lambda: [
            m
            for m in fake.messages("org-design")
            if m["text"].startswith(f"Proposal #{number}:") and m["blocks"]
        ]
    )[0]


def test_every_command_reads_the_proposals_of_a_0_2_0_database(fake, old_db, bot):
    listing = slash(fake, "list")
    assert "#2 Finance grows" in listing and "#5 国際チーム 🚀" in listing
    shown = [slash(fake, f"show {n}") for n in range(1, 6)]
    assert "@dana edited it (version 2)" in shown[1]
    assert "FLATTEN <!HERE> & CO" in shown[2]  # as typed, pinging nobody
    assert "Withdrawn by the author." in shown[3]
    assert "Added 国際部長 ×2, reporting to CEO" in shown[4]
    assert "Current org chart (version 1)" in slash(fake, "current")
    assert "The org on 20 November 2026 (version 1)" in slash(fake, "current at 2026-11-20")
    assert "#1 Put operations under a COO · approved by @alex, @sam" in slash(fake, "history")
    fake.open_home("alex")
    fake.wait_for("views.publish")
    assert "Waiting on your review (2)" in text_of(fake.home("alex")["blocks"])


def test_old_proposals_are_decided_edited_and_built_on(fake, old_db, bot, monkeypatch, capsys):
    from slackbot.cli import main

    team = fake.ws.team_id
    fake.open_home("alex")
    fake.wait_for("views.publish")
    fake.click("alex", fake.home("alex"), ids.APPROVE, value="5:1")
    fake.click("sam", the_card(fake, 5), ids.APPROVE, value="5:1")
    eventually(lambda: bot.services.proposals.current_org(team).version == 2)
    assert "└─ 国際部長 ×2" in slash(fake, "current")

    # #2 was written on version 1: approved now, it goes back to its author, who edits it
    fake.open_home("alex")
    fake.wait_for("views.publish", 2)
    fake.click("alex", fake.home("alex"), ids.APPROVE, value="2:2")
    fake.click("sam", the_card(fake, 2), ids.APPROVE, value="2:2")
    eventually(lambda: bot.services.proposals.get(team, 2).status == "changes_requested")
    assert bot.services.proposals.current_org(team).version == 2
    fake.click("dana", the_card(fake, 2), ids.EDIT, value="2")
    fake.wait_for("views.open")
    assert fake.submit("dana").status == 200
    eventually(lambda: bot.services.proposals.get(team, 2).version == 3)

    # a new proposal from the current org: the position 0.2.0 stored is not 'removed'
    view = open_form(fake)
    prefilled = next(
        b["element"].get("initial_value")
        for b in view["blocks"]
        if b.get("block_id") == ids.STRUCTURE_BLOCK
    )
    assert "国際部長 x2 reports to CEO" in prefilled
    response = fake.submit(
        "dana", form_values(**{ids.STRUCTURE_BLOCK: prefilled + "\nИнженер reports to 国際部長"})
    )
    assert response.status == 200 and response.body == b"", response.body
    changes = text_of(the_card(fake, 6)["blocks"])
    assert "Added Инженер, reporting to 国際部長" in changes
    assert "Removed 国際部長" not in changes and "Added 国際部長" not in changes

    # the operator's commands on the upgraded file
    monkeypatch.setenv("ORGBOT_DB", str(old_db))
    assert main(["chart", "--proposal", "5", "-o", str(old_db.parent / "c.png")]) == 0
    assert main(["org", "export", "--team", team]) == 0
    assert "国際部長,CEO,,2,filled,0," in capsys.readouterr().out
