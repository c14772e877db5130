"""The request-concurrency controllers behind ``--jobs N`` and ``--jobs auto`` (pure: no clock, no network)."""

from __future__ import annotations

import pytest

from licscan.concurrency import AUTO_CAP, AUTO_START, Adaptive, Fixed, limiter_for


def answer(limiter: Adaptive, n: int, seconds: float = 0.05, ok: bool = True) -> None:
    for _ in range(n):
        limiter.record(seconds, ok)


def test_fixed_never_moves() -> None:
    fixed = Fixed(12)
    answer(fixed, 500)  # type: ignore[arg-type]
    fixed.throttled()
    assert fixed.limit() == 12
    assert Fixed(0).limit() == 1


def test_auto_starts_safe_and_doubles_per_round_trip_until_the_first_pushback() -> None:
    auto = Adaptive()
    assert auto.limit() == AUTO_START == 8
    answer(auto, 7)
    assert auto.limit() == 15  # slow start: one more in flight per clean answer
    answer(auto, 1)
    assert auto.limit() == 16  # a window of 8 clean answers doubled it
    answer(auto, 16)
    assert auto.limit() == 32
    answer(auto, 32)
    assert auto.limit() == AUTO_CAP == 64  # three round trips from 8 to the cap


def test_after_a_pushback_auto_grows_by_one_per_window_of_clean_answers() -> None:
    auto = Adaptive(start=16)
    auto.throttled()
    assert auto.limit() == 8
    answer(auto, 16)  # the 16 answers in flight at the cut: ignored
    assert auto.limit() == 8
    answer(auto, 7)
    assert auto.limit() == 8
    answer(auto, 1)  # a full window of 8 clean answers
    assert auto.limit() == 9
    answer(auto, 9)
    assert auto.limit() == 10


def test_auto_respects_its_cap() -> None:
    auto = Adaptive(start=4, cap=6)
    answer(auto, 1000)
    assert auto.limit() == 6
    assert Adaptive().cap == AUTO_CAP == 64
    big = Adaptive()
    answer(big, 100_000)
    assert big.limit() == 64


def test_auto_halves_on_429_or_503_and_ignores_answers_already_in_flight() -> None:
    auto = Adaptive(start=32)
    auto.throttled()
    assert auto.limit() == 16
    auto.throttled()  # the requests in flight were sent under the old load: no second cut for them
    assert auto.limit() == 16
    answer(auto, 32)  # the 32 that were in flight at the cut have answered: cooldown over
    auto.throttled()
    assert auto.limit() == 8
    for _ in range(10):
        answer(auto, 2 * auto.limit())
        auto.throttled()
    assert auto.limit() == 1  # never below one


def test_auto_halves_when_answers_slow_down() -> None:
    auto = Adaptive(start=20)
    answer(auto, 5, seconds=0.05)
    assert auto.limit() == 25
    auto.record(0.5, True)  # one slow answer is noise (the smoothed latency is 0.106 s)
    assert auto.limit() == 26
    answer(auto, 4, seconds=0.5)  # answers stay ten times the best round trip: the server is queueing
    assert auto.limit() == 14  # 29 halved, once the smoothed latency passed 3x the best (and 0.25 s)
    local = Adaptive(start=20)
    answer(local, 5, seconds=0.001)
    answer(local, 20, seconds=0.01)  # 10x the best, but far below any real congestion: clean answers
    assert local.limit() == 45


def test_failures_do_not_grow_it() -> None:
    auto = Adaptive()
    answer(auto, 50, ok=False)  # 404s: neither congestion nor a reason to grow
    assert auto.limit() == 8


@pytest.mark.parametrize(("value", "kind", "limit"), [("auto", Adaptive, 8), (16, Fixed, 16), ("3", Fixed, 3)])
def test_limiter_for(value: int | str, kind: type, limit: int) -> None:
    limiter = limiter_for(value)
    assert isinstance(limiter, kind) and limiter.limit() == limit
