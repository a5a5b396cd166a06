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
    "proposal_effective_on",  # YYYY-MM-DD, empty: on approval
]


def export_data(store: Store) -> dict[str, Any]:
    """Everything about every proposal, nested: versions, reviewers, decisions, history;
    every org version. Each table's columns as stored (effective dates included)."""
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
    """One row per history event, with the proposal it belongs to (RFC 4180: rows end in
    CRLF, so a carriage return inside a comment is quoted rather than ending the row)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in store.db.query(
        """
        select e.team_id, p.number as proposal_number, p.title as proposal_title,
               p.status as proposal_status, e.version, e.at, e.kind, e.actor_id, e.comment,
               e.detail, p.effective_on as proposal_effective_on
        from proposal_events e join proposals p on p.id = e.proposal_id
        order by e.team_id, p.number, e.id
        """
    ):
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return out.getvalue()


# Cells a spreadsheet would read as a formula (OWASP, "CSV Injection"): people's text goes
# into titles and comments, so `=HYPERLINK(...)` must arrive as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell as text a spreadsheet shows rather than runs: text starting with `=`, `+`,
    `-`, `@`, a tab or a carriage return gets a leading `'`. Numbers stay numbers; the
    JSON export keeps every value exactly."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
