"""`/org-proposal settings`: the digest and reminder settings modal (admins only)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from slackbot.services import Services


def open_settings(
    services: Services, client: WebClient, respond: Respond, *, context: Any, trigger_id: str
) -> None:
    respond(response_type="ephemeral", text="Settings are not available yet.")
