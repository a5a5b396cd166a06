"""The Web API side of the fake Slack: the methods orgbot calls, answered like Slack does.

Each method takes the parsed arguments and returns `(status, body, headers)`; `FakeSlack`
routes HTTP requests here under its lock. Errors use Slack's own error codes
(`not_in_channel`, `channel_not_found`, `invalid_blocks`, `expired_trigger_id`, ...).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from slackbot.blockkit.limits import check_message, check_view
from slackbot.devslack.files import FilesApi
from slackbot.devslack.functions import (
    COMPLETED,
    FAILED,
    RUNNING,
    FunctionExecution,
    output_problems,
)
from slackbot.devslack.workspace import APP_ID, TEAM_ID, Channel, Ephemeral, ViewState, Workspace

TRIGGER_TTL = 3.0  # seconds a trigger_id stays valid
MAX_VIEW_STACK = 3

# The bot scope each Web API method needs, from the "Required scopes" of each method's
# reference page (docs.slack.dev/reference/methods/<method>). Methods not listed need none
# (auth.test, chat.getPermalink, views.*). conversations.* need the scope for the kind of
# conversation, see `CONVERSATION_SCOPES`.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.scheduleMessage": "chat:write",
    "users.info": "users:read",
    "users.list": "users:read",
    "users.lookupByEmail": "users:read.email",
    "usergroups.users.list": "usergroups:read",
    "team.info": "team:read",
    "reactions.add": "reactions:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
    "files.delete": "files:write",
    "canvases.create": "canvases:write",
    "canvases.edit": "canvases:write",
    "conversations.canvases.create": "canvases:write",
    "conversations.join": "channels:join",
}
# conversations.history / conversations.info by kind of conversation; conversations.open
# needs im:write for a DM with one person, mpim:write for several
CONVERSATION_SCOPES = {
    "history": {
        "public": "channels:history",
        "private": "groups:history",
        "im": "im:history",
        "mpim": "mpim:history",
    },
    "read": {
        "public": "channels:read",
        "private": "groups:read",
        "im": "im:read",
        "mpim": "mpim:read",
    },
}


def granted_scopes() -> frozenset[str]:
    """The bot scopes `app.yaml` asks for: what an installed orgbot's token holds."""
    from slackbot.manifest import load_manifest

    return frozenset(load_manifest()["oauth_config"]["scopes"]["bot"])


Result = tuple[int, dict[str, Any]]


MASS_MENTIONS = ("<!channel>", "<!here>", "<!everyone>")


def mass_mentions(payload: Any) -> list[str]:
    """Mentions that would notify a whole channel, in the message `text` or any mrkdwn text
    (plain_text shows them literally). orgbot never sends one on purpose, so one found
    here is user text that was not escaped."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if isinstance(payload, dict) and isinstance(payload.get("text"), str):
        texts.append(payload["text"])
    walk(payload)
    raw = "\n".join(texts)
    return [m for m in MASS_MENTIONS if m in raw]


class SlackError(Exception):
    def __init__(self, error: str, **extra: Any):
        super().__init__(error)
        self.error = error
        self.extra = extra


class WebApi(FilesApi):
    """Slack Web API methods over a `Workspace` (files and canvases in `files.py`).

    `problems` collects Block Kit limit violations and messages without a text fallback
    (Slack rejects the former and merely warns about the latter; tests fail on both).
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        base_url: str = "",
        scopes: frozenset[str] | None = None,
    ):
        self.ws = workspace
        self.base_url = base_url
        self.scopes = granted_scopes() if scopes is None else frozenset(scopes)
        self.problems: list[str] = []
        self.triggers: dict[str, tuple[str, float, bool]] = {}  # id -> (user, issued, used)
        self._init_files()
        # workflow steps: executions by id, and what was posted or opened with their tokens
        self.executions: dict[str, FunctionExecution] = {}
        self.function_messages: dict[tuple[str, str], str] = {}  # (channel, ts) -> execution
        self.function_views: dict[str, str] = {}  # view id -> execution
        self.token: str | None = None  # the token of the call being answered

    def execution_of_token(self, token: str | None) -> FunctionExecution | None:
        return next((e for e in self.executions.values() if e.token == token), None)

    # dispatch ------------------------------------------------------------------------------

    def call(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(
            self, "m_" + method.replace(".", "_"), None
        )
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            if method in METHOD_SCOPES:
                self._require(METHOD_SCOPES[method])
            return {"ok": True, **handler(args)}
        except SlackError as error:
            return {"ok": False, "error": error.error, **error.extra}

    def issue_trigger(self, user_id: str) -> str:
        trigger = f"{int(time.time())}.{len(self.triggers) + 1}.{hashlib.md5(user_id.encode()).hexdigest()[:16]}"
        self.triggers[trigger] = (user_id, time.monotonic(), False)
        return trigger

    # auth ------------------------------------------------------------------------------------

    def m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.ws.domain}.slack.com/",
            "team": "Orgbot Sandbox" if self.ws.team_id == TEAM_ID else self.ws.domain,
            "user": self.ws.bot.name,
            "team_id": self.ws.team_id,
            "user_id": self.ws.bot.id,
            "bot_id": "B0ORGBOT1",
            "app_id": APP_ID,
            "app_name": "orgbot",
            "is_enterprise_install": False,
            **({"enterprise_id": self.ws.enterprise_id} if self.ws.enterprise_id else {}),
        }

    # chat ------------------------------------------------------------------------------------

    def m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel"))
        message = self._message_from(args, "chat.postMessage")
        thread_ts = args.get("thread_ts")
        if thread_ts:
            if self.ws.find_message(channel.id, thread_ts) is None:
                raise SlackError("thread_not_found")
            message["thread_ts"] = thread_ts
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        channel.messages.append(message)
        if execution := self.execution_of_token(self.token):
            self.function_messages[(channel.id, message["ts"])] = execution.execution_id
        return {"channel": channel.id, "ts": message["ts"], "message": copy.deepcopy(message)}

    def m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        existing = self.ws.find_message(channel.id, args.get("ts") or "")
        if existing is None:
            raise SlackError("message_not_found")
        if existing.get("user") != self.ws.bot.id:
            raise SlackError("cant_update_message")
        update = self._message_from(args, "chat.update")
        existing.update(text=update["text"], blocks=update["blocks"], edited=True)
        return {"channel": channel.id, "ts": existing["ts"], "text": existing["text"]}

    def m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel"))
        user = args.get("user")
        if user not in channel.members:
            raise SlackError("user_not_in_channel")
        message = self._message_from(args, "chat.postEphemeral")
        self.ws.ephemerals.append(Ephemeral(channel.id, user, message["ts"], message))
        return {"message_ts": message["ts"]}

    def m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        ts = args.get("message_ts") or ""
        if self.ws.find_message(channel.id, ts) is None:
            raise SlackError("message_not_found")
        return {"channel": channel.id, "permalink": permalink(self.ws, channel.id, ts)}

    # conversations ---------------------------------------------------------------------------

    def m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        self._require("mpim:write" if len(users) > 1 else "im:write")
        if len(users) != 1 or users[0] not in self.ws.users:
            raise SlackError("user_not_found")
        return {"channel": {"id": self.ws.dm(users[0]).id}}

    def m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        self._require(CONVERSATION_SCOPES["read"][kind_of(channel)])
        self._visible(channel)
        return {"channel": _channel_json(self.ws, channel)}

    def m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        self._require(CONVERSATION_SCOPES["history"][kind_of(channel)])
        self._visible(channel)
        if self.ws.bot.id not in channel.members:
            raise SlackError("not_in_channel")
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or 9e12)
        limit = int(args.get("limit") or 100)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            m
            for m in reversed(channel.messages)
            if oldest <= float(m["ts"]) <= latest and "thread_ts" not in m
        ][:limit]
        messages = []
        for m in found:
            shown = {k: v for k, v in m.items() if k != "metadata" or with_metadata}
            messages.append(copy.deepcopy(shown))
        return {"messages": messages, "has_more": False}

    def m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent first, then the replies, oldest first (as Slack answers)."""
        channel = self._channel(args.get("channel"))
        self._require(CONVERSATION_SCOPES["history"][kind_of(channel)])
        self._visible(channel)
        if self.ws.bot.id not in channel.members:
            raise SlackError("not_in_channel")
        ts = str(args.get("ts") or "")
        parent = self.ws.find_message(channel.id, ts)
        if parent is None:
            raise SlackError("thread_not_found")
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        thread = [
            parent,
            *(m for m in channel.messages if m.get("thread_ts") == ts and m is not parent),
        ]
        limit = int(args.get("limit") or 1000)
        messages = [
            copy.deepcopy({k: v for k, v in m.items() if k != "metadata" or with_metadata})
            for m in thread[:limit]
        ]
        return {"messages": messages, "has_more": False}

    # users -----------------------------------------------------------------------------------

    def m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.ws.users.get(args.get("user") or "")
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user_json(self.ws, user)}

    def m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self.ws.usergroups.get(args.get("usergroup") or "")
        if members is None:
            raise SlackError("no_such_subteam")
        return {"users": list(members)}

    def m_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        # as Slack: an opaque cursor (base64 of "user:<next id>"), "" after the last page;
        # a cursor Slack did not give is invalid_cursor
        users = sorted(self.ws.users.values(), key=lambda u: u.id)
        start = 0
        if args.get("cursor"):
            try:
                kind, _, after = base64.b64decode(str(args["cursor"])).decode().partition(":")
            except ValueError as error:
                raise SlackError("invalid_cursor") from error
            ids = [u.id for u in users]
            if kind != "user" or after not in ids:
                raise SlackError("invalid_cursor")
            start = ids.index(after)
        limit = max(1, min(int(args.get("limit") or 200), 1000))
        page = users[start : start + limit]
        more = start + limit < len(users)
        cursor = (
            base64.b64encode(f"user:{users[start + limit].id}".encode()).decode() if more else ""
        )
        emails = "users:read.email" in self.scopes  # Slack shows profile.email only then
        return {
            "members": [user_json(self.ws, u, email=emails) for u in page],
            "response_metadata": {"next_cursor": cursor},
        }

    def m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        """As Slack: an exact address (case-insensitive) of an active person, else
        `users_not_found` (deactivated people and bots included)."""
        wanted = str(args.get("email") or "").strip().lower()
        if not wanted:
            raise SlackError("invalid_arguments")
        for user in self.ws.users.values():
            if not user.deleted and user.address and user.address.lower() == wanted:
                return {"user": user_json(self.ws, user, email=True)}
        raise SlackError("users_not_found")

    # views -----------------------------------------------------------------------------------

    def m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._use_trigger(args.get("trigger_id"))
        view = self._view_from(args)
        if view.get("type") != "modal":
            raise SlackError("invalid_arguments")
        state = self._store_view(view, user)
        self.ws.stacks[user] = [state.view["id"]]
        if execution := self.execution_of_token(self.token):
            self.function_views[state.view["id"]] = execution.execution_id
        return {"view": copy.deepcopy(state.view)}

    def m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._use_trigger(args.get("trigger_id"))
        stack = self.ws.stacks.get(user) or []
        if not stack:
            raise SlackError("not_found")
        if len(stack) >= MAX_VIEW_STACK:
            raise SlackError("push_limit_reached")
        state = self._store_view(self._view_from(args), user, root=stack[0], previous=stack[-1])
        stack.append(state.view["id"])
        return {"view": copy.deepcopy(state.view)}

    def m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (
                    v.view["id"]
                    for v in self.ws.views.values()
                    if v.view.get("external_id") == args["external_id"]
                ),
                None,
            )
        state = self.ws.views.get(view_id or "")
        if state is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != state.view["hash"]:
            raise SlackError("hash_conflict")
        new = self._view_from(args)
        keep = {k: state.view[k] for k in ("id", "team_id", "root_view_id", "previous_view_id")}
        state.view = view_json(self.ws, new, **keep)
        state.errors = {}
        return {"view": copy.deepcopy(state.view)}

    def m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = args.get("user_id") or ""
        if user not in self.ws.users:
            raise SlackError("user_not_found")
        view = self._view_from(args)
        if view.get("type") != "home":
            raise SlackError("invalid_arguments")
        old = self.ws.homes.get(user)
        if old and args.get("hash") and args["hash"] != self.ws.views[old].view["hash"]:
            raise SlackError("hash_conflict")
        view_id = old or self.ws.next_id("V0HOME")
        self.ws.views[view_id] = ViewState(view_json(self.ws, view, id=view_id), user)
        self.ws.homes[user] = view_id
        return {"view": copy.deepcopy(self.ws.views[view_id].view)}

    # functions (workflow steps) ------------------------------------------------------------

    def _running_execution(self, args: dict[str, Any]) -> FunctionExecution:
        execution = self.executions.get(str(args.get("function_execution_id") or ""))
        if execution is None:
            raise SlackError("function_execution_not_found")
        if self.token != execution.token:
            raise SlackError("access_denied")
        if execution.status != RUNNING:
            raise SlackError("execution_not_in_running_state")
        return execution

    def m_functions_completeSuccess(self, args: dict[str, Any]) -> dict[str, Any]:
        outputs = args.get("outputs")
        if isinstance(outputs, str):
            outputs = json.loads(outputs)
        execution = self.executions.get(str(args.get("function_execution_id") or ""))
        try:
            execution = self._running_execution(args)
            problems = output_problems(execution, outputs)
            if problems:
                raise SlackError(
                    "parameter_validation_failed",
                    response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
                )
        except SlackError as error:
            if execution is not None:
                execution.completions.append({"method": "completeSuccess", "error": error.error})
            raise
        execution.status, execution.outputs = COMPLETED, outputs
        execution.completions.append({"method": "completeSuccess", "outputs": outputs})
        return {}

    def m_functions_completeError(self, args: dict[str, Any]) -> dict[str, Any]:
        execution = self.executions.get(str(args.get("function_execution_id") or ""))
        try:
            execution = self._running_execution(args)
            if not str(args.get("error") or "").strip():
                raise SlackError("invalid_arguments")
        except SlackError as error:
            if execution is not None:
                execution.completions.append({"method": "completeError", "error": error.error})
            raise
        execution.status, execution.error = FAILED, str(args["error"])
        execution.completions.append({"method": "completeError", "message": execution.error})
        return {}

    # response_url ----------------------------------------------------------------------------

    def respond(self, context: dict[str, Any], body: dict[str, Any]) -> None:
        """A POST to a response_url: reply, replace or delete the message it came from."""
        channel_id, user = context["channel"], context["user"]
        origin = context.get("message_ts")
        ephemeral_origin = context.get("ephemeral", False)
        if body.get("delete_original") and origin:
            self._delete(channel_id, origin, user, ephemeral_origin)
        if not (body.get("text") or body.get("blocks")):
            return
        problems = check_message(body)
        self.problems.extend(f"response_url: unescaped {m}" for m in mass_mentions(body))
        if problems:
            self.problems.extend(f"response_url: {p}" for p in problems)
            raise SlackError("invalid_blocks", errors=problems)
        message = {
            "type": "message",
            "user": self.ws.bot.id,
            "bot_id": "B0ORGBOT1",
            "ts": self.ws.next_ts(),
            "text": body.get("text", ""),
            "blocks": body.get("blocks") or [],
        }
        if body.get("replace_original") and origin:
            if ephemeral_origin:
                for e in self.ws.ephemerals:
                    if e.ts == origin and e.user == user:
                        e.message.update(text=message["text"], blocks=message["blocks"])
                return
            existing = self.ws.find_message(channel_id, origin)
            if existing is not None:
                existing.update(text=message["text"], blocks=message["blocks"])
                return
        if body.get("response_type") == "in_channel":
            self.ws.channels[channel_id].messages.append(message)
        else:
            self.ws.ephemerals.append(Ephemeral(channel_id, user, message["ts"], message))

    def _delete(self, channel_id: str, ts: str, user: str, ephemeral: bool) -> None:
        if ephemeral:
            for e in self.ws.ephemerals:
                if e.ts == ts and e.user == user:
                    e.deleted = True
        else:
            channel = self.ws.channels[channel_id]
            channel.messages = [m for m in channel.messages if m["ts"] != ts]

    # helpers -----------------------------------------------------------------------------------

    def _channel(self, channel_id: Any) -> Channel:
        if not channel_id:
            raise SlackError("channel_not_found")
        if channel_id in self.ws.users:
            return self.ws.dm(channel_id)
        channel = self.ws.channels.get(channel_id)
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _postable_channel(self, channel_id: Any) -> Channel:
        channel = self._channel(channel_id)
        self._visible(channel)
        if self.ws.bot.id not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def _visible(self, channel: Channel) -> None:
        """Slack hides private channels, DMs and group DMs the bot is not in: for the bot
        they do not exist (`channel_not_found`), even where a person ran a command."""
        hidden = channel.is_private or channel.is_im or channel.is_mpim
        if hidden and self.ws.bot.id not in channel.members:
            raise SlackError("channel_not_found")

    def _require(self, scope: str) -> None:
        """`missing_scope` as Slack answers it when the token lacks `scope`."""
        if scope not in self.scopes:
            raise SlackError("missing_scope", needed=scope, provided=",".join(sorted(self.scopes)))

    def _message_from(self, args: dict[str, Any], method: str) -> dict[str, Any]:
        blocks = args.get("blocks") or []
        text = args.get("text") or ""
        if not blocks and not text:
            raise SlackError("no_text")
        problems = check_message({"text": text, "blocks": blocks})
        problems += [f"unescaped {m} would notify everyone" for m in mass_mentions(args)]
        problems += self.slack_file_problems(blocks)
        if problems:
            self.problems.extend(f"{method}: {p}" for p in problems)
            hard = [p for p in problems if "fallback" not in p and "unescaped" not in p]
            if hard:
                raise SlackError(
                    "invalid_blocks",
                    errors=hard,
                    response_metadata={"messages": [f"[ERROR] {p}" for p in hard]},
                )
        return {
            "type": "message",
            "user": self.ws.bot.id,
            "bot_id": "B0ORGBOT1",
            "app_id": "A0ORGBOT1",
            "ts": self.ws.next_ts(),
            "text": text,
            "blocks": copy.deepcopy(blocks),
            "team": self.ws.team_id,
        }

    def _view_from(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        problems = check_view(view)
        if problems:
            self.problems.extend(f"view: {p}" for p in problems)
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
            )
        return view

    def _use_trigger(self, trigger_id: Any) -> str:
        entry = self.triggers.get(trigger_id or "")
        if entry is None:
            raise SlackError("invalid_trigger_id")
        user, issued, used = entry
        if used or time.monotonic() - issued > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        self.triggers[trigger_id] = (user, issued, True)
        return user

    def _store_view(
        self,
        view: dict[str, Any],
        user: str,
        *,
        root: str | None = None,
        previous: str | None = None,
    ) -> ViewState:
        view_id = self.ws.next_id("V0VIEW")
        state = ViewState(
            view_json(
                self.ws, view, id=view_id, root_view_id=root or view_id, previous_view_id=previous
            ),
            user,
        )
        self.ws.views[view_id] = state
        return state


def kind_of(channel: Channel) -> str:
    """public, private, im or mpim: what decides the scope a conversations.* call needs."""
    if channel.is_mpim:
        return "mpim"
    if channel.is_im:
        return "im"
    return "private" if channel.is_private else "public"


def view_json(ws: Workspace, view: dict[str, Any], **ids: Any) -> dict[str, Any]:
    """A view as Slack returns it: the submitted view plus ids, state and a fresh hash."""
    body = copy.deepcopy(view)
    now = f"{time.time():.6f}"
    return {
        "id": ids.get("id"),
        "team_id": ws.team_id,
        "type": body.get("type"),
        "blocks": body.get("blocks", []),
        "private_metadata": body.get("private_metadata", ""),
        "callback_id": body.get("callback_id", ""),
        "state": {"values": {}},
        "hash": f"{now}.{hashlib.md5(now.encode()).hexdigest()[:8]}",
        "title": body.get("title"),
        "clear_on_close": body.get("clear_on_close", False),
        "notify_on_close": body.get("notify_on_close", False),
        "close": body.get("close"),
        "submit": body.get("submit"),
        "previous_view_id": ids.get("previous_view_id"),
        "root_view_id": ids.get("root_view_id") or ids.get("id"),
        "app_id": "A0ORGBOT1",
        "external_id": body.get("external_id", ""),
        "app_installed_team_id": ws.team_id,
        "bot_id": "B0ORGBOT1",
    }


def user_json(ws: Workspace, user, *, email: bool = False) -> dict[str, Any]:
    """A user object as Slack sends it; `email`: with `profile.email` (users:read.email)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    offset = datetime.now(ZoneInfo(user.tz)).utcoffset()
    return {
        "id": user.id,
        "team_id": ws.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": user.tz_label,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": {
            "real_name": user.real_name,
            "display_name": user.shown_name,
            "real_name_normalized": user.real_name,
            "display_name_normalized": user.shown_name,
            "team": ws.team_id,
            **({"email": user.address} if email and user.address else {}),
        },
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": user.is_owner,
        "is_bot": user.is_bot,
        "is_app_user": False,
    }


def _channel_json(ws: Workspace, channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "name": channel.name,
        "is_channel": kind_of(channel) == "public",
        "is_group": kind_of(channel) == "private",
        "is_im": channel.is_im,
        "is_mpim": channel.is_mpim,
        "is_private": kind_of(channel) != "public",
        "is_member": ws.bot.id in channel.members,
        "is_archived": False,
    }


def permalink(ws: Workspace, channel_id: str, ts: str) -> str:
    return f"https://{ws.domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
