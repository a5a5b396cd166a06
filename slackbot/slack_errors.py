"""Slack API errors in words a person can act on."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

_CHANNEL_HINTS = {
    "not_in_channel": "I'm not a member of {channel}. Invite me there with `/invite @orgbot`, then {retry}.",
    "channel_not_found": (
        "I can't see {channel}. If it is a private channel, invite me with `/invite @orgbot` "
        "there first, then {retry}."
    ),
    "is_archived": "{channel} is archived. Pick another channel, then {retry}.",
    "restricted_action": "This workspace doesn't let me post in {channel}. Ask an admin, or pick another channel.",
    "ratelimited": "Slack asked me to slow down. Nothing is lost; {retry} in a minute.",
    "invalid_auth": "My Slack token was refused. Ask the admin who runs orgbot to check SLACK_BOT_TOKEN.",
    "account_inactive": "My Slack token was revoked. Ask the admin who runs orgbot to reinstall the app.",
    "missing_scope": "I lack a Slack permission for this. Ask the admin to reinstall orgbot from app.yaml.",
}


def error_code(error: Exception) -> str:
    """Slack's error code (`not_in_channel`), or the exception's class for network errors."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"http_{error.response.status_code}")
    return type(error).__name__


def explain(error: Exception, *, channel_id: str | None = None, retry: str = "try again") -> str:
    """One or two sentences saying what went wrong and what to do about it."""
    return explain_code(error_code(error), channel_id=channel_id, retry=retry)


def explain_code(code: str, *, channel_id: str | None = None, retry: str = "try again") -> str:
    """`explain` for an error code recorded earlier (a delivery's `last_error`)."""
    channel = f"<#{channel_id}>" if channel_id else "that channel"
    hint = _CHANNEL_HINTS.get(code)
    if hint:
        return hint.format(channel=channel, retry=retry)
    return f"Slack answered `{code}`. Nothing you entered is lost; {retry} in a moment."


def explain_modal(error: Exception, *, again: str = "try again") -> str:
    """Why a form could not be opened, and what to do: a person clicked and saw nothing."""
    code = error_code(error)
    if code == "ratelimited" or code == "http_429":
        return (
            "Slack is asking me to slow down, so I couldn't open the form just now. "
            f"Nothing was lost; {again} in a minute."
        )
    if code in ("expired_trigger_id", "exchanged_trigger_id"):
        return f"Slack was too slow to answer, so I couldn't open the form. Please {again}."
    if not isinstance(error, SlackApiError):  # no answer in time: it may have opened late
        return (
            "Slack was too slow to answer, so the form may not have opened. "
            f"If it didn't, please {again}."
        )
    if error.response.status_code >= 500:  # Slack's own trouble: it may have opened anyway
        return (
            f"Slack answered `{code}`, so the form may not have opened. "
            f"If it didn't, please {again} in a moment."
        )
    hint = _CHANNEL_HINTS.get(code)
    if hint and code in ("invalid_auth", "account_inactive", "missing_scope"):
        return f"I couldn't open the form. {hint}"
    return f"I couldn't open the form (Slack answered `{code}`). Please {again} in a moment."
