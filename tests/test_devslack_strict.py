"""The fake Slack refuses what Slack refuses: one test per rule, on the fake alone.

orgbot's end-to-end tests are only as good as the fake they run against; each rule here
once let a bug through (issue 8, "The fake Slack must be as strict as Slack").
"""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from slackbot.devslack import FakeSlack
from slackbot.devslack.webapi import granted_scopes
from slackbot.manifest import load_manifest


class Clock:
    def __init__(self, now: float = 1_790_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock):
    with FakeSlack(clock=clock) as slack:
        yield slack


def call(fake: FakeSlack, method: str, **args: Any) -> dict[str, Any]:
    """A Web API call over HTTP, as slack_sdk makes it; the parsed answer."""
    request = urllib.request.Request(
        fake.api_url + method,
        data=json.dumps(args).encode(),
        headers={
            "Authorization": f"Bearer {fake.bot_token}",
            "Content-Type": "application/json; charset=utf-8",
        },
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def text(kind: str, words: str = "Hello") -> dict[str, Any]:
    return {"type": kind, "text": words}


def button(**overrides: Any) -> dict[str, Any]:
    return {"type": "button", "text": text("plain_text"), "action_id": "go", **overrides}


def post(fake: FakeSlack, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return call(fake, "chat.postMessage", channel="C0GENERAL1", text="fallback", blocks=blocks)


def open_modal(fake: FakeSlack, view: dict[str, Any]) -> dict[str, Any]:
    trigger = fake.api.issue_trigger("U0ALEX0001")
    return call(fake, "views.open", trigger_id=trigger, view=view)


def modal(blocks: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "x",
        "title": text("plain_text", "Title"),
        "submit": text("plain_text", "Save"),
        "close": text("plain_text", "Cancel"),
        "blocks": blocks,
        **overrides,
    }


def confirm(**overrides: Any) -> dict[str, Any]:
    dialog = {
        "title": text("plain_text", "Sure?"),
        "text": text("plain_text", "Really?"),
        "confirm": text("plain_text", "Yes"),
        "deny": text("plain_text", "No"),
    }
    return {**dialog, **overrides}


# --- scopes ---------------------------------------------------------------------------------


def test_the_fake_grants_exactly_the_scopes_app_yaml_asks_for():
    assert granted_scopes() == frozenset(load_manifest()["oauth_config"]["scopes"]["bot"])
    assert "chat:write" in granted_scopes()


def test_a_method_whose_scope_was_not_granted_gets_missing_scope(clock):
    with FakeSlack(clock=clock, scopes=frozenset({"commands", "users:read"})) as fake:
        answer = call(fake, "chat.postMessage", channel="C0GENERAL1", text="hi")
        assert answer == {
            "ok": False,
            "error": "missing_scope",
            "needed": "chat:write",
            "provided": "commands,users:read",
        }
        assert fake.messages("general") == []
        assert call(fake, "users.info", user="U0DANA0002")["ok"]
        assert call(fake, "conversations.open", users="U0DANA0002")["needed"] == "im:write"
        # no scope needed
        assert call(fake, "auth.test")["ok"]


def test_conversation_methods_need_the_scope_of_that_kind_of_conversation(clock):
    with FakeSlack(clock=clock, scopes=frozenset({"channels:history"})) as fake:
        assert call(fake, "conversations.history", channel="C0GENERAL1")["ok"]
        private = call(fake, "conversations.history", channel="C0LEADS003")
        assert (private["error"], private["needed"]) == ("missing_scope", "groups:history")


def test_app_yaml_does_not_grant_conversations_info(fake):
    # orgbot never asked for channels:read; a call to conversations.info would fail in Slack
    answer = call(fake, "conversations.info", channel="C0GENERAL1")
    assert (answer["error"], answer["needed"]) == ("missing_scope", "channels:read")


# --- response_url ---------------------------------------------------------------------------


def respond(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_response_url_takes_five_posts(fake):
    url = fake._response_url(channel="C0GENERAL1", user="U0ALEX0001")
    for n in range(5):
        assert respond(url, {"text": f"answer {n}"}) == (200, {"ok": True})
    assert respond(url, {"text": "one too many"}) == (404, {"ok": False, "error": "used_url"})
    assert len(fake.ephemerals("alex")) == 5
    assert fake.calls_to("response_url")[-1].status == 404


def test_a_response_url_expires_after_thirty_minutes_on_the_fakes_clock(fake, clock):
    url = fake._response_url(channel="C0GENERAL1", user="U0ALEX0001")
    clock.now += 29 * 60
    assert respond(url, {"text": "in time"})[0] == 200
    clock.now += 61
    assert respond(url, {"text": "too late"}) == (404, {"ok": False, "error": "expired_url"})
    assert [e.message["text"] for e in fake.ephemerals("alex")] == ["in time"]


# --- plain_text only ------------------------------------------------------------------------

SELECT = {"type": "static_select", "action_id": "pick", "placeholder": text("plain_text")}


@pytest.mark.parametrize(
    "block",
    [
        pytest.param({"type": "header", "text": text("mrkdwn")}, id="header"),
        pytest.param({"type": "actions", "elements": [button(text=text("mrkdwn"))]}, id="button"),
        pytest.param(
            {
                "type": "actions",
                "elements": [
                    {**SELECT, "options": [{"text": text("plain_text"), "value": "a"}]}
                    | {"placeholder": text("mrkdwn")}
                ],
            },
            id="placeholder",
        ),
        pytest.param(
            {
                "type": "actions",
                "elements": [{**SELECT, "options": [{"text": text("mrkdwn"), "value": "a"}]}],
            },
            id="select-option",
        ),
        pytest.param(
            {
                "type": "section",
                "text": text("mrkdwn"),
                "accessory": {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [{"text": text("mrkdwn"), "value": "a"}],
                },
            },
            id="overflow-option",
        ),
        *[
            pytest.param(
                {"type": "actions", "elements": [button(confirm=confirm(**{key: text("mrkdwn")}))]},
                id=f"confirm-{key}",
            )
            for key in ("title", "text", "confirm", "deny")
        ],
    ],
)
def test_plain_text_only_fields_given_as_mrkdwn_are_invalid_blocks(fake, block):
    answer = post(fake, [block])
    assert answer["error"] == "invalid_blocks"
    assert "must be plain_text" in " ".join(answer["errors"])
    assert fake.messages("general") == []


def test_radio_buttons_may_use_mrkdwn_options(fake):
    radio = {
        "type": "radio_buttons",
        "action_id": "pick",
        "options": [{"text": text("mrkdwn", "*bold*"), "value": "a"}],
    }
    assert open_modal(fake, modal([{"type": "actions", "elements": [radio]}]))["ok"]


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(modal([], title=text("mrkdwn")), id="title"),
        pytest.param(modal([], submit=text("mrkdwn")), id="submit"),
        pytest.param(modal([], close=text("mrkdwn")), id="close"),
        pytest.param(
            modal(
                [
                    {
                        "type": "input",
                        "block_id": "b",
                        "label": text("mrkdwn"),
                        "element": {"type": "plain_text_input", "action_id": "v"},
                    }
                ]
            ),
            id="input-label",
        ),
        pytest.param(
            modal(
                [
                    {
                        "type": "input",
                        "block_id": "b",
                        "label": text("plain_text"),
                        "hint": text("mrkdwn"),
                        "element": {"type": "plain_text_input", "action_id": "v"},
                    }
                ]
            ),
            id="input-hint",
        ),
        pytest.param(
            modal(
                [
                    {
                        "type": "input",
                        "block_id": "b",
                        "label": text("plain_text"),
                        "element": {
                            "type": "plain_text_input",
                            "action_id": "v",
                            "placeholder": text("mrkdwn"),
                        },
                    }
                ]
            ),
            id="input-placeholder",
        ),
    ],
)
def test_plain_text_only_view_fields_given_as_mrkdwn_are_invalid_arguments(fake, view):
    answer = open_modal(fake, view)
    assert answer["error"] == "invalid_arguments"
    assert fake.open_view("alex") is None


# --- empty ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        pytest.param({"type": "section", "text": text("mrkdwn", "")}, id="empty-section-text"),
        pytest.param({"type": "context", "elements": []}, id="context-without-elements"),
        pytest.param(
            {"type": "context", "elements": [text("mrkdwn", "")]}, id="context-empty-text"
        ),
        pytest.param({"type": "actions", "elements": []}, id="actions-without-elements"),
        pytest.param({"type": "actions", "elements": [button(value="")]}, id="button-value"),
        pytest.param(
            {"type": "actions", "elements": [button(text=text("plain_text", ""))]},
            id="button-text",
        ),
        pytest.param({"type": "header", "text": text("plain_text", "")}, id="header-text"),
    ],
)
def test_empty_where_slack_needs_something_is_invalid_blocks(fake, block):
    assert post(fake, [block])["error"] == "invalid_blocks"


def test_a_button_without_a_value_is_fine(fake):
    assert post(fake, [{"type": "actions", "elements": [button()]}])["ok"]


# --- conversations between people -----------------------------------------------------------


@pytest.mark.parametrize("channel", ["D0PEOPLE01", "G0PEOPLE02"])
def test_the_bot_cannot_see_conversations_between_people(clock, channel):
    everything = granted_scopes() | {"im:read", "mpim:read", "mpim:history"}
    with FakeSlack(clock=clock, scopes=everything) as fake:
        for method, args in [
            ("chat.postMessage", {"text": "hi"}),
            ("chat.postEphemeral", {"text": "hi", "user": "U0ALEX0001"}),
            ("conversations.history", {}),
            ("conversations.info", {}),
        ]:
            answer = call(fake, method, channel=channel, **args)
            assert answer == {"ok": False, "error": "channel_not_found"}, method
        # a slash command can still be run there, and its response_url works
        fake.connect("http://127.0.0.1:9/unused")
        url = fake._response_url(channel=channel, user="U0ALEX0001")
        assert respond(url, {"text": "only you see this"})[0] == 200


def test_the_bots_own_dm_is_not_a_dm_between_people(fake):
    assert fake.ws.dm("U0ALEX0001").id != "D0PEOPLE01"
    assert call(fake, "chat.postMessage", channel="U0ALEX0001", text="hi")["ok"]
    assert [m["text"] for m in fake.dms("alex")] == ["hi"]


# --- answers to view_submission -------------------------------------------------------------


class StubApp:
    """An app that answers every request with the same JSON body."""

    def __init__(self, answer: dict[str, Any]):
        body = json.dumps(answer).encode()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


FORM = modal(
    [
        {"type": "section", "block_id": "intro", "text": text("mrkdwn")},
        {
            "type": "input",
            "block_id": "title",
            "label": text("plain_text", "Title"),
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
    ]
)


def submit_with_answer(fake: FakeSlack, answer: dict[str, Any]) -> None:
    app = StubApp(answer)
    try:
        fake.connect(app.url)
        assert open_modal(fake, FORM)["ok"]
        fake.submit("alex", {"title": "x"})
    finally:
        app.close()


def test_errors_on_input_blocks_show_under_them(fake):
    submit_with_answer(fake, {"response_action": "errors", "errors": {"title": "Too short"}})
    assert fake.view_errors("alex") == {"title": "Too short"}
    assert fake.problems == []


@pytest.mark.parametrize("key", ["intro", "value", "nonexistent"])
def test_errors_keyed_by_anything_but_an_input_block_are_refused(fake, key):
    submit_with_answer(fake, {"response_action": "errors", "errors": {key: "Wrong"}})
    assert fake.view_errors("alex") == {}
    assert fake.open_view("alex") is not None  # Slack shows a generic error; the modal stays
    assert any(f"errors[{key!r}]" in p for p in fake.problems)


def test_an_updated_view_that_slack_would_refuse_is_refused(fake):
    bad = modal([{"type": "header", "text": text("mrkdwn")}], title=text("plain_text", "New"))
    submit_with_answer(fake, {"response_action": "update", "view": bad})
    assert fake.open_view("alex")["title"]["text"] == "Title"
    assert any("must be plain_text" in p for p in fake.problems)


def test_the_answer_to_a_repeated_submission_is_checked_too(fake):
    app = StubApp({"response_action": "errors", "errors": {"intro": "Wrong"}})
    try:
        fake.connect(app.url)
        assert open_modal(fake, FORM)["ok"]
        fake.submit("alex", {"title": "x"})
        assert len(fake.problems) == 1
        fake.resubmit("alex")
        assert len(fake.problems) == 2
    finally:
        app.close()
