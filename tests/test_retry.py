"""The retry policy, driven by a fake clock (no sleeping, no network)."""

from __future__ import annotations

import pytest

from licscan.sources.retry import BudgetExceeded, RetryPolicy, call_with_retry


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Flaky(Exception):
    def __init__(self, retry_after: float | None = None) -> None:
        self.retry_after = retry_after


def classify(exc: BaseException) -> tuple[bool, float | None]:
    return (True, exc.retry_after) if isinstance(exc, Flaky) else (False, None)


def run(fails: list[Flaky], policy: RetryPolicy, clock: Clock, rng: float = 1.0) -> str:
    timeouts: list[float] = []

    def attempt(timeout: float) -> str:
        timeouts.append(timeout)
        if fails:
            raise fails.pop(0)
        return "ok"

    return call_with_retry(attempt, classify, policy, sleep=clock.sleep, clock=clock.time, rng=lambda: rng)


def test_backoff_doubles_up_to_the_cap() -> None:
    clock = Clock()
    policy = RetryPolicy(budget=1000, base_delay=1, max_delay=5)
    assert run([Flaky() for _ in range(5)], policy, clock) == "ok"
    assert clock.sleeps == [1, 2, 4, 5, 5]


def test_jitter_scales_the_backoff() -> None:
    clock = Clock()
    run([Flaky(), Flaky()], RetryPolicy(budget=100, base_delay=2), clock, rng=0.25)
    assert clock.sleeps == [0.5, 1.0]


def test_retry_after_is_a_floor() -> None:
    clock = Clock()
    run([Flaky(retry_after=7), Flaky(retry_after=0)], RetryPolicy(budget=100, base_delay=1), clock)
    assert clock.sleeps == [7, 2]


def test_permanent_errors_are_not_retried() -> None:
    clock = Clock()

    def attempt(timeout: float) -> str:
        raise KeyError("permanent")

    with pytest.raises(KeyError):
        call_with_retry(attempt, classify, RetryPolicy(), sleep=clock.sleep, clock=clock.time)
    assert clock.sleeps == []


def test_budget_ends_the_retries_with_the_last_error() -> None:
    clock = Clock()
    with pytest.raises(BudgetExceeded) as info:
        run([Flaky() for _ in range(100)], RetryPolicy(budget=10, base_delay=1, max_delay=4), clock)
    assert sum(clock.sleeps) < 10
    assert isinstance(info.value.last, Flaky)
    assert info.value.attempts == len(clock.sleeps) + 1


def test_a_retry_after_beyond_the_budget_gives_up_at_once() -> None:
    clock = Clock()
    with pytest.raises(BudgetExceeded):
        run([Flaky(retry_after=3600)], RetryPolicy(budget=60), clock)
    assert clock.sleeps == []
