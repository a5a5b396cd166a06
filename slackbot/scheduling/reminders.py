"""Review reminders: who is due one, when, and what it says.

A reviewer who has not decided an open proposal gets a DM at most once per interval
(default daily), at or after 09:00 in their own time zone and before 18:00, never on the
workspace's quiet days, and not before an interval has passed since they were asked.
Once the review-by date has passed the reminder says so, more sharply. "Remind me
tomorrow" holds reminders back until the next day. Reminders stop when the reviewer
decides or the proposal closes, because only undecided reviewers of open proposals are
considered at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from slackbot.org.shape import Guardrails
from slackbot.people import People, Person
from slackbot.proposals.model import CREATED, EDITED, IN_REVIEW, Proposal
from slackbot.scheduling.delivery import Delivery, Outgoing
from slackbot.services import Services
from slackbot.settings import Settings, load_settings
from slackbot.ui.reminder import reminder_message

WINDOW_START = time(9, 0)
WINDOW_END = time(18, 0)


@dataclass(frozen=True)
class DueReminder:
    proposal: Proposal
    reviewer: Person
    local_day: date
    overdue_days: int  # 0 when not overdue
    guardrails: Guardrails = field(default_factory=Guardrails)  # a reminder flags them too

    @property
    def key(self) -> str:
        p = self.proposal
        return f"reminder:{p.team_id}:{p.id}:v{p.version}:{self.reviewer.user_id}:{self.local_day.isoformat()}"


def reminder_key_parts(key: str) -> dict[str, str]:
    _, team_id, proposal_id, version, user_id, day = key.split(":")
    return {
        "team_id": team_id,
        "proposal_id": proposal_id,
        "version": version[1:],
        "user_id": user_id,
        "day": day,
    }


def due_reminders(services: Services, people: People, now: datetime) -> list[DueReminder]:
    """Every reminder that is due at `now` (keys not yet checked: the sender does that)."""
    due: list[DueReminder] = []
    store = services.store
    teams = [
        r["team_id"]
        for r in store.db.query(
            "select distinct team_id from proposals where status in ('in_review', 'changes_requested')"
        )
    ]
    for team_id in teams:
        if not services.acting_in(team_id):  # uninstalled or revoked: its jobs stop
            continue
        settings = load_settings(store, team_id, default_timezone=services.config.timezone)
        # a proposal sent back to its author waits on the author, not the reviewers
        proposals = [
            p
            for p in services.proposals.open_proposals(team_id, limit=1000)
            if p.status == IN_REVIEW
        ]
        people.prefetch(team_id, {r for p in proposals for r in p.waiting_on}, now=now)
        for proposal in proposals:
            asked = _last_asked(services, proposal)
            for reviewer_id in proposal.waiting_on:
                person = people.get(team_id, reviewer_id, now=now)
                reminder = reminder_due(
                    proposal,
                    person,
                    settings,
                    now=now,
                    asked_at=asked,
                    last_reminded=_last_reminded(services, proposal, reviewer_id),
                    snoozed_until=_snoozed_until(services, proposal.id, reviewer_id),
                )
                if reminder:
                    due.append(reminder)
    return due


def reminder_due(
    proposal: Proposal,
    person: Person,
    settings: Settings,
    *,
    now: datetime,
    asked_at: datetime,
    last_reminded: datetime | None,
    snoozed_until: datetime | None,
) -> DueReminder | None:
    """The rule for one reviewer of one proposal at one instant; pure.

    A snooze ("Remind me tomorrow") holds reminders until it ends, then brings the next
    one at once, whatever the interval."""
    zone = person.zone
    local = now.astimezone(zone)
    if not in_window(local, settings):
        return None
    if snoozed_until and now < snoozed_until:
        return None
    snooze_over = snoozed_until is not None and (
        last_reminded is None or last_reminded < snoozed_until
    )
    last = max(asked_at, last_reminded) if last_reminded else asked_at
    days_since = (local.date() - last.astimezone(zone).date()).days
    if days_since < settings.reminder_interval_days and not snooze_over:
        return None
    overdue = max(0, (local.date() - proposal.review_by).days)
    return DueReminder(proposal, person, local.date(), overdue, settings.guardrails)


def in_window(local: datetime, settings: Settings) -> bool:
    """A working day (not quiet) between 09:00 and 18:00, in the reviewer's own time."""
    return local.weekday() not in settings.quiet_days and WINDOW_START <= local.time() < WINDOW_END


def next_morning(now: datetime, zone: Any) -> datetime:
    """09:00 tomorrow in the person's zone: where "Remind me tomorrow" snoozes to."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, WINDOW_START, tzinfo=zone)


def outgoing(reminder: DueReminder, *, link: str | None) -> Outgoing:
    return Outgoing(
        key=reminder.key,
        team_id=reminder.proposal.team_id,
        kind="reminder",
        target=reminder.reviewer.user_id,
        message=reminder_message(
            reminder.proposal,
            overdue_days=reminder.overdue_days,
            link=link,
            local_day=reminder.local_day,
            guardrails=reminder.guardrails,
        ),
        proposal_id=reminder.proposal.id,
    )


def rebuild(
    services: Services, people: People, delivery: Delivery, link: Any, now: datetime
) -> dict[str, Any] | None:
    """A fresh message for a failed reminder, or None when it is no longer needed: the
    reviewer decided, the proposal moved on, or the reminder's day and window are over
    (the next day's reminder has a key of its own)."""
    parts = reminder_key_parts(delivery.key)
    try:
        proposal = services.proposals.get(parts["team_id"], int(parts["proposal_id"]))
    except Exception:
        return None
    if (
        proposal.status != IN_REVIEW
        or str(proposal.version) != parts["version"]
        or parts["user_id"] not in proposal.waiting_on
    ):
        return None
    day = date.fromisoformat(parts["day"])
    settings = load_settings(
        services.store, parts["team_id"], default_timezone=services.config.timezone
    )
    local = now.astimezone(people.get(parts["team_id"], parts["user_id"], now=now).zone)
    if local.date() != day or not in_window(local, settings):
        return None
    return reminder_message(
        proposal,
        overdue_days=max(0, (day - proposal.review_by).days),
        link=link(proposal),
        local_day=day,
        guardrails=settings.guardrails,
    )


def _last_asked(services: Services, proposal: Proposal) -> datetime:
    asked = [
        e.at
        for e in services.proposals.history(proposal.id)
        if e.kind in (CREATED, EDITED) and e.version == proposal.version
    ]
    last = asked[-1] if asked else proposal.updated_at
    # a later stage of its policy asks its reviewers when the stage before it passes
    if proposal.stage_started_at and proposal.stage_started_at > last:
        return proposal.stage_started_at
    return last


def _last_reminded(services: Services, proposal: Proposal, reviewer_id: str) -> datetime | None:
    prefix = f"reminder:{proposal.team_id}:{proposal.id}:v{proposal.version}:{reviewer_id}:"
    # a range on the primary key (not LIKE, which is case-insensitive and skips the index)
    rows = list(
        services.store.db.query(
            "select max(coalesce(sent_at, claimed_at)) as at from deliveries "
            "where key >= ? and key < ? and status in ('sent', 'sending', 'unknown')",
            [prefix, prefix + "\uffff"],
        )
    )
    value = rows[0]["at"] if rows else None
    return datetime.fromisoformat(value) if value else None


def _snoozed_until(services: Services, proposal_id: int, reviewer_id: str) -> datetime | None:
    rows = list(
        services.store.db.query(
            "select until from snoozes where proposal_id = ? and reviewer_id = ?",
            [proposal_id, reviewer_id],
        )
    )
    return datetime.fromisoformat(rows[0]["until"]) if rows else None


def snooze(services: Services, proposal_id: int, reviewer_id: str, until: datetime) -> None:
    with services.store.write() as db:
        db["snoozes"].upsert(
            {
                "proposal_id": proposal_id,
                "reviewer_id": reviewer_id,
                "until": until.isoformat(timespec="seconds"),
            },
            pk=("proposal_id", "reviewer_id"),
        )
