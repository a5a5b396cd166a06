"""`/role-compare`, its Share button, the picker modal and its result."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.common import ack_only
from slackbot import ids
from slackbot.comparisons import answer_compare, comparison_view, picker_answer, shared_message
from slackbot.services import services_from
from slackbot.slack_errors import explain
from slackbot.ui import comparison as ui


def has_no_text(command: dict) -> bool:
    return not (command.get("text") or "").strip()


def handle_role_compare(ack: Ack, command: dict, context: BoltContext) -> None:
    """Answer `/role-compare <text>` in the ack itself; no Web API call on this path."""
    answer = answer_compare(services_from(context).catalog, command.get("text", ""))
    ack(response_type="ephemeral", **answer.message)


def open_picker_after_command(
    command: dict, context: BoltContext, client: WebClient, logger: logging.Logger
) -> None:
    """Lazy: `/role-compare` with no text opens the picker (trigger_id is good for 3 s)."""
    catalog = services_from(context).catalog
    view = ui.picker_modal(catalog, channel_id=command.get("channel_id"))
    try:
        client.views_open(trigger_id=command["trigger_id"], view=view)
    except SlackApiError as error:
        logger.warning("could not open the role picker: %s", error.response.get("error"))


def open_picker_from_card(
    body: dict, context: BoltContext, client: WebClient, logger: logging.Logger
) -> None:
    """Lazy: "Compare it with…" under a role card opens the picker, pre-filled."""
    catalog = services_from(context).catalog
    action = body["actions"][0]
    view = ui.picker_modal(
        catalog,
        channel_id=(body.get("channel") or {}).get("id"),
        initial=[action.get("value", "")],
    )
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as error:
        logger.warning("could not open the role picker: %s", error.response.get("error"))


def handle_picker_submission(ack: Ack, view: dict, context: BoltContext) -> None:
    """Show the comparison in the modal, or say inline which pick to change."""
    answer = picker_answer(services_from(context).catalog, view)
    if answer.errors:
        ack(response_action="errors", errors=answer.errors)
    else:
        ack(response_action="update", view=answer.view)


def share_comparison(
    body: dict, context: BoltContext, respond: Respond, client: WebClient, logger: logging.Logger
) -> None:
    """Lazy: post the comparison for everyone in the channel it was asked in."""
    catalog = services_from(context).catalog
    user_id = body["user"]["id"]
    message = shared_message(catalog, body["actions"][0].get("value", ""), user_id=user_id)
    if message is None:
        return
    if body.get("response_url"):
        respond(response_type="in_channel", replace_original=False, **message)
        respond(delete_original=True)
        return
    # from the picker modal: no response_url, post as the bot
    channel_id = (body.get("view") or {}).get("private_metadata")
    try:
        client.chat_postMessage(channel=channel_id, **message)
    except SlackApiError as error:
        note = explain(error, channel_id=channel_id, retry="press Share again")
        view = comparison_view(
            catalog, body["actions"][0]["value"], channel_id=channel_id, note=note
        )
        client.views_update(view_id=body["view"]["id"], view=view)


def register(app: App) -> None:
    # no text: the picker, opened after the ack; any text: answered in the ack itself
    app.command(ids.ROLE_COMPARE, matchers=[has_no_text])(
        ack=ack_only, lazy=[open_picker_after_command]
    )
    app.command(ids.ROLE_COMPARE)(handle_role_compare)
    app.action(ids.SHARE_COMPARISON)(ack=ack_only, lazy=[share_comparison])
    app.action(ids.OPEN_ROLE_PICKER)(ack=ack_only, lazy=[open_picker_from_card])
    app.view(ids.ROLE_PICKER)(handle_picker_submission)
