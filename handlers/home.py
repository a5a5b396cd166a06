"""The Home tab, published whenever someone opens it."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot import ids
from slackbot.proposals.home import build_home
from slackbot.services import Services, services_from
from slackbot.slack_errors import error_code

logger = logging.getLogger("orgbot.handlers")


def handle_app_home_opened(ack: Ack, event: dict, context: BoltContext, client: WebClient) -> None:
    """Acknowledge, then build and publish this person's Home tab (a retried event just
    publishes the same view again)."""
    ack()
    if event.get("tab") == "home":
        services_from(context).background.interactive(
            publish_home, services_from(context), client, context.team_id, event["user"]
        )


def publish_home(services: Services, client: WebClient, team_id: str, user_id: str) -> None:
    view = build_home(services, client, team_id, user_id)
    try:
        client.views_publish(user_id=user_id, view=view)
    except (SlackApiError, OSError) as error:
        logger.warning("could not publish the Home tab: %s", error_code(error))


def republish_home(context: BoltContext, client: WebClient, team_id: str, user_id: str) -> None:
    """After an action taken on the Home tab: show that person what it changed (the
    buttons they used go away), on the interactive lane."""
    services = services_from(context)
    services.background.interactive(publish_home, services, client, team_id, user_id)


def register(app: App) -> None:
    app.event(ids.APP_HOME_OPENED)(handle_app_home_opened)
