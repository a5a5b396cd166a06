"""Middleware: payloads for another app are refused; people from another workspace are
told, in words, that orgbot acts only for its own (see `slackbot.own_workspace`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse, Respond
from slack_sdk import WebClient

from handlers.common import tell_soon
from slackbot.own_workspace import OTHER_WORKSPACE, other_app, other_team

logger = logging.getLogger("orgbot.handlers")


def own_workspace_only(app_id: str | None) -> Callable[..., Any]:
    """The middleware, for an app whose ID is `app_id` (None: the app check is off)."""

    def check_own_workspace(
        body: dict,
        context: BoltContext,
        client: WebClient,
        respond: Respond,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        named = other_app(body, app_id)
        if named:
            logger.warning("refused a request for app %s (this is app %s)", named, app_id)
            return BoltResponse(status=403, body="")
        installed = context.authorize_result.team_id if context.authorize_result else None
        theirs = other_team(body, installed)
        if not theirs:
            return next()
        logger.info(
            "told %s of workspace %s that orgbot acts only for %s",
            context.user_id,
            theirs,
            installed,
        )
        if body.get("command"):
            return _json({"response_type": "ephemeral", "text": OTHER_WORKSPACE})
        if body.get("type") == "view_submission":
            values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
            first_input = min(values, default=None, key=list(values).index)
            if first_input:
                return _json(
                    {"response_action": "errors", "errors": {first_input: OTHER_WORKSPACE}}
                )
        if body.get("type") in ("block_actions", "shortcut", "message_action"):
            tell_soon(context, body, client, respond, OTHER_WORKSPACE)
        return BoltResponse(status=200, body="")

    return check_own_workspace


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload),
        headers={"content-type": "application/json;charset=utf-8"},
    )
