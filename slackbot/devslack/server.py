"""FakeSlack: a stand-in for Slack on loopback, for tests, benchmarks and the sandbox.

It plays both of Slack's parts:

* the **Web API** (`http://127.0.0.1:<port>/api/<method>`) that orgbot calls, backed by a
  pretend workspace (`Workspace`), with Slack's error codes, Block Kit limit checks,
  `response_url`s, injectable failures and an optional rate limit that answers 429 with
  `Retry-After`;
* the **platform** that sends signed requests to the app: slash commands, button clicks,
  modal submissions, shortcuts and events, shaped like Slack's (see `payloads.py`).

Every call is recorded; tests wait for the ones they expect with `wait_for`.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import http.client
import itertools
import json
import math
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_sdk.signature import SignatureVerifier

from slackbot.blockkit.limits import check_view
from slackbot.devslack import functions, payloads
from slackbot.devslack.files import upload_body
from slackbot.devslack.oauth import OAuthApp, authorize_redirect
from slackbot.devslack.socketmode import SocketModeServer
from slackbot.devslack.webapi import SlackError, WebApi, view_json
from slackbot.devslack.workspace import APP_TOKEN, BOT_TOKEN, Ephemeral, ViewState, Workspace

_JSON_ARGS = ("blocks", "view", "metadata", "attachments")

# A response_url accepts up to 5 posts within 30 minutes of the interaction
# (docs.slack.dev/interactivity/handling-user-interaction), measured on the fake's clock.
RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60
UPLOAD = "upload"  # the method name calls to an upload URL are recorded under


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any]
    status: int
    at: float
    team_id: str | None = None  # the workspace the call's token speaks for
    token: str | None = None


class _Server(ThreadingHTTPServer):
    # Slack takes many connections at once (a pass over many workspaces opens one per
    # workspace); socketserver's default backlog of 5 refused some
    request_queue_size = 256


@dataclass
class Fault:
    error: str
    times: int
    status: int = 200
    retry_after: int = 0
    # "answer" (the default): answer with the error instead of doing the call. "stall":
    # do the call, then wait `seconds` before answering (the client times out). "drop":
    # do the call, then close the connection without an answer. "5xx": do the call, then
    # answer with `status`. The last three leave the caller unsure whether it worked.
    # "lose": take the request but never carry it out; hold the connection `seconds`, then
    # drop it (the request was lost on its way: the caller can't tell either).
    after: str = "answer"
    seconds: float = 0.0


@dataclass
class RateLimit:
    """A token bucket: `per_second` calls sustained, `burst` at once."""

    per_second: float
    burst: int
    tokens: float = 0.0
    updated: float = field(default_factory=time.monotonic)

    def take(self) -> float:
        """0 when a call may go now, else the seconds until one may."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second


@dataclass
class AppResponse:
    """What the app answered to a request the fake sent it."""

    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}

    @property
    def text(self) -> str:
        return self.body.decode()


class FakeSlack:
    """A pretend Slack workspace with a Web API on loopback. Use as a context manager."""

    def __init__(
        self,
        *,
        signing_secret: str = "devslack-signing-secret",
        workspace: Workspace | None = None,
        bot_token: str = BOT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] | None = None,
        scopes: frozenset[str] | None = None,
    ):
        """`clock` (seconds since the epoch) sets message timestamps and when a response_url
        expires; `scopes` are the bot token's scopes (by default those `app.yaml` asks for)."""
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.ws = workspace or Workspace(clock=clock or time.time)
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.calls: list[Call] = []
        self.faults: dict[str, list[Fault]] = {}
        self.limits: dict[str, RateLimit] = {}
        self._delays: dict[str, list[float]] = {}
        self.app_url: str | None = None
        self.app_token = APP_TOKEN
        self.socket_mode: SocketModeServer | None = None  # set by enable_socket_mode()
        self._responders: dict[str, dict[str, Any]] = {}
        self._submissions: dict[str, dict[str, Any]] = {}  # the last view_submission, by user
        self._server = _Server((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self.api = WebApi(self.ws, base_url=self.base_url, scopes=scopes)
        self._thread: threading.Thread | None = None
        self._signer = SignatureVerifier(signing_secret)
        self._app_conn: threading.local = threading.local()
        # more workspaces (Slack's OAuth install flow): team id -> (workspace, its Web API)
        self.oauth = OAuthApp()
        self.workspaces: dict[str, tuple[Workspace, WebApi]] = {
            self.ws.team_id: (self.ws, self.api)
        }
        self.team_limits: dict[tuple[str, str], RateLimit] = {}  # (team, method) -> limit

    # many workspaces -----------------------------------------------------------------------

    def add_workspace(
        self, team_id: str, *, domain: str | None = None, enterprise_id: str | None = None
    ) -> FakeSlack:
        """Another workspace (its own people, channels and messages, same ids as the first:
        orgbot tells them apart by team), optionally in Enterprise Grid org `enterprise_id`.
        Returns the fake as seen from it (`workspace(team_id)`)."""
        with self.lock:
            ws = Workspace(clock=self.ws.clock)
            ws.team_id = team_id
            ws.domain = domain or team_id.lower()
            ws.enterprise_id = enterprise_id
            # ids Slack makes (views, files) are unique across workspaces, as Slack's are
            ws._ids = itertools.count(100_000 * len(self.workspaces) + 1)
            api = WebApi(ws, base_url=self.base_url, scopes=self.api.scopes)
            self.workspaces[team_id] = (ws, api)
        return self.workspace(team_id)

    def workspace(self, team_id: str) -> FakeSlack:
        """The same fake, acting in workspace `team_id`: its slash commands, clicks and
        messages are that workspace's."""
        view = copy.copy(self)
        view.ws, view.api = self.workspaces[team_id]
        return view

    def install(
        self, authorize_url: str, *, team: str | None = None, org_wide: bool = False
    ) -> str:
        """A person clicks Allow on Slack's authorize page (`authorize_url`, where the app's
        /slack/install sent the browser). Returns where Slack sends the browser next: the
        app's redirect URL with `code` and `state`. `org_wide`: an Enterprise Grid org
        admin installs for the whole org of `team`."""
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize_url).query))
        ws = self.workspaces[team or self.ws.team_id][0]
        enterprise = getattr(ws, "enterprise_id", None)
        teams = (
            [
                t
                for t, (w, _) in self.workspaces.items()
                if getattr(w, "enterprise_id", None) == enterprise
            ]
            if org_wide
            else [ws.team_id]
        )
        if org_wide:
            for t in teams:
                self.workspaces[t][0].org_wide = True  # its requests say is_enterprise_install
        default = (
            self.app_url.rsplit("/slack/", 1)[0] + "/slack/oauth_redirect" if self.app_url else None
        )
        with self.lock:
            return authorize_redirect(
                self.oauth,
                query,
                team_ids=teams,
                enterprise_id=enterprise,
                org_wide=org_wide,
                default_redirect=default,
            )

    def uninstall(self, team_id: str) -> AppResponse:
        """Someone removes the app from workspace `team_id`: its tokens stop working and
        Slack sends `app_uninstalled` (and `tokens_revoked`) to the app."""
        with self.lock:
            self.oauth.revoke(team_id)
        view = self.workspace(team_id)
        return view.send_event(
            payloads.event_callback(
                view.ws, {"type": "app_uninstalled", "event_ts": f"{time.time():.6f}"}
            )
        )

    def token_of(self, team_id: str) -> str | None:
        """The current (valid) token issued for workspace `team_id`."""
        with self.lock:
            for token, grant in self.oauth.grants.items():
                if team_id in grant.team_ids and self.oauth.grant_of(token):
                    return token
        return None

    def calls_in(self, team_id: str, method: str | None = None) -> list[Call]:
        with self.lock:
            return [
                c
                for c in self.calls
                if c.team_id == team_id and (method is None or c.method == method)
            ]

    def set_team_rate_limit(
        self, team_id: str, method: str, *, per_second: float, burst: int = 1
    ) -> None:
        """Rate-limit `method` in one workspace only (Slack's limits are per workspace)."""
        with self.lock:
            self.team_limits[(team_id, method)] = RateLimit(per_second, burst, tokens=burst)

    def _oauth_access(self, args: dict[str, Any]) -> dict[str, Any]:
        app = self.oauth
        if args.get("client_id") != app.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("client_secret") != app.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        if args.get("grant_type") == "refresh_token":
            old = app.refresh.pop(str(args.get("refresh_token") or ""), None)
            if old is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            grant = app.grants[old]
            grant.revoked = True  # the old token ends with its refresh
            new = app.new_grant(grant.team_ids, grant.enterprise_id, grant.org_wide)
            return self._token_answer(new)
        code = app.codes.pop(str(args.get("code") or ""), None)  # a code works once
        if code is None:
            return {"ok": False, "error": "invalid_code"}
        if code["redirect_uri"] and args.get("redirect_uri") != code["redirect_uri"]:
            return {"ok": False, "error": "bad_redirect_uri"}
        grant = app.new_grant(code["team_ids"], code["enterprise_id"], code["org_wide"])
        answer = self._token_answer(grant)
        answer["authed_user"] = {"id": code["user"]}
        return answer

    def _token_answer(self, grant: Any) -> dict[str, Any]:
        ws = self.workspaces[grant.team_ids[0]][0]
        answer: dict[str, Any] = {
            "ok": True,
            "access_token": grant.token,
            "token_type": "bot",
            "scope": ",".join(sorted(self.api.scopes)),
            "bot_user_id": ws.bot.id,
            "app_id": payloads.APP_ID,
            "team": None if grant.org_wide else {"name": ws.domain, "id": ws.team_id},
            "enterprise": {"name": grant.enterprise_id, "id": grant.enterprise_id}
            if grant.enterprise_id
            else None,
            "is_enterprise_install": grant.org_wide,
        }
        if grant.refresh_token:
            answer["refresh_token"] = grant.refresh_token
            answer["expires_in"] = int(grant.expires_at - time.time())
        return answer

    def _api_for(self, token: str | None, args: dict[str, Any]) -> tuple[WebApi, str | None] | None:
        """The Web API of the workspace `token` speaks for (None: no such valid token)."""
        grant = self.oauth.grant_of(token)
        if grant is None:
            return None
        team = args.get("team_id") if args.get("team_id") in grant.team_ids else grant.team_ids[0]
        return self.workspaces[team][1], team

    # lifecycle -----------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """What to give orgbot as `SLACK_API_URL`."""
        return f"{self.base_url}/api/"

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.socket_mode is not None:
            self.socket_mode.stop()
        self._server.shutdown()
        self._server.server_close()

    def enable_socket_mode(self) -> SocketModeServer:
        """Deliver to the app over Socket Mode instead of HTTP: `apps.connections.open`
        (with the app-level token) hands out a WebSocket URL on loopback."""
        if self.socket_mode is None:
            self.socket_mode = SocketModeServer()
        return self.socket_mode

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # faults and limits -----------------------------------------------------------------------

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `{"ok": false, "error": error}`."""
        with self.lock:
            self.faults.setdefault(method, []).append(Fault(error, times))

    def rate_limit_next(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and `Retry-After`."""
        with self.lock:
            self.faults.setdefault(method, []).append(
                Fault("ratelimited", times, status=429, retry_after=retry_after)
            )

    def after_call(
        self, method: str, what: str, *, times: int = 1, seconds: float = 0.0, status: int = 500
    ) -> None:
        """Carry out the next `times` calls of `method`, then `stall`, `drop` the
        connection, or answer `5xx`: Slack did the work but the caller can't tell."""
        with self.lock:
            self.faults.setdefault(method, []).append(
                Fault("internal_error", times, status=status, after=what, seconds=seconds)
            )

    def lose_next(self, method: str, *, seconds: float = 30.0, times: int = 1) -> None:
        """Take the next `times` calls of `method` without carrying them out; hold each
        connection `seconds`, then drop it: the request never reached Slack."""
        self.after_call(method, "lose", times=times, seconds=seconds)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `seconds` before carrying them out,
        so a later call can overtake them (a slow network path)."""
        with self.lock:
            self._delays.setdefault(method, []).extend([seconds] * times)

    def take_delay(self, method: str) -> float:
        with self.lock:
            pending = self._delays.get(method)
            return pending.pop(0) if pending else 0.0

    def set_rate_limit(self, method: str, *, per_second: float, burst: int = 1) -> None:
        """Rate-limit `method` like Slack: over the limit, 429 with `Retry-After` seconds."""
        with self.lock:
            self.limits[method] = RateLimit(per_second, burst, tokens=burst)

    # the Web API ---------------------------------------------------------------------------

    def handle_api(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict, dict, Fault | None]:
        with self.changed:
            headers: dict[str, str] = {}
            status = 200
            afterwards: Fault | None = None
            faults = self.faults.get(method)
            limit = self.limits.get(method)
            wait = limit.take() if limit else 0.0
            allowed = self.app_token if method == "apps.connections.open" else self.bot_token
            api, team = self.api, self.ws.team_id if token == self.bot_token else None
            if token not in (allowed, None) and (found := self._api_for(token, args)):
                api, team = found
                allowed = token
                team_limit = self.team_limits.get((team, method))
                if team_limit is not None:
                    wait = max(wait, team_limit.take())
            api.token = token
            if method == "oauth.v2.access":
                response = self._oauth_access(args)
            elif (
                token != allowed and method != "api.test" and not self._step_token_ok(method, token)
            ):
                response: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
            elif method == "apps.connections.open":
                if self.socket_mode is None:
                    response = {"ok": False, "error": "socket_mode_not_enabled"}
                else:
                    response = {"ok": True, "url": self.socket_mode.url}
            elif faults and faults[0].after != "answer":
                afterwards = faults[0]
                afterwards.times -= 1
                if afterwards.times <= 0:
                    faults.pop(0)
                lost = afterwards.after == "lose"
                response = {"ok": False, "error": "lost"} if lost else api.call(method, args)
                status = 0 if lost else status
                if afterwards.after == "5xx":
                    status, response = afterwards.status, {"ok": False, "error": "internal_error"}
            elif faults:
                fault = faults[0]
                fault.times -= 1
                if fault.times <= 0:
                    faults.pop(0)
                status = fault.status
                response = {"ok": False, "error": fault.error}
                if fault.status == 429:
                    headers["Retry-After"] = str(fault.retry_after)
            elif wait > 0:
                status = 429
                response = {"ok": False, "error": "ratelimited"}
                headers["Retry-After"] = str(max(1, math.ceil(wait)))
            else:
                response = api.call(method, args)
            self.calls.append(Call(method, args, response, status, time.time(), team, token))
            self.changed.notify_all()
            return status, response, headers, afterwards

    def fail_uploads(self, *, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` POSTs to an upload URL with HTTP `status` (the bytes are
        not taken): the second step of `files_upload_v2` fails."""
        with self.lock:
            self.faults.setdefault(UPLOAD, []).append(Fault("upload_failed", times, status=status))

    def handle_upload(self, token: str, body: bytes) -> tuple[int, str]:
        """A POST of a file's bytes to the upload URL `files.getUploadURLExternal` gave."""
        with self.changed:
            faults = self.faults.get(UPLOAD)
            if faults:
                fault = faults[0]
                fault.times -= 1
                if fault.times <= 0:
                    faults.pop(0)
                status, text = fault.status, "upload failed"
            else:
                # the workspace whose files.getUploadURLExternal handed out this URL
                api = next(
                    (a for _, a in self.workspaces.values() if token in a._upload_tokens),
                    self.api,
                )
                status, text = api.upload(token, body)
            response = {"ok": status == 200, "text": text}
            self.calls.append(
                Call(UPLOAD, {"token": token, "length": len(body)}, response, status, time.time())
            )
            self.changed.notify_all()
            return status, text

    def file_bytes(self, file_id: str) -> bytes | None:
        """What was uploaded for a file (None before its bytes arrived)."""
        with self.lock:
            stored = self.api.files.get(file_id)
            return stored.data if stored else None

    def canvas(self, canvas_id: str):
        """A canvas orgbot created (title, markdown, channel), or None."""
        with self.lock:
            found = self.api.canvases.get(canvas_id)
            return copy.deepcopy(found) if found else None

    def canvases(self) -> list:
        with self.lock:
            return [copy.deepcopy(c) for c in self.api.canvases.values()]

    def _step_token_ok(self, method: str, token: str | None) -> bool:
        """A workflow step's token works while its execution runs (functions.* answer for
        themselves once it has ended: `execution_not_in_running_state`)."""
        execution = self.api.execution_of_token(token)
        if execution is None:
            return False
        return method.startswith("functions.") or execution.status == functions.RUNNING

    def handle_respond(self, token: str, body: dict[str, Any]) -> tuple[int, str]:
        with self.changed:
            context = self._responders.get(token)
            if context is None:
                return 404, "no_response_url"
            context["uses"] = context.get("uses", 0) + 1
            if self.ws.clock() - context["issued"] > RESPONSE_URL_TTL:
                result = (404, "expired_url")
            elif context["uses"] > RESPONSE_URL_USES:
                result = (404, "used_url")
            else:
                try:
                    self.workspaces.get(context.get("team"), (self.ws, self.api))[1].respond(
                        context, body
                    )
                    result = (200, "ok")
                except SlackError as error:
                    result = (400, error.error)
            response = {"ok": result[0] == 200}
            if result[0] != 200:
                response["error"] = result[1]
            self.calls.append(Call("response_url", body, response, result[0], time.time()))
            self.changed.notify_all()
            return result

    # waiting and inspecting ----------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 15.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) were made; return them.
        (The default wait is generous: it returns as soon as they came, and work after an
        ack can take seconds on a loaded machine.)

        Raises:
            AssertionError: they did not come within `timeout` seconds (the message lists
                what did come, to make a failing test easy to read).
        """
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [
                    c for c in self.calls if c.method == method and (where is None or where(c))
                ]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(c.method for c in self.calls[-20:]) or "nothing"
                    raise AssertionError(
                        f"expected {count} {method} call(s), got {len(found)}; last calls: {seen}"
                    )
                self.changed.wait(remaining)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Copies of the channel's messages, oldest first (threads included)."""
        with self.lock:
            return copy.deepcopy(self.ws.channel(channel).messages)

    def dms(self, user: str) -> list[dict[str, Any]]:
        """Copies of the messages orgbot sent a person directly."""
        with self.lock:
            return copy.deepcopy(self.ws.dm(self.ws.user(user).id).messages)

    def ephemerals(self, user: str, channel: str | None = None) -> list[Ephemeral]:
        with self.lock:
            channel_id = self.ws.channel(channel).id if channel else None
            return self.ws.visible_ephemerals(self.ws.user(user).id, channel_id)

    def open_view(self, user: str) -> dict[str, Any] | None:
        """The modal on top of a person's view stack, or None."""
        with self.lock:
            stack = self.ws.stacks.get(self.ws.user(user).id) or []
            return copy.deepcopy(self.ws.views[stack[-1]].view) if stack else None

    def view_errors(self, user: str) -> dict[str, str]:
        with self.lock:
            stack = self.ws.stacks.get(self.ws.user(user).id) or []
            return dict(self.ws.views[stack[-1]].errors) if stack else {}

    def home(self, user: str) -> dict[str, Any] | None:
        with self.lock:
            view_id = self.ws.homes.get(self.ws.user(user).id)
            return copy.deepcopy(self.ws.views[view_id].view) if view_id else None

    def render(self, blocks: list[dict[str, Any]], *, width: int = 10_000) -> str:
        """Blocks as the text a person would read, with names for user and channel ids."""
        from slackbot.blockkit.render import render_blocks

        return render_blocks(blocks, names=self.ws.name_of, width=width).text

    @property
    def problems(self) -> list[str]:
        """Block Kit limit violations and missing text fallbacks seen so far."""
        with self.lock:
            return list(self.api.problems)

    # the platform: sending to the app ----------------------------------------------------------

    def connect(self, app_url: str) -> FakeSlack:
        """Where the app listens: `http://127.0.0.1:3000/slack/events`."""
        self.app_url = app_url
        return self

    def send(
        self,
        body: bytes,
        content_type: str,
        *,
        extra_headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> AppResponse:
        """POST a body to the app, signed as Slack signs it (or with another secret/time);
        over Socket Mode, when enabled, as the envelope Slack would send instead."""
        if self.socket_mode is not None:
            return self._send_envelope(body, content_type)
        if not self.app_url:
            raise RuntimeError("call connect(app_url) first")
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signer = self._signer if secret is None else SignatureVerifier(secret)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signer.generate_signature(timestamp=ts, body=body.decode()),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(extra_headers or {}),
        }
        url = urllib.parse.urlsplit(self.app_url)
        conn: http.client.HTTPConnection | None = getattr(self._app_conn, "conn", None)
        for attempt in range(2):
            if conn is None:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                self._app_conn.conn = conn
            try:
                conn.request("POST", url.path or "/", body=body, headers=headers)
                raw = conn.getresponse()
                data = raw.read()
                return AppResponse(raw.status, data, {k.lower(): v for k, v in raw.getheaders()})
            except (ConnectionError, http.client.HTTPException, OSError):
                conn.close()
                conn = None
                self._app_conn.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _send_envelope(self, body: bytes, content_type: str) -> AppResponse:
        assert self.socket_mode is not None
        if content_type.startswith("application/json"):
            kind, payload = "events_api", json.loads(body)
        else:
            fields = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            if "payload" in fields:
                kind, payload = "interactive", json.loads(fields["payload"])
            else:
                kind, payload = "slash_commands", fields
        ack = self.socket_mode.send(kind, payload)
        answer = ack.get("payload")
        return AppResponse(200, json.dumps(answer).encode() if answer else b"", {})

    def send_form(self, fields: dict[str, str], **kwargs: Any) -> AppResponse:
        return self.send(
            urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded", **kwargs
        )

    def send_payload(self, payload: dict[str, Any], **kwargs: Any) -> AppResponse:
        return self.send_form({"payload": json.dumps(payload)}, **kwargs)

    def send_event(self, envelope: dict[str, Any], **kwargs: Any) -> AppResponse:
        return self.send(json.dumps(envelope).encode(), "application/json", **kwargs)

    def _response_url(self, **context: Any) -> str:
        with self.lock:
            token = f"R{len(self._responders) + 1:06d}"
            self._responders[token] = {
                **context,
                "issued": self.ws.clock(),
                "team": self.ws.team_id,
            }
        return f"{self.base_url}/respond/{token}"

    # the platform: what a person does --------------------------------------------------------

    def slash(
        self, user: str, command: str, text: str = "", *, channel: str = "general"
    ) -> AppResponse:
        """Type a slash command. An ephemeral or in-channel answer in the HTTP response is
        shown the way Slack shows it (see `ephemerals` / `messages`)."""
        with self.lock:
            person, place = self.ws.user(user), self.ws.channel(channel)
            trigger = self.api.issue_trigger(person.id)
        response_url = self._response_url(channel=place.id, user=person.id)
        fields = payloads.slash_command(
            self.ws, person, place, command, text, response_url=response_url, trigger_id=trigger
        )
        response = self.send_form(fields)
        self._show_ack_message(response, place.id, person.id)
        return response

    def click(
        self,
        user: str,
        where: dict[str, Any] | Ephemeral,
        action_id: str,
        *,
        value: str | None = None,
        channel: str | None = None,
        selected: Any = None,
    ) -> AppResponse:
        """Click the element `action_id` in a message (a dict from `messages`/`dms`), an
        ephemeral message, a modal or a Home tab view."""
        with self.lock:
            person = self.ws.user(user)
            trigger = self.api.issue_trigger(person.id)
            if isinstance(where, Ephemeral):
                block, element = payloads.find_element(where.message["blocks"], action_id, value)
                response_url = self._response_url(
                    channel=where.channel, user=person.id, message_ts=where.ts, ephemeral=True
                )
                body = payloads.block_actions_ephemeral(
                    self.ws,
                    person,
                    where,
                    block,
                    element,
                    response_url=response_url,
                    trigger_id=trigger,
                    selected=selected,
                )
            elif "type" in where and where.get("type") in ("modal", "home"):
                state = self.ws.views[where["id"]]
                block, element = payloads.find_element(state.view["blocks"], action_id, value)
                body = payloads.block_actions_view(
                    self.ws,
                    person,
                    state.view,
                    block,
                    element,
                    trigger_id=trigger,
                    selected=selected,
                )
            else:
                channel_id = channel or self._channel_of(where)
                # a person clicks what the message shows now, not an old copy of it
                where = self.ws.find_message(channel_id, where["ts"]) or where
                block, element = payloads.find_element(where["blocks"], action_id, value)
                response_url = self._response_url(
                    channel=channel_id, user=person.id, message_ts=where["ts"]
                )
                body = payloads.block_actions_message(
                    self.ws,
                    person,
                    self.ws.channels[channel_id],
                    where,
                    block,
                    element,
                    response_url=response_url,
                    trigger_id=trigger,
                    selected=selected,
                )
                step = self.api.function_messages.get((channel_id, where["ts"]))
                body = self._tie_to_step(body, step)
        return self.send_payload(body)

    def submit(self, user: str, values: dict[str, Any] | None = None) -> AppResponse:
        """Submit the modal on top of the person's stack with `values` by action_id or block_id
        (inputs not given keep their initial values). Applies the app's response_action."""
        with self.lock:
            person = self.ws.user(user)
            stack = self.ws.stacks.get(person.id) or []
            if not stack:
                raise AssertionError(f"{user} has no modal open")
            state = self.ws.views[stack[-1]]
            state.view["state"] = {"values": payloads.view_state(state.view, values or {})}
            body = payloads.view_submission(self.ws, person, state.view)
            body = self._tie_to_step(body, self.api.function_views.get(state.view["id"]))
            self._submissions[person.id] = body
        response = self.send_payload(body)
        with self.changed:
            self._apply_view_response(person.id, state, response)
            self.changed.notify_all()
        return response

    def resubmit(self, user: str) -> AppResponse:
        """Send the person's last `view_submission` again, byte for byte the same view (id,
        hash, values): what Slack's retry, a replay or a second press of Submit delivers."""
        with self.lock:
            body = self._submissions.get(self.ws.user(user).id)
            if body is None:
                raise AssertionError(f"{user} has submitted no modal")
        response = self.send_payload(body)
        # the answer to a repeat is checked like any answer (its view may be gone by now)
        if response.status == 200 and response.body:
            with self.changed:
                problems = view_response_problems(body["view"], response.json)
                self.api.problems.extend(f"view_submission response: {p}" for p in problems)
        return response

    def close(self, user: str) -> AppResponse | None:
        """Press Cancel/Close on the top modal; the app hears it when notify_on_close is set."""
        with self.lock:
            person = self.ws.user(user)
            stack = self.ws.stacks.get(person.id) or []
            if not stack:
                return None
            state = self.ws.views[stack.pop()]
            notify = state.view.get("notify_on_close")
            body = payloads.view_closed(self.ws, person, state.view)
            body = self._tie_to_step(body, self.api.function_views.get(state.view["id"]))
        return self.send_payload(body) if notify else None

    def shortcut(self, user: str, callback_id: str) -> AppResponse:
        with self.lock:
            person = self.ws.user(user)
            trigger = self.api.issue_trigger(person.id)
            body = payloads.global_shortcut(self.ws, person, callback_id, trigger_id=trigger)
        return self.send_payload(body)

    def verify_request_url(self, **kwargs: Any) -> bool:
        """Save the Request URL, as an admin does in the app's Event Subscriptions: Slack
        sends a signed `url_verification` and accepts the URL only when the answer carries
        the challenge back (as JSON `{"challenge": ...}`, or the bare value as text)."""
        challenge = hashlib.sha256(f"{time.time()}".encode()).hexdigest()[:48]
        response = self.send_event(payloads.url_verification(challenge), **kwargs)
        if response.status != 200:
            return False
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                return response.json.get("challenge") == challenge
            except ValueError:
                return False
        return response.text.strip() == challenge

    def run_step(
        self, callback_id: str, inputs: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[str, AppResponse]:
        """Run one of the app's workflow steps, as a workflow does: Slack creates an
        execution and sends `function_executed`. Returns the execution id and the app's
        answer; `execution(id)` shows how it ended."""
        with self.lock:
            run = functions.new_execution(callback_id, inputs or {}, functions.manifest_functions())
            self.api.executions[run.execution_id] = run
            envelope = payloads.event_callback(self.ws, functions.function_executed_event(run))
        return run.execution_id, self.send_event(envelope, **kwargs)

    def resend_step(self, execution_id: str, **kwargs: Any) -> AppResponse:
        """Deliver a step's `function_executed` again (Slack's retry of an event)."""
        with self.lock:
            run = self.api.executions[execution_id]
            envelope = payloads.event_callback(self.ws, functions.function_executed_event(run))
        return self.send_event(envelope, **kwargs)

    def execution(self, execution_id: str) -> functions.FunctionExecution:
        with self.lock:
            return copy.deepcopy(self.api.executions[execution_id])

    def wait_for_step(
        self, execution_id: str, *, timeout: float = 15.0
    ) -> functions.FunctionExecution:
        """Block until the execution is no longer running; return it."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.api.executions[execution_id].status == functions.RUNNING:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"workflow step {execution_id} is still running")
                self.changed.wait(remaining)
            return copy.deepcopy(self.api.executions[execution_id])

    def _tie_to_step(self, body: dict[str, Any], execution_id: str | None) -> dict[str, Any]:
        """Add what Slack adds to an interaction tied to a workflow step's execution."""
        if execution_id is None:
            return body
        run = self.api.executions[execution_id]
        body.update(functions.function_data(run))
        body["interactivity"] = {
            "interactor": {"secret": "devslack", "id": body["user"]["id"]},
            "interactivity_pointer": body.get("trigger_id") or f"{int(time.time())}.pointer",
        }
        return body

    def open_home(self, user: str, **kwargs: Any) -> AppResponse:
        """Open the app's Home tab: sends `app_home_opened`."""
        with self.lock:
            person = self.ws.user(user)
            envelope = payloads.app_home_opened(self.ws, person)
        return self.send_event(envelope, **kwargs)

    # internals ---------------------------------------------------------------------------------

    def _channel_of(self, message: dict[str, Any]) -> str:
        for channel in self.ws.channels.values():
            if any(m is message or m["ts"] == message["ts"] for m in channel.messages):
                return channel.id
        raise AssertionError("message not found in any channel; pass channel=")

    def _show_ack_message(self, response: AppResponse, channel_id: str, user_id: str) -> None:
        if response.status != 200 or not response.body:
            return
        try:
            body = response.json
        except ValueError:
            body = {"text": response.text}
        if not (body.get("text") or body.get("blocks")):
            return
        with self.changed:
            context = {"channel": channel_id, "user": user_id}
            with contextlib.suppress(SlackError):  # recorded in problems
                self.api.respond(context, body)
            self.changed.notify_all()

    def _apply_view_response(self, user_id: str, state: ViewState, response: AppResponse) -> None:
        stack = self.ws.stacks.setdefault(user_id, [])
        if response.status != 200:
            return
        body = response.json if response.body else {}
        action = body.get("response_action")
        problems = view_response_problems(state.view, body)
        if problems:
            # Slack refuses the whole answer and shows the person a generic error; the
            # modal stays as it was
            self.api.problems.extend(f"view_submission response: {p}" for p in problems)
            state.errors = {}
            return
        if action == "errors":
            state.errors = dict(body.get("errors") or {})
            return
        if action == "update":
            keep = {k: state.view[k] for k in ("id", "root_view_id", "previous_view_id")}
            state.view = view_json(self.ws, body["view"], **keep)
            state.errors = {}
            return
        if action == "push":
            pushed = self.api._store_view(body["view"], user_id, root=stack[0], previous=stack[-1])
            stack.append(pushed.view["id"])
            return
        if action == "clear":
            stack.clear()
            return
        if stack and stack[-1] == state.view["id"]:
            stack.pop()


def view_response_problems(view: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """Why Slack would refuse an app's answer to a view_submission: `errors` keyed by
    anything but the block_id of an input block in the submitted view, or an `update` /
    `push` view Slack would refuse in `views.update` / `views.push`."""
    action = body.get("response_action")
    if action is None:
        return []
    if action == "errors":
        errors = body.get("errors")
        if not isinstance(errors, dict) or not errors:
            return ["response_action errors needs a non-empty `errors` object"]
        inputs = {b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"}
        problems = [
            f"errors[{key!r}] is not the block_id of an input block of the view"
            for key in errors
            if key not in inputs
        ]
        problems += [
            f"errors[{key!r}] must be a non-empty string"
            for key, message in errors.items()
            if not (isinstance(message, str) and message)
        ]
        return problems
    if action in ("update", "push"):
        if not isinstance(body.get("view"), dict):
            return [f"response_action {action} needs a view"]
        return [f"{action}d view: {p}" for p in check_view(body["view"])]
    if action == "clear":
        return []
    return [f"unknown response_action {action!r}"]


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _read_args(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            query = urllib.parse.urlsplit(self.path).query
            args: dict[str, Any] = dict(urllib.parse.parse_qsl(query))
            ctype = self.headers.get("Content-Type") or ""
            if raw and ctype.startswith("application/json"):
                args.update(json.loads(raw))
            elif raw:
                args.update(dict(urllib.parse.parse_qsl(raw.decode())))
            for key in _JSON_ARGS:
                if isinstance(args.get(key), str) and args[key].strip()[:1] in "[{":
                    args[key] = json.loads(args[key])
            return args

        def _send(
            self,
            status: int,
            body: str,
            headers: dict[str, str] | None = None,
            ctype: str = "application/json; charset=utf-8",
        ) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            if parts.path == "/oauth/v2/authorize":  # the person clicks Allow at once
                query = dict(urllib.parse.parse_qsl(parts.query))
                try:
                    location = fake.install(
                        self.path, team=query.get("team"), org_wide=query.get("org_wide") == "1"
                    )
                except (ValueError, KeyError):
                    self._send(400, "invalid_client_id", ctype="text/plain; charset=utf-8")
                    return
                self._send(302, "", {"Location": location}, ctype="text/plain; charset=utf-8")
                return
            self.do_POST()

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith("/upload/v1/"):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = upload_body(raw, self.headers.get("Content-Type") or "")
                status, text = fake.handle_upload(path.rsplit("/", 1)[-1], body)
                self._send(status, text, ctype="text/plain; charset=utf-8")
                return
            args = self._read_args()
            if path.startswith("/api/"):
                auth = self.headers.get("Authorization") or ""
                token = auth[7:] if auth.startswith("Bearer ") else args.pop("token", None)
                if auth.startswith("Basic "):  # oauth.v2.access: the app's client id and secret
                    pair = base64.b64decode(auth[6:]).decode()
                    args["client_id"], _, args["client_secret"] = pair.partition(":")
                    token = None
                delay = fake.take_delay(path[5:])
                if delay:
                    time.sleep(delay)
                status, body, headers, afterwards = fake.handle_api(path[5:], args, token)
                if afterwards is not None and afterwards.after == "stall":
                    time.sleep(afterwards.seconds)
                if afterwards is not None and afterwards.after == "lose":
                    time.sleep(afterwards.seconds)
                if afterwards is not None and afterwards.after in ("drop", "lose"):
                    self.close_connection = True
                    with contextlib.suppress(OSError):  # the caller may be gone already
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._send(status, json.dumps(body), headers)
            elif path.startswith("/respond/"):
                status, outcome = fake.handle_respond(path.rsplit("/", 1)[-1], args)
                body = {"ok": True} if status == 200 else {"ok": False, "error": outcome}
                self._send(status, json.dumps(body))
            else:
                self._send(404, json.dumps({"ok": False, "error": "not_found"}))

    return Handler
