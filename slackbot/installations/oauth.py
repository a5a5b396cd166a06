"""Slack's OAuth v2 install flow through Bolt: `/slack/install` sends the browser to
Slack's authorize page with a signed, single-use `state`; `/slack/oauth_redirect` checks
it, exchanges the code (`oauth.v2.access`) and stores the installation. Both answer a
person in a browser with a short page: never a traceback, never a 500."""

from __future__ import annotations

import html
import logging
from typing import Any

from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.token_rotation import TokenRotator

from slackbot.config import Config
from slackbot.installations.store import InstallationStore, OAuthStateStore

logger = logging.getLogger("orgbot.installations")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

# what went wrong, in words for the person who tried to install (Bolt's reason codes)
REASONS = {
    "invalid_browser": "This install link was started in another browser or has expired.",
    "invalid_state": "This install link was already used or has expired.",
    "missing_code": "Slack did not send an authorization code back.",
    "invalid_code": "Slack did not accept the authorization (it may have been used already).",
    "access_denied": "The installation was cancelled on Slack's page.",
    "storage_error": "orgbot could not save the installation; its administrator can see why.",
}


def page(title: str, words: str, *, status: int) -> BoltResponse:
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>orgbot: "
        f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(words)}</p></body></html>"
    )
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def _success(args: SuccessArgs) -> BoltResponse:
    installation = args.installation
    where = installation.enterprise_name if installation.is_enterprise_install else None
    where = where or installation.team_name or installation.team_id or "your workspace"
    return page(
        "orgbot is installed",
        f"orgbot is installed in {where}. Try /role-compare or /org-proposal in Slack.",
        status=200,
    )


def _failure(args: FailureArgs) -> BoltResponse:
    reason = REASONS.get(args.reason, "Slack's installation did not complete.")
    logger.info("an install did not complete: %s", args.reason)
    return page(
        "orgbot was not installed",
        f"{reason} Start again from {INSTALL_PATH}.",
        status=400 if args.suggested_status_code < 500 else 500,
    )


def oauth_settings(
    config: Config,
    installations: InstallationStore,
    states: OAuthStateStore,
    *,
    client: WebClient,
    scopes: list[str],
) -> OAuthSettings:
    """Bolt's OAuth settings on orgbot's stores, pointed at `SLACK_API_URL`'s Slack."""
    settings = OAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=scopes,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        # straight to Slack's authorize page (orgbot has no page of its own to show first)
        install_page_rendering_enabled=False,
        authorization_url=config.oauth_authorize_url,
        installation_store=installations,
        state_store=states,
        callback_options=CallbackOptions(success=_success, failure=_failure),
    )
    # Bolt's authorize refreshes expiring tokens (token rotation) with a client of its own
    # on slack.com; the same Slack as every other call
    settings.authorize.token_rotator = TokenRotator(  # type: ignore[attr-defined]
        client_id=config.client_id or "",
        client_secret=config.client_secret or "",
        client=WebClient(base_url=client.base_url, timeout=client.timeout),
    )
    return settings


def enterprise_memory(installations: InstallationStore) -> Any:
    """Middleware: remember which Enterprise Grid org a workspace's requests come from, so
    the scheduler finds its token (the org-wide install's) without a request at hand."""
    seen: set[tuple[str, str]] = set()

    def remember_enterprise(context: Any, next: Any) -> Any:
        team_id, enterprise_id = context.team_id, context.enterprise_id
        org_wide = team_id and enterprise_id and context.is_enterprise_install
        if org_wide and (team_id, enterprise_id) not in seen:
            installations.remember_enterprise(team_id, enterprise_id)
            seen.add((team_id, enterprise_id))
        return next()

    return remember_enterprise
