"""The digest's schedule and content, and every scheduled post sent exactly once: two
schedulers, a hand run, a kill mid-run and a restart, 429s, a channel that is gone."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, time, timedelta

import pytest

from slackbot.app import make_client
from slackbot.checks import check_deliveries
from slackbot.clock import ManualClock
from slackbot.proposals.model import APPROVE, REJECT
from slackbot.scheduling import delivery as delivery_module
from slackbot.scheduling.delivery import Deliveries
from slackbot.scheduling.digest import latest_scheduled
from slackbot.scheduling.scheduled import ScheduledPosts
from slackbot.settings import Settings
from tests.scheduling_helpers import (
    ALEX,
    DANA,
    SAM,
    TEAM,
    create_proposal,
    make_posts,
    make_services,
    set_digest,
    utc,
)

MONDAY_9_BERLIN = utc(2026, 11, 30, 8, 0)  # 09:00 CET


@pytest.fixture
def clock():
    return ManualClock(utc(2026, 11, 23, 10, 0))  # the Monday before


def digests(fake):
    return [
        m
        for m in fake.messages("org-design")
        if (m.get("metadata") or {}).get("event_payload", {}).get("key", "").startswith("digest:")
    ]


# --- when --------------------------------------------------------------------------------------


def test_weekly_digest_time_follows_the_wall_clock_across_dst():
    settings = Settings(team_id=TEAM, timezone="Europe/Berlin", digest_channel="C1")
    # Berlin leaves summer time on Sunday 25 October 2026: 09:00 is 07:00 UTC before, 08:00 after
    assert latest_scheduled(settings, utc(2026, 10, 19, 7, 1)) == utc(2026, 10, 19, 7, 0)
    assert latest_scheduled(settings, utc(2026, 10, 26, 7, 30)) == utc(2026, 10, 19, 7, 0)
    assert latest_scheduled(settings, utc(2026, 10, 26, 8, 0)) == utc(2026, 10, 26, 8, 0)


def test_daily_digest_skips_quiet_days():
    settings = Settings(team_id=TEAM, digest_channel="C1", digest_cadence="daily")
    assert latest_scheduled(settings, utc(2026, 11, 29, 12)).date() == date(
        2026, 11, 27
    )  # Sunday -> Friday


def test_no_channel_or_off_means_no_digest():
    assert latest_scheduled(Settings(team_id=TEAM), utc(2026, 11, 30, 12)) is None
    assert (
        latest_scheduled(
            Settings(team_id=TEAM, digest_channel="C1", digest_cadence="off"), utc(2026, 11, 30, 12)
        )
        is None
    )


# --- what ----------------------------------------------------------------------------------------


def test_a_busy_week(fake, services, posts, clock):
    set_digest(services)
    clock.set(utc(2026, 11, 19, 10))
    create_proposal(
        services, title="Old and overdue", reviewers=(ALEX,), review_by=date(2026, 11, 26)
    )
    clock.set(utc(2026, 11, 24, 10))
    fresh = create_proposal(services, title="Fresh one", reviewers=(SAM, ALEX))
    decided = create_proposal(services, title="Decided one", reviewers=(SAM,))
    services.proposals.decide(TEAM, decided.id, SAM, REJECT, "no")
    services.proposals.decide(TEAM, fresh.id, ALEX, APPROVE)

    report = posts.digest(at=MONDAY_9_BERLIN)
    assert report.results == {f"digest:{TEAM}:2026-11-30": "sent"}
    [message] = digests(fake)
    text = fake.render(message["blocks"])
    assert "ORG PROPOSALS: WEEK OF 30 NOVEMBER 2026" in text
    new = text.split("New (2)")[1].split("Awaiting")[0]
    assert new.index("#2 Fresh one") < new.index("#3 Decided one")
    assert "by @dana" in new
    waiting = text.split("Awaiting review (2)")[1].split("Decided")[0]
    assert waiting.index("#1 Old and overdue") < waiting.index("#2 Fresh one")  # overdue first
    assert "waiting 10 days on @alex · ⚠️ overdue since Thu 26 Nov 2026" in waiting
    assert "#2 Fresh one (https://orgbot-sandbox.slack.com/archives/C0ORGDES02/p" in waiting
    assert "on @sam · review by Wed 2 Dec 2026" in waiting
    assert "Decided (1)\n• ❌ #3 Decided one" in text and ": rejected" in text
    assert (
        message["text"]
        == "Org proposals, week of 30 November 2026: 2 new, 2 awaiting review, 1 decided"
    )


def test_a_quiet_week_gets_one_line(fake, services, posts):
    set_digest(services)
    posts.digest(at=MONDAY_9_BERLIN)
    [message] = digests(fake)
    assert (
        message["text"]
        == "Org proposals, week of 30 November 2026: a quiet week. Nothing new, nothing waiting, no decisions."
    )
    assert len(message["blocks"]) == 1


# --- exactly once ---------------------------------------------------------------------------------


def test_the_same_period_is_posted_once_however_often_it_is_asked(fake, services, posts):
    set_digest(services)
    assert posts.digest(at=MONDAY_9_BERLIN).count("sent") == 1
    assert posts.digest(at=MONDAY_9_BERLIN + timedelta(minutes=5)).results == {}
    assert len(digests(fake)) == 1


def test_two_schedulers_on_one_database_post_once(fake, config, clock):
    first, second = make_services(config, clock), make_services(config, clock)
    set_digest(first)
    create_proposal(first, reviewers=(SAM,))
    passes = [make_posts(first, config), make_posts(second, config)]
    barrier = threading.Barrier(2)
    results = []

    def run(posts):
        barrier.wait()
        results.append(posts.digest(at=MONDAY_9_BERLIN).results)
        results.append(posts.remind(at=MONDAY_9_BERLIN + timedelta(hours=1)).results)

    threads = [threading.Thread(target=run, args=(p,)) for p in passes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(digests(fake)) == 1
    assert len(fake.dms("sam")) == 1
    outcomes = sorted(r for result in results for r in result.values())
    assert outcomes.count("sent") == 2 and outcomes.count("taken") <= 2


def test_two_processes_running_orgbot_digest_post_once(fake, config, services, tmp_path):
    set_digest(services)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": config.bot_token,
        "SLACK_API_URL": config.api_url,
        "ORGBOT_DB": config.db_path,
    }
    command = [sys.executable, "-m", "slackbot", "digest", "--at", "2026-11-30T09:00:00+01:00"]
    runs = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=60)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0]
    assert len(digests(fake)) == 1
    assert sorted(o.strip().splitlines()[-1] for o in outputs) == [
        "digest: 0 sent, 0 already sent or in progress, 0 failed",
        "digest: 1 sent, 0 already sent or in progress, 0 failed",
    ] or sorted(o.strip().splitlines()[-1] for o in outputs) == [
        "digest: 0 sent, 1 already sent or in progress, 0 failed",
        "digest: 1 sent, 0 already sent or in progress, 0 failed",
    ]


def test_a_hand_run_next_to_the_scheduler_does_not_double(
    fake, config, services, posts, capsys, monkeypatch, tmp_path
):
    set_digest(services)
    posts.digest(at=MONDAY_9_BERLIN)
    from slackbot.cli import main

    monkeypatch.setenv("SLACK_BOT_TOKEN", config.bot_token)
    monkeypatch.setenv("SLACK_API_URL", config.api_url)
    monkeypatch.setenv("ORGBOT_DB", config.db_path)
    monkeypatch.chdir(tmp_path)
    assert main(["digest", "--at", "2026-11-30T09:30:00+01:00"]) == 0
    assert "digest: 0 sent" in capsys.readouterr().out
    assert len(digests(fake)) == 1


class Killed(BaseException):
    """Stands in for the process dying (SIGKILL, power loss) at a chosen point."""


def test_killed_after_posting_then_restarted_posts_nothing_twice(
    fake, config, services, clock, monkeypatch
):
    set_digest(services)
    posts = make_posts(services, config)

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(Deliveries, "mark_sent", die)
    clock.set(MONDAY_9_BERLIN)
    with pytest.raises(Killed):
        posts.digest()
    monkeypatch.undo()
    assert len(digests(fake)) == 1
    assert Deliveries(services.store).get(f"digest:{TEAM}:2026-11-30").status == "sending"

    # the restart: a new process, within the lease nothing is touched, after it the post is found
    clock.set(MONDAY_9_BERLIN + timedelta(minutes=2))
    restarted = make_posts(make_services(config, clock), config)
    assert restarted.upkeep() == {"found": 0, "retry": 0, "unknown": 0, "retried": 0}
    clock.advance(delivery_module.LEASE)
    assert restarted.upkeep()["found"] == 1
    assert restarted.digest(at=MONDAY_9_BERLIN + timedelta(minutes=15)).results == {}
    assert len(digests(fake)) == 1
    assert Deliveries(services.store).get(f"digest:{TEAM}:2026-11-30").status == "sent"


def test_killed_before_posting_then_restarted_posts_it_once(
    fake, config, services, clock, monkeypatch
):
    set_digest(services)
    posts = make_posts(services, config)

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(posts.client, "chat_postMessage", die)
    clock.set(MONDAY_9_BERLIN)
    with pytest.raises(Killed):
        posts.digest()
    assert digests(fake) == []

    clock.set(MONDAY_9_BERLIN + delivery_module.LEASE + timedelta(minutes=1))
    restarted = make_posts(make_services(config, clock), config)
    counts = restarted.upkeep()
    assert counts["retry"] == 1 and counts["retried"] == 1
    assert len(digests(fake)) == 1
    restarted.upkeep()
    assert len(digests(fake)) == 1


def test_an_unreadable_history_is_reported_not_resent(fake, config, services, clock, monkeypatch):
    set_digest(services)
    posts = make_posts(services, config)
    monkeypatch.setattr(Deliveries, "mark_sent", lambda *a, **k: (_ for _ in ()).throw(Killed()))
    clock.set(MONDAY_9_BERLIN)
    with pytest.raises(Killed):
        posts.digest()
    monkeypatch.undo()
    fake.fail("conversations.history", "missing_scope", times=5)
    clock.set(MONDAY_9_BERLIN + delivery_module.LEASE + timedelta(minutes=1))
    assert make_posts(services, config).upkeep()["unknown"] == 1
    assert len(digests(fake)) == 1
    result = check_deliveries(config)
    assert not result.ok and f"digest:{TEAM}:2026-11-30 unknown" in result.detail


def test_rate_limits_are_waited_out(fake, services, posts):
    set_digest(services)
    fake.rate_limit_next("chat.postMessage", times=2, retry_after=0)
    assert posts.digest(at=MONDAY_9_BERLIN).count("sent") == 1
    assert len(digests(fake)) == 1
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 429, 200]


def test_a_channel_that_is_gone_is_retried_with_backoff_then_given_up(
    fake, config, services, posts, clock
):
    settings = set_digest(services)
    from slackbot.settings import save_settings

    save_settings(
        services.store,
        Settings(**{**settings.__dict__, "digest_channel": "C0GONE0000"}),
        user_id=ALEX,
        now=clock.now(),
    )
    clock.set(MONDAY_9_BERLIN)
    assert posts.digest().results == {f"digest:{TEAM}:2026-11-30": "failed"}
    row = Deliveries(services.store).get(f"digest:{TEAM}:2026-11-30")
    assert (row.status, row.last_error, row.attempts) == ("failed", "channel_not_found", 1)
    assert posts.upkeep()["retried"] == 0  # not due yet
    for backoff in delivery_module.BACKOFF:
        clock.advance(backoff)
        posts.upkeep()
    row = Deliveries(services.store).get(f"digest:{TEAM}:2026-11-30")
    assert (row.status, row.attempts) == ("gave_up", delivery_module.MAX_ATTEMPTS)
    assert len(fake.calls_to("chat.postMessage")) == delivery_module.MAX_ATTEMPTS
    result = check_deliveries(config)
    assert not result.ok and "channel_not_found" in result.detail
    home = services.admin_notes(TEAM, "U0ALEX0001", posts.client)
    assert any("channel_not_found" in note for note in home)
    assert services.admin_notes(TEAM, DANA, posts.client) == []  # not an admin


def test_a_missed_digest_is_caught_up_within_the_grace_period(fake, services, posts, caplog):
    set_digest(services)
    assert posts.digest(at=MONDAY_9_BERLIN + timedelta(hours=5)).count("sent") == 1
    assert len(digests(fake)) == 1


def test_a_digest_missed_by_more_than_the_grace_period_is_skipped_with_a_log_line(
    fake, services, posts, caplog
):
    set_digest(services, digest_time=time(9, 0))
    with caplog.at_level("WARNING", logger="orgbot.digest"):
        assert posts.digest(at=MONDAY_9_BERLIN + timedelta(hours=7)).results == {}
        assert posts.digest(at=MONDAY_9_BERLIN + timedelta(hours=8)).results == {}
    assert digests(fake) == []
    skipped = [r for r in caplog.records if "more than" in r.getMessage()]
    assert len(skipped) == 1


def test_a_digest_set_up_after_its_time_is_not_reported_missed(
    fake, services, posts, clock, caplog
):
    clock.set(MONDAY_9_BERLIN + timedelta(hours=8))  # Monday afternoon: the admin sets it up
    set_digest(services)
    with caplog.at_level("WARNING", logger="orgbot.digest"):
        assert posts.digest().results == {}
    assert not [r for r in caplog.records if "more than" in r.getMessage()]
    assert services.store.db["deliveries"].count == 0
    clock.set(MONDAY_9_BERLIN + timedelta(days=7))  # the next Monday it goes out
    assert posts.digest().count("sent") == 1


@pytest.mark.parametrize(
    ("what", "kwargs"),
    [("stall", {"seconds": 1.5}), ("drop", {}), ("5xx", {"status": 500})],
)
def test_an_uncertain_post_is_checked_before_it_is_sent_again(
    fake, config, services, clock, what, kwargs
):
    """Slack did post, but orgbot could not tell (a timeout, a dropped connection, a 500):
    the retry finds the message in the channel's history instead of posting it twice."""
    set_digest(services)
    client = make_client(config, timeout=1)
    posts = ScheduledPosts(services, client)
    fake.after_call("chat.postMessage", what, **kwargs)
    clock.set(MONDAY_9_BERLIN)
    assert posts.digest().results == {f"digest:{TEAM}:2026-11-30": "failed"}
    row = Deliveries(services.store).get(f"digest:{TEAM}:2026-11-30")
    assert row.verify and row.status == "failed"
    assert len(digests(fake)) == 1
    clock.advance(delivery_module.BACKOFF[0])
    posts.upkeep()
    assert Deliveries(services.store).get(f"digest:{TEAM}:2026-11-30").status == "sent"
    assert len(digests(fake)) == 1
    assert len(fake.calls_to("chat.postMessage")) == 1  # never posted again


def test_an_uncertain_post_that_did_not_arrive_is_sent_once_more(fake, config, services, clock):
    set_digest(services)
    posts = ScheduledPosts(services, make_client(config, timeout=1))
    fake.fail("chat.postMessage", "internal_error", times=1)
    fake.faults["chat.postMessage"][0].status = 503  # Slack answered 503 without posting
    clock.set(MONDAY_9_BERLIN)
    assert posts.digest().count("failed") == 1
    clock.advance(delivery_module.BACKOFF[0])
    assert posts.upkeep()["retried"] == 1
    assert len(digests(fake)) == 1


def test_changing_only_the_time_zone_reschedules_the_digest(fake, config, services, clock):
    from slackbot.scheduling.scheduler import Scheduler
    from slackbot.settings import save_settings

    settings = set_digest(services)  # Monday 09:00 Europe/Berlin
    scheduler = Scheduler(services, make_client(config))
    scheduler.refresh_digests()
    [job] = [j for j in scheduler.jobs() if j.id == f"digest:{TEAM}"]
    assert str(job.trigger.timezone) == "Europe/Berlin"
    save_settings(
        services.store,
        Settings(**{**settings.__dict__, "timezone": "America/New_York"}),
        user_id=ALEX,
        now=clock.now(),
    )
    scheduler.refresh_digests()
    [job] = [j for j in scheduler.jobs() if j.id == f"digest:{TEAM}"]
    assert str(job.trigger.timezone) == "America/New_York"
    assert job.trigger.get_next_fire_time(None, MONDAY_9_BERLIN) == utc(2026, 11, 30, 14, 0)


def test_the_digest_footer_shows_since_in_each_readers_time(fake, services, posts):
    set_digest(services)
    create_proposal(services, reviewers=(SAM,))
    posts.digest(at=MONDAY_9_BERLIN)
    [message] = digests(fake)
    footer = message["blocks"][-1]["elements"][0]["text"]
    # the previous Monday 09:00 Berlin is 08:00 UTC; Slack renders it in each reader's zone
    assert footer.startswith(f"Since <!date^{int(utc(2026, 11, 23, 8).timestamp())}^")


def test_stopping_while_the_upkeep_refreshes_the_digest_jobs_does_not_hang(
    fake, config, services, monkeypatch
):
    """APScheduler's shutdown(wait=True) waits for running jobs while holding the lock
    that `get_jobs` takes: an upkeep between reading the settings and refreshing the
    digest jobs waited for it forever (seen as a test run hung at a bot's teardown)."""
    from datetime import UTC, datetime

    from slackbot.scheduling import scheduler as scheduler_module
    from tests.conftest import eventually

    main = threading.current_thread()
    in_job, go_on = threading.Event(), threading.Event()
    known_teams = scheduler_module.known_teams

    def teams_slowly(store):
        if threading.current_thread() is not main:  # the job, not start()
            in_job.set()
            go_on.wait(10)
        return known_teams(store)

    monkeypatch.setattr(scheduler_module, "known_teams", teams_slowly)
    scheduler = scheduler_module.Scheduler(services, make_client(config))
    scheduler.start()
    [upkeep] = [j for j in scheduler.jobs() if j.id == "upkeep"]
    upkeep.modify(next_run_time=datetime.now(UTC))
    assert in_job.wait(10)  # the upkeep is reading the settings...
    stopping = threading.Thread(target=scheduler.shutdown, daemon=True)
    stopping.start()
    eventually(lambda: scheduler._stopping or not scheduler.running)  # ...as orgbot stops
    go_on.set()
    stopping.join(timeout=10)
    assert not stopping.is_alive(), "the scheduler did not stop"
    assert not scheduler.running
