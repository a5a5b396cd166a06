"""Work that follows an ack: the Web API calls a person should not wait for.

Listeners answer Slack first (ack), then hand slow work here. orgbot runs Bolt with
`process_before_response=True`, so an ack goes out as soon as its listener returns; work
submitted here runs on a small thread pool meanwhile. (Bolt's own lazy listeners do the
same, but deep-copy the whole request, Web API client included, for every lazy function:
on a 30-position proposal that copy cost more than storing the proposal.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

logger = logging.getLogger("orgbot.background")


class Background:
    def __init__(self, workers: int = 8):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="orgbot-after-ack")

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` soon, on another thread; errors are logged, not raised."""
        return self._pool.submit(self._run, fn, args, kwargs)

    def _run(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            fn(*args, **kwargs)
        except Exception:
            logger.exception("%s failed after the ack", getattr(fn, "__qualname__", fn))

    def shutdown(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)
