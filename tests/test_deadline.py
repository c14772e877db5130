"""``run_before``: hard deadlines on blocking calls, with helper threads reused rather than started per call."""

from __future__ import annotations

import threading
import time

import pytest

from licscan.sources.deadline import DeadlineExceeded, run_before


def test_helpers_are_reused() -> None:
    run_before(time.monotonic() + 5, lambda cancelled: 1)  # at least one helper exists
    before = threading.active_count()
    results = [run_before(time.monotonic() + 5, lambda cancelled, i=i: i * 2) for i in range(500)]
    assert results == [i * 2 for i in range(500)]
    assert threading.active_count() <= before + 1  # not one thread per call


def test_a_stuck_call_is_abandoned_at_its_deadline_and_the_next_ones_run() -> None:
    release = threading.Event()

    def stuck(cancelled: threading.Event) -> int:
        release.wait(5)
        return 0

    start = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        run_before(start + 0.2, stuck)
    assert time.monotonic() - start < 3.0  # the stuck call would hold 5 s: it was abandoned
    assert run_before(time.monotonic() + 5, lambda cancelled: "next") == "next"
    release.set()


def test_errors_reach_the_caller() -> None:
    def boom(cancelled: threading.Event) -> int:
        raise ValueError("from the helper")

    with pytest.raises(ValueError, match="from the helper"):
        run_before(time.monotonic() + 5, boom)
