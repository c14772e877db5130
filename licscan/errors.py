"""Errors that stop a run before anything is scanned, and the exit codes."""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE_FAILED = 1  # a policy gate failed (outranks EXIT_FETCH_FAILED)
EXIT_INPUT_ERROR = 2  # usage or input error: nothing was scanned
EXIT_FETCH_FAILED = 3  # scan complete, but some models could not be fetched


class InputError(Exception):
    """Bad input named by file and line: a manifest, a policy, a snapshot."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
