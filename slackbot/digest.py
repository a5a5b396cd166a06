"""The channel digest: when one is due, and what it says.

A workspace's digest is due at its scheduled local time (weekly on a weekday, or every
working day), computed in the workspace's time zone so daylight-saving changes move it
with the wall clock. Each period has one key (`digest:T1:2026-11-30`), so it is posted
once however many schedulers or hand-run commands look. A period missed while orgbot
was down is caught up once if it is at most `GRACE` old, otherwise skipped (logged once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slackbot.delivery import Deliveries, Delivery, Outgoing
from slackbot.proposals.model import (
    APPROVED,
    REJECTED,
    STATUS_CHANGED,
    WITHDRAWN,
    Event,
    NotFound,
    Proposal,
)
from slackbot.services import Services
from slackbot.settings import Settings
from slackbot.ui.digest import digest_message

GRACE = timedelta(hours=6)
logger = logging.getLogger("orgbot.digest")


@dataclass(frozen=True)
class DigestPeriod:
    team_id: str
    scheduled: datetime  # the local wall-clock instant it was due, aware
    settings: Settings

    @property
    def key(self) -> str:
        return f"digest:{self.team_id}:{self.scheduled.date().isoformat()}"

    @property
    def label(self) -> str:
        d = self.scheduled.date()
        if self.settings.digest_cadence == "daily":
            return f"{d:%A} {d.day} {d:%B}"
        return f"week of {d.day} {d:%B %Y}"

    @property
    def span(self) -> str:
        return "day" if self.settings.digest_cadence == "daily" else "week"


def latest_scheduled(settings: Settings, now: datetime) -> datetime | None:
    """The most recent scheduled digest time at or before `now`, in the workspace's zone."""
    if not settings.digest_enabled:
        return None
    zone = settings.tz
    local_now = now.astimezone(zone)
    for back in range(0, 15):
        d = local_now.date() - timedelta(days=back)
        if settings.digest_cadence == "weekly" and d.weekday() != settings.digest_weekday:
            continue
        if settings.digest_cadence == "daily" and d.weekday() in settings.quiet_days:
            continue
        moment = datetime.combine(d, settings.digest_time, tzinfo=zone)
        if moment <= local_now:
            return moment
    return None


def previous_scheduled(settings: Settings, scheduled: datetime) -> datetime:
    earlier = latest_scheduled(settings, scheduled - timedelta(minutes=1))
    return earlier or scheduled - timedelta(days=7)


def due_digest(settings: Settings, now: datetime, deliveries: Deliveries) -> DigestPeriod | None:
    """The period due now, if any; logs (once) a period skipped for being too late."""
    scheduled = latest_scheduled(settings, now)
    if scheduled is None:
        return None
    if settings.updated_at is not None and scheduled < settings.updated_at:
        return None  # due before the digest was set up this way: nothing was missed
    period = DigestPeriod(settings.team_id, scheduled, settings)
    if deliveries.get(period.key) is not None:
        return None
    if now - scheduled > GRACE:
        if deliveries.mark_skipped(
            period.key,
            team_id=settings.team_id,
            kind="digest",
            target=settings.digest_channel or "",
            reason=f"missed: orgbot was not running within {GRACE} of {scheduled.isoformat()}",
            now=now,
        ):
            logger.warning(
                "skipping the %s digest due %s: it is more than %s late",
                settings.team_id,
                scheduled,
                GRACE,
            )
        return None
    return period


def digest_content(
    services: Services, period: DigestPeriod, now: datetime, link: Any
) -> dict[str, Any]:
    team_id = period.team_id
    since = _since(services, period)
    until = period.scheduled
    proposals = services.proposals
    recent = proposals.recent(team_id, limit=200)
    new = [p for p in recent if since <= p.created_at < until]
    waiting = proposals.open_proposals(team_id, limit=200)
    decisions: list[tuple[Event, Proposal]] = []
    # what was decided: proposals that closed (approved, rejected, withdrawn), not each vote
    for event in proposals.recent_events_between(
        team_id, (STATUS_CHANGED, WITHDRAWN), since, until
    ):
        if event.kind == STATUS_CHANGED and event.detail.get("to") not in (APPROVED, REJECTED):
            continue
        try:
            decisions.append((event, proposals.get(team_id, event.proposal_id)))
        except NotFound:
            continue
    return digest_message(
        period=period.label,
        span=period.span,
        since=since,
        now=now.astimezone(period.settings.tz),
        new=new,
        waiting=waiting,
        decisions=decisions,
        link=link,
    )


def outgoing(services: Services, period: DigestPeriod, now: datetime, link: Any) -> Outgoing:
    return Outgoing(
        key=period.key,
        team_id=period.team_id,
        kind="digest",
        target=period.settings.digest_channel or "",
        message=digest_content(services, period, now, link),
    )


def period_from_key(services: Services, delivery: Delivery) -> DigestPeriod | None:
    from slackbot.settings import load_settings

    _, team_id, day = delivery.key.split(":")
    settings = load_settings(services.store, team_id, default_timezone=services.config.timezone)
    if not settings.digest_enabled:
        return None
    scheduled = datetime.combine(date.fromisoformat(day), settings.digest_time, tzinfo=settings.tz)
    return DigestPeriod(team_id, scheduled, settings)


def _since(services: Services, period: DigestPeriod) -> datetime:
    """The last digest actually posted for this workspace, else the previous period."""
    rows = list(
        services.store.db.query(
            "select key from deliveries where team_id = ? and kind = 'digest' and status = 'sent' "
            "and key < ? order by key desc limit 1",
            [period.team_id, period.key],
        )
    )
    if rows:
        day = date.fromisoformat(rows[0]["key"].rsplit(":", 1)[1])
        return datetime.combine(day, period.settings.digest_time, tzinfo=period.settings.tz)
    return previous_scheduled(period.settings, period.scheduled)
