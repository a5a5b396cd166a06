"""Telling Slack what happened to a proposal: the card (posted, then redrawn in place),
thread replies, and DMs to reviewers and the author. Called after the ack (see
`slackbot.background`), and by the scheduler's upkeep for whatever is left to do.

Every one of these is a delivery (`slackbot.scheduling.delivery`): claimed before the call, posted
with its key in the message metadata, reconciled from history after a crash, never posted
twice. Keys:

| key | what |
| --- | --- |
| `announce:<team>:<proposal>:<what>` | everything one change should show (queued in the change's own transaction by `recorded`); re-running it is safe, since each message below has its own key |
| `card:<team>:<proposal>` | the card in its channel |
| `redraw:<team>:<proposal>` | the card redrawn from the latest record (`chat.update`); one row a proposal, requests that pile up while one runs collapse into one more |
| `review-request:<team>:<proposal>:v<version>:<reviewer>[:s<stage>]` | the DM asking a reviewer to decide (stage 2 on) |
| `author-dm:<team>:<proposal>:<what>` / `reply:<team>:<proposal>:<what>` | the author's DM and the thread reply about one change |
| `author-dm:<team>:<proposal>:guardrails:v<version>` | the DM telling the author that a version is outside the workspace's guardrails |
| `post-failed:<team>:<proposal>:<error>` | the DM telling the author why the card could not be posted |
| `effect:<team>:<proposal>:e<event>` | the announcement that an approved proposal took effect on its date (or went back to its author): a reply in the card's thread, also sent to the channel; a message in the channel if the card was never posted |

Nothing a change should show is lost to a crash: the change and its `announce:` row are
committed together, and the scheduler's upkeep runs any announcement a dead process left.
A card that is posted is linked to its proposal (channel and ts) in the same transaction
that queues the reviewers' DMs. A 429 is not waited out here: the delivery is due again at
`Retry-After` and the scheduler's upkeep sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.installations.clients import for_team
from slackbot.org.shape import Guardrails
from slackbot.proposals import events
from slackbot.proposals.model import (
    APPROVE,
    APPROVED,
    COMMENTED,
    CREATED,
    EDITED,
    NOT_APPLIED,
    OPEN_STATUSES,
    REJECT,
    REJECTED,
    REQUEST_CHANGES,
    TOOK_EFFECT,
    NotFound,
    Outcome,
    Proposal,
)
from slackbot.publishing import Publishing, card_note
from slackbot.scheduling.delivery import (
    FAILED,
    GAVE_UP,
    METADATA_EVENT,
    SENT,
    SKIPPED,
    Deliveries,
    Delivery,
    Outgoing,
    Sender,
    deferring,
    encode_message,
    retry_after,
)
from slackbot.services import Services
from slackbot.slack_errors import error_code, explain_code
from slackbot.slack_history import find_posted
from slackbot.ui import proposal_card as ui

logger = logging.getLogger("orgbot.proposals")
SLACK_FAILURES = (SlackApiError, OSError)
CARD, REDRAW, DM, REPLY, ANNOUNCE = "card", "redraw", "dm", "reply", "announce"
PROPOSAL_KINDS = (CARD, REDRAW, DM, REPLY, ANNOUNCE)
# failures that say nothing about the channel: retried on their own, nobody is told
TRANSIENT = ("ratelimited", "interrupted before it was posted", "interrupted")


def card_key(p: Proposal) -> str:
    return f"card:{p.team_id}:{p.id}"


def redraw_key(p: Proposal) -> str:
    return f"redraw:{p.team_id}:{p.id}"


def review_key(p: Proposal, reviewer: str) -> str:
    """One request per reviewer per version, and per stage after the first (a reviewer
    in two stages of a policy is asked in each)."""
    stage = p.review.current if p.review is not None and p.review.current else 0
    suffix = f":s{stage + 1}" if stage else ""
    return f"review-request:{p.team_id}:{p.id}:v{p.version}:{reviewer}{suffix}"


def outcome_tag(outcome: Outcome) -> str:
    """What makes one change unique: its event, or (kind, version, who) where that is."""
    if outcome.event_id is not None:
        return f"e{outcome.event_id}"
    tag = f"{outcome.kind}:v{outcome.proposal.version}:{outcome.actor_id}"
    # a delegate may decide for themselves and for the one away (or for two people away)
    # in one version: each is its own change
    return tag + (f":for:{outcome.on_behalf_of}" if outcome.on_behalf_of else "")


def announcement_key(outcome: Outcome) -> str:
    p = outcome.proposal
    return f"announce:{p.team_id}:{p.id}:{outcome_tag(outcome)}"


def recorded(services: Services, change: Callable[[], Outcome | None]) -> Outcome | None:
    """Make a change (a `ProposalService` call) and queue its announcement in the same
    transaction: if the process dies right after, the scheduler's upkeep announces it.
    A change that did nothing (None) queues nothing."""
    with services.store.write():
        outcome = change()
        if outcome is None:
            return None
        p = outcome.proposal
        Deliveries(services.store).queue(
            announcement_key(outcome),
            team_id=p.team_id,
            kind=ANNOUNCE,
            target=p.channel_id,
            now=services.clock.now(),
            proposal_id=p.id,
            message={
                "kind": outcome.kind,
                "actor_id": outcome.actor_id,
                "comment": outcome.comment,
                "status_changed": outcome.status_changed,
                "org_version": outcome.org_version.version if outcome.org_version else None,
                "previous_reviewers": list(outcome.previous_reviewers),
                "org_changed": outcome.org_changed,
                "event_id": outcome.event_id,
                "newly_asked": list(outcome.newly_asked),
                "on_behalf_of": outcome.on_behalf_of,
                "escalated": outcome.escalated,
            },
        )
    return outcome


def outcome_from(services: Services, delivery: Delivery) -> Outcome | None:
    """The change an announcement row stands for, with the proposal as it is now."""
    saved = delivery.message or {}
    try:
        proposal = services.proposals.get(delivery.team_id, delivery.proposal_id or 0)
    except NotFound:
        return None
    org_version = (
        services.proposals.org_version(delivery.team_id, saved["org_version"])
        if saved.get("org_version")
        else None
    )
    return Outcome(
        proposal=proposal,
        kind=saved.get("kind", ""),
        actor_id=saved.get("actor_id", ""),
        comment=saved.get("comment") or "",
        status_changed=bool(saved.get("status_changed")),
        org_version=org_version,
        previous_reviewers=tuple(saved.get("previous_reviewers") or ()),
        org_changed=bool(saved.get("org_changed")),
        event_id=saved.get("event_id"),
        newly_asked=tuple(saved.get("newly_asked") or ()),
        on_behalf_of=saved.get("on_behalf_of"),
        escalated=bool(saved.get("escalated")),
    )


class ProposalMessenger:
    def __init__(self, client: WebClient, services: Services):
        self.client = client
        # a 429 comes back at once: rescheduled, not slept on (None: a dry run, offline)
        self.quick = deferring(client) if client is not None else client
        self.services = services
        self.proposals = services.proposals
        self.deliveries = Deliveries(services.store)
        self.sender = Sender(self.deliveries, self.quick, services.clock.now)
        # the before/after picture in the card's thread, the org canvas (slackbot/publishing)
        self.publishing = Publishing(self.quick, services)

    # links ------------------------------------------------------------------------------

    def permalink(self, proposal: Proposal) -> str | None:
        """The card's address, built from the workspace URL (one auth.test per process)."""
        if not proposal.message_ts:
            return None
        base = self.services.workspace_url(self.client, proposal.team_id)
        if not base:
            return None
        return f"{base.rstrip('/')}/archives/{proposal.channel_id}/p{proposal.message_ts.replace('.', '')}"

    # the card ---------------------------------------------------------------------------

    def card(self, proposal: Proposal) -> dict[str, Any]:
        current = self.proposals.current_org(proposal.team_id)
        holders = proposal.structure.holders() + (current.structure.holders() if current else [])
        members = self.services.members
        names = members.shown_names(proposal.team_id, holders)
        if set(holders) - names.keys() and members.needs_refresh(proposal.team_id):
            # holders written as ids before orgbot had the members: fetch them (after the
            # ack, on the posting lane) so that the card can name them
            members.refresh_soon(proposal.team_id, for_team(self.client, proposal.team_id))
            names = members.shown_names(proposal.team_id, holders)
        card = ui.proposal_card(
            proposal,
            self.services.catalog_for(proposal.team_id),
            current,
            guardrails=self.services.guardrails(proposal.team_id),
            names=names.get,
        )
        if len(card["blocks"]) < 50 and proposal.is_open:
            # the picture follows in the thread (not redrawn in: see slackbot/publishing)
            card["blocks"] = [*card["blocks"], card_note(proposal)]
        return card

    def post_card(self, proposal: Proposal, *, again: bool = False) -> Proposal:
        """Post the card in its channel, once; on a failure Slack explains, mark it and
        tell the author how to fix it. `again`: a person pressed Post again, so look for
        an earlier try first and send now whatever the backoff said."""
        with self.services.card_lock(proposal.id):
            latest = self.proposals.get(proposal.team_id, proposal.id)
            if latest.message_ts:  # posted already (a second "Post again" click)
                return latest
            key = card_key(latest)
            if again or latest.post_error:
                self._queue(key, latest, kind=CARD, target=latest.channel_id)
                if found := self._find_card(key, latest.channel_id):
                    self.deliveries.mark_sent(key, channel_id=found[0], ts=found[1], now=self.now())
                    return self.settle_card(key)
                self.deliveries.make_due(key, now=self.now())
            self._send_card(key, latest)
            return self.settle_card(key)

    def _send_card(self, key: str, proposal: Proposal) -> None:
        if not self.deliveries.claim(
            key,
            team_id=proposal.team_id,
            kind=CARD,
            target=proposal.channel_id,
            now=self.now(),
            proposal_id=proposal.id,
        ):
            return  # another thread or process has it, or it is not due yet
        status = self.sender._post(key, proposal.channel_id, self.card(proposal))
        self._when_allowed(key)
        delivery = self.deliveries.get(key)
        # a timeout or a dropped connection: Slack may have posted it; look now
        uncertain = status != SENT and delivery is not None and delivery.verify
        if uncertain and (found := self._find_card(key, proposal.channel_id)):
            self.deliveries.mark_sent(key, channel_id=found[0], ts=found[1], now=self.now())

    def _find_card(self, key: str, channel_id: str) -> tuple[str, str] | None:
        delivery = self.deliveries.get(key)
        client = for_team(self.quick, delivery.team_id if delivery else None)
        found = find_posted(client, channel_id, METADATA_EVENT, {"key": key})
        return found if isinstance(found, tuple) else None

    def settle_card(self, key: str) -> Proposal:
        """Bring the proposal in line with its card delivery: a posted card is linked (and
        the reviewers' DMs queued and sent); a card Slack refused is marked, its author
        told, and the reviewers asked anyway. Safe to repeat."""
        delivery = self.deliveries.get(key)
        assert delivery is not None and delivery.proposal_id is not None
        latest = self.proposals.get(delivery.team_id, delivery.proposal_id)
        if latest.message_ts:
            return latest
        if delivery.status == SENT and delivery.ts:
            return self._link(latest, delivery.channel_id or latest.channel_id, delivery.ts)
        refused = (
            delivery.status in (FAILED, GAVE_UP)
            and not delivery.verify
            and (delivery.last_error or "") not in TRANSIENT
        )
        if refused and latest.post_error != delivery.last_error:
            code = delivery.last_error or "unknown"
            logger.warning(
                "could not post proposal #%s in %s: %s", latest.number, latest.channel_id, code
            )
            failed = self.proposals.record_post_failed(latest, code)
            note = explain_code(code, channel_id=latest.channel_id, retry="press *Post again*")
            self._send(
                f"post-failed:{latest.team_id}:{latest.id}:{code}",
                latest,
                target=latest.author_id,
                message=ui.post_failed_dm(failed, note),
            )
            self.ask_reviewers(failed)
            return failed
        return latest

    def _link(self, proposal: Proposal, channel_id: str, ts: str) -> Proposal:
        """Record where the card is and queue the reviewers' DMs, in one transaction.

        The DMs are built before the write lock is taken (Block Kit is the slow part), from
        the proposal as read now; if it changed before the lock was taken (an edit, a
        decision), they are built again from what the transaction reads."""
        link = self.permalink(replace(proposal, channel_id=channel_id, message_ts=ts))
        expected = self.proposals.get(proposal.team_id, proposal.id)
        if expected.message_ts:
            return expected
        expected = replace(expected, channel_id=channel_id, message_ts=ts, post_error=None)
        guardrails = self.services.guardrails(proposal.team_id)
        built = self._review_requests(expected, link, guardrails)
        keys = []
        with self.services.store.write():
            latest = self.proposals.get(proposal.team_id, proposal.id)
            if latest.message_ts:
                return latest
            posted = self.proposals.record_posted(latest, channel_id, ts)
            if posted != expected:
                built = self._review_requests(posted, link, guardrails)
            for reviewer, message in built.items():
                key = review_key(posted, reviewer)
                if self._queue(key, posted, kind=DM, target=reviewer, message=message):
                    keys.append(key)
        for key in keys:
            self.sender.send_queued(key)
            self._when_allowed(key)
        return posted

    @staticmethod
    def _review_requests(
        proposal: Proposal, link: str | None, guardrails: Guardrails | None
    ) -> dict[str, str]:
        """The DM to each reviewer asked now (none once it is closed) to decide, encoded as
        its delivery row keeps it."""
        return {
            reviewer: encode_message(ui.review_request(proposal, link=link, guardrails=guardrails))
            for reviewer in (proposal.waiting_on if proposal.is_open else ())
        }

    def request_redraw(self, proposal: Proposal) -> None:
        """Redraw the card in place from the latest record (not from the change that asked
        for it, which a later change may already have overtaken). Requests made while a
        redraw is under way collapse into one more; a failed redraw is retried by the
        scheduler (at `Retry-After` after a 429)."""
        key = redraw_key(proposal)
        now = self.now()
        stamp = now.isoformat(timespec="seconds")
        with self.services.store.write() as db:
            current = self.deliveries.get(key)
            if current is None:
                self._queue(key, proposal, kind=REDRAW, target=proposal.channel_id)
            elif current.status == "sending":
                db["deliveries"].update(key, {"redo": 1})
                return
            elif current.status == FAILED and current.last_error == "ratelimited":
                pass  # due at Retry-After already; it will draw the latest then
            else:
                db["deliveries"].update(
                    key,
                    {
                        "status": "pending",
                        "next_attempt_at": stamp,
                        "attempts": 0,
                        "last_error": None,
                        "redo": 0,
                    },
                )
        self.redraw(key)

    def redraw(self, key: str) -> str:
        """Run a due redraw: claim it, draw the latest record, record how it went."""
        while True:
            delivery = self.deliveries.take(key, kind=REDRAW, now=self.now())
            if delivery is None:
                return "taken"
            # what was asked for until now is drawn by this run: it reads the record next
            self.deliveries._update(key, redo=0)
            try:
                latest = self.proposals.get(delivery.team_id, delivery.proposal_id or 0)
            except NotFound:
                latest = None
            if latest is None or not latest.message_ts:
                # no card yet: when it is posted, it is drawn from the latest record anyway
                self.deliveries._update(key, status=SKIPPED, last_error="no card to redraw")
                return SKIPPED
            try:
                for_team(self.quick, latest.team_id).chat_update(
                    channel=latest.channel_id, ts=latest.message_ts, **self.card(latest)
                )
            except SLACK_FAILURES as error:
                logger.warning(
                    "could not update the card of #%s: %s", latest.number, error_code(error)
                )
                status = self.deliveries.mark_failed(
                    key, error_code(error), now=self.now(), wait=retry_after(error)
                )
                self._when_allowed(key)
                return status
            with self.services.store.write() as db:
                again = self.deliveries.get(key)
                if again is not None and again.redo:
                    # asked for again while this one drew: draw once more, from the latest
                    db["deliveries"].update(
                        key,
                        {"status": "pending", "redo": 0, "next_attempt_at": self.now().isoformat()},
                    )
                    continue
                self.deliveries.mark_sent(
                    key, channel_id=latest.channel_id, ts=latest.message_ts, now=self.now()
                )
            return SENT

    def refresh_open_cards(self, team_id: str, *, except_id: int | None = None) -> None:
        """After the current org changes, every open proposal's "what changes" does too,
        and so does that of every approved one still waiting for its effective date."""
        waiting = self.proposals.open_proposals(team_id, limit=10_000)
        waiting += self.proposals.scheduled(team_id)
        for proposal in waiting:
            if proposal.id != except_id:
                self.request_redraw(proposal)

    def reply(self, outcome: Outcome) -> None:
        """The thread reply about a change; a decision that settles the proposal carries
        `orgbot_proposal_decided`, and a change of the current org chart follows in a reply
        of its own with `orgbot_org_changed` (docs/events.md)."""
        p = outcome.proposal
        if not p.message_ts:
            return
        message = {"thread_ts": p.message_ts, **ui.outcome_reply(outcome)}
        if outcome.status_changed and p.status in (APPROVED, REJECTED):
            org_version = outcome.org_version.version if outcome.org_version else None
            message["metadata"] = events.proposal_decided(
                team_id=p.team_id,
                proposal_number=p.number,
                status=p.status,
                decided_by=outcome.actor_id,
                org_version=org_version,
            )
        self._send(
            f"reply:{p.team_id}:{p.id}:{outcome_tag(outcome)}",
            p,
            target=p.channel_id,
            message=message,
            kind=REPLY,
        )
        if outcome.org_version is not None:
            version = outcome.org_version
            self._send(
                f"org-changed:{p.team_id}:v{version.version}",
                p,
                target=p.channel_id,
                message={
                    "thread_ts": p.message_ts,
                    **ui.org_changed_reply(p, version.version),
                    "metadata": events.org_changed(
                        team_id=p.team_id,
                        proposal_number=p.number,
                        org_version=version.version,
                        effective_date=version.effective_on,
                    ),
                },
                kind=REPLY,
            )

    # DMs --------------------------------------------------------------------------------

    def ask_reviewers(self, proposal: Proposal, reviewers: tuple[str, ...] | None = None) -> None:
        link = self.permalink(proposal)
        guardrails = self.services.guardrails(proposal.team_id)
        for reviewer in reviewers if reviewers is not None else proposal.waiting_on:
            self._send(
                review_key(proposal, reviewer),
                proposal,
                target=reviewer,
                message=ui.review_request(proposal, link=link, guardrails=guardrails),
            )

    def flag_to_author(self, proposal: Proposal) -> None:
        """Tell the author, once a version, that it is outside the workspace's guardrails
        (nothing when it is inside them, or the workspace has none)."""
        guardrails = self.services.guardrails(proposal.team_id)
        if not guardrails:
            return
        message = ui.guardrails_dm(proposal, guardrails, link=self.permalink(proposal))
        if message is not None:
            self._send(
                f"author-dm:{proposal.team_id}:{proposal.id}:guardrails:v{proposal.version}",
                proposal,
                target=proposal.author_id,
                message=message,
            )

    def escalate_due(self) -> dict[str, str]:
        """Proposals whose current stage is past its deadline: ask the stage's fallback
        approvers (or the workspace's admins orgbot knows) to decide in the reviewers'
        place, once per stage of each version. Returns each DM's key and result."""
        asked: dict[str, str] = {}
        rows = self.services.store.db.query(
            "select id, team_id from proposals where status = 'in_review' "
            "and stage_started_at is not null"
        )
        for row in list(rows):
            try:
                p = self.proposals.get(row["team_id"], row["id"])
            except NotFound:
                continue
            stage = p.review.current_stage if p.review is not None else None
            if stage is None or not self.proposals.past_deadline(p):
                continue
            link = self.permalink(p)
            for user in self.proposals.escalation_approvers(p):
                key = f"escalation:{p.team_id}:{p.id}:v{p.version}:s{stage.index + 1}:{user}"
                if self.deliveries.get(key) is None:
                    asked[key] = self._send(
                        key, p, target=user, message=ui.escalation_request(p, link=link)
                    )
        return asked

    # the scheduler's part -----------------------------------------------------------------

    def queue_missing_cards(self) -> int:
        """Open proposals with no card and no card delivery: a process died between storing
        one and claiming its card. Queue them; the upkeep posts them."""
        rows = list(
            self.services.store.db.query(
                "select id, team_id from proposals p where message_ts is null "
                "and post_error is null and status in (?, ?) and not exists "
                "(select 1 from deliveries d where d.key = 'card:' || p.team_id || ':' || p.id)",
                list(OPEN_STATUSES),
            )
        )
        for row in rows:
            proposal = self.proposals.get(row["team_id"], row["id"])
            self._queue(card_key(proposal), proposal, kind=CARD, target=proposal.channel_id)
        return len(rows)

    def settle_cards(self) -> None:
        """Link cards a retry or a reconciliation found posted; tell authors of refusals."""
        rows = self.services.store.db.query(
            "select d.key from deliveries d join proposals p on p.id = d.proposal_id "
            "where d.kind = ? and p.message_ts is null and d.status in (?, ?, ?)",
            [CARD, SENT, FAILED, GAVE_UP],
        )
        for row in list(rows):
            delivery = self.deliveries.get(row["key"])
            with self.services.card_lock(delivery.proposal_id if delivery else 0):
                self.settle_card(row["key"])

    def rebuild(self, delivery: Delivery) -> dict[str, Any] | None:
        """The message of a due proposal delivery: the card from the latest record, or the
        message kept with the claim."""
        if delivery.kind == CARD:
            try:
                latest = self.proposals.get(delivery.team_id, delivery.proposal_id or 0)
            except NotFound:
                return None
            return None if latest.message_ts else self.card(latest)
        return delivery.message

    def redraw_due(self) -> int:
        """Redraws that failed (a 429, Slack down) or were left by a dead process."""
        done = 0
        for delivery in self.deliveries.due_retries(self.now(), kinds=(REDRAW,)):
            if self.redraw(delivery.key) == SENT:
                done += 1
        return done

    # what happened ------------------------------------------------------------------------

    def announce_queued(self, key: str, outcome: Outcome | None = None) -> str:
        """Run a queued announcement (see `recorded`) unless another thread or process has
        it; `outcome`: the change as the caller has it (else rebuilt from the row)."""
        delivery = self.deliveries.get(key)
        if delivery is None:  # not queued (a caller that did not use `recorded`)
            if outcome is not None:
                self.announce(outcome)
            return SENT
        if not self.deliveries.claim(
            key,
            team_id=delivery.team_id,
            kind=ANNOUNCE,
            target=delivery.target,
            now=self.now(),
        ):
            return "taken"
        try:
            outcome = outcome or outcome_from(self.services, delivery)
            if outcome is not None:
                self.announce(outcome)
        except Exception as error:  # retried by the upkeep, with backoff
            self.deliveries.mark_failed(key, type(error).__name__, now=self.now())
            raise
        self.deliveries.mark_sent(key, channel_id=delivery.target, ts="", now=self.now())
        return SENT

    def announcements_due(self) -> int:
        """Announcements a dead process left, or that failed and are due again."""
        done = 0
        for delivery in self.deliveries.due_retries(self.now(), kinds=(ANNOUNCE,)):
            try:
                if self.announce_queued(delivery.key) == SENT:
                    done += 1
            except Exception:
                logger.exception("announcing %s failed; retried later", delivery.key)
        return done

    def announce(self, outcome: Outcome) -> None:
        """Everything Slack should show after a change: the card, a thread reply, DMs."""
        p = outcome.proposal
        if outcome.kind == CREATED:
            posted = self.post_card(p)  # the reviewers are asked once it is posted (or refused)
            self.flag_to_author(posted)
            self.publishing.after(outcome)  # its picture, in the card's thread
            return
        if outcome.kind in (TOOK_EFFECT, NOT_APPLIED):
            self.announce_effect(outcome)
            self.publishing.after(outcome)  # a new current org: the canvas
            return
        self.request_redraw(p)
        self.reply(outcome)
        if outcome.status_changed and not p.is_open:  # workflows waiting on its decision
            from slackbot.workflows import WorkflowSteps

            WorkflowSteps(self.services, self.client).proposal_closed(p.team_id, p.id)
        if outcome.org_version is not None:
            self.refresh_open_cards(p.team_id, except_id=p.id)
        if outcome.kind == EDITED:
            self.ask_reviewers(p)
            self.flag_to_author(p)
        elif outcome.newly_asked and p.is_open:
            self.ask_reviewers(p, outcome.newly_asked)  # the next stage of its policy
        elif (
            outcome.kind in (APPROVE, REQUEST_CHANGES, REJECT, COMMENTED)
            and outcome.actor_id != p.author_id
        ):
            self._send(
                f"author-dm:{p.team_id}:{p.id}:{outcome_tag(outcome)}",
                p,
                target=p.author_id,
                message=ui.author_update(outcome, link=self.permalink(p)),
            )
        self.publishing.after(outcome)  # a new version's picture; a new org's canvas

    def announce_effect(self, outcome: Outcome) -> None:
        """An approved proposal's effective date came: it took effect (or went back to its
        author). The card is redrawn, the channel told (in the card's thread, also sent to
        the channel), the author told by DM; each message once, by its key."""
        p = outcome.proposal
        self.request_redraw(p)
        tag = outcome_tag(outcome)
        current = self.proposals.current_org(p.team_id)
        version = current.version if current else 0
        link = self.permalink(p)
        note = ui.effect_announcement(outcome, current_version=version)
        if outcome.kind == TOOK_EFFECT and outcome.org_version is not None:
            # the org chart changed today: other apps hear it (docs/events.md)
            note["metadata"] = events.org_changed(
                team_id=p.team_id,
                proposal_number=p.number,
                org_version=outcome.org_version.version,
                effective_date=p.effective_on or outcome.org_version.effective_on,
            )
        thread = {"thread_ts": p.message_ts, "reply_broadcast": True} if p.message_ts else {}
        self._send(
            f"effect:{p.team_id}:{p.id}:{tag}",
            p,
            target=p.channel_id,
            message={**thread, **note},
            kind=REPLY,
        )
        self._send(
            f"author-dm:{p.team_id}:{p.id}:{tag}",
            p,
            target=p.author_id,
            message=ui.effect_author_dm(outcome, current_version=version, link=link),
        )
        if outcome.org_version is not None:
            self.refresh_open_cards(p.team_id, except_id=p.id)

    # internals ----------------------------------------------------------------------------

    def now(self):
        return self.services.clock.now()

    def _queue(
        self,
        key: str,
        p: Proposal,
        *,
        kind: str,
        target: str,
        message: dict[str, Any] | str | None = None,
    ) -> bool:
        return self.deliveries.queue(
            key,
            team_id=p.team_id,
            kind=kind,
            target=target,
            now=self.now(),
            proposal_id=p.id,
            message=message,
        )

    def _send(
        self, key: str, p: Proposal, *, target: str, message: dict[str, Any], kind: str = DM
    ) -> str:
        """Send a DM or reply once, keeping its message with the claim for a retry."""
        status = self.sender.send(
            Outgoing(
                key=key,
                team_id=p.team_id,
                kind=kind,
                target=target,
                message=message,
                proposal_id=p.id,
                keep=True,
            )
        )
        self._when_allowed(key)
        return status

    def _when_allowed(self, key: str) -> None:
        """After a 429: try again when Slack's `Retry-After` has passed, from a timer that
        holds no worker (`background.later`). The row is due then too, so the scheduler's
        upkeep sends it if this process dies meanwhile."""
        delivery = self.deliveries.get(key)
        if delivery is None or delivery.status != FAILED or delivery.last_error != "ratelimited":
            return
        wait = (delivery.next_attempt_at or self.now()) - self.now()
        self.services.background.later(max(0.0, wait.total_seconds()), self.retry_limited, key)

    def retry_limited(self, key: str) -> None:
        """The timer's call, once `Retry-After` has passed: send the delivery now."""
        delivery = self.deliveries.get(key)
        if delivery is None or delivery.status != FAILED or delivery.last_error != "ratelimited":
            return  # sent or settled meanwhile (the upkeep, another process)
        self.deliveries.make_due(key, now=self.now())
        if delivery.kind == CARD:
            proposal = self.proposals.get(delivery.team_id, delivery.proposal_id or 0)
            with self.services.card_lock(proposal.id):
                self._send_card(key, proposal)
                self.settle_card(key)
        elif delivery.kind == REDRAW:
            self.redraw(key)
        else:
            self.sender.send_queued(key)
            self._when_allowed(key)
