"""The org over time: which version was in effect on a date, what the org will be on a
later date given the approved proposals that take effect by then, and the list of versions
(`/org-proposal current at DATE`, `/org-proposal history`).

Each org version records the date it took effect (`org_versions.effective_on`, a date in
the workspace's time zone); versions written before effective dates existed took effect
on the day they were approved, in the workspace's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from slackbot.org.structure import Structure
from slackbot.proposals import repository as repo
from slackbot.proposals.model import OrgVersion, OrgVersionEntry, Proposal
from slackbot.proposals.service import ProposalService

HISTORY_PAGE = 15  # versions a `/org-proposal history` answer lists


@dataclass(frozen=True)
class OrgOn:
    """The org on a date.

    Attributes:
        on: the date asked about (the workspace's calendar).
        today: the workspace's date now.
        version: the org version in effect on `on`, or, for a later date, the current one
            the projection starts from; None when there was no org yet.
        structure: the org on `on` (None: there was none).
        takes_effect: for a later date, the approved proposals that take effect by then,
            in order; each adds a version.
        sent_back: approved proposals due by then that would go back to their authors,
            because a proposal before them changes the org they were written against.
    """

    on: date
    today: date
    version: OrgVersion | None
    structure: Structure | None
    takes_effect: tuple[Proposal, ...] = ()
    sent_back: tuple[Proposal, ...] = ()

    @property
    def future(self) -> bool:
        return self.on > self.today

    @property
    def number(self) -> int | None:
        """The version number the org has on `on` (a projection counts up)."""
        if self.version is None and not self.takes_effect:
            return None
        return (self.version.version if self.version else 0) + len(self.takes_effect)


def effective_date(version: OrgVersion, zone: tzinfo) -> date:
    """The date a version took effect; before effective dates, the day it was approved."""
    return version.effective_on or version.approved_at.astimezone(zone).date()


def _effective_of_row(row: dict[str, Any], zone: tzinfo) -> date:
    if row["effective_on"]:
        return date.fromisoformat(row["effective_on"])
    return datetime.fromisoformat(row["approved_at"]).astimezone(zone).date()


def org_on(proposals: ProposalService, team_id: str, on: date) -> OrgOn:
    """What the org was on `on` (today or earlier), or will be (a later date)."""
    zone = proposals.zone(team_id)
    today = proposals.today(team_id)
    db = proposals.store.db
    if on <= today:
        rows = db.query(
            "select version, effective_on, approved_at from org_versions where team_id = ?",
            [team_id],
        )
        in_effect = [r["version"] for r in rows if _effective_of_row(r, zone) <= on]
        version = repo.org_version(db, team_id, max(in_effect)) if in_effect else None
        return OrgOn(on, today, version, version.structure if version else None)
    current = repo.current_org(db, team_id)
    number = current.version if current else 0
    structure = current.structure if current else None
    applied: list[Proposal] = []
    sent_back: list[Proposal] = []
    for proposal in repo.awaiting_effect(db, team_id):
        assert proposal.effective_on is not None
        if proposal.effective_on > on:
            break
        if proposal.base_org_version != number:
            sent_back.append(proposal)
            continue
        structure = proposals.structure_after(db, proposal)
        number += 1
        applied.append(proposal)
    return OrgOn(on, today, current, structure, tuple(applied), tuple(sent_back))


def org_history(
    proposals: ProposalService, team_id: str, *, page: int = 1, per_page: int = HISTORY_PAGE
) -> tuple[list[OrgVersionEntry], int]:
    """One page of the org's versions, newest first, and how many there are in all."""
    zone = proposals.zone(team_id)
    db = proposals.store.db
    total = repo.count_org_versions(db, team_id)
    rows = db.query(
        "select o.version, o.effective_on, o.approved_at, o.proposal_id, p.number, p.title, "
        "p.channel_id, p.message_ts "
        "from org_versions o left join proposals p on p.id = o.proposal_id "
        "where o.team_id = ? order by o.version desc limit ? offset ?",
        [team_id, per_page, (max(page, 1) - 1) * per_page],
    )
    entries = [
        OrgVersionEntry(
            version=row["version"],
            effective_on=_effective_of_row(row, zone),
            proposal_id=row["proposal_id"],
            proposal_number=row["number"],
            proposal_title=row["title"],
            approvers=repo.approvers(db, row["proposal_id"]) if row["proposal_id"] else (),
            approved_at=datetime.fromisoformat(row["approved_at"]),
            channel_id=row["channel_id"],
            message_ts=row["message_ts"],
        )
        for row in list(rows)
    ]
    return entries, total
