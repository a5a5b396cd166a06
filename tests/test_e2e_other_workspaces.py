"""Signed requests from outside orgbot's own app and workspace: a payload for another app
is refused; a person from another workspace (Slack Connect) is told plainly, only to them,
that orgbot acts only for its own workspace, and nothing is recorded."""

from __future__ import annotations

import pytest

from slackbot import ids
from slackbot.config import Config, ConfigError
from slackbot.devslack import payloads
from slackbot.devslack.workspace import APP_ID
from slackbot.runner import Orgbot
from tests.conftest import eventually, make_config
from tests.test_e2e_proposals import ALEX, card_in, open_form, propose, text_of

PARTNER = "T0PARTNER9"
SAID = "orgbot acts only for people in the workspace it is installed in"


@pytest.fixture
def alex_is_external(monkeypatch):
    """From now on alex acts from a partner's workspace in a shared channel: Slack sends
    his home workspace in `user.team_id`, and in `team` when the click came from there."""
    original_user = payloads._user

    def user(ws, person):
        data = original_user(ws, person)
        if person.id == ALEX:
            data["team_id"] = PARTNER
        return data

    monkeypatch.setattr(payloads, "_user", user)


def command_fields(**overrides) -> dict[str, str]:
    fields = {
        "command": "/role-compare",
        "text": "coo vs cfo",
        "user_id": "U0DANA0002",
        "team_id": "T0ORGBOT1",
        "channel_id": "C0ORGDES02",
        "api_app_id": APP_ID,
    }
    fields.update(overrides)
    return fields


def test_a_payload_for_another_app_is_refused(fake, bot):
    assert fake.send_form(command_fields()).status == 200
    response = fake.send_form(command_fields(api_app_id="A0SOMEONE9"))
    assert response.status == 403 and response.body == b""


def test_the_app_id_can_be_set_rather_than_learned(fake, tmp_path, clock):
    config = make_config(fake, tmp_path, app_id="A0CONFIGD1")
    orgbot = Orgbot(config, clock=clock, verify_token=False, scheduler=False)
    server = orgbot.http_server(host="127.0.0.1", port=0).start()
    try:
        fake.connect(f"{server.url}/slack/events")
        assert fake.send_form(command_fields(api_app_id="A0CONFIGD1")).status == 200
        assert fake.send_form(command_fields()).status == 403  # the fake's own app id
    finally:
        orgbot.close()


def test_slack_app_id_is_read_and_checked():
    assert Config.from_env({"SLACK_APP_ID": "A0123ABCDEF"}, dotenv=None).app_id == "A0123ABCDEF"
    assert Config.from_env({}, dotenv=None).app_id is None
    with pytest.raises(ConfigError, match="SLACK_APP_ID"):
        Config.from_env({"SLACK_APP_ID": "xoxb-oops"}, dotenv=None)


def test_a_person_from_another_workspace_is_told_and_nothing_is_recorded(
    fake, bot, alex_is_external
):
    card = propose(fake)
    fake.click("alex", card, ids.APPROVE, value="1:1")
    told = eventually(lambda: fake.ephemerals("alex"))
    assert SAID in told[-1].message["text"]
    assert "no longer exists" not in told[-1].message["text"]
    assert bot.services.store.db["decisions"].count == 0
    assert "Approved" not in text_of(card_in(fake)["blocks"])


def test_a_click_from_the_partners_own_team_is_told_too(fake, bot, alex_is_external, monkeypatch):
    card = propose(fake)
    # the click arrives with the partner's team as `team` too (Bolt then looks the
    # proposal up in that team: before, "That proposal no longer exists")
    monkeypatch.setattr(payloads, "_team", lambda ws: {"id": PARTNER, "domain": "partner"})
    fake.click("alex", card, ids.APPROVE, value="1:1")
    told = eventually(lambda: fake.ephemerals("alex"))
    assert SAID in told[-1].message["text"]


def test_a_command_from_another_workspace_is_answered_in_words(fake, bot):
    response = fake.send_form(command_fields(team_id=PARTNER))
    assert response.status == 200
    assert SAID in response.json["text"] and response.json["response_type"] == "ephemeral"


def test_a_modal_submitted_from_another_workspace_stores_nothing(fake, bot, alex_is_external):
    open_form(fake, user="alex")
    response = fake.submit("alex", {ids.TITLE_BLOCK: "From outside"})
    assert response.json["response_action"] == "errors"
    assert SAID in next(iter(response.json["errors"].values()))
    assert bot.services.store.db["proposals"].count == 0


def test_people_of_the_workspace_are_unaffected(fake, bot):
    card = propose(fake)
    fake.click("alex", card, ids.APPROVE, value="1:1")
    fake.wait_for("chat.update")
    assert bot.services.store.db["decisions"].count == 1
