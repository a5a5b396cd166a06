"""Showing the org in Slack beyond messages: each open proposal version's before/after
picture in its card's thread (`pictures.py`), the current org's picture that
`/org-proposal current` and the Home tab link to (`current.py`), and the optional canvas of the current org
(`canvas.py`). Both are deliveries (`slackbot.scheduling.delivery`): sent once, retried by
the scheduler's upkeep, and never in the way of the card or the change that caused them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from slackbot.proposals.model import CREATED, EDITED, Outcome, Proposal
from slackbot.publishing.canvas import CANVAS, OrgCanvas
from slackbot.publishing.current import ORG_PICTURE, CurrentChart
from slackbot.publishing.pictures import PICTURE, ProposalPictures, card_note
from slackbot.services import Services

__all__ = [
    "CANVAS",
    "ORG_PICTURE",
    "PICTURE",
    "CurrentChart",
    "OrgCanvas",
    "ProposalPictures",
    "Publishing",
    "card_note",
]

logger = logging.getLogger("orgbot.publishing")


class Publishing:
    def __init__(
        self,
        client: WebClient | None,
        services: Services,
        *,
        redraw: Callable[[Proposal], None] | None = None,
    ):
        self.pictures = ProposalPictures(client, services, redraw=redraw)
        self.canvas = OrgCanvas(client, services)
        self.current = CurrentChart(client, services)

    def after(self, outcome: Outcome) -> None:
        """After a change was announced: a new card or version gets its picture, a new
        current org its canvas update. Never raises (each is retried by the upkeep)."""
        try:
            if outcome.kind in (CREATED, EDITED):
                self.pictures.after_change(outcome.proposal)
            if outcome.org_version is not None:
                self.canvas.org_changed(outcome.proposal.team_id)
                self.current.org_changed(outcome.proposal.team_id)
        except Exception:
            logger.exception("publishing after %s of #%s", outcome.kind, outcome.proposal.number)

    def reconcile(self) -> None:
        """Before `Sender.reconcile`: pictures a crash interrupted look in the thread first."""
        self.pictures.reconcile()

    def due(self) -> int:
        return self.pictures.due() + self.canvas.due() + self.current.due()
