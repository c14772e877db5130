"""How many requests a scan keeps in flight: fixed (``--jobs N``) or adaptive (``--jobs auto``).

A scan is latency-bound: its floor is ceil(requests / concurrency) x round-trip time, so concurrency is
what makes it fast, up to the point where the server pushes back. ``Adaptive`` finds that point the way
TCP does (slow start, then additive increase and multiplicative decrease): it starts at a safe level and,
until the server first pushes back, adds one request in flight per clean answer (doubling every round
trip, so a scan reaches its cap in a few round trips rather than in dozens of windows); from the first
pushback on it adds one per window of clean answers. It halves when the server throttles (429/503, reported by the
source through ``throttled``) or when answers slow down (a smoothed latency well above the best seen,
which is what a queueing server, or the retries behind a 429's Retry-After, look like from here). It never goes
above its cap nor below one. Pure: time comes in as numbers, so it is tested without a clock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

AUTO_START = 8
AUTO_CAP = 64
MAX_JOBS = 256  # the most --jobs N accepts
LATENCY_FACTOR = 3.0  # an answer this many times slower than the best is congestion
MIN_SLOW_SECONDS = 0.25  # ...when it is also at least this slow (fast local answers jitter a lot)
SMOOTHING = 1 / 8  # weight of each answer in the smoothed latency (TCP's SRTT): one slow answer is noise


@dataclass
class Fixed:
    """``--jobs N``: always N."""

    jobs: int

    def limit(self) -> int:
        return max(1, self.jobs)

    def record(self, seconds: float, ok: bool) -> None:
        return None

    def throttled(self) -> None:
        return None


@dataclass
class Adaptive:
    """``--jobs auto``: additive increase while answers come back clean and fast, halve on pushback."""

    start: int = AUTO_START
    cap: int = AUTO_CAP
    current: float = field(init=False)
    best: float | None = field(init=False, default=None)  # fastest answer seen: the round trip
    smoothed: float | None = field(init=False, default=None)  # the recent latency, weighted
    _clean: int = field(init=False, default=0)  # clean answers since the last change
    _cooldown: int = field(init=False, default=0)  # answers to ignore after a cut (already in flight)
    _slow_start: bool = field(init=False, default=True)  # until the first pushback: grow per answer
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.cap = max(1, self.cap)
        self.current = float(min(max(1, self.start), self.cap))

    def limit(self) -> int:
        return max(1, int(self.current))

    def record(self, seconds: float, ok: bool) -> None:
        """One answer came back after ``seconds``; ``ok`` is False for a failed request."""
        with self._lock:
            if self.best is None or seconds < self.best:
                self.best = seconds
            self.smoothed = seconds if self.smoothed is None else self.smoothed + SMOOTHING * (seconds - self.smoothed)
            if self._cooldown > 0:
                self._cooldown -= 1
                return
            recent = self.smoothed
            if recent >= MIN_SLOW_SECONDS and recent > LATENCY_FACTOR * self.best:
                self._cut()
                return
            if ok and self._slow_start:
                self.current = min(float(self.cap), self.current + 1)
            elif ok:
                self._clean += 1
                if self._clean >= self.limit():  # one more in flight per window of clean answers
                    self.current = min(float(self.cap), self.current + 1)
                    self._clean = 0

    def throttled(self) -> None:
        """The server answered 429 or 503: halve at once."""
        with self._lock:
            if self._cooldown == 0:
                self._cut()

    def _cut(self) -> None:
        # Requests already in flight answer under the old load: don't cut again for them.
        self._cooldown = self.limit()
        self._slow_start = False
        self.smoothed = None  # the latency under the new load is measured afresh
        self.current = max(1.0, self.current / 2)
        self._clean = 0


def limiter_for(jobs: int | str, *, share: int = 1, index: int = 0) -> Fixed | Adaptive:
    """The limiter ``--jobs`` asks for (a number, or ``auto``); with ``share`` processes scanning
    together (``licscan.shards``), process ``index``'s part of it: together they never exceed one."""
    if jobs == "auto":
        return Adaptive(start=max(1, AUTO_START // share), cap=max(1, AUTO_CAP // share))
    total = int(jobs)
    return Fixed(total // share + (1 if index < total % share else 0))
