"""Pieces every listener module uses."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.services import services_from
from slackbot.ui.common import simple_message

logger = logging.getLogger("orgbot.handlers")


def after_ack(context: BoltContext, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `fn` once Slack has its answer: Web API calls that must not delay the ack."""
    services_from(context).background.submit(fn, *args, **kwargs)


def tell(
    body: dict[str, Any], client: WebClient, respond: Respond, message: dict[str, Any] | str
) -> None:
    """Show the clicking user a message only they see: through the response_url when the
    click came from a message, else ephemerally in the channel, else (Home tab, modals)
    by DM."""
    payload = simple_message(message) if isinstance(message, str) else message
    user_id = body["user"]["id"]
    try:
        if body.get("response_url"):
            respond(response_type="ephemeral", replace_original=False, **payload)
            return
        channel = (body.get("channel") or {}).get("id")
        if channel and not channel.startswith("D"):
            client.chat_postEphemeral(channel=channel, user=user_id, **payload)
        else:
            client.chat_postMessage(channel=user_id, **payload)
    except (SlackApiError, OSError) as error:
        logger.warning("could not tell %s: %s", user_id, error)


def action_value(body: dict[str, Any]) -> str:
    action = body["actions"][0]
    if action.get("selected_option"):
        return action["selected_option"]["value"]
    return action.get("value", "")


def open_modal(client: WebClient, trigger_id: str, view: dict[str, Any]) -> None:
    """views.open, logging (not raising) when Slack refuses, e.g. an expired trigger."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        logger.warning("could not open a modal: %s", error.response.get("error"))


def proposal_ref(body: dict[str, Any]) -> tuple[int, int | None]:
    """(proposal id, version) from a proposal button's value: `12:3`, or `12` for buttons
    that do not depend on the version (Edit, Withdraw, Post again)."""
    proposal_id, _, version = action_value(body).partition(":")
    return int(proposal_id), int(version) if version else None


def command_text(command: dict[str, Any]) -> str:
    """A slash command's text as typed. Slack sends `&`, `<` and `>` as `&amp;`, `&lt;`,
    `&gt;`; `coo & cfo` must reach the parser as typed."""
    text = command.get("text") or ""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
