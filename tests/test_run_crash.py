"""`orgbot run` killed with SIGKILL while a proposal card's chat.postMessage is in flight,
then started again on the same database: the card appears exactly once, is linked to its
proposal, and the reviewers are asked exactly once. Real processes, a fake Slack on
loopback (on the real clock: orgbot looks for its messages by time)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest

from slackbot import ids
from slackbot.devslack import FakeSlack
from tests.conftest import eventually
from tests.test_e2e_proposals import form_values
from tests.test_run import run_env, start_run, wait_healthy

CHANNEL = "org-design"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake
        assert fake.problems == [], "Block Kit problems:\n" + "\n".join(fake.problems)


def start(env: dict[str, str], tmp_path) -> subprocess.Popen:
    proc = start_run(env, tmp_path)
    wait_healthy(f"http://127.0.0.1:{env['PORT']}/healthz", proc)
    return proc


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.terminate()
    return proc.communicate(timeout=20)[0]


def cards(fake: FakeSlack) -> list[dict]:
    return [m for m in fake.messages(CHANNEL) if "thread_ts" not in m]


def submit_proposal(fake: FakeSlack, env: dict[str, str]) -> None:
    fake.connect(f"http://127.0.0.1:{env['PORT']}/slack/events")
    fake.slash("dana", "/org-proposal", "", channel=CHANNEL)
    fake.wait_for("views.open")
    response = fake.submit("dana", form_values())
    assert response.status == 200 and response.body == b""


def kill(proc: subprocess.Popen) -> None:
    proc.kill()  # SIGKILL: no handler runs, nothing is flushed or recorded
    proc.wait(timeout=20)
    proc.stdout.close()


def check_after_restart(fake: FakeSlack, proc: subprocess.Popen) -> None:
    """One card, linked; each reviewer asked once; an Approve redraws the card."""
    # within the test's wait: the upkeep runs at start and every second here
    eventually(lambda: cards(fake), timeout=20)
    eventually(lambda: fake.dms("alex") and fake.dms("sam"), timeout=20)
    time.sleep(2.5)  # two more upkeeps: nothing more may come
    assert len(cards(fake)) == 1
    assert len(fake.dms("alex")) == 1 and len(fake.dms("sam")) == 1
    assert fake.dms("dana") == []  # the author was never told the post failed
    [card] = cards(fake)
    assert "see the card" in fake.render(fake.dms("alex")[0]["blocks"])  # it links the card
    updates = len(fake.calls_to("chat.update"))
    fake.click("alex", card, ids.APPROVE, value="1:1")
    fake.wait_for("chat.update", updates + 1, timeout=10)
    assert "@alex: ✅" in fake.render(cards(fake)[0]["blocks"])
    assert len(cards(fake)) == 1
    output = stop(proc)
    assert "Traceback" not in output, output


def test_killed_while_the_card_post_never_reached_slack(slack, tmp_path):
    env = run_env(slack, tmp_path, ORGBOT_UPKEEP_SECONDS="1")
    first = start(env, tmp_path)
    slack.lose_next("chat.postMessage", seconds=5)  # the card's post is lost on its way
    submit_proposal(slack, env)
    slack.wait_for("chat.postMessage", where=lambda c: c.status == 0)
    kill(first)
    assert cards(slack) == []

    restarted = start(env, tmp_path)
    check_after_restart(slack, restarted)


def test_killed_after_slack_stored_the_card_but_before_it_answered(slack, tmp_path):
    env = run_env(slack, tmp_path, ORGBOT_UPKEEP_SECONDS="1")
    first = start(env, tmp_path)
    slack.after_call("chat.postMessage", "stall", seconds=5)  # posted; the answer is late
    submit_proposal(slack, env)
    eventually(lambda: cards(slack))
    kill(first)
    assert len(cards(slack)) == 1 and slack.dms("alex") == []

    restarted = start(env, tmp_path)
    check_after_restart(slack, restarted)
    card_posts = [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.args["channel"] == "C0ORGDES02" and "thread_ts" not in c.args
    ]
    assert len(card_posts) == 1  # found in the channel's history, never posted again
