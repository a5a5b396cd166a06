"""The last line of defence: an unexpected error becomes a polite answer, never a 500."""

from __future__ import annotations

import json
import logging
import uuid

from slack_bolt import App, BoltRequest, BoltResponse

SORRY = (
    "Something went wrong on orgbot's side and nothing was changed. Please try again; "
    "if it keeps happening, give your admin this reference: {ref}"
)


def handle_unexpected_error(
    error: Exception, request: BoltRequest, logger: logging.Logger
) -> BoltResponse:
    """Log the error with a reference, and answer Slack with a 200 the user can read."""
    ref = uuid.uuid4().hex[:8]
    logger.error("unhandled error (ref %s)", ref, exc_info=error)
    body = request.body or {}
    text = SORRY.format(ref=ref)
    if body.get("type") == "view_submission":
        values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
        first_input = next(iter(values), None)
        if first_input:
            payload = {"response_action": "errors", "errors": {first_input: text}}
            return _json(payload)
        return BoltResponse(status=200, body="")
    if body.get("command"):
        return _json({"response_type": "ephemeral", "text": text})
    return BoltResponse(status=200, body="")


def _json(payload: dict) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload),
        headers={"content-type": "application/json;charset=utf-8"},
    )


def register(app: App) -> None:
    app.error(handle_unexpected_error)
