"""The rules of a proposal's life: create, edit, decide, comment, withdraw, approve into
the current org. Each change is one transaction that also appends to the history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo

from slackbot.clock import Clock
from slackbot.org.structure import Structure
from slackbot.proposals import repository as repo
from slackbot.proposals.model import (
    APPROVE,
    APPROVED,
    CHANGES_REQUESTED,
    COMMENTED,
    CREATED,
    DECISION_VERBS,
    DECISIONS,
    EDITED,
    IN_REVIEW,
    NOT_APPLIED,
    POST_FAILED,
    POSTED,
    REJECT,
    REJECTED,
    REQUEST_CHANGES,
    STATUS_CHANGED,
    STATUS_LABELS,
    TOOK_EFFECT,
    WITHDRAWN,
    AlreadyDecided,
    Closed,
    Draft,
    Event,
    NotAllowed,
    NotFound,
    OrgVersion,
    Outcome,
    Proposal,
    StaleVersion,
)
from slackbot.store import Store


class ProposalService:
    def __init__(self, store: Store, clock: Clock, *, zone: Callable[[str], tzinfo] | None = None):
        """`zone(team_id)`: the workspace's time zone (default UTC), for effective dates."""
        self.store = store
        self.clock = clock
        self.zone = zone or (lambda team_id: UTC)

    def today(self, team_id: str) -> date:
        """The date in the workspace's time zone."""
        return self.clock.now().astimezone(self.zone(team_id)).date()

    # reading ----------------------------------------------------------------------------

    def get(self, team_id: str, proposal_id: int) -> Proposal:
        """Raises: NotFound."""
        proposal = repo.get_proposal(self.store.db, team_id, proposal_id)
        if proposal is None:
            raise NotFound("That proposal no longer exists.")
        return proposal

    def by_number(self, team_id: str, number: int) -> Proposal:
        proposal = repo.get_by_number(self.store.db, team_id, number)
        if proposal is None:
            raise NotFound(f"There is no proposal #{number}. `/org-proposal list` shows them all.")
        return proposal

    def open_proposals(self, team_id: str, limit: int = 50) -> list[Proposal]:
        return repo.list_proposals(
            self.store.db,
            team_id,
            where="status in (?, ?)",
            params=[IN_REVIEW, CHANGES_REQUESTED],
            limit=limit,
        )

    def count_open(self, team_id: str) -> int:
        return repo.count_proposals(
            self.store.db, team_id, where="status in (?, ?)", params=[IN_REVIEW, CHANGES_REQUESTED]
        )

    def waiting_longest(self, team_id: str, limit: int) -> list[Proposal]:
        """Open proposals, the most overdue first (earliest review-by date, then number)."""
        return repo.list_proposals(
            self.store.db,
            team_id,
            where="status in (?, ?)",
            params=[IN_REVIEW, CHANGES_REQUESTED],
            order="review_by, number",
            limit=limit,
        )

    def created_between(
        self, team_id: str, since: datetime, until: datetime, *, limit: int
    ) -> tuple[list[Proposal], int]:
        """Proposals created in [since, until): the first `limit` by number, and how many."""
        where = "julianday(created_at) >= julianday(?) and julianday(created_at) < julianday(?)"
        params = [repo.iso(since), repo.iso(until)]
        listed = repo.list_proposals(
            self.store.db, team_id, where=where, params=params, order="number", limit=limit
        )
        return listed, repo.count_proposals(self.store.db, team_id, where=where, params=params)

    def closed_between(
        self, team_id: str, since: datetime, until: datetime, *, limit: int
    ) -> tuple[list[Event], int]:
        """Approvals, rejections and withdrawals in [since, until) (not each vote): the
        first `limit`, oldest first, and how many there were."""
        return repo.closing_events(
            self.store.db,
            team_id,
            since=since,
            until=until,
            closed=(APPROVED, REJECTED),
            withdrawn=WITHDRAWN,
            status_changed=STATUS_CHANGED,
            limit=limit,
        )

    def recent(self, team_id: str, limit: int = 20) -> list[Proposal]:
        return repo.list_proposals(self.store.db, team_id, limit=limit)

    # open proposals where the person is a reviewer with no decision on the current version
    _AWAITING = (
        "status in (?, ?) and id in (select proposal_id from proposal_reviewers where user_id = ?) "
        "and not exists (select 1 from decisions d where d.proposal_id = proposals.id "
        "and d.version = proposals.version and d.reviewer_id = ?)"
    )

    def awaiting(self, team_id: str, user_id: str, limit: int = 10) -> list[Proposal]:
        """Open proposals where `user_id` is a reviewer who has not decided this version,
        the earliest review-by date first."""
        return repo.list_proposals(
            self.store.db,
            team_id,
            where=self._AWAITING,
            params=[IN_REVIEW, CHANGES_REQUESTED, user_id, user_id],
            order="review_by, number",
            limit=limit,
        )

    def count_awaiting(self, team_id: str, user_id: str) -> int:
        """How many proposals `awaiting` would list without a limit."""
        return repo.count_proposals(
            self.store.db,
            team_id,
            where=self._AWAITING,
            params=[IN_REVIEW, CHANGES_REQUESTED, user_id, user_id],
        )

    def authored(self, team_id: str, user_id: str, limit: int = 10) -> list[Proposal]:
        return repo.list_proposals(
            self.store.db, team_id, where="author_id = ?", params=[user_id], limit=limit
        )

    def history(self, proposal_id: int) -> list[Event]:
        return repo.history(self.store.db, proposal_id)

    def recent_decisions(self, team_id: str, limit: int = 5) -> list[Event]:
        return repo.recent_events(self.store.db, team_id, (*DECISIONS, WITHDRAWN), limit)

    def recent_events_between(
        self, team_id: str, kinds: tuple[str, ...], since: datetime, until: datetime
    ) -> list[Event]:
        return [
            e
            for e in repo.recent_events(self.store.db, team_id, kinds, 500)
            if since <= e.at < until
        ][::-1]

    def scheduled(self, team_id: str | None) -> list[Proposal]:
        """Approved proposals waiting for their effective date, in the order they take
        effect (of every workspace when `team_id` is None)."""
        return repo.awaiting_effect(self.store.db, team_id)

    def org_version(self, team_id: str, version: int) -> OrgVersion | None:
        return repo.org_version(self.store.db, team_id, version)

    def current_org(self, team_id: str) -> OrgVersion | None:
        return repo.current_org(self.store.db, team_id)

    # changing ---------------------------------------------------------------------------

    def create(
        self, team_id: str, author_id: str, draft: Draft, *, base_org_version: int | None = None
    ) -> Outcome:
        """Store a new proposal. `base_org_version` is the org version the author was
        shown when the form opened (default: the current one)."""
        now = self.clock.now()
        with self.store.write() as db:
            number = repo.next_number(db, team_id)
            base = (
                repo.current_org_version(db, team_id)
                if base_org_version is None
                else base_org_version
            )
            proposal_id = (
                db["proposals"]
                .insert(
                    {
                        "team_id": team_id,
                        "number": number,
                        "title": draft.title,
                        "rationale": draft.rationale,
                        "structure_text": draft.structure_text,
                        "structure": draft.structure.to_json(),
                        "version": 1,
                        "base_org_version": base,
                        "author_id": author_id,
                        "channel_id": draft.channel_id,
                        "status": IN_REVIEW,
                        "review_by": draft.review_by.isoformat(),
                        "effective_on": _iso_date(draft.effective_on),
                        "created_at": repo.iso(now),
                        "updated_at": repo.iso(now),
                    }
                )
                .last_pk
            )
            repo.set_reviewers(db, proposal_id, draft.reviewers)
            self._add_version(db, proposal_id, 1, draft, author_id, now, base)
            repo.add_event(
                db,
                team_id=team_id,
                proposal_id=proposal_id,
                version=1,
                kind=CREATED,
                actor_id=author_id,
                at=now,
                detail={"reviewers": list(draft.reviewers), "channel": draft.channel_id},
            )
            proposal = repo.get_proposal(db, team_id, proposal_id)
        assert proposal is not None
        return Outcome(proposal=proposal, kind=CREATED, actor_id=author_id)

    def edit(
        self,
        team_id: str,
        proposal_id: int,
        user_id: str,
        draft: Draft,
        *,
        base_org_version: int | None = None,
    ) -> Outcome:
        """A new version from the author: decisions start over.

        Raises:
            NotFound, NotAllowed (not the author), Closed.
        """
        now = self.clock.now()
        with self.store.write() as db:
            proposal = self._load(db, team_id, proposal_id)
            self.check_author(proposal, user_id, "edit", "edited")
            version = proposal.version + 1
            base = (
                repo.current_org_version(db, team_id)
                if base_org_version is None
                else base_org_version
            )
            # a new version asks the reviewers again; an old "remind me tomorrow" is void
            db.execute("delete from snoozes where proposal_id = ?", [proposal_id])
            db["proposals"].update(
                proposal_id,
                {
                    "title": draft.title,
                    "rationale": draft.rationale,
                    "structure_text": draft.structure_text,
                    "structure": draft.structure.to_json(),
                    "version": version,
                    "base_org_version": base,
                    "status": IN_REVIEW,
                    "review_by": draft.review_by.isoformat(),
                    "effective_on": _iso_date(draft.effective_on),
                    "updated_at": repo.iso(now),
                },
            )
            repo.set_reviewers(db, proposal_id, draft.reviewers)
            self._add_version(db, proposal_id, version, draft, user_id, now, base)
            repo.add_event(
                db,
                team_id=team_id,
                proposal_id=proposal_id,
                version=version,
                kind=EDITED,
                actor_id=user_id,
                at=now,
                detail={"reviewers": list(draft.reviewers), "previous_status": proposal.status},
            )
            updated = self._load(db, team_id, proposal_id)
        return Outcome(
            proposal=updated,
            kind=EDITED,
            actor_id=user_id,
            status_changed=proposal.status != IN_REVIEW,
            previous_reviewers=proposal.reviewers,
        )

    def decide(
        self,
        team_id: str,
        proposal_id: int,
        user_id: str,
        decision: str,
        comment: str = "",
        *,
        version: int | None = None,
    ) -> Outcome:
        """Record a reviewer's decision on the current version and settle the status:
        a rejection rejects, a change request asks the author to edit, and approval by
        every reviewer approves (and makes the proposal the current org). An approval that
        would replace an org chart approved after the proposal was written sends it back
        to the author instead, so nobody's approved change is silently undone.

        Args:
            version: the version the person saw (buttons carry it); None skips the check.

        Raises:
            NotFound, NotAllowed (not a reviewer), Closed, AlreadyDecided (a double click),
            StaleVersion (the button was for an older version).
        """
        if decision not in DECISIONS:
            raise ValueError(decision)
        now = self.clock.now()
        with self.store.write() as db:
            proposal = self._load(db, team_id, proposal_id)
            self.check_can_decide(proposal, user_id, version=version)
            try:
                db["decisions"].insert(
                    {
                        "proposal_id": proposal_id,
                        "version": proposal.version,
                        "reviewer_id": user_id,
                        "decision": decision,
                        "comment": comment,
                        "decided_at": repo.iso(now),
                    }
                )
            except sqlite3.IntegrityError:
                # belt and braces: BEGIN IMMEDIATE already serializes writers, and the
                # unique index would settle any race that slipped past it
                first = self._load(db, team_id, proposal_id).decision_of(user_id)
                raise AlreadyDecided(
                    f"You already decided on version {proposal.version} of proposal #{proposal.number}.",
                    first,
                ) from None
            repo.add_event_for(
                db,
                proposal,
                decision,
                actor_id=user_id,
                at=now,
                comment=comment,
            )
            decided = self._load(db, team_id, proposal_id)
            status = settle(decided)
            org_version = None
            current_version = repo.current_org_version(db, team_id)
            org_changed = status == APPROVED and decided.base_org_version != current_version
            if org_changed:
                status = CHANGES_REQUESTED
            if status != decided.status:
                closed = status in (APPROVED, REJECTED)
                db["proposals"].update(
                    proposal_id,
                    {
                        "status": status,
                        "updated_at": repo.iso(now),
                        "closed_at": repo.iso(now) if closed else None,
                    },
                )
                repo.add_event_for(
                    db,
                    proposal,
                    STATUS_CHANGED,
                    actor_id=None,
                    at=now,
                    detail={"from": decided.status, "to": status}
                    | (
                        {"reason": "org_changed", "org_version": current_version}
                        if org_changed
                        else {}
                    ),
                )
                today = self.today(team_id)
                if status == APPROVED and not _later(decided.effective_on, today):
                    # due already (no date, or one that passed while it was in review)
                    org_version = repo.add_org_version(
                        db,
                        team_id,
                        proposal_id,
                        self.structure_after(db, decided),
                        now,
                        effective_on=today,
                    )
                decided = self._load(db, team_id, proposal_id)
        return Outcome(
            proposal=decided,
            kind=decision,
            actor_id=user_id,
            comment=comment,
            status_changed=status != proposal.status,
            org_version=org_version,
            org_changed=org_changed,
        )

    def take_effect(self, team_id: str, proposal_id: int) -> Outcome | None:
        """An approved proposal whose effective date has come (in the workspace's time
        zone) becomes the current org: a new org version that records the proposal and
        its date. If the org changed after the proposal was written (another proposal took
        effect first), it goes back to its author instead, as an approval on top of a newer
        org does. None when there is nothing to do (not approved, not due, or done
        already): safe to call from any number of passes and processes; a proposal makes
        at most one org version (a unique index settles any race).
        """
        now = self.clock.now()
        today = self.today(team_id)
        with self.store.write() as db:
            proposal = self._load(db, team_id, proposal_id)
            if not proposal.awaiting_effect or _later(proposal.effective_on, today):
                return None
            current_version = repo.current_org_version(db, team_id)
            detail = {"effective_on": _iso_date(proposal.effective_on)}
            org_version = None
            if proposal.base_org_version != current_version:
                db["proposals"].update(
                    proposal_id,
                    {"status": CHANGES_REQUESTED, "updated_at": repo.iso(now), "closed_at": None},
                )
                event_id = repo.add_event_for(
                    db,
                    proposal,
                    STATUS_CHANGED,
                    actor_id=None,
                    at=now,
                    detail=detail
                    | {
                        "from": APPROVED,
                        "to": CHANGES_REQUESTED,
                        "reason": "org_changed",
                        "org_version": current_version,
                    },
                )
                kind = NOT_APPLIED
            else:
                org_version = repo.add_org_version(
                    db,
                    team_id,
                    proposal_id,
                    self.structure_after(db, proposal),
                    proposal.closed_at or now,  # when it was approved
                    effective_on=proposal.effective_on,
                )
                event_id = repo.add_event_for(
                    db,
                    proposal,
                    TOOK_EFFECT,
                    actor_id=None,
                    at=now,
                    detail=detail | {"org_version": org_version.version},
                )
                kind = TOOK_EFFECT
            updated = self._load(db, team_id, proposal_id)
        return Outcome(
            proposal=updated,
            kind=kind,
            actor_id="",
            status_changed=kind == NOT_APPLIED,
            org_version=org_version,
            org_changed=kind == NOT_APPLIED,
            event_id=event_id,
        )

    def structure_after(self, db, proposal: Proposal) -> Structure:
        """The current org once `proposal` takes effect (the one place that says WHAT
        the new structure is; approval and the effective date both come here)."""
        return proposal.structure

    def check_author(self, proposal: Proposal, user_id: str, verb: str, done: str) -> None:
        """Raises NotAllowed (not the author) or Closed: what only the author may do
        (edit, withdraw) needs an open proposal."""
        if proposal.author_id != user_id:
            raise NotAllowed(
                f"Only <@{proposal.author_id}>, who wrote it, can {verb} this proposal."
            )
        self._require_open(proposal, done)

    def check_can_decide(
        self, proposal: Proposal, user_id: str, *, version: int | None = None
    ) -> None:
        """Raises NotAllowed (not a reviewer), Closed, StaleVersion (the person saw an older
        version), or AlreadyDecided (this version)."""
        if user_id not in proposal.reviewers:
            names = ", ".join(f"<@{r}>" for r in proposal.reviewers)
            raise NotAllowed(
                f"Only the reviewers ({names}) can decide on proposal #{proposal.number}. "
                "You can still add a comment."
            )
        self._require_open(proposal, "decided on")
        if version is not None and version != proposal.version:
            raise StaleVersion(
                f"That was version {version} of proposal #{proposal.number}; it has since been "
                f"edited (now version {proposal.version}). Look at the card, then decide."
            )
        existing = proposal.decision_of(user_id)
        if existing is not None:
            raise AlreadyDecided(
                f"You already {DECISION_VERBS[existing.decision]} version {proposal.version} "
                f"of proposal #{proposal.number}.",
                existing,
            )

    def comment(self, team_id: str, proposal_id: int, user_id: str, text: str) -> Outcome:
        now = self.clock.now()
        with self.store.write() as db:
            proposal = self._load(db, team_id, proposal_id)
            event_id = repo.add_event_for(
                db,
                proposal,
                COMMENTED,
                actor_id=user_id,
                at=now,
                comment=text,
            )
        return Outcome(
            proposal=proposal, kind=COMMENTED, actor_id=user_id, comment=text, event_id=event_id
        )

    def withdraw(self, team_id: str, proposal_id: int, user_id: str) -> Outcome:
        now = self.clock.now()
        with self.store.write() as db:
            proposal = self._load(db, team_id, proposal_id)
            self.check_author(proposal, user_id, "withdraw", "withdrawn")
            db["proposals"].update(
                proposal_id,
                {"status": WITHDRAWN, "updated_at": repo.iso(now), "closed_at": repo.iso(now)},
            )
            repo.add_event_for(
                db,
                proposal,
                WITHDRAWN,
                actor_id=user_id,
                at=now,
            )
            updated = self._load(db, team_id, proposal_id)
        return Outcome(proposal=updated, kind=WITHDRAWN, actor_id=user_id, status_changed=True)

    def record_posted(self, proposal: Proposal, channel_id: str, ts: str) -> Proposal:
        """The card is in the channel: remember where, so later changes update it in place."""
        with self.store.write() as db:
            db["proposals"].update(
                proposal.id, {"channel_id": channel_id, "message_ts": ts, "post_error": None}
            )
            repo.add_event_for(
                db,
                proposal,
                POSTED,
                actor_id=None,
                at=self.clock.now(),
                detail={"channel": channel_id, "ts": ts},
            )
        return replace(proposal, channel_id=channel_id, message_ts=ts, post_error=None)

    def record_post_failed(self, proposal: Proposal, error: str) -> Proposal:
        with self.store.write() as db:
            db["proposals"].update(proposal.id, {"post_error": error})
            repo.add_event_for(
                db,
                proposal,
                POST_FAILED,
                actor_id=None,
                at=self.clock.now(),
                detail={"channel": proposal.channel_id, "error": error},
            )
        return replace(proposal, post_error=error)

    # internals --------------------------------------------------------------------------

    def _load(self, db, team_id: str, proposal_id: int) -> Proposal:
        proposal = repo.get_proposal(db, team_id, proposal_id)
        if proposal is None:
            raise NotFound("That proposal no longer exists.")
        return proposal

    @staticmethod
    def _require_open(proposal: Proposal, verb: str) -> None:
        if not proposal.is_open:
            raise Closed(
                f"Proposal #{proposal.number} is {STATUS_LABELS[proposal.status].lower()}, so it "
                f"can't be {verb} any more. Start a new proposal with `/org-proposal`."
            )

    @staticmethod
    def _add_version(
        db,
        proposal_id: int,
        version: int,
        draft: Draft,
        user_id: str,
        now: datetime,
        base_org_version: int,
    ) -> None:
        db["proposal_versions"].insert(
            {
                "proposal_id": proposal_id,
                "version": version,
                "title": draft.title,
                "rationale": draft.rationale,
                "structure_text": draft.structure_text,
                "structure": draft.structure.to_json(),
                "review_by": draft.review_by.isoformat(),
                "effective_on": _iso_date(draft.effective_on),
                "reviewers": json.dumps(list(draft.reviewers)),
                "base_org_version": base_org_version,
                "created_by": user_id,
                "created_at": repo.iso(now),
            }
        )


def _iso_date(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _later(effective_on: date | None, today: date) -> bool:
    """True when a proposal with this effective date is not due yet."""
    return effective_on is not None and effective_on > today


def settle(proposal: Proposal) -> str:
    """The status the current version's decisions lead to."""
    decisions = {d.decision for d in proposal.decisions}
    if REJECT in decisions:
        return REJECTED
    if REQUEST_CHANGES in decisions:
        return CHANGES_REQUESTED
    if proposal.reviewers and not proposal.waiting_on and decisions == {APPROVE}:
        return APPROVED
    return IN_REVIEW
