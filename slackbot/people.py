"""What orgbot knows about a person from Slack: their time zone and whether they are a
workspace admin. Read with `users.info`, cached in the `people` table for a day."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.installations.clients import for_team
from slackbot.store import Store

CACHE_FOR = timedelta(hours=24)
BULK_THRESHOLD = 20
logger = logging.getLogger("orgbot.people")


@dataclass(frozen=True)
class Person:
    user_id: str
    tz: str
    is_admin: bool
    name: str = ""

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")


class People:
    def __init__(self, store: Store, client: WebClient | None, *, default_tz: str):
        self.store = store
        self.client = client
        self.default_tz = default_tz

    def get(self, team_id: str, user_id: str, *, now: datetime) -> Person:
        """The person, from the cache when fresh, else from Slack; never raises (a person
        Slack will not describe gets the workspace's time zone)."""
        rows = list(
            self.store.db.query(
                "select * from people where team_id = ? and user_id = ?", [team_id, user_id]
            )
        )
        cached = rows[0] if rows else None
        if cached and now - datetime.fromisoformat(cached["fetched_at"]) < CACHE_FOR:
            return Person(user_id, cached["tz"], bool(cached["is_admin"]), cached["name"] or "")
        fetched = self._fetch(user_id, team_id)
        if fetched is None:
            if cached:
                return Person(user_id, cached["tz"], bool(cached["is_admin"]), cached["name"] or "")
            return Person(user_id, self.default_tz, False)
        with self.store.write() as db:
            db["people"].upsert(
                {
                    "team_id": team_id,
                    "user_id": user_id,
                    "name": fetched.name,
                    "tz": fetched.tz,
                    "is_admin": int(fetched.is_admin),
                    "fetched_at": now.isoformat(timespec="seconds"),
                },
                pk=("team_id", "user_id"),
            )
        return fetched

    def prefetch(self, team_id: str, user_ids: set[str], *, now: datetime) -> None:
        """Refresh many people at once with `users.list` (200 a page) when more than a few
        are missing or stale, instead of one `users.info` each (Tier 4, ~100 a minute)."""
        if self.client is None or len(user_ids) <= BULK_THRESHOLD:
            return
        cutoff = (now - CACHE_FOR).isoformat(timespec="seconds")
        fresh = {
            r["user_id"]
            for r in self.store.db.query(
                "select user_id from people where team_id = ? and fetched_at >= ?",
                [team_id, cutoff],
            )
        }
        if len(user_ids - fresh) <= BULK_THRESHOLD:
            return
        rows = []
        cursor = None
        try:
            while True:
                page = (
                    for_team(self.client, team_id).users_list(limit=200, cursor=cursor)
                    if cursor
                    else for_team(self.client, team_id).users_list(limit=200)
                )
                for user in page.get("members", []):
                    rows.append(
                        {
                            "team_id": team_id,
                            "user_id": user["id"],
                            "name": user.get("name") or "",
                            "tz": user.get("tz") or self.default_tz,
                            "is_admin": int(bool(user.get("is_admin") or user.get("is_owner"))),
                            "fetched_at": now.isoformat(timespec="seconds"),
                        }
                    )
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except (SlackApiError, OSError) as error:
            logger.warning("users.list failed: %s", error)
        if rows:
            with self.store.write() as db:
                db["people"].upsert_all(rows, pk=("team_id", "user_id"))

    def _fetch(self, user_id: str, team_id: str | None = None) -> Person | None:
        if self.client is None:
            return None
        try:
            user = for_team(self.client, team_id).users_info(user=user_id)["user"]
        except (SlackApiError, OSError) as error:
            logger.warning("users.info %s failed: %s", user_id, error)
            return None
        return Person(
            user_id=user_id,
            tz=user.get("tz") or self.default_tz,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
            name=user.get("name") or "",
        )
