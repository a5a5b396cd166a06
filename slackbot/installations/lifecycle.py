"""An uninstall or revoked token: the workspace's jobs stop, its data stays (marked)."""

from __future__ import annotations

import logging
from typing import Any

from slackbot.installations.store import REVOKED, UNINSTALLED

logger = logging.getLogger("orgbot.installations")


def stop_workspace(
    services: Any,
    *,
    team_id: str | None,
    enterprise_id: str | None,
    is_enterprise_install: bool,
    status: str,
    reason: str,
) -> bool:
    """Mark the installation `status` (uninstalled or revoked) and drop the workspace's
    scheduled jobs; nothing is deleted, and installing again picks everything up."""
    installations = services.installations
    if installations is None:  # one workspace (SLACK_BOT_TOKEN): nothing to mark
        logger.warning("%s for %s; orgbot's token no longer works there", reason, team_id)
        return False
    marked = installations.mark(
        enterprise_id=enterprise_id,
        team_id=team_id,
        is_enterprise_install=is_enterprise_install,
        status=status,
        reason=reason,
    )
    logger.warning(
        "%s: %s (%s); its jobs stop, its data is kept", team_id or enterprise_id, status, reason
    )
    if services.scheduler is not None:
        services.scheduler.refresh_digests()
    return marked


def on_app_uninstalled(services: Any, body: dict[str, Any]) -> bool:
    return stop_workspace(
        services,
        team_id=body.get("team_id"),
        enterprise_id=body.get("enterprise_id"),
        is_enterprise_install=bool(body.get("is_enterprise_install")),
        status=UNINSTALLED,
        reason="app_uninstalled",
    )


def on_tokens_revoked(services: Any, body: dict[str, Any]) -> bool:
    """Only the bot token matters to orgbot: a revoked user token changes nothing."""
    tokens = (body.get("event") or {}).get("tokens") or {}
    if not tokens.get("bot"):
        return False
    return stop_workspace(
        services,
        team_id=body.get("team_id"),
        enterprise_id=body.get("enterprise_id"),
        is_enterprise_install=bool(body.get("is_enterprise_install")),
        status=REVOKED,
        reason="tokens_revoked",
    )
