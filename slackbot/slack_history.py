"""Finding a message orgbot may already have posted, by the metadata it carries.

After a crash, a timeout, a dropped connection or a 5xx, orgbot cannot tell whether Slack
stored a message. Every message that must not be posted twice carries an `event_type` and
a payload in its metadata; this looks for it in the channel's recent history before
anything is sent again (`channels:history`, `groups:history`, `im:history`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.slack_errors import error_code

logger = logging.getLogger("orgbot.history")

# A result: (channel id, ts) when found, False when surely not there, None when unreadable.
Found = tuple[str, str] | bool | None


def find_posted(
    client: WebClient,
    channel: str,
    event_type: str | tuple[str, ...],
    payload: dict[str, Any],
    *,
    oldest: datetime | None = None,
    thread_ts: str | None = None,
) -> Found:
    """Look in `channel` (a user id means the DM with them), or in the thread under
    `thread_ts` there, for a message whose metadata has `event_type` (or one of them) and
    every item of `payload`."""
    types = (event_type,) if isinstance(event_type, str) else event_type
    try:
        if channel.startswith(("U", "W")):
            channel = client.conversations_open(users=channel)["channel"]["id"]
        args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": 200}
        if oldest is not None:
            args["oldest"] = f"{oldest.timestamp():.6f}"
        if thread_ts:
            history = client.conversations_replies(ts=thread_ts, **args)
        else:
            history = client.conversations_history(**args)
    except (SlackApiError, OSError) as error:
        logger.warning("could not read the history of %s: %s", channel, error_code(error))
        return None
    for message in history.get("messages", []):
        metadata = message.get("metadata") or {}
        found = metadata.get("event_payload") or {}
        if metadata.get("event_type") in types and all(
            found.get(k) == v for k, v in payload.items()
        ):
            return channel, message["ts"]
    return False


def outcome_uncertain(error: Exception) -> bool:
    """True when Slack may have posted despite the error: no answer, or a server error."""
    if isinstance(error, SlackApiError):
        return error.response.status_code >= 500
    return True  # OSError: timeout, connection reset, DNS...
