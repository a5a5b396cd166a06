"""Slack's OAuth v2 install flow in the fake Slack, and more than one workspace.

A test plays the browser: orgbot's `/slack/install` redirects to the fake's
`/oauth/v2/authorize?client_id=…&scope=…&state=…`; `authorize(url, team=…)` (or a GET of
that URL with `&team=T…`) answers with the redirect back to the app, `code` and `state` in
its query; orgbot then exchanges the code with `oauth.v2.access`. Each installed
workspace gets its own bot token, and the fake answers a call in the workspace whose
token it carries. Shapes and errors follow docs.slack.dev/reference/methods/oauth.v2.access
(invalid_code, bad_client_secret, bad_redirect_uri, invalid_refresh_token,
invalid_client_id) and docs.slack.dev/authentication/using-token-rotation.
"""

from __future__ import annotations

import itertools
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "devslack-client-secret"
TOKEN_TTL = 43200  # seconds a rotating token lives (Slack: 12 hours)


@dataclass
class Grant:
    """One installation's current token: which workspaces it speaks for."""

    token: str
    team_ids: list[str]
    enterprise_id: str | None
    org_wide: bool
    refresh_token: str | None = None
    expires_at: float | None = None
    revoked: bool = False


@dataclass
class OAuthApp:
    """The app's credentials as Slack knows them, the codes handed out, the tokens issued."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_url: str | None = None  # the app's configured redirect URL (app settings)
    token_rotation: bool = False
    token_ttl: int = TOKEN_TTL
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)  # token -> grant
    refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> access token
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def issue_code(
        self,
        *,
        team_ids: list[str],
        enterprise_id: str | None,
        org_wide: bool,
        redirect_uri: str | None,
        scope: str,
        user: str,
    ) -> str:
        code = f"{int(time.time())}.{secrets.token_hex(8)}"
        self.codes[code] = {
            "team_ids": team_ids,
            "enterprise_id": enterprise_id,
            "org_wide": org_wide,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "user": user,
        }
        return code

    def new_grant(self, team_ids: list[str], enterprise_id: str | None, org_wide: bool) -> Grant:
        n = next(self._ids)
        token = f"xoxb-{n:010d}-{secrets.token_hex(6)}-devslackoauth"
        grant = Grant(token, team_ids, enterprise_id, org_wide)
        if self.token_rotation:
            grant.token = f"xoxe.{grant.token}"
            grant.refresh_token = f"xoxe-1-{secrets.token_hex(12)}"
            grant.expires_at = time.time() + self.token_ttl
            self.refresh[grant.refresh_token] = grant.token
        self.grants[grant.token] = grant
        return grant

    def grant_of(self, token: str | None) -> Grant | None:
        grant = self.grants.get(token or "")
        if grant is None or grant.revoked:
            return None
        if grant.expires_at is not None and time.time() >= grant.expires_at:
            return None
        return grant

    def revoke(self, team_id: str) -> None:
        for grant in self.grants.values():
            if team_id in grant.team_ids or grant.enterprise_id == team_id:
                grant.revoked = True


def authorize_redirect(
    app: OAuthApp,
    query: dict[str, str],
    *,
    team_ids: list[str],
    enterprise_id: str | None,
    org_wide: bool,
    default_redirect: str | None,
) -> str:
    """Where Slack's authorize page sends the browser once a person clicks Allow."""
    redirect = query.get("redirect_uri") or app.redirect_url or default_redirect
    if query.get("client_id") != app.client_id or not redirect:
        raise ValueError("invalid_client_id")
    code = app.issue_code(
        team_ids=team_ids,
        enterprise_id=enterprise_id,
        org_wide=org_wide,
        redirect_uri=query.get("redirect_uri"),
        scope=query.get("scope", ""),
        user=query.get("user", "U0INSTALLR"),
    )
    params = {"code": code, "state": query.get("state", "")}
    return f"{redirect}?{urllib.parse.urlencode(params)}"
