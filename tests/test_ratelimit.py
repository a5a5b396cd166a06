"""The pacer and the 429 handler, with a fake clock (no sleeping)."""

from slackbot.ratelimit import Pacer


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_sends_are_spaced_by_the_current_rate():
    t = FakeTime()
    pacer = Pacer(rate=4, increase=0, clock=t.clock, sleep=t.sleep)
    for _ in range(3):
        pacer.wait()
    assert t.slept == [0.25, 0.25]


def test_success_speeds_up_and_a_429_slows_down_and_holds_everyone():
    t = FakeTime()
    pacer = Pacer(rate=10, increase=1, decrease=0.5, clock=t.clock, sleep=t.sleep)
    pacer.succeeded()
    assert pacer.rate == 11
    pacer.rate_limited(2)
    assert pacer.rate == 5.5 and pacer.rate_limited_count == 1
    pacer.wait()
    assert t.slept == [2]


def test_the_rate_stays_within_bounds():
    pacer = Pacer(rate=1, min_rate=0.5, max_rate=2, increase=5, decrease=0.1)
    pacer.succeeded()
    assert pacer.rate == 2
    pacer.rate_limited(0)
    assert pacer.rate == 0.5
