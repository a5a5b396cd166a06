"""Item 5 of issue 8: the digest's counts are exact whatever the size (its queries used
to stop at 200 proposals and 500 events); its lists are shortened with "and N more"."""

from __future__ import annotations

import re
import time
from datetime import date

from slackbot.blockkit.limits import check_message
from slackbot.proposals.model import APPROVE
from slackbot.scheduling.digest import LISTED
from tests.scheduling_helpers import (
    ALEX,
    DANA,
    SAM,
    TEAM,
    create_proposal,
    set_digest,
    utc,
)
from tests.test_digest_and_delivery import MONDAY_9_BERLIN, digests


def test_counts_are_exact_with_hundreds_of_proposals_and_events(fake, services, posts, clock):
    set_digest(services)
    clock.set(utc(2026, 11, 19, 10))
    started = time.monotonic()
    overdue = create_proposal(services, title="Oldest", review_by=date(2026, 11, 20))
    clock.set(utc(2026, 11, 24, 10))
    created = [create_proposal(services, title=f"P{n}") for n in range(2, 741)]
    # 520 closed this week: more events than the old 500-event query saw
    for p in created[:520]:
        services.proposals.withdraw(TEAM, p.id, DANA)
    assert time.monotonic() - started < 60

    posts.digest(at=MONDAY_9_BERLIN)
    [message] = digests(fake)
    assert check_message(message) == []
    assert message["text"] == (
        "Org proposals, week of 30 November 2026: 739 new, 220 awaiting review, 520 decided"
    )
    text = fake.render(message["blocks"])
    assert "New (739)" in text and "Awaiting review (220)" in text and "Decided (520)" in text
    assert text.count("…and") == 3
    assert f"…and {739 - LISTED} more: `/org-proposal list`" in text
    assert f"…and {220 - LISTED} more" in text
    assert f"…and {520 - LISTED} more" in text
    waiting = text.split("Awaiting review (220)")[1].split("Decided")[0]
    # the most overdue comes first, even among hundreds
    assert re.search(r"•\s*#1 Oldest", waiting.split("\n", 2)[1]), waiting[:300]
    assert "overdue since" in waiting
    assert overdue.id == 1 and ALEX in overdue.reviewers


def test_a_short_list_says_nothing_more(fake, services, posts, clock):
    set_digest(services)
    clock.set(utc(2026, 11, 24, 10))
    create_proposal(services, title="Only one")
    posts.digest(at=MONDAY_9_BERLIN)
    [message] = digests(fake)
    assert "more:" not in fake.render(message["blocks"])
    assert message["text"].endswith("1 new, 1 awaiting review, 0 decided")


def test_the_list_command_counts_every_open_proposal(fake, bot):
    for n in range(60):
        create_proposal(bot.services, title=f"P{n}")
    response = fake.slash("dana", "/org-proposal", "list")
    assert response.json["text"] == "60 open org proposals"
    text = fake.render(response.json["blocks"])
    assert "Open (60)" in text
    assert "…and 10 older: `/org-proposal show N`" in text
    assert "#60 P59" in text and "#10 P9" not in text


def test_the_home_tab_counts_everything_waiting_on_you(fake, bot):
    made = [create_proposal(bot.services, title=f"P{n}", reviewers=(ALEX, SAM)) for n in range(15)]
    for p in made[:2]:
        bot.services.proposals.decide(TEAM, p.id, ALEX, APPROVE)
    fake.open_home("alex")
    fake.wait_for("views.publish")
    text = fake.render(fake.home("alex")["blocks"])
    assert "Waiting on your review (13)" in text
    assert "…and 3 more waiting on you" in text
    assert "#1 P0" not in text.split("Your proposals")[0]  # decided: not waiting on alex
