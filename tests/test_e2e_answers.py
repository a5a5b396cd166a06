"""Always an answer, in time: a person waiting is never queued behind background posting,
every failure they caused reaches them in words, and the Home tab and the bot's own
messages show what happened. Signed HTTP requests in, Web API calls to the fake Slack."""

from __future__ import annotations

import sqlite3
import time

import pytest

from slackbot import ids
from slackbot.devslack.server import Fault
from tests.conftest import eventually
from tests.test_e2e_proposals import ALEX, form_values, open_form, propose, text_of


def last_ephemeral_text(fake, user="dana"):
    return text_of(fake.ephemerals(user)[-1].message["blocks"])


# --- item 6: one rate-limited method does not starve the rest ------------------------------


def test_a_new_modal_opens_at_once_while_posts_wait_out_a_rate_limit(fake, bot):
    """Eight cards meet `chat.postMessage` answering 429 (Retry-After 8): the next
    /org-proposal still opens its modal at once, before any of the eight is tried again,
    and no worker sleeps. (How soon is measured by `bench/run.py modal429`: a few ms; a
    wall-clock bound here failed on a loaded machine without saying anything about it.)"""
    fake.rate_limit_next("chat.postMessage", times=100, retry_after=8)
    for n in range(8):
        open_form(fake)
        fake.submit("dana", form_values(**{ids.TITLE_BLOCK: f"Proposal {n}"}))
    fake.wait_for("chat.postMessage", 8)
    opened = len(fake.calls_to("views.open"))
    fake.slash("dana", "/org-proposal", "", channel="org-design")
    [call] = fake.wait_for("views.open", opened + 1, timeout=7.0)[opened:]
    # it did not queue behind the posts: none of them had been tried again (8 s later)
    assert [c.at < call.at for c in fake.calls_to("chat.postMessage")] == [True] * 8
    assert call.response["ok"], call.response
    assert fake.open_view("dana")["callback_id"] == ids.PROPOSAL_MODAL
    # the eight posts wait on a timer, not in a worker (each put there once its 429 is read)
    eventually(lambda: bot.services.background.pending == 8, timeout=2)


def test_a_rate_limited_post_is_sent_later_and_each_step_once(fake, bot):
    """The card meets a 429: it is put back and posted after Retry-After; then one DM
    meets a 429 and only that DM is sent again."""
    fake.rate_limit_next("chat.postMessage", times=1, retry_after=1)
    open_form(fake)
    fake.submit("dana", form_values())
    eventually(lambda: bot.services.background.pending == 1)
    # card, alex's DM, then sam's DM is limited
    fake.set_rate_limit("chat.postMessage", per_second=0.5, burst=2)
    fake.wait_for("chat.postMessage", 3 + 1 + 1, timeout=8)
    statuses = [c.status for c in fake.calls_to("chat.postMessage")]
    assert statuses == [429, 200, 200, 429, 200]
    cards = [m for m in fake.messages("org-design") if "thread_ts" not in m]
    assert len(cards) == 1
    assert len(fake.dms("alex")) == 1 and len(fake.dms("sam")) == 1


# --- item 7: silence on failure ---------------------------------------------------------


def _answer_views_open_with(fake, how):
    if how == "429":
        fake.rate_limit_next("views.open", retry_after=5)
    elif how == "5xx":
        with fake.lock:
            fake.faults.setdefault("views.open", []).append(Fault("internal_error", 1, status=503))
    elif how == "5xx, opened":
        fake.after_call("views.open", "5xx")  # Slack opened it, then answered 500
    elif how == "invalid_auth":
        fake.fail("views.open", "invalid_auth")
    elif how == "slow":
        fake.delay_next("views.open", 3.5)  # past the trigger's 3 s
    elif how == "no answer":
        fake.after_call("views.open", "stall", seconds=8)  # Slack does not answer in time


@pytest.mark.parametrize(
    "how, says",
    [
        ("429", "Slack is asking me to slow down"),
        ("5xx", "Slack answered `internal_error`, so the form may not have opened"),
        ("5xx, opened", "so the form may not have opened. If it didn't, please run"),
        ("invalid_auth", "My Slack token was refused. Ask the admin"),
        ("slow", "Slack was too slow to answer, so I couldn't open the form"),
        ("no answer", "Slack was too slow to answer, so the form may not have opened"),
    ],
)
def test_a_modal_that_cannot_open_is_explained_in_words(fake, bot, how, says):
    _answer_views_open_with(fake, how)
    response = fake.slash("dana", "/org-proposal", "", channel="org-design")
    assert response.status == 200 and response.body == b""
    started = time.monotonic()
    fake.wait_for("response_url", timeout=8)
    assert time.monotonic() - started < 6.0  # told within seconds, whatever Slack does
    text = last_ephemeral_text(fake)
    assert says in text
    if how != "invalid_auth":
        assert "run /org-proposal again" in text
    if how == "5xx, opened":  # never a flat "couldn't open" over a form that is open
        assert fake.open_view("dana") is not None and "couldn't open" not in text
    elif how != "no answer":  # (a stalled answer may come after Slack opened it)
        assert fake.open_view("dana") is None


def test_a_click_on_a_database_held_by_another_writer_is_answered_in_time(fake, bot, config):
    card = propose(fake)
    holder = sqlite3.connect(config.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        started = time.monotonic()
        response = fake.click("alex", card, ids.APPROVE)
        assert response.status == 200 and time.monotonic() - started < 3.0
        fake.wait_for("response_url")
        text = last_ephemeral_text(fake, "alex")
        assert "database is busy" in text and "try again in a few seconds" in text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    fake.click("alex", card, ids.APPROVE)
    eventually(lambda: bot.services.proposals.get(fake.ws.team_id, 1).decisions)


def test_settings_open_before_the_admin_check_so_a_slow_users_info_cannot_expire_them(fake, bot):
    fake.delay_next("users.info", 4)
    fake.slash("alex", "/org-proposal", "settings")
    [call] = fake.wait_for("views.open")
    assert call.response["ok"], call.response
    assert fake.open_view("alex")["callback_id"] == ids.SETTINGS_MODAL
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, ALEX, cached=True), timeout=8)
    assert fake.open_view("alex")["callback_id"] == ids.SETTINGS_MODAL


# --- item 8: the Home tab shows what an action on it did -----------------------------------


def test_post_again_on_the_home_tab_posts_and_republishes_it(fake, bot, caplog):
    open_form(fake, channel="random")
    fake.submit("dana", form_values())
    fake.wait_for("chat.postMessage", 2)  # refused (not in #random), then dana's DM
    fake.open_home("dana")
    fake.wait_for("views.publish")
    home = fake.home("dana")
    assert "is not posted in #random yet" in text_of(home["blocks"])

    fake.ws.channel("random").members.add(fake.ws.bot.id)
    assert fake.click("dana", home, ids.RETRY_POST, value="1").status == 200
    fake.wait_for("views.publish", 2)
    assert [m for m in fake.messages("random") if "thread_ts" not in m]
    after = text_of(fake.home("dana")["blocks"])
    assert "is not posted" not in after and "Post again" not in after
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_approve_on_the_home_tab_republishes_it(fake, bot):
    propose(fake)
    fake.open_home("alex")
    fake.wait_for("views.publish")
    home = fake.home("alex")
    assert "Waiting on your review (1)" in text_of(home["blocks"])
    fake.click("alex", home, ids.APPROVE, value="1:1")
    fake.wait_for("views.publish", 2, where=lambda c: c.args.get("user_id") == ALEX)
    after = fake.home("alex")
    assert "Waiting on your review (0)" in text_of(after["blocks"])
    values = [
        e.get("value")
        for b in after["blocks"]
        for e in [*(b.get("elements") or []), b.get("accessory") or {}]
        if e.get("type") == "button"
    ]
    assert "" not in values  # "Compare roles" leaves its value out


def test_request_changes_from_the_home_tab_republishes_it(fake, bot):
    propose(fake)
    fake.open_home("alex")
    fake.wait_for("views.publish")
    fake.click("alex", fake.home("alex"), ids.REQUEST_CHANGES, value="1:1")
    fake.wait_for("views.open", 2)
    fake.submit("alex", {ids.COMMENT_BLOCK: "Add the CFO."})
    fake.wait_for("views.publish", 2, where=lambda c: c.args.get("user_id") == ALEX)
    assert "Waiting on your review (0)" in text_of(fake.home("alex")["blocks"])


def test_a_button_value_is_never_empty():
    from slackbot.ui.common import button

    assert "value" not in button("Compare roles", ids.OPEN_ROLE_PICKER, "")


# --- item 9: the bot's own messages are updated with chat.update -----------------------------


def test_request_changes_submitted_after_the_response_url_expired_still_updates_the_dm(
    fake, bot, clock
):
    from datetime import timedelta

    propose(fake)
    [dm] = fake.dms("alex")
    fake.click("alex", dm, ids.REQUEST_CHANGES, value="1:1")
    fake.wait_for("views.open", 2)
    clock.advance(timedelta(minutes=45))  # a response_url lasts 30 minutes
    fake.submit("alex", {ids.COMMENT_BLOCK: "Add the CFO; finance reports to the CEO too."})
    fake.wait_for("chat.update", 2)  # the card and alex's DM
    assert "You requested changes to proposal #1" in fake.dms("alex")[0]["text"]
    assert fake.calls_to("response_url") == []


# --- item 10: Share only where orgbot can post ---------------------------------------------


def test_share_is_offered_only_where_orgbot_can_post(fake, bot):
    from slackbot.devslack.workspace import Channel

    # a DM between dana and alex: orgbot is not in it and cannot be
    people = Channel("D0PEOPLE01", "dm-dana-alex", is_im=True, is_private=True)
    people.members = {fake.ws.user("dana").id, ALEX}
    fake.ws.channels[people.id] = people
    fake.slash("dana", "/role-compare", "", channel=people.id)
    fake.wait_for("views.open")
    fake.submit("dana", {"pick_role_1": "cfo", "pick_role_2": "finance-director"})
    shown = fake.open_view("dana")
    assert "I can't post in a conversation between other people" in text_of(shown["blocks"])
    assert ids.SHARE_COMPARISON not in json_of(shown)

    # in dana's DM with orgbot, Share is offered and works
    own = fake.ws.dm(fake.ws.user("dana").id).id
    fake.slash("dana", "/role-compare", "", channel=own)
    fake.wait_for("views.open", 2)
    fake.submit("dana", {"pick_role_1": "cfo", "pick_role_2": "finance-director"})
    fake.click("dana", fake.open_view("dana"), ids.SHARE_COMPARISON)
    fake.wait_for("chat.postMessage")
    assert fake.dms("dana")[-1]["blocks"][0]["text"]["text"] == "CFO vs Finance Director"


def json_of(view) -> str:
    import json

    return json.dumps(view)


def test_a_failure_after_a_recorded_click_tells_the_person_it_is_saved(fake, bot, monkeypatch):
    card = propose(fake)

    def broken(*args, **kwargs):
        raise RuntimeError("slack client on fire")

    monkeypatch.setattr("handlers.proposal_review.announce_click", broken)
    assert fake.click("alex", card, ids.APPROVE).status == 200
    fake.wait_for("response_url")
    text = last_ephemeral_text(fake, "alex")
    assert "What you did is saved" in text and "reference" in text
    assert bot.services.proposals.get(fake.ws.team_id, 1).decisions
