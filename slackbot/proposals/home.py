"""Gathering what a person's Home tab shows."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from slackbot.proposals.messenger import ProposalMessenger
from slackbot.proposals.model import NotFound
from slackbot.services import Services
from slackbot.ui.common import context
from slackbot.ui.home import home_view


def build_home(services: Services, client: WebClient, team_id: str, user_id: str) -> dict[str, Any]:
    proposals = services.proposals
    messenger = ProposalMessenger(client, services)
    decisions = []
    for event in proposals.recent_decisions(team_id, limit=5):
        try:
            decisions.append((event, proposals.get(team_id, event.proposal_id)))
        except NotFound:
            continue
    current = proposals.current_org(team_id)
    current_number = None
    if current is not None and current.proposal_id:
        current_number = proposals.get(team_id, current.proposal_id).number
    view = home_view(
        user_id=user_id,
        today=services.today(team_id),
        awaiting=proposals.awaiting(team_id, user_id),
        awaiting_total=proposals.count_awaiting(team_id, user_id),
        mine=proposals.authored(team_id, user_id),
        decisions=decisions,
        current=current,
        current_number=current_number,
        scheduled=proposals.scheduled(team_id),
        admin_notes=services.admin_notes(team_id, user_id, client),
        link=messenger.permalink,
        away_notes=away_notes(services, team_id, user_id),
        names=services.members.shown_names(
            team_id, current.structure.holders() if current else []
        ).get,
        is_away=is_away(services, team_id, user_id),
    )
    # the picture of the current org, uploaded once per version (slackbot/publishing)
    picture = messenger.publishing.current.note(current)
    if picture and len(view["blocks"]) < 100:
        blocks = view["blocks"]
        at = next(  # under the current org, above the admins' notes
            (
                i - 1
                for i, b in enumerate(blocks)
                if str((b.get("text") or {}).get("text", "")).startswith("*For admins*")
            ),
            len(blocks),
        )
        blocks.insert(at, context(picture))
    return view


def is_away(services: Services, team_id: str, user_id: str) -> bool:
    from slackbot.policies import delegation

    today = services.today(team_id)
    return delegation.current(services.store.db, team_id, user_id, today=today) is not None


def away_notes(services: Services, team_id: str, user_id: str) -> list[str]:
    """The person's delegation, both ways, with the commands that change it."""
    from slackbot.policies import delegation

    today = services.today(team_id)
    db = services.store.db
    notes = []
    mine = delegation.current(db, team_id, user_id, today=today)
    if mine is not None:
        notes.append(
            f":zzz: Away from {mine.starts:%a %-d %b} until {mine.ends:%a %-d %b}: "
            f"<@{mine.delegate_id}> decides for you. `/org-proposal back` ends it."
        )
    for d in delegation.standing_in_for(db, team_id, user_id, today=today):
        notes.append(
            f"You decide for <@{d.user_id}> until {d.ends:%a %-d %b}; their reviews are below."
        )
    if not notes:
        notes.append(
            "Away soon? `/org-proposal away until DATE to @someone` lets them decide for you."
        )
    return notes
