"""A Web API client per workspace: its own token, rotated before it expires.

The scheduler and other work outside a request (digests, reminders, retries, redraws)
hold one `TeamRoutedClient`; code that knows the workspace it acts for binds it with
`for_team(client, team_id)`, and every call then carries that workspace's current token.
In single-workspace mode the client is a plain `WebClient` and `for_team` returns it as is.
"""

from __future__ import annotations

import copy
import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.token_rotation import TokenRotator
from slack_sdk.web import SlackResponse

from slackbot.installations.store import InstallationStore

logger = logging.getLogger("orgbot.installations")

# a token is refreshed when it expires within this many minutes (Bolt's own default)
ROTATE_BEFORE_MINUTES = 120


class NotInstalled(SlackApiError):
    """No active installation for the workspace (never installed, uninstalled, revoked):
    a Slack refusal like any other, so the callers' failure paths record it."""

    def __init__(self, team_id: str | None):
        response = SlackResponse(
            client=None,
            http_verb="POST",
            api_url="",
            req_args={},
            data={"ok": False, "error": "not_installed"},
            headers={},
            status_code=200,
        )
        super().__init__(f"orgbot is not installed in workspace {team_id}", response)


class TeamClients:
    """The current bot token of each workspace, from the installation store, refreshed
    through `oauth.v2.access` (grant_type=refresh_token) when token rotation is on."""

    def __init__(
        self,
        installations: InstallationStore,
        *,
        client_id: str,
        client_secret: str,
        base: WebClient,
    ):
        self.installations = installations
        self.base = base
        self._rotator = TokenRotator(
            client_id=client_id,
            client_secret=client_secret,
            client=WebClient(base_url=base.base_url, timeout=base.timeout),
        )
        self._lock = threading.Lock()

    def token(self, team_id: str) -> str:
        """The workspace's bot token, rotated first when it is about to expire.

        Raises:
            NotInstalled: orgbot has no active installation for it.
        """
        with self._lock:  # one refresh at a time: a refresh token is used once
            installation = self.installations.for_team(team_id)
            if installation is None or not installation.bot_token:
                raise NotInstalled(team_id)
            if installation.bot_refresh_token and installation.bot_token_expires_at:
                refreshed = self._rotator.perform_token_rotation(
                    installation=installation,
                    minutes_before_expiration=ROTATE_BEFORE_MINUTES,
                )
                if refreshed is not None:
                    self.installations.save(refreshed)
                    logger.info("rotated the bot token of %s", team_id)
                    installation = refreshed
            return installation.bot_token

    def client(self, team_id: str) -> TeamRoutedClient:
        return TeamRoutedClient.from_base(self.base, self).bind(team_id)


class TeamRoutedClient(WebClient):
    """A `WebClient` without a token of its own: each call uses the current token of the
    workspace it is bound to (`bind`), or the token set on it (a workflow step's)."""

    clients: TeamClients | None = None
    team_id: str | None = None

    @classmethod
    def from_base(cls, base: WebClient, clients: TeamClients) -> TeamRoutedClient:
        routed = cls(
            base_url=base.base_url,
            timeout=base.timeout,
            retry_handlers=list(base.retry_handlers),
        )
        routed.clients = clients
        return routed

    def bind(self, team_id: str | None) -> TeamRoutedClient:
        bound = copy.copy(self)
        bound.team_id = team_id
        return bound

    def api_call(self, api_method: str, *, headers: dict | None = None, **kwargs: Any) -> Any:
        if self.token or self.clients is None:
            return super().api_call(api_method, headers=headers, **kwargs)
        if self.team_id is None:
            raise NotInstalled(None)
        token = self.clients.token(self.team_id)
        return super().api_call(
            api_method, headers={**(headers or {}), "Authorization": f"Bearer {token}"}, **kwargs
        )


def for_team(client: Any, team_id: str | None) -> Any:
    """`client` speaking for workspace `team_id`: bound when it routes by workspace, else
    itself (one workspace, a Bolt request's client, a dry run's None)."""
    if isinstance(client, TeamRoutedClient) and client.token is None:
        return client.bind(team_id)
    return client


__all__ = ["NotInstalled", "TeamClients", "TeamRoutedClient", "for_team"]
