"""The Home tab, published whenever someone opens it."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.common import ack_only
from slackbot import ids
from slackbot.proposals.home import build_home
from slackbot.services import services_from


def publish_home(
    event: dict, context: BoltContext, client: WebClient, logger: logging.Logger
) -> None:
    """Lazy: build and publish this person's Home tab (a retried event just publishes again)."""
    if event.get("tab") != "home":
        return
    view = build_home(services_from(context), client, context.team_id, event["user"])
    try:
        client.views_publish(user_id=event["user"], view=view)
    except SlackApiError as error:
        logger.warning("could not publish the Home tab: %s", error.response.get("error"))


def register(app: App) -> None:
    app.event(ids.APP_HOME_OPENED)(ack=ack_only, lazy=[publish_home])
