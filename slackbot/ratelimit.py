"""Retry policy for Slack's Web API, by lane.

What a 429 should cost depends on who is waiting, so the policy follows the thread a
call runs on (`set_lane`, set by `slackbot.background` on its workers):

* **interactive** (a person is waiting: a modal to open with a trigger id that dies after
  3 s, a view to update, an ephemeral answer): a 429 is retried only when `Retry-After` is
  at most `INTERACTIVE_MAX_WAIT`, once; connection errors and 5xx are not retried. The
  caller tells the person instead of keeping them waiting.
* **posting** (after-ack posting: proposal cards, thread replies, DMs): a 429 is never
  slept on. The call raises `RateLimited` at once, and the task is run again after
  `Retry-After` by `Background` (or by whatever retry path the caller has), so a limited
  method holds no worker and cannot starve the others.
* **wait** (everything else: the scheduler's digest and reminder passes, the CLI):
  `RateLimitHandler` waits exactly `Retry-After` before retrying (slack_sdk adds up to a
  second of jitter to every wait and retries once by default). A long reminder pass then
  runs at the limit Slack enforces; `bench/run.py reminders` measures it against the floor.

Posting calls are not retried on connection errors or 5xx, which can come after Slack
stored the message.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

logger = logging.getLogger("orgbot.ratelimit")

WAIT, INTERACTIVE, POSTING = "wait", "interactive", "posting"
# A trigger id dies 3 s after the click: a wait longer than this cannot end in an open modal.
INTERACTIVE_MAX_WAIT = 1.0
# A wait this long is said in the log (orgbot starting, `orgbot digest`): not silence.
NOTABLE_WAIT = 5.0
_lane = threading.local()


def set_lane(lane: str) -> None:
    """Declare what the calls made on this thread are for (`INTERACTIVE`, `POSTING`, `WAIT`)."""
    _lane.name = lane


def current_lane() -> str:
    return getattr(_lane, "name", WAIT)


def set_last_try(last: bool) -> None:
    """On the posting lane, the task's last try: a 429 then fails like any other refusal
    (a `SlackApiError`), so the caller's failure path reports it instead of rescheduling."""
    _lane.last_try = last


class RateLimited(Exception):
    """Slack answered 429 to a call on the posting lane: run it again after `retry_after`
    seconds. Deliberately not a `SlackApiError`, so code that handles Slack's refusals
    (marking a card failed, telling a person) lets it through to a retry."""

    def __init__(self, method: str, retry_after: float):
        super().__init__(f"{method} rate limited; retry after {retry_after:g} s")
        self.method = method
        self.retry_after = retry_after


def retry_after_of(response: HttpResponse) -> float:
    retry_after = 1.0
    for key, values in response.headers.items():
        if key.lower() == "retry-after":
            with contextlib.suppress(ValueError):
                retry_after = max(0.0, float(values[0] if isinstance(values, list) else values))
    return retry_after


class RateLimitHandler(RateLimitErrorRetryHandler):
    """A 429, by lane: waited out for exactly `Retry-After` (then retried), retried only
    when short (interactive), or raised as `RateLimited` at once (posting)."""

    def __init__(self, *, max_retry_count: int = 5, sleep: Any = time.sleep):
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        lane = current_lane()
        if lane == POSTING:
            if getattr(_lane, "last_try", False):
                return False
            raise RateLimited(_method(request), retry_after_of(response))
        if lane == INTERACTIVE:
            return state.current_attempt < 1 and retry_after_of(response) <= INTERACTIVE_MAX_WAIT
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error  # type: ignore[misc]
        state.next_attempt_requested = True
        wait = retry_after_of(response)
        if wait >= NOTABLE_WAIT:
            logger.info("Slack rate-limited %s; waiting %g s, as it asked", _method(request), wait)
        self._sleep(wait)
        state.increment_current_attempt()


# Posting is not idempotent: a timeout, a dropped connection or a 500 after Slack stored a
# message would post it twice if retried blindly. Those calls are not retried here; keyed
# scheduled posts check the channel's history before sending again (delivery.py).
NOT_SAFE_TO_REPEAT = ("chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage")


def _method(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1]


def _repeatable(request: HttpRequest) -> bool:
    # a person waiting is told what failed rather than kept waiting through retries
    return current_lane() != INTERACTIVE and not request.url.rstrip("/").endswith(
        NOT_SAFE_TO_REPEAT
    )


class RepeatSafeConnectionRetryHandler(ConnectionErrorRetryHandler):
    """Retry a dropped connection, except for calls that would post twice."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return _repeatable(request) and super()._can_retry(
            state=state, request=request, response=response, error=error
        )


class RepeatSafeServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retry Slack's 500/503, except for calls that would post twice."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return _repeatable(request) and super()._can_retry(
            state=state, request=request, response=response, error=error
        )
