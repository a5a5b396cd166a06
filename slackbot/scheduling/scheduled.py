"""The passes the scheduler runs, and `orgbot digest` / `orgbot remind` run by hand: the
same code either way, so a hand run next to a running bot never doubles a post."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from slack_sdk import WebClient

from slackbot.blockkit.render import render_blocks
from slackbot.people import People
from slackbot.proposals.messenger import (
    CARD,
    DM,
    PROPOSAL_KINDS,
    REPLY,
    ProposalMessenger,
    recorded,
)
from slackbot.scheduling import digest, reminders
from slackbot.scheduling.delivery import Deliveries, Delivery, Outgoing, Sender
from slackbot.services import Services
from slackbot.settings import known_teams, load_settings

logger = logging.getLogger("orgbot.scheduled")
# a pass's workspaces served side by side: threads that mostly wait on Slack (Retry-After)
WORKSPACES_AT_ONCE = 100


@dataclass
class PassReport:
    """What a pass did: each outgoing post by key, with its result."""

    results: dict[str, str] = field(default_factory=dict)
    previews: list[str] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for r in self.results.values() if r == result)


class ScheduledPosts:
    """The digest and reminder passes. `client=None` is for dry runs: nothing is sent and
    Slack is never asked (people get the workspace's time zone, messages no permalinks)."""

    # how many workspaces a reminder or digest pass serves at once (each its own thread,
    # waiting out its own 429s); see docs/performance.md
    workspaces_at_once = WORKSPACES_AT_ONCE

    def __init__(self, services: Services, client: WebClient | None):
        self.services = services
        self.client = client
        self.deliveries = Deliveries(services.store)
        self.sender = Sender(self.deliveries, client, services.clock.now)
        self.people = People(services.store, client, default_tz=services.config.timezone)
        self.messenger = ProposalMessenger(client, services)

    # reminders ------------------------------------------------------------------------------

    def remind(self, *, at: datetime | None = None, dry_run: bool = False) -> PassReport:
        now = at or self.services.clock.now()
        report = PassReport()
        by_team: dict[str, list[Outgoing]] = {}
        for reminder in reminders.due_reminders(self.services, self.people, now):
            item = reminders.outgoing(reminder, link=self.messenger.permalink(reminder.proposal))
            by_team.setdefault(item.team_id, []).append(item)
        self._send_by_workspace(by_team, report, dry_run)
        if not dry_run:
            # past a stage's deadline: after the reminders, its fallback approvers are asked
            report.results.update(self.messenger.escalate_due())
        return report

    # digests --------------------------------------------------------------------------------

    def digest(
        self, *, at: datetime | None = None, dry_run: bool = False, team_id: str | None = None
    ) -> PassReport:
        now = at or self.services.clock.now()
        report = PassReport()
        by_team: dict[str, list[Outgoing]] = {}
        for team in [team_id] if team_id else known_teams(self.services.store):
            if not self.services.acting_in(team):  # uninstalled or revoked: no digest
                continue
            settings = load_settings(
                self.services.store, team, default_timezone=self.services.config.timezone
            )
            period = digest.due_digest(settings, now, self.deliveries)
            if period is None:
                continue
            item = digest.outgoing(self.services, period, now, self.messenger.permalink)
            by_team.setdefault(team, []).append(item)
        self._send_by_workspace(by_team, report, dry_run)
        return report

    # upkeep ---------------------------------------------------------------------------------

    def upkeep(self) -> dict[str, int]:
        """Reconcile posts a crash interrupted, then send failed ones that are due and
        queued ones: proposal cards a dead process left (linked once posted, and their
        reviewers asked), DMs and replies, and card redraws."""
        self.messenger.publishing.reconcile()  # pictures a crash cut short: check the thread
        counts = self.sender.reconcile()
        if took_effect := self.take_effect():  # announced just below
            counts["took_effect"] = took_effect
        counts["retried"] = self.messenger.announcements_due()  # changes a dead process left
        self.messenger.queue_missing_cards()
        counts["retried"] += self.sender.retry_failed(self._rebuild, exclude=PROPOSAL_KINDS)
        proposal_posts = self.messenger.sender  # answers a 429 at once: due at Retry-After
        counts["retried"] += proposal_posts.retry_failed(self.messenger.rebuild, kinds=(CARD,))
        self.messenger.settle_cards()  # link the cards just posted or found; queue their DMs
        counts["retried"] += proposal_posts.retry_failed(self.messenger.rebuild, kinds=(DM, REPLY))
        counts["retried"] += self.messenger.redraw_due()
        # proposal pictures and the org canvas: queued, failed and due, or missing
        counts["retried"] += self.messenger.publishing.due()
        return counts

    def take_effect(self) -> int:
        """Approved proposals whose effective date has come (in their workspace's time zone)
        become the current org, each in one transaction with its announcement queued, so a
        crash right after the write still announces it (the upkeep runs what is queued) and
        a second pass, process or restart finds it done and writes nothing."""
        proposals = self.services.proposals
        done = 0
        today: dict[str, date] = {}
        for proposal in proposals.scheduled(None):
            if proposal.team_id not in today:
                today[proposal.team_id] = proposals.today(proposal.team_id)
            if proposal.effective_on and proposal.effective_on > today[proposal.team_id]:
                continue
            change = partial(proposals.take_effect, proposal.team_id, proposal.id)
            outcome = recorded(self.services, change)
            if outcome is not None:
                done += 1
                logger.info(
                    "proposal #%s of %s: %s on %s",
                    proposal.number,
                    proposal.team_id,
                    outcome.kind,
                    proposal.effective_on,
                )
        return done

    def _rebuild(self, delivery: Delivery) -> dict | None:
        if delivery.kind == "reminder":
            return reminders.rebuild(
                self.services,
                self.people,
                delivery,
                self.messenger.permalink,
                self.services.clock.now(),
            )
        period = digest.period_from_key(self.services, delivery)
        if period is None:
            return None
        return digest.digest_content(
            self.services, period, self.services.clock.now(), self.messenger.permalink
        )

    def _send_by_workspace(
        self, by_team: dict[str, list[Outgoing]], report: PassReport, dry_run: bool
    ) -> None:
        """Send each workspace's posts in order, the workspaces side by side (at most
        `workspaces_at_once`): Slack's limits are per workspace and method, so a 429 in
        one workspace (waited out, exactly Retry-After, by that workspace's thread) never
        holds another back."""
        if dry_run or len(by_team) <= 1 or self.workspaces_at_once <= 1:
            for items in by_team.values():
                for item in items:
                    self._handle(item, report, dry_run)
            return
        lock = threading.Lock()

        def one_workspace(items: list[Outgoing]) -> None:
            own = PassReport()
            for item in items:
                self._handle(item, own, dry_run)
            with lock:
                report.results.update(own.results)

        workers = min(self.workspaces_at_once, len(by_team))
        with ThreadPoolExecutor(workers, thread_name_prefix="orgbot-workspace") as pool:
            for future in [pool.submit(one_workspace, items) for items in by_team.values()]:
                future.result()

    def _handle(self, item: Outgoing, report: PassReport, dry_run: bool) -> None:
        if dry_run:
            if self.deliveries.get(item.key) is not None:
                return
            report.results[item.key] = "would send"
            text = render_blocks(item.message["blocks"], width=88).text
            report.previews.append(f"--- {item.key} -> {item.target}\n{text}")
            return
        result = self.sender.send(item)
        report.results[item.key] = result
        if result not in ("sent", "taken"):
            logger.warning("%s: %s", item.key, result)
