"""One object for equal immutable values that thousands of models repeat.

A scan of thousands of models grades most of them alike and attaches the same
few obligations to many: as separate objects they cost memory for every model
and, in a scan split across processes (``licscan.shards``), a pickle and an
unpickle each. Equal frozen values are interchangeable, so each is kept once.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

LIMIT = 100_000  # distinct values kept; past it the table starts afresh (a bound, not an eviction policy)
_TABLE: dict[object, object] = {}


def shared(value: T) -> T:
    """``value``, or the equal value seen before (frozen dataclasses, tuples of them)."""
    if len(_TABLE) >= LIMIT:
        _TABLE.clear()
    return _TABLE.setdefault(value, value)  # type: ignore[return-value]
