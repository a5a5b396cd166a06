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


def limited(seconds: str) -> HttpResponse:
    return HttpResponse(status_code=429, headers={"Retry-After": [seconds]}, body={}, data=b"")


def test_each_lane_pays_for_a_429_differently():
    import pytest

    from slackbot.ratelimit import (
        INTERACTIVE,
        POSTING,
        WAIT,
        RateLimited,
        set_lane,
        set_last_try,
    )

    handler = RateLimitHandler(max_retry_count=5, sleep=lambda s: None)
    post = request("chat.postMessage")
    try:
        set_lane(POSTING)  # never sleeps in a worker: the task goes back on a timer
        with pytest.raises(RateLimited) as raised:
            handler.can_retry(state=RetryState(), request=post, response=limited("8"))
        assert (raised.value.method, raised.value.retry_after) == ("chat.postMessage", 8.0)
        set_last_try(True)  # ...until its last try, when the caller's failure path takes over
        assert not handler.can_retry(state=RetryState(), request=post, response=limited("8"))
        set_last_try(False)
        set_lane(INTERACTIVE)  # a trigger id dies in 3 s: only a short wait, once
        assert handler.can_retry(state=RetryState(), request=post, response=limited("1"))
        assert not handler.can_retry(state=RetryState(), request=post, response=limited("2"))
        set_lane(WAIT)  # the scheduler's passes wait it out
        assert handler.can_retry(state=RetryState(), request=post, response=limited("8"))
    finally:
        set_lane(WAIT)
