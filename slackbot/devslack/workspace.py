"""The state of a pretend Slack workspace: people, channels, messages, views.

Plain data; `FakeSlack` (server.py) changes it under its lock as Web API calls and
simulated clicks arrive.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TEAM_ID = "T0ORGBOT1"
TEAM_DOMAIN = "orgbot-sandbox"
APP_ID = "A0ORGBOT1"
BOT_USER_ID = "U0ORGBOT1"
BOT_ID = "B0ORGBOT1"
BOT_TOKEN = "xoxb-0000000000-0000000000000-devslackfaketoken"
APP_TOKEN = "xapp-1-A0ORGBOT1-0000000000000-devslackfaketoken"


@dataclass
class User:
    id: str
    name: str
    real_name: str
    tz: str = "UTC"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    display_name: str | None = None  # None: the same as `name`; "" when not set, as in Slack
    deleted: bool = False  # deactivated: users.list still lists them, lookups do not find them
    email: str = ""  # empty: <name>@example.com (bots have none)

    @property
    def shown_name(self) -> str:
        return self.name if self.display_name is None else self.display_name

    @property
    def address(self) -> str | None:
        """The email Slack shows (with users:read.email) and finds with users.lookupByEmail."""
        if self.is_bot:
            return None
        return self.email or f"{self.name}@example.com"

    @property
    def tz_label(self) -> str:
        return self.tz.replace("_", " ")


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    members: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Ephemeral:
    """An ephemeral message: only `user` sees it, in `channel`, until replaced or deleted."""

    channel: str
    user: str
    ts: str
    message: dict[str, Any]
    deleted: bool = False


@dataclass
class ViewState:
    view: dict[str, Any]
    user: str
    errors: dict[str, str] = field(default_factory=dict)


def default_people() -> list[User]:
    """A small company to try orgbot in: founders, an ops lead, finance and people folks."""
    return [
        User("U0ALEX0001", "alex", "Alex Rivera", "America/New_York", is_admin=True, is_owner=True),
        User("U0DANA0002", "dana", "Dana Okafor", "Europe/Berlin"),
        User("U0SAM00003", "sam", "Sam Lindqvist", "Europe/London"),
        User("U0KENJI004", "kenji", "Kenji Watanabe", "Asia/Tokyo"),
        User("U0PRIYA005", "priya", "Priya Raman", "America/Los_Angeles"),
    ]


def default_channels(people: list[User]) -> list[Channel]:
    everyone = {u.id for u in people} | {BOT_USER_ID}
    humans = {u.id for u in people}
    return [
        Channel("C0GENERAL1", "general", members=set(everyone)),
        Channel("C0ORGDES02", "org-design", members=set(everyone)),
        Channel("C0LEADS003", "leadership", is_private=True, members=set(everyone)),
        # orgbot has not been invited here: posting fails with not_in_channel
        Channel("C0RANDOM04", "random", members=set(humans)),
        # conversations between people, without orgbot: slash commands work there, but the
        # bot cannot see them (channel_not_found), as in Slack
        Channel("D0PEOPLE01", "dm-alex-dana", is_im=True, members=pair(people, 0, 1)),
        Channel(
            "G0PEOPLE02",
            "mpdm-alex--dana--sam-1",
            is_private=True,
            is_mpim=True,
            members=pair(people, 0, 1, 2),
        ),
    ]


def pair(people: list[User], *indexes: int) -> set[str]:
    """The ids of some of `people` (those that exist), for a conversation between them."""
    return {people[i].id for i in indexes if i < len(people)}


class Workspace:
    """People, channels (public, private, DMs), ephemeral messages, modals, Home tabs."""

    def __init__(
        self,
        people: list[User] | None = None,
        channels: list[Channel] | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ):
        self.team_id = TEAM_ID
        self.domain = TEAM_DOMAIN
        self.enterprise_id: str | None = None  # an Enterprise Grid org's workspace
        self.bot = User(BOT_USER_ID, "orgbot", "orgbot", is_bot=True)
        people = people or default_people()
        self.users: dict[str, User] = {u.id: u for u in people}
        self.users[self.bot.id] = self.bot
        self.channels: dict[str, Channel] = {
            c.id: c for c in (channels or default_channels(people))
        }
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, ViewState] = {}
        self.stacks: dict[str, list[str]] = {}  # user -> open modal view ids, bottom first
        self.homes: dict[str, str] = {}  # user -> view id of their Home tab
        self.usergroups: dict[str, list[str]] = {}  # S… id -> member user ids
        self.clock = clock  # message timestamps follow it (tests and the sandbox move it)
        self._ids = itertools.count(1)
        self._last_ts = 0.0

    # names and ids -------------------------------------------------------------------

    def user(self, who: str) -> User:
        """A person by id, name (`dana`), or `@dana`."""
        key = who.lstrip("@")
        if key in self.users:
            return self.users[key]
        for user in self.users.values():
            if user.name == key:
                return user
        raise KeyError(f"no user {who!r} in the workspace")

    def channel(self, which: str) -> Channel:
        """A channel by id, name (`general`), or `#general`."""
        key = which.lstrip("#")
        if key in self.channels:
            return self.channels[key]
        for channel in self.channels.values():
            if channel.name == key:
                return channel
        raise KeyError(f"no channel {which!r} in the workspace")

    def name_of(self, some_id: str) -> str | None:
        if some_id in self.users:
            return self.users[some_id].name
        if some_id in self.channels:
            return self.channels[some_id].name
        return None

    def dm(self, user_id: str) -> Channel:
        """The bot's direct-message channel with a person, created on first use."""
        for channel in self.channels.values():
            if channel.is_im and channel.members == {user_id, self.bot.id}:
                return channel
        channel_id = "D0" + user_id[2:]
        channel = Channel(channel_id, f"dm-{self.users[user_id].name}", is_im=True)
        channel.members = {user_id, self.bot.id}
        self.channels[channel_id] = channel
        return channel

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def next_ts(self) -> str:
        """A message timestamp: unique, increasing, formatted like Slack's `1700000000.000100`."""
        now = max(self.clock(), self._last_ts + 0.000001)
        self._last_ts = now
        return f"{now:.6f}"

    # messages --------------------------------------------------------------------------

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        channel = self.channels.get(channel_id)
        if channel is None:
            return None
        for message in channel.messages:
            if message["ts"] == ts:
                return message
        return None

    def replies(
        self, channel_id: str, thread_ts: str, *, files: bool = False
    ) -> list[dict[str, Any]]:
        """The messages in a thread, oldest first; file shares (a picture orgbot uploaded
        into it) only with `files=True` (`thread_files` lists those alone)."""
        return [
            m
            for m in self.channels[channel_id].messages
            if m.get("thread_ts") == thread_ts
            and m["ts"] != thread_ts
            and (files or not m.get("upload"))
        ]

    def thread_files(self, channel_id: str, thread_ts: str) -> list[dict[str, Any]]:
        """The files shared in a thread (each message's `files`), oldest first."""
        return [
            f for m in self.replies(channel_id, thread_ts, files=True) for f in m.get("files") or []
        ]

    def visible_ephemerals(self, user_id: str, channel_id: str | None = None) -> list[Ephemeral]:
        return [
            e
            for e in self.ephemerals
            if e.user == user_id
            and not e.deleted
            and (channel_id is None or e.channel == channel_id)
        ]
