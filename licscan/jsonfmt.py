"""Pretty JSON (two-space indent, UTF-8 kept), fast.

The standard library's encoder is C-accelerated only without ``indent``; a 20,000-model report
rendered with ``indent=2`` spends seconds in pure Python. orjson writes the same layout about twenty
times faster: the same bytes, except that a float with an exponent is written in its shortest form
(``1.5e-7`` for Python's ``1.5e-07``; licscan's own floats, confidences, have none). It refuses what
JSON allows Python to hold (integers beyond 64 bits, lone surrogates): a member holding one goes through
the standard library. Checked in tests/test_jsonfmt.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def pretty(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"`` (see the module's note on floats):
    ``pretty_chunks`` joined, so a document and its pieces are the same text by construction."""
    return "".join(pretty_chunks(value))


def pretty_chunks(value: Any, depth: int = 2) -> Iterator[str]:
    """``pretty(value)`` in pieces: the document's containers down to ``depth`` are written one member at a
    time, so a report of 20,000 models is never held as one string (nor as one string and its bytes).

    Each member is written with its lines indented for where it sits: JSON writes no raw line break
    inside a string. A member orjson refuses goes through the standard library alone.
    """
    yield from _members(value, depth, 0)
    yield "\n"


def _dumps(value: Any, sort_keys: bool = False) -> str:
    """One value, indented two spaces, no trailing newline: orjson, else the standard library."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; a platform without a wheel falls back
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)
    try:
        option = orjson.OPT_INDENT_2 | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        return orjson.dumps(value, option=option).decode("utf-8")
    except (TypeError, ValueError, orjson.JSONEncodeError):
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)


def pretty_sorted(value: Any) -> str:
    """``pretty`` with every object's keys sorted, in one piece (a cache or snapshot entry: a stable text)."""
    return _dumps(value, sort_keys=True) + "\n"


def _members(value: Any, depth: int, level: int) -> Iterator[str]:
    plain = isinstance(value, dict) and not all(isinstance(k, str) for k in value)  # keys JSON converts
    if depth <= 0 or not isinstance(value, dict | list) or not value or plain:
        text = _dumps(value)
        yield text.replace("\n", "\n" + "  " * level) if level else text
        return
    inner = "  " * (level + 1)
    yield "{" if isinstance(value, dict) else "["
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for i, (key, member) in enumerate(items):
        prefix = ",\n" if i else "\n"
        if key is None:
            yield prefix + inner
        else:
            yield prefix + inner + _dumps(key) + ": "
        yield from _members(member, depth - 1, level + 1)
    yield "\n" + "  " * level + ("}" if isinstance(value, dict) else "]")
