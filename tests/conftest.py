"""Fixtures: a fake Slack on loopback, and orgbot running in HTTP mode against it.

Tests talk to orgbot the way Slack does: signed HTTP requests in (`fake.slash`,
`fake.click`, `fake.submit`, `fake.open_home`), Web API calls out to the fake, which
records them and checks every message and view against Block Kit's limits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from slackbot.app import make_client
from slackbot.clock import ManualClock
from slackbot.config import Config
from slackbot.devslack import FakeSlack
from slackbot.runner import Orgbot
from slackbot.scheduling.scheduled import ScheduledPosts
from slackbot.services import Services
from slackbot.store import Store


def eventually(check, *, timeout: float = 15.0, interval: float = 0.01):
    """Poll `check` until it returns something truthy (work after the ack runs in the
    background); fail with the last value after `timeout` seconds (generous: it returns
    as soon as the check holds, and a loaded 2-core CI machine can take seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            assert value, f"still {value!r} after {timeout} s"
            return value
        time.sleep(interval)


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeSlack]:
    """The fake Slack; its message timestamps follow the test's clock, as Slack's follow
    real time."""
    with FakeSlack(clock=lambda: clock.now().timestamp()) as slack:
        yield slack
        assert slack.problems == [], "Block Kit problems:\n" + "\n".join(slack.problems)


def make_config(fake: FakeSlack, tmp_path, **overrides) -> Config:
    values = dict(
        bot_token=fake.bot_token,
        signing_secret=fake.signing_secret,
        api_url=fake.api_url,
        db_path=str(tmp_path / "orgbot.db"),
        host="127.0.0.1",
        port=0,
    )
    values.update(overrides)
    return Config(**values)


@pytest.fixture
def config(fake: FakeSlack, tmp_path) -> Config:
    return make_config(fake, tmp_path)


@pytest.fixture
def clock() -> ManualClock:
    # a Wednesday morning in November, UTC
    return ManualClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))


@pytest.fixture
def bot(fake: FakeSlack, config: Config, clock: ManualClock) -> Iterator[Orgbot]:
    """orgbot in HTTP mode on a free loopback port, with the fake connected to it."""
    orgbot = Orgbot(config, clock=clock)
    server = orgbot.http_server(host="127.0.0.1", port=0).start()
    fake.connect(f"{server.url}/slack/events")
    yield orgbot
    orgbot.close()


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    s = Store(tmp_path / "unit.db")
    yield s
    s.close()


@pytest.fixture
def services(config: Config, clock: ManualClock) -> Iterator[Services]:
    """The core on a real SQLite file, without the Bolt app (scheduler tests)."""
    s = Services.open(config, clock=clock)
    yield s
    s.store.close()


@pytest.fixture
def posts(services: Services, config: Config) -> ScheduledPosts:
    """The digest and reminder passes, with a Web API client pointed at the fake Slack."""
    return ScheduledPosts(services, make_client(config))
