"""Slack tells orgbot it was uninstalled, or its token revoked (slackbot/installations)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from slackbot.installations.lifecycle import on_app_uninstalled, on_tokens_revoked
from slackbot.services import services_from


def handle_app_uninstalled(ack: Ack, body: dict, context: BoltContext) -> None:
    ack()
    on_app_uninstalled(services_from(context), body)


def handle_tokens_revoked(ack: Ack, body: dict, context: BoltContext) -> None:
    ack()
    on_tokens_revoked(services_from(context), body)


def register(app: App) -> None:
    app.event("app_uninstalled")(handle_app_uninstalled)
    app.event("tokens_revoked")(handle_tokens_revoked)
