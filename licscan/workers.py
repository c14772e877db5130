"""Threads that run a scan's requests: tasks in through one queue, answers out through another.

``ThreadPoolExecutor`` with ``wait(FIRST_COMPLETED)`` costs a future (a Condition) per request and,
at every answer, a waiter installed on and removed from each future in flight: at 64 in flight that
bookkeeping, under the GIL, costs more CPU than the request. Two C-implemented ``SimpleQueue``s make it
one put and one get per hand-off. Threads start as the work in flight needs them, up to ``most``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from queue import SimpleQueue
from typing import Generic, TypeVar

T = TypeVar("T")
A = TypeVar("A")


class Workers(Generic[T, A]):
    """Runs ``run(task)`` on up to ``most`` threads; ``answer()`` gives (task, seconds it took, result) back.

    The seconds are the task's own, from the moment a thread took it to its end: not the time its answer
    then waited for the caller, which a busy caller would otherwise count as a slow server.

    A task whose ``run`` raises comes back with the exception as its result, for the caller to raise.
    """

    def __init__(self, run: Callable[[T], A], most: int, name: str = "licscan-fetch") -> None:
        self._run = run
        self._most = max(1, most)
        self._name = name
        self._tasks: SimpleQueue[T | None] = SimpleQueue()
        self._answers: SimpleQueue[tuple[T, float, A | BaseException]] = SimpleQueue()
        self._threads: list[threading.Thread] = []

    def submit(self, task: T, in_flight: int) -> None:
        """Queue ``task``; ``in_flight`` (counting it) says how many threads the work needs now."""
        if len(self._threads) < min(in_flight, self._most):
            thread = threading.Thread(target=self._loop, name=f"{self._name}-{len(self._threads)}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self._tasks.put(task)

    def answer(self) -> tuple[T, float, A | BaseException]:
        """The next answer, blocking until one arrives."""
        return self._answers.get()

    def close(self) -> None:
        """Stop every thread once it has finished its task (each call it runs must end by its deadline)."""
        for _ in self._threads:
            self._tasks.put(None)  # one stop per thread
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _loop(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            started = time.monotonic()
            try:
                result: A | BaseException = self._run(task)
            except BaseException as exc:  # handed to the caller, which raises it in its own thread
                result = exc
            self._answers.put((task, time.monotonic() - started, result))
