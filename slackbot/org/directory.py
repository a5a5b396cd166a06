"""The member directory: a cached copy of `users.list` per workspace (table `members`),
so that `@dana` in a structure can be read before the modal's 3-second ack.

- Fresh for an hour; an older copy is still used, and refreshed after the ack.
- A workspace with no copy yet is fetched at once, with a short deadline; if Slack does
  not answer in time the names cannot be checked (`MembersUnavailable`), ids still work.
- Deleted users, bots and app users are left out: they cannot hold a position.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.clock import Clock
from slackbot.installations.clients import TeamRoutedClient, for_team
from slackbot.org.members import Member, Members
from slackbot.org.structure import USER_ID
from slackbot.store import Store

FRESH_FOR = timedelta(hours=1)
FETCH_TIMEOUT = 1.5  # seconds for a first fetch before an ack (Slack waits 3)
PAGE = 200  # users.list's recommended page size
logger = logging.getLogger("orgbot.members")


class MembersUnavailable(Exception):
    """The workspace's members could not be fetched (Slack failed or was too slow)."""


UNAVAILABLE = (
    "I can't check names against this workspace's members right now (Slack didn't answer "
    "in time). Try again in a minute, or write holders as user ids (<@U012AB3CD>), which "
    "still work."
)


class MemberDirectory:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        fresh_for: timedelta = FRESH_FOR,
        fetch_timeout: float = FETCH_TIMEOUT,
    ):
        self.store = store
        self.clock = clock
        self.fresh_for = fresh_for
        self.fetch_timeout = fetch_timeout  # a first fetch before an ack
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()
        # the last copy read per workspace, by its fetched_at: indexing 10,000 members takes
        # ~0.3 s, so a form reads the table again only after a refresh
        self._memo: dict[str, tuple[str, Members]] = {}

    def cached(self, team_id: str) -> tuple[Members, datetime] | None:
        """The stored copy and when it was fetched, or None when there is none."""
        rows = list(
            self.store.db.query(
                "select fetched_at from member_directories where team_id = ?", [team_id]
            )
        )
        if not rows:
            return None
        fetched_at = rows[0]["fetched_at"]
        with self._lock:
            memo = self._memo.get(team_id)
        if memo is not None and memo[0] == fetched_at:
            return memo[1], datetime.fromisoformat(fetched_at)
        members = Members(
            Member(r["user_id"], r["username"] or "", r["display_name"] or "", r["real_name"] or "")
            for r in self.store.db.query(
                "select user_id, username, display_name, real_name from members where team_id = ?",
                [team_id],
            )
        )
        with self._lock:
            self._memo[team_id] = (fetched_at, members)
        return members, datetime.fromisoformat(fetched_at)

    def shown_names(self, team_id: str, user_ids: Iterable[str]) -> dict[str, str]:
        """The name Slack shows for each of `user_ids` that the stored copy knows (display
        name, else real name, else username): for cards, which name holders, not mention
        them."""
        wanted = list(dict.fromkeys(user_ids))
        names: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.store.db.query(
                "select user_id, username, display_name, real_name from members "
                f"where team_id = ? and user_id in ({marks})",
                [team_id, *chunk],
            ):
                shown = r["display_name"] or r["real_name"] or r["username"]
                if shown:
                    names[r["user_id"]] = shown
        return names

    def needs_refresh(self, team_id: str) -> bool:
        """No copy yet, or one older than `fresh_for`."""
        rows = list(
            self.store.db.query(
                "select fetched_at from member_directories where team_id = ?", [team_id]
            )
        )
        return not rows or self.is_stale(datetime.fromisoformat(rows[0]["fetched_at"]))

    def is_stale(self, fetched_at: datetime) -> bool:
        return self.clock.now() - fetched_at >= self.fresh_for

    def refresh(self, team_id: str, client: WebClient, *, timeout: float | None = None) -> Members:
        """Fetch every member with `users.list` (200 a page) and store the copy.

        Args:
            timeout: seconds for the whole fetch (None: the client's own timeouts).

        Raises:
            MembersUnavailable: Slack failed, or did not answer within `timeout`.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        client = for_team(client, team_id)
        members: list[Member] = []
        cursor = ""
        try:
            while True:
                api = client
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise MembersUnavailable("users.list took too long")
                    # urllib takes a float timeout, though WebClient's hint says int
                    if isinstance(client, TeamRoutedClient):  # the workspace's own token
                        api = copy.copy(client)
                        api.timeout = max(0.05, left)  # type: ignore[assignment]
                    else:
                        api = WebClient(
                            token=client.token,
                            base_url=client.base_url,
                            timeout=max(0.05, left),  # type: ignore[arg-type]
                        )
                args = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
                page = api.users_list(**args)
                members.extend(_member(u) for u in page.get("members") or [] if _is_person(u))
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
                if not cursor:
                    break
        except (SlackApiError, OSError) as error:
            logger.warning("users.list failed for %s: %s", team_id, error)
            raise MembersUnavailable(str(error)) from error
        fetched = Members(members)
        fetched_at = self._store(team_id, members)
        with self._lock:
            self._memo[team_id] = (fetched_at, fetched)
        return fetched

    def refresh_soon(self, team_id: str, client: WebClient) -> None:
        """Refresh now on this thread unless a refresh of `team_id` is under way (for after
        an ack); failures are logged, the old copy stays."""
        with self._lock:
            if team_id in self._refreshing:
                return
            self._refreshing.add(team_id)
        try:
            self.refresh(team_id, client)
        except MembersUnavailable:
            pass
        finally:
            with self._lock:
                self._refreshing.discard(team_id)

    def resolver(
        self, team_id: str, client: WebClient | None, *, timeout: float | None = None
    ) -> DirectoryResolver:
        """A resolver for one form; a first fetch waits `timeout` seconds at most (default:
        `fetch_timeout`)."""
        wait = self.fetch_timeout if timeout is None else timeout
        return DirectoryResolver(self, team_id, client, timeout=wait)

    def _store(self, team_id: str, members: list[Member]) -> str:
        now = self.clock.now().isoformat(timespec="seconds")
        with self.store.write() as db:
            db.execute("delete from members where team_id = ?", [team_id])
            db["members"].insert_all(
                (
                    {
                        "team_id": team_id,
                        "user_id": m.user_id,
                        "username": m.username,
                        "display_name": m.display_name,
                        "real_name": m.real_name,
                    }
                    for m in members
                ),
                batch_size=500,
            )
            db["member_directories"].upsert(
                {"team_id": team_id, "fetched_at": now, "members": len(members)}, pk="team_id"
            )
        return now


class DirectoryResolver:
    """A `HolderResolver` over one workspace's directory, loaded on first use: the stored
    copy, else a fetch within `timeout` (only when a name needs it: ids pass as-is while
    orgbot has no copy). `stale` says the copy used is old and should be refreshed."""

    def __init__(
        self,
        directory: MemberDirectory,
        team_id: str,
        client: WebClient | None,
        *,
        timeout: float,
    ):
        self.directory = directory
        self.team_id = team_id
        self.client = client
        self.timeout = timeout
        self.stale = False
        self._members: Members | None = None
        self._loaded = False

    def members(self, *, fetch: bool) -> Members | None:
        if self._members is None and not self._loaded:
            self._loaded = True
            cached = self.directory.cached(self.team_id)
            if cached is not None:
                self._members, fetched_at = cached
                self.stale = self.directory.is_stale(fetched_at)
        if self._members is None and fetch:
            if self.client is None:
                raise MembersUnavailable("no Slack client")
            self._members = self.directory.refresh(self.team_id, self.client, timeout=self.timeout)
            self.stale = False
        return self._members

    def resolve(self, handle: str) -> str | list[str]:
        members = self.members(fetch=not USER_ID.match(handle))
        if members is None:  # an id, and no copy to check it against
            return handle
        return members.resolve(handle)

    def name(self, user_id: str) -> str | None:
        members = self.members(fetch=False)
        return members.name(user_id) if members is not None else None

    def describe(self, user_id: str) -> str:
        members = self.members(fetch=False)
        return members.describe(user_id) if members is not None else user_id

    def suggest(self, handle: str) -> list[str]:
        members = self.members(fetch=False)
        return members.suggest(handle) if members is not None else []


def _is_person(user: dict) -> bool:
    return not (
        user.get("deleted")
        or user.get("is_bot")
        or user.get("is_app_user")
        or user.get("id") == "USLACKBOT"
    )


def _member(user: dict) -> Member:
    profile = user.get("profile") or {}
    return Member(
        user_id=user["id"],
        username=user.get("name") or "",
        display_name=profile.get("display_name") or "",
        real_name=profile.get("real_name") or user.get("real_name") or "",
    )
