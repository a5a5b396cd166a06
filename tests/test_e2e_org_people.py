"""Positions with people, open seats and dotted lines, end to end: signed HTTP requests
in, the fake Slack's users.list behind the member directory, the card out."""

from __future__ import annotations

import json

from slackbot import ids
from slackbot.devslack.workspace import User
from tests.conftest import eventually
from tests.test_e2e_proposals import (
    ALEX,
    SAM,
    card_in,
    count,
    form_values,
    open_form,
    propose,
    text_of,
)

STRUCTURE = (
    "CEO (@alex)\n"
    "COO (@Sam Lindqvist) reports to CEO\n"
    "CFO (<@U0KENJI004>) reports to CEO\n"
    "Operations Director (@dana) reports to COO\n"
    "Operations Manager x3, 1 open reports to Operations Director\n"
    "Data Analyst [hire] reports to CFO\n"
    "Head of Data (@priya) reports to CFO, dotted to COO"
)


def test_holders_open_roles_a_hire_and_a_dotted_line_are_on_the_card(fake, bot):
    card = propose(fake, **{ids.STRUCTURE_BLOCK: STRUCTURE})
    text = text_of(card["blocks"])
    assert "CEO · @alex" in text
    assert "├─ COO · @sam" in text
    assert "CFO · @kenji" in text  # written as an id, shown by name
    assert "Operations Manager ×3 · 1 open" in text
    assert "Data Analyst · to hire" in text
    assert "Head of Data · @priya ┄ dotted to COO" in text
    assert "9 seats · 7 filled · 2 vacant: 1 open, 1 to hire" in text
    # holders are named, never mentioned: a card must not ping the people on it
    mrkdwn = json.dumps(card["blocks"])
    for holder in ("U0PRIYA005", "U0KENJI004"):  # (dana, alex and sam: author, reviewers)
        assert f"<@{holder}>" not in mrkdwn
    row = next(bot.services.store.db.query("select structure from proposals"))
    positions = {p["title"]: p for p in json.loads(row["structure"])}
    assert positions["COO"]["holders"] == [SAM]
    assert positions["Data Analyst"]["status"] == "hire"
    assert positions["Head of Data"]["dotted"] == ["coo"]
    assert len(fake.calls_to("users.list")) == 1  # fetched once, then cached

    # approved, it is the current org, shown the same way
    fake.click("alex", card, ids.APPROVE, value="1:1")
    eventually(lambda: fake.ws.replies("C0ORGDES02", card["ts"]))
    fake.click("sam", card, ids.APPROVE, value="1:1")
    eventually(lambda: bot.services.proposals.current_org(fake.ws.team_id))
    shown = text_of(fake.slash("kenji", "/org-proposal", "current").json["blocks"])
    assert "Operations Director · @dana" in shown and "┄ dotted to COO" in shown

    # a new proposal starts from it, holders written back as names that read back
    fake.slash("dana", "/org-proposal", "", channel="org-design")
    fake.wait_for("views.open", 2)
    view = fake.open_view("dana")
    prefilled = next(
        b["element"].get("initial_value")
        for b in view["blocks"]
        if b.get("block_id") == ids.STRUCTURE_BLOCK
    )
    assert "CEO (@alex)\n" in prefilled
    assert "CFO (@kenji) reports to CEO" in prefilled
    assert "Data Analyst [hire] reports to CFO" in prefilled
    assert "Head of Data (@priya) reports to CFO, dotted to COO" in prefilled


def test_unknown_and_ambiguous_names_are_inline_errors(fake, bot):
    fake.ws.users["U0DANA0099"] = User("U0DANA0099", "dana.w", "Dana Wright", display_name="Dana")
    fake.ws.users["U0DANA0098"] = User("U0DANA0098", "dwright", "Dana Wright")
    open_form(fake)
    response = fake.submit(
        "dana",
        form_values(
            **{
                ids.STRUCTURE_BLOCK: (
                    "CEO (@alexx)\nCOO (@Dana Wright) reports to CEO\n"
                    "CFO (<@U0GONE0000>) reports to CEO"
                ),
                ids.REVIEWERS_BLOCK: [ALEX, SAM],
            }
        ),
    )
    body = response.json
    assert body["response_action"] == "errors"
    error = body["errors"][ids.STRUCTURE_BLOCK]
    assert "Line 1: nobody in this workspace is called “@alexx”" in error
    assert "Did you mean “@alex”?" in error
    assert "Line 2: “@Dana Wright” (holder of “COO”) could be 2 people" in error
    assert "Dana Wright (@dana.w)" in error and "Dana Wright (@dwright)" in error
    assert "Line 3: “<@U0GONE0000>” (holder of “CFO”) is not a member" in error
    assert count(bot, "proposals") == 0


def test_a_failing_users_list_is_a_clear_inline_error_and_ids_still_work(fake, bot):
    fake.fail("users.list", "internal_error")
    open_form(fake)
    response = fake.submit("dana", form_values(**{ids.STRUCTURE_BLOCK: "CEO (@alex)"}))
    assert response.status == 200
    error = response.json["errors"][ids.STRUCTURE_BLOCK]
    assert "can't check names against this workspace's members right now" in error
    assert "<@U012AB3CD>" in error
    assert count(bot, "proposals") == 0
    # ids need no lookup; the card, after the ack, fetches the members to name them
    response = fake.submit("dana", form_values(**{ids.STRUCTURE_BLOCK: "CEO (<@U0ALEX0001>)"}))
    assert response.status == 200 and response.body == b"", response.body
    fake.wait_for("chat.postMessage", 1)
    assert "CEO · @alex" in text_of(card_in(fake)["blocks"])


def test_a_slow_users_list_is_answered_inline_before_slack_gives_up(fake, bot):
    """The first fetch has a deadline (1.5 s in production, 0.3 s here): the form is
    answered with the inline error well within Slack's 3 seconds, never a timeout."""
    import time

    bot.services.members.fetch_timeout = 0.3
    fake.delay_next("users.list", 2.0)
    open_form(fake)
    started = time.monotonic()
    response = fake.submit("dana", form_values(**{ids.STRUCTURE_BLOCK: "CEO (@alex)"}))
    took = time.monotonic() - started
    assert response.status == 200
    assert "can't check names" in response.json["errors"][ids.STRUCTURE_BLOCK]
    assert took < 1.5, took
    assert count(bot, "proposals") == 0


def test_the_card_says_what_changes_for_people_seats_and_dotted_lines():
    """What the card lists under *What changes*: holders by name (no mention), seats,
    dotted lines."""
    from roles import load_catalog
    from slackbot.org.structure import diff, parse_structure
    from slackbot.ui.proposal_card import change_lines

    catalog = load_catalog()

    def read(text):
        return parse_structure(text, catalog).structure

    current = read(
        "CEO (<@U0ALEX0001>)\nCOO (<@U0DANA0002>) reports to CEO\nCFO (<@U0KENJI004>) "
        "reports to CEO\nOps x3 reports to COO, dotted to CFO"
    )
    proposed = read(
        "CEO (<@U0ALEX0001>)\nCOO (<@U0SAM00003>) reports to CEO\nCFO [backfill] reports to "
        "CEO\nOps x3, 1 open reports to COO"
    )
    names = {ALEX: "Alex Rivera", SAM: "Sam Lindqvist", DANA_ID: "Dana Okafor"}.get
    assert change_lines(diff(current, proposed), names) == [
        "*COO*: @Dana Okafor → @Sam Lindqvist",
        "*CFO*: @U0KENJI004 no longer named",
        "*CFO*: now backfill",
        "*Ops*: now 1 open",
        "*Ops*: no dotted line (was to CFO)",
    ]


DANA_ID = "U0DANA0002"
