"""The workspace roles in SQLite: `workspace_roles` holds each workspace's current roles
(with who changed each last, and when); `workspace_role_changes` keeps every change, and its
highest id for a workspace is that workspace's revision (what the catalog cache checks)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slackbot.store import Store


@dataclass(frozen=True)
class StoredRole:
    team_id: str
    role_id: str
    data: dict[str, Any]
    updated_by: str
    updated_at: datetime
    via: str  # slack | cli


@dataclass(frozen=True)
class RoleChange:
    id: int
    team_id: str
    role_id: str
    action: str  # saved | removed
    changed_by: str
    changed_at: datetime
    via: str


class WorkspaceRoles:
    def __init__(self, store: Store):
        self.store = store

    def stored(self, team_id: str) -> list[StoredRole]:
        """The workspace's roles, by id."""
        rows = self.store.db.query(
            "select * from workspace_roles where team_id = ? order by role_id", [team_id]
        )
        return [
            StoredRole(
                team_id=row["team_id"],
                role_id=row["role_id"],
                data=json.loads(row["data"]),
                updated_by=row["updated_by"],
                updated_at=datetime.fromisoformat(row["updated_at"]),
                via=row["via"],
            )
            for row in rows
        ]

    def revision(self, team_id: str) -> int:
        """0 while the workspace has never changed a role; grows with every change."""
        row = self.store.db.conn.execute(
            "select max(id) from workspace_role_changes where team_id = ?", [team_id]
        ).fetchone()
        return row[0] or 0

    def save(
        self,
        team_id: str,
        roles: Sequence[Mapping[str, Any]],
        *,
        by: str,
        now: datetime,
        via: str,
    ) -> None:
        """Store roles (already validated), replacing any with the same id, in one
        transaction (callers validate inside the same `store.write()`)."""
        at = now.isoformat(timespec="seconds")
        with self.store.write() as db:
            for data in roles:
                text = json.dumps(data, ensure_ascii=False, sort_keys=False)
                db["workspace_roles"].upsert(
                    {
                        "team_id": team_id,
                        "role_id": data["id"],
                        "data": text,
                        "updated_by": by,
                        "updated_at": at,
                        "via": via,
                    },
                    pk=("team_id", "role_id"),
                )
                db["workspace_role_changes"].insert(
                    {
                        "team_id": team_id,
                        "role_id": data["id"],
                        "action": "saved",
                        "data": text,
                        "changed_by": by,
                        "changed_at": at,
                        "via": via,
                    }
                )

    def remove(self, team_id: str, role_id: str, *, by: str, now: datetime, via: str) -> bool:
        """Remove a workspace role (a shipped role it overrode shows again). False when the
        workspace has no role with that id."""
        with self.store.write() as db:
            cursor = db.execute(
                "delete from workspace_roles where team_id = ? and role_id = ?", [team_id, role_id]
            )
            if not cursor.rowcount:
                return False
            db["workspace_role_changes"].insert(
                {
                    "team_id": team_id,
                    "role_id": role_id,
                    "action": "removed",
                    "data": None,
                    "changed_by": by,
                    "changed_at": now.isoformat(timespec="seconds"),
                    "via": via,
                }
            )
        return True

    def history(self, team_id: str) -> list[RoleChange]:
        """Every change to the workspace's roles, oldest first."""
        rows = self.store.db.query(
            "select * from workspace_role_changes where team_id = ? order by id", [team_id]
        )
        return [
            RoleChange(
                id=row["id"],
                team_id=row["team_id"],
                role_id=row["role_id"],
                action=row["action"],
                changed_by=row["changed_by"],
                changed_at=datetime.fromisoformat(row["changed_at"]),
                via=row["via"],
            )
            for row in rows
        ]

    def teams(self) -> list[str]:
        """Workspaces that have roles of their own."""
        return [
            row["team_id"]
            for row in self.store.db.query(
                "select distinct team_id from workspace_roles order by team_id"
            )
        ]
