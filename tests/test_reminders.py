"""Review reminders with an injected clock: time zones, DST, quiet days, interval,
overdue, stop on decision, snooze."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slackbot.clock import ManualClock
from slackbot.people import Person
from slackbot.proposals.model import APPROVE
from slackbot.scheduling.reminders import reminder_due
from slackbot.settings import Settings
from tests.scheduling_helpers import (
    ALEX,
    KENJI,
    PRIYA,
    SAM,
    TEAM,
    create_proposal,
    utc,
)


@pytest.fixture
def clock():
    # proposals are created on Wednesday 25 November 2026, 10:00 UTC
    return ManualClock(utc(2026, 11, 25, 10, 0))


def dm_texts(fake, user):
    return [m["text"] for m in fake.dms(user)]


# --- the rule, as a pure function ------------------------------------------------------------


def rule(
    now,
    *,
    tz="UTC",
    asked=None,
    last=None,
    snoozed=None,
    settings=None,
    review_by=date(2026, 12, 2),
):
    class P:  # the few proposal fields the rule reads
        pass

    p = P()
    p.review_by = review_by
    asked = asked or utc(2026, 11, 25, 10)
    return reminder_due(
        p,
        Person("U1", tz, False),
        settings or Settings(team_id=TEAM),
        now=now,
        asked_at=asked,
        last_reminded=last,
        snoozed_until=snoozed,
    )


@pytest.mark.parametrize(
    ("now", "tz", "due"),
    [
        (utc(2026, 11, 26, 8, 59), "UTC", False),  # before 09:00
        (utc(2026, 11, 26, 9, 0), "UTC", True),
        (utc(2026, 11, 26, 17, 59), "UTC", True),
        (utc(2026, 11, 26, 18, 0), "UTC", False),  # after the working day
        (utc(2026, 11, 26, 0, 30), "Asia/Tokyo", True),  # 09:30 Thursday in Tokyo
        (utc(2026, 11, 26, 16, 30), "America/Los_Angeles", False),  # 08:30 there
        (utc(2026, 11, 26, 17, 30), "America/Los_Angeles", True),  # 09:30 there
        (utc(2026, 11, 25, 14, 0), "UTC", False),  # same day it was asked
    ],
)
def test_nine_oclock_in_the_reviewers_own_zone(now, tz, due):
    assert bool(rule(now, tz=tz)) is due


def test_across_the_daylight_saving_change():
    # New York leaves daylight saving on Sunday 1 November 2026: 09:00 is 13:00 UTC before
    # and 14:00 UTC after. Asked on Thursday 29 October.
    asked = utc(2026, 10, 29, 15)
    assert rule(utc(2026, 10, 30, 13, 5), tz="America/New_York", asked=asked)  # Fri 09:05 EDT
    assert not rule(utc(2026, 11, 2, 13, 30), tz="America/New_York", asked=asked)  # Mon 08:30 EST
    monday = rule(utc(2026, 11, 2, 14, 5), tz="America/New_York", asked=asked)  # Mon 09:05 EST
    assert monday and monday.local_day == date(2026, 11, 2)


def test_quiet_days_and_interval():
    saturday = utc(2026, 11, 28, 10)
    assert not rule(saturday)
    assert rule(saturday, settings=Settings(team_id=TEAM, quiet_days=frozenset()))
    every_two = Settings(team_id=TEAM, reminder_interval_days=2)
    assert not rule(utc(2026, 11, 26, 10), settings=every_two)
    assert rule(utc(2026, 11, 27, 10), settings=every_two)
    assert not rule(utc(2026, 11, 27, 10), last=utc(2026, 11, 26, 9), settings=every_two)


def test_overdue_counts_days_past_the_review_date():
    assert rule(utc(2026, 12, 2, 10)).overdue_days == 0
    assert rule(utc(2026, 12, 4, 10)).overdue_days == 2


def test_snooze_holds_until_it_ends():
    until = datetime(2026, 11, 27, 9, tzinfo=ZoneInfo("UTC"))
    assert not rule(utc(2026, 11, 26, 10), snoozed=until)
    assert rule(utc(2026, 11, 27, 9, 1), snoozed=until)


# --- the pass, against the fake Slack ---------------------------------------------------------


def test_reminders_go_to_undecided_reviewers_once_a_day(fake, services, posts, clock):
    create_proposal(services, reviewers=(ALEX, SAM))
    assert posts.remind().results == {}  # same day it was asked

    thursday = utc(2026, 11, 26, 14, 5)  # 09:05 in New York (alex), 14:05 in London (sam)
    report = posts.remind(at=thursday)
    assert report.count("sent") == 2
    [alex] = fake.dms("alex")
    assert "Reminder: @dana is waiting for your review of" in fake.render(alex["blocks"])
    assert "Remind me tomorrow" in fake.render(alex["blocks"])
    assert alex["metadata"]["event_payload"]["key"] == f"reminder:{TEAM}:1:v1:{ALEX}:2026-11-26"

    # later the same day: nothing more
    assert posts.remind(at=thursday + timedelta(hours=3)).count("sent") == 0
    assert len(fake.dms("alex")) == 1


def test_each_reviewer_at_their_own_nine(fake, services, posts):
    create_proposal(services, reviewers=(KENJI, PRIYA))  # Tokyo, Los Angeles
    assert set(posts.remind(at=utc(2026, 11, 26, 0, 5)).results) == {
        f"reminder:{TEAM}:1:v1:{KENJI}:2026-11-26"
    }
    assert set(posts.remind(at=utc(2026, 11, 26, 17, 5)).results) == {
        f"reminder:{TEAM}:1:v1:{PRIYA}:2026-11-26"
    }


def test_reminders_stop_when_the_reviewer_decides(fake, services, posts):
    p = create_proposal(services, reviewers=(ALEX, SAM))
    services.proposals.decide(TEAM, p.id, ALEX, APPROVE)
    report = posts.remind(at=utc(2026, 11, 26, 14, 5))
    assert list(report.results) == [f"reminder:{TEAM}:1:v1:{SAM}:2026-11-26"]


def test_reminders_stop_when_the_proposal_closes(fake, services, posts):
    p = create_proposal(services, reviewers=(ALEX,))
    services.proposals.withdraw(TEAM, p.id, p.author_id)
    assert posts.remind(at=utc(2026, 11, 26, 14, 5)).results == {}


def test_an_overdue_reminder_is_sharper(fake, services, posts):
    create_proposal(services, reviewers=(SAM,), review_by=date(2026, 11, 30))
    posts.remind(at=utc(2026, 12, 2, 9, 5))
    [dm] = fake.dms("sam")
    assert "Overdue: your review of" in fake.render(dm["blocks"])
    assert "was due Mon 30 Nov 2026 (2 days ago)" in fake.render(dm["blocks"])


def test_dry_run_prints_and_sends_nothing(fake, services, posts):
    create_proposal(services, reviewers=(SAM,))
    report = posts.remind(at=utc(2026, 11, 26, 9, 5), dry_run=True)
    assert report.results == {f"reminder:{TEAM}:1:v1:{SAM}:2026-11-26": "would send"}
    assert (
        "Reminder: @dana is waiting" in report.previews[0]
        or "is waiting for your review" in report.previews[0]
    )
    assert fake.calls_to("chat.postMessage") == []
    assert services.store.db["deliveries"].count == 0


def test_time_zones_come_from_slack_and_are_cached(fake, services, posts):
    create_proposal(services, reviewers=(KENJI,))
    posts.remind(at=utc(2026, 11, 26, 0, 5))
    posts.remind(at=utc(2026, 11, 26, 6, 5))
    assert len(fake.calls_to("users.info")) == 1
    posts.remind(at=utc(2026, 11, 27, 0, 5))  # a day later the cache is refreshed
    assert len(fake.calls_to("users.info")) == 2
    [row] = services.store.db["people"].rows
    assert row["tz"] == "Asia/Tokyo"


def test_remind_me_tomorrow_brings_the_next_one_tomorrow_whatever_the_interval():
    weekly = Settings(team_id=TEAM, reminder_interval_days=7)
    reminded = utc(2026, 11, 26, 9, 5)  # Thursday
    snoozed = utc(2026, 11, 27, 9, 0)  # until Friday 09:00
    assert not rule(utc(2026, 11, 26, 15), last=reminded, snoozed=snoozed, settings=weekly)
    assert rule(utc(2026, 11, 27, 9, 5), last=reminded, snoozed=snoozed, settings=weekly)
    # once it has come, the interval rules again
    assert not rule(
        utc(2026, 11, 30, 9, 5), last=utc(2026, 11, 27, 9, 5), snoozed=snoozed, settings=weekly
    )


def test_no_reminders_while_the_proposal_is_back_with_its_author(fake, services, posts):
    p = create_proposal(services, reviewers=(ALEX, SAM))
    services.proposals.decide(TEAM, p.id, ALEX, "changes_requested", "add a CFO")
    assert posts.remind(at=utc(2026, 11, 26, 14, 5)).results == {}


def test_a_failed_reminder_is_not_retried_after_its_day(fake, services, posts, clock):
    from slackbot.scheduling.delivery import Deliveries

    create_proposal(services, reviewers=(SAM,))  # London
    fake.fail("chat.postMessage", "internal_error", times=10)
    clock.set(utc(2026, 11, 27, 17, 50))  # Friday, ten minutes before the window closes
    key = f"reminder:{TEAM}:1:v1:{SAM}:2026-11-27"
    assert posts.remind().results == {key: "failed"}
    for minutes in (1, 5, 30):
        clock.advance(timedelta(minutes=minutes))
        posts.upkeep()
    row = Deliveries(services.store).get(key)
    assert (row.status, row.last_error) == ("skipped", "no longer needed")
    assert len(fake.calls_to("chat.postMessage")) == 3  # 17:50, 17:51, 17:56; none at 18:26


def test_remind_me_tomorrow_from_the_dm(fake, bot, clock):
    from slackbot import ids

    fake.slash("dana", "/org-proposal", "", channel="org-design")
    fake.wait_for("views.open")
    fake.submit(
        "dana",
        {
            ids.TITLE_BLOCK: "Ops under a COO",
            ids.RATIONALE_BLOCK: "why",
            ids.STRUCTURE_BLOCK: "CEO\nCOO reports to CEO",
            ids.REVIEWERS_BLOCK: [SAM],
        },
    )
    fake.wait_for("chat.postMessage", 2)
    clock.set(utc(2026, 11, 26, 9, 5))
    bot.scheduler.posts.remind()
    reminder = fake.dms("sam")[-1]
    assert "Reminder" in reminder["text"]
    fake.click("sam", reminder, ids.SNOOZE, value="1")
    fake.wait_for("chat.update")  # the bot's own DM: chat.update, not the response_url
    assert fake.calls_to("response_url") == []
    assert "OK, I'll remind you about #1" in fake.dms("sam")[-1]["text"]
    [row] = bot.services.store.db["snoozes"].rows
    assert row["until"] == "2026-11-27T09:00:00+00:00"
