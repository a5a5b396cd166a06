"""Pacing scheduled posts under Slack's rate limits.

Slack does not publish the workspace-wide limit on `chat.postMessage`; it answers 429
with `Retry-After` when a sender goes too fast. Two pieces keep a reminder pass close to
that unknown limit without hammering it:

* `RateLimitHandler` replaces slack_sdk's 429 handler: it waits exactly `Retry-After`
  (slack_sdk adds up to a second of jitter and retries once by default) and tells the
  pacer that the limit was hit.
* `Pacer` spaces the sends: it speeds up a little after every success and backs off
  after a 429 (additive increase, multiplicative decrease, as TCP does), so a long pass
  settles just under the limit instead of bouncing off it.
"""

from __future__ import annotations

import contextlib
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


class Pacer:
    """An adaptive gap between sends, shared by every thread of one process."""

    def __init__(
        self,
        *,
        rate: float = 10.0,
        min_rate: float = 0.5,
        max_rate: float = 500.0,
        increase: float = 0.25,
        decrease: float = 0.8,
        clock: Any = time.monotonic,
        sleep: Any = time.sleep,
    ):
        self.rate = rate
        self.min_rate, self.max_rate = min_rate, max_rate
        self.increase, self.decrease = increase, decrease
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()
        self.rate_limited_count = 0

    def wait(self) -> None:
        """Block until this sender's slot comes up."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + 1.0 / self.rate
        delay = slot - now
        if delay > 0:
            self._sleep(delay)

    def succeeded(self) -> None:
        with self._lock:
            self.rate = min(self.max_rate, self.rate + self.increase)

    def rate_limited(self, retry_after: float) -> None:
        """Slack said 429: slow down, and nobody sends before `retry_after` has passed."""
        with self._lock:
            self.rate_limited_count += 1
            self.rate = max(self.min_rate, self.rate * self.decrease)
            self._next = max(self._next, self._clock() + retry_after)


class RateLimitHandler(RateLimitErrorRetryHandler):
    """Wait out a 429 for exactly `Retry-After` seconds, then retry; tell the pacer."""

    def __init__(
        self, pacer: Pacer | None = None, *, max_retry_count: int = 5, sleep: Any = time.sleep
    ):
        super().__init__(max_retry_count=max_retry_count)
        self.pacer = pacer
        self._sleep = sleep

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
        retry_after = 1.0
        for key, values in response.headers.items():
            if key.lower() == "retry-after":
                with contextlib.suppress(ValueError):
                    retry_after = max(0.0, float(values[0] if isinstance(values, list) else values))
        if self.pacer is not None:
            self.pacer.rate_limited(retry_after)
        self._sleep(retry_after)
        state.increment_current_attempt()


# Posting is not idempotent: a timeout, a dropped connection or a 500 after Slack stored a
# message would post it twice if retried blindly. Those calls are not retried here; keyed
# scheduled posts check the channel's history before sending again (delivery.py).
NOT_SAFE_TO_REPEAT = ("chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage")


def _repeatable(request: HttpRequest) -> bool:
    return not request.url.rstrip("/").endswith(NOT_SAFE_TO_REPEAT)


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
