"""The review reminder DM."""

from __future__ import annotations

from datetime import date
from typing import Any

from slackbot import ids
from slackbot.org.shape import Guardrails, shape
from slackbot.proposals.model import Proposal
from slackbot.ui.common import actions, button, context, escape, message, section
from slackbot.ui.org_shape import flags_blocks
from slackbot.ui.proposal_card import day, review_actions


def reminder_message(
    proposal: Proposal,
    *,
    overdue_days: int,
    link: str | None,
    local_day: date,
    guardrails: Guardrails | None = None,
) -> dict[str, Any]:
    """The reminder DM: what waits, the decision buttons, and (above them) where the
    proposal is outside the workspace's guardrails."""
    title = f"#{proposal.number} “{escape(proposal.title)}”"
    if link:
        title = f"<{link}|{title}>"
    waited = (local_day - proposal.updated_at.date()).days
    if overdue_days:
        lead = (
            f":warning: *Overdue:* your review of {title} was due {day(proposal.review_by)} "
            f"({overdue_days} day{'s' if overdue_days != 1 else ''} ago). <@{proposal.author_id}> is "
            "waiting: decide now, or comment to say what's blocking."
        )
        fallback = (
            f"Overdue: your review of proposal #{proposal.number} was due {day(proposal.review_by)}"
        )
    else:
        lead = (
            f":alarm_clock: Reminder: <@{proposal.author_id}> is waiting for your review of {title}"
            f" (waiting {max(waited, 1)} day{'s' if max(waited, 1) != 1 else ''}; review by "
            f"{day(proposal.review_by)})."
        )
        fallback = f"Reminder: proposal #{proposal.number} is waiting for your review"
    blocks = [
        section(lead),
        *(flags_blocks(shape(proposal.structure), guardrails) if guardrails else []),
        review_actions(proposal),
        actions(
            button("Remind me tomorrow", ids.SNOOZE, str(proposal.id)),
            block_id=f"snooze_{proposal.id}",
        ),
        context(
            f"These buttons are for version {proposal.version}; if the proposal is edited "
            "you get a new request. Reminders stop once you decide."
        ),
    ]
    return message(fallback, blocks)


def snoozed_message(proposal: Proposal) -> dict[str, Any]:
    text = (
        f":zzz: OK, I'll remind you about #{proposal.number} “{escape(proposal.title)}” tomorrow."
    )
    return message(text, [section(text), review_actions(proposal)])
