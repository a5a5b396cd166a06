"""Retry policy for Slack's Web API.

* `RateLimitHandler` replaces slack_sdk's 429 handler: it waits exactly `Retry-After`
  before retrying (slack_sdk adds up to a second of jitter to every wait and retries once
  by default). A long reminder pass then runs at the limit Slack enforces, whatever it is;
  `bench/run.py reminders` measures it against the floor.
* Posting calls are not retried on connection errors or 5xx, which can come after Slack
  stored the message.
"""

from __future__ import annotations

import contextlib
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


class RateLimitHandler(RateLimitErrorRetryHandler):
    """Wait out a 429 for exactly `Retry-After` seconds, then retry."""

    def __init__(self, *, max_retry_count: int = 5, sleep: Any = time.sleep):
        super().__init__(max_retry_count=max_retry_count)
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
