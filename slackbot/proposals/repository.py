"""Proposal rows in and out of SQLite. Every function takes the `Database` of the caller's
transaction (`store.write()`) or a read connection (`store.db`)."""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlite_utils import Database

from slackbot.org.structure import Structure
from slackbot.policies.model import DEFAULT_POLICY, Policy
from slackbot.proposals.model import Decision, Event, OrgVersion, Proposal
from slackbot.store import sql


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def proposal_from_row(db: Database, row: dict[str, Any]) -> Proposal:
    reviewers = tuple(
        r["user_id"]
        for r in sql.rows(
            db,
            "select user_id from proposal_reviewers where proposal_id = ? order by position",
            [row["id"]],
        )
    )
    decisions = tuple(
        Decision(
            reviewer_id=d["reviewer_id"],
            decision=d["decision"],
            comment=d["comment"] or "",
            decided_at=datetime.fromisoformat(d["decided_at"]),
            version=d["version"],
            stage=d.get("stage") or 0,
            on_behalf_of=d.get("on_behalf_of"),
            escalated=bool(d.get("escalated")),
            rule_met=d.get("rule_met") or "",
        )
        for d in sql.rows(
            db,
            "select * from decisions where proposal_id = ? and version = ? order by id",
            [row["id"], row["version"]],
        )
    )
    policy = _policy(db, row)
    stage_reviewers = (
        tuple(tuple(s) for s in json.loads(row["stage_reviewers"]))
        if row.get("stage_reviewers")
        else tuple(reviewers if s.reviewers.named else () for s in policy.stages)
    )
    proposal = Proposal(
        id=row["id"],
        team_id=row["team_id"],
        number=row["number"],
        title=row["title"],
        rationale=row["rationale"] or "",
        structure_text=row["structure_text"] or "",
        structure=Structure.from_json(row["structure"]),
        version=row["version"],
        author_id=row["author_id"],
        channel_id=row["channel_id"] or "",
        message_ts=row["message_ts"],
        status=row["status"],
        review_by=date.fromisoformat(row["review_by"]),
        post_error=row["post_error"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        closed_at=parse_time(row["closed_at"]),
        reviewers=reviewers,
        decisions=decisions,
        base_org_version=row.get("base_org_version") or 0,
        effective_on=parse_date(row.get("effective_on")),
        org_version=row.get("org_version"),
        policy=policy,
        stage_reviewers=stage_reviewers,
        stage_notes=tuple(json.loads(row["stage_notes"])) if row.get("stage_notes") else (),
        policy_carried=row.get("policy_carried") or 0,
        stage_started_at=parse_time(row.get("stage_started_at")),
        branch_root=row.get("branch_root"),
    )
    return replace(proposal, review=review_of(db, proposal))


def _policy(db: Database, row: dict[str, Any]) -> Policy:
    from slackbot.policies.repository import load_policy
    from slackbot.policies.toml_io import PolicyError

    try:
        return load_policy(
            db, row["team_id"], row.get("policy_name"), row.get("policy_version") or 0
        )
    except PolicyError:  # not possible short of editing the database by hand
        return DEFAULT_POLICY


def review_of(db: Database, proposal: Proposal):
    """Where `proposal` stands in its policy (`policies.evaluate.Evaluation`)."""
    from slackbot.policies.evaluate import Vote, evaluate, position_key
    from slackbot.policies.facts import ChangeFacts, branch_change_facts, change_facts

    base = (
        org_version(db, proposal.team_id, proposal.base_org_version)
        if proposal.base_org_version
        else None
    )
    before = base.structure if base else Structure()
    # a branch proposal changes only its branch: the facts are about the whole org after it,
    # worked out from the branch (a 10,000-position org is not walked for each load)
    facts_of = (
        partial(branch_change_facts, branch_root=proposal.branch_root)
        if proposal.branch_root
        else change_facts
    )
    branch_keys = {}
    for stage in proposal.policy.stages:
        if stage.condition is not None and stage.condition.key:
            name = stage.condition.key
            key = position_key(before, name) or position_key(proposal.structure, name)
            if key:
                branch_keys[name] = key
    return evaluate(
        proposal.policy,
        reviewers=proposal.stage_reviewers,
        # "takes effect within N days" counts from the day the version was written; a
        # policy without conditions (the default) needs no facts
        facts=facts_of(
            before,
            proposal.structure,
            effective=proposal.effective_on,
            today=proposal.updated_at.date(),
        )
        if any(stage.condition is not None for stage in proposal.policy.stages)
        else ChangeFacts(effective=proposal.effective_on, today=proposal.updated_at.date()),
        votes=[
            Vote(
                reviewer_id=d.reviewer_id,
                decision=d.decision,
                stage=d.stage,
                on_behalf_of=d.on_behalf_of,
                escalated=d.escalated,
            )
            for d in proposal.decisions
        ],
        carried=proposal.policy_carried,
        branch_keys=branch_keys,
    )


def get_proposal(db: Database, team_id: str, proposal_id: int) -> Proposal | None:
    if not _fits(proposal_id):
        return None
    rows = sql.rows(
        db, "select * from proposals where id = ? and team_id = ?", [proposal_id, team_id]
    )
    return proposal_from_row(db, rows[0]) if rows else None


def get_by_number(db: Database, team_id: str, number: int) -> Proposal | None:
    if not _fits(number):
        return None
    rows = sql.rows(
        db, "select * from proposals where team_id = ? and number = ?", [team_id, number]
    )
    return proposal_from_row(db, rows[0]) if rows else None


def _fits(number: int) -> bool:
    """A number SQLite can compare (its INTEGER is 64-bit): `/org-proposal
    99999999999999999999` must find nothing rather than fail to bind."""
    return -(2**63) <= number < 2**63


def list_proposals(
    db: Database,
    team_id: str,
    *,
    where: str = "1",
    params: list[Any] | None = None,
    order: str = "number desc",
    limit: int = 50,
) -> list[Proposal]:
    rows = db.query(
        f"select * from proposals where team_id = ? and ({where}) order by {order} limit ?",
        [team_id, *(params or []), limit],
    )
    return [proposal_from_row(db, row) for row in rows]


def count_proposals(
    db: Database, team_id: str, *, where: str = "1", params: list[Any] | None = None
) -> int:
    """How many proposals match: exact, unlike a list capped by its `limit`."""
    row = next(
        db.query(
            f"select count(*) as n from proposals where team_id = ? and ({where})",
            [team_id, *(params or [])],
        )
    )
    return row["n"]


def closing_events(
    db: Database,
    team_id: str,
    *,
    since: datetime,
    until: datetime,
    closed: tuple[str, ...],
    withdrawn: str,
    status_changed: str,
    limit: int,
) -> tuple[list[Event], int]:
    """Events that closed a proposal in [since, until): a status change to one of `closed`,
    or a withdrawal. The first `limit` of them, oldest first, and how many there are in all.
    Times are compared as instants (`julianday`), whatever offset they were written with."""
    marks = ",".join("?" for _ in closed)
    where = (
        "team_id = ? and julianday(at) >= julianday(?) and julianday(at) < julianday(?) "
        f"and (kind = ? or (kind = ? and json_extract(detail, '$.to') in ({marks})))"
    )
    params = [team_id, iso(since), iso(until), withdrawn, status_changed, *closed]
    total = next(db.query(f"select count(*) as n from proposal_events where {where}", params))["n"]
    rows = db.query(
        f"select * from proposal_events where {where} order by id limit ?", [*params, limit]
    )
    return [event_from_row(row) for row in rows], total


def next_number(db: Database, team_id: str) -> int:
    [row] = sql.rows(
        db, "select coalesce(max(number), 0) + 1 as n from proposals where team_id = ?", [team_id]
    )
    return row["n"]


def add_event(
    db: Database,
    *,
    team_id: str,
    proposal_id: int,
    version: int,
    kind: str,
    actor_id: str | None,
    at: datetime,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """Append to the history; returns the event's id."""
    return sql.insert(
        db,
        "proposal_events",
        {
            "team_id": team_id,
            "proposal_id": proposal_id,
            "version": version,
            "kind": kind,
            "actor_id": actor_id,
            "comment": comment,
            "detail": json.dumps(detail or {}),
            "at": iso(at),
        },
    )


def add_event_for(
    db: Database,
    proposal: Proposal,
    kind: str,
    *,
    actor_id: str | None,
    at: datetime,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """`add_event` for something that happened to the current version of `proposal`."""
    return add_event(
        db,
        team_id=proposal.team_id,
        proposal_id=proposal.id,
        version=proposal.version,
        kind=kind,
        actor_id=actor_id,
        at=at,
        comment=comment,
        detail=detail,
    )


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(
        id=row["id"],
        proposal_id=row["proposal_id"],
        version=row["version"],
        kind=row["kind"],
        actor_id=row["actor_id"],
        comment=row["comment"] or "",
        detail=json.loads(row["detail"] or "{}"),
        at=datetime.fromisoformat(row["at"]),
    )


def history(db: Database, proposal_id: int) -> list[Event]:
    return [
        event_from_row(row)
        for row in db.query(
            "select * from proposal_events where proposal_id = ? order by id", [proposal_id]
        )
    ]


def recent_events(db: Database, team_id: str, kinds: tuple[str, ...], limit: int) -> list[Event]:
    marks = ",".join("?" for _ in kinds)
    return [
        event_from_row(row)
        for row in db.query(
            f"select * from proposal_events where team_id = ? and kind in ({marks}) "
            "order by id desc limit ?",
            [team_id, *kinds, limit],
        )
    ]


def set_asked(db: Database, proposal: Proposal) -> None:
    """Who is asked now, for "waiting on you" (call after every change, same transaction)."""
    db.execute("delete from proposal_asked where proposal_id = ?", [proposal.id])
    if proposal.is_open:
        sql.insert_all(
            db,
            "proposal_asked",
            ({"proposal_id": proposal.id, "user_id": u} for u in proposal.waiting_on),
        )


def set_reviewers(
    db: Database, proposal_id: int, reviewers: tuple[str, ...], *, new: bool = False
) -> None:
    """The proposal's reviewers, in order (`new`: a proposal just created, which has none)."""
    if not new:
        db.execute("delete from proposal_reviewers where proposal_id = ?", [proposal_id])
    sql.insert_all(
        db,
        "proposal_reviewers",
        (
            {"proposal_id": proposal_id, "user_id": user, "position": i}
            for i, user in enumerate(reviewers)
        ),
    )


def current_org(db: Database, team_id: str) -> OrgVersion | None:
    rows = list(
        db.query(
            "select * from org_versions where team_id = ? order by version desc limit 1", [team_id]
        )
    )
    return _org_version_from_row(rows[0]) if rows else None


def org_version(db: Database, team_id: str, version: int) -> OrgVersion | None:
    rows = list(
        db.query("select * from org_versions where team_id = ? and version = ?", [team_id, version])
    )
    return _org_version_from_row(rows[0]) if rows else None


@functools.lru_cache(maxsize=8)
def _structure(text: str) -> Structure:
    """An org version's structure, read once: rows of `org_versions` never change, and a
    large org (10,000 positions) takes tens of milliseconds to read from JSON. Structures
    are immutable, so every reader can share one."""
    return Structure.from_json(text)


def _org_version_from_row(row: dict[str, Any]) -> OrgVersion:
    return OrgVersion(
        team_id=row["team_id"],
        version=row["version"],
        proposal_id=row["proposal_id"],
        structure=_structure(row["structure"]),
        approved_at=datetime.fromisoformat(row["approved_at"]),
        effective_on=parse_date(row.get("effective_on")),
        imported_by=row.get("imported_by"),
    )


def current_org_version(db: Database, team_id: str) -> int:
    """The number of the workspace's current org chart; 0 before the first approval."""
    [row] = sql.rows(
        db, "select coalesce(max(version), 0) as v from org_versions where team_id = ?", [team_id]
    )
    return row["v"]


def add_org_version(
    db: Database,
    team_id: str,
    proposal_id: int | None,
    structure: Structure,
    at: datetime,
    *,
    effective_on: date | None = None,
    imported_by: str | None = None,
) -> OrgVersion:
    """The next org version; made by `proposal_id` (recorded on the proposal too) or
    imported (`imported_by`), in effect from `effective_on` (the workspace's date)."""
    version = current_org_version(db, team_id) + 1
    db["org_versions"].insert(
        {
            "team_id": team_id,
            "version": version,
            "proposal_id": proposal_id,
            "structure": structure.to_json(),
            "approved_at": iso(at),
            "effective_on": effective_on.isoformat() if effective_on else None,
            "imported_by": imported_by,
        }
    )
    if proposal_id is not None:
        db["proposals"].update(proposal_id, {"org_version": version})
    return OrgVersion(team_id, version, proposal_id, structure, at, effective_on, imported_by)


def org_versions(db: Database, team_id: str, *, limit: int, offset: int = 0) -> list[OrgVersion]:
    """The workspace's org versions, newest first."""
    return [
        _org_version_from_row(row)
        for row in db.query(
            "select * from org_versions where team_id = ? order by version desc limit ? offset ?",
            [team_id, limit, offset],
        )
    ]


def count_org_versions(db: Database, team_id: str) -> int:
    return next(db.query("select count(*) as n from org_versions where team_id = ?", [team_id]))[
        "n"
    ]


def approvers(db: Database, proposal_id: int) -> tuple[str, ...]:
    """Who approved the proposal's current version (the one that was approved)."""
    return tuple(
        r["reviewer_id"]
        for r in db.query(
            "select d.reviewer_id from decisions d join proposals p on p.id = d.proposal_id "
            "where d.proposal_id = ? and d.version = p.version and d.decision = 'approved' "
            "order by d.id",
            [proposal_id],
        )
    )


def awaiting_effect(db: Database, team_id: str | None = None) -> list[Proposal]:
    """Approved proposals with an effective date that have not taken effect yet, in the
    order they take effect: by date, then in the order they were approved."""
    where = "status = 'approved' and org_version is null and effective_on is not null"
    params: list[Any] = []
    if team_id is not None:
        where += " and team_id = ?"
        params.append(team_id)
    return [
        proposal_from_row(db, row)
        for row in db.query(
            f"select * from proposals where {where} order by team_id, effective_on, closed_at, id",
            params,
        )
    ]
