"""Modal submissions, each acted on once.

Slack can deliver the same `view_submission` twice: a retry after a slow answer, a replay
within the five minutes a signature stays valid, or a person pressing Submit again while
the first press is still on its way. Each submission that changes something is recorded
by Slack's view id in the same transaction as the change itself, so the second finds the
record, writes nothing, and is answered as the first was (the modal closes).

A submission that was refused (an inline error) records nothing: the person fixes the
form and submits the same view again, which must go through.

The key is the view id alone. Slack gives a view a new hash whenever it is updated in
place (`views.update`, `response_action: update`), but a view is submitted successfully
only once: after that it is closed. The hash is recorded beside the id, to tell a replay
of the same state from a changed one when reading the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from slackbot.store import Store, sql

T = TypeVar("T")


class AlreadySubmitted(Exception):
    """This view was submitted before and acted on; `result` says what the first one did."""

    def __init__(self, result: dict[str, Any]):
        super().__init__("already submitted")
        self.result = result


@dataclass(frozen=True)
class Submission:
    view_id: str
    view_hash: str
    callback_id: str
    team_id: str
    user_id: str

    @classmethod
    def of(cls, view: dict[str, Any], *, team_id: str, user_id: str) -> Submission | None:
        """The submission of `view`; None when the payload has no view id (nothing to key on)."""
        view_id = view.get("id")
        if not view_id:
            return None
        return cls(
            view_id=str(view_id),
            view_hash=str(view.get("hash") or ""),
            callback_id=str(view.get("callback_id") or ""),
            team_id=team_id,
            user_id=user_id,
        )


def once(
    store: Store,
    submission: Submission | None,
    act: Callable[[], T],
    *,
    now: datetime,
    result: Callable[[T], dict[str, Any]] = lambda _: {},
) -> T:
    """Run `act` (which writes through `store.write()`, joining this transaction) unless this
    view was acted on before; record it in the same transaction.

    Raises:
        AlreadySubmitted: the view was submitted and acted on before; nothing was written.
        Whatever `act` raises: then nothing is recorded either.
    """
    if submission is None:
        return act()
    with store.write() as db:
        rows = sql.rows(
            db, "select result from view_submissions where view_id = ?", [submission.view_id]
        )
        if rows:
            raise AlreadySubmitted(json.loads(rows[0]["result"] or "{}"))
        value = act()
        sql.insert(
            db,
            "view_submissions",
            {
                "view_id": submission.view_id,
                "view_hash": submission.view_hash,
                "callback_id": submission.callback_id,
                "team_id": submission.team_id,
                "user_id": submission.user_id,
                "result": json.dumps(result(value)),
                "submitted_at": now.isoformat(timespec="seconds"),
            },
        )
    return value
