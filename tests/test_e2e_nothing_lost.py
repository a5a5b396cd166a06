"""Nothing lost, nothing doubled: replayed modal submissions, card redraws that Slack
rate-limits. Signed HTTP requests in, Web API calls to the fake Slack."""

from __future__ import annotations

import threading
import time

from slackbot import ids
from tests.conftest import eventually
from tests.test_e2e_proposals import (
    STRUCTURE,
    card_in,
    count,
    form_values,
    open_form,
    propose,
    text_of,
)


def settle(seconds: float = 0.3) -> None:
    """Give work after the ack time to do anything it (wrongly) would."""
    time.sleep(seconds)


def cards(fake, channel="org-design"):
    return [m for m in fake.messages(channel) if "thread_ts" not in m]


def events(bot, kind):
    return [e for e in bot.services.proposals.history(1) if e.kind == kind]


# --- one submission, one outcome -------------------------------------------------------------


def test_a_replayed_proposal_submission_creates_one_proposal_and_one_card(fake, bot):
    open_form(fake)
    first = fake.submit("dana", form_values())
    assert first.status == 200 and first.body == b""
    fake.wait_for("chat.postMessage", 3)  # the card and two reviewer DMs
    again = fake.resubmit("dana")  # Slack's retry, a replay, a second press
    assert again.status == 200 and again.body == b""  # the same answer: the modal closes
    settle()
    assert count(bot, "proposals") == 1
    assert len(cards(fake)) == 1
    assert len(fake.calls_to("chat.postMessage")) == 3
    assert [e.kind for e in bot.services.proposals.history(1)] == ["created", "posted"]


def test_a_double_press_racing_the_first_creates_one_proposal(fake, bot):
    open_form(fake)
    answers = []
    first = threading.Thread(target=lambda: answers.append(fake.submit("dana", form_values())))
    first.start()
    eventually(lambda: fake._submissions)  # the first press is on its way
    answers.append(fake.resubmit("dana"))
    first.join()
    assert [a.body for a in answers] == [b"", b""]
    fake.wait_for("chat.postMessage", 3)
    settle()
    assert count(bot, "proposals") == 1 and len(cards(fake)) == 1
    assert len(fake.calls_to("chat.postMessage")) == 3


def test_a_replayed_edit_makes_one_new_version(fake, bot):
    card = propose(fake)
    fake.click("dana", card, ids.EDIT, value="1")
    fake.wait_for("views.open", 2)
    fake.submit("dana", {ids.STRUCTURE_BLOCK: STRUCTURE + "\nCFO reports to CEO"})
    fake.wait_for("chat.update")
    assert fake.resubmit("dana").body == b""
    settle()
    assert bot.services.proposals.get(fake.ws.team_id, 1).version == 2
    assert count(bot, "proposal_versions") == 2
    assert len(events(bot, "edited")) == 1


def test_a_repeated_comment_is_stored_once(fake, bot):
    card = propose(fake)
    fake.click("kenji", card, ids.COMMENT, value="1:1")
    fake.wait_for("views.open", 2)
    fake.submit("kenji", {ids.COMMENT_BLOCK: "What about the CFO?"})
    eventually(lambda: fake.ws.replies("C0ORGDES02", card["ts"]))
    assert fake.resubmit("kenji").body == b""
    settle()
    assert len(events(bot, "commented")) == 1
    assert len(fake.ws.replies("C0ORGDES02", card["ts"])) == 1


def test_a_replayed_request_for_changes_answers_as_the_first_did(fake, bot):
    card = propose(fake)
    fake.click("alex", card, ids.REQUEST_CHANGES, value="1:1")
    fake.wait_for("views.open", 2)
    fake.submit("alex", {ids.COMMENT_BLOCK: "Add the CFO."})
    fake.wait_for("chat.update")
    again = fake.resubmit("alex")
    assert again.body == b""  # not "You already requested changes": the modal just closes
    settle()
    assert count(bot, "decisions") == 1
    assert len(events(bot, "changes_requested")) == 1
    assert len(fake.ws.replies("C0ORGDES02", card["ts"])) == 1


def test_replayed_settings_are_saved_and_announced_once(fake, bot):
    fake.slash("alex", "/org-proposal", "settings")
    fake.wait_for("views.open")
    # the admin check follows the modal's opening
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, "U0ALEX0001", cached=True))
    bad = fake.submit("alex", {"digest_channel": None})
    assert "digest_channel" in bad.json["errors"]
    # the same view, fixed and submitted again, goes through: a refusal records nothing
    fake.submit("alex", {"digest_channel": "C0ORGDES02"})
    eventually(lambda: fake.messages("org-design"))
    assert fake.resubmit("alex").body == b""
    settle()
    assert len(fake.messages("org-design")) == 1
    assert len(fake.dms("alex")) == 1


def test_a_new_proposal_after_a_replay_is_still_accepted(fake, bot):
    propose(fake)
    fake.resubmit("dana")
    propose(fake, **{ids.TITLE_BLOCK: "Add a CFO"})  # a new modal, a new view id
    assert count(bot, "proposals") == 2
    assert "ADD A CFO" in text_of(card_in(fake)["blocks"])


# --- a card redraw that Slack rate-limits ----------------------------------------------------


def test_a_rate_limited_card_update_is_redrawn_later_with_the_latest_state(fake, bot, clock):
    from datetime import timedelta

    card = propose(fake)
    # more 429s than any client would wait out, Retry-After 2 s each time
    fake.rate_limit_next("chat.update", times=8, retry_after=2)
    fake.click("alex", card, ids.APPROVE, value="1:1")
    fake.wait_for("chat.update", 1)
    fake.click("sam", card, ids.APPROVE, value="1:1")
    settle()
    assert bot.services.proposals.get(fake.ws.team_id, 1).status == "approved"
    assert "⏳ waiting" in text_of(card_in(fake)["blocks"])  # Slack still shows the old card
    row = bot.services.store.db["deliveries"].get("redraw:T0ORGBOT1:1")
    assert (row["status"], row["last_error"]) == ("failed", "ratelimited")
    started = len(fake.calls_to("chat.update"))
    assert started <= 2  # nobody hammered Slack, nobody slept on it
    for _ in range(12):  # the scheduler's upkeep, each time Retry-After has passed
        clock.advance(timedelta(seconds=2))
        bot.scheduler.upkeep()
        if [c for c in fake.calls_to("chat.update") if c.status == 200]:
            break
    text = text_of(card_in(fake)["blocks"])
    assert "✅ Approved" in text and "@alex: ✅" in text and "@sam: ✅" in text
    drawn = [c for c in fake.calls_to("chat.update") if c.status == 200]
    assert len(drawn) == 1  # the two approvals' redraws collapsed into one, the latest
    assert bot.services.store.db["deliveries"].get("redraw:T0ORGBOT1:1")["status"] == "sent"


def test_a_redraw_asked_for_while_one_is_drawing_runs_once_more(fake, bot):
    card = propose(fake)
    fake.delay_next("chat.update", 0.5)  # the first redraw is slow to arrive
    fake.click("alex", card, ids.APPROVE, value="1:1")
    redraw = "redraw:T0ORGBOT1:1"
    eventually(
        lambda: list(
            bot.services.store.db.query(
                "select 1 from deliveries where key = ? and status = 'sending'", [redraw]
            )
        )
    )
    fake.click("sam", card, ids.APPROVE, value="1:1")  # asked for while the first draws
    fake.wait_for("chat.update", 2)
    eventually(lambda: "✅ Approved" in text_of(card_in(fake)["blocks"]))
    settle()
    assert len(fake.calls_to("chat.update")) == 2


# --- a change whose announcement died with the process ---------------------------------------


def test_a_decision_the_process_died_before_announcing_is_announced_by_the_upkeep(
    fake, bot, monkeypatch
):
    from handlers import proposal_review

    bot.scheduler._scheduler.pause()  # the test runs the upkeep itself
    card = propose(fake)
    # the process dies right after the ack: nothing after it runs
    monkeypatch.setattr(proposal_review, "announce_click", lambda *args, **kwargs: None)
    fake.click("alex", card, ids.APPROVE, value="1:1")
    settle()
    assert fake.calls_to("chat.update") == [] and fake.dms("dana") == []
    monkeypatch.undo()

    bot.scheduler.upkeep()  # the restarted process's first upkeep
    fake.wait_for("chat.update")
    assert "@alex: ✅" in text_of(card_in(fake)["blocks"])
    [reply] = fake.ws.replies("C0ORGDES02", card["ts"])
    assert "@alex approved version 1" in text_of(reply["blocks"])
    assert len(fake.dms("dana")) == 1  # the author is told
    bot.scheduler.upkeep()
    settle()
    assert len(fake.ws.replies("C0ORGDES02", card["ts"])) == 1 and len(fake.dms("dana")) == 1
    assert len(fake.calls_to("chat.update")) == 1


def test_a_comment_the_process_died_before_announcing_is_replied_once(fake, bot, monkeypatch):
    from handlers import proposal_review

    bot.scheduler._scheduler.pause()
    card = propose(fake)
    fake.click("kenji", card, ids.COMMENT, value="1:1")
    fake.wait_for("views.open", 2)
    monkeypatch.setattr(proposal_review, "announce_words", lambda *args, **kwargs: None)
    fake.submit("kenji", {ids.COMMENT_BLOCK: "What about the CFO?"})
    settle()
    assert fake.ws.replies("C0ORGDES02", card["ts"]) == []
    monkeypatch.undo()
    bot.scheduler.upkeep()
    bot.scheduler.upkeep()
    [reply] = eventually(lambda: fake.ws.replies("C0ORGDES02", card["ts"]))
    assert "What about the CFO?" in reply["text"]
    assert len(events(bot, "commented")) == 1
