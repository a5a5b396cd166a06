"""`orgbot run` as a real process: HTTP mode against the fake Slack, health, a signed
/role-compare, a clean stop on SIGTERM; and the messages when it cannot start."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

import pytest

from tests.seed_points import answer_and_full_view, missing_points


def free_port() -> int:
    """A loopback port nothing listens on, below the kernel's ephemeral range: a port the
    kernel handed out (bind to port 0) may be handed out again at once as the source port
    of any outgoing connection on this busy machine, before orgbot binds it."""
    for _ in range(100):
        port = random.randrange(20_000, EPHEMERAL_FROM)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port below the ephemeral range")


def _ephemeral_from() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return max(20_001, int(f.read().split()[0]))
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


EPHEMERAL_FROM = _ephemeral_from()


def run_env(fake, tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ORGBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=fake.signing_secret,
        SLACK_API_URL=fake.api_url,
        ORGBOT_DB=str(tmp_path / "run.db"),
        HOST="127.0.0.1",
        PORT=str(free_port()),
    )
    env.update(extra)
    return env


def start_run(env: dict[str, str], cwd, *args: str, **popen: Any) -> subprocess.Popen:
    """`orgbot run` as a real process; what it prints (stderr too) is in its `stdout`."""
    return subprocess.Popen(
        [sys.executable, "-m", "slackbot", "run", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"orgbot exited early: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.1)
    raise AssertionError("orgbot did not become healthy")


def test_orgbot_run_serves_slack_over_http_and_stops_cleanly(fake, tmp_path):
    env = run_env(fake, tmp_path)
    proc = start_run(env, tmp_path)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        assert wait_healthy(f"{base}/healthz", proc) == {
            "status": "ok",
            "database": "ok",
            "scheduler": "running",
        }
        fake.connect(f"{base}/slack/events")
        response = fake.slash("dana", "/role-compare", "COO vs Operations Director")
        assert response.status == 200
        assert missing_points(answer_and_full_view(fake, "dana", response.json)) == []
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, output
    assert (
        "orgbot is listening on" in output
        and "received SIGTERM" in output
        and "orgbot stopped" in output
    )
    assert "Traceback" not in output


def test_without_tokens_it_says_what_to_set(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "slackbot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "orgbot sandbox" in result.stderr and "Quick start" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("xoxp-user-token", "must be a bot token starting with xoxb-"),
        ("xoxb-wrong", "Slack refused the bot token"),
    ],
)
def test_a_wrong_token_is_named(fake, tmp_path, token, message):
    env = run_env(fake, tmp_path, SLACK_BOT_TOKEN=token)
    result = subprocess.run(
        [sys.executable, "-m", "slackbot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_output_into_a_closed_pipe_is_not_an_error():
    """`orgbot compare … | grep -q x` ends quietly: no BrokenPipeError traceback, exit 0."""
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before orgbot writes a byte
    try:
        done = subprocess.run(
            [sys.executable, "-m", "slackbot", "compare", "COO", "vs", "Operations Director"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0
