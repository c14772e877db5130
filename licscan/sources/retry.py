"""Retrying transient failures: exponential backoff, full jitter, Retry-After,
all inside one time budget per request.

Kept free of any HTTP library: the caller says which errors are transient and
what delay the server asked for, so the policy is testable with a fake clock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from licscan.sources.deadline import pause as interruptible_sleep

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    budget: float = 120.0  # seconds for one request, retries included
    base_delay: float = 0.5
    max_delay: float = 20.0
    attempt_timeout: float = 30.0  # cap on a single attempt

    def delay(self, attempt: int, retry_after: float | None, rng: Callable[[], float]) -> float:
        """Sleep before retry number ``attempt`` (1-based)."""
        # Full jitter (AWS architecture blog): spreads a burst of clients apart.
        backoff: float = rng() * min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        # The server's Retry-After is a floor: coming back sooner just gets another 429.
        return max(backoff, retry_after) if retry_after is not None else backoff


class BudgetExceeded(Exception):
    def __init__(self, last: BaseException, attempts: int) -> None:
        super().__init__(f"gave up after {attempts} attempts: {last}")
        self.last = last
        self.attempts = attempts


def call_with_retry(
    attempt: Callable[[float], T],
    classify: Callable[[BaseException], tuple[bool, float | None]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = interruptible_sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: Callable[[], float] = random.random,
    deadline: float | None = None,
) -> T:
    """Call ``attempt(timeout)`` until it succeeds, a permanent error, or the budget ends.

    ``classify(exc)`` returns ``(transient, retry_after_seconds)``. Permanent
    errors propagate at once; when the budget is spent, ``BudgetExceeded``
    carries the last transient error. ``deadline`` (on ``clock``) replaces ``clock() + budget`` when
    several requests share one budget (the licence files of one model).
    """
    if deadline is None:
        deadline = clock() + policy.budget
    tries = 0
    while True:
        tries += 1
        remaining = deadline - clock()
        try:
            return attempt(max(0.1, min(policy.attempt_timeout, remaining)))
        except Exception as exc:
            transient, retry_after = classify(exc)
            if not transient:
                raise
            pause = policy.delay(tries, retry_after, rng)
            if clock() + pause >= deadline:
                raise BudgetExceeded(exc, tries) from exc
            sleep(pause)
