"""Rate limits per workspace: a reminder pass over several workspaces serves them side by
side, each with its own token and at its own pace; a 429 in one never holds another back."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from slack_sdk.oauth.installation_store import Installation

from roles import load_catalog
from slackbot.app import make_client
from slackbot.clock import ManualClock
from slackbot.devslack import FakeSlack
from slackbot.devslack.oauth import CLIENT_ID, CLIENT_SECRET
from slackbot.devslack.workspace import User
from slackbot.installations.clients import TeamClients, TeamRoutedClient
from slackbot.org.structure import parse_structure
from slackbot.proposals import Draft
from slackbot.ratelimit import RateLimitHandler
from slackbot.scheduling.scheduled import ScheduledPosts
from slackbot.services import Services
from tests.conftest import make_config

LIMITED, FREE = "T0AAALIMIT", "T0ZZZFREE0"  # the limited one is served first in turn
PEOPLE = [User(f"U0LONDON{i:02d}", f"p{i}", f"Person {i}", "Europe/London") for i in range(6)]


def setup(fake: FakeSlack, tmp_path, clock: ManualClock) -> Services:
    config = make_config(
        fake,
        tmp_path,
        bot_token=None,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        state_secret="s",
        timezone="Europe/London",
    )
    services = Services.open(config, clock=clock)
    text = "CEO\nCOO reports to CEO"
    structure = parse_structure(text, load_catalog()).structure
    for team in (LIMITED, FREE):
        view = fake.add_workspace(team)
        for person in PEOPLE:
            view.ws.users[person.id] = person
        grant = fake.oauth.new_grant([team], None, False)
        services.installations.save(
            Installation(team_id=team, bot_token=grant.token, user_id=PEOPLE[0].id)
        )
        reviewers = tuple(p.id for p in PEOPLE[1:])
        draft = Draft(
            "Regional", "why", text, structure, reviewers, date(2026, 12, 9), "C0ORGDES02"
        )
        services.proposals.create(team, PEOPLE[0].id, draft)
    return services


def test_a_429_in_one_workspace_never_holds_another_back(tmp_path):
    clock = ManualClock(datetime(2026, 11, 24, 10, tzinfo=UTC))
    with FakeSlack(clock=lambda: clock.now().timestamp()) as fake:
        services = setup(fake, tmp_path, clock)
        # one workspace answers 429 after its first post; the other is not limited
        fake.set_team_rate_limit(LIMITED, "chat.postMessage", per_second=0.001, burst=1)
        free_done = threading.Event()
        seen: dict[str, bool] = {}

        def wait_out(seconds: float) -> None:
            # the limited workspace waits out its Retry-After (here: until the other
            # workspace has had all its reminders), then its limit lifts
            seen["free done while the limited one waited"] = free_done.wait(timeout=5)
            with fake.lock:
                fake.team_limits.clear()

        base = make_client(services.config)
        base.retry_handlers = [RateLimitHandler(max_retry_count=5, sleep=wait_out)]
        clients = TeamClients(
            services.installations, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base=base
        )
        posts = ScheduledPosts(services, TeamRoutedClient.from_base(base, clients))

        def watch() -> None:
            with fake.changed:
                fake.changed.wait_for(
                    lambda: (
                        len([c for c in fake.calls_in(FREE, "chat.postMessage") if c.status == 200])
                        == len(PEOPLE) - 1
                    ),
                    timeout=10,
                )
            free_done.set()

        watcher = threading.Thread(target=watch)
        watcher.start()
        clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # Wednesday 10:00 in London
        report = posts.remind()
        watcher.join()

        assert seen == {"free done while the limited one waited": True}
        assert report.count("sent") == 2 * (len(PEOPLE) - 1), report.results
        for team in (LIMITED, FREE):
            sent = [c for c in fake.calls_in(team, "chat.postMessage") if c.status == 200]
            assert {c.token for c in sent} == {fake.token_of(team)}
            assert sorted(c.args["channel"] for c in sent) == sorted(p.id for p in PEOPLE[1:])
        assert [c for c in fake.calls_in(LIMITED, "chat.postMessage") if c.status == 429]
        services.store.close()


def test_one_workspace_at_a_time_would_hold_the_other_back(tmp_path, monkeypatch):
    """The same pass with `workspaces_at_once = 1`: the free workspace waits (the test
    above fails without side-by-side workspaces)."""
    monkeypatch.setattr(ScheduledPosts, "workspaces_at_once", 1)
    clock = ManualClock(datetime(2026, 11, 24, 10, tzinfo=UTC))
    with FakeSlack(clock=lambda: clock.now().timestamp()) as fake:
        services = setup(fake, tmp_path, clock)
        fake.set_team_rate_limit(LIMITED, "chat.postMessage", per_second=0.001, burst=1)
        free_before: list[int] = []

        def wait_out(seconds: float) -> None:
            free_before.append(
                len([c for c in fake.calls_in(FREE, "chat.postMessage") if c.status == 200])
            )
            with fake.lock:
                fake.team_limits.clear()

        base = make_client(services.config)
        base.retry_handlers = [RateLimitHandler(max_retry_count=5, sleep=wait_out)]
        clients = TeamClients(
            services.installations, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base=base
        )
        posts = ScheduledPosts(services, TeamRoutedClient.from_base(base, clients))
        clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
        posts.remind()
        # in turn, the limited workspace's wait happened with the free one all done or
        # not started: never both under way
        assert free_before and free_before[0] == 0
        services.store.close()
