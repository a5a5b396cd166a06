"""Socket Mode: the same app, reached over a WebSocket instead of HTTP, as `orgbot run`
does when SLACK_APP_TOKEN is set. The fake Slack hands out a loopback ws:// URL from
apps.connections.open and sends envelopes; Bolt's SocketModeHandler acknowledges them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from slackbot import ids
from slackbot.runner import Orgbot
from tests.conftest import make_config
from tests.seed_points import answer_and_full_view, missing_points


@pytest.fixture
def socket_bot(fake, tmp_path, clock):
    fake.enable_socket_mode()
    config = make_config(fake, tmp_path, signing_secret=None, app_token=fake.app_token)
    bot = Orgbot(config, clock=clock)
    handler = bot.socket_mode()
    handler.connect()
    fake.socket_mode.wait_connected()
    yield bot
    handler.close()
    bot.close()


def test_role_compare_over_socket_mode(fake, socket_bot):
    response = fake.slash("dana", "/role-compare", "COO vs Operations Director")
    assert response.json["response_type"] == "ephemeral"
    assert missing_points(answer_and_full_view(fake, "dana", response.json)) == []
    assert fake.calls_to("apps.connections.open")[0].status == 200


def test_a_proposal_over_socket_mode(fake, socket_bot):
    fake.slash("dana", "/org-proposal", "", channel="org-design")
    fake.wait_for("views.open")
    empty = fake.submit("dana", {ids.TITLE_BLOCK: ""})
    assert empty.json["response_action"] == "errors"
    fake.submit(
        "dana",
        {
            ids.TITLE_BLOCK: "One owner for operations",
            ids.RATIONALE_BLOCK: "why",
            ids.STRUCTURE_BLOCK: "CEO\nCOO reports to CEO",
            ids.REVIEWERS_BLOCK: ["U0ALEX0001"],
        },
    )
    fake.wait_for("chat.postMessage", 2)
    card = fake.messages("org-design")[0]
    fake.click("alex", card, ids.APPROVE, value="1:1")
    fake.wait_for("chat.update")
    assert "Approved" in fake.render(fake.messages("org-design")[0]["blocks"])


def test_orgbot_run_uses_socket_mode_when_the_app_token_is_set(fake, tmp_path):
    fake.enable_socket_mode()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ORGBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_APP_TOKEN=fake.app_token,
        SLACK_API_URL=fake.api_url,
        ORGBOT_DB=str(tmp_path / "s.db"),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "slackbot", "run"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        fake.socket_mode.wait_connected(timeout=20)
        response = fake.slash("dana", "/role-compare", "cfo vs finance director")
        assert response.json["blocks"][0]["text"]["text"] == "CFO vs Finance Director"
    finally:
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, output
    assert "Socket Mode" in output and "orgbot stopped" in output and "Traceback" not in output


def test_a_workflow_step_over_socket_mode(fake, socket_bot):
    step, _ = fake.run_step(ids.COMPARE_ROLES_STEP, {"role_1": "COO", "role_2": "CFO"})
    run = fake.wait_for_step(step)
    assert run.status == "completed" and run.outputs["verdict"]
