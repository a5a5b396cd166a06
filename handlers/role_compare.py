"""`/role-compare`, its Share and Full comparison buttons, the picker modal and its result."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.common import (
    action_value,
    command_text,
    for_person,
    open_modal,
    tell,
    user_of,
)
from handlers.workspace_roles import open_role_form
from roles import Catalog
from slackbot import ids
from slackbot.comparisons import (
    CANNOT_SHARE,
    NOT_HERE,
    answer_compare,
    comparison_view,
    full_view,
    picker_answer,
    shared_message,
)
from slackbot.services import catalog_from, services_from
from slackbot.slack_errors import error_code, explain
from slackbot.ui import comparison as ui
from slackbot.workspace_roles.form import role_form_request

logger = logging.getLogger("orgbot.handlers")

GONE = (
    "Some of these roles are no longer in this workspace's catalog, so there is no full "
    "comparison to show. Ask again with `/role-compare`."
)


def handle_role_compare(
    ack: Ack, command: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Answer in the ack itself (no Web API call on this path); no text opens the picker;
    `add` / `edit ROLE` open the role modal for admins."""
    services = services_from(context)
    catalog = catalog_from(context)
    text = command_text(command)
    request = role_form_request(text)
    if request is not None:
        ack()
        for_person(
            context,
            command,
            client,
            respond,
            open_role_form,
            services,
            catalog,
            client,
            respond,
            team_id=context.team_id,
            user_id=context.user_id,
            trigger_id=command["trigger_id"],
            channel_id=command.get("channel_id"),
            request=request,
        )
        return
    answer = answer_compare(catalog, text)
    if answer.open_picker:
        ack()
        place = {"id": command.get("channel_id"), "name": command.get("channel_name")}
        for_person(
            context, command, client, respond, open_picker, catalog, command, client, respond, place
        )
        return
    ack(response_type="ephemeral", **answer.message)


def handle_open_picker(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Compare it with…" under a role card, or "Compare roles" on the Home tab."""
    ack()
    initial = [v for v in [action_value(body)] if v]
    place = body.get("channel") or {}
    for_person(
        context,
        body,
        client,
        respond,
        open_picker,
        catalog_from(context),
        body,
        client,
        respond,
        place,
        initial,
    )


def open_picker(
    catalog: Catalog,
    body: dict,
    client: WebClient,
    respond: Respond,
    place: dict,
    initial: list[str] | None = None,
) -> None:
    """The picker, remembering where it was opened: its result offers Share only where
    orgbot can post."""
    channel_id = share_target(client, place, user_of(body))
    open_modal(
        client,
        body["trigger_id"],
        ui.picker_modal(catalog, channel_id=channel_id, initial=initial or []),
        tell_person=lambda words: tell(body, client, respond, words),
        again="run `/role-compare` again",
    )


def share_target(client: WebClient, place: dict, user_id: str) -> str | None:
    """Where a comparison from the picker may be shared: the channel it was opened in;
    `NOT_HERE` for a conversation orgbot cannot post in (a DM or group DM between people,
    which a bot cannot join); None when opened outside any conversation (Home tab)."""
    channel_id = place.get("id")
    if not channel_id:
        return None
    name = place.get("name") or ""
    if name.startswith("mpdm-"):
        return NOT_HERE
    if channel_id.startswith("D") or name == "directmessage":
        # of all DMs, orgbot can post only in its own DM with this person
        try:
            own = client.conversations_open(users=user_id)["channel"]["id"]
        except (SlackApiError, OSError) as error:
            logger.warning("could not look up the DM with orgbot: %s", error_code(error))
            return NOT_HERE
        return channel_id if own == channel_id else NOT_HERE
    return channel_id


def handle_picker_submission(ack: Ack, view: dict, context: BoltContext) -> None:
    """Show the comparison in the modal, or say inline which pick to change."""
    answer = picker_answer(catalog_from(context), view)
    if answer.errors:
        ack(response_action="errors", errors=answer.errors)
    else:
        ack(response_action="update", view=answer.view)


def handle_share(
    ack: Ack, body: dict, context: BoltContext, respond: Respond, client: WebClient
) -> None:
    ack()
    for_person(
        context,
        body,
        client,
        respond,
        share_comparison,
        catalog_from(context),
        body,
        respond,
        client,
    )


def share_comparison(catalog: Catalog, body: dict, respond: Respond, client: WebClient) -> None:
    """Post the comparison for everyone in the channel it was asked in."""
    message = shared_message(catalog, action_value(body), user_id=body["user"]["id"])
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
    except (SlackApiError, OSError) as error:
        if channel_id and channel_id.startswith("D") and error_code(error) == "channel_not_found":
            view = comparison_view(catalog, action_value(body), channel_id=None, note=CANNOT_SHARE)
        else:
            note = explain(error, channel_id=channel_id, retry="press Share again")
            view = comparison_view(catalog, action_value(body), channel_id=channel_id, note=note)
        client.views_update(view_id=body["view"]["id"], view=view)


def handle_full_comparison(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    for_person(
        context,
        body,
        client,
        respond,
        open_full_comparison,
        catalog_from(context),
        body,
        client,
        respond,
    )


def open_full_comparison(catalog: Catalog, body: dict, client: WebClient, respond: Respond) -> None:
    """The full comparison in a modal: pushed over the picker's result when clicked there,
    opened on its own from a message (the asker's ephemeral answer or a shared copy)."""
    view = full_view(catalog, action_value(body))
    if view is None:
        tell(body, client, respond, GONE)
        return
    if (body.get("container") or {}).get("type") == "view" and body.get("view"):
        try:
            client.views_push(trigger_id=body["trigger_id"], view=view)
        except (SlackApiError, OSError) as error:
            logger.warning("could not push a modal: %s", error_code(error))
        return
    open_modal(client, body["trigger_id"], view, again="press Full comparison again")


def register(app: App) -> None:
    app.command(ids.ROLE_COMPARE)(handle_role_compare)
    app.action(ids.SHARE_COMPARISON)(handle_share)
    app.action(ids.OPEN_FULL_COMPARISON)(handle_full_comparison)
    app.action(ids.OPEN_ROLE_PICKER)(handle_open_picker)
    app.view(ids.ROLE_PICKER)(handle_picker_submission)
