"""Work that follows an ack: the Web API calls a person should not wait for.

Listeners answer Slack first (ack), then hand slow work here. orgbot runs Bolt with
`process_before_response=True`, so an ack goes out as soon as its listener returns; work
submitted here runs on small thread pools meanwhile. (Bolt's own lazy listeners do the
same, but deep-copy the whole request, Web API client included, for every lazy function:
on a 30-position proposal that copy cost more than storing the proposal.)

Two lanes, two pools, so one cannot starve the other:

* **interactive** (`interactive()`): a person is waiting on it: `views.open` with a trigger
  id that dies after 3 s, `views.update`, an ephemeral answer, their Home tab. Its calls
  never sleep through a long `Retry-After` (see `slackbot.ratelimit`).
* **posting** (`submit()`): cards, thread replies, DMs. A 429 here raises `RateLimited`
  at once; the task is run again after `Retry-After` from a timer (`later()`), so no
  worker sleeps on a limited method while interactive work or other methods wait.
  A task that may be run again must be safe to repeat: `now_or_later()` reschedules just
  one step of a longer task. On the last of `MAX_RESCHEDULES` tries a 429 comes back as
  the `SlackApiError` it is, so the task's own failure path (a card marked "not posted",
  its author told) takes over.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slackbot.ratelimit import INTERACTIVE, POSTING, RateLimited, set_lane, set_last_try

logger = logging.getLogger("orgbot.background")

# How often one task is put back after a 429 before orgbot gives up on it (and logs it).
MAX_RESCHEDULES = 8


class Background:
    def __init__(self, workers: int = 8, *, interactive_workers: int = 4):
        self._pool = ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="orgbot-posting",
            initializer=set_lane,
            initargs=(POSTING,),
        )
        self._interactive = ThreadPoolExecutor(
            max_workers=interactive_workers,
            thread_name_prefix="orgbot-interactive",
            initializer=set_lane,
            initargs=(INTERACTIVE,),
        )
        self._due: list[tuple[float, int, Callable[[], Any]]] = []
        self._seq = itertools.count()
        self._wake = threading.Condition()
        self._closed = False
        self._timer: threading.Thread | None = None

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` soon on the posting lane; errors are logged, not
        raised; a `RateLimited` puts the whole task back for after `Retry-After`."""
        return self._pool.submit(self._run, fn, args, kwargs, 0)

    def interactive(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` soon on the interactive lane (a person is waiting)."""
        return self._interactive.submit(self._run, fn, args, kwargs, MAX_RESCHEDULES)

    def later(
        self, delay: float, fn: Callable[..., Any], *args: Any, _attempt: int = 0, **kwargs: Any
    ) -> None:
        """Run `fn` on the posting lane in `delay` seconds. The wait holds no worker."""
        self._schedule(delay, lambda: self._pool.submit(self._run, fn, args, kwargs, _attempt))

    def now_or_later(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn` here and now; if Slack rate-limits it, run it again later on the
        posting lane (and return None now). For one step of a task that must not repeat
        the steps before it."""
        try:
            return fn(*args, **kwargs)
        except RateLimited as limited:
            logger.info("%s; again in %g s", limited, limited.retry_after)
            self.later(limited.retry_after, fn, *args, _attempt=1, **kwargs)
            return None
        # (on a task's last try, a 429 arrives here as a SlackApiError, for the caller)

    def _run(self, fn: Callable[..., Any], args: tuple, kwargs: dict, attempt: int) -> None:
        name = getattr(fn, "__qualname__", fn)
        set_last_try(attempt >= MAX_RESCHEDULES)
        try:
            fn(*args, **kwargs)
        except RateLimited as limited:
            if attempt >= MAX_RESCHEDULES:
                logger.error("%s: gave up after %d rate-limited tries (%s)", name, attempt, limited)
                return
            logger.info("%s: %s; again in %g s", name, limited, limited.retry_after)
            self.later(limited.retry_after, fn, *args, _attempt=attempt + 1, **kwargs)
        except Exception:
            logger.exception("%s failed after the ack", name)
        finally:
            set_last_try(False)

    # the timer: one thread, a heap of due times ------------------------------------------

    def _schedule(self, delay: float, start: Callable[[], Any]) -> None:
        with self._wake:
            if self._closed:
                logger.warning("shutting down: dropped a task due in %g s", delay)
                return
            heapq.heappush(self._due, (time.monotonic() + max(0.0, delay), next(self._seq), start))
            if self._timer is None:
                self._timer = threading.Thread(
                    target=self._tick, name="orgbot-retry-timer", daemon=True
                )
                self._timer.start()
            self._wake.notify()

    def _tick(self) -> None:
        while True:
            with self._wake:
                while not self._closed and (not self._due or self._due[0][0] > time.monotonic()):
                    self._wake.wait(self._due[0][0] - time.monotonic() if self._due else None)
                if self._closed:
                    return
                _, _, start = heapq.heappop(self._due)
            try:
                start()
            except RuntimeError:  # the pool shut down meanwhile
                return

    @property
    def pending(self) -> int:
        """Tasks waiting for their `Retry-After` to pass."""
        with self._wake:
            return len(self._due)

    def shutdown(self, *, wait: bool = True) -> None:
        with self._wake:
            self._closed = True
            dropped = len(self._due)
            self._due.clear()
            self._wake.notify_all()
        if dropped:
            logger.warning("shutting down with %d rate-limited task(s) not yet retried", dropped)
        self._interactive.shutdown(wait=wait)
        self._pool.shutdown(wait=wait)
