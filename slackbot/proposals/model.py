"""Proposals as frozen domain objects; database rows are converted at the edge
(`repository.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from slackbot.org.structure import Structure
from slackbot.policies.model import DEFAULT_POLICY, Policy

# statuses
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
OPEN_STATUSES = (IN_REVIEW, CHANGES_REQUESTED)
STATUS_LABELS = {
    IN_REVIEW: "In review",
    CHANGES_REQUESTED: "Changes requested",
    APPROVED: "Approved",
    REJECTED: "Rejected",
    WITHDRAWN: "Withdrawn",
}
STATUS_EMOJI = {
    IN_REVIEW: ":hourglass_flowing_sand:",
    CHANGES_REQUESTED: ":pencil2:",
    APPROVED: ":white_check_mark:",
    REJECTED: ":x:",
    WITHDRAWN: ":leftwards_arrow_with_hook:",
}

# decisions a reviewer can make (stored as these words)
APPROVE = "approved"
REQUEST_CHANGES = "changes_requested"
REJECT = "rejected"
DECISIONS = (APPROVE, REQUEST_CHANGES, REJECT)
DECISION_VERBS = {APPROVE: "approved", REQUEST_CHANGES: "requested changes to", REJECT: "rejected"}
DECISION_EMOJI = {APPROVE: ":white_check_mark:", REQUEST_CHANGES: ":pencil2:", REJECT: ":x:"}

# history event kinds
CREATED, EDITED, COMMENTED = "created", "edited", "commented"
POSTED, POST_FAILED, STATUS_CHANGED = "posted", "post_failed", "status_changed"
# an approved proposal with a later effective date became the current org on that date
TOOK_EFFECT = "took_effect"
# ... or did not, because the org changed after it was approved: back to its author
NOT_APPLIED = "not_applied"


def long_day(d: date) -> str:
    """`1 March 2027`: an effective date, as people write it."""
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True)
class Draft:
    """What the proposal modal holds once it validates."""

    title: str
    rationale: str
    structure_text: str
    structure: Structure
    reviewers: tuple[str, ...]
    review_by: date
    channel_id: str
    effective_on: date | None = None  # None: takes effect on approval
    policy_name: str | None = None  # None: the workspace's default policy
    branch_root: str | None = None  # the key of the branch it edits; None: the whole org
    # the structure as stored, serialized when the form is read: not while the write
    # lock is held (docs/performance.md, "A burst")
    structure_json: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "structure_json", self.structure.to_json())


@dataclass(frozen=True)
class Decision:
    reviewer_id: str
    decision: str
    comment: str
    decided_at: datetime
    version: int
    stage: int = 0
    on_behalf_of: str | None = None  # the reviewer a delegate decided for
    escalated: bool = False  # an escalation approver decided the stage
    rule_met: str = ""  # the rule this decision met ("1 of 2 approvals"), if it passed a stage


@dataclass(frozen=True)
class Proposal:
    id: int
    team_id: str
    number: int
    title: str
    rationale: str
    structure_text: str
    structure: Structure
    version: int
    author_id: str
    channel_id: str
    message_ts: str | None
    status: str
    review_by: date
    post_error: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    reviewers: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()  # of the current version
    base_org_version: int = 0  # the current org's version when this version was written
    effective_on: date | None = None  # the date it takes effect; None: on approval
    org_version: int | None = None  # the org version it made, once it took effect
    policy: Policy = DEFAULT_POLICY  # the version of the policy it started with
    stage_reviewers: tuple[tuple[str, ...], ...] = ()  # each stage's, resolved per version
    stage_notes: tuple[str, ...] = ()
    policy_carried: int = 0  # stages passed on an earlier version (a policy that resumes)
    stage_started_at: datetime | None = None
    review: Any = None  # policies.evaluate.Evaluation: where it stands in its policy
    branch_root: str | None = None  # the key of the branch it edits; None: the whole org

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_effect(self) -> bool:
        """Approved, with an effective date that has not come yet: not the current org."""
        return self.status == APPROVED and self.org_version is None and bool(self.effective_on)

    @property
    def status_label(self) -> str:
        if self.awaiting_effect:
            assert self.effective_on is not None
            return f"Approved, effective {long_day(self.effective_on)}"
        return STATUS_LABELS[self.status]

    @property
    def status_words(self) -> str:
        """The label inside a sentence: `approved, effective 1 March 2027`."""
        label = self.status_label
        return label[:1].lower() + label[1:]

    @property
    def status_emoji(self) -> str:
        return ":calendar:" if self.awaiting_effect else STATUS_EMOJI[self.status]

    def decision_of(self, user_id: str, stage: int | None = None) -> Decision | None:
        """The person's decision on the current version (in `stage`, when given), made by
        them or for them by a delegate."""
        return next(
            (
                d
                for d in self.decisions
                if (d.on_behalf_of or d.reviewer_id) == user_id and stage in (None, d.stage)
            ),
            None,
        )

    @property
    def waiting_on(self) -> tuple[str, ...]:
        """Reviewers of the current stage who have not decided the current version."""
        if self.review is not None:
            stage = self.review.current_stage
            return stage.waiting if stage is not None else ()
        decided = {d.reviewer_id for d in self.decisions}
        return tuple(r for r in self.reviewers if r not in decided)

    @property
    def all_reviewers(self) -> tuple[str, ...]:
        """Everyone any stage asks (or asked), in stage order."""
        people = [p for stage in self.stage_reviewers for p in stage] or list(self.reviewers)
        return tuple(dict.fromkeys(people))


@dataclass(frozen=True)
class Event:
    id: int
    proposal_id: int
    version: int
    kind: str
    actor_id: str | None
    comment: str
    detail: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class OrgVersion:
    team_id: str
    version: int
    proposal_id: int | None
    structure: Structure
    approved_at: datetime
    effective_on: date | None = None  # None in rows written before effective dates
    imported_by: str | None = None  # an import (CSV) rather than a proposal: who loaded it


@dataclass(frozen=True)
class OrgVersionEntry:
    """One line of the org's history: a version, when it took effect, what made it."""

    version: int
    effective_on: date
    proposal_id: int | None
    proposal_number: int | None
    proposal_title: str | None
    approvers: tuple[str, ...]
    approved_at: datetime
    channel_id: str | None = None  # where the proposal's card is, for a link
    message_ts: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a change to a proposal did, for the Slack side to announce."""

    proposal: Proposal
    kind: str  # created | edited | approved | changes_requested | rejected | commented | withdrawn
    actor_id: str
    comment: str = ""
    status_changed: bool = False
    org_version: OrgVersion | None = None
    previous_reviewers: tuple[str, ...] = field(default=())
    org_changed: bool = False  # every reviewer approved, but the org changed meanwhile
    event_id: int | None = None  # the history event, where one kind can happen many times
    newly_asked: tuple[str, ...] = ()  # the next stage's reviewers, when a decision passed one
    on_behalf_of: str | None = None  # a delegate decided for this reviewer
    escalated: bool = False  # a fallback approver decided the stage past its deadline


class ProposalError(Exception):
    """A request about a proposal that cannot be carried out; `str(error)` says why, in
    words for the person who asked."""


class NotFound(ProposalError):
    pass


class NotAllowed(ProposalError):
    pass


class Closed(ProposalError):
    pass


class StaleVersion(ProposalError):
    pass


class AlreadyDecided(ProposalError):
    def __init__(self, message: str, decision: Decision | None):
        super().__init__(message)
        self.decision = decision
