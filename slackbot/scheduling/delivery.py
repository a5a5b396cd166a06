"""Scheduled posts, each sent exactly once.

Every digest and reminder has a key (`digest:T1:2026-11-30`,
`reminder:T1:12:v2:U7:2026-11-26`). Sending one is:

1. **claim** the key: insert its row as `sending` in a write transaction. Whoever inserts
   first owns it; a second scheduler, a restart, or `orgbot digest` run by hand next to
   the bot finds the row and does nothing.
2. **post**, carrying the key in the message's metadata.
3. record **sent** (with the message ts) or **failed** (with Slack's reason, retried later
   with backoff; 429s are waited out by the client first).

A process killed between 2 and 3 leaves a `sending` row. After its lease runs out, or at
once when the process that claimed it is known to be gone (same host, its pid no longer
running, or this very pid in an earlier life), the row is **reconciled**: the channel's recent history is searched for a message carrying
the key. Found, it is marked sent; not found, it is retried. When history cannot be read
the row becomes `unknown` and is shown to admins (`orgbot check`, Home tab) instead of
being sent blindly a second time.

Proposal messages (cards, reviewer and author DMs, thread replies) use the same rows. They
can also be **queued** (`pending`, due now) before anyone claims them, so the scheduler's
upkeep sends whatever a dead process queued; their message is kept in the row when it
cannot be rebuilt later. A 429 is not slept on: the row is due again at `Retry-After`.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from slackbot.installations.clients import TeamRoutedClient, for_team
from slackbot.proposals.events import PUBLIC_EVENTS
from slackbot.slack_errors import error_code
from slackbot.slack_history import Found, find_posted, outcome_uncertain
from slackbot.store import Store, sql

logger = logging.getLogger("orgbot.delivery")

SENDING, SENT, FAILED, UNKNOWN, GAVE_UP, SKIPPED, PENDING = (
    "sending",
    "sent",
    "failed",
    "unknown",
    "gave_up",
    "skipped",
    "pending",  # queued, due at next_attempt_at, not claimed yet
)
DUE = (FAILED, PENDING)
RETRYABLE = (FAILED, GAVE_UP, UNKNOWN, PENDING)  # what a person may ask to send again now
LEASE = timedelta(minutes=10)  # longer than any one post can take, retries included
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
METADATA_EVENT = "orgbot_delivery"
# a message may carry one of orgbot's public events instead (`proposals/events.py`): its
# payload then holds the key too, so history is searched for all of them
ORGBOT_EVENTS = (METADATA_EVENT, *PUBLIC_EVENTS)
# kinds that are not posts: redoing one cannot double anything (card redraws with
# chat.update; announcements, whose messages each have their own key; the org canvas,
# rewritten whole; a proposal's picture, which looks in the card's thread for its file
# before uploading again after an interruption: slackbot/publishing). Their owners send them.
REPEATABLE_KINDS = ("redraw", "announce", "picture", "org-picture", "canvas")
HOST = socket.gethostname()
# host:pid:life. `life` tells this process from an earlier one with the same pid (a
# container restarted: pid 1 again), whose claims are then known to be orphaned.
OWNER = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_gone(owner: str | None, *, me: str = OWNER) -> bool:
    """True when the process that claimed a row surely no longer runs: it ran on this host
    and its pid is gone, or it had this process's pid in an earlier life. Other hosts, and
    owners recorded before `life` existed on another pid that still runs, wait out the
    lease."""
    if not owner or owner == me:
        return False
    host, _, rest = owner.partition(":")
    pid_text, _, life = rest.partition(":")
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return bool(life)  # our pid, another life: that process is gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


def retry_after(error: Exception) -> float | None:
    """Seconds Slack asked to wait (a 429's `Retry-After`), or None when it was not a 429."""
    if not isinstance(error, SlackApiError) or error.response.status_code != 429:
        return None
    headers = error.response.headers or {}
    for key, value in headers.items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return 1.0


def deferring(client: WebClient) -> WebClient:
    """The same client, except that a 429 is returned at once (as `SlackApiError`) instead of
    being waited out: the delivery is then due again at `Retry-After`, and no worker sleeps."""
    quick = copy.copy(client)
    quick.retry_handlers = [
        h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)
    ]
    return quick


@dataclass(frozen=True)
class Delivery:
    key: str
    team_id: str
    kind: str
    target: str
    status: str
    attempts: int
    last_error: str | None
    channel_id: str | None
    ts: str | None
    claimed_at: datetime | None
    proposal_id: int | None = None
    verify: bool = False  # check the channel's history before sending again
    message: dict[str, Any] | None = None  # kept for messages that cannot be rebuilt
    redo: bool = False  # asked for again while it was being sent (card redraws)
    next_attempt_at: datetime | None = None


def _row(row: dict[str, Any]) -> Delivery:
    return Delivery(
        key=row["key"],
        team_id=row["team_id"],
        kind=row["kind"],
        target=row["target"],
        status=row["status"],
        attempts=row["attempts"] or 0,
        last_error=row["last_error"],
        channel_id=row["channel_id"],
        ts=row["ts"],
        claimed_at=datetime.fromisoformat(row["claimed_at"]) if row["claimed_at"] else None,
        proposal_id=row["proposal_id"],
        verify=bool(row.get("verify")),
        message=json.loads(row["message"]) if row.get("message") else None,
        redo=bool(row.get("redo")),
        next_attempt_at=(
            datetime.fromisoformat(row["next_attempt_at"]) if row.get("next_attempt_at") else None
        ),
    )


def _new_row(
    key: str,
    *,
    team_id: str,
    kind: str,
    target: str,
    stamp: str,
    proposal_id: int | None = None,
    message: dict[str, Any] | str | None = None,
    **state: Any,
) -> dict[str, Any]:
    """A new `deliveries` row, created at `stamp`; `state`: its status and what goes with it.
    `message` may come encoded already (`encode_message`)."""
    return {
        "key": key,
        "team_id": team_id,
        "kind": kind,
        "target": target,
        "proposal_id": proposal_id,
        "created_at": stamp,
        "message": message if isinstance(message, str) or message is None else json.dumps(message),
        **state,
    }


def encode_message(message: dict[str, Any]) -> str:
    """A message as a `deliveries` row keeps it: encode it before taking the write lock."""
    return json.dumps(message)


class Deliveries:
    def __init__(self, store: Store, *, owner: str = OWNER):
        self.store = store
        self.owner = owner

    def get(self, key: str) -> Delivery | None:
        rows = sql.rows(self.store.db, "select * from deliveries where key = ?", [key])
        return _row(rows[0]) if rows else None

    def claim(
        self,
        key: str,
        *,
        team_id: str,
        kind: str,
        target: str,
        now: datetime,
        proposal_id: int | None = None,
        message: dict[str, Any] | None = None,
    ) -> bool:
        """Take the key for sending. True when this caller should send now: the key is
        new, or it is queued or failed earlier and due."""
        stamp = now.isoformat(timespec="seconds")
        row = _new_row(
            key,
            team_id=team_id,
            kind=kind,
            target=target,
            stamp=stamp,
            proposal_id=proposal_id,
            message=message,
            status=SENDING,
            attempts=1,
            claimed_at=stamp,
            claimed_by=self.owner,
        )
        with self.store.write() as db:
            if sql.insert(db, "deliveries", row, unless_there=True):
                return True
            cursor = db.execute(
                "update deliveries set status = ?, attempts = attempts + 1, claimed_at = ?, "
                "claimed_by = ? where key = ? and status in (?, ?) and next_attempt_at <= ?",
                [SENDING, stamp, self.owner, key, *DUE, stamp],
            )
            return cursor.rowcount == 1

    def take(self, key: str, *, kind: str, now: datetime) -> Delivery | None:
        """Claim a delivery already recorded (queued, failed earlier, or left by a dead
        process) for sending: the delivery when this caller should send it now, None when
        it is unknown, not due, done, or another thread or process has it."""
        delivery = self.get(key)
        if delivery is None or not self.claim(
            key, team_id=delivery.team_id, kind=kind, target=delivery.target, now=now
        ):
            return None
        return delivery

    def queue(
        self,
        key: str,
        *,
        team_id: str,
        kind: str,
        target: str,
        now: datetime,
        proposal_id: int | None = None,
        message: dict[str, Any] | str | None = None,
    ) -> bool:
        """Record that `key` is to be sent (`pending`, due now) unless it is known already;
        True when it was new. Joins the caller's transaction, so a message can be queued
        together with the change it announces. `message` may be encoded already
        (`encode_message`), to keep the work out of the caller's transaction."""
        stamp = now.isoformat(timespec="seconds")
        row = _new_row(
            key,
            team_id=team_id,
            kind=kind,
            target=target,
            stamp=stamp,
            proposal_id=proposal_id,
            message=message,
            status=PENDING,
            attempts=0,
            next_attempt_at=stamp,
        )
        with self.store.write() as db:
            return bool(sql.insert(db, "deliveries", row, unless_there=True))

    def make_due(self, key: str, *, now: datetime, verify: bool = False) -> None:
        """A person asked to send it again now (Post again): whatever its backoff said."""
        with self.store.write() as db:
            db.execute(
                "update deliveries set status = ?, next_attempt_at = ?, attempts = 0, "
                "verify = max(verify, ?) where key = ? and status in (?, ?, ?, ?)",
                [FAILED, now.isoformat(timespec="seconds"), int(verify), key, *RETRYABLE],
            )

    def mark_sent(self, key: str, *, channel_id: str, ts: str, now: datetime) -> None:
        self._update(
            key,
            status=SENT,
            channel_id=channel_id,
            ts=ts,
            sent_at=now.isoformat(timespec="seconds"),
            last_error=None,
            verify=0,
        )

    def mark_failed(
        self,
        key: str,
        error: str,
        *,
        now: datetime,
        uncertain: bool = False,
        wait: float | None = None,
    ) -> str:
        """Record a failure; retried with backoff, until MAX_ATTEMPTS, then given up.

        `uncertain` means Slack may have posted it anyway (a timeout, a dropped
        connection, a 5xx): the retry looks in the channel's history first. `wait` is a
        429's `Retry-After`: due again then, and not counted as an attempt."""
        if wait is not None:
            with self.store.write() as db:
                db.execute(
                    "update deliveries set status = ?, last_error = ?, next_attempt_at = ?, "
                    "attempts = max(attempts - 1, 0) where key = ?",
                    [FAILED, error, (now + timedelta(seconds=wait)).isoformat(), key],
                )
            logger.info("%s rate-limited; due again in %.0f s", key, wait)
            return FAILED
        # a definite answer ("channel_not_found") settles any earlier doubt
        self._update(key, verify=1 if uncertain else 0)
        delivery = self.get(key)
        attempts = delivery.attempts if delivery else 1
        if attempts >= MAX_ATTEMPTS:
            self._update(key, status=GAVE_UP, last_error=error, next_attempt_at=None)
            logger.error("gave up on %s after %s attempts: %s", key, attempts, error)
            return GAVE_UP
        retry_at = now + BACKOFF[attempts - 1]
        self._update(
            key,
            status=FAILED,
            last_error=error,
            next_attempt_at=retry_at.isoformat(timespec="seconds"),
        )
        logger.warning("%s failed (%s); retrying after %s", key, error, retry_at)
        return FAILED

    def mark_skipped(
        self, key: str, *, team_id: str, kind: str, target: str, reason: str, now: datetime
    ) -> bool:
        """Record that a run was skipped on purpose; True the first time (so it is logged once)."""
        with self.store.write() as db:
            if list(db.query("select 1 from deliveries where key = ?", [key])):
                return False
            db["deliveries"].insert(
                _new_row(
                    key,
                    team_id=team_id,
                    kind=kind,
                    target=target,
                    stamp=now.isoformat(timespec="seconds"),
                    status=SKIPPED,
                    attempts=0,
                    last_error=reason,
                )
            )
            return True

    def due_retries(
        self,
        now: datetime,
        *,
        kinds: tuple[str, ...] | None = None,
        exclude: tuple[str, ...] = (),
    ) -> list[Delivery]:
        """Failed deliveries whose retry is due, and queued ones (oldest first)."""
        rows = [
            _row(r)
            for r in self.store.db.query(
                "select * from deliveries where status in (?, ?) and next_attempt_at <= ? "
                "order by next_attempt_at, created_at",
                [*DUE, now.isoformat(timespec="seconds")],
            )
        ]
        return [d for d in rows if (kinds is None or d.kind in kinds) and d.kind not in exclude]

    def stale(self, now: datetime) -> list[Delivery]:
        """`sending` rows whose sender has had longer than the lease (it probably died), or
        whose sender is known to be gone (see `owner_gone`)."""
        cutoff = (now - LEASE).isoformat(timespec="seconds")
        return [
            _row(r)
            for r in self.store.db.query("select * from deliveries where status = ?", [SENDING])
            if (r["claimed_at"] or "") < cutoff or owner_gone(r["claimed_by"], me=self.owner)
        ]

    def troubles(self, team_id: str | None = None) -> list[Delivery]:
        """Deliveries an admin should know about: failing, given up, or of unknown outcome."""
        where = "status in (?, ?, ?)"
        params: list[Any] = [FAILED, GAVE_UP, UNKNOWN]
        if team_id:
            where += " and team_id = ?"
            params.append(team_id)
        return [
            _row(r)
            for r in self.store.db.query(
                f"select * from deliveries where {where} order by key", params
            )
        ]

    def _update(self, key: str, **values: Any) -> None:
        with self.store.write() as db:
            sql.update(db, "deliveries", ("key", key), values)


@dataclass(frozen=True)
class Outgoing:
    """One scheduled post: where, what, and its key."""

    key: str
    team_id: str
    kind: str  # reminder | digest
    target: str  # channel id, or the user id for a DM
    message: dict[str, Any]
    proposal_id: int | None = None
    keep: bool = False  # store the message with the claim (it cannot be rebuilt later)


def metadata_for(key: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
    """The metadata a delivery is posted with: its key, under orgbot's own event type, or
    under the public event the message carries (`message["metadata"]`), beside its fields."""
    public = (message or {}).get("metadata")
    if public:
        return {
            "event_type": public["event_type"],
            "event_payload": {**public["event_payload"], "key": key},
        }
    return {"event_type": METADATA_EVENT, "event_payload": {"key": key}}


class Sender:
    """Claims, posts and records outgoing messages; reconciles the ones a crash left."""

    def __init__(self, deliveries: Deliveries, client: WebClient, clock: Callable[[], datetime]):
        self.deliveries = deliveries
        self.client = client
        self.now = clock

    def send(self, item: Outgoing) -> str:
        """Send once. Returns what happened: sent, failed, gave_up, or `taken` when the key
        was already claimed or done (by this or another process)."""
        if not self.deliveries.claim(
            item.key,
            team_id=item.team_id,
            kind=item.kind,
            target=item.target,
            now=self.now(),
            proposal_id=item.proposal_id,
            message=item.message if item.keep else None,
        ):
            return "taken"
        return self._post(item.key, item.target, item.message)

    def send_queued(self, key: str) -> str:
        """Send a queued delivery (its message kept in the row) if it is due and not taken."""
        delivery = self.deliveries.get(key)
        if delivery is None or delivery.message is None:
            return "taken"
        if not self.deliveries.claim(
            key,
            team_id=delivery.team_id,
            kind=delivery.kind,
            target=delivery.target,
            now=self.now(),
        ):
            return "taken"
        return self._post(key, delivery.target, delivery.message)

    def _post(self, key: str, target: str, message: dict[str, Any]) -> str:
        try:
            body = {k: v for k, v in message.items() if k != "metadata"}
            result = self._client_for(key).chat_postMessage(
                channel=target, metadata=metadata_for(key, message), **body
            )
        except (SlackApiError, OSError) as error:
            return self.deliveries.mark_failed(
                key,
                error_code(error),
                now=self.now(),
                uncertain=outcome_uncertain(error),
                wait=retry_after(error),
            )
        self.deliveries.mark_sent(
            key, channel_id=result["channel"], ts=result["ts"], now=self.now()
        )
        return SENT

    def _client_for(self, key: str) -> WebClient:
        """The client speaking for the delivery's workspace (its own token, many workspaces)."""
        if not isinstance(self.client, TeamRoutedClient):
            return self.client
        delivery = self.deliveries.get(key)
        return for_team(self.client, delivery.team_id if delivery else None)

    def reconcile(self) -> dict[str, int]:
        """Settle `sending` rows left by a process that died mid-send: find the message in
        the channel's history (sent), or make it due for a retry now (not there; sent by
        `retry_failed`), or mark it `unknown` when the history can't be read."""
        counts = {"found": 0, "retry": 0, "unknown": 0}
        for delivery in self.deliveries.stale(self.now()):
            if delivery.kind in REPEATABLE_KINDS:  # chat.update: doing it again is harmless
                self.deliveries._update(
                    delivery.key,
                    status=FAILED,
                    last_error="interrupted",
                    next_attempt_at=self.now().isoformat(timespec="seconds"),
                )
                counts["retry"] += 1
                continue
            found = self._find_in_history(delivery)
            if found is None:
                self.deliveries._update(
                    delivery.key,
                    status=UNKNOWN,
                    last_error="could not read the channel history to check",
                )
                counts["unknown"] += 1
                logger.error(
                    "%s: outcome unknown after a crash; an admin should check", delivery.key
                )
            elif found:
                channel_id, ts = found
                self.deliveries.mark_sent(
                    delivery.key, channel_id=channel_id, ts=ts, now=self.now()
                )
                counts["found"] += 1
            else:
                self.deliveries._update(
                    delivery.key,
                    status=FAILED,
                    last_error="interrupted before it was posted",
                    next_attempt_at=self.now().isoformat(timespec="seconds"),
                )
                counts["retry"] += 1
        return counts

    def retry_failed(
        self,
        rebuild: Callable[[Delivery], dict[str, Any] | None],
        *,
        kinds: tuple[str, ...] | None = None,
        exclude: tuple[str, ...] = (),
    ) -> int:
        """Send again every failed delivery whose retry is due (with a fresh message), and
        every queued one (of `kinds`, when given)."""
        sent = 0
        exclude = (*exclude, *REPEATABLE_KINDS)
        for delivery in self.deliveries.due_retries(self.now(), kinds=kinds, exclude=exclude):
            # first: did the last attempt arrive after all? (then it is sent, whatever now)
            if delivery.verify:
                found = self._find_in_history(delivery)
                if found is None:
                    self.deliveries._update(
                        delivery.key,
                        status=UNKNOWN,
                        last_error=f"{delivery.last_error}; could not read the channel history to check",
                    )
                    continue
                if found:
                    channel_id, ts = found
                    self.deliveries.mark_sent(
                        delivery.key, channel_id=channel_id, ts=ts, now=self.now()
                    )
                    continue
            message = rebuild(delivery)
            if message is None:  # no longer relevant (decided, closed, its day over)
                self.deliveries._update(delivery.key, status=SKIPPED, last_error="no longer needed")
                continue
            if not self.deliveries.claim(
                delivery.key,
                team_id=delivery.team_id,
                kind=delivery.kind,
                target=delivery.target,
                now=self.now(),
            ):
                continue
            if self._post(delivery.key, delivery.target, message) == SENT:
                sent += 1
        return sent

    def _find_in_history(self, delivery: Delivery) -> Found:
        """Look for the delivery's message from a little before its claim (clocks drift)."""
        oldest = (delivery.claimed_at or self.now()) - timedelta(minutes=10)
        channel = delivery.channel_id or delivery.target
        thread_ts = (delivery.message or {}).get("thread_ts")
        return find_posted(
            for_team(self.client, delivery.team_id),
            channel,
            ORGBOT_EVENTS,
            {"key": delivery.key},
            oldest=None if thread_ts else oldest,
            thread_ts=thread_ts,
        )
