"""An unexpected error inside orgbot never reaches Slack as a 500 or a stack trace."""

from __future__ import annotations

from slackbot import ids


def boom(*args, **kwargs):
    raise RuntimeError("database on fire")


def test_a_failing_command_answers_with_an_apology_and_a_reference(fake, bot, monkeypatch, caplog):
    monkeypatch.setattr(bot.services.proposals, "by_number", boom)
    response = fake.slash("dana", "/org-proposal", "show 1")
    assert response.status == 200
    body = response.json
    assert body["response_type"] == "ephemeral"
    assert "Something went wrong on orgbot's side and nothing was changed" in body["text"]
    assert "database on fire" not in body["text"] and "Traceback" not in body["text"]
    ref = body["text"].rsplit(" ", 1)[-1]
    assert any(ref in r.getMessage() for r in caplog.records)


def test_a_failing_modal_submission_keeps_the_modal_open_with_the_apology(fake, bot, monkeypatch):
    fake.slash("dana", "/org-proposal", "", channel="org-design")
    fake.wait_for("views.open")
    monkeypatch.setattr(bot.services.proposals, "create", boom)
    response = fake.submit(
        "dana",
        {
            ids.TITLE_BLOCK: "t",
            ids.RATIONALE_BLOCK: "r",
            ids.STRUCTURE_BLOCK: "CEO",
            ids.REVIEWERS_BLOCK: ["U0ALEX0001"],
        },
    )
    assert response.status == 200
    assert response.json["response_action"] == "errors"
    [message] = response.json["errors"].values()
    assert message.startswith("Something went wrong on orgbot's side")
    assert fake.open_view("dana") is not None  # what the person typed is still there


def test_a_failing_button_answers_200_and_tells_the_person(fake, bot, monkeypatch, caplog):
    fake.slash("dana", "/role-compare", "coo vs cfo")
    [ephemeral] = fake.ephemerals("dana")
    monkeypatch.setattr("handlers.role_compare.for_person", boom)
    response = fake.click("dana", ephemeral, ids.SHARE_COMPARISON)
    assert response.status == 200 and response.body == b""
    fake.wait_for("response_url")
    note = fake.ephemerals("dana")[-1]
    assert "Something went wrong on orgbot's side and nothing was changed" in note.message["text"]
    ref = note.message["text"].rsplit(" ", 1)[-1]
    assert any(ref in r.getMessage() for r in caplog.records)


def test_a_failure_after_the_ack_of_a_button_is_told_too(fake, bot, monkeypatch):
    fake.slash("dana", "/role-compare", "coo vs cfo")
    [ephemeral] = fake.ephemerals("dana")
    monkeypatch.setattr("handlers.role_compare.share_comparison", boom)
    assert fake.click("dana", ephemeral, ids.SHARE_COMPARISON).status == 200
    fake.wait_for("response_url")
    assert "Something went wrong" in fake.ephemerals("dana")[-1].message["text"]
