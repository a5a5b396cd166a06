"""The retry policy: exact Retry-After waits, and no blind retries of posting calls."""

from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from slackbot.ratelimit import (
    RateLimitHandler,
    RepeatSafeConnectionRetryHandler,
    RepeatSafeServerErrorRetryHandler,
)


def request(method: str) -> HttpRequest:
    return HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})


def test_a_429_waits_exactly_retry_after():
    slept = []
    handler = RateLimitHandler(max_retry_count=5, sleep=slept.append)
    state = RetryState()
    response = HttpResponse(
        status_code=429, headers={"Retry-After": ["3"]}, body={"ok": False}, data=b""
    )
    assert handler.can_retry(state=state, request=request("chat.postMessage"), response=response)
    handler.prepare_for_next_attempt(
        state=state, request=request("chat.postMessage"), response=response
    )
    assert slept == [3.0] and state.current_attempt == 1


def test_posting_is_not_retried_on_connection_errors_or_5xx():
    dropped = ConnectionResetError()
    server_error = HttpResponse(status_code=500, headers={}, body={}, data=b"")
    for handler, kwargs in (
        (RepeatSafeConnectionRetryHandler(), {"error": dropped}),
        (RepeatSafeServerErrorRetryHandler(), {"response": server_error}),
    ):
        assert not handler.can_retry(
            state=RetryState(), request=request("chat.postMessage"), **kwargs
        )
        assert handler.can_retry(state=RetryState(), request=request("chat.update"), **kwargs)
