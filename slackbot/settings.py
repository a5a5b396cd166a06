"""Per-workspace settings for the digest, the reminders and the org's guardrails (maximum
layers, span range), stored in the `settings` table."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slackbot.org.shape import Guardrails
from slackbot.store import Store

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CADENCES = {"weekly": "Weekly", "daily": "Every working day", "off": "Off"}
INTERVALS = {1: "Every day", 2: "Every 2 days", 3: "Every 3 days", 7: "Once a week"}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
GUARDRAIL_LIMIT = 9999  # the largest number a guardrail field takes


@dataclass(frozen=True)
class Settings:
    team_id: str
    timezone: str = "UTC"
    digest_channel: str | None = None
    digest_cadence: str = "weekly"
    digest_weekday: int = 0  # Monday
    digest_time: time = time(9, 0)
    reminder_interval_days: int = 1
    quiet_days: frozenset[int] = field(default_factory=lambda: frozenset({5, 6}))
    max_layers: int | None = None  # guardrails: None is no limit
    span_min: int | None = None
    span_max: int | None = None
    canvas_channel: str | None = None  # where orgbot keeps a canvas of the current org
    updated_by: str | None = None
    updated_at: datetime | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def digest_enabled(self) -> bool:
        return bool(self.digest_channel) and self.digest_cadence in ("weekly", "daily")

    def describe_digest(self) -> str:
        if not self.digest_enabled:
            return "off"
        when = f"{self.digest_time:%H:%M} ({self.timezone})"
        if self.digest_cadence == "daily":
            return f"every working day at {when} in <#{self.digest_channel}>"
        return f"every {WEEKDAYS[self.digest_weekday]} at {when} in <#{self.digest_channel}>"

    @property
    def guardrails(self) -> Guardrails:
        return Guardrails(
            max_layers=self.max_layers, span_min=self.span_min, span_max=self.span_max
        )

    def describe_quiet_days(self) -> str:
        return ", ".join(WEEKDAYS[d] for d in sorted(self.quiet_days)) or "none"


def load_settings(store: Store, team_id: str, *, default_timezone: str) -> Settings:
    rows = list(store.db.query("select * from settings where team_id = ?", [team_id]))
    if not rows:
        return Settings(team_id=team_id, timezone=default_timezone)
    row = rows[0]
    hours, minutes = (int(x) for x in (row["digest_time"] or "09:00").split(":"))
    return Settings(
        team_id=team_id,
        timezone=row["timezone"] or default_timezone,
        digest_channel=row["digest_channel"] or None,
        digest_cadence=row["digest_cadence"] or "weekly",
        digest_weekday=row["digest_weekday"] if row["digest_weekday"] is not None else 0,
        digest_time=time(hours, minutes),
        reminder_interval_days=row["reminder_interval_days"] or 1,
        quiet_days=frozenset(json.loads(row["quiet_days"] or "[5, 6]")),
        max_layers=row.get("max_layers"),
        span_min=row.get("span_min"),
        span_max=row.get("span_max"),
        canvas_channel=row.get("canvas_channel") or None,
        updated_by=row["updated_by"],
        updated_at=datetime.fromisoformat(row["updated_at"]) if row["updated_at"] else None,
    )


def save_settings(store: Store, settings: Settings, *, user_id: str, now: datetime) -> Settings:
    with store.write() as db:
        db["settings"].upsert(
            {
                "team_id": settings.team_id,
                "timezone": settings.timezone,
                "digest_channel": settings.digest_channel,
                "digest_cadence": settings.digest_cadence,
                "digest_weekday": settings.digest_weekday,
                "digest_time": settings.digest_time.strftime("%H:%M"),
                "reminder_interval_days": settings.reminder_interval_days,
                "quiet_days": json.dumps(sorted(settings.quiet_days)),
                "max_layers": settings.max_layers,
                "span_min": settings.span_min,
                "span_max": settings.span_max,
                "canvas_channel": settings.canvas_channel,
                "updated_by": user_id,
                "updated_at": now.isoformat(timespec="seconds"),
            },
            pk="team_id",
        )
    return replace(settings, updated_by=user_id, updated_at=now)


def known_teams(store: Store) -> list[str]:
    """Every workspace orgbot has a record of (settings or proposals)."""
    return [
        row["team_id"]
        for row in store.db.query(
            "select team_id from settings union select team_id from proposals order by 1"
        )
    ]


# --- the settings form ---------------------------------------------------------------------

SETTINGS_BLOCKS = (
    "digest_channel",
    "digest_cadence",
    "digest_weekday",
    "digest_time",
    "timezone",
    "reminder_interval",
    "quiet_days",
    "max_layers",
    "span_min",
    "span_max",
    "canvas_channel",
)


def read_settings_form(
    values: dict[str, Any], team_id: str
) -> tuple[Settings | None, dict[str, str]]:
    """Validate the settings modal's `view.state.values`; errors by block id."""

    def state(block: str) -> dict[str, Any]:
        return values.get(block, {}).get("value") or {}

    errors: dict[str, str] = {}
    channel = state("digest_channel").get("selected_conversation")
    cadence = (state("digest_cadence").get("selected_option") or {}).get("value", "weekly")
    if cadence != "off" and not channel:
        errors["digest_channel"] = "Pick the channel for the digest, or set the digest to Off."
    if channel and channel.startswith("D"):
        errors["digest_channel"] = "Pick a channel, not a direct message."
    weekday = int((state("digest_weekday").get("selected_option") or {}).get("value", "0"))
    picked_time = state("digest_time").get("selected_time") or "09:00"
    match = _TIME.match(picked_time)
    if not match:
        errors["digest_time"] = "Pick a time such as 09:00."
    timezone = (state("timezone").get("value") or "").strip() or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = (
            f"“{timezone}” is not a time zone name; use one like Europe/Berlin or America/New_York."
        )
    interval = int((state("reminder_interval").get("selected_option") or {}).get("value", "1"))
    quiet = frozenset(int(o["value"]) for o in state("quiet_days").get("selected_options") or [])
    if len(quiet) == 7:
        errors["quiet_days"] = "Leave at least one day for reminders and digests."
    guardrails = {}
    for block in ("max_layers", "span_min", "span_max"):
        guardrails[block], problem = _guardrail(state(block).get("value"))
        if problem:
            errors[block] = problem
    low, high = guardrails["span_min"], guardrails["span_max"]
    if low is not None and high is not None and low > high:
        errors["span_min"] = (
            f"The smallest span ({low}) is above the largest ({high}). Lower it, or raise "
            "the largest."
        )
    canvas_channel = state("canvas_channel").get("selected_conversation") or None
    if canvas_channel and canvas_channel.startswith("D"):
        errors["canvas_channel"] = "Pick a channel, not a direct message."
    if errors:
        return None, errors
    assert match is not None
    return (
        Settings(
            team_id=team_id,
            timezone=timezone,
            digest_channel=channel,
            digest_cadence=cadence,
            digest_weekday=weekday,
            digest_time=time(int(match.group(1)), int(match.group(2))),
            reminder_interval_days=interval,
            quiet_days=quiet,
            canvas_channel=canvas_channel,
            **guardrails,
        ),
        {},
    )


def _guardrail(value: Any) -> tuple[int | None, str | None]:
    """A guardrail field: empty is no limit, else a whole number from 1 to the limit."""
    text = str(value or "").strip().replace(",", "")
    if not text:
        return None, None
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not 1 <= number <= GUARDRAIL_LIMIT:
        return None, (
            f"Write a whole number from 1 to {GUARDRAIL_LIMIT}, or leave it empty for no limit."
        )
    return number, None
