"""Who holds a position, for an import: an email or a Slack user id to the user id, asked
of Slack (the `People` of `slackbot/org/table.py`).

One `users.list` pass (Tier 2, up to 1,000 people a page) reads every member, with their
email when the token has `users:read.email`; an email it did not find is asked again with
`users.lookupByEmail` (Tier 3), which answers `users_not_found` for nobody, a deactivated
person or a bot. So a 2,000-person import costs a few calls, not 2,000.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


class LookupFailed(Exception):
    """Slack could not be asked (network, token, scope): `str(error)` says which call and
    Slack's error code."""


class SlackPeople:
    def __init__(self, client: WebClient):
        self.client = client
        self._ids: set[str] | None = None
        self._emails: dict[str, str | None] = {}
        self.calls = 0  # Web API calls made (the import reports them)

    def _load(self) -> set[str]:
        if self._ids is not None:
            return self._ids
        ids: set[str] = set()
        cursor = None
        while True:
            response = self._call("users.list", limit=1000, cursor=cursor)
            for member in response.get("members") or []:
                if member.get("deleted") or member.get("is_bot") or member.get("id") == "USLACKBOT":
                    continue
                ids.add(member["id"])
                email = (member.get("profile") or {}).get("email")
                if email:
                    self._emails[email.lower()] = member["id"]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        self._ids = ids
        return ids

    def by_id(self, user_id: str) -> str | None:
        return user_id if user_id in self._load() else None

    def by_email(self, email: str) -> str | None:
        self._load()
        key = email.strip().lower()
        if key not in self._emails:
            try:
                response = self._call("users.lookupByEmail", email=email.strip())
            except LookupFailed as error:
                if "users_not_found" not in str(error):
                    raise
                self._emails[key] = None
            else:
                user = response.get("user") or {}
                self._emails[key] = None if user.get("is_bot") else user.get("id")
        return self._emails[key]

    def _call(self, method: str, **args):
        self.calls += 1
        try:
            return self.client.api_call(
                method,
                http_verb="GET",
                params={k: v for k, v in args.items() if v is not None},
            )
        except SlackApiError as error:
            code = error.response.get("error", "an error")
            needed = error.response.get("needed")
            hint = f" (the token needs the scope {needed}; reinstall the app)" if needed else ""
            raise LookupFailed(f"Slack answered {method} with {code}{hint}.") from None
        except OSError as error:
            raise LookupFailed(f"Slack could not be reached for {method}: {error}.") from None
