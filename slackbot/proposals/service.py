"""The rules of a proposal's life: create, edit, decide, comment, withdraw, approve into
the current org. Each change is one transaction that also appends to the history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from roles import load_catalog
from slackbot.clock import Clock
from slackbot.org.branch import apply_proposal
from slackbot.org.structure import Structure
from slackbot.policies import repository as policy_repo
from slackbot.policies.evaluate import Directory, resolve, rule_met_by
from slackbot.policies.model import Policy
from slackbot.policies.toml_io import PolicyError
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
    ProposalError,
    StaleVersion,
)
from slackbot.store import Store, sql


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

    # open proposals where the person is asked now (in the current stage, not decided yet),
    # themselves or for someone they stand in for; proposal_asked is rewritten by every
    # change, in the same transaction
    def _awaiting_where(self, team_id: str, user_id: str) -> tuple[str, list]:
        from slackbot.policies.delegation import standing_in_for

        today = self.today(team_id)
        people = [user_id] + [
            d.user_id for d in standing_in_for(self.store.db, team_id, user_id, today=today)
        ]
        marks = ",".join("?" * len(people))
        where = (
            "status in (?, ?) and author_id != ? and id in "
            f"(select proposal_id from proposal_asked where user_id in ({marks}))"
        )
        return where, [IN_REVIEW, CHANGES_REQUESTED, user_id, *people]

    def awaiting(self, team_id: str, user_id: str, limit: int = 10) -> list[Proposal]:
        """Open proposals that ask `user_id` now (or someone they stand in for while that
        person is away), the earliest review-by date first."""
        where, params = self._awaiting_where(team_id, user_id)
        return repo.list_proposals(
            self.store.db,
            team_id,
            where=where,
            params=params,
            order="review_by, number",
            limit=limit,
        )

    def count_awaiting(self, team_id: str, user_id: str) -> int:
        """How many proposals `awaiting` would list without a limit."""
        where, params = self._awaiting_where(team_id, user_id)
        return repo.count_proposals(self.store.db, team_id, where=where, params=params)

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
        self,
        team_id: str,
        author_id: str,
        draft: Draft,
        *,
        base_org_version: int | None = None,
        usergroups: dict[str, tuple[str, ...]] | None = None,
        admins: tuple[str, ...] = (),
    ) -> Outcome:
        """Store a new proposal under its review policy (the draft's, or the workspace's
        default: the version stored now is the one it keeps). `base_org_version` is the org
        version the author was shown when the form opened (default: the current one).

        Args:
            usergroups: members of the user groups the policy names, looked up beforehand.
            admins: asked when a stage finds nobody and has no fallback.

        Raises:
            ProposalError: the draft names a policy the workspace does not have.
        """
        now = self.clock.now()
        stamp = repo.iso(now)
        # what can be is ready before the write lock is taken
        row = {
            "team_id": team_id,
            "title": draft.title,
            "rationale": draft.rationale,
            "structure_text": draft.structure_text,
            "structure": draft.structure_json,
            "version": 1,
            "author_id": author_id,
            "channel_id": draft.channel_id,
            "status": IN_REVIEW,
            "review_by": draft.review_by.isoformat(),
            "effective_on": _iso_date(draft.effective_on),
            "created_at": stamp,
            "updated_at": stamp,
            "stage_started_at": stamp,
        }
        with self.store.write() as db:
            policy = self._policy(db, team_id, draft.policy_name)
            stages = self._resolve(
                db, team_id, policy, author_id, draft, usergroups=usergroups, admins=admins
            )
            number = repo.next_number(db, team_id)
            base = (
                repo.current_org_version(db, team_id)
                if base_org_version is None
                else base_org_version
            )
            proposal_id = sql.insert(
                db,
                "proposals",
                {
                    **row,
                    "number": number,
                    "base_org_version": base,
                    "branch_root": draft.branch_root,
                    "policy_name": policy.name if policy.version else None,
                    "policy_version": policy.version,
                }
                | stages,
            )
            repo.set_reviewers(db, proposal_id, draft.reviewers, new=True)
            self._add_version(db, proposal_id, 1, draft, author_id, now, base)
            repo.add_event(
                db,
                team_id=team_id,
                proposal_id=proposal_id,
                version=1,
                kind=CREATED,
                actor_id=author_id,
                at=now,
                detail={
                    "reviewers": list(draft.reviewers),
                    "channel": draft.channel_id,
                    "policy": policy.name,
                    "policy_version": policy.version,
                },
            )
            proposal = repo.get_proposal(db, team_id, proposal_id)
            assert proposal is not None
            repo.set_asked(db, proposal)
        return Outcome(proposal=proposal, kind=CREATED, actor_id=author_id)

    def edit(
        self,
        team_id: str,
        proposal_id: int,
        user_id: str,
        draft: Draft,
        *,
        base_org_version: int | None = None,
        usergroups: dict[str, tuple[str, ...]] | None = None,
        admins: tuple[str, ...] = (),
    ) -> Outcome:
        """A new version from the author: decisions start over, under the same policy
        version; a policy that resumes keeps the stages passed before changes were asked.

        Raises:
            NotFound, NotAllowed (not the author), Closed.
        """
        now = self.clock.now()
        with self.store.write() as db:
            proposal = self._load(db, team_id, proposal_id)
            self.check_author(proposal, user_id, "edit", "edited")
            stages = self._resolve(
                db,
                team_id,
                proposal.policy,
                proposal.author_id,
                draft,
                usergroups=usergroups,
                admins=admins,
            )
            carried = 0
            review = proposal.review
            if (
                proposal.policy.on_changes == "resume"
                and proposal.status == CHANGES_REQUESTED
                and review is not None
                and review.current is not None
            ):
                carried = review.current
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
                    "structure": draft.structure_json,
                    "version": version,
                    "base_org_version": base,
                    "branch_root": draft.branch_root,
                    "status": IN_REVIEW,
                    "review_by": draft.review_by.isoformat(),
                    "effective_on": _iso_date(draft.effective_on),
                    "updated_at": repo.iso(now),
                    "policy_carried": carried,
                    "stage_started_at": repo.iso(now),
                }
                | stages,
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
                detail={"reviewers": list(draft.reviewers), "previous_status": proposal.status}
                | ({"resumed_at_stage": carried} if carried else {}),
            )
            updated = self._load(db, team_id, proposal_id)
            repo.set_asked(db, updated)
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
        """Record a decision in the current stage of the proposal's policy and settle the
        status, all in one write transaction (so two approvals at the same instant in a
        "1 of 2" stage move the proposal once; the second is told the stage has passed).
        A rejection rejects, a change request asks the author to edit, enough approvals
        pass the stage and the next one is asked; the last stage passing approves (and
        makes the proposal the current org). An approval that would replace an org chart
        approved after the proposal was written sends it back to the author instead, so
        nobody's approved change is silently undone.

        A delegate decides for the reviewer who is away (recorded "on behalf of"); past a
        stage's deadline its fallback approver decides for the whole stage.

        Args:
            version: the version the person saw (buttons carry it); None skips the check.

        Raises:
            NotFound, NotAllowed (not asked in the current stage), Closed, AlreadyDecided
            (a double click), StaleVersion (the button was for an older version).
        """
        if decision not in DECISIONS:
            raise ValueError(decision)
        now = self.clock.now()
        with self.store.write() as db:
            proposal = self._load(db, team_id, proposal_id)
            acting = self.check_can_decide(proposal, user_id, version=version)
            before = proposal.review
            try:
                decision_id = (
                    db["decisions"]
                    .insert(
                        {
                            "proposal_id": proposal_id,
                            "version": proposal.version,
                            "reviewer_id": user_id,
                            "decision": decision,
                            "comment": comment,
                            "decided_at": repo.iso(now),
                            "stage": acting.stage,
                            "on_behalf_of": acting.on_behalf_of,
                            "escalated": int(acting.escalated),
                            "counted_for": "*" if acting.escalated else acting.counted_for,
                        }
                    )
                    .last_pk
                )
            except sqlite3.IntegrityError:
                # belt and braces: BEGIN IMMEDIATE already serializes writers, and the
                # unique index would settle any race that slipped past it
                first = self._load(db, team_id, proposal_id).decision_of(
                    acting.counted_for, acting.stage
                )
                raise AlreadyDecided(
                    f"You already decided on version {proposal.version} of proposal #{proposal.number}.",
                    first,
                ) from None
            decided = self._load(db, team_id, proposal_id)
            after = decided.review
            rule_met = rule_met_by(before, after, acting.stage) if before and after else ""
            if rule_met:
                db["decisions"].update(decision_id, {"rule_met": rule_met})
            stage_name = proposal.policy.stages[acting.stage].name
            repo.add_event_for(
                db,
                proposal,
                decision,
                actor_id=user_id,
                at=now,
                comment=comment,
                detail={"stage": acting.stage, "stage_name": stage_name}
                | ({"on_behalf_of": acting.on_behalf_of} if acting.on_behalf_of else {})
                | ({"escalated": True} if acting.escalated else {})
                | ({"rule_met": rule_met} if rule_met else {}),
            )
            status = after.outcome if after is not None else settle(decided)
            newly_asked: tuple[str, ...] = ()
            if status == IN_REVIEW and after.current != (before.current if before else 0):
                db["proposals"].update(proposal_id, {"stage_started_at": repo.iso(now)})
                newly_asked = after.asked_now
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
            repo.set_asked(db, decided)
        return Outcome(
            proposal=decided,
            kind=decision,
            actor_id=user_id,
            comment=comment,
            status_changed=status != proposal.status,
            org_version=org_version,
            org_changed=org_changed,
            newly_asked=newly_asked,
            on_behalf_of=acting.on_behalf_of,
            escalated=acting.escalated,
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
        the new structure is; approval and the effective date both come here): its
        structure, or, for a branch proposal, the current org with that branch replaced
        (`apply_proposal`).

        Raises:
            BranchError: the branch cannot be applied; callers check first that the org is
                still the version the proposal was written against, so it can be.
        """
        current = repo.current_org(db, proposal.team_id)
        return apply_proposal(
            current.structure if current else Structure(),
            proposal.structure,
            branch_root=proposal.branch_root,
        )

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
    ) -> Acting:
        """Who `user_id` decides as in the current stage: themselves, the reviewer they
        stand in for (a delegate), or the stage (its fallback, past the deadline).

        Raises NotAllowed (not asked in the current stage, or the author), Closed,
        StaleVersion (the person saw an older version), or AlreadyDecided (this version)."""
        review = proposal.review
        stage = review.current_stage if review is not None else None
        if not proposal.is_open and user_id in proposal.all_reviewers:
            self._require_open(proposal, "decided on")
        acting = None
        if stage is not None and user_id != proposal.author_id:
            own = user_id in stage.reviewers
            if own and proposal.decision_of(user_id, stage.index) is None:
                acting = Acting(stage.index, user_id)
            else:
                # a reviewer who has decided may also stand in for one away in the same stage
                principal = self._delegated_to(proposal, user_id, stage.waiting)
                if principal:
                    acting = Acting(stage.index, principal, on_behalf_of=principal)
                elif own:
                    acting = Acting(stage.index, user_id)  # AlreadyDecided below
                elif self._may_escalate(proposal, user_id, stage):
                    acting = Acting(stage.index, user_id, escalated=True)
        if acting is None:
            raise NotAllowed(self._not_asked(proposal, user_id))
        self._require_open(proposal, "decided on")
        if version is not None and version != proposal.version:
            raise StaleVersion(
                f"That was version {version} of proposal #{proposal.number}; it has since been "
                f"edited (now version {proposal.version}). Look at the card, then decide."
            )
        existing = proposal.decision_of(acting.counted_for, acting.stage)
        if existing is not None:
            raise AlreadyDecided(
                f"You already {DECISION_VERBS[existing.decision]} version {proposal.version} "
                f"of proposal #{proposal.number}.",
                existing,
            )
        return acting

    def _not_asked(self, proposal: Proposal, user_id: str) -> str:
        """Why `user_id` cannot decide now, in words that say who can."""
        if user_id == proposal.author_id:
            return f"You wrote proposal #{proposal.number}, so you can't decide on it. You can still add a comment."
        review = proposal.review
        stage = review.current_stage if review is not None else None
        if stage is None or not proposal.is_open:
            names = ", ".join(f"<@{r}>" for r in proposal.all_reviewers)
            return (
                f"Only the reviewers ({names}) can decide on proposal #{proposal.number}. "
                "You can still add a comment."
            )
        names = ", ".join(f"<@{r}>" for r in stage.reviewers) or "nobody"
        total = len(proposal.policy.stages)
        where = f"stage {stage.index + 1} of {total}, “{stage.stage.name}”"
        later = [
            s
            for s in review.stages[stage.index + 1 :]
            if user_id in s.reviewers and s.state == "later"
        ]
        earlier = [s for s in review.stages[: stage.index] if user_id in s.reviewers]
        if total == 1:
            text = f"Only the reviewers ({names}) can decide on proposal #{proposal.number}."
        elif later:
            text = (
                f"Proposal #{proposal.number} is at {where}, which asks {names}. You review "
                f"it at “{later[0].stage.name}”; you'll get a message when that stage starts."
            )
        elif earlier:
            text = (
                f"Proposal #{proposal.number} has moved on to {where}, which asks {names}; "
                f"“{earlier[0].stage.name}”, where you review, is done."
            )
        else:
            text = f"Proposal #{proposal.number} is at {where}: only {names} can decide now."
        return text + " You can still add a comment."

    def _delegated_to(
        self, proposal: Proposal, user_id: str, waiting: tuple[str, ...]
    ) -> str | None:
        """The waiting reviewer `user_id` stands in for today, if any (never the author's
        own proposal: a delegation does not let anyone approve what they wrote)."""
        if not waiting or user_id == proposal.author_id:
            return None
        today = self.today(proposal.team_id).isoformat()
        marks = ",".join("?" * len(waiting))
        row = next(
            self.store.db.query(
                f"select user_id from review_delegations where team_id = ? and delegate_id = ? "
                f"and user_id in ({marks}) and starts <= ? and ends >= ? and cancelled_at is null "
                "order by id limit 1",
                [proposal.team_id, user_id, *waiting, today, today],
            ),
            None,
        )
        return row["user_id"] if row else None

    def _may_escalate(self, proposal: Proposal, user_id: str, stage) -> bool:
        """Past the stage's deadline, its fallback approvers (or, with none, the admins)
        decide for the stage."""
        return user_id in self.escalation_approvers(proposal) and self.past_deadline(proposal)

    def _known_admins(self, team_id: str) -> tuple[str, ...]:
        """The workspace admins orgbot knows of (its cache of Slack's people)."""
        return tuple(
            r["user_id"]
            for r in self.store.db.query(
                "select user_id from people where team_id = ? and is_admin = 1 order by user_id",
                [team_id],
            )
        )

    def escalation_approvers(self, proposal: Proposal) -> tuple[str, ...]:
        """Who may decide for the current stage once its deadline has passed: its fallback
        approvers, or the workspace's admins orgbot knows of; never the author."""
        review = proposal.review
        stage = review.current_stage if review is not None else None
        if stage is None:
            return ()
        people = stage.stage.fallback or self._known_admins(proposal.team_id)
        return tuple(p for p in people if p != proposal.author_id)

    def past_deadline(self, proposal: Proposal) -> bool:
        """Whether the current stage's deadline (working days from when it started) has
        passed; False for a stage with no deadline."""
        review = proposal.review
        stage = review.current_stage if review is not None else None
        if stage is None or stage.stage.deadline_days is None or proposal.stage_started_at is None:
            return False
        return self.clock.now() >= add_working_days(
            proposal.stage_started_at,
            stage.stage.deadline_days,
            quiet_days=self.quiet_days(proposal.team_id),
        )

    def quiet_days(self, team_id: str) -> tuple[int, ...]:
        """The workspace's quiet weekdays (0 = Monday), Saturday and Sunday by default."""
        from slackbot.settings import load_settings

        try:
            return tuple(load_settings(self.store, team_id, default_timezone="UTC").quiet_days)
        except Exception:  # a settings problem must not stop a decision
            return (5, 6)

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
            sql.update(
                db,
                "proposals",
                ("id", proposal.id),
                {"channel_id": channel_id, "message_ts": ts, "post_error": None},
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

    # policies ---------------------------------------------------------------------------

    def policy_for(self, team_id: str, name: str | None) -> Policy:
        """The policy a new proposal would start with (`name`, or the default).

        Raises:
            ProposalError: no such policy.
        """
        return self._policy(self.store.db, team_id, name)

    def _policy(self, db, team_id: str, name: str | None) -> Policy:
        try:
            if name:
                return policy_repo.load_policy(db, team_id, name)
            return policy_repo.default_policy(db, team_id)
        except PolicyError as error:
            raise ProposalError(str(error)) from None

    def _resolve(
        self,
        db,
        team_id: str,
        policy: Policy,
        author_id: str,
        draft: Draft,
        *,
        usergroups: dict[str, tuple[str, ...]] | None,
        admins: tuple[str, ...],
    ) -> dict[str, str]:
        """Each stage's reviewers for this version, as the proposal row's columns."""
        current = repo.current_org(db, team_id)
        resolved = resolve(
            policy,
            Directory(
                author_id=author_id,
                named=draft.reviewers,
                usergroups=usergroups or {},
                current=current.structure if current else Structure(),
                admins=admins or self._known_admins(team_id),
                catalog=load_catalog(),  # "Chief Financial Officer" finds the CFO position
            ),
        )
        return {
            "stage_reviewers": json.dumps([list(people) for people, _ in resolved]),
            "stage_notes": json.dumps([note for _, note in resolved]),
        }

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
        sql.insert(
            db,
            "proposal_versions",
            {
                "proposal_id": proposal_id,
                "version": version,
                "title": draft.title,
                "rationale": draft.rationale,
                "structure_text": draft.structure_text,
                "structure": draft.structure_json,
                "review_by": draft.review_by.isoformat(),
                "effective_on": _iso_date(draft.effective_on),
                "reviewers": json.dumps(list(draft.reviewers)),
                "base_org_version": base_org_version,
                "branch_root": draft.branch_root,
                "created_by": user_id,
                "created_at": repo.iso(now),
            },
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


@dataclass(frozen=True)
class Acting:
    """Who a decision counts for: the stage, and the reviewer (the person themselves, or
    the one a delegate stands in for; the stage as a whole when escalated)."""

    stage: int
    counted_for: str
    on_behalf_of: str | None = None
    escalated: bool = False


def add_working_days(start: datetime, days: int, *, quiet_days: tuple[int, ...]) -> datetime:
    """`start` plus `days` working days (days whose weekday is not quiet), same time."""
    moment, left = start, days
    if len(set(quiet_days)) >= 7:
        return start + timedelta(days=days)
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() not in quiet_days:
            left -= 1
    return moment
