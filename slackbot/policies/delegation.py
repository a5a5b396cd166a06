"""Delegation: while a reviewer is away, someone else decides for them (recorded "on
behalf of"). `/org-proposal away until DATE to @someone`, `/org-proposal back`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlite_utils import Database

MAX_AWAY_DAYS = 366
_AWAY = re.compile(
    r"^away(?:\s+(?:from\s+(?P<start>\S+(?:\s+\w{3,9})?)\s+)?until\s+(?P<end>.+?)\s+to\s+(?P<who>\S+))?\s*$",
    re.IGNORECASE,
)
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9]{6,})$")
_FORMATS = (
    "%Y-%m-%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b",
    "%d %B",
    "%b %d",
    "%B %d",
)


@dataclass(frozen=True)
class Delegation:
    user_id: str
    delegate_id: str
    starts: date
    ends: date  # inclusive


class DelegationError(Exception):
    """A delegation that cannot be made; the message says why, for the person asking."""


def parse_date(text: str, *, today: date) -> date | None:
    """ISO dates, "4 Dec", "Dec 4", "4 December 2026"; a date without a year is the next
    one on or after today."""
    cleaned = " ".join(text.replace(",", " ").split())
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        if "%Y" not in fmt:
            parsed = parsed.replace(year=today.year)
            if parsed < today:
                parsed = parsed.replace(year=today.year + 1)
        return parsed
    return None


def parse_away(text: str) -> tuple[str | None, str, str] | None:
    """`away [from START] until END to WHO` → (start, end, who) as written; None when the
    text is not an away command; ("", "", "") for a bare `away`."""
    match = _AWAY.match(" ".join(text.split()))
    if match is None:
        return None
    if match.group("end") is None:
        return ("", "", "")
    return (match.group("start"), match.group("end"), match.group("who"))


def mentioned_id(handle: str) -> str | None:
    match = _MENTION.match(handle.strip())
    return (match.group(1) or match.group(2)) if match else None


def set_away(
    db: Database,
    team_id: str,
    user_id: str,
    delegate_id: str,
    *,
    starts: date,
    ends: date,
    today: date,
    now: datetime,
) -> Delegation:
    """Replace the person's delegation with this one. Call inside a write transaction.

    Raises:
        DelegationError: to oneself, to someone away who delegates to this person (a
            loop), an end before the start or in the past, too long.
    """
    if delegate_id == user_id:
        raise DelegationError("Pick someone else to decide for you while you're away.")
    if ends < today:
        raise DelegationError(f"{ends:%a %-d %b %Y} has passed; pick a later date.")
    if ends < starts:
        raise DelegationError("The end comes before the start.")
    if (ends - starts).days > MAX_AWAY_DAYS or ends > today + timedelta(days=MAX_AWAY_DAYS):
        raise DelegationError("Delegate for up to a year at a time.")
    loop = next(
        db.query(
            "select ends from review_delegations where team_id = ? and user_id = ? "
            "and delegate_id = ? and cancelled_at is null and starts <= ? and ends >= ? "
            "order by id desc limit 1",
            [team_id, delegate_id, user_id, ends.isoformat(), max(starts, today).isoformat()],
        ),
        None,
    )
    if loop is not None:
        # each deciding for the other while both are away: nobody would decide
        raise DelegationError(
            f"<@{delegate_id}> is away until {date.fromisoformat(loop['ends']):%a %-d %b} and "
            "asked you to decide for them; pick someone else (or they can end theirs with "
            "`/org-proposal back`)."
        )
    cancel(db, team_id, user_id, now=now)
    db["review_delegations"].insert(
        {
            "team_id": team_id,
            "user_id": user_id,
            "delegate_id": delegate_id,
            "starts": starts.isoformat(),
            "ends": ends.isoformat(),
            "created_at": now.isoformat(),
        }
    )
    return Delegation(user_id, delegate_id, starts, ends)


def cancel(db: Database, team_id: str, user_id: str, *, now: datetime) -> int:
    """End the person's delegations; how many there were."""
    cursor = db.execute(
        "update review_delegations set cancelled_at = ? "
        "where team_id = ? and user_id = ? and cancelled_at is null",
        [now.isoformat(), team_id, user_id],
    )
    return cursor.rowcount


def current(db: Database, team_id: str, user_id: str, *, today: date) -> Delegation | None:
    """The person's delegation that has not ended (today or later)."""
    row = next(
        db.query(
            "select * from review_delegations where team_id = ? and user_id = ? "
            "and cancelled_at is null and ends >= ? order by id desc limit 1",
            [team_id, user_id, today.isoformat()],
        ),
        None,
    )
    if row is None:
        return None
    return Delegation(
        row["user_id"],
        row["delegate_id"],
        date.fromisoformat(row["starts"]),
        date.fromisoformat(row["ends"]),
    )


def standing_in_for(
    db: Database, team_id: str, delegate_id: str, *, today: date
) -> list[Delegation]:
    """Whom `delegate_id` decides for today."""
    rows = db.query(
        "select * from review_delegations where team_id = ? and delegate_id = ? "
        "and cancelled_at is null and starts <= ? and ends >= ? order by id",
        [team_id, delegate_id, today.isoformat(), today.isoformat()],
    )
    return [
        Delegation(
            r["user_id"],
            r["delegate_id"],
            date.fromisoformat(r["starts"]),
            date.fromisoformat(r["ends"]),
        )
        for r in rows
    ]
