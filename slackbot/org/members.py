"""Who `@dana` is: a workspace's members matched by display name, real name or username,
case-insensitively. Pure (the member list comes from `slackbot/org/directory.py`); it is
the `HolderResolver` the parser and `Structure.to_text` use."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from slackbot.org.structure import USER_ID

SUGGEST = 75


@dataclass(frozen=True)
class Member:
    user_id: str
    username: str = ""  # `name` in users.list: unique in the workspace
    display_name: str = ""
    real_name: str = ""

    def names(self) -> list[str]:
        """The names people may write, most familiar first (what Slack shows: the display
        name, else the real name), then the username."""
        return [n for n in (self.display_name, self.real_name, self.username) if n.strip()]


def name_key(name: str) -> str:
    """How names are compared: case-folded, spaces collapsed, accents kept and also
    dropped (`Zoë` and `zoe` both find Zoë)."""
    return " ".join(name.casefold().split())


def _plain(key: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))


class Members:
    """A member directory as a `HolderResolver`."""

    def __init__(self, members: Iterable[Member]):
        self.by_id: dict[str, Member] = {m.user_id: m for m in members}
        self._index: dict[str, list[str]] = {}
        for member in self.by_id.values():
            for name in member.names():
                for key in {name_key(name), _plain(name_key(name))}:
                    ids = self._index.setdefault(key, [])
                    if member.user_id not in ids:
                        ids.append(member.user_id)

    def __len__(self) -> int:
        return len(self.by_id)

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.by_id

    def resolve(self, handle: str) -> str | list[str]:
        """A user id for `handle` (a name, or an id that is a member), else the candidates
        (`[]`: nobody)."""
        if USER_ID.match(handle):
            return handle if handle in self.by_id else []
        key = name_key(handle)
        found = self._index.get(key) or self._index.get(_plain(key)) or []
        if len(found) > 1:
            # a username is unique in a workspace: when it is the name written, it decides
            # (`@dana` is the member whose username is dana, even if another shows as Dana)
            owner = [u for u in found if name_key(self.by_id[u].username) == key]
            found = owner or found
        return found[0] if len(found) == 1 else sorted(found)

    def name(self, user_id: str) -> str | None:
        """The first of the member's names that finds only them (for `to_text`)."""
        member = self.by_id.get(user_id)
        if member is None:
            return None
        for name in member.names():
            if self.resolve(name) == user_id:
                return name
        return None

    def describe(self, user_id: str) -> str:
        """`Dana Okafor (@dana)`, to tell candidates apart in an error."""
        member = self.by_id.get(user_id)
        if member is None:
            return user_id
        shown = member.real_name or member.display_name or member.username
        handle = member.username or member.display_name
        return f"{shown} (@{handle})" if handle and handle != shown else shown

    def suggest(self, handle: str, *, limit: int = 3) -> list[str]:
        """Names close to `handle` that each find one person, for "did you mean"."""
        choices = {n: None for m in self.by_id.values() for n in m.names()}
        found = process.extract(
            handle,
            list(choices),
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=SUGGEST,
            limit=limit * 3,
        )
        names: dict[str, str] = {}  # one name a person, the closest
        for name, _, _ in found:
            user_id = self.resolve(name)
            if isinstance(user_id, str) and user_id not in names:
                names[user_id] = name
        return list(names.values())[:limit]
