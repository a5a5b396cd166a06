"""Telling Slack what happened to a proposal: the card (posted, then updated in place),
thread replies, and DMs to reviewers and the author. Called after the ack (see
`slackbot.background`), so none of this delays an answer to Slack.

A failed call never loses anything: the proposal was stored before any of this runs, a
card that could not be posted is marked so, and its author is told how to fix it.

A 429 is not a failure: on the posting lane it raises `RateLimited`. Posting the card
lets it through (the whole task is run again later: nothing was sent yet); each later
step (a redraw, a thread reply, one DM) is put back on its own with
`background.now_or_later`, so a repeat never sends an earlier step twice.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.proposals.model import (
    APPROVE,
    COMMENTED,
    CREATED,
    EDITED,
    REJECT,
    REQUEST_CHANGES,
    Outcome,
    Proposal,
)
from slackbot.services import Services
from slackbot.slack_errors import error_code, explain
from slackbot.slack_history import find_posted, outcome_uncertain
from slackbot.ui import proposal_card as ui

logger = logging.getLogger("orgbot.proposals")
CARD_EVENT = "orgbot_proposal_card"
SLACK_FAILURES = (SlackApiError, OSError)


class ProposalMessenger:
    def __init__(self, client: WebClient, services: Services):
        self.client = client
        self.services = services
        self.proposals = services.proposals

    # links ------------------------------------------------------------------------------

    def permalink(self, proposal: Proposal) -> str | None:
        """The card's address, built from the workspace URL (one auth.test per process)."""
        if not proposal.message_ts:
            return None
        base = self.services.workspace_url(self.client)
        if not base:
            return None
        return f"{base.rstrip('/')}/archives/{proposal.channel_id}/p{proposal.message_ts.replace('.', '')}"

    # the card ---------------------------------------------------------------------------

    def card(self, proposal: Proposal) -> dict[str, Any]:
        return ui.proposal_card(
            proposal,
            self.services.catalog_for(proposal.team_id),
            self.proposals.current_org(proposal.team_id),
        )

    def post_card(self, proposal: Proposal) -> Proposal:
        """Post the card in its channel, once; on failure, mark it and tell the author how
        to fix it."""
        with self.services.card_lock(proposal.id):
            latest = self.proposals.get(proposal.team_id, proposal.id)
            if latest.message_ts:  # posted already (a second "Post again" click)
                return latest
            if latest.post_error and (found := self._find_card(latest)):
                return self.proposals.record_posted(latest, *found)  # an earlier try arrived
            return self._post_card(latest)

    def _find_card(self, proposal: Proposal) -> tuple[str, str] | None:
        found = find_posted(
            self.client, proposal.channel_id, CARD_EVENT, {"proposal_id": proposal.id}
        )
        return found if isinstance(found, tuple) else None

    def _post_card(self, proposal: Proposal) -> Proposal:
        try:
            result = self.client.chat_postMessage(
                channel=proposal.channel_id,
                metadata={"event_type": CARD_EVENT, "event_payload": {"proposal_id": proposal.id}},
                **self.card(proposal),
            )
        except SLACK_FAILURES as error:
            if outcome_uncertain(error) and (found := self._find_card(proposal)):
                return self.proposals.record_posted(proposal, *found)  # it arrived after all
            code = error_code(error)
            logger.warning(
                "could not post proposal #%s in %s: %s", proposal.number, proposal.channel_id, code
            )
            failed = self.proposals.record_post_failed(proposal, code)
            note = explain(error, channel_id=proposal.channel_id, retry="press *Post again*")
            self.dm(proposal.author_id, ui.post_failed_dm(failed, note))
            return failed
        return self.proposals.record_posted(proposal, result["channel"], result["ts"])

    def update_card(self, proposal: Proposal) -> None:
        """Redraw the card in place from the latest record (not from the change that asked
        for it, which a later change may already have overtaken)."""
        with self.services.card_lock(proposal.id):
            latest = self.proposals.get(proposal.team_id, proposal.id)
            if not latest.message_ts:
                return
            try:
                self.client.chat_update(
                    channel=latest.channel_id, ts=latest.message_ts, **self.card(latest)
                )
            except SLACK_FAILURES as error:
                logger.warning(
                    "could not update the card of #%s: %s", latest.number, error_code(error)
                )

    def refresh_open_cards(self, team_id: str, *, except_id: int | None = None) -> None:
        """After the current org changes, every open proposal's "what changes" does too."""
        for proposal in self.proposals.open_proposals(team_id, limit=10_000):
            if proposal.id != except_id:
                self._step(self.update_card, proposal)

    def reply(self, outcome: Outcome) -> None:
        p = outcome.proposal
        if not p.message_ts:
            return
        try:
            self.client.chat_postMessage(
                channel=p.channel_id, thread_ts=p.message_ts, **ui.outcome_reply(outcome)
            )
        except SLACK_FAILURES as error:
            logger.warning("could not reply under #%s: %s", p.number, error_code(error))

    # DMs --------------------------------------------------------------------------------

    def dm(self, user_id: str, message: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return self.client.chat_postMessage(channel=user_id, **message).data  # type: ignore[return-value]
        except SLACK_FAILURES as error:
            logger.warning("could not DM %s: %s", user_id, error_code(error))
            return None

    def ask_reviewers(self, proposal: Proposal, reviewers: tuple[str, ...] | None = None) -> None:
        link = self.permalink(proposal)
        for reviewer in reviewers if reviewers is not None else proposal.reviewers:
            self._step(self.dm, reviewer, ui.review_request(proposal, link=link))

    # what happened ------------------------------------------------------------------------

    def announce(self, outcome: Outcome) -> None:
        """Everything Slack should show after a change: the card, a thread reply, DMs."""
        p = outcome.proposal
        if outcome.kind == CREATED:
            posted = self.post_card(p)
            self.ask_reviewers(posted)
            return
        self._step(self.update_card, p)
        self._step(self.reply, outcome)
        if outcome.org_version is not None:
            self.refresh_open_cards(p.team_id, except_id=p.id)
        if outcome.kind == EDITED:
            self.ask_reviewers(p)
        elif (
            outcome.kind in (APPROVE, REQUEST_CHANGES, REJECT, COMMENTED)
            and outcome.actor_id != p.author_id
        ):
            self._step(self.dm, p.author_id, ui.author_update(outcome, link=self.permalink(p)))

    def _step(self, fn: Any, *args: Any) -> Any:
        """One step of a longer task: a 429 puts back this step alone."""
        return self.services.background.now_or_later(fn, *args)
