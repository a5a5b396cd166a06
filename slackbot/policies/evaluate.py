"""Where a proposal stands in its policy, given the decisions so far. Pure.

Stages run in order. A stage whose condition is false is skipped (with the reason). The
first stage not yet passed is the current one: a rejection there rejects the proposal, a
change request sends it back to the author, and enough approvals (its rule) pass it and
the next stage starts. When every stage has passed or been skipped, the proposal is
approved. A reviewer in two stages decides in each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from roles import Catalog
from slackbot.org.parse import position_key as catalog_key
from slackbot.org.structure import Structure
from slackbot.policies.facts import ChangeFacts, holds
from slackbot.policies.model import TOUCHES_BRANCH, Policy, Stage
from slackbot.proposals.model import (
    APPROVE,
    APPROVED,
    CHANGES_REQUESTED,
    IN_REVIEW,
    REJECT,
    REJECTED,
    REQUEST_CHANGES,
)

# a stage's state
SKIPPED = "skipped"  # its condition is false
PASSED = "passed"  # its rule is met
CARRIED = "carried"  # passed on an earlier version (a policy that resumes after changes)
CURRENT = "current"  # asked now
STOPPED_REJECTED = "rejected"
STOPPED_CHANGES = "changes_requested"
LATER = "later"  # not reached yet
STAGE_LABELS = {
    SKIPPED: "skipped",
    PASSED: "passed",
    CARRIED: "passed on an earlier version",
    CURRENT: "asked now",
    STOPPED_REJECTED: "rejected",
    STOPPED_CHANGES: "changes requested",
    LATER: "next",
}


@dataclass(frozen=True)
class Directory:
    """What resolving reviewers needs, looked up by the caller beforehand."""

    author_id: str = ""
    named: tuple[str, ...] = ()  # the reviewers the author picked
    usergroups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    current: Structure = field(
        default_factory=Structure
    )  # the current org, for positions and managers
    admins: tuple[str, ...] = ()
    catalog: Catalog | None = None  # reads "Chief Financial Officer" as the CFO position


@dataclass(frozen=True)
class Vote:
    """One recorded decision. `on_behalf_of`: the reviewer a delegate decided for;
    `escalated`: an approver past the deadline decided the whole stage."""

    reviewer_id: str
    decision: str
    stage: int
    on_behalf_of: str | None = None
    escalated: bool = False

    @property
    def counts_for(self) -> str:
        return self.on_behalf_of or self.reviewer_id


@dataclass(frozen=True)
class StageState:
    index: int
    stage: Stage
    state: str
    reviewers: tuple[str, ...] = ()
    needed: int = 0  # approvals its rule needs
    approvals: tuple[str, ...] = ()  # reviewers (counted for) who approved
    waiting: tuple[str, ...] = ()  # reviewers who have not decided (current stage)
    reason: str = ""  # why it was skipped / how it passed / whom nobody could be found for
    rule_met: str = ""  # e.g. "1 of 2 approvals", "escalated"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.state]

    @property
    def still_needed(self) -> int:
        return max(0, self.needed - len(self.approvals))


@dataclass(frozen=True)
class Evaluation:
    outcome: str  # in_review | approved | rejected | changes_requested
    stages: tuple[StageState, ...]
    current: int | None  # the stage asked now (or where it stopped)

    @property
    def current_stage(self) -> StageState | None:
        return None if self.current is None else self.stages[self.current]

    @property
    def asked_now(self) -> tuple[str, ...]:
        """Reviewers of the current stage who have not decided (empty unless in review)."""
        stage = self.current_stage
        if stage is None or self.outcome != IN_REVIEW:
            return ()
        return stage.waiting

    @property
    def next_stage(self) -> StageState | None:
        if self.current is None:
            return None
        return next((s for s in self.stages[self.current + 1 :] if s.state == LATER), None)


def resolve(policy: Policy, directory: Directory) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Each stage's reviewers (user ids, the author left out) and a note when nobody could
    be found and its fallback (or the admins) is asked instead. Reviewers the author
    names join the stages that take named reviewers, or the first stage when none does."""
    stages = list(policy.stages)
    if directory.named and stages and not policy.uses_named_reviewers:
        first = stages[0]
        stages[0] = replace(first, reviewers=replace(first.reviewers, named=True))
    return tuple(resolve_stage(s, directory) for s in stages)


def resolve_stage(stage: Stage, directory: Directory) -> tuple[tuple[str, ...], str]:
    who: list[str] = []
    missing: list[str] = []
    r = stage.reviewers
    if r.named:
        who.extend(directory.named)
    who.extend(r.people)
    if r.usergroup:
        members = directory.usergroups.get(r.usergroup, ())
        if not members:
            missing.append(f"the group <!subteam^{r.usergroup}> has no members")
        who.extend(members)
    if r.author_manager:
        managers = author_managers(directory.current, directory.author_id)
        if not managers:
            missing.append("the author's manager is not in the current org")
        who.extend(managers)
    if r.position:
        holders = position_holders(directory.current, r.position, catalog=directory.catalog)
        if not holders:
            missing.append(f"nobody holds {r.position} in the current org")
        who.extend(holders)
    people = tuple(p for p in dict.fromkeys(who) if p and p != directory.author_id)
    if people:
        return people, ""
    instead = tuple(p for p in stage.fallback if p != directory.author_id)
    whom = "its fallback"
    if not instead:
        instead = tuple(a for a in directory.admins if a != directory.author_id)
        whom = "the admins"
    named_only_author = bool(who) and all(p == directory.author_id for p in who if p)
    why = "; ".join(missing) or (
        "the author is the only reviewer it names" if named_only_author else "nobody to ask"
    )
    return instead, f"{why}: {whom} decide instead" if instead else f"{why}, and nobody to ask"


def position_holders(
    structure: Structure, name: str, *, catalog: Catalog | None = None
) -> tuple[str, ...]:
    """Holders of the position named `name` (its key, title or a catalog name, any case)."""
    key = position_key(structure, name, catalog=catalog)
    if key is None:
        return ()
    return tuple(getattr(structure.by_key[key], "holders", ()))


def position_key(structure: Structure, name: str, *, catalog: Catalog | None = None) -> str | None:
    """The key of the position `name` means in `structure`: its key or title as written,
    else (with a catalog) the role it names ("Chief Financial Officer" → the CFO)."""
    wanted = name.strip().casefold()
    for p in structure.positions:
        if p.key.casefold() == wanted or p.title.casefold() == wanted:
            return p.key
    if catalog is not None:
        key, _ = catalog_key(catalog, name.strip())
        if key in structure.by_key:
            return key
    return None


def author_managers(structure: Structure, author_id: str) -> tuple[str, ...]:
    """Holders of the position the author's position reports to, in `structure`."""
    by_key = structure.by_key
    out: list[str] = []
    for p in structure.positions:
        if author_id in getattr(p, "holders", ()) and p.reports_to in by_key:
            out.extend(getattr(by_key[p.reports_to], "holders", ()))
    return tuple(dict.fromkeys(out))


def evaluate(
    policy: Policy,
    *,
    reviewers: Sequence[tuple[str, ...]],
    facts: ChangeFacts,
    votes: Sequence[Vote] = (),
    carried: int = 0,
    branch_keys: Mapping[str, str] | None = None,
) -> Evaluation:
    """Where the proposal stands.

    Args:
        reviewers: each stage's resolved reviewers (`resolve`), in stage order.
        facts: what the change does (`change_facts`), for the conditions.
        votes: the decisions on the current version, in the order they were recorded.
        carried: stages before this index passed on an earlier version (a policy that
            resumes after changes); they are not asked again.
        branch_keys: a branch condition's position as written → its key in the org.
    """
    states: list[StageState] = []
    outcome = APPROVED
    current: int | None = None
    for index, stage in enumerate(policy.stages):
        people = tuple(reviewers[index]) if index < len(reviewers) else ()
        needed = stage.rule.needed(len(people))
        condition_reason = ""
        if stage.condition is not None:
            key = (
                (branch_keys or {}).get(stage.condition.key)
                if stage.condition.kind == TOUCHES_BRANCH
                else None
            )
            ok, condition_reason = holds(stage.condition, facts, branch_key=key)
            if not ok:
                states.append(
                    StageState(index, stage, SKIPPED, people, needed, reason=condition_reason)
                )
                continue
        if current is not None:
            states.append(StageState(index, stage, LATER, people, needed, reason=condition_reason))
            continue
        if index < carried:
            states.append(
                StageState(index, stage, CARRIED, people, needed, reason=condition_reason)
            )
            continue
        mine = [v for v in votes if v.stage == index]
        approvals = tuple(
            dict.fromkeys(v.counts_for for v in mine if v.decision == APPROVE and not v.escalated)
        )
        decided = {v.counts_for for v in mine}
        waiting = tuple(p for p in people if p not in decided)
        escalated = next((v for v in mine if v.escalated), None)
        base = dict(
            index=index,
            stage=stage,
            reviewers=people,
            needed=needed,
            approvals=approvals,
            reason=condition_reason,
        )
        if any(v.decision == REJECT for v in mine):
            states.append(StageState(state=STOPPED_REJECTED, waiting=waiting, **base))
            outcome, current = REJECTED, index
        elif any(v.decision == REQUEST_CHANGES for v in mine):
            states.append(StageState(state=STOPPED_CHANGES, waiting=waiting, **base))
            outcome, current = CHANGES_REQUESTED, index
        elif escalated is not None:
            states.append(StageState(state=PASSED, rule_met="escalated", **base))
        elif len([a for a in approvals if a in people]) >= needed and people:
            states.append(
                StageState(state=PASSED, rule_met=stage.rule.describe(len(people)), **base)
            )
        else:
            states.append(StageState(state=CURRENT, waiting=waiting, **base))
            outcome, current = IN_REVIEW, index
    return Evaluation(outcome=outcome, stages=tuple(states), current=current)


def rule_met_by(before: Evaluation, after: Evaluation, stage: int) -> str:
    """The rule a decision met: the stage's rule when it passed the stage, else ""."""
    was, now = before.stages[stage].state, after.stages[stage].state
    return after.stages[stage].rule_met if now == PASSED and was != PASSED else ""
