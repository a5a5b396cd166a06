"""`orgbot export`: proposals, reviews and their history, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from slackbot.store import Store

CSV_COLUMNS = [
    "team_id",
    "proposal_number",
    "proposal_title",
    "proposal_status",
    "version",
    "at",
    "kind",
    "actor_id",
    "comment",
    "detail",
]


def export_data(store: Store) -> dict[str, Any]:
    """Everything about every proposal, nested: versions, reviewers, decisions, history."""
    db = store.db

    def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return list(db.query(sql, params))

    proposals = []
    for p in db.query("select * from proposals order by team_id, number"):
        pid = p["id"]
        item = {k: v for k, v in p.items() if k != "structure"}
        item["structure"] = json.loads(p["structure"] or "[]")
        item["reviewers"] = [
            r["user_id"]
            for r in rows(
                "select user_id from proposal_reviewers where proposal_id = ? order by position",
                [pid],
            )
        ]
        item["versions"] = [
            {
                **v,
                "structure": json.loads(v["structure"] or "[]"),
                "reviewers": json.loads(v["reviewers"] or "[]"),
            }
            for v in rows(
                "select * from proposal_versions where proposal_id = ? order by version", [pid]
            )
        ]
        item["decisions"] = rows("select * from decisions where proposal_id = ? order by id", [pid])
        item["history"] = [
            {**e, "detail": json.loads(e["detail"] or "{}")}
            for e in rows("select * from proposal_events where proposal_id = ? order by id", [pid])
        ]
        proposals.append(item)
    org_versions = [
        {**o, "structure": json.loads(o["structure"])}
        for o in db.query("select * from org_versions order by team_id, version")
    ]
    return {"proposals": proposals, "org_versions": org_versions}


def export_json(store: Store) -> str:
    return json.dumps(export_data(store), indent=2, ensure_ascii=False) + "\n"


def export_csv(store: Store) -> str:
    """One row per history event, with the proposal it belongs to."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in store.db.query(
        """
        select e.team_id, p.number as proposal_number, p.title as proposal_title,
               p.status as proposal_status, e.version, e.at, e.kind, e.actor_id, e.comment,
               e.detail
        from proposal_events e join proposals p on p.id = e.proposal_id
        order by e.team_id, p.number, e.id
        """
    ):
        writer.writerow(row)
    return out.getvalue()
