"""Errors that stop a run before anything is scanned, and the exit codes."""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE_FAILED = 1  # a policy gate failed (outranks EXIT_FETCH_FAILED)
EXIT_INPUT_ERROR = 2  # usage or input error: nothing was scanned
EXIT_FETCH_FAILED = 3  # scan complete, but some models could not be fetched
EXIT_INTERNAL_ERROR = 70  # a licscan bug (EX_SOFTWARE of sysexits.h): never read as a failed gate
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class InputError(Exception):
    """Bad input named by file and line: a manifest, a policy, a snapshot."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
