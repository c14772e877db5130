"""The scan's progress on stderr: one bar redrawn in place on a terminal, a heartbeat line in CI logs.

It plugs into the scan's ``progress`` callback (``licscan.scan.Progress``:
``(done, total, label)``, where ``total`` grows as bases and licence files
are found). On a terminal, ``tqdm`` draws one line, trimmed to the terminal's
width (it never wraps) and cleared when the scan ends, normally or by Ctrl-C.
tqdm rather than rich: it is already installed (huggingface_hub depends on
it), imports in ~80 ms only when a terminal is there to draw on, and a single
line is all this needs. Elsewhere (a CI log, a pipe) nothing is drawn; a scan
that runs longer than ``HEARTBEAT_SECONDS`` prints one plain line every
``HEARTBEAT_SECONDS`` so the log shows it is alive.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

from licscan.text import clip

HEARTBEAT_SECONDS = 10.0
REDRAW_SECONDS = 0.1  # tqdm's own mininterval: a redraw more often than this is not seen
_LABEL = 60  # characters of the current repo shown; tqdm trims the whole line to the terminal anyway


class ProgressDisplay:
    """A ``Progress`` callback that draws on ``stream`` (stderr), as a context manager that cleans up after."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = HEARTBEAT_SECONDS if interval is None else interval
        self.clock = clock
        self.started = clock()
        self.done = 0
        self.total = 0
        self._raw_label = ""
        self._drawn = float("-inf")
        self._bar: Any = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def __enter__(self) -> ProgressDisplay:
        if not self.tty and self.interval > 0:
            self._beat = threading.Thread(target=self._heartbeat, name="licscan-heartbeat", daemon=True)
            self._beat.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __call__(self, done: int, total: int, label: str) -> None:
        # Called once per answer, thousands of times a second in a big scan: the label is made printable only
        # when it is shown, and the bar redrawn at most every REDRAW_SECONDS (and for the last answer).
        with self._lock:
            self.done, self.total, self._raw_label = done, max(total, done), label
            if self.tty:
                now = self.clock()
                if now - self._drawn >= REDRAW_SECONDS or done >= total:
                    self._drawn = now
                    self._draw()

    @property
    def label(self) -> str:
        return clip(self._raw_label, _LABEL)

    def close(self) -> None:
        """Stop the heartbeat and clear the bar (``leave=False``): nothing stale stays on the screen."""
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=1.0)
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None

    def _draw(self) -> None:
        if self._bar is None:
            from tqdm import tqdm  # type: ignore[import-untyped]  # lazy: only a terminal draws

            self._bar = tqdm(
                total=self.total,
                file=self.stream,
                leave=False,
                dynamic_ncols=True,
                mininterval=0.1,
                desc="licscan",
                bar_format="{desc} [{n}/{total}] {bar} {elapsed}{postfix}",
            )
        self._bar.total = self.total
        self._bar.n = self.done
        self._bar.set_postfix_str(self.label, refresh=False)
        self._bar.refresh()

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                line = heartbeat_line(self.done, self.total, self.label, self.clock() - self.started)
            print(line, file=self.stream, flush=True)


def quiet_hub_client() -> None:
    """Turn huggingface_hub's own download bars off before it is imported: licscan owns the terminal line.

    huggingface_hub reads the variable once, at import, so this runs where the Hub source is built. On a
    terminal each of its (tiny, licence-file) downloads otherwise leaves a blank line under licscan's bar.
    """
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def heartbeat_line(done: int, total: int, label: str, elapsed: float) -> str:
    """``licscan: 120/480 requests done after 1m 10s (now: org/name@main)``."""
    minutes, seconds = divmod(int(elapsed), 60)
    took = f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"
    now = f" (last: {label})" if label else ""
    return f"licscan: {done}/{total} requests done after {took}{now}"
