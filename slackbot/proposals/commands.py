"""Answering `/org-proposal <text>`, and building the proposal modal for every entry point."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slackbot.org.structure import Structure, diff, starter_text
from slackbot.proposals.model import NotFound, Proposal
from slackbot.services import Services
from slackbot.ui import proposal_lists as ui
from slackbot.ui.common import escape, simple_message
from slackbot.ui.proposal_modal import proposal_modal

DEFAULT_REVIEW_DAYS = 7
_SHOW = re.compile(r"^(?:show|view|#)\s*#?(\d+)$|^#?(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class CommandAnswer:
    """A message to show (ephemeral), or a modal to open: `modal` is `new` or `settings`."""

    message: dict[str, Any] | None = None
    modal: str | None = None


def answer_org_proposal(services: Services, team_id: str, user_id: str, text: str) -> CommandAnswer:
    words = " ".join((text or "").split())
    lowered = words.lower()
    proposals = services.proposals
    if lowered in ("", "new", "create", "propose"):
        return CommandAnswer(modal="new")
    if lowered in ("help", "?", "-h", "--help"):
        return CommandAnswer(ui.help_message())
    if lowered in ("list", "ls", "all"):
        return CommandAnswer(
            ui.list_message(
                proposals.open_proposals(team_id),
                proposals.recent(team_id),
                open_total=proposals.count_open(team_id),
            )
        )
    if lowered in ("current", "org", "chart", "current org"):
        return CommandAnswer(current_org_message(services, team_id))
    if lowered in ("settings", "config"):
        return CommandAnswer(modal="settings")
    match = _SHOW.match(lowered)
    if match:
        number = int(match.group(1) or match.group(2))
        try:
            proposal = proposals.by_number(team_id, number)
        except NotFound as error:
            return CommandAnswer(simple_message(str(error)))
        current = proposals.current_org(team_id)
        holders = proposal.structure.holders() + (current.structure.holders() if current else [])
        return CommandAnswer(
            ui.show_message(
                proposal,
                proposals.history(proposal.id),
                services.catalog_for(team_id),
                current,
                guardrails=services.guardrails(team_id),
                names=services.members.shown_names(team_id, holders).get,
            )
        )
    if lowered.startswith("show"):
        return CommandAnswer(
            simple_message("Say which proposal by its number: `/org-proposal show 12`.")
        )
    return CommandAnswer(
        simple_message(
            f"I don't know “{escape(words)}”. Try `/org-proposal` to propose a change, or "
            "`/org-proposal help` for everything else."
        )
    )


def current_org_message(services: Services, team_id: str) -> dict[str, Any]:
    current = services.proposals.current_org(team_id)
    number = None
    if current is not None and current.proposal_id:
        number = services.proposals.get(team_id, current.proposal_id).number
    holders = current.structure.holders() if current else []
    return ui.current_message(
        current,
        number,
        guardrails=services.guardrails(team_id),
        names=services.members.shown_names(team_id, holders).get,
    )


def new_proposal_modal(
    services: Services,
    team_id: str,
    *,
    channel_id: str | None,
    role_ids: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The form for a new proposal: the structure starts from the current org chart (plus
    any roles a comparison suggested), reviews are due in a week."""
    current = services.proposals.current_org(team_id)
    structure = current.structure if current else Structure()
    note = None
    if current:
        note = f"The structure starts from the current org chart (version {current.version}); change what you propose to change."
    title = ""
    catalog = services.catalog_for(team_id)
    if role_ids:
        names = [catalog[r].short_name for r in role_ids if r in catalog]
        title = " and ".join(names) + " in our structure" if names else ""
    return proposal_modal(
        # holders as @name when the member directory has a name only they answer to
        structure_text=starter_text(
            catalog, structure, role_ids, names=services.members.resolver(team_id, None)
        ),
        review_by=services.today(team_id) + timedelta(days=DEFAULT_REVIEW_DAYS),
        channel_id=channel_id,
        title=title,
        note=note,
        base_org_version=current.version if current else 0,
    )


def edit_proposal_modal(services: Services, proposal: Proposal) -> dict[str, Any]:
    """The form pre-filled with the proposal's current version (a review-by date that has
    passed moves a week out, since the form would refuse it)."""
    today = services.today(proposal.team_id)
    review_by = proposal.review_by
    if review_by < today:
        review_by = today + timedelta(days=DEFAULT_REVIEW_DAYS)
    current = services.proposals.current_org(proposal.team_id)
    note = None
    if current is not None and current.version != proposal.base_org_version:
        since = services.proposals.org_version(proposal.team_id, proposal.base_org_version)
        changes = diff(since.structure if since else Structure(), current.structure)
        listed = (
            "; ".join(f"{c.kind} {escape(c.title)}" for c in changes[:8]) or "no visible change"
        )
        note = (
            f"The org chart changed since this proposal was written (now version "
            f"{current.version}: {listed}). The structure below replaces the whole chart, so "
            "keep those changes in it."
        )
    return proposal_modal(
        structure_text=proposal.structure_text,
        review_by=review_by,
        channel_id=proposal.channel_id,
        proposal=proposal,
        note=note,
        base_org_version=current.version if current else 0,
    )
