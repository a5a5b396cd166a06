"""The last line of defence: an unexpected error becomes a polite answer, never a 500, and
never silence: the person who acted is told what happened and what to do."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient

from handlers.common import SORRY, tell, user_of
from slackbot.services import CONTEXT_KEY

BUSY = (
    "orgbot's database is busy with another change right now, so this was not recorded. "
    "Please try again in a few seconds; if it keeps happening, tell the person who runs "
    "orgbot (reference {ref})."
)


def database_busy(error: Exception) -> bool:
    """SQLite gave up waiting for another writer (see `REQUEST_BUSY_TIMEOUT_MS`)."""
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error)
    )


def handle_unexpected_error(
    error: Exception,
    request: BoltRequest,
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    logger: logging.Logger,
) -> BoltResponse:
    """Log the error with a reference, answer Slack with a 200 at once, and make sure the
    person reads what happened: inline in a modal, in the command's answer, or (buttons,
    shortcuts) in an ephemeral message or DM right after the ack."""
    ref = uuid.uuid4().hex[:8]
    if database_busy(error):
        logger.warning("database busy, request refused (ref %s): %s", ref, error)
        text = BUSY.format(ref=ref)
    else:
        logger.error("unhandled error (ref %s)", ref, exc_info=error)
        text = SORRY.format(ref=ref)
    body = request.body or {}
    if body.get("type") == "view_submission":
        values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
        first_input = next(iter(values), None)
        if first_input:
            payload = {"response_action": "errors", "errors": {first_input: text}}
            return _json(payload)
    elif body.get("command"):
        return _json({"response_type": "ephemeral", "text": text})
    if user_of(body) and body.get("type") != "event_callback":
        _tell_after_ack(context, body, client, respond, text)
    return BoltResponse(status=200, body="")


def _tell_after_ack(
    context: BoltContext, body: dict[str, Any], client: WebClient, respond: Respond, text: str
) -> None:
    services = context.get(CONTEXT_KEY) if context is not None else None
    if services is None or client is None:
        return
    services.background.interactive(tell, body, client, respond, text)


def _json(payload: dict) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload),
        headers={"content-type": "application/json;charset=utf-8"},
    )


def register(app: App) -> None:
    app.error(handle_unexpected_error)
