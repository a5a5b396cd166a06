"""`/org-proposal settings`: the digest and reminder settings, for admins only."""

from __future__ import annotations

import contextlib
import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot import ids
from slackbot.services import Services, services_from
from slackbot.settings import load_settings, read_settings_form, save_settings
from slackbot.slack_errors import explain
from slackbot.ui.common import simple_message
from slackbot.ui.settings_modal import settings_modal, settings_saved_message, settings_summary

SAVED = "orgbot_settings"


def open_settings(
    services: Services,
    client: WebClient,
    respond: Respond,
    *,
    context: BoltContext,
    trigger_id: str,
) -> None:
    """Called after the ack of `/org-proposal settings`: the modal, or why not."""
    if not services.is_admin(context.team_id, context.user_id, client):
        respond(
            response_type="ephemeral",
            **simple_message(
                "Only workspace admins and the people listed in ORGBOT_ADMINS can change orgbot's "
                "settings. Ask one of them, or ask the person who runs orgbot to add you."
            ),
        )
        return
    settings = load_settings(
        services.store, context.team_id, default_timezone=services.config.timezone
    )
    try:
        client.views_open(trigger_id=trigger_id, view=settings_modal(settings))
    except SlackApiError as error:
        logging.getLogger("orgbot").warning(
            "could not open settings: %s", error.response.get("error")
        )


def handle_settings_submission(
    ack: Ack, view: dict, context: BoltContext, client: WebClient
) -> None:
    services = services_from(context)
    if not services.is_admin(context.team_id, context.user_id, client):
        ack(response_action="errors", errors={"digest_channel": "Only admins can change settings."})
        return
    settings, errors = read_settings_form(view["state"]["values"], context.team_id)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    context[SAVED] = save_settings(
        services.store, settings, user_id=context.user_id, now=services.clock.now()
    )
    ack()


def confirm_settings(context: BoltContext, client: WebClient) -> None:
    """Lazy: reschedule the digest, say so in the digest channel, and tell the admin."""
    settings = context.get(SAVED)
    if settings is None:
        return
    services = services_from(context)
    if services.scheduler is not None:
        services.scheduler.refresh_digests()
    note = f"Saved. {settings_summary(settings)}"
    if settings.digest_enabled:
        try:
            client.chat_postMessage(
                channel=settings.digest_channel, **settings_saved_message(settings)
            )
        except SlackApiError as error:
            note += " But I couldn't post in the digest channel: " + explain(
                error, channel_id=settings.digest_channel, retry="save the settings again"
            )
    with contextlib.suppress(SlackApiError):
        client.chat_postMessage(channel=context.user_id, **simple_message(note))


def register(app: App) -> None:
    app.view(ids.SETTINGS_MODAL)(ack=handle_settings_submission, lazy=[confirm_settings])
