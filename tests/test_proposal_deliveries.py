"""The pieces under proposal deliveries: whose claims are orphaned, a 429's wait, a
queued row, a rate-limited row that is due again at Retry-After."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from slackbot.scheduling import delivery as d
from slackbot.scheduling.delivery import Deliveries
from tests.conftest import eventually


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize(
    ("owner", "gone"),
    [
        (None, False),
        (d.OWNER, False),  # this process
        ("elsewhere:1:abc", False),  # another host: wait out the lease
        (f"{d.HOST}:{os.getpid()}:older", True),  # this pid, an earlier life (a container restart)
        (f"{d.HOST}:{os.getpid()}", False),  # recorded before lives were recorded: unsure
        (f"{d.HOST}:{os.getppid()}:x", False),  # alive
    ],
)
def test_whose_claims_are_orphaned(owner, gone):
    assert d.owner_gone(owner) is gone


def test_a_dead_pid_on_this_host_is_gone():
    assert d.owner_gone(f"{d.HOST}:{dead_pid()}:x")


def test_a_claim_of_a_dead_process_is_stale_at_once_others_after_the_lease(store, clock):
    deliveries = Deliveries(store, owner=f"{d.HOST}:{dead_pid()}:x")
    now = clock.now()
    assert deliveries.claim("k1", team_id="T", kind="dm", target="U1", now=now)
    alive = Deliveries(store, owner="elsewhere:1:x")
    assert alive.claim("k2", team_id="T", kind="dm", target="U1", now=now)
    assert [x.key for x in Deliveries(store).stale(now)] == ["k1"]
    assert {x.key for x in Deliveries(store).stale(now + d.LEASE + timedelta(seconds=1))} == {
        "k1",
        "k2",
    }


def test_a_queued_row_is_due_and_claimed_once(store, clock):
    deliveries = Deliveries(store)
    now = clock.now()
    message = {"text": "hi"}
    assert deliveries.queue("k", team_id="T", kind="dm", target="U1", now=now, message=message)
    assert not deliveries.queue("k", team_id="T", kind="dm", target="U1", now=now)
    [due] = deliveries.due_retries(now)
    assert (due.status, due.message) == ("pending", message)
    assert deliveries.claim("k", team_id="T", kind="dm", target="U1", now=now)
    assert not deliveries.claim("k", team_id="T", kind="dm", target="U1", now=now)


def test_take_claims_a_recorded_row_once_with_its_own_team_and_target(store, clock):
    deliveries = Deliveries(store)
    now = clock.now()
    assert deliveries.take("unknown", kind="picture", now=now) is None
    deliveries.queue("k", team_id="T", kind="picture", target="C1", now=now)
    taken = deliveries.take("k", kind="picture", now=now)
    assert taken is not None and (taken.team_id, taken.target) == ("T", "C1")
    assert deliveries.get("k").status == "sending"
    assert deliveries.take("k", kind="picture", now=now) is None  # another caller has it


def test_a_rate_limited_row_is_due_at_retry_after_and_not_counted_as_an_attempt(store, clock):
    deliveries = Deliveries(store)
    now = clock.now()
    for _ in range(d.MAX_ATTEMPTS + 2):  # more 429s than attempts allowed: never given up
        assert deliveries.claim("k", team_id="T", kind="card", target="C1", now=now)
        assert deliveries.mark_failed("k", "ratelimited", now=now, wait=3) == "failed"
        assert deliveries.due_retries(now) == []
        now += timedelta(seconds=3)
        assert [x.key for x in deliveries.due_retries(now)] == ["k"]
    assert deliveries.get("k").attempts == 0


def test_a_request_thread_writes_before_waiting_posting_work():
    import threading

    from slackbot.store.database import WriterLock

    lock = WriterLock()
    assert lock.acquire(timeout=1)
    order: list[str] = []

    def take(name: str, background: bool) -> None:
        assert lock.acquire(timeout=5, background=background)
        order.append(name)
        lock.release()

    posting = threading.Thread(target=take, args=("posting", True))
    posting.start()
    eventually(lambda: lock.waiting == 1)  # the posting work waits first...
    request = threading.Thread(target=take, args=("request", False))
    request.start()
    eventually(lambda: lock.waiting == 2)  # (a fixed sleep let it come after the release)
    lock.release()
    posting.join()
    request.join()
    assert order == ["request", "posting"]  # ...but the request goes first
    assert lock.acquire(timeout=1, background=True)  # alone, posting work gets it
    assert not lock.acquire(timeout=0.05)  # and holds it
    lock.release()
