"""Saving the Request URL in HTTP mode: Slack sends a signed `url_verification`, and only
a running `orgbot run` that has the app's signing secret can answer it (docs/slack-setup.md
explains the order this imposes)."""

from __future__ import annotations

import signal

from tests.test_run import run_env, start_run, wait_healthy


def test_the_app_answers_url_verification(fake, bot):
    assert fake.verify_request_url()
    assert not fake.verify_request_url(secret="the-secret-of-another-app")


def test_a_running_orgbot_verifies_its_request_url_only_with_the_right_secret(fake, tmp_path):
    env = run_env(fake, tmp_path)
    proc = start_run(env, tmp_path)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_healthy(f"{base}/healthz", proc)
        fake.connect(f"{base}/slack/events")
        assert fake.verify_request_url()
        # a signing secret copied from the wrong app (or not yet set): Slack says the URL
        # did not answer the challenge
        assert not fake.verify_request_url(secret="not-this-apps-secret")
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, output
