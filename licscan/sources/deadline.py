"""Hard deadlines for blocking network calls, and a run-wide interrupt.

An HTTP client's timeouts are per phase and per read: a server that trickles
a byte every few seconds, or a resolver that never answers, holds a request
far past any of them. ``run_before`` runs the request in a helper thread and
gives up on it at the deadline, whatever the client does; the helper is told
to stop (``cancelled``) and ends at its next read. Helpers are daemon threads,
so one stuck in a read never keeps licscan from exiting.

``interrupt()`` (Ctrl-C) makes every wait give up at once, so the scan's
workers drain in a moment instead of finishing their queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_POLL = 0.1  # how often a wait looks at the interrupt flag
_INTERRUPTED = threading.Event()


class DeadlineExceeded(TimeoutError):
    """No complete answer before the deadline."""


class Interrupted(Exception):
    """The run was interrupted (Ctrl-C): no more network calls."""


def interrupt() -> None:
    _INTERRUPTED.set()


def reset_interrupt() -> None:
    _INTERRUPTED.clear()


def interrupted() -> bool:
    return _INTERRUPTED.is_set()


def check_interrupted() -> None:
    if _INTERRUPTED.is_set():
        raise Interrupted("interrupted")


def pause(seconds: float) -> None:
    """``time.sleep`` that ends early, raising Interrupted, when the run is interrupted."""
    if _INTERRUPTED.wait(max(0.0, seconds)):
        raise Interrupted("interrupted")


class _Helpers:
    """Daemon threads that run requests for ``run_before``, kept for reuse.

    Starting a thread per request costs more CPU than the request itself on a fast network; a helper
    that finishes goes back to the idle list, and one still stuck in a read past its deadline is simply
    left behind (it rejoins the list if it ever finishes). Daemon threads never keep licscan from exiting.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Helper] = []

    def run(self, job: Callable[[], None]) -> None:
        with self._lock:
            helper = self._idle.pop() if self._idle else None
        if helper is None:
            helper = _Helper(self)
        helper.give(job)

    def rest(self, helper: _Helper) -> None:
        with self._lock:
            if len(self._idle) < 512:
                self._idle.append(helper)


class _Helper:
    def __init__(self, owner: _Helpers) -> None:
        self._owner = owner
        self._ready = threading.Event()
        self._job: Callable[[], None] | None = None
        threading.Thread(target=self._loop, name="licscan-request", daemon=True).start()

    def give(self, job: Callable[[], None]) -> None:
        self._job = job
        self._ready.set()

    def _loop(self) -> None:
        while True:
            self._ready.wait()
            self._ready.clear()
            job, self._job = self._job, None
            if job is not None:
                job()
            self._owner.rest(self)


_HELPERS = _Helpers()


def run_before(
    deadline: float, work: Callable[[threading.Event], T], *, clock: Callable[[], float] = time.monotonic
) -> T:
    """``work(cancelled)`` if it finishes before ``deadline`` (on ``clock``); else DeadlineExceeded.

    ``work`` should check ``cancelled`` between reads and stop when it is set.
    """
    check_interrupted()
    cancelled = threading.Event()
    done = threading.Event()
    outcome: list[tuple[bool, object]] = []

    def target() -> None:
        try:
            outcome.append((True, work(cancelled)))
        except BaseException as exc:  # handed to the waiting thread, which raises it
            outcome.append((False, exc))
        finally:
            done.set()

    _HELPERS.run(target)
    while not done.wait(max(0.0, min(_POLL, deadline - clock()))):
        if _INTERRUPTED.is_set():
            cancelled.set()
            raise Interrupted("interrupted")
        if clock() >= deadline:
            cancelled.set()
            raise DeadlineExceeded("no complete answer before the deadline")
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[return-value]
    assert isinstance(value, BaseException)
    raise value
