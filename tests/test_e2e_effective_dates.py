"""Effective dates end to end, over HTTP: a proposal approved with a later date is
"Approved, effective …" and not the current org; when the clock reaches that date in the
workspace's time zone the scheduler makes it current, and the channel and the author are
told exactly once (two passes, a crash between the write and the posts, a restart).
`/org-proposal current at DATE` and `/org-proposal history` answer from the same record."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from functools import partial

import pytest

from slackbot import ids
from slackbot.proposals.messenger import recorded
from slackbot.scheduling.scheduled import ScheduledPosts
from slackbot.settings import Settings, save_settings
from tests.conftest import eventually
from tests.test_e2e_proposals import ALEX, card_in, propose, text_of, wait_card_update

CHANNEL = "C0ORGDES02"
EFFECTIVE = "2027-03-01"


def in_berlin(bot, fake):
    """The workspace keeps Berlin time: 1 March starts at 23:00 UTC on 28 February."""
    save_settings(
        bot.services.store,
        Settings(team_id=fake.ws.team_id, timezone="Europe/Berlin"),
        user_id=ALEX,
        now=bot.services.clock.now(),
    )


def approved_for_march(fake, bot):
    card = propose(fake, **{ids.EFFECTIVE_BLOCK: EFFECTIVE})
    assert "takes effect Mon 1 Mar 2027" in text_of(card["blocks"])
    fake.click("alex", card, ids.APPROVE, value="1:1")
    wait_card_update(fake)
    eventually(lambda: fake.ws.replies(CHANNEL, card["ts"]))
    fake.click("sam", card, ids.APPROVE, value="1:1")
    eventually(lambda: "Approved, effective 1 March 2027" in text_of(card_in(fake)["blocks"]))
    eventually(lambda: len(fake.ws.replies(CHANNEL, card["ts"])) == 2)
    return card


def effect_posts(fake, card):
    replies = [r for r in fake.ws.replies(CHANNEL, card["ts"]) if "took effect" in r["text"]]
    dms = [m for m in fake.dms("dana") if "took effect" in m["text"]]
    return replies, dms


def test_approved_with_a_later_date_becomes_current_on_that_date_once(fake, bot, clock):
    in_berlin(bot, fake)
    card = approved_for_march(fake, bot)
    team = fake.ws.team_id
    proposals = bot.services.proposals

    # approved, but not the current org until 1 March
    assert proposals.current_org(team) is None
    text = text_of(card_in(fake)["blocks"])
    assert "📅 Approved, effective 1 March 2027" in text
    assert "it becomes the current org chart on 1 March 2027" in text
    replies = fake.ws.replies(CHANNEL, card["ts"])
    assert "It becomes the current org chart on 1 March 2027" in replies[-1]["text"]
    listing = text_of(fake.slash("kenji", "/org-proposal", "list").json["blocks"])
    assert "#1 Put operations under a COO · Approved, effective 1 March 2027" in listing
    fake.open_home("dana")
    fake.wait_for("views.publish")
    home = text_of(fake.home("dana")["blocks"])
    assert "Approved, effective 1 March 2027" in home  # her proposals
    assert "Approved, taking effect later: #1 Put operations under a COO on Mon 1 Mar 2027" in home
    current = text_of(fake.slash("kenji", "/org-proposal", "current").json["blocks"])
    assert "No proposal has been approved yet" in current
    assert (
        "Approved, taking effect later: #1 Put operations under a COO on Mon 1 Mar 2027" in current
    )
    ahead = text_of(fake.slash("kenji", "/org-proposal", "current at 1 March 2027").json["blocks"])
    assert "The org on 1 March 2027 (version 1)" in ahead and "Not yet current" in ahead
    assert "#1 Put operations under a COO takes effect on 1 March 2027" in ahead
    assert "Operations Director" in ahead

    # the last minute of 28 February in Berlin: nothing yet
    clock.set(datetime(2027, 2, 28, 22, 59, tzinfo=UTC))
    bot.scheduler.upkeep()
    assert proposals.current_org(team) is None

    # midnight in Berlin. The process writes the new org version (and queues its
    # announcement in the same transaction), then dies before posting anything.
    clock.set(datetime(2027, 2, 28, 23, 0, tzinfo=UTC))
    outcome = recorded(bot.services, partial(proposals.take_effect, team, 1))
    assert outcome.org_version.version == 1
    assert effect_posts(fake, card) == ([], [])
    # a restart (a new set of passes on the same database), and two upkeep passes at once
    restarted = ScheduledPosts(bot.services, bot.client)
    passes = [
        threading.Thread(target=restarted.upkeep),
        threading.Thread(target=bot.scheduler.upkeep),
    ]
    for t in passes:
        t.start()
    for t in passes:
        t.join()
    bot.scheduler.upkeep()
    replies, dms = eventually(lambda: all(effect_posts(fake, card)) and effect_posts(fake, card))
    bot.scheduler.upkeep()
    replies, dms = effect_posts(fake, card)
    assert len(replies) == 1 and len(dms) == 1
    assert (
        "Proposal #1 “Put operations under a COO” took effect on 1 March 2027" in replies[0]["text"]
    )
    assert "It is now the current org chart (version 1)" in replies[0]["text"]
    assert "Your proposal #1 “Put operations under a COO”" in dms[0]["text"]
    assert bot.services.store.db["org_versions"].count == 1
    current = proposals.current_org(team)
    assert (current.version, current.proposal_id, str(current.effective_on)) == (1, 1, EFFECTIVE)
    eventually(
        lambda: "This is the current org chart (version 1)" in text_of(card_in(fake)["blocks"])
    )

    # the org on a date, and the history
    before = text_of(fake.slash("kenji", "/org-proposal", "current at 2027-02-28").json["blocks"])
    assert "There was no approved org chart on 28 February 2027" in before
    after = text_of(fake.slash("kenji", "/org-proposal", "current at 2027-03-01").json["blocks"])
    assert "The org on 1 March 2027 (today) (version 1)" in after and "from proposal #1" in after
    history = fake.slash("kenji", "/org-proposal", "history").json
    shown = text_of(history["blocks"])
    assert "v1 · effective Mon 1 Mar 2027 · #1 Put operations under a COO" in shown
    assert "approved by @alex, @sam" in shown
    assert f"/archives/{CHANNEL}/p{card['ts'].replace('.', '')}|#1 Put" in str(history["blocks"])
    shown_one = text_of(fake.slash("kenji", "/org-proposal", "show 1").json["blocks"])
    assert "took effect on 2027-03-01: the current org chart (version 1)" in shown_one
    bad = text_of(fake.slash("kenji", "/org-proposal", "current at next spring").json["blocks"])
    assert "I can't read “next spring” as a date" in bad and "`2027-03-01`" in bad


def test_an_org_changed_before_the_date_goes_back_to_the_author(fake, bot, clock):
    card = approved_for_march(fake, bot)
    # meanwhile another proposal is approved and takes effect at once
    second = propose(
        fake,
        **{
            ids.TITLE_BLOCK: "Add a CFO",
            ids.STRUCTURE_BLOCK: "CEO\nCFO reports to CEO",
            ids.REVIEWERS_BLOCK: [ALEX],
        },
    )
    fake.click("alex", second, ids.APPROVE, value="2:1")
    eventually(lambda: bot.services.proposals.current_org(fake.ws.team_id) is not None)
    # the waiting card warns what will happen
    eventually(
        lambda: "goes back to its author" in text_of(fake.messages("org-design")[0]["blocks"])
    )
    clock.set(datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    bot.scheduler.upkeep()
    bot.scheduler.upkeep()
    replies = eventually(
        lambda: [
            r for r in fake.ws.replies(CHANNEL, card["ts"]) if "did not take effect" in r["text"]
        ]
    )
    assert len(replies) == 1 and "now version 1" in replies[0]["text"]
    dms = [m for m in fake.dms("dana") if "was due to take effect" in m["text"]]
    assert len(dms) == 1
    p = bot.services.proposals.get(fake.ws.team_id, 1)
    assert p.status == "changes_requested"
    assert bot.services.proposals.current_org(fake.ws.team_id).version == 1  # the CFO stays


def test_an_org_with_people_open_roles_and_dotted_lines_takes_effect_on_its_date(fake, bot, clock):
    """The issue's whole path: holders, an open seat, a hire and a dotted line, shown on the
    card with their shape, approved with a later date, current on that date."""
    from tests.test_e2e_org_people import STRUCTURE

    card = propose(fake, **{ids.STRUCTURE_BLOCK: STRUCTURE, ids.EFFECTIVE_BLOCK: EFFECTIVE})
    text = text_of(card["blocks"])
    assert "takes effect Mon 1 Mar 2027" in text
    assert "Operations Manager ×3 · 1 open" in text and "Data Analyst · to hire" in text
    assert "Head of Data · @priya ┄ dotted to COO" in text
    assert "Spans and layers: 4 layers" in text and "9 seats · 7 filled · 2 vacant" in text
    fake.click("alex", card, ids.APPROVE, value="1:1")
    eventually(lambda: fake.ws.replies(CHANNEL, card["ts"]))
    fake.click("sam", card, ids.APPROVE, value="1:1")
    eventually(lambda: "Approved, effective 1 March 2027" in text_of(card_in(fake)["blocks"]))
    assert bot.services.proposals.current_org(fake.ws.team_id) is None

    clock.set(datetime(2027, 3, 1, 0, 0, tzinfo=UTC))  # the workspace keeps UTC
    bot.scheduler.upkeep()
    current = bot.services.proposals.current_org(fake.ws.team_id)
    assert current.version == 1 and str(current.effective_on) == EFFECTIVE
    shown = text_of(fake.slash("kenji", "/org-proposal", "current").json["blocks"])
    assert "Operations Director · @dana" in shown and "┄ dotted to COO" in shown
    assert "Data Analyst · to hire" in shown and "in effect since Mon 1 Mar 2027" in shown
    eventually(lambda: effect_posts(fake, card)[0] and effect_posts(fake, card)[1])


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("current at", "Say which day: `/org-proposal current at 2027-03-01`"),
        ("current on ", "Say which day"),
        ("history -1", "Say which page of the history, counted from 1"),
        ("history 99999999999999999999", "Say which page"),
        ("history <!here>", "Say which page"),
    ],
)
def test_current_at_without_a_day_and_history_without_a_page_say_what_to_write(
    fake, bot, text, needle
):
    answer = fake.slash("kenji", "/org-proposal", text)
    assert needle in text_of(answer.json["blocks"])
