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

from slackbot.proposals.model import (
    Event,
    NotFound,
    Proposal,
)
from slackbot.scheduling.delivery import Deliveries, Delivery, Outgoing
from slackbot.services import Services
from slackbot.settings import Settings
from slackbot.ui.digest import DigestTotals, digest_message

GRACE = timedelta(hours=6)
# how many proposals each list of the digest names; the rest are counted ("and 12 more")
LISTED = 15
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
    """The digest for `period`. Counts are exact whatever the number of proposals; each
    list shows its first `LISTED` and says how many more there are."""
    team_id = period.team_id
    since = _since(services, period)
    until = period.scheduled
    proposals = services.proposals
    new, new_total = proposals.created_between(team_id, since, until, limit=LISTED)
    waiting = proposals.waiting_longest(team_id, limit=LISTED)
    closing, decided_total = proposals.closed_between(team_id, since, until, limit=LISTED)
    decisions: list[tuple[Event, Proposal]] = []
    for event in closing:
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
        totals=DigestTotals(
            new=new_total, waiting=proposals.count_open(team_id), decided=decided_total
        ),
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
