"""Review policies in the database: named per workspace, every change a new version (kept,
so a proposal reads the version it started with). Rows are converted here."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from slackbot.policies.model import DEFAULT_POLICY, DEFAULT_POLICY_NAME, Policy
from slackbot.policies.toml_io import PolicyError, policy_from_data, policy_to_data


def save_policies(
    db: Database,
    team_id: str,
    policies: list[tuple[Policy, bool]],
    *,
    by: str,
    now: datetime,
    via: str,
) -> list[Policy]:
    """Store each policy as a new version when it differs from the newest one (same text:
    unchanged, same version). `default=True` makes it the workspace's default. Call inside
    a write transaction.

    Returns:
        The policies as stored, with their versions.
    """
    stored = []
    for policy, default in policies:
        body = json.dumps(policy_to_data(policy), sort_keys=True)
        row = next(
            db.query(
                "select * from review_policies where team_id = ? and name = ?",
                [team_id, policy.name],
            ),
            None,
        )
        version = row["version"] if row else 0
        latest = _body(db, team_id, policy.name, version) if row else None
        if latest != body or (row and row["removed"]):
            if latest != body:
                version += 1
                db["review_policy_versions"].insert(
                    {
                        "team_id": team_id,
                        "name": policy.name,
                        "version": version,
                        "body": body,
                        "created_at": now.isoformat(),
                        "created_by": by,
                        "via": via,
                    }
                )
            values = {
                "version": version,
                "removed": 0,
                "updated_at": now.isoformat(),
                "updated_by": by,
            }
            if row:
                db["review_policies"].update(row["id"], values)
            else:
                db["review_policies"].insert({"team_id": team_id, "name": policy.name} | values)
        if default:
            db.execute("update review_policies set is_default = 0 where team_id = ?", [team_id])
            db.execute(
                "update review_policies set is_default = 1 where team_id = ? and name = ?",
                [team_id, policy.name],
            )
        stored.append(load_policy(db, team_id, policy.name, version))
    return stored


def remove_others(
    db: Database, team_id: str, keep: list[str], *, by: str, now: datetime
) -> list[str]:
    """Remove the workspace's policies not named in `keep` (their versions stay: proposals
    that started under them keep them); the names removed. Call inside a write transaction."""
    rows = list(
        db.query(
            "select id, name from review_policies where team_id = ? and not removed", [team_id]
        )
    )
    gone = [r for r in rows if r["name"] not in keep]
    for r in gone:
        db["review_policies"].update(
            r["id"],
            {"removed": 1, "is_default": 0, "updated_at": now.isoformat(), "updated_by": by},
        )
    return [r["name"] for r in gone]


def _body(db: Database, team_id: str, name: str, version: int) -> str | None:
    row = next(
        db.query(
            "select body from review_policy_versions where team_id = ? and name = ? and version = ?",
            [team_id, name, version],
        ),
        None,
    )
    return row["body"] if row else None


def load_policy(db: Database, team_id: str, name: str | None, version: int = 0) -> Policy:
    """The policy `name` at `version` (0: the newest); the built-in default for no name or
    version 0 of it.

    Raises:
        PolicyError: no such policy (or version) in this workspace.
    """
    if not name or (name == DEFAULT_POLICY_NAME and not _exists(db, team_id, name)):
        return DEFAULT_POLICY
    if not version:
        row = next(
            db.query(
                "select version from review_policies where team_id = ? and name = ? and not removed",
                [team_id, name],
            ),
            None,
        )
        if row is None:
            raise PolicyError(f"There is no review policy named “{name}”.")
        version = row["version"]
    body = _body(db, team_id, name, version)
    if body is None:
        raise PolicyError(f"There is no version {version} of review policy “{name}”.")
    return policy_from_data(json.loads(body), version=version)


def _exists(db: Database, team_id: str, name: str) -> bool:
    return bool(
        db.execute(
            "select count(*) from review_policies where team_id = ? and name = ? and not removed",
            [team_id, name],
        ).fetchone()[0]
    )


def list_policies(db: Database, team_id: str) -> list[tuple[Policy, bool]]:
    """The workspace's policies (newest versions), each with whether it is the default;
    the default first, then by name."""
    rows = db.query(
        "select name, version, is_default from review_policies "
        "where team_id = ? and not removed order by is_default desc, name",
        [team_id],
    )
    return [
        (load_policy(db, team_id, r["name"], r["version"]), bool(r["is_default"])) for r in rows
    ]


def default_policy(db: Database, team_id: str) -> Policy:
    """The workspace's default policy (newest version), or the built-in one."""
    row = next(
        db.query(
            "select name, version from review_policies "
            "where team_id = ? and is_default and not removed",
            [team_id],
        ),
        None,
    )
    return load_policy(db, team_id, row["name"], row["version"]) if row else DEFAULT_POLICY
