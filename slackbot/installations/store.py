"""slack_sdk's `InstallationStore` and `OAuthStateStore` on orgbot's SQLite Store."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store import InstallationStore as SlackInstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore as SlackOAuthStateStore

from slackbot.store import Store

logger = logging.getLogger("orgbot.installations")

ACTIVE, UNINSTALLED, REVOKED = "active", "uninstalled", "revoked"
# how long a state handed out by /slack/install may be brought back (Slack's own default)
STATE_TTL = timedelta(minutes=10)


def _now() -> datetime:
    return datetime.now(UTC)


def installation_key(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> str:
    """`E…:T…` for a workspace, `E…:` for an org-wide install (slack_sdk's own rule: an
    enterprise with no team is the org-wide install)."""
    if is_enterprise_install or (enterprise_id and not team_id):
        return f"{enterprise_id or ''}:"
    return f"{enterprise_id or ''}:{team_id or ''}"


def _to_json(installation: Installation) -> str:
    data = installation.to_dict()
    for name in ("bot_token_expires_at", "user_token_expires_at", "installed_at"):
        value = data.get(name)
        if isinstance(value, datetime):
            data[name] = value.timestamp() if name == "installed_at" else int(value.timestamp())
    return json.dumps(data)


def _from_json(text: str) -> Installation:
    return Installation(**json.loads(text))


class InstallationStore(SlackInstallationStore):
    """Installations of orgbot, one row each in `slack_installations`.

    Only active installations are found: an uninstalled workspace's requests and jobs get
    no token. `delete_*` (Bolt's uninstall path) marks the row instead of deleting it."""

    def __init__(self, store: Store, *, now: Callable[[], datetime] = _now):
        self.store = store
        self.now = now

    @property
    def logger(self) -> logging.Logger:
        return logger

    # writing --------------------------------------------------------------------------------

    def save(self, installation: Installation) -> None:
        key = installation_key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        now = self.now().isoformat(timespec="seconds")
        expires = installation.bot_token_expires_at
        with self.store.write() as db:
            existing = list(
                db.query("select installed_at from slack_installations where key = ?", [key])
            )
            db["slack_installations"].upsert(
                {
                    "key": key,
                    "enterprise_id": installation.enterprise_id,
                    "team_id": None if key.endswith(":") else installation.team_id,
                    "is_enterprise_install": int(bool(installation.is_enterprise_install)),
                    "installation": _to_json(installation),
                    "bot_token_expires_at": int(expires) if expires else None,
                    "status": ACTIVE,
                    "status_reason": None,
                    "installed_at": existing[0]["installed_at"] if existing else now,
                    "updated_at": now,
                },
                pk="key",
            )
        logger.info("installed in %s", key)

    def save_bot(self, bot: Bot) -> None:  # Bolt saves whole installations; kept for the interface
        found = self.find_installation(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            is_enterprise_install=bot.is_enterprise_install,
        )
        if found is None:
            return
        found.bot_token = bot.bot_token
        found.bot_refresh_token = bot.bot_refresh_token
        found.bot_token_expires_at = bot.bot_token_expires_at
        self.save(found)

    def mark(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
        status: str,
        reason: str,
    ) -> bool:
        """Mark an installation uninstalled or revoked (never deleted). True if one was."""
        key = installation_key(enterprise_id, team_id, is_enterprise_install)
        with self.store.write() as db:
            cursor = db.execute(
                "update slack_installations set status = ?, status_reason = ?, updated_at = ? "
                "where key = ?",
                [status, reason, self.now().isoformat(timespec="seconds"), key],
            )
            return cursor.rowcount > 0

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.mark(
            enterprise_id=enterprise_id, team_id=team_id, status=REVOKED, reason="bot deleted"
        )

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.mark(
            enterprise_id=enterprise_id, team_id=team_id, status=UNINSTALLED, reason="deleted"
        )

    def remember_enterprise(self, team_id: str, enterprise_id: str) -> None:
        """A workspace of an Enterprise Grid org (seen on a request): its token is the org's."""
        with self.store.write() as db:
            db["slack_workspace_enterprises"].upsert(
                {
                    "team_id": team_id,
                    "enterprise_id": enterprise_id,
                    "seen_at": self.now().isoformat(timespec="seconds"),
                },
                pk="team_id",
            )

    # reading --------------------------------------------------------------------------------

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        key = installation_key(enterprise_id, team_id, is_enterprise_install)
        rows = list(
            self.store.db.query(
                "select installation from slack_installations where key = ? and status = ?",
                [key, ACTIVE],
            )
        )
        if not rows:
            return None
        found = _from_json(rows[0]["installation"])
        # with a user: that person's own installation (orgbot keeps the installer's only)
        if user_id is not None and found.user_id != user_id:
            return None
        return found

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return found.to_bot() if found is not None and found.bot_token else None

    def for_team(self, team_id: str) -> Installation | None:
        """The active installation that serves workspace `team_id`: its own, or its
        Enterprise Grid org's org-wide install."""
        rows = list(
            self.store.db.query(
                "select installation from slack_installations where team_id = ? and status = ? "
                "order by updated_at desc limit 1",
                [team_id, ACTIVE],
            )
        )
        if rows:
            return _from_json(rows[0]["installation"])
        org = list(
            self.store.db.query(
                "select i.installation from slack_workspace_enterprises w "
                "join slack_installations i on i.key = w.enterprise_id || ':' "
                "where w.team_id = ? and i.status = ?",
                [team_id, ACTIVE],
            )
        )
        return _from_json(org[0]["installation"]) if org else None

    def status_of(self, team_id: str) -> str | None:
        """`active`, `uninstalled`, `revoked`, or None when orgbot was never installed there."""
        rows = list(
            self.store.db.query(
                "select status from slack_installations where team_id = ? "
                "order by updated_at desc limit 1",
                [team_id],
            )
        )
        if rows:
            return rows[0]["status"]
        return ACTIVE if self.for_team(team_id) is not None else None

    def active_teams(self) -> set[str] | None:
        """The workspaces orgbot may act in now (workspace installs, and the workspaces seen
        of an org-wide install)."""
        rows = self.store.db.query(
            "select team_id from slack_installations where status = ? and team_id is not null "
            "union select w.team_id from slack_workspace_enterprises w join slack_installations i "
            "on i.key = w.enterprise_id || ':' where i.status = ?",
            [ACTIVE, ACTIVE],
        )
        return {r["team_id"] for r in rows}


class OAuthStateStore(SlackOAuthStateStore):
    """OAuth `state` values: random, signed with `SLACK_STATE_SECRET`, stored until used,
    each accepted once and within `STATE_TTL`."""

    def __init__(
        self,
        store: Store,
        *,
        secret: str,
        now: Callable[[], datetime] = _now,
        ttl: timedelta = STATE_TTL,
    ):
        self.store = store
        self.secret = secret.encode()
        self.now = now
        self.ttl = ttl

    @property
    def logger(self) -> logging.Logger:
        return logger

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *args: Any, **kwargs: Any) -> str:
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{self._sign(nonce)}"
        now = self.now()
        with self.store.write() as db:
            db.execute(
                "delete from slack_oauth_states where expires_at < ?",
                [now.isoformat(timespec="seconds")],
            )
            db["slack_oauth_states"].insert(
                {"state": state, "expires_at": (now + self.ttl).isoformat(timespec="seconds")}
            )
        return state

    def consume(self, state: str) -> bool:
        """True once for a state this orgbot issued, unexpired; False for anything else."""
        if not isinstance(state, str) or state.count(".") != 1:
            return False
        nonce, signature = state.split(".")
        if not hmac.compare_digest(signature, self._sign(nonce)):
            return False
        with self.store.write() as db:
            cursor = db.execute(
                "delete from slack_oauth_states where state = ? and expires_at >= ?",
                [state, self.now().isoformat(timespec="seconds")],
            )
            return cursor.rowcount == 1
