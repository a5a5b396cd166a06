"""Many workspaces end to end: Slack's OAuth install flow through the fake Slack (the test
plays the browser), each workspace then served with its own token and its own data, an
uninstall that stops one workspace's jobs, a reinstall that keeps its data, token
rotation, an Enterprise Grid org-wide install, and bad or reused states refused with a
page. Signed HTTP requests in, Web API calls to the fake (which checks the tokens)."""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator

import pytest

from slackbot.devslack.oauth import CLIENT_ID, CLIENT_SECRET
from slackbot.runner import Orgbot
from tests.conftest import eventually, make_config
from tests.test_e2e_proposals import form_values, open_form

TEAMS = ("T0ACME0001", "T0BETA0002", "T0GAMMA003")


class Browser:
    """A person's browser: follows nothing by itself, keeps orgbot's cookies."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def get(self, url: str) -> tuple[int, dict[str, str], str]:
        parts = urllib.parse.urlsplit(url if "://" in url else self.base + url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers
        )
        raw = conn.getresponse()
        body = raw.read().decode()
        for key, value in raw.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        result = raw.status, {k.lower(): v for k, v in raw.getheaders()}, body
        conn.close()
        return result


@pytest.fixture
def multi(fake, tmp_path, clock) -> Iterator[tuple[Orgbot, Browser]]:
    config = make_config(
        fake,
        tmp_path,
        bot_token=None,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        state_secret="state-secret-for-tests",
    )
    orgbot = Orgbot(config, clock=clock)
    server = orgbot.http_server(host="127.0.0.1", port=0).start()
    fake.connect(f"{server.url}/slack/events")
    yield orgbot, Browser(server.url)
    orgbot.close()


def install(fake, browser: Browser, team: str, *, org_wide: bool = False) -> str:
    """/slack/install -> Slack's authorize page -> Allow -> back to orgbot with the code."""
    status, headers, _ = browser.get("/slack/install")
    assert status == 302, status
    authorize = headers["location"]
    assert authorize.startswith(fake.base_url + "/oauth/v2/authorize?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    assert query["client_id"] == CLIENT_ID and "chat:write" in query["scope"]
    back = fake.install(authorize, team=team, org_wide=org_wide)
    status, _, page = browser.get(back)
    assert status == 200, page
    assert "orgbot is installed" in page
    return page


def test_three_workspaces_install_and_each_is_served_with_its_own_token_and_data(fake, multi):
    bot, browser = multi
    views = {team: fake.add_workspace(team) for team in TEAMS}
    for team in TEAMS:
        install(fake, browser, team)
    tokens = {team: fake.token_of(team) for team in TEAMS}
    assert len(set(tokens.values())) == 3 and None not in tokens.values()
    rows = bot.services.store.db["slack_installations"].rows
    assert {r["team_id"] for r in rows} == set(TEAMS)

    for team, view in views.items():
        # /role-compare answers in every workspace
        answer = view.slash("dana", "/role-compare", "COO vs Operations Director").json
        assert answer["text"].startswith("COO vs Operations Director")
        # /org-proposal: the modal opens with that workspace's token, the card is posted in it
        open_form(view)
        assert fake.calls_in(team, "views.open")[-1].token == tokens[team]
        response = view.submit("dana", form_values())
        assert response.status == 200, response.body
        eventually(lambda v=view: [m for m in v.messages("org-design") if "thread_ts" not in m])
    for team, view in views.items():
        posts = fake.calls_in(team, "chat.postMessage")
        assert posts and {c.token for c in posts} == {tokens[team]}
        [card] = [m for m in view.messages("org-design") if "thread_ts" not in m]
        assert "Put operations under a COO" in card["text"]
    # each card's before/after picture is uploaded in its own workspace, with its token
    for team in TEAMS:
        eventually(
            lambda t=team: [
                c for c in fake.calls_in(t, "files.completeUploadExternal") if c.response["ok"]
            ]
        )
    # each workspace has its own proposal #1; nothing used a token of another workspace
    numbers = list(bot.services.store.db.query("select team_id, number from proposals"))
    assert sorted((r["team_id"], r["number"]) for r in numbers) == [(t, 1) for t in TEAMS]
    assert not [c for c in fake.calls if c.token == fake.bot_token]


def test_an_uninstall_stops_that_workspace_and_a_reinstall_keeps_its_data(fake, multi, clock):
    bot, browser = multi
    views = {team: fake.add_workspace(team) for team in TEAMS[:2]}
    for team in TEAMS[:2]:
        install(fake, browser, team)
    for view in views.values():
        open_form(view)
        view.submit("dana", form_values())
        eventually(lambda v=view: len(v.dms("alex")) >= 1)
    gone, kept = TEAMS[:2]
    assert fake.uninstall(gone).status == 200
    status = bot.services.store.db["slack_installations"].get(f":{gone}")["status"]
    assert status == "uninstalled"
    assert not bot.services.acting_in(gone) and bot.services.acting_in(kept)

    # a reminder pass a day later (10:00 UTC, in the reviewers' window) reaches only `kept`
    from datetime import timedelta

    clock.advance(timedelta(days=1))
    report = bot.scheduler.posts.remind()
    reminded = {key.split(":")[1] for key in report.results}
    assert reminded == {kept}, report.results
    assert not fake.calls_in(gone, "chat.postMessage")[-1:] or all(
        c.response.get("ok") for c in fake.calls_in(gone, "chat.postMessage")
    )

    # installing again: active, with its proposal still there
    install(fake, browser, gone)
    assert bot.services.acting_in(gone)
    shown = views[gone].slash("dana", "/org-proposal", "list").json
    assert "Put operations under a COO" in str(shown), shown


def test_an_expiring_token_is_rotated_before_use(fake, multi):
    bot, browser = multi
    fake.oauth.token_rotation = True
    fake.oauth.token_ttl = 600  # under Bolt's 2 hours: the next use refreshes it
    view = fake.add_workspace(TEAMS[0])
    install(fake, browser, TEAMS[0])
    first = fake.token_of(TEAMS[0])

    answer = view.slash("dana", "/role-compare", "COO vs Operations Director")
    assert answer.status == 200
    refreshes = [
        c for c in fake.calls_to("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"
    ]
    assert refreshes and refreshes[-1].response["ok"]
    assert fake.token_of(TEAMS[0]) != first
    # the scheduler's client uses the new token too
    client = bot.scheduler.posts.client.bind(TEAMS[0])
    assert client.auth_test()["team_id"] == TEAMS[0]


def test_an_enterprise_grid_org_wide_install_serves_the_orgs_workspaces(fake, multi):
    bot, browser = multi
    first = fake.add_workspace("T0GRID0001", enterprise_id="E0GRID0001")
    second = fake.add_workspace("T0GRID0002", enterprise_id="E0GRID0001")
    page = install(fake, browser, "T0GRID0001", org_wide=True)
    assert "E0GRID0001" in page
    row = bot.services.store.db["slack_installations"].get("E0GRID0001:")
    assert row["is_enterprise_install"] == 1 and row["team_id"] is None
    for view in (first, second):
        answer = view.slash("dana", "/role-compare", "COO vs Operations Director").json
        assert answer["text"].startswith("COO vs Operations Director")
        open_form(view)
    assert bot.services.acting_in("T0GRID0002")
    # the scheduler finds the org's token for a workspace it has seen
    assert bot.scheduler.posts.client.bind("T0GRID0002").auth_test()["ok"]


@pytest.mark.parametrize("state", ["", "forged.0000", "no-dot-at-all"])
def test_a_bad_state_is_refused_with_a_page(fake, multi, state):
    _bot, browser = multi
    fake.add_workspace(TEAMS[0])
    browser.get("/slack/install")  # the cookie of a real start
    status, headers, page = browser.get(f"/slack/oauth_redirect?code=whatever&state={state}")
    assert status == 400 and "text/html" in headers["content-type"]
    assert "orgbot was not installed" in page and "Traceback" not in page
    assert not fake.calls_to("oauth.v2.access")


def test_a_reused_state_or_code_is_refused_with_a_page(fake, multi):
    _bot, browser = multi
    fake.add_workspace(TEAMS[0])
    status, headers, _ = browser.get("/slack/install")
    back = fake.install(headers["location"], team=TEAMS[0])
    assert browser.get(back)[0] == 200
    status, _, page = browser.get(back)  # the same redirect again
    assert status == 400 and "already used or has expired" in page


def test_oauth_v2_access_answers_slacks_errors(fake):
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(base_url=fake.api_url)
    with pytest.raises(SlackApiError) as bad_code:
        client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code="nope")
    assert bad_code.value.response["error"] == "invalid_code"
    fake.add_workspace(TEAMS[0])
    url = f"{fake.base_url}/oauth/v2/authorize?client_id={CLIENT_ID}&state=s&redirect_uri=https://a.example/r"
    code = dict(
        urllib.parse.parse_qsl(urllib.parse.urlsplit(fake.install(url, team=TEAMS[0])).query)
    )["code"]
    with pytest.raises(SlackApiError) as secret:
        client.oauth_v2_access(client_id=CLIENT_ID, client_secret="wrong", code=code)
    assert secret.value.response["error"] == "bad_client_secret"
    with pytest.raises(SlackApiError) as redirect:
        client.oauth_v2_access(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            code=code,
            redirect_uri="https://b.example/r",
        )
    assert redirect.value.response["error"] == "bad_redirect_uri"


def test_many_workspaces_config_manifest_and_check():
    from slackbot.checks import check_token
    from slackbot.config import Config, ConfigError
    from slackbot.manifest import load_manifest, with_request_url

    with pytest.raises(ConfigError, match="not both"):
        Config.from_env({"SLACK_CLIENT_ID": "1.2", "SLACK_BOT_TOKEN": "xoxb-1"}, dotenv=None)
    config = Config.from_env({"SLACK_CLIENT_ID": "1.2"}, dotenv=None)
    assert config.multi_workspace
    missing = " ".join(config.missing_for_run())
    assert "SLACK_CLIENT_SECRET" in missing and "SLACK_STATE_SECRET" in missing
    assert "SLACK_BOT_TOKEN" not in missing
    assert check_token(config).ok
    assert Config().oauth_authorize_url == "https://slack.com/oauth/v2/authorize"
    manifest = with_request_url(load_manifest(), "https://bot.example.com/slack/events")
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://bot.example.com/slack/oauth_redirect"
    ]


def test_the_fake_rate_limits_one_workspace_without_slowing_another(fake, multi):
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    _bot, browser = multi
    for team in TEAMS[:2]:
        fake.add_workspace(team)
        install(fake, browser, team)
    fake.set_team_rate_limit(TEAMS[0], "auth.test", per_second=0.01)
    limited = WebClient(token=fake.token_of(TEAMS[0]), base_url=fake.api_url)
    free = WebClient(token=fake.token_of(TEAMS[1]), base_url=fake.api_url)
    limited.retry_handlers = []
    assert limited.auth_test()["ok"]
    with pytest.raises(SlackApiError) as refused:
        limited.auth_test()
    assert refused.value.response.status_code == 429
    assert int(refused.value.response.headers["Retry-After"]) >= 1
    assert all(free.auth_test()["ok"] for _ in range(5))


def test_a_revoked_bot_token_stops_the_workspace_and_its_digest_job(fake, multi):
    from dataclasses import replace

    from slackbot.devslack import payloads
    from slackbot.settings import load_settings, save_settings

    bot, browser = multi
    views = {team: fake.add_workspace(team) for team in TEAMS[:2]}
    for team in TEAMS[:2]:
        install(fake, browser, team)
        settings = load_settings(bot.services.store, team, default_timezone="UTC")
        save_settings(
            bot.services.store,
            replace(settings, digest_channel="C0ORGDES02", digest_cadence="weekly"),
            user_id="U0DANA0002",
            now=bot.services.clock.now(),
        )
    bot.scheduler.refresh_digests()
    assert {f"digest:{t}" for t in TEAMS[:2]} <= {j.id for j in bot.scheduler.jobs()}
    revoked, kept = TEAMS[:2]
    view = views[revoked]
    # a user token revoked: nothing changes
    user_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0DANA0002"], "bot": []}}
    assert view.send_event(payloads.event_callback(view.ws, user_only)).status == 200
    assert bot.services.acting_in(revoked)
    bot_token = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [view.ws.bot.id]}}
    assert view.send_event(payloads.event_callback(view.ws, bot_token)).status == 200
    row = bot.services.store.db["slack_installations"].get(f":{revoked}")
    assert (row["status"], row["status_reason"]) == ("revoked", "tokens_revoked")
    jobs = {j.id for j in bot.scheduler.jobs()}
    assert f"digest:{revoked}" not in jobs and f"digest:{kept}" in jobs


def test_orgbot_run_installs_a_workspace_and_serves_it(fake, tmp_path):
    """A real `orgbot run` process in many-workspace mode: install, then a command."""
    import signal

    from tests.test_run import run_env, start_run, wait_healthy

    env = run_env(
        fake,
        tmp_path,
        SLACK_BOT_TOKEN="",
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        SLACK_STATE_SECRET="state-secret-for-the-process",
    )
    proc = start_run(env, tmp_path)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        assert wait_healthy(f"{base}/healthz", proc)["status"] == "ok"
        fake.connect(f"{base}/slack/events")
        view = fake.add_workspace(TEAMS[0])
        install(fake, Browser(base), TEAMS[0])
        answer = view.slash("dana", "/role-compare", "COO vs Operations Director")
        assert answer.json["text"].startswith("COO vs Operations Director")
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, output
    assert "GET /slack/install" in output and "Traceback" not in output
