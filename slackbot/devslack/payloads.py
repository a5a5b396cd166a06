"""Request bodies exactly as Slack sends them to an app: slash commands, block_actions,
view_submission, view_closed, global shortcuts and Events API envelopes.

Shapes follow Slack's reference pages for each payload and the bodies in bolt-python's
`tests/scenario_tests/`; fields Slack sends that orgbot ignores are sent anyway, so the
app is tested against the real thing rather than the subset it happens to read.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from slackbot.devslack.workspace import APP_ID, Channel, Ephemeral, User, Workspace

VERIFICATION_TOKEN = "deprecated-verification-token"


def _user(ws: Workspace, user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": ws.team_id}


def _team(ws: Workspace) -> dict[str, Any]:
    return {"id": ws.team_id, "domain": ws.domain}


def _action_ts() -> str:
    return f"{time.time():.6f}"


def slash_command(
    ws: Workspace,
    user: User,
    channel: Channel,
    command: str,
    text: str,
    *,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team_id,
        "team_domain": ws.domain,
        "channel_id": channel.id,
        "channel_name": "directmessage" if channel.is_im else channel.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        # Slack sends these three characters as HTML entities in a command's text
        "text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "api_app_id": APP_ID,
        "is_enterprise_install": "true" if getattr(ws, "org_wide", False) else "false",
        **({"enterprise_id": ws.enterprise_id} if ws.enterprise_id else {}),
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def find_element(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The block and interactive element with this action_id (and value, when several
    elements share an action_id, as review buttons on a list do)."""
    for block in blocks:
        candidates = list(block.get("elements") or [])
        if block.get("accessory"):
            candidates.append(block["accessory"])
        for element in candidates:
            if element.get("action_id") == action_id and (
                value is None or element.get("value") == value
            ):
                return block, element
    known = sorted(
        {
            f"{e.get('action_id')}={e.get('value')}"
            for b in blocks
            for e in [*(b.get("elements") or []), b.get("accessory") or {}]
            if e.get("action_id")
        }
    )
    raise AssertionError(f"no element {action_id!r} (value={value!r}); present: {known}")


def _action(block: dict[str, Any], element: dict[str, Any], selected: Any = None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "action_id": element["action_id"],
        "block_id": block.get("block_id") or "auto",
        "type": element["type"],
        "action_ts": _action_ts(),
    }
    if element["type"] == "button":
        action["text"] = element["text"]
        if "value" in element:
            action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
    elif element["type"] in ("static_select", "overflow"):
        option = next((o for o in all_options(element) if o.get("value") == selected), None)
        action["selected_option"] = option
    elif element["type"] == "users_select":
        action["selected_user"] = selected
    elif element["type"] == "datepicker":
        action["selected_date"] = selected
    return action


def _base_actions(ws: Workspace, user: User, trigger_id: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": _user(ws, user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "team": _team(ws),
        "enterprise": None,
        "is_enterprise_install": False,
    }


def block_actions_message(
    ws: Workspace,
    user: User,
    channel: Channel,
    message: dict[str, Any],
    block: dict[str, Any],
    element: dict[str, Any],
    *,
    response_url: str,
    trigger_id: str,
    selected: Any = None,
) -> dict[str, Any]:
    """A click on a button in a message everyone in the channel sees."""
    return {
        **_base_actions(ws, user, trigger_id),
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel.id,
            "is_ephemeral": False,
        },
        "channel": {"id": channel.id, "name": "directmessage" if channel.is_im else channel.name},
        "message": copy.deepcopy(message),
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [_action(block, element, selected)],
    }


def block_actions_ephemeral(
    ws: Workspace,
    user: User,
    ephemeral: Ephemeral,
    block: dict[str, Any],
    element: dict[str, Any],
    *,
    response_url: str,
    trigger_id: str,
    selected: Any = None,
) -> dict[str, Any]:
    """A click in an ephemeral message: Slack sends no `message`, only the container."""
    channel = ws.channels[ephemeral.channel]
    return {
        **_base_actions(ws, user, trigger_id),
        "container": {
            "type": "message",
            "message_ts": ephemeral.ts,
            "channel_id": channel.id,
            "is_ephemeral": True,
        },
        "channel": {"id": channel.id, "name": "directmessage" if channel.is_im else channel.name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [_action(block, element, selected)],
    }


def block_actions_view(
    ws: Workspace,
    user: User,
    view: dict[str, Any],
    block: dict[str, Any],
    element: dict[str, Any],
    *,
    trigger_id: str,
    selected: Any = None,
) -> dict[str, Any]:
    """A click in a modal or the Home tab: the view (with its current state) comes along."""
    return {
        **_base_actions(ws, user, trigger_id),
        "container": {"type": "view", "view_id": view["id"]},
        "view": copy.deepcopy(view),
        "state": copy.deepcopy(view.get("state") or {"values": {}}),
        "actions": [_action(block, element, selected)],
    }


def view_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values` for a submission: `values` keyed by action_id or block_id,
    initial values for inputs not given, in each element type's own shape."""
    state: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id, action_id = block["block_id"], element["action_id"]
        if block_id in values:
            given = values[block_id]
        elif action_id in values:
            given = values[action_id]
        else:
            given = _initial(element)
        state[block_id] = {action_id: element_value(element, given)}
    unknown = set(values) - {
        key
        for b in view.get("blocks") or []
        if b.get("type") == "input"
        for key in (b["block_id"], b["element"]["action_id"])
    }
    if unknown:
        raise AssertionError(f"no input named {sorted(unknown)} in the modal")
    return state


def _initial(element: dict[str, Any]) -> Any:
    kind = element["type"]
    if kind == "plain_text_input" or kind == "number_input":
        return element.get("initial_value")
    if kind == "multi_users_select":
        return element.get("initial_users", [])
    if kind == "users_select":
        return element.get("initial_user")
    if kind == "datepicker":
        return element.get("initial_date")
    if kind == "timepicker":
        return element.get("initial_time")
    if kind == "conversations_select":
        return element.get("initial_conversation")
    if kind == "channels_select":
        return element.get("initial_channel")
    if kind == "static_select":
        option = element.get("initial_option")
        return option["value"] if option else None
    if kind in ("checkboxes", "multi_static_select"):
        return [o["value"] for o in element.get("initial_options") or []]
    return None


def all_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    """A select's options, whether listed flat or in `option_groups`."""
    flat = element.get("options") or []
    return flat or [o for g in element.get("option_groups") or [] for o in g.get("options") or []]


def element_value(element: dict[str, Any], given: Any) -> dict[str, Any]:
    """One entry of `state.values` in the shape Slack uses for this element type."""
    kind = element["type"]
    options = {o["value"]: o for o in all_options(element)}
    if kind in ("plain_text_input", "number_input"):
        value = None if given in (None, "") else str(given)
        return {"type": kind, "value": value}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": list(given or [])}
    if kind == "users_select":
        return {"type": kind, "selected_user": given}
    if kind == "datepicker":
        return {"type": kind, "selected_date": given}
    if kind == "timepicker":
        return {"type": kind, "selected_time": given}
    if kind == "conversations_select":
        return {"type": kind, "selected_conversation": given}
    if kind == "channels_select":
        return {"type": kind, "selected_channel": given}
    if kind in ("static_select", "radio_buttons"):
        if given is not None and given not in options:
            raise AssertionError(f"{given!r} is not an option of {element['action_id']}")
        return {"type": kind, "selected_option": options.get(given)}
    if kind in ("checkboxes", "multi_static_select"):
        for value in given or []:
            if value not in options:
                raise AssertionError(f"{value!r} is not an option of {element['action_id']}")
        return {"type": kind, "selected_options": [options[v] for v in given or []]}
    raise AssertionError(f"element type {kind} is not simulated")


def view_submission(ws: Workspace, user: User, view: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": _team(ws),
        "user": _user(ws, user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": f"{int(time.time())}.submit.{user.id}",
        "view": copy.deepcopy(view),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(ws: Workspace, user: User, view: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_closed",
        "team": _team(ws),
        "user": _user(ws, user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": copy.deepcopy(view),
        "is_cleared": False,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def global_shortcut(
    ws: Workspace, user: User, callback_id: str, *, trigger_id: str
) -> dict[str, Any]:
    return {
        "type": "shortcut",
        "token": VERIFICATION_TOKEN,
        "action_ts": _action_ts(),
        "team": _team(ws),
        "user": _user(ws, user),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }


def event_callback(
    ws: Workspace, event: dict[str, Any], *, event_id: str | None = None
) -> dict[str, Any]:
    now = time.time()
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team_id,
        "enterprise_id": ws.enterprise_id,
        "context_team_id": ws.team_id,
        "context_enterprise_id": ws.enterprise_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{int(now * 1000):013d}",
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": ws.enterprise_id,
                "team_id": ws.team_id,
                "user_id": ws.bot.id,
                "is_bot": True,
                "is_enterprise_install": bool(getattr(ws, "org_wide", False)),
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-eyJldCI6ImFwcF9ob21lX29wZW5lZCIsInRpZCI6Ij{ws.team_id}In0",
    }


def app_home_opened(ws: Workspace, user: User, *, tab: str = "home") -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user.id,
        "channel": ws.dm(user.id).id,
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    home_id = ws.homes.get(user.id)
    if home_id:
        event["view"] = copy.deepcopy(ws.views[home_id].view)
    return event_callback(ws, event)


def url_verification(challenge: str) -> dict[str, Any]:
    """What Slack sends when a Request URL is saved in the app's settings (Events API
    "url_verification"): signed like every request; the app must echo `challenge`."""
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
