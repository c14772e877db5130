"""Making untrusted text (model-card values) safe to carry into any output."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from typing import Any

DETAIL_LIMIT = 200


_UNPRINTABLE = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def clip(value: Any, limit: int = DETAIL_LIMIT) -> str:
    """A short, one-line, printable rendering of any card value.

    Control and format characters (ANSI escapes, bidi overrides) are shown as
    escapes, so a hostile card can neither drive a terminal nor reorder text.
    """

    def escape(char: str) -> str:
        return " " if char == "\n" else char.encode("unicode_escape").decode("ascii")

    return _printable(value, limit, escape, keep="", unit="chars")


def display(value: Any, limit: int = 300) -> str:
    """Printable text of an untrusted value for reports: lines kept, control characters replaced.

    Escaping for the target format is the renderer's job; this only removes what
    no format should carry (ANSI escapes, bidi overrides, NULs) and bounds the length.
    """
    return _printable(value, limit, lambda _: "\ufffd", keep="\n\t", unit="characters")


def _printable(value: Any, limit: int, substitute: Callable[[str], str], *, keep: str, unit: str) -> str:
    text = value if isinstance(value, str) else _json(value)
    out = []
    for char in text[: limit + 1]:
        if char not in keep and unicodedata.category(char) in _UNPRINTABLE:
            out.append(substitute(char))
        else:
            out.append(char)
    result = "".join(out)
    if len(text) > limit:
        result = result[:limit] + f"… ({len(text)} {unit})"
    return result


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return type(value).__name__
