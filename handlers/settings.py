"""`/org-proposal settings`: the digest and reminder settings, for admins only."""

from __future__ import annotations

import contextlib
import logging
from functools import partial

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.common import (
    after_ack_for,
    is_admin_before_ack,
    open_for_admins,
)
from slackbot import ids
from slackbot.services import Services, services_from
from slackbot.settings import Settings, load_settings, read_settings_form, save_settings
from slackbot.slack_errors import explain
from slackbot.submissions import AlreadySubmitted, Submission, once
from slackbot.ui.common import simple_message
from slackbot.ui.settings_modal import (
    settings_modal,
    settings_saved_message,
    settings_summary,
)

logger = logging.getLogger("orgbot.handlers")
ONLY_ADMINS = (
    "Only workspace admins and the people listed in ORGBOT_ADMINS can change orgbot's "
    "settings. Ask one of them, or ask the person who runs orgbot to add you."
)


def open_settings(
    services: Services,
    client: WebClient,
    respond: Respond,
    team_id: str,
    user_id: str,
    trigger_id: str,
) -> None:
    """After the ack of `/org-proposal settings`: the modal, for admins only (see
    `open_for_admins`)."""
    settings = load_settings(services.store, team_id, default_timezone=services.config.timezone)
    open_for_admins(
        services,
        client,
        respond,
        team_id=team_id,
        user_id=user_id,
        trigger_id=trigger_id,
        view=settings_modal(settings),
        again="run `/org-proposal settings` again",
        refusal=ONLY_ADMINS,
        title="orgbot settings",
    )


def handle_settings_submission(
    ack: Ack, view: dict, body: dict, context: BoltContext, client: WebClient
) -> None:
    services = services_from(context)
    if not is_admin_before_ack(context, client):
        ack(response_action="errors", errors={"digest_channel": ONLY_ADMINS})
        return
    settings, errors = read_settings_form(view["state"]["values"], context.team_id)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    now = services.clock.now()
    try:
        saved = once(
            services.store,
            Submission.of(view, team_id=context.team_id, user_id=context.user_id),
            partial(save_settings, services.store, settings, user_id=context.user_id, now=now),
            now=now,
        )
    except AlreadySubmitted:
        ack()  # a replay or a second press: saved and confirmed once
        return
    ack()
    after_ack_for(context, body, client, None, confirm_settings, services, client, saved)


def confirm_settings(services: Services, client: WebClient, settings: Settings) -> None:
    """Reschedule the digest, say so in the digest channel, and tell the admin."""
    if services.scheduler is not None:
        services.scheduler.refresh_digests()
    note = f"Saved. {settings_summary(settings)}"
    if settings.digest_enabled:
        try:
            # each post on its own: a 429 on the second must not repeat the first
            services.background.now_or_later(
                client.chat_postMessage,
                channel=settings.digest_channel,
                **settings_saved_message(settings),
            )
        except SlackApiError as error:
            note += " But I couldn't post in the digest channel: " + explain(
                error, channel_id=settings.digest_channel, retry="save the settings again"
            )
    with contextlib.suppress(SlackApiError, OSError):
        services.background.now_or_later(
            client.chat_postMessage, channel=settings.updated_by, **simple_message(note)
        )


def register(app: App) -> None:
    app.view(ids.SETTINGS_MODAL)(handle_settings_submission)
