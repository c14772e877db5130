"""Pretty JSON (two-space indent, UTF-8 kept), fast.

The standard library's encoder is C-accelerated only without ``indent``; a 20,000-model report
rendered with ``indent=2`` spends seconds in pure Python. orjson writes the same layout about twenty
times faster: the same bytes, except that a float with an exponent is written in its shortest form
(``1.5e-7`` for Python's ``1.5e-07``; licscan's own floats, confidences, have none). It refuses what
JSON allows Python to hold (integers beyond 64 bits, lone surrogates): those documents go through the
standard library. Checked in tests/test_jsonfmt.py.
"""

from __future__ import annotations

import json
from typing import Any


def pretty(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"`` (see the module's note on floats)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; a platform without a wheel falls back
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
    except (TypeError, ValueError, orjson.JSONEncodeError):
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
