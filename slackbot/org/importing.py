"""Loading the current org from a CSV: a dry run that says every problem (or what would
change), then the import as one new org version (the history stays append-only). Shared
by `orgbot org import` and the Slack import modal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roles import Catalog
from slackbot.org.structure import Change, Structure, diff
from slackbot.org.table import People, TableResult, read_org_table
from slackbot.proposals import repository as repo
from slackbot.proposals.model import OPEN_STATUSES, OrgVersion
from slackbot.store import Store


@dataclass(frozen=True)
class ImportPlan:
    """What importing a file would do: its problems, or the org it makes and the changes."""

    result: TableResult
    current: OrgVersion | None
    changes: tuple[Change, ...] = ()
    open_proposals: int = 0  # written against the current org: sent back if approved later

    @property
    def ok(self) -> bool:
        return self.result.ok

    def summary(self) -> list[str]:
        """Sentences for the person importing (no mrkdwn)."""
        if not self.ok:
            return [f"{len(self.result.problems)} problem(s); nothing was imported:"] + [
                f"  {p}" for p in self.result.problems
            ]
        structure = self.result.structure
        lines = [f"{len(structure):,} positions, {structure.headcount():,} seats."]
        if self.current is None:
            lines.append("It would be the first org chart of this workspace (version 1).")
            return lines
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        done = ", ".join(f"{n:,} {kind}" for kind, n in counts.items()) or "no change"
        lines.append(
            f"It would replace the current org (version {self.current.version}, "
            f"{len(self.current.structure):,} positions) as version {self.current.version + 1}: "
            f"{done}."
        )
        if self.open_proposals:
            lines.append(
                f"{self.open_proposals} open proposal(s) were written against version "
                f"{self.current.version}; if approved after the import, each goes back to its "
                "author to build on the imported org."
            )
        return lines


def plan_import(
    store: Store, team_id: str, text: str, *, catalog: Catalog, people: People | None
) -> ImportPlan:
    """Read `text` and compare it with the workspace's current org; changes nothing."""
    result = read_org_table(text, catalog, people=people)
    current = repo.current_org(store.db, team_id)
    if not result.ok:
        return ImportPlan(result=result, current=current)
    changes = diff(current.structure, result.structure) if current else []
    open_count = repo.count_proposals(
        store.db,
        team_id,
        where=f"status in ({', '.join('?' for _ in OPEN_STATUSES)})",
        params=list(OPEN_STATUSES),
    )
    return ImportPlan(
        result=result, current=current, changes=tuple(changes), open_proposals=open_count
    )


def import_org(
    store: Store, team_id: str, structure: Structure, *, by: str, now: datetime
) -> OrgVersion:
    """Append `structure` as the workspace's next org version, imported by `by`."""
    if not structure:
        raise ValueError("an import needs at least one position")
    with store.write() as db:
        return repo.add_org_version(db, team_id, None, structure, now, imported_by=by)
