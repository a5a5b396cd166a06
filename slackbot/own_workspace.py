"""Requests from outside orgbot's own app and workspace.

orgbot is installed in one workspace. Two kinds of signed request still come from outside
it: a payload for another app (`api_app_id`), which a correct Slack never sends and
orgbot refuses, and a person from another workspace acting in a Slack Connect channel
(their `user.team_id` differs), who is told plainly that orgbot acts only for its own
workspace, instead of acting or answering as if a proposal were missing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger("orgbot")

OTHER_WORKSPACE = (
    "orgbot acts only for people in the workspace it is installed in, so it did nothing "
    "here. If this needs doing, ask someone from that workspace."
)

# payloads a person sends by acting; events (the Home tab opening) are about the
# installation and carry no choice to refuse
_ACTING = {
    "block_actions",
    "view_submission",
    "shortcut",
    "message_action",
    "block_suggestion",
    "view_closed",
}


def other_app(body: dict[str, Any], app_id: str | None) -> str | None:
    """The other app's ID when the payload names one that is not `app_id` (None when
    orgbot's own ID is unknown or the payload names none)."""
    named = body.get("api_app_id")
    if app_id and isinstance(named, str) and named and named != app_id:
        return named
    return None


def other_team(body: dict[str, Any], team_id: str | None) -> str | None:
    """The acting person's workspace when it is not `team_id`, the installed one."""
    if not team_id:
        return None
    if body.get("command"):
        theirs = body.get("team_id")
    elif body.get("type") in _ACTING:
        user = body.get("user")
        theirs = user.get("team_id") if isinstance(user, dict) else None
        if not theirs and isinstance(body.get("team"), dict):
            theirs = body["team"].get("id")
    else:
        return None
    return theirs if isinstance(theirs, str) and theirs and theirs != team_id else None


def learn_app_id(client: WebClient) -> str | None:
    """orgbot's app ID from `auth.test` (Slack returns `app_id` for a bot token), or None
    when Slack does not say; then only `SLACK_APP_ID` enables the check."""
    try:
        return client.auth_test().get("app_id") or None
    except (SlackApiError, OSError) as error:
        logger.warning("could not learn the app ID from auth.test (%s); set SLACK_APP_ID", error)
        return None
