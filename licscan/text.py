"""Making untrusted text (model-card values) safe to carry into any output."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

DETAIL_LIMIT = 200


def clip(value: Any, limit: int = DETAIL_LIMIT) -> str:
    """A short, printable rendering of any card value.

    Control and format characters (ANSI escapes, bidi overrides) are shown as
    escapes, so a hostile card can neither drive a terminal nor reorder text.
    """
    text = value if isinstance(value, str) else _json(value)
    out = []
    for char in text[: limit + 1]:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            out.append(char.encode("unicode_escape").decode("ascii") if char != "\n" else " ")
        else:
            out.append(char)
    result = "".join(out)
    if len(text) > limit:
        result = result[:limit] + f"… ({len(text)} chars)"
    return result


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return type(value).__name__
