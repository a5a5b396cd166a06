"""The runs of orgbot's workflow steps, kept in `workflow_executions` (one row a Slack
`function_execution_id`), so that each is completed or failed exactly once, also across
a restart.

A run's life: `running` (recorded from the `function_executed` event; a repeat of the event
finds the row) → `finishing` (its outcome is decided and stored, in the transaction of
whatever decided it) → `completed` / `failed` (Slack accepted `functions.completeSuccess` /
`functions.completeError`). A process that dies in between leaves `finishing`; the
scheduler's upkeep tells Slack then. Slack itself refuses a second completion
(`execution_not_in_running_state`), which settles a row whose first answer was lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slackbot.store import Store

RUNNING, FINISHING, COMPLETED, FAILED = "running", "finishing", "completed", "failed"
# how long one process may take to tell Slack before another may try (a lease)
SENDING_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Execution:
    execution_id: str
    team_id: str
    callback_id: str
    inputs: dict[str, Any]
    token: str | None
    status: str
    outputs: dict[str, Any] | None = None
    error: str | None = None
    person_id: str | None = None
    proposal_id: int | None = None
    dm_channel: str | None = None
    dm_ts: str | None = None
    deadline_at: datetime | None = None
    last_error: str | None = None

    @property
    def running(self) -> bool:
        return self.status == RUNNING


def _row(row: dict[str, Any]) -> Execution:
    return Execution(
        execution_id=row["execution_id"],
        team_id=row["team_id"],
        callback_id=row["callback_id"],
        inputs=json.loads(row["inputs"] or "{}"),
        token=row["token"],
        status=row["status"],
        outputs=json.loads(row["outputs"]) if row["outputs"] else None,
        error=row["error"],
        person_id=row["person_id"],
        proposal_id=row["proposal_id"],
        dm_channel=row["dm_channel"],
        dm_ts=row["dm_ts"],
        deadline_at=datetime.fromisoformat(row["deadline_at"]) if row["deadline_at"] else None,
        last_error=row["last_error"],
    )


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


class Executions:
    """The `workflow_executions` table."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, execution_id: str) -> Execution | None:
        rows = list(
            self.store.db.query(
                "select * from workflow_executions where execution_id = ?", [execution_id]
            )
        )
        return _row(rows[0]) if rows else None

    def record(
        self,
        execution_id: str,
        *,
        team_id: str,
        callback_id: str,
        inputs: dict[str, Any],
        token: str | None,
        now: datetime,
        **extra: Any,
    ) -> tuple[Execution, bool]:
        """The run, recorded as `running` unless it is known already (Slack delivers an
        event again when the first delivery was not acknowledged in time). Returns the row
        and whether it is new."""
        with self.store.write() as db:
            existing = self.get(execution_id)
            if existing is not None:
                return existing, False
            db["workflow_executions"].insert(
                {
                    "execution_id": execution_id,
                    "team_id": team_id,
                    "callback_id": callback_id,
                    "inputs": json.dumps(inputs),
                    "token": token,
                    "status": RUNNING,
                    "created_at": _stamp(now),
                    **extra,
                }
            )
        created = self.get(execution_id)
        assert created is not None
        return created, True

    def update(self, execution_id: str, **values: Any) -> None:
        with self.store.write() as db:
            db["workflow_executions"].update(execution_id, values)

    def conclude(
        self,
        execution_id: str,
        *,
        outputs: dict[str, Any] | None = None,
        error: str | None = None,
        **values: Any,
    ) -> bool:
        """Decide the run's outcome (outputs, or an error for the workflow), if it is still
        running; joins the caller's transaction. True when this call decided it."""
        with self.store.write() as db:
            cursor = db.execute(
                "update workflow_executions set status = ?, outputs = ?, error = ? "
                "where execution_id = ? and status = ?",
                [
                    FINISHING,
                    json.dumps(outputs) if error is None else None,
                    error,
                    execution_id,
                    RUNNING,
                ],
            )
            if cursor.rowcount == 1 and values:
                db["workflow_executions"].update(execution_id, values)
            return cursor.rowcount == 1

    def claim_sending(self, execution_id: str, *, now: datetime) -> Execution | None:
        """Take a `finishing` run for telling Slack, unless another process has it."""
        with self.store.write() as db:
            cursor = db.execute(
                "update workflow_executions set sending_since = ? where execution_id = ? "
                "and status = ? and (sending_since is null or sending_since < ?)",
                [_stamp(now), execution_id, FINISHING, _stamp(now - SENDING_LEASE)],
            )
            return self.get(execution_id) if cursor.rowcount == 1 else None

    def settled(self, execution_id: str, *, now: datetime, note: str | None = None) -> None:
        """Slack has the outcome (or refused it as already settled)."""
        with self.store.write() as db:
            row = self.get(execution_id)
            if row is None:
                return
            db["workflow_executions"].update(
                execution_id,
                {
                    "status": FAILED if row.error is not None else COMPLETED,
                    "finished_at": _stamp(now),
                    "sending_since": None,
                    "last_error": note,
                },
            )

    def not_sent(self, execution_id: str, reason: str) -> None:
        """Slack could not be told now; the upkeep tries again."""
        self.update(execution_id, sending_since=None, last_error=reason)

    def with_status(self, status: str, callback_id: str | None = None) -> list[Execution]:
        sql = "select * from workflow_executions where status = ?"
        params: list[Any] = [status]
        if callback_id:
            sql += " and callback_id = ?"
            params.append(callback_id)
        return [_row(r) for r in self.store.db.query(sql + " order by created_at", params)]

    def waiting_on(self, team_id: str, proposal_id: int, callback_id: str) -> list[Execution]:
        return [
            _row(r)
            for r in self.store.db.query(
                "select * from workflow_executions where team_id = ? and proposal_id = ? "
                "and callback_id = ? and status = ?",
                [team_id, proposal_id, callback_id, RUNNING],
            )
        ]
