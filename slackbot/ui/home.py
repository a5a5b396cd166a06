"""The Home tab: what waits on you, your proposals, recent decisions, the current org."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slackbot import ids
from slackbot.blockkit import limits
from slackbot.proposals.model import DECISION_EMOJI, DECISIONS, Event, OrgVersion, Proposal
from slackbot.ui.common import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    fit_blocks,
    header,
    section,
    without_empty,
)
from slackbot.ui.proposal_card import Names, day, review_actions, when
from slackbot.ui.proposal_lists import coming_up_note, current_org_blocks, list_line


def home_view(
    *,
    user_id: str,
    today: date,
    awaiting: Sequence[Proposal],
    awaiting_total: int | None = None,
    mine: Sequence[Proposal],
    decisions: Sequence[tuple[Event, Proposal]],
    current: OrgVersion | None,
    current_number: int | None,
    scheduled: Sequence[Proposal] = (),
    admin_notes: Sequence[str] = (),
    link: Any = None,
    away_notes: Sequence[str] = (),
    names: Names | None = None,
    is_away: bool = False,
) -> dict[str, Any]:
    """Build the Home tab. `link(proposal)` gives a card's permalink, or None.
    `scheduled`: approved proposals waiting for their effective date.
    `awaiting` may be the first few; `awaiting_total` is how many wait on the person."""
    total = len(awaiting) if awaiting_total is None else awaiting_total
    blocks: list[Block] = [
        header("orgbot"),
        section(
            "Plan your org in Slack: compare leadership roles, propose changes, and review them."
        ),
        actions(
            button("New proposal", ids.NEW_PROPOSAL_BUTTON, style="primary"),
            button("Compare roles", ids.OPEN_ROLE_PICKER),
            button("Back now", ids.BACK_BUTTON) if is_away else button("Away…", ids.AWAY_BUTTON),
            block_id="home_actions",
        ),
        divider(),
        section(f"*Waiting on your review* ({total})"),
    ]
    if away_notes:
        blocks.append(context(*away_notes))
    if not awaiting:
        blocks.append(context("Nothing waits on you. :tada:"))
    for proposal in awaiting[:10]:
        title = _linked(proposal, link)
        overdue = " · *overdue*" if proposal.review_by < today else ""
        blocks.append(
            section(
                f"*{title}*\nby <@{proposal.author_id}> · review by {day(proposal.review_by)}{overdue} · "
                f"version {proposal.version}"
            )
        )
        blocks.append(review_actions(proposal))
    shown = min(len(awaiting), 10)
    if total > shown:
        blocks.append(
            context(
                f"…and {total - shown} more waiting on you (the earliest review-by dates are "
                "above): `/org-proposal list` shows every open proposal."
            )
        )
    blocks += [divider(), section("*Your proposals*")]
    if mine:
        blocks.append(section("\n".join(list_line(p) for p in mine[:10])))
        failed = [p for p in mine if p.post_error and not p.message_ts]
        for p in failed[:3]:
            blocks.append(
                section(
                    f":warning: #{p.number} is not posted in <#{p.channel_id}> yet ({escape(p.post_error or '')}).",
                    accessory=button("Post again", ids.RETRY_POST, str(p.id)),
                )
            )
    else:
        blocks.append(context("You haven't proposed anything yet."))
    blocks += [divider(), section("*Recent decisions*")]
    if decisions:
        lines = [
            f"{DECISION_EMOJI.get(e.kind, ':leftwards_arrow_with_hook:')} <@{e.actor_id}> "
            f"{_verb(e.kind)} *#{p.number}* {escape(p.title)} · {when(e.at)}"
            for e, p in decisions
        ]
        blocks.append(section("\n".join(lines)))
    else:
        blocks.append(context("No decisions yet."))
    blocks.append(divider())
    blocks.extend(current_org_blocks(current, number=current_number, names=names))
    if note := coming_up_note(scheduled):
        blocks.append(context(note))
    if admin_notes:
        blocks += [divider(), section("*For admins*\n" + "\n".join(admin_notes))]
    return {
        "type": "home",
        "blocks": fit_blocks(without_empty(blocks), limits.VIEW_BLOCKS),
        "callback_id": "home",
    }


def _verb(kind: str) -> str:
    if kind in DECISIONS:
        return {
            "approved": "approved",
            "changes_requested": "requested changes to",
            "rejected": "rejected",
        }[kind]
    return "withdrew"


def _linked(proposal: Proposal, link: Any) -> str:
    url = link(proposal) if link else None
    text = f"#{proposal.number} {escape(proposal.title)}"
    return f"<{url}|{text}>" if url else text
